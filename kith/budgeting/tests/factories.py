"""Builders for budgeting's tests: rounds go through the services, then the
clock is moved by changing the round's dates (as time passing would)."""

from datetime import date, timedelta

from django.utils import timezone

from kith.budgeting import services
from kith.budgeting.models import Round

BORN = date(1960, 5, 1)


def open_round(circle, *, method="greedy", ballot_type="approval", **extra):
    """A round in its proposing phase with one heading of £1,000."""
    now = timezone.now()
    round_ = services.round_create(
        actor=circle.council_officer,
        locality=circle.locality,
        title="Testford Local Budget",
        ballot_type=ballot_type,
        max_choices=extra.pop("max_choices", 2),
        counting_method=method,
        proposing_opens=now + timedelta(days=1),
        proposing_closes=now + timedelta(days=10),
        voting_opens=now + timedelta(days=20),
        voting_closes=now + timedelta(days=30),
        **extra,
    )
    services.heading_add(
        actor=circle.council_officer, round_=round_, name="Whole area", amount=1000
    )
    move_to(round_, "proposing")
    return Round.objects.get(pk=round_.pk)


def move_to(round_: Round, phase: str) -> Round:
    """Shift the round's dates so that now falls in ``phase``."""
    now = timezone.now()
    day = timedelta(days=1)
    starts = {
        "proposing": now - day,
        "checking": now - 11 * day,
        "voting": now - 21 * day,
        "counting": now - 31 * day,
    }[phase]
    Round.objects.filter(pk=round_.pk).update(
        proposing_opens=starts,
        proposing_closes=starts + 10 * day,
        voting_opens=starts + 20 * day,
        voting_closes=starts + 30 * day,
    )
    round_.refresh_from_db()
    return round_


def proposals(circle, round_, costs):
    """Feasible proposals with these costs, numbered 1, 2, ..."""
    heading = round_.headings.get()
    made = []
    for n in range(1, len(costs) + 1):
        proposal = services.proposal_submit(
            actor=circle.member,
            round_=round_,
            heading=heading,
            title=f"Project {n}",
            description="A good idea.",
            proposer_name="Member Testford",
            postcode="SE17 2AA",
            born=BORN,
        )
        made.append(proposal)
    move_to(round_, "checking")
    for proposal, cost in zip(made, costs, strict=True):
        services.proposal_check(
            actor=circle.council_officer,
            proposal=proposal,
            feasible=True,
            reason="The council can do this.",
            cost=cost,
        )
    return made
