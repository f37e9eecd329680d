"""Doing and settling: recording a visit done and settling its credits."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help.models import HelpRequest, Visit
from kith.help.services.common import (
    _event,
    _lock_visit,
    _notify,
    _require_helper_or_coordinator,
)


@transaction.atomic
def visit_done(
    *, actor: User, visit: Visit, actual_minutes: int, note: str = ""
) -> Visit:
    """The helper (or a coordinator for them) records the visit as done,
    with the minutes it took; the credits are then settled."""
    _require_helper_or_coordinator(actor, visit)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.CONFIRMED:
        raise ApplicationError(_("Only a confirmed visit can be recorded as done."))
    if visit.starts_at and visit.starts_at > timezone.now():
        raise ApplicationError(_("This visit has not started yet."))
    if not 5 <= actual_minutes <= 600:
        raise ApplicationError(
            _("Enter how long it took, between 5 minutes and 10 hours."),
            field="actual_minutes",
        )
    visit.status = Visit.Status.DONE
    visit.done_at = timezone.now()
    visit.actual_minutes = actual_minutes
    visit.helper_note = note.strip()
    visit.save()
    request = visit.request
    _event(
        request,
        _("%(helper)s did the visit: %(minutes)d minutes.")
        % {"helper": visit.helper.user.full_name, "minutes": actual_minutes},
        actor=actor,
        visit=visit,
    )
    if not request.visits.filter(
        status__in=[Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]
    ).exists():
        request.status = HelpRequest.Status.DONE
        request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="visit_done", target=visit, locality=request.locality
    )
    _settle(actor=actor, visit=visit)
    _notify(
        request.membership.person,
        "how_did_it_go",
        request.locality,
        category=request.category.name,
        helper_name=visit.helper.user.display_name,
    )
    return visit


def _settle(*, actor: Any, visit: Visit) -> bool:
    """Move the visit's minutes from member to helper. A refusal (not enough
    credit) leaves the visit done and unsettled, on the coordinators'
    problems list."""
    from kith.credits.services import visit_credits_settle

    assert visit.actual_minutes is not None  # noqa: S101 - recorded when done
    request = visit.request
    starts = visit.starts_at or visit.done_at or timezone.now()
    try:
        with transaction.atomic():
            visit_credits_settle(
                actor=actor,
                locality=request.locality,
                visit_key=str(visit.pk),
                member=request.membership.person,
                helper=visit.helper.user,
                minutes=visit.actual_minutes,
                description=_("%(category)s with %(helper)s")
                % {
                    "category": request.category.name.lower(),
                    "helper": visit.helper.user.display_name,
                },
                occurred_on=timezone.localtime(starts).date(),
            )
    except ApplicationError as error:
        _event(
            request,
            _("Not settled yet: %(error)s") % {"error": error.message},
            actor=actor,
            visit=visit,
        )
        return False
    visit.status = Visit.Status.SETTLED
    visit.settled_minutes = visit.actual_minutes
    visit.settled_at = timezone.now()
    visit.save(update_fields=["status", "settled_minutes", "settled_at", "updated_at"])
    _event(request, _("Credits settled."), actor=actor, visit=visit)
    audit_record(
        actor=actor, action="visit_settled", target=visit, locality=request.locality
    )
    return True


@transaction.atomic
def visit_settle(*, actor: User, visit: Visit) -> Visit:
    """A coordinator settles a done visit that could not be settled before
    (for example after a top-up). Settling twice moves credits once."""
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)
    visit = _lock_visit(visit)
    if visit.status == Visit.Status.SETTLED:
        return visit
    if visit.status != Visit.Status.DONE:
        raise ApplicationError(_("Only a done visit can be settled."))
    if not _settle(actor=actor, visit=visit):
        raise ApplicationError(
            _("The credits could not be moved: the member does not have enough credit.")
        )
    return visit
