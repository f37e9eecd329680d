"""Cancelling: a request, a visit, reassigning it and no-shows; who
cancelled, whether it was late, and charging the member when the rules say
so.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help.models import HelpRequest, Visit
from kith.help.selectors import can_ask_for, visit_cancel_is_late
from kith.help.services.common import (
    _event,
    _lock_visit,
    _notify,
    settings_for,
    when_text,
)
from kith.help.services.offers import helper_unsuitable_reason, visit_offer
from kith.helpers.models import HelperProfile
from kith.members.access import ActingAs, SupporterMay, may_act_for, sees_all


def _require_may_cancel(actor: User, request: HelpRequest) -> None:
    """Whoever may ask for help for the member may cancel, except that a
    supporter not allowed to see the member's visits may cancel only what
    they asked for themself (ADR 0021). Raises ``PermissionDenied``."""
    how = can_ask_for(actor=actor, membership=request.membership)
    if how is None:
        raise PermissionDenied
    if (
        how == HelpRequest.AskedHow.SUPPORTER
        and request.asked_by_id != actor.pk
        and not sees_all(
            actor=actor,
            membership=request.membership,
            how=ActingAs.SUPPORTER,
            may=SupporterMay.SEE_VISITS,
        )
    ):
        raise PermissionDenied


@transaction.atomic
def request_cancel(*, actor: User, request: HelpRequest, reason: str) -> HelpRequest:
    """The member, their supporter or a coordinator cancels a whole request,
    with any visits still to come."""
    _require_may_cancel(actor, request)
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if request.status in (HelpRequest.Status.DONE, HelpRequest.Status.CANCELLED):
        raise ApplicationError(_("This request has already finished."))
    if not reason.strip():
        raise ApplicationError(_("Say why it is being cancelled."), field="reason")
    party = _party(actor, request)
    for visit in request.visits.filter(
        status__in=[Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]
    ):
        _cancel_visit(actor=actor, visit=visit, party=party, reason=reason)
    request.status = HelpRequest.Status.CANCELLED
    request.cancelled_reason = reason.strip()
    request.save(update_fields=["status", "cancelled_reason", "updated_at"])
    _event(
        request, _("Cancelled: %(reason)s") % {"reason": reason.strip()}, actor=actor
    )
    audit_record(
        actor=actor,
        action="help_request_cancelled",
        target=request,
        locality=request.locality,
    )
    return request


def _party(actor: User, request: HelpRequest, visit: Visit | None = None) -> str:
    if visit is not None and visit.helper.user_id == actor.pk:
        return Visit.Party.HELPER
    if may_act_for(
        actor=actor,
        membership=request.membership,
        supporter_may=SupporterMay.ANYTHING,
    ):
        return Visit.Party.MEMBER
    return Visit.Party.COORDINATOR


def _charge_member(*, actor: Any, visit: Visit, why: str) -> None:
    """The locality's charge for a late cancellation or not being in: the
    member pays the helper for their wasted time."""
    from kith.credits.services import account_for, transfer_create

    minutes = settings_for(visit.request.locality).late_cancellation_minutes
    if not minutes:
        return
    locality = visit.request.locality
    try:
        with transaction.atomic():
            transfer_create(
                actor=actor,
                locality=locality,
                key=f"visit:{visit.pk}:{why}",
                kind="adjustment",
                legs=[
                    (
                        account_for(
                            person=visit.request.membership.person,
                            locality=locality,
                            kind="member",
                        ),
                        -minutes,
                    ),
                    (
                        account_for(
                            person=visit.helper.user, locality=locality, kind="helper"
                        ),
                        minutes,
                    ),
                ],
                description=_("%(why)s: %(category)s with %(helper)s")
                % {
                    "why": _("late cancellation")
                    if why == "late"
                    else _("not in for a visit"),
                    "category": visit.request.category.name.lower(),
                    "helper": visit.helper.user.display_name,
                },
                occurred_on=timezone.localdate(),
                reference_type="help.visit",
                reference_id=str(visit.pk),
            )
    except ApplicationError as error:
        _event(
            visit.request,
            _("The charge could not be taken: %(error)s") % {"error": error.message},
            actor=actor,
            visit=visit,
        )


def _cancel_visit(*, actor: User, visit: Visit, party: str, reason: str) -> Visit:
    late = visit_cancel_is_late(visit=visit)
    visit.status = Visit.Status.CANCELLED
    visit.cancelled_by = party
    visit.cancel_reason = reason.strip()
    visit.late_cancellation = late
    visit.save()
    request = visit.request
    labels: dict[str, str] = {
        "member": _("the member"),
        "helper": visit.helper.user.full_name,
        "coordinator": actor.full_name,
    }
    label = labels[party]
    _event(
        request,
        _("Visit %(when)s cancelled by %(who)s%(late)s: %(reason)s")
        % {
            "when": when_text(visit.starts_at) if visit.starts_at else "",
            "who": label,
            "late": _(" (late)") if late else "",
            "reason": reason.strip(),
        },
        actor=actor,
        visit=visit,
    )
    if late and party == Visit.Party.MEMBER:
        _charge_member(actor=actor, visit=visit, why="late")
    return visit


@transaction.atomic
def visit_cancel(*, actor: User, visit: Visit, reason: str) -> Visit:
    """Cancel one visit. A cancellation by the member is final for that
    visit; one by the helper or a coordinator sends the request back to be
    offered again. Late cancellations follow the locality's policy."""
    request = visit.request
    is_helper = visit.helper.user_id == actor.pk
    if not is_helper:
        _require_may_cancel(actor, request)
    visit = _lock_visit(visit)
    if not visit.live:
        raise ApplicationError(_("This visit is not going ahead anyway."))
    if not reason.strip():
        raise ApplicationError(_("Say why it is being cancelled."), field="reason")
    party = _party(actor, request, visit)
    was_confirmed = visit.status == Visit.Status.CONFIRMED
    _cancel_visit(actor=actor, visit=visit, party=party, reason=reason)
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    others_live = request.visits.filter(
        status__in=[Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]
    ).exists()
    if party == Visit.Party.MEMBER and not others_live:
        done = request.visits.filter(
            status__in=[Visit.Status.DONE, Visit.Status.SETTLED]
        ).exists()
        request.status = (
            HelpRequest.Status.DONE if done else HelpRequest.Status.CANCELLED
        )
    elif not others_live:
        request.status = HelpRequest.Status.OPEN
    request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="visit_cancelled",
        target=visit,
        locality=request.locality,
        data={"by": party, "late": visit.late_cancellation},
    )
    if was_confirmed and visit.starts_at:
        tell = [visit.helper.user] if party != Visit.Party.HELPER else []
        if party != Visit.Party.MEMBER:
            tell.append(request.membership.person)
        for person in tell:
            _notify(
                person,
                "visit_cancelled",
                request.locality,
                when=when_text(visit.starts_at),
                category=request.category.name,
            )
    return visit


@transaction.atomic
def visit_reassign(
    *, actor: User, visit: Visit, helper: HelperProfile, reason: str
) -> Visit:
    """A coordinator moves a visit to another helper at any point before it
    happens. Returns the new offer."""
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)
    if helper.pk == visit.helper_id:
        raise ApplicationError(_("Choose a different helper."), field="helper")
    reason_text = reason.strip() or _("reassigned")
    locked = _lock_visit(visit)
    if not locked.live:
        raise ApplicationError(_("This visit is not going ahead anyway."))
    problem = helper_unsuitable_reason(helper=helper, request=locked.request)
    if problem:
        raise ApplicationError(problem, field="helper")
    _cancel_visit(
        actor=actor, visit=locked, party=Visit.Party.COORDINATOR, reason=reason_text
    )
    request = locked.request
    request.status = HelpRequest.Status.OPEN
    request.save(update_fields=["status", "updated_at"])
    return visit_offer(actor=actor, request=request, helper=helper)


@transaction.atomic
def visit_no_show(*, actor: User, visit: Visit, party: str) -> Visit:
    """A coordinator records that a confirmed visit did not happen because
    the member was not in, or the helper did not come."""
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.CONFIRMED:
        raise ApplicationError(
            _("Only a confirmed visit can be recorded as not happening.")
        )
    if party not in (Visit.Party.MEMBER, Visit.Party.HELPER):
        raise ApplicationError(_("Choose who was missing."), field="party")
    if visit.starts_at and visit.starts_at > timezone.now():
        raise ApplicationError(_("This visit has not happened yet."))
    visit.status = Visit.Status.NO_SHOW
    visit.no_show_by = party
    visit.save(update_fields=["status", "no_show_by", "updated_at"])
    request = visit.request
    who = (
        _("the member was not in")
        if party == Visit.Party.MEMBER
        else _("the helper did not come")
    )
    _event(
        request,
        _("The visit did not happen: %(who)s.") % {"who": who},
        actor=actor,
        visit=visit,
    )
    if party == Visit.Party.MEMBER:
        _charge_member(actor=actor, visit=visit, why="no_show")
    if not request.visits.filter(
        status__in=[Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]
    ).exists():
        request.status = (
            HelpRequest.Status.OPEN
            if party == Visit.Party.HELPER
            else HelpRequest.Status.DONE
        )
        request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="visit_no_show",
        target=visit,
        locality=request.locality,
        data={"by": party},
    )
    return visit
