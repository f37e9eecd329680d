"""Proposals: residents' ideas, and officers' checks of them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.budgeting.models import (
    Delivery,
    Heading,
    Phase,
    Proposal,
    ProposalUpdate,
    Round,
)
from kith.budgeting.selectors import may_post_update, proposal_won
from kith.budgeting.services.rounds import _require_not_frozen, _save
from kith.budgeting.services.voters import voter_eligibility
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.projects.selectors import public_assets, public_projects

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
    postcode: str,
    born: date | None = None,
    place: str = "",
    estimated_cost: int | None = None,
    asset: Any = None,
    project: Any = None,
    submission_key: str = "",
) -> Proposal:
    """A resident's proposal, or one a coordinator takes on the phone.

    Refused outside the proposing phase, and for a proposer the round's
    rules do not let take part (its wards, minimum age, members only: the
    same rules as for voting, checked on their name, postcode and date of
    birth, which are not kept). ``actor`` is the resident (signed in) or the
    coordinator entering it (who needs BALLOTS_ENTER); numbers follow the
    order of submission. ``asset`` and ``project`` must be public ones of the
    round's area. The same ``submission_key`` sent twice (a double click)
    gives back the proposal made the first time.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if submission_key:
        existing = round_.proposals.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    if round_.phase() != Phase.PROPOSING:
        raise ApplicationError(_("This round is not taking proposals now."))
    if heading.round_id != round_.pk:
        raise ApplicationError(_("Choose a heading of this round."), field="heading")
    voter_eligibility(
        round_=round_, full_name=proposer_name, postcode=postcode, born=born
    )
    _check_links(round_, asset, project)
    staff = has_perm(actor, Perm.BALLOTS_ENTER, round_.locality)
    number = (round_.proposals.aggregate(n=Max("number"))["n"] or 0) + 1
    proposal = Proposal(
        round=round_,
        heading=heading,
        number=number,
        title=title.strip(),
        description=description.strip(),
        place=place.strip() or (asset.name if asset is not None else ""),
        estimated_cost=estimated_cost,
        asset=asset,
        project=project,
        proposer=None if staff else actor,
        proposer_name=proposer_name.strip(),
        via=Proposal.Via.PHONE if staff else Proposal.Via.ONLINE,
        entered_by=actor if staff else None,
        submission_key=submission_key,
    )
    _save(proposal)
    audit_record(
        actor=actor,
        action="budgeting.proposal_submit",
        target=round_,
        data={"proposal": number},
    )
    return proposal


def _check_links(round_: Round, asset: Any, project: Any) -> None:
    """An asset or project linked to a proposal is a public one of the
    round's area (a programming error otherwise: forms offer only those)."""
    if asset is not None and not (
        public_assets(locality=round_.locality).filter(pk=asset.pk).exists()
    ):
        raise ApplicationError(_("Choose a place on the map."), field="asset")
    if project is not None and not (
        public_projects(locality=round_.locality).filter(pk=project.pk).exists()
    ):
        raise ApplicationError(_("Choose a community project."), field="project")


@transaction.atomic
def proposal_link(
    *, actor: Any, proposal: Proposal, asset: Any = None, project: Any = None
) -> Proposal:
    """An officer links a proposal to a place on the map and a community
    project (or clears the links), at any time: a winning proposal often
    becomes a project after the results."""
    round_ = Round.objects.select_for_update().get(pk=proposal.round_id)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    _check_links(round_, asset, project)
    proposal = Proposal.objects.get(pk=proposal.pk)
    before = {"asset": proposal.asset_id, "project": proposal.project_id}
    proposal.asset = asset
    proposal.project = project
    _save(proposal)
    audit_record(
        actor=actor,
        action="budgeting.proposal_link",
        target=round_,
        data={
            "proposal": proposal.number,
            "before": before,
            "asset": asset.pk if asset else None,
            "project": project.pk if project else None,
        },
    )
    return proposal


@transaction.atomic
def proposal_update_post(
    *,
    actor: Any,
    proposal: Proposal,
    delivery: str,
    text: str,
    submission_key: str = "",
) -> ProposalUpdate:
    """Post news of a winning proposal and how far it has got, shown to
    everyone with the results. Only its proposer or an officer; only for a
    proposal that won in published results; none once it is delivered. The
    same ``submission_key`` twice gives back the first update."""
    proposal = (
        Proposal.objects.select_for_update().select_related("round").get(pk=proposal.pk)
    )
    if not may_post_update(actor, proposal):
        raise PermissionDenied
    if submission_key:
        existing = proposal.updates.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    if not proposal_won(proposal):
        raise ApplicationError(
            _("Updates are for proposals that won, once the results are published.")
        )
    if proposal.delivery == Delivery.DELIVERED:
        raise ApplicationError(_("It is delivered: its updates are finished."))
    if delivery not in Delivery.values:
        raise ApplicationError(_("Choose how far it has got."), field="delivery")
    text = text.strip()
    if not text:
        raise ApplicationError(_("Say what has happened."), field="text")
    update = ProposalUpdate(
        proposal=proposal,
        delivery=delivery,
        text=text,
        posted_by=actor,
        submission_key=submission_key,
    )
    _save(update)
    proposal.delivery = delivery
    proposal.save(update_fields=["delivery"])
    audit_record(
        actor=actor,
        action="budgeting.proposal_update_post",
        target=proposal.round,
        data={"proposal": proposal.number, "delivery": delivery},
    )
    return update


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
