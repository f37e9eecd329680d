"""The month's activities, for the large-print page and the monthly letter."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kith.places.models import Locality
from kith.social.selectors import calendar


def month_activities(locality: Any, first: date, last: date) -> list[Any]:
    """The dates of the locality's listed activities between ``first`` and
    ``last``."""
    days = (last - first).days + 1
    return list(calendar(locality=locality, start=first, days=days))


@dataclass
class ActivitiesSheet:
    first: date
    days: list[tuple[date, list[Any]]]


def activities_sheet_for(*, locality: Locality, month: date) -> ActivitiesSheet:
    """The month's listed activities, by day. Public, like the calendar."""
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    days: dict[date, list[Any]] = {}
    for occurrence in month_activities(locality, first, last):
        days.setdefault(timezone.localtime(occurrence.starts_at).date(), []).append(
            occurrence
        )
    return ActivitiesSheet(first=first, days=sorted(days.items()))
