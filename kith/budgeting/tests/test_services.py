"""The budgeting services: rules frozen once voting opens, one ballot per
person across channels, spoiled and duplicate ballots, counting, and who
may do what."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kith.budgeting import services
from kith.budgeting.models import Ballot, Channel, Result, Round, Voter
from kith.budgeting.tests.factories import BORN, move_to, open_round, proposals
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.notify.models import Message
from tests.inbox import received_code

PC = "SE17 2AA"  # in the testford scenario's ward


@pytest.fixture
def voting(testford):
    round_ = open_round(testford)
    proposals(testford, round_, [800, 300, 200])
    move_to(round_, "voting")
    return testford, round_


def _heading(round_):
    return round_.headings.get()


def _enter(circle, round_, name, choices, paper=None, channel=Channel.PAPER, **kw):
    return services.ballot_enter(
        actor=circle.coordinator,
        round_=round_,
        channel=channel,
        full_name=name,
        postcode=kw.pop("postcode", PC),
        born=kw.pop("born", BORN),
        choices={_heading(round_).pk: choices},
        paper_number=paper,
    ).voter


def _vote_online(round_, name, choices, to="voter@example.com", **kw):
    sent = services.ballot_code_send(round_=round_, to=to)
    code = received_code(
        Message.objects.filter(template="contact_code").order_by("pk").last()
    )
    return services.ballot_online_cast(
        round_=round_,
        to=to,
        code_id=sent.pk,
        code=code,
        full_name=name,
        postcode=kw.pop("postcode", PC),
        born=kw.pop("born", BORN),
        choices={_heading(round_).pk: choices},
    )


# --- rules frozen once voting opens -----------------------------------------


def test_rules_change_before_voting_but_not_after(voting):
    circle, round_ = voting
    move_to(round_, "checking")
    services.round_update(
        actor=circle.council_officer, round_=round_, counting_method="equal_shares"
    )
    services.heading_change(
        actor=circle.council_officer, heading=_heading(round_), amount=1200
    )
    move_to(round_, "voting")
    for attempt in (
        lambda: services.round_update(
            actor=circle.council_officer, round_=round_, counting_method="greedy"
        ),
        lambda: services.round_update(
            actor=circle.council_officer, round_=round_, max_choices=3
        ),
        lambda: services.heading_change(
            actor=circle.council_officer, heading=_heading(round_), amount=5000
        ),
        lambda: services.heading_add(
            actor=circle.council_officer, round_=round_, name="More", amount=10
        ),
        lambda: services.proposal_check(
            actor=circle.council_officer,
            proposal=round_.proposals.first(),
            feasible=True,
            reason="Cheaper now.",
            cost=10,
        ),
    ):
        with pytest.raises(ApplicationError, match="can no longer change") as raised:
            attempt()
        assert raised.value.code == "frozen"
    round_.refresh_from_db()
    assert round_.counting_method == "equal_shares"
    assert _heading(round_).amount == 1200
    # What is not a rule may still change.
    services.round_update(actor=circle.council_officer, round_=round_, title="New")
    assert Round.objects.get(pk=round_.pk).title == "New"


def test_only_officers_manage_rounds(voting, elsewhere):
    circle, round_ = voting
    for person in (circle.member, circle.coordinator, circle.helper):
        with pytest.raises(PermissionDenied):
            services.round_update(actor=person, round_=round_, title="Mine")
    with pytest.raises(PermissionDenied):
        services.round_update(
            actor=elsewhere.council_officer, round_=round_, title="Theirs"
        )


def test_a_proposal_needs_a_public_reason_and_a_cost(testford):
    round_ = open_round(testford)
    proposal = services.proposal_submit(
        actor=testford.member,
        round_=round_,
        heading=_heading(round_),
        title="Benches",
        description="Benches in the park.",
        proposer_name="Member Testford",
        postcode="SE17 2AA",
    )
    assert proposal.number == 1 and proposal.proposer == testford.member
    move_to(round_, "checking")
    with pytest.raises(ApplicationError, match="reason"):
        services.proposal_check(
            actor=testford.council_officer,
            proposal=proposal,
            feasible=True,
            reason=" ",
            cost=100,
        )
    with pytest.raises(ApplicationError, match="cost"):
        services.proposal_check(
            actor=testford.council_officer,
            proposal=proposal,
            feasible=True,
            reason="Fine.",
        )
    with pytest.raises(PermissionDenied):
        services.proposal_check(
            actor=testford.coordinator,
            proposal=proposal,
            feasible=True,
            reason="Fine.",
            cost=100,
        )
    checked = services.proposal_check(
        actor=testford.council_officer,
        proposal=proposal,
        feasible=False,
        reason="The park is being rebuilt.",
    )
    assert checked.feasibility == "not_feasible"
    assert AuditEvent.objects.filter(action="budgeting.proposal_check").count() == 1


def test_proposals_only_while_proposing(voting):
    circle, round_ = voting
    with pytest.raises(ApplicationError, match="not taking proposals"):
        services.proposal_submit(
            actor=circle.member,
            round_=round_,
            heading=_heading(round_),
            title="Late",
            description="Too late.",
            proposer_name="M",
            postcode="SE17 2AA",
        )


# --- one ballot per person ---------------------------------------------------


def test_paper_then_online_is_refused(voting):
    circle, round_ = voting
    _enter(circle, round_, "Ada Lovelace", [1], paper=101)
    with pytest.raises(ApplicationError, match="already voted on paper") as raised:
        _vote_online(round_, "  ada  LOVELACE ", [2])
    assert raised.value.code == "already_voted"
    assert Ballot.objects.filter(channel=Channel.ONLINE).count() == 0


def test_a_second_paper_is_recorded_as_a_duplicate_and_not_counted(voting):
    circle, round_ = voting
    _enter(circle, round_, "Ada Lovelace", [1], paper=101)
    second = _enter(circle, round_, "Ada Lovelace", [2], paper=102)
    assert second.status == Voter.Status.DUPLICATE
    assert "Already voted on paper" in second.reason
    statuses = sorted(Ballot.objects.values_list("status", flat=True))
    assert statuses == ["counted", "duplicate"]


def test_the_same_paper_twice_is_refused(voting):
    circle, round_ = voting
    _enter(circle, round_, "Ada Lovelace", [1], paper=101)
    with pytest.raises(ApplicationError, match="already been entered"):
        _enter(circle, round_, "Bob Brown", [1], paper=101)
    assert Voter.objects.count() == 1


def test_spoiled_ballots_are_recorded_with_the_reason(voting):
    circle, round_ = voting
    _enter(circle, round_, "Too Many", [1, 2, 3], paper=1)
    _enter(circle, round_, "Blank Paper", [], paper=2)
    _enter(circle, round_, "Made Up", [9], paper=3)
    reasons = sorted(Ballot.objects.values_list("status", "reason"))
    assert reasons == [
        ("spoiled", "empty"),
        ("spoiled", "too_many"),
        ("spoiled", "unknown_project"),
    ]
    # The voters did vote: a spoiled ballot is a vote cast.
    assert Voter.objects.filter(status="voted").count() == 3


def test_knapsack_over_budget_is_spoiled(testford):
    round_ = open_round(testford, ballot_type="knapsack")
    proposals(testford, round_, [800, 300, 200])
    move_to(round_, "voting")
    _enter(testford, round_, "Ada Lovelace", [1, 2], paper=1)
    _enter(testford, round_, "Bob Brown", [1, 3], paper=2)
    assert sorted(Ballot.objects.values_list("status", "reason")) == [
        ("counted", ""),
        ("spoiled", "over_budget"),
    ]


def test_online_ballot_can_change_until_close_and_is_then_unlinked(voting):
    circle, round_ = voting
    _vote_online(round_, "Ada Lovelace", [1])
    _vote_online(round_, "Ada Lovelace", [2, 3])
    assert Voter.objects.count() == 1
    ballot = Ballot.objects.get()
    assert ballot.choices == [2, 3] and ballot.seal
    # Too many choices online: refused with the reason, the ballot stands.
    with pytest.raises(ApplicationError, match="More projects"):
        _vote_online(round_, "Ada Lovelace", [1, 2, 3])
    assert Ballot.objects.get().choices == [2, 3]
    move_to(round_, "counting")
    services.round_seal(actor=circle.council_officer, round_=round_)
    assert Ballot.objects.get().seal == ""
    with pytest.raises(ApplicationError, match="not open"):
        _vote_online(round_, "Ada Lovelace", [1])


def test_a_wrong_code_casts_nothing(voting):
    _circle, round_ = voting
    sent = services.ballot_code_send(round_=round_, to="x@example.com")
    with pytest.raises(ApplicationError):
        services.ballot_online_cast(
            round_=round_,
            to="x@example.com",
            code_id=sent.pk,
            code="000000",
            full_name="Ada",
            postcode=PC,
            born=BORN,
            choices={_heading(round_).pk: [1]},
        )
    assert not Voter.objects.exists() and not Ballot.objects.exists()


def test_eligibility_reasons(testford):
    round_ = open_round(
        testford, eligibility="wards", wards=[testford.ward], minimum_age=16
    )
    proposals(testford, round_, [100])
    move_to(round_, "voting")
    with pytest.raises(ApplicationError, match="Only people living in"):
        _enter(testford, round_, "Out Side", [1], paper=1, postcode="EW1 1AA")
    young = timezone.localdate() - timedelta(days=365 * 10)
    with pytest.raises(ApplicationError, match="16 or older"):
        _enter(testford, round_, "Young One", [1], paper=2, born=young)
    with pytest.raises(ApplicationError, match="real postcode"):
        _enter(testford, round_, "No Where", [1], paper=3, postcode="nonsense")
    assert not Voter.objects.exists()
    voter = _enter(testford, round_, "In Side", [1], paper=4)
    assert voter.ward == testford.ward


def test_members_only_round(testford):
    from tests.factories import MembershipFactory

    round_ = open_round(testford, eligibility="members")
    member = testford.member
    member.postcode = PC
    member.save()
    MembershipFactory(person=member, locality=testford.locality, status="active")
    proposals(testford, round_, [100])
    move_to(round_, "voting")
    with pytest.raises(ApplicationError, match="Only members"):
        _enter(testford, round_, "Not Amember", [1], paper=1)
    assert _enter(testford, round_, member.full_name, [1], paper=2).status == "voted"


def test_staff_of_another_locality_cannot_enter_ballots(voting, elsewhere):
    _circle, round_ = voting
    with pytest.raises(PermissionDenied):
        services.ballot_enter(
            actor=elsewhere.coordinator,
            round_=round_,
            channel=Channel.PAPER,
            full_name="Ada",
            postcode=PC,
            born=BORN,
            choices={_heading(round_).pk: [1]},
            paper_number=1,
        )


# --- counting ----------------------------------------------------------------


def _count(circle, round_):
    move_to(round_, "counting")
    services.round_seal(actor=circle.council_officer, round_=round_)
    return services.round_count(actor=circle.council_officer, round_=round_)


def test_the_issue_example_counted_end_to_end(voting):
    circle, round_ = voting
    n = 0
    for project, voters in ((1, 9), (2, 8), (3, 6)):
        for _ in range(voters):
            n += 1
            _enter(circle, round_, f"Voter {n}", [project], paper=n)
    _enter(circle, round_, "Voter 1", [2], paper=999)  # a duplicate
    [result] = _count(circle, round_)
    assert result.winners == [1, 3]
    assert result.votes == {"1": 9, "2": 8, "3": 6}
    assert (result.spent, result.left) == (1000, 0)
    assert (result.ballots_counted, result.ballots_duplicate) == (23, 1)
    services.round_publish(actor=circle.council_officer, round_=round_)
    assert Round.objects.get(pk=round_.pk).phase() == "results"


def test_count_needs_the_ballot_box_sealed(voting):
    circle, round_ = voting
    move_to(round_, "counting")
    with pytest.raises(ApplicationError, match="sealed"):
        services.round_count(actor=circle.council_officer, round_=round_)
    with pytest.raises(ApplicationError, match="Count the round"):
        services.round_publish(actor=circle.council_officer, round_=round_)


def test_ties_on_everything_need_the_draw(testford):
    round_ = open_round(testford)
    proposals(testford, round_, [600, 600])
    move_to(round_, "voting")
    _enter(testford, round_, "A", [1], paper=1)
    _enter(testford, round_, "B", [2], paper=2)
    move_to(round_, "counting")
    services.round_seal(actor=testford.council_officer, round_=round_)
    [result] = services.round_count(actor=testford.council_officer, round_=round_)
    # Equal votes and cost: the earlier submission (number 1) wins.
    assert result.winners == [1]
    assert result.tie_breaks == [
        {"first": 1, "second": 2, "rule": "earlier_submission"}
    ]


def test_draw_is_recorded_and_checked(voting):
    circle, round_ = voting
    with pytest.raises(ApplicationError, match="each proposal"):
        services.round_draw_record(
            actor=circle.council_officer, round_=round_, order=[1, 1]
        )
    services.round_draw_record(
        actor=circle.council_officer, round_=round_, order=[3, 1, 2]
    )
    assert Round.objects.get(pk=round_.pk).draw == [3, 1, 2]


def test_equal_shares_round(testford):
    round_ = open_round(testford, method="equal_shares")
    proposals(testford, round_, [800, 300, 200])
    move_to(round_, "voting")
    n = 0
    for project, voters in ((1, 9), (2, 8), (3, 6)):
        for _ in range(voters):
            n += 1
            _enter(testford, round_, f"Voter {n}", [project], paper=n)
    [result] = _count(testford, round_)
    assert result.winners == [2, 3]
    assert (result.spent, result.left) == (500, 500)
    assert Result.objects.count() == 1


def test_dates_must_be_in_order(testford):
    now = timezone.now()
    with pytest.raises(ApplicationError, match="in order"):
        services.round_create(
            actor=testford.council_officer,
            locality=testford.locality,
            title="Backwards",
            ballot_type="approval",
            max_choices=2,
            counting_method="greedy",
            proposing_opens=now + timedelta(days=5),
            proposing_closes=now + timedelta(days=1),
            voting_opens=now + timedelta(days=6),
            voting_closes=now + timedelta(days=7),
        )
    assert not Round.objects.exists()
