"""Scheduled jobs of the outbox (registered in kith.notify.schedule).

Each is idempotent: every message is queued with a ``key`` naming what it is
about (the visit, the person, the day or month), and every call-list line
has a unique key, so running a job twice, or again after a crash half-way,
queues nothing twice and misses nothing.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kith.notify.models import Call, Channel, Message
from kith.notify.services import (
    call_for_failed,
    message_queue_for_person,
    message_summary,
)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


def _locality_values(locality: Any) -> dict[str, str]:
    return {"locality_name": locality.name, "locality_phone": locality.phone}


def visit_reminders_queue(*, today: date | None = None) -> int:
    """The day before each confirmed visit, remind the member and the helper.
    Returns how many reminders were queued now."""
    from kith.help.models import Visit
    from kith.help.services import when_text

    today = today or timezone.localdate()
    start, end = _day_bounds(today + timedelta(days=1))
    count = 0
    visits = Visit.objects.filter(
        status=Visit.Status.CONFIRMED, starts_at__gte=start, starts_at__lt=end
    ).select_related("helper__user", "request__membership__person", "request__category")
    for visit in visits:
        assert visit.starts_at is not None  # noqa: S101 - filtered above
        request = visit.request
        member = request.membership.person
        helper = visit.helper.user
        for person, other in ((member, helper), (helper, member)):
            key = f"visit_reminder:{visit.pk}:{person.pk}:{visit.starts_at:%Y%m%d%H%M}"
            if Message.objects.filter(key=key).exists():
                continue
            with transaction.atomic():
                message_queue_for_person(
                    person=person,
                    template="visit_reminder",
                    personalisation={
                        **_locality_values(request.locality),
                        "when": when_text(visit.starts_at),
                        "category": request.category.name,
                        "other_name": other.display_name,
                    },
                    locality=request.locality,
                    key=key,
                )
            count += 1
    return count


def low_credit_reminders_queue(*, today: date | None = None) -> int:
    """Once a week at most, tell each active member with visits booked whose
    balance is under an hour. Returns how many were queued."""
    from kith.credits.models import Account
    from kith.credits.services import credit_settings_for
    from kith.credits.words import describe_minutes
    from kith.help.models import Visit
    from kith.members.models import Membership

    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    memberships = (
        Membership.objects.filter(
            status=Membership.Status.ACTIVE,
            help_requests__visits__status=Visit.Status.CONFIRMED,
            help_requests__visits__starts_at__gte=timezone.now(),
        )
        .select_related("person", "locality")
        .distinct()
    )
    count = 0
    for membership in memberships:
        account = Account.objects.filter(
            locality=membership.locality, kind="member", person=membership.person
        ).first()
        balance = account.balance_minutes if account else 0
        if balance >= 60:
            continue
        per_credit = credit_settings_for(membership.locality).minutes_per_credit
        key = f"low_credit:{membership.pk}:{year}-W{week:02d}"
        if Message.objects.filter(key=key).exists():
            continue
        with transaction.atomic():
            message_queue_for_person(
                person=membership.person,
                template="low_credit_balance",
                personalisation={
                    **_locality_values(membership.locality),
                    "balance": describe_minutes(max(balance, 0), per_credit),
                },
                locality=membership.locality,
                key=key,
            )
        count += 1
    return count


def month_activities(locality: Any, first: date, last: date) -> list[Any] | None:
    """The dates of the locality's listed activities between ``first`` and
    ``last``, from the social part (kith.social) when it is installed; None
    when it is not."""
    try:
        from kith.social.selectors import calendar
    except ImportError:
        return None
    days = (last - first).days + 1
    return list(calendar(locality=locality, start=first, days=days))


def _activities_text(locality: Any, first: date, last: date) -> str:
    from kith.help.services import when_text

    found = month_activities(locality, first, last)
    if found is None:
        return _("Phone us to hear what is on.")
    lines = [
        f"- {when_text(o.starts_at)}: {o.activity.title}"
        + (f", {o.activity.venue.name}" if getattr(o.activity, "venue", None) else "")
        for o in found
    ]
    return "\n".join(lines) or _("None planned yet.")


def monthly_letters_queue(*, today: date | None = None) -> int:
    """Each month, one letter to each active member who prefers letters: their
    visits this month, their credits and the month's activities. Returns how
    many were queued now; the month's key stops a second letter."""
    from kith.credits.models import Account
    from kith.credits.services import credit_settings_for
    from kith.credits.words import describe_minutes
    from kith.help.models import Visit
    from kith.help.services import when_text
    from kith.members.models import Membership

    today = today or timezone.localdate()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    month = formats.date_format(first, "F Y")
    start, _end = _day_bounds(today)
    _first_next, end = _day_bounds(last)
    count = 0
    memberships = Membership.objects.filter(
        status=Membership.Status.ACTIVE, person__contact_by="letter"
    ).select_related("person", "locality")
    activities: dict[int, str] = {}
    for membership in memberships:
        key = f"monthly_letter:{membership.pk}:{first:%Y-%m}"
        if Message.objects.filter(key=key).exists():
            continue
        visits = Visit.objects.filter(
            request__membership=membership,
            status=Visit.Status.CONFIRMED,
            starts_at__gte=start,
            starts_at__lt=end,
        ).select_related("helper__user", "request__category")
        visit_lines = [
            f"- {when_text(v.starts_at)}: {v.request.category.name} with "
            f"{v.helper.user.display_name}"
            for v in visits
            if v.starts_at
        ]
        account = Account.objects.filter(
            locality=membership.locality, kind="member", person=membership.person
        ).first()
        per_credit = credit_settings_for(membership.locality).minutes_per_credit
        balance = account.balance_minutes if account else 0
        if membership.locality_id not in activities:
            activities[membership.locality_id] = _activities_text(
                membership.locality, first, last
            )
        with transaction.atomic():
            message_queue_for_person(
                person=membership.person,
                template="monthly_letter",
                personalisation={
                    **_locality_values(membership.locality),
                    "month": month,
                    "visits": "\n".join(visit_lines) or _("None booked yet."),
                    "balance": describe_minutes(max(balance, 0), per_credit),
                    "activities": activities[membership.locality_id],
                },
                locality=membership.locality,
                key=key,
            )
        count += 1
    return count


def call_list_prepare(*, today: date | None = None) -> int:
    """Put on the coordinators' call list: messages waiting for a phone call,
    visits a helper accepted for members who prefer the phone (to confirm the
    time with them), and messages that could not be delivered in the last
    week. Returns how many lines were added."""
    from kith.help.models import Visit
    from kith.help.services import when_text

    today = today or timezone.localdate()
    wanted: list[Call] = []
    waiting = Message.objects.filter(
        channel=Channel.PHONE,
        status=Message.Status.QUEUED,
        recipient__isnull=False,
        locality__isnull=False,
    )
    for message in waiting.only("pk", "recipient_id", "locality_id", "template"):
        wanted.append(
            Call(
                key=f"message:{message.pk}",
                locality_id=message.locality_id or 0,
                person_id=message.recipient_id or 0,
                day=today,
                reason=Call.Reason.MESSAGE,
                summary=message_summary(message),
                message=message,
            )
        )
    failed = Message.objects.filter(
        status=Message.Status.FAILED,
        failed_at__gte=timezone.now() - timedelta(days=7),
        recipient__isnull=False,
        locality__isnull=False,
    ).exclude(channel=Channel.PHONE)
    for message in failed:
        wanted.append(call_for_failed(message, today))
    to_confirm = Visit.objects.filter(
        status=Visit.Status.ACCEPTED,
        request__membership__person__contact_by="phone",
    ).select_related("request__membership__person", "request__category", "helper__user")
    for visit in to_confirm:
        wanted.append(
            Call(
                key=f"visit:{visit.pk}:{visit.starts_at:%Y%m%d%H%M}",
                locality_id=visit.request.locality_id,
                person_id=visit.request.membership.person_id,
                day=today,
                reason=Call.Reason.VISIT_TO_CONFIRM,
                summary=(
                    _("%(category)s with %(helper)s, %(when)s")
                    % {
                        "category": visit.request.category.name,
                        "helper": visit.helper.user.display_name,
                        "when": when_text(visit.starts_at) if visit.starts_at else "",
                    }
                )[:300],
                visit=visit,
            )
        )
    existing = set(
        Call.objects.filter(key__in=[c.key for c in wanted]).values_list(
            "key", flat=True
        )
    )
    new = [call for call in wanted if call.key not in existing]
    Call.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
