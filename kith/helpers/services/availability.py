"""A helper's usual weekly times and their time away."""

from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import AvailabilityException, AvailabilitySlot, HelperProfile
from kith.helpers.services.common import _behalf, _require_self_or_manage, _today


@transaction.atomic
def availability_slot_add(
    *, actor: Any, profile: HelperProfile, weekday: int, starts_at: time, ends_at: time
) -> AvailabilitySlot:
    """Add a time in the week the helper can usually help. Adding the same
    time twice changes nothing."""
    _require_self_or_manage(actor, profile)
    if weekday not in range(7):
        raise ApplicationError(_("Choose a day."), field="weekday")
    if ends_at <= starts_at:
        raise ApplicationError(
            _("The end time must be after the start time."), field="ends_at"
        )
    slot, created = AvailabilitySlot.objects.get_or_create(
        profile=profile, weekday=weekday, starts_at=starts_at, ends_at=ends_at
    )
    if created:
        audit_record(
            actor=actor,
            action="helper_availability_added",
            target=profile,
            on_behalf_of=_behalf(actor, profile),
            locality=profile.locality,
            data={"slot": str(slot)},
        )
    return slot


@transaction.atomic
def availability_slot_remove(
    *, actor: Any, profile: HelperProfile, slot_id: int
) -> None:
    """Remove a weekly time. Removing one already gone changes nothing."""
    _require_self_or_manage(actor, profile)
    slot = AvailabilitySlot.objects.filter(profile=profile, pk=slot_id).first()
    if slot is None:
        return
    label = str(slot)
    slot.delete()
    audit_record(
        actor=actor,
        action="helper_availability_removed",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data={"slot": label},
    )


@transaction.atomic
def availability_exception_add(
    *,
    actor: Any,
    profile: HelperProfile,
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> AvailabilityException:
    """Add days the helper cannot help (a holiday). The last day cannot be in
    the past; adding the same days twice changes nothing."""
    _require_self_or_manage(actor, profile)
    if ends_on < starts_on:
        raise ApplicationError(
            _("The last day must be the same as or after the first day."),
            field="ends_on",
        )
    if ends_on < _today():
        raise ApplicationError(
            _("The last day must be today or in the future."), field="ends_on"
        )
    if (ends_on - starts_on).days > 366:
        raise ApplicationError(_("Add a time away of a year or less."), field="ends_on")
    reason = (reason or "").strip()[:150]
    exception, created = AvailabilityException.objects.get_or_create(
        profile=profile,
        starts_on=starts_on,
        ends_on=ends_on,
        defaults={"reason": reason},
    )
    if created:
        audit_record(
            actor=actor,
            action="helper_time_away_added",
            target=profile,
            on_behalf_of=_behalf(actor, profile),
            locality=profile.locality,
            data={"from": starts_on.isoformat(), "to": ends_on.isoformat()},
        )
    return exception


@transaction.atomic
def availability_exception_remove(
    *, actor: Any, profile: HelperProfile, exception_id: int
) -> None:
    _require_self_or_manage(actor, profile)
    exception = AvailabilityException.objects.filter(
        profile=profile, pk=exception_id
    ).first()
    if exception is None:
        return
    data = {
        "from": exception.starts_on.isoformat(),
        "to": exception.ends_on.isoformat(),
    }
    exception.delete()
    audit_record(
        actor=actor,
        action="helper_time_away_removed",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data=data,
    )
