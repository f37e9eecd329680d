"""Proposing an idea one question a page; who may propose (the round's
rules); links to places on the map and community projects; and updates on
winning proposals until they are delivered."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kith.budgeting import services
from kith.budgeting.models import Proposal, ProposalUpdate
from kith.budgeting.tests.factories import BORN, move_to, open_round, proposals
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.projects.tests import factories as pf
from tests.factories import MembershipFactory

PC = "SE17 2AA"


def _step(client, slug, data):
    return client.post(reverse("budgeting:propose_step", args=[slug]), data)


def _propose(client, round_, *, you=None, where=None, start=True):
    if start:
        started = client.get(reverse("budgeting:propose", args=[round_.pk]))
        assert started.url == reverse("budgeting:propose_step", args=["idea"])
    _step(client, "idea", {"title": "Benches", "description": "Benches by the pond."})
    _step(client, "where", where or {"asset": "", "place": "The pond"})
    _step(client, "cost", {"estimated_cost": "900"})
    return _step(
        client,
        "you",
        you or {"proposer_name": "Member Testford", "postcode": PC},
    )


def test_a_member_proposes_one_question_a_page(client, testford):
    round_ = open_round(testford)
    client.force_login(testford.member)
    page = client.get(reverse("budgeting:round", args=[round_.pk])).content.decode()
    assert reverse("budgeting:propose", args=[round_.pk]) in page
    # A question left empty is asked again, with the reason.
    client.get(reverse("budgeting:propose", args=[round_.pk]))
    empty = _step(client, "idea", {"title": "", "description": ""})
    assert "Give your idea a name." in empty.content.decode()
    response = _propose(client, round_)
    assert response.url == reverse("budgeting:propose_check")
    check = client.get(response.url).content.decode()
    assert "Benches by the pond." in check and "The pond" in check
    assert not round_.proposals.exists()  # nothing until they send it
    sent = client.post(reverse("budgeting:propose_check"))
    assert sent.url == reverse("budgeting:round", args=[round_.pk])
    proposal = round_.proposals.get()
    assert (proposal.title, proposal.place, proposal.estimated_cost) == (
        "Benches",
        "The pond",
        900,
    )
    assert proposal.proposer == testford.member
    # Sent twice (a double click, the back button): still one proposal.
    client.post(reverse("budgeting:propose_check"))
    assert round_.proposals.count() == 1


def test_the_same_submission_key_makes_one_proposal(testford):
    round_ = open_round(testford)
    kwargs = {
        "actor": testford.member,
        "round_": round_,
        "heading": round_.headings.get(),
        "title": "Trees",
        "description": "Plant trees.",
        "proposer_name": "Member Testford",
        "postcode": PC,
        "submission_key": "a" * 32,
    }
    first = services.proposal_submit(**kwargs)
    assert services.proposal_submit(**kwargs) == first
    assert round_.proposals.count() == 1


def test_with_two_headings_the_first_question_is_which(client, testford):
    round_ = open_round(testford)
    services.heading_add(
        actor=testford.council_officer, round_=round_, name="Parks", amount=500
    )
    client.force_login(testford.member)
    start = client.get(reverse("budgeting:propose", args=[round_.pk]))
    assert start.url == reverse("budgeting:propose_step", args=["heading"])
    parks = round_.headings.get(name="Parks")
    _step(client, "heading", {"heading": str(parks.pk)})
    _propose(client, round_, start=False)
    client.post(reverse("budgeting:propose_check"))
    assert round_.proposals.get().heading == parks


def test_a_proposer_outside_the_rounds_wards_is_refused_with_the_reason(
    client, testford
):
    round_ = open_round(testford, eligibility="wards", wards=[testford.ward])
    client.force_login(testford.member)
    _propose(
        client, round_, you={"proposer_name": "Member Testford", "postcode": "SW9 9ZZ"}
    )
    page = client.post(reverse("budgeting:propose_check")).content.decode()
    assert "Only people living in" in page and "SW9 9ZZ" in page
    assert not round_.proposals.exists()
    # In the ward: taken.
    _step(client, "you", {"proposer_name": "Member Testford", "postcode": PC})
    client.post(reverse("budgeting:propose_check"))
    assert round_.proposals.count() == 1


def test_a_minimum_age_asks_the_date_of_birth(client, testford):
    round_ = open_round(testford, minimum_age=16)
    client.force_login(testford.member)
    response = _propose(client, round_)
    assert "Enter date of birth." in response.content.decode()
    today = timezone.localdate()
    young = today - timedelta(days=365 * 12)
    _step(
        client,
        "you",
        {
            "proposer_name": "Member Testford",
            "postcode": PC,
            "born_day": str(young.day),
            "born_month": str(young.month),
            "born_year": str(young.year),
        },
    )
    page = client.post(reverse("budgeting:propose_check")).content.decode()
    assert "You need to be 16 or older to take part." in page
    assert not round_.proposals.exists()
    with pytest.raises(ApplicationError, match="date of birth"):
        services.proposal_submit(
            actor=testford.member,
            round_=round_,
            heading=round_.headings.get(),
            title="X",
            description="Y",
            proposer_name="Member Testford",
            postcode=PC,
        )


def test_a_members_only_round_matches_the_proposer_by_name_and_postcode(testford):
    round_ = open_round(testford, eligibility="members")
    member = testford.member
    member.postcode = "se17 2aa"  # as it was typed when they joined
    member.save()
    kwargs = {
        "actor": member,
        "round_": round_,
        "heading": round_.headings.get(),
        "title": "Trees",
        "description": "Plant trees.",
        "postcode": PC,
    }
    with pytest.raises(ApplicationError, match="Only members"):
        services.proposal_submit(proposer_name="Member Testford", **kwargs)
    MembershipFactory(person=member, locality=testford.locality, status="active")
    with pytest.raises(ApplicationError, match="Only members"):
        services.proposal_submit(proposer_name="Someone Else", **kwargs)
    made = services.proposal_submit(proposer_name="  member   TESTFORD ", **kwargs)
    assert made.number == 1


def test_a_proposal_links_to_a_place_on_the_map_and_a_project(client, testford):
    land = pf.asset(testford)
    project = pf.published_project(testford, title="Elm Road garden")
    hidden = pf.asset(testford, name="Depot", public=False)
    round_ = open_round(testford)
    client.force_login(testford.member)
    client.get(reverse("budgeting:propose", args=[round_.pk]))
    _step(client, "idea", {"title": "Benches", "description": "Benches."})
    where = client.get(reverse("budgeting:propose_step", args=["where"]))
    assert "Land behind Elm Road" in where.content.decode()
    assert "Depot" not in where.content.decode()
    _step(client, "where", {"asset": str(land.uuid), "place": ""})
    asked = client.get(reverse("budgeting:propose_step", args=["project"]))
    assert "Elm Road garden" in asked.content.decode()
    _step(client, "project", {"project": str(project.uuid)})
    _step(client, "cost", {"estimated_cost": ""})
    _step(client, "you", {"proposer_name": "Member Testford", "postcode": PC})
    client.post(reverse("budgeting:propose_check"))
    proposal = round_.proposals.get()
    assert (proposal.asset, proposal.project) == (land, project)
    assert proposal.place == "Land behind Elm Road"
    page = client.get(reverse("budgeting:round", args=[round_.pk])).content.decode()
    assert land.get_absolute_url() in page
    assert project.get_absolute_url() in page
    # An asset that is not public cannot be linked.
    with pytest.raises(ApplicationError):
        services.proposal_link(
            actor=testford.council_officer, proposal=proposal, asset=hidden
        )


def test_an_officer_links_a_proposal_later_and_others_cannot(client, testford):
    round_ = open_round(testford)
    (proposal,) = proposals(testford, round_, [500])
    project = pf.published_project(testford, title="Elm Road garden")
    url = reverse("budgeting:proposal_link", args=[proposal.pk])
    for role in ("member", "helper", "coordinator"):
        client.force_login(testford.by_role(role))
        assert client.post(url, {"project": str(project.uuid)}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.proposal_link(
            actor=testford.member, proposal=proposal, project=project
        )
    client.force_login(testford.council_officer)
    page = client.get(reverse("budgeting:round", args=[round_.pk])).content.decode()
    assert url in page
    client.post(url, {"asset": "", "project": str(project.uuid)})
    proposal.refresh_from_db()
    assert proposal.project == project
    assert AuditEvent.objects.filter(action="budgeting.proposal_link").exists()


@pytest.fixture
def won(testford):
    """A published round: proposals 1 (£800) and 3 (£200) won, 2 did not."""
    round_ = open_round(testford)
    made = proposals(testford, round_, [800, 300, 200])
    move_to(round_, "voting")
    heading = round_.headings.get()
    for n, project in enumerate([1, 1, 2, 3], start=1):
        services.ballot_enter(
            actor=testford.coordinator,
            round_=round_,
            channel="paper",
            full_name=f"Voter {n}",
            postcode=PC,
            born=BORN,
            choices={heading.pk: [project]},
            paper_number=n,
        )
    move_to(round_, "counting")
    services.round_seal(actor=testford.council_officer, round_=round_)
    services.round_count(actor=testford.council_officer, round_=round_)
    return round_, made


def test_updates_on_a_winning_proposal_until_delivered(client, testford, won):
    round_, (first, second, _third) = won
    with pytest.raises(ApplicationError, match="once the results are published"):
        services.proposal_update_post(
            actor=testford.council_officer,
            proposal=first,
            delivery="in_progress",
            text="Ordered.",
        )
    services.round_publish(actor=testford.council_officer, round_=round_)
    with pytest.raises(ApplicationError, match="proposals that won"):
        services.proposal_update_post(
            actor=testford.council_officer,
            proposal=second,
            delivery="in_progress",
            text="Ordered.",
        )
    # The proposer posts through the page linked from the results.
    client.force_login(testford.member)
    results = reverse("budgeting:results", args=[round_.pk])
    update_url = reverse("budgeting:proposal_update", args=[first.pk])
    assert update_url in client.get(results).content.decode()
    blank = client.post(update_url, {"delivery": "in_progress", "text": " "})
    assert "Say what has happened." in blank.content.decode()
    key = "b" * 32
    for _twice in range(2):
        client.post(
            update_url,
            {
                "delivery": "in_progress",
                "text": "Benches ordered.",
                "submission_key": key,
            },
        )
    assert first.updates.count() == 1
    # An officer says it is delivered; then the updates are finished.
    services.proposal_update_post(
        actor=testford.council_officer,
        proposal=first,
        delivery="delivered",
        text="Benches in place by the pond.",
    )
    with pytest.raises(ApplicationError, match="delivered"):
        services.proposal_update_post(
            actor=testford.member,
            proposal=first,
            delivery="in_progress",
            text="More.",
        )
    assert Proposal.objects.get(pk=first.pk).delivery == "delivered"
    client.logout()
    page = client.get(results).content.decode()
    assert "Benches ordered." in page
    assert "Benches in place by the pond." in page
    assert "Delivered" in page
    assert update_url not in page
    assert AuditEvent.objects.filter(
        action="budgeting.proposal_update_post", actor=testford.member
    ).exists()


@pytest.mark.parametrize("role", ["helper", "coordinator", "supporter"])
def test_only_the_proposer_or_an_officer_posts_updates(client, testford, won, role):
    round_, (first, _second, _third) = won
    services.round_publish(actor=testford.council_officer, round_=round_)
    person = testford.by_role(role)
    with pytest.raises(PermissionDenied):
        services.proposal_update_post(
            actor=person, proposal=first, delivery="in_progress", text="Mine."
        )
    client.force_login(person)
    url = reverse("budgeting:proposal_update", args=[first.pk])
    assert client.post(url, {"delivery": "in_progress", "text": "X"}).status_code == 403
    assert not ProposalUpdate.objects.exists()


def test_an_officer_of_another_area_cannot_post(testford, won, elsewhere):
    round_, (first, _second, _third) = won
    services.round_publish(actor=testford.council_officer, round_=round_)
    with pytest.raises(PermissionDenied):
        services.proposal_update_post(
            actor=elsewhere.council_officer,
            proposal=first,
            delivery="in_progress",
            text="Theirs.",
        )
