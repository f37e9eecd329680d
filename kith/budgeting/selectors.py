"""Reads for participatory budgeting, scoped to the locality.

Nothing here returns what a named person chose: results come from ballots
(which name nobody) and turnout from the record of who voted (which holds
no choices).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kith.accounts.permissions import Perm, has_perm
from kith.budgeting import counting
from kith.budgeting.models import (
    Ballot,
    Heading,
    Proposal,
    ProposalUpdate,
    Result,
    Round,
    Voter,
)
from kith.budgeting.words import SPOILT_REASONS
from kith.projects.selectors import public_assets, public_projects

TIE_RULES = {
    counting.LOWER_COST: gettext_lazy("lower cost"),
    counting.EARLIER_SUBMISSION: gettext_lazy("earlier submission"),
    counting.PUBLIC_DRAW: gettext_lazy("the public draw"),
}


def rounds_for(*, locality: Any) -> QuerySet[Round]:
    return (
        Round.objects.filter(locality=locality)
        .select_related("owner_organisation", "locality")
        .prefetch_related("headings")
    )


def round_get(*, locality: Any, pk: int) -> Round:
    """A round of this locality, or 404 (another locality's is never found)."""
    found = rounds_for(locality=locality).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def proposal_get(*, locality: Any, pk: int) -> Proposal:
    found = (
        Proposal.objects.filter(round__locality=locality, pk=pk)
        .select_related("round__locality", "heading", "asset", "project")
        .first()
    )
    if found is None:
        raise Http404
    return found


def proposals_for(*, round_: Round) -> QuerySet[Proposal]:
    """A round's proposals with their links and their updates."""
    return (
        round_.proposals.select_related("heading", "asset", "project")
        .prefetch_related(_updates())
        .order_by("heading", "number")
    )


def _updates() -> Prefetch:
    return Prefetch(
        "updates",
        queryset=ProposalUpdate.objects.select_related("posted_by").order_by(
            "posted_at", "pk"
        ),
    )


def proposal_places(*, round_: Round) -> QuerySet[Any]:
    """The places on the map a proposal may be linked to: the area's public
    land and buildings."""
    return public_assets(locality=round_.locality)


def proposal_projects(*, round_: Round) -> QuerySet[Any]:
    """The community projects a proposal may be linked to: the public ones."""
    return public_projects(locality=round_.locality)


def may_manage(*, actor: Any, round_: Round) -> bool:
    return has_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)


def may_manage_locality(*, actor: Any, locality: Any) -> bool:
    return has_perm(actor, Perm.BUDGETING_MANAGE, locality)


def may_enter(*, actor: Any, round_: Round) -> bool:
    return has_perm(actor, Perm.BALLOTS_ENTER, round_.locality)


def proposal_won(proposal: Proposal) -> bool:
    """Whether the proposal was funded in the round's published results."""
    if not proposal.round.published_at:
        return False
    winners = (
        Result.objects.filter(heading_id=proposal.heading_id)
        .values_list("winners", flat=True)
        .first()
    )
    return proposal.number in (winners or [])


def may_post_update(actor: Any, proposal: Proposal) -> bool:
    """Its proposer, or an officer who runs the round's area."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if proposal.proposer_id is not None and proposal.proposer_id == actor.pk:
        return True
    return has_perm(actor, Perm.BUDGETING_MANAGE, proposal.round.locality)


@dataclass
class ProjectRow:
    proposal: Proposal
    number: int
    title: str
    cost: int
    votes: int
    funded: bool
    by_completion: bool


@dataclass
class HeadingResult:
    heading: Heading
    result: Result
    rows: list[ProjectRow]
    tie_breaks: list[str]


@dataclass
class Results:
    round: Round
    headings: list[HeadingResult]
    turnout_by_ward: list[tuple[str, int]]
    turnout_by_channel: list[tuple[str, int]]
    voters: int
    duplicates: int
    spoiled: list[tuple[str, int]]


def results_for(*, actor: Any, round_: Round) -> Results:
    """The round's results: everyone once published, managers once counted.

    Raises Http404 otherwise. The same number of queries for any size.
    """
    if not round_.counted_at or not (
        round_.published_at or may_manage(actor=actor, round_=round_)
    ):
        raise Http404
    titles = {
        p.number: p
        for p in round_.proposals.filter(feasibility=Proposal.Feasibility.FEASIBLE)
        .select_related("asset", "project", "round")
        .prefetch_related(_updates())
    }
    headings = []
    for result in Result.objects.filter(heading__round=round_).select_related(
        "heading"
    ):
        winners = set(result.winners)
        completed = set(result.completed)
        rows = sorted(
            (
                ProjectRow(
                    proposal=titles[int(number)],
                    number=int(number),
                    title=titles[int(number)].title,
                    cost=titles[int(number)].cost or 0,
                    votes=votes,
                    funded=int(number) in winners,
                    by_completion=int(number) in completed,
                )
                for number, votes in result.votes.items()
            ),
            key=lambda row: (-row.votes, row.number),
        )
        ties = [
            _("%(first)s before %(second)s, by %(rule)s")
            % {
                "first": titles[t["first"]].title,
                "second": titles[t["second"]].title,
                "rule": TIE_RULES[t["rule"]],
            }
            for t in result.tie_breaks
        ]
        headings.append(HeadingResult(result.heading, result, rows, ties))
    headings.sort(key=lambda h: h.heading.name)
    voted = Voter.objects.filter(round=round_, status=Voter.Status.VOTED)
    by_ward = Counter(
        {
            (row["ward__name"] or _("Outside the area’s wards")): row["n"]
            for row in voted.values("ward__name").annotate(n=Count("pk"))
        }
    )
    channel_names = dict(Voter._meta.get_field("channel").choices or [])
    by_channel = [
        (str(channel_names.get(row["channel"], row["channel"])), row["n"])
        for row in voted.values("channel").annotate(n=Count("pk")).order_by("channel")
    ]
    spoiled = [
        (str(SPOILT_REASONS.get(row["reason"], row["reason"])), row["n"])
        for row in Ballot.objects.filter(round=round_, status=Ballot.Status.SPOILED)
        .values("reason")
        .annotate(n=Count("pk"))
        .order_by("reason")
    ]
    return Results(
        round=round_,
        headings=headings,
        turnout_by_ward=sorted(by_ward.items()),
        turnout_by_channel=by_channel,
        voters=sum(by_ward.values()),
        duplicates=Voter.objects.filter(
            round=round_, status=Voter.Status.DUPLICATE
        ).count(),
        spoiled=spoiled,
    )


def results_csv_rows(*, actor: Any, round_: Round) -> list[list[Any]]:
    """The results as rows for a CSV file, header first."""
    results = results_for(actor=actor, round_=round_)
    rows: list[list[Any]] = [
        [
            _("Heading"),
            _("Number"),
            _("Project"),
            _("Cost (£)"),
            _("Votes"),
            _("Funded"),
        ]
    ]
    for heading in results.headings:
        for row in heading.rows:
            rows.append(
                [
                    heading.heading.name,
                    row.number,
                    row.title,
                    row.cost,
                    row.votes,
                    _("Yes") if row.funded else _("No"),
                ]
            )
    return rows
