"""Query parameters read safely.

Anyone can type anything after the ``?`` of an address, so every value read
from ``request.GET`` goes through one of these: a value that is missing,
malformed or out of range gives the default, never a server error. Dates are
kept between 1900 and 2999 so that the weeks and months built from them can
never run past the last date Python knows (9999-12-31).
"""

from collections.abc import Iterable, Mapping
from datetime import date

from django.utils import timezone

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def _text(query: Mapping[str, str], name: str) -> str:
    value = query.get(name)
    return value.strip() if isinstance(value, str) else ""


def date_param(
    query: Mapping[str, str], name: str, default: date | None = None
) -> date | None:
    """The date ``YYYY-MM-DD`` in ``query[name]``, or ``default``."""
    text = _text(query, name)
    if len(text) != 10 or not text.isascii():
        return default
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return default
    return value if EARLIEST <= value <= LATEST else default


def month_param(
    query: Mapping[str, str], name: str, default: date | None = None
) -> date:
    """The first day of the month ``YYYY-MM`` in ``query[name]``, or of
    ``default`` (this month if none is given)."""
    value = date_param({name: f"{_text(query, name)}-01"}, name)
    if value is None:
        value = default or timezone.localdate()
    return value.replace(day=1)


def choice_param(
    query: Mapping[str, str], name: str, choices: Iterable[str], default: str
) -> str:
    """``query[name]`` if it is one of ``choices``, or ``default``."""
    text = _text(query, name)
    return text if text in set(choices) else default
