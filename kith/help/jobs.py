"""The periodic jobs of help (registered with the scheduler, which finds
this module): visit reminders, low balances and the coordinators' call list.

Each is idempotent: every message is queued with a ``key`` naming what it is
about (the visit, the person, the week), and every call-list line has a
unique key, so running a job twice, or again after a crash half-way, queues
nothing twice and misses nothing.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.credits.models import Account
from kith.credits.services import credit_settings_for
from kith.credits.words import describe_minutes
from kith.help import hooks
from kith.help.models import Visit
from kith.help.services import requests_urgency_follow_dates, when_text
from kith.members.models import Membership
from kith.notify.models import Call, Channel, Message
from kith.notify.schedule import scheduled
from kith.notify.services import (
    call_for_failed,
    message_queue_for_person,
    message_summary,
)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start of ``day`` and of the next, in local time."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


def locality_values(locality: Any) -> dict[str, str]:
    """The locality's name and phone number, for a message's personalisation."""
    return {"locality_name": locality.name, "locality_phone": locality.phone}


scheduled("requests_urgency", at=time(0, 20))(requests_urgency_follow_dates)


@scheduled("visit_reminders", at=time(10, 0))
def visit_reminders_queue(*, today: date | None = None) -> int:
    """The day before each confirmed visit, remind the member and the helper.
    Returns how many reminders were queued now."""

    today = today or timezone.localdate()
    start, end = day_bounds(today + timedelta(days=1))
    count = 0
    # Visits already arranged go ahead in a paused locality, so their
    # reminders go too; an archived locality has closed (ADR 0041).
    visits = (
        Visit.objects.filter(
            status=Visit.Status.CONFIRMED, starts_at__gte=start, starts_at__lt=end
        )
        .exclude(request__locality__status="archived")
        .select_related(
            "helper__user", "request__membership__person", "request__category"
        )
    )
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
                        **locality_values(request.locality),
                        "when": when_text(visit.starts_at),
                        "category": request.category.name,
                        "other_name": other.display_name,
                    },
                    locality=request.locality,
                    key=key,
                )
            count += 1
    return count


@scheduled("low_credit", at=time(9, 30))
def low_credit_reminders_queue(*, today: date | None = None) -> int:
    """Once a week at most, tell each active member with visits booked whose
    balance is under an hour. Returns how many were queued."""

    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    memberships = (
        Membership.objects.filter(
            status=Membership.Status.ACTIVE,
            # Not in a paused or archived locality (ADR 0041).
            locality__status="active",
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
                    **locality_values(membership.locality),
                    "balance": describe_minutes(max(balance, 0), per_credit),
                },
                locality=membership.locality,
                key=key,
            )
        count += 1
    return count


@scheduled("call_list", every_minutes=15)
def call_list_prepare(*, today: date | None = None) -> int:
    """Put on the coordinators' call list: messages waiting for a phone call,
    visits a helper accepted for members who prefer the phone (to confirm the
    time with them), messages that could not be delivered in the last week,
    and what the parts above add (``hooks.call_list_lines``). Returns how
    many lines were added."""

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
    for lines in hooks.call_list_lines.run(today=today):
        wanted.extend(lines)
    existing = set(
        Call.objects.filter(key__in=[c.key for c in wanted]).values_list(
            "key", flat=True
        )
    )
    new = [call for call in wanted if call.key not in existing]
    Call.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
