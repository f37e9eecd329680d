"""Calendar feeds in iCalendar (RFC 5545).

Times are written in the locality's time zone (Europe/London) with its
VTIMEZONE, so a calendar shows 10am as 10am on both sides of a clock change.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils import timezone
from icalendar import Calendar, Event

from kith.social.selectors import FeedItem

PRODUCT = "-//Kith//Kith activities//EN"


def calendar_bytes(*, name: str, domain: str, items: Iterable[FeedItem]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(timezone.get_current_timezone()))
    stamp = datetime.now(UTC)
    zone = timezone.get_current_timezone()
    for item in items:
        event = Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at.astimezone(zone))
        event.add("dtend", item.ends_at.astimezone(zone))
        event.add("summary", item.title)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
