"""Proposals: residents' ideas, and officers' checks of them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.budgeting.models import (
    Heading,
    Phase,
    Proposal,
    Round,
)
from kith.budgeting.services.rounds import _require_not_frozen, _save
from kith.core.errors import ApplicationError
from kith.core.services import audit_record

# --- proposals ---------------------------------------------------------------


@transaction.atomic
def proposal_submit(
    *,
    actor: Any,
    round_: Round,
    heading: Heading,
    title: str,
    description: str,
    proposer_name: str,
    place: str = "",
    estimated_cost: int | None = None,
) -> Proposal:
    """A resident's proposal, or one a coordinator takes on the phone.

    Refused outside the proposing phase. ``actor`` is the resident (signed
    in) or the coordinator entering it (who needs BALLOTS_ENTER); numbers
    follow the order of submission.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.phase() != Phase.PROPOSING:
        raise ApplicationError(_("This round is not taking proposals now."))
    if heading.round_id != round_.pk:
        raise ApplicationError(_("Choose a heading of this round."), field="heading")
    staff = has_perm(actor, Perm.BALLOTS_ENTER, round_.locality)
    number = (round_.proposals.aggregate(n=Max("number"))["n"] or 0) + 1
    proposal = Proposal(
        round=round_,
        heading=heading,
        number=number,
        title=title.strip(),
        description=description.strip(),
        place=place.strip(),
        estimated_cost=estimated_cost,
        proposer=None if staff else actor,
        proposer_name=proposer_name.strip(),
        via=Proposal.Via.PHONE if staff else Proposal.Via.ONLINE,
        entered_by=actor if staff else None,
    )
    _save(proposal)
    audit_record(
        actor=actor,
        action="budgeting.proposal_submit",
        target=round_,
        data={"proposal": number},
    )
    return proposal


@transaction.atomic
def proposal_check(
    *,
    actor: Any,
    proposal: Proposal,
    feasible: bool,
    reason: str,
    cost: int | None = None,
) -> Proposal:
    """An officer says whether a proposal can be done, with a public reason,
    and sets its cost. Refused once voting opens (the ballot is then fixed)."""
    round_ = Round.objects.select_for_update().get(pk=proposal.round_id)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    _require_not_frozen(round_)
    if not reason.strip():
        raise ApplicationError(
            _("Give the reason, which everyone will see."), field="reason"
        )
    if feasible and not cost:
        raise ApplicationError(_("Enter the cost in pounds."), field="cost")
    proposal = Proposal.objects.get(pk=proposal.pk)
    proposal.feasibility = (
        Proposal.Feasibility.FEASIBLE if feasible else Proposal.Feasibility.NOT_FEASIBLE
    )
    proposal.feasibility_reason = reason.strip()
    proposal.cost = cost if feasible else (cost or None)
    proposal.checked_by = actor
    proposal.checked_at = timezone.now()
    _save(proposal)
    audit_record(
        actor=actor,
        action="budgeting.proposal_check",
        target=round_,
        data={"proposal": proposal.number, "feasible": feasible, "cost": cost},
    )
    return proposal
