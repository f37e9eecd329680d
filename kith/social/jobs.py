"""The periodic jobs of the social part (registered with the scheduler,
which finds this module): the monthly letter, and the daily reminders and
introductions from kith.social.services. Each is safe to run again at any
time."""

from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kith.credits.models import Account
from kith.credits.services import credit_settings_for
from kith.credits.words import describe_minutes
from kith.help.jobs import day_bounds, locality_values
from kith.help.models import Visit
from kith.help.services import when_text
from kith.members.models import Membership
from kith.notify.models import Message
from kith.notify.schedule import scheduled
from kith.notify.services import message_queue_for_person
from kith.social.print_sheets import month_activities
from kith.social.services import (
    activity_reminders_queue,
    introduction_follow_ups_queue,
    introductions_suggest_all,
)

# Reminders the day before an activity; introductions' follow-ups.
scheduled("activity_reminders", at=time(10, 5))(activity_reminders_queue)
scheduled("introductions_suggest", at=time(5, 30))(introductions_suggest_all)
scheduled("introduction_follow_ups", at=time(9, 50))(introduction_follow_ups_queue)


def _activities_text(locality: Any, first: date, last: date) -> str:
    """The month's activities, a line each, for the monthly letter."""
    found = month_activities(locality, first, last)
    lines = [
        f"- {when_text(o.starts_at)}: {o.activity.title}"
        + (f", {o.activity.venue.name}" if getattr(o.activity, "venue", None) else "")
        for o in found
    ]
    return "\n".join(lines) or _("None planned yet.")


@scheduled("monthly_letters", at=time(9, 0))
def monthly_letters_queue(*, today: date | None = None) -> int:
    """Each month, one letter to each active member who prefers letters: their
    visits this month, their credits and the month's activities. Returns how
    many were queued now; the month's key stops a second letter."""

    today = today or timezone.localdate()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    month = formats.date_format(first, "F Y")
    start, _end = day_bounds(today)
    _first_next, end = day_bounds(last)
    count = 0
    # Not in a paused or archived locality (ADR 0041).
    memberships = Membership.objects.filter(
        status=Membership.Status.ACTIVE,
        person__contact_by="letter",
        locality__status="active",
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
                    **locality_values(membership.locality),
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
