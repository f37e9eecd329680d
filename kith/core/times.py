"""Times and dates the way GOV.UK writes them, in the locality's time zone.

Times: ``10am``, ``2:30pm``, ``midday``, ``midnight`` (never ``10:00``,
``10:00 a.m.`` or ``10am`` in one place and ``10:00`` in another). Dates:
``Tuesday 8 December 2026``, or without the weekday or year where the page
says enough. A moment is always turned into the current time zone first
(``TIME_ZONE``, Europe/London), so a visit at 10am in July never shows as
``09:00`` (its UTC time).

Templates use the ``clock`` filter (``kith.core.templatetags.govuk``, a
builtin) for times and Django's ``date`` filter with a date-only format for
dates; ``tests/test_time_formats.py`` keeps time formats out of templates
and code. Text built in code (messages, reasons) uses these functions.
"""

from datetime import date, datetime, time

from django.utils import formats, timezone
from django.utils.translation import gettext as _


def _local(value: datetime) -> datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def clock_text(value: datetime | time | None) -> str:
    """``10am``, ``2:30pm``, ``12:05pm``, ``12:30am``, ``midday``, ``midnight``;
    an empty string for ``None``. An aware moment is shown in local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).time()
    if value.hour == 12 and value.minute == 0:
        return _("midday")
    if value.hour == 0 and value.minute == 0:
        return _("midnight")
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def day_text(value: date | datetime, *, weekday: bool = True, year: bool = True) -> str:
    """``Tuesday 8 December 2026``; ``8 December 2026`` without the weekday;
    ``Tuesday 8 December`` without the year. An aware moment is taken on
    its local day."""
    if isinstance(value, datetime):
        value = _local(value)
    shape = ("l " if weekday else "") + "j F" + (" Y" if year else "")
    return formats.date_format(value, shape)


def when_text(moment: datetime, *, year: bool = False) -> str:
    """``Tuesday 3 March at 10:30am``, in local time; with the year when
    asked (``Tuesday 3 March 2026 at 10:30am``)."""
    return _("%(day)s at %(time)s") % {
        "day": day_text(moment, year=year),
        "time": clock_text(moment),
    }


def span_text(start: datetime, end: datetime) -> str:
    """``Tuesday 3 March, 10am to 4pm``; across days,
    ``Tuesday 3 March, 10am to Wednesday 4 March, 9am``."""
    start, end = _local(start), _local(end)
    first = _("%(day)s, %(time)s") % {
        "day": day_text(start, year=False),
        "time": clock_text(start),
    }
    if start.date() == end.date():
        last = clock_text(end)
    else:
        last = _("%(day)s, %(time)s") % {
            "day": day_text(end, year=False),
            "time": clock_text(end),
        }
    return _("%(start)s to %(end)s") % {"start": first, "end": last}
