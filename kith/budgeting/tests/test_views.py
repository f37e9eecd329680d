"""Budgeting pages: who may open what, what people see, and the downloads."""

import csv
import io

import pytest
from django.urls import reverse

from kith.budgeting import services
from kith.budgeting.models import Ballot, Round, Voter
from kith.budgeting.tests.factories import BORN, move_to, open_round, proposals
from kith.notify.models import Message
from tests.inbox import received_code

PC = "SE17 2AA"


@pytest.fixture
def voting(testford):
    round_ = open_round(testford)
    made = proposals(testford, round_, [800, 300, 200])
    round_.proposals.filter(pk=made[1].pk).update(title='=HYPERLINK("http://x")')
    move_to(round_, "voting")
    return testford, round_


def _url(name, round_, *args):
    return reverse(f"budgeting:{name}", args=[round_.pk, *args])


def _counted(circle, round_, *, publish=True):
    heading = round_.headings.get()
    for n, project in enumerate([1, 1, 2, 3], start=1):
        services.ballot_enter(
            actor=circle.coordinator,
            round_=round_,
            channel="paper",
            full_name=f"Voter {n}",
            postcode=PC,
            born=BORN,
            choices={heading.pk: [project]},
            paper_number=n,
        )
    move_to(round_, "counting")
    services.round_seal(actor=circle.council_officer, round_=round_)
    services.round_count(actor=circle.council_officer, round_=round_)
    if publish:
        services.round_publish(actor=circle.council_officer, round_=round_)


def test_anyone_sees_the_round_and_its_rules(client, voting):
    _circle, round_ = voting
    page = client.get(_url("round", round_)).content.decode()
    assert "Testford Local Budget" in page
    assert "Greedy by votes" in page
    assert "Vote online" in page
    assert "Enter paper or phone ballots" not in page
    listing = client.get(reverse("budgeting:rounds")).content.decode()
    assert "Testford Local Budget" in listing and "Voting" in listing


def test_another_localitys_round_is_not_found(client, voting, elsewhere):
    _circle, round_ = voting
    client.force_login(elsewhere.council_officer)
    assert client.get(_url("round", round_)).status_code == 404


def test_vote_online_with_a_code(client, voting):
    _circle, round_ = voting
    response = client.post(_url("vote_start", round_), {"to": "ada@example.com"})
    assert response["Location"] == _url("vote_ballot", round_)
    code = received_code(
        Message.objects.filter(template="contact_code").order_by("pk").last()
    )
    heading = round_.headings.get()
    form = {
        "full_name": "Ada Lovelace",
        "postcode": PC,
        "born_day": BORN.day,
        "born_month": BORN.month,
        "born_year": BORN.year,
        f"heading_{heading.pk}": ["1", "2", "3"],
        "code": code,
    }
    too_many = client.post(_url("vote_ballot", round_), form).content.decode()
    assert "More projects were chosen than allowed" in too_many
    form[f"heading_{heading.pk}"] = ["1", "3"]
    done = client.post(_url("vote_ballot", round_), form).content.decode()
    assert "Your vote is in" in done
    assert Ballot.objects.get().choices == [1, 3]


@pytest.mark.parametrize("role", ["coordinator", "council_officer"])
def test_staff_enter_a_stack_of_papers(client, voting, role):
    circle, round_ = voting
    client.force_login(circle.by_role(role))
    heading = round_.headings.get()
    paper = {
        "channel": "paper",
        "full_name": "Bob Brown",
        "postcode": PC,
        "born_day": 1,
        "born_month": 2,
        "born_year": 1950,
    }
    first = client.post(
        _url("ballot_enter", round_),
        {**paper, "paper_number": 7, f"heading_{heading.pk}": ["1", "2", "3"]},
        follow=True,
    ).content.decode()
    assert (
        "Recorded paper 7 as spoiled: More projects were chosen than allowed." in first
    )
    again = client.post(
        _url("ballot_enter", round_),
        {**paper, "paper_number": 8, f"heading_{heading.pk}": ["1"]},
        follow=True,
    ).content.decode()
    assert "Recorded paper 8 as a duplicate, not counted" in again
    same = client.post(
        _url("ballot_enter", round_),
        {**paper, "full_name": "Cy", "paper_number": 7, f"heading_{heading.pk}": ["1"]},
    ).content.decode()
    assert "Paper 7 has already been entered." in same
    assert Voter.objects.count() == 2


@pytest.mark.parametrize("role", ["member", "helper", "organisation_editor"])
def test_others_cannot_enter_ballots_or_manage(client, voting, role):
    circle, round_ = voting
    client.force_login(circle.by_role(role))
    assert client.get(_url("ballot_enter", round_)).status_code == 403
    assert client.get(_url("action", round_, "count")).status_code == 403
    proposal = round_.proposals.first()
    url = reverse("budgeting:proposal_check", args=[proposal.pk])
    assert client.get(url).status_code == 403


def test_a_coordinator_cannot_count(client, voting):
    circle, round_ = voting
    client.force_login(circle.coordinator)
    assert client.post(_url("action", round_, "count")).status_code == 403


def test_signed_out_staff_pages_ask_to_sign_in(client, voting):
    _circle, round_ = voting
    response = client.get(_url("ballot_enter", round_))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_results_hidden_until_published_then_shown_with_a_csv(client, voting):
    circle, round_ = voting
    _counted(circle, round_, publish=False)
    assert client.get(_url("results", round_)).status_code == 404
    client.force_login(circle.council_officer)
    early = client.get(_url("results", round_)).content.decode()
    assert "Not published yet" in early
    client.post(_url("action", round_, "publish"))
    assert Round.objects.get(pk=round_.pk).published_at
    client.logout()
    page = client.get(_url("results", round_)).content.decode()
    assert "£1000 spent, £0 left." in page
    assert "4 people voted." in page
    response = client.get(_url("results_csv", round_))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Heading", "Number", "Project", "Cost (£)", "Votes", "Funded"]
    assert ["Whole area", "1", "Project 1", "800", "2", "Yes"] in rows
    # A title that looks like a formula is written as text.
    assert any(row[2].startswith("'=HYPERLINK") for row in rows[1:])


def test_count_without_a_sealed_box_says_why(client, voting):
    circle, round_ = voting
    move_to(round_, "counting")
    client.force_login(circle.council_officer)
    page = client.post(_url("action", round_, "count")).content.decode()
    assert "Close the ballot box first" in page
    assert not Round.objects.get(pk=round_.pk).counted_at


def test_officer_checks_a_proposal(client, testford):
    round_ = open_round(testford)
    proposal = services.proposal_submit(
        actor=testford.member,
        round_=round_,
        heading=round_.headings.get(),
        title="Benches",
        description="For the park.",
        proposer_name="M",
        postcode="SE17 2AA",
    )
    move_to(round_, "checking")
    client.force_login(testford.council_officer)
    url = reverse("budgeting:proposal_check", args=[proposal.pk])
    missing = client.post(url, {"feasible": "yes", "reason": "Fine."}).content.decode()
    assert "Enter the cost in pounds." in missing
    client.post(url, {"feasible": "yes", "reason": "Fine.", "cost": "450"})
    proposal.refresh_from_db()
    assert (proposal.feasibility, proposal.cost) == ("feasible", 450)


def test_results_page_queries_do_not_grow(
    client, voting, django_assert_max_num_queries
):
    circle, round_ = voting
    _counted(circle, round_)
    with django_assert_max_num_queries(20):
        assert client.get(_url("results", round_)).status_code == 200


def _round_form(round_=None, **changes):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    days = {
        "proposing_opens": today + timedelta(days=1),
        "proposing_closes": today + timedelta(days=10),
        "voting_opens": today + timedelta(days=11),
        "voting_closes": today + timedelta(days=20),
    }
    data = {
        "title": "Green Streets",
        "description": "",
        "ballot_type": "approval",
        "max_choices": "3",
        "counting_method": "equal_shares",
        "eligibility": "anyone",
        "minimum_age": "",
        "owner_organisation": "",
    }
    for name, day in days.items():
        data |= {
            f"{name}_day": day.day,
            f"{name}_month": day.month,
            f"{name}_year": day.year,
        }
    return data | changes


def test_an_officer_sets_up_a_round_and_its_heading(client, testford):
    client.force_login(testford.council_officer)
    response = client.post(reverse("budgeting:round_new"), _round_form())
    round_ = Round.objects.get(title="Green Streets")
    assert response["Location"] == _url("heading_add", round_)
    client.post(_url("heading_add", round_), {"name": "Streets", "amount": "5000"})
    assert round_.headings.get().amount == 5000
    assert round_.counting_method == "equal_shares"
    assert round_.phase() == "planned"


def test_a_coordinator_cannot_set_up_a_round(client, testford):
    client.force_login(testford.coordinator)
    assert client.get(reverse("budgeting:round_new")).status_code == 403


def test_once_voting_opens_the_rules_page_refuses_with_the_reason(client, voting):
    circle, round_ = voting
    client.force_login(circle.council_officer)
    page = client.get(_url("round_edit", round_)).content.decode()
    assert "cannot change" in page
    # The form as shown, with only the title changed, saves.
    round_.refresh_from_db()
    from django.utils import timezone

    def day(moment, closes=False):
        from datetime import timedelta

        local = timezone.localtime(moment) - (
            timedelta(days=1) if closes else timedelta()
        )
        return local.date()

    dates = {
        "proposing_opens": day(round_.proposing_opens),
        "proposing_closes": day(round_.proposing_closes, closes=True),
        "voting_opens": day(round_.voting_opens),
        "voting_closes": day(round_.voting_closes, closes=True),
    }
    form = _round_form(title="Renamed", counting_method="greedy", max_choices="2")
    for name, value in dates.items():
        form |= {
            f"{name}_day": value.day,
            f"{name}_month": value.month,
            f"{name}_year": value.year,
        }
    assert client.post(_url("round_edit", round_), form).status_code == 302
    after = Round.objects.get(pk=round_.pk)
    assert after.title == "Renamed"
    assert after.voting_opens == round_.voting_opens
    refused = client.post(
        _url("round_edit", round_), form | {"counting_method": "equal_shares"}
    ).content.decode()
    assert "can no longer change" in refused
    assert Round.objects.get(pk=round_.pk).counting_method == "greedy"
