"""Counting: sealing the ballot box, the public draw, the count and the results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, require_perm
from kith.budgeting import counting
from kith.budgeting.models import (
    Ballot,
    Heading,
    Phase,
    Proposal,
    Result,
    Round,
)
from kith.core.errors import ApplicationError
from kith.core.services import audit_record

# --- counting ----------------------------------------------------------------


@transaction.atomic
def round_seal(*, actor: Any, round_: Round) -> Round:
    """After voting closes and every paper is entered: wipe the seals that
    let online voters change their ballots, so nothing joins a ballot to a
    person, and stop further entry."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    if round_.phase() != Phase.COUNTING:
        raise ApplicationError(_("Voting has not closed yet."))
    if round_.sealed_at:
        return round_
    Ballot.objects.filter(round=round_).exclude(seal="").update(seal="")
    round_.sealed_at = timezone.now()
    round_.save(update_fields=["sealed_at"])
    audit_record(actor=actor, action="budgeting.round_seal", target=round_)
    return round_


@transaction.atomic
def round_draw_record(*, actor: Any, round_: Round, order: Sequence[int]) -> Round:
    """Record the public draw (proposal numbers, first drawn first), used
    only when projects tie on votes, cost and submission."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    if round_.counted_at:
        raise ApplicationError(_("The round has been counted: the draw is fixed."))
    numbers = set(round_.proposals.values_list("number", flat=True))
    if len(set(order)) != len(order) or not set(order) <= numbers:
        raise ApplicationError(
            _("List each proposal’s number once, in the order drawn."), field="order"
        )
    round_.draw = list(order)
    round_.draw_recorded_at = timezone.now()
    round_.save(update_fields=["draw", "draw_recorded_at"])
    audit_record(
        actor=actor,
        action="budgeting.draw_record",
        target=round_,
        data={"order": list(order)},
    )
    return round_


def election_for(heading: Heading) -> counting.Election:
    """A heading's counted ballots as plain data for ``counting``."""
    round_ = heading.round
    projects = tuple(
        # A feasible proposal always has a cost (a database constraint).
        counting.Project(str(number), cost or 0, number)
        for number, cost in heading.proposals.filter(
            feasibility=Proposal.Feasibility.FEASIBLE
        ).values_list("number", "cost")
    )
    ballots = [
        [str(n) for n in choices]
        for choices in heading.ballots.filter(status=Ballot.Status.COUNTED)
        .values_list("choices", flat=True)
        .iterator(chunk_size=5000)
    ]
    return counting.Election(
        amount=heading.amount,
        projects=projects,
        ballots=ballots,
        draw=tuple(str(n) for n in round_.draw),
    )


@transaction.atomic
def round_count(*, actor: Any, round_: Round) -> list[Result]:
    """Count every heading by the round's method and store the results.

    Refused before the ballots are sealed. When projects tie all the way to
    the draw and none is recorded, refused with the proposals to draw.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    if not round_.sealed_at:
        raise ApplicationError(
            _("Close the ballot box first: voting must be closed and sealed.")
        )
    if round_.published_at:
        raise ApplicationError(_("The results are published already."))
    method = (
        counting.count_greedy
        if round_.counting_method == counting.GREEDY
        else counting.count_equal_shares
    )
    results = []
    Result.objects.filter(heading__round=round_).delete()
    for heading in round_.headings.select_related("round"):
        try:
            outcome = method(election_for(heading))
        except counting.DrawNeeded as tie:
            raise ApplicationError(
                _(
                    "Proposals %(numbers)s tie on votes, cost and submission. Hold "
                    "and record a public draw, then count again."
                )
                % {"numbers": ", ".join(tie.keys)},
                code="draw_needed",
            ) from tie
        statuses = Counter(heading.ballots.values_list("status", flat=True))
        results.append(
            Result.objects.create(
                heading=heading,
                method=round_.counting_method,
                winners=[int(k) for k in outcome.winners],
                votes=dict(outcome.votes),
                tie_breaks=[
                    {"first": int(t.first), "second": int(t.second), "rule": t.rule}
                    for t in outcome.tie_breaks
                ],
                completed=[int(k) for k in outcome.completed],
                share=str(outcome.share) if outcome.share is not None else "",
                spent=outcome.spent,
                left=outcome.left,
                ballots_counted=statuses[Ballot.Status.COUNTED],
                ballots_spoiled=statuses[Ballot.Status.SPOILED],
                ballots_duplicate=statuses[Ballot.Status.DUPLICATE],
                counted_by=actor,
            )
        )
    round_.counted_at = timezone.now()
    round_.save(update_fields=["counted_at"])
    audit_record(actor=actor, action="budgeting.round_count", target=round_)
    return results


@transaction.atomic
def round_publish(*, actor: Any, round_: Round) -> Round:
    """Publish the counted results to everyone."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    if not round_.counted_at:
        raise ApplicationError(_("Count the round before publishing the results."))
    if round_.published_at:
        return round_
    round_.published_at = timezone.now()
    round_.save(update_fields=["published_at"])
    audit_record(actor=actor, action="budgeting.round_publish", target=round_)
    return round_
