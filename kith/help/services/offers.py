"""Offering a visit to a helper and their answer: whether a helper suits,
offering, accepting, declining and confirming.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help import hooks
from kith.help.models import HelpRequest, Visit
from kith.help.selectors import helper_unsuitable_reason
from kith.help.services.common import (
    _event,
    _lock_visit,
    _notify,
    _require_helper_or_coordinator,
    when_text,
)
from kith.helpers.models import HelperProfile


@transaction.atomic
def visit_offer(*, actor: User, request: HelpRequest, helper: HelperProfile) -> Visit:
    """A coordinator offers a request to a helper. A helper is never offered
    a visit above their vetting level on the day."""
    require_perm(actor, Perm.HELP_MANAGE, request.locality)
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (HelpRequest.Status.OPEN,):
        raise ApplicationError(
            _("This request is not waiting for a helper (it is %(status)s).")
            % {"status": request.get_status_display().lower()}
        )
    reason = helper_unsuitable_reason(helper=helper, request=request)
    if reason:
        raise ApplicationError(reason, field="helper")
    occurrence = (
        request.visits.filter(
            status__in=[Visit.Status.DONE, Visit.Status.SETTLED]
        ).count()
        + 1
    )
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                request=request,
                helper=helper,
                occurrence=occurrence,
                minutes=request.minutes,
                offered_by=actor,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            _("This request has just been offered to someone else.")
        ) from exc
    request.status = HelpRequest.Status.OFFERED
    request.save(update_fields=["status", "updated_at"])
    _event(
        request,
        _("Offered to %(helper)s.") % {"helper": helper.user.full_name},
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor, action="visit_offered", target=visit, locality=request.locality
    )
    _notify(
        helper.user,
        "visit_offered",
        request.locality,
        category=request.category.name,
        area=request.membership.ward.name
        if request.membership.ward
        else request.locality.name,
    )
    return visit


@transaction.atomic
def visit_accept(*, actor: User, visit: Visit, starts_at: datetime) -> Visit:
    """The helper (or a coordinator for them) accepts, with a time agreed
    inside one of the member's windows."""
    _require_helper_or_coordinator(actor, visit)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.OFFERED:
        raise ApplicationError(_("This offer has already been answered."))
    end = starts_at + timedelta(minutes=visit.minutes)
    if starts_at <= timezone.now():
        raise ApplicationError(_("Choose a time in the future."), field="starts_at")
    fits = visit.request.windows.filter(
        starts_at__lte=starts_at, ends_at__gte=end
    ).exists()
    if not fits:
        raise ApplicationError(
            _(
                "Choose a time when the member said they are free, long enough for "
                "the visit."
            ),
            field="starts_at",
        )
    visit.status = Visit.Status.ACCEPTED
    visit.starts_at = starts_at
    visit.answered_at = timezone.now()
    visit.save(update_fields=["status", "starts_at", "answered_at", "updated_at"])
    _event(
        visit.request,
        _("%(helper)s accepted: %(when)s.")
        % {"helper": visit.helper.user.full_name, "when": when_text(starts_at)},
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor,
        action="visit_accepted",
        target=visit,
        locality=visit.request.locality,
    )
    return visit


@transaction.atomic
def visit_decline(*, actor: User, visit: Visit, reason: str) -> Visit:
    """The helper says no, with a reason; the request goes back to be
    offered again (never to them)."""
    _require_helper_or_coordinator(actor, visit)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.OFFERED:
        raise ApplicationError(_("This offer has already been answered."))
    if not reason.strip():
        raise ApplicationError(_("Say why you cannot do it."), field="reason")
    visit.status = Visit.Status.DECLINED
    visit.decline_reason = reason.strip()
    visit.answered_at = timezone.now()
    visit.save(update_fields=["status", "decline_reason", "answered_at", "updated_at"])
    request = visit.request
    request.status = HelpRequest.Status.OPEN
    request.save(update_fields=["status", "updated_at"])
    _event(
        request,
        _("%(helper)s declined: %(reason)s")
        % {"helper": visit.helper.user.full_name, "reason": reason.strip()},
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor, action="visit_declined", target=visit, locality=request.locality
    )
    # An offer from a matching plan is planned again, without this helper.
    hooks.visit_declined.run(visit=visit)
    return visit


@transaction.atomic
def visit_confirm(*, actor: User, visit: Visit) -> list[Visit]:
    """A coordinator confirms an accepted visit to the member. For regular
    help the rest of the weekly series is arranged with the same helper.
    Returns the confirmed visits."""
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.ACCEPTED:
        raise ApplicationError(_("Only an accepted visit can be confirmed."))
    assert visit.starts_at is not None  # noqa: S101 - set on accepting
    now = timezone.now()
    visit.status = Visit.Status.CONFIRMED
    visit.confirmed_at = now
    visit.save(update_fields=["status", "confirmed_at", "updated_at"])
    request = visit.request
    confirmed = [visit]
    for week in range(1, request.repeat_weeks - visit.occurrence + 1):
        confirmed.append(
            Visit.objects.create(
                request=request,
                helper=visit.helper,
                occurrence=visit.occurrence + week,
                status=Visit.Status.CONFIRMED,
                starts_at=visit.starts_at + timedelta(weeks=week),
                minutes=visit.minutes,
                offered_by=actor,
                answered_at=now,
                confirmed_at=now,
            )
        )
    request.status = HelpRequest.Status.ARRANGED
    request.save(update_fields=["status", "updated_at"])
    when = when_text(visit.starts_at)
    series = (
        _(" and weekly after that, %(count)d visits in all") % {"count": len(confirmed)}
        if len(confirmed) > 1
        else ""
    )
    _event(
        request,
        _("Confirmed to %(member)s: %(helper)s, %(when)s%(series)s.")
        % {
            "member": request.membership.person.full_name,
            "helper": visit.helper.user.full_name,
            "when": when,
            "series": series,
        },
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor, action="visit_confirmed", target=visit, locality=request.locality
    )
    for person, other in (
        (request.membership.person, visit.helper.user.display_name),
        (visit.helper.user, request.membership.person.display_name),
    ):
        _notify(
            person,
            "visit_confirmed",
            request.locality,
            when=when + series,
            category=request.category.name,
            other_name=other,
        )
    return confirmed
