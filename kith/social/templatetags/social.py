"""Times the way GOV.UK writes them: 10am, 2:30pm, midday, midnight."""

from datetime import datetime, time

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def clock(value: datetime | time | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).time()
    if value == time(12, 0):
        return "midday"
    if value == time(0, 0):
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{suffix}"
