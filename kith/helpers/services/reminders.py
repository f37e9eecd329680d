"""Reminders of vetting checks about to lapse, to the helper and to the
locality's coordinators."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from kith.accounts.models import Role, User
from kith.core.services import audit_record
from kith.helpers.models import (
    HelperProfile,
    HelperStatus,
    VettingCheck,
    VettingReminder,
)
from kith.helpers.services.common import _long_date, _today
from kith.helpers.services.levels import (
    _checks_counted,
    profile_facts,
    vetting_levels_refresh,
)
from kith.helpers.vetting import REMINDER_DAYS, CheckKind, checks_lapsing
from kith.places.models import Locality

#: How a check is named in the reminder message ("The ... check for ...").
CHECK_NAMES = {
    CheckKind.IDENTITY: gettext_lazy("identity"),
    CheckKind.REFERENCE: gettext_lazy("reference"),
    CheckKind.INTERVIEW: gettext_lazy("interview"),
    CheckKind.INDUCTION: gettext_lazy("induction training"),
    CheckKind.SAFEGUARDING: gettext_lazy("safeguarding training"),
    CheckKind.DBS: gettext_lazy("DBS"),
}


def _coordinators(locality: Locality) -> list[User]:
    return list(
        User.objects.filter(
            roles__locality=locality, roles__role=Role.COORDINATOR, is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def vetting_reminders_send(*, today: date | None = None) -> int:
    """For each check that lapses within REMINDER_DAYS with nothing to take
    over, queue "vetting_check_lapsing" to the helper and to the locality's
    coordinators, once per check and expiry date (a unique VettingReminder):
    running it again sends nothing twice. Levels are refreshed first.
    Returns how many reminders were recorded."""
    today = today or _today()
    vetting_levels_refresh(today=today)
    profiles = (
        HelperProfile.objects.exclude(status=HelperStatus.LEFT)
        .filter(
            next_lapse_on__gte=today,
            next_lapse_on__lt=today + timedelta(days=REMINDER_DAYS),
        )
        .select_related("user", "locality")
        .order_by("pk")
    )
    coordinators: dict[int, list[User]] = {}
    sent = 0
    for profile in profiles.iterator(chunk_size=200):
        checks = {check.pk: check for check in _checks_counted(profile)}
        facts = profile_facts(checks.values())
        for fact, expires in checks_lapsing(facts, today, REMINDER_DAYS):
            if fact.id is None:  # pragma: no cover - facts from the database
                continue
            try:
                with transaction.atomic():
                    _reminder, created = VettingReminder.objects.get_or_create(
                        check_record_id=fact.id, expires_on=expires
                    )
                    if not created:
                        continue
                    if profile.locality_id not in coordinators:
                        coordinators[profile.locality_id] = _coordinators(
                            profile.locality
                        )
                    _reminder_queue(
                        profile,
                        checks[fact.id],
                        expires,
                        coordinators[profile.locality_id],
                    )
                    sent += 1
            except IntegrityError:
                continue  # another worker recorded it at the same moment
    return sent


def _reminder_queue(
    profile: HelperProfile,
    check: VettingCheck,
    expires: date,
    coordinators: list[User],
) -> None:
    from kith.notify.services import message_queue_for_person

    locality = profile.locality
    personalisation = {
        "check_name": str(CHECK_NAMES.get(CheckKind(check.kind), check.kind)),
        "helper_name": profile.user.full_name,
        "expiry_date": _long_date(expires),
        "locality_name": locality.name,
        "locality_phone": locality.phone,
    }
    recipients = [profile.user] + [c for c in coordinators if c.pk != profile.user_id]
    for person in recipients:
        message_queue_for_person(
            person=person,
            template="vetting_check_lapsing",
            personalisation=personalisation,
            locality=locality,
        )
    audit_record(
        actor=None,
        action="vetting_reminder_sent",
        target=profile,
        locality=locality,
        data={
            "check": check.pk,
            "kind": check.kind,
            "expires_on": expires.isoformat(),
            "recipients": len(recipients),
        },
    )
