"""The API's query parameters, read strictly.

Unlike Kith's pages (kith/core/params.py), which fall back to a default for
anything odd, the API refuses what it does not understand: another system is
reading it, and a filter it misspelt should not quietly return everything.
Each reader raises ``BadQuery`` naming the parameter and saying what was
wrong; the views answer that with a 400 and a JSON error. Pure functions of
the query: no database.
"""

import math
import re
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext as _

from kith.places.postcodes import postcode_or_none

PER_PAGE_DEFAULT = 50
PER_PAGE_MAX = 100
#: No page beyond this is asked for: it keeps OFFSET within what a
#: database answers quickly, and no real directory has that many pages.
PAGE_MAX = 100_000
#: The widest proximity searched: more than the length of Great Britain.
PROXIMITY_MAX_METRES = 1_000_000
AGE_MAX = 150
SEARCH_MAX_LENGTH = 200
DAY_NAMES = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

PAGING = frozenset({"page", "per_page"})
SERVICE_FILTERS = frozenset(
    {
        "search",
        "taxonomy_term_id",
        "taxonomy_id",
        "minimum_age",
        "maximum_age",
        "start_time",
        "end_time",
        "day",
        "postcode",
        "proximity",
    }
)
#: The parameters each list accepts (the served openapi.json lists the same;
#: a test checks that they agree).
ACCEPTED = {
    "/services": PAGING | SERVICE_FILTERS | {"modified_after"},
    "/service_at_locations": PAGING | SERVICE_FILTERS,
    "/taxonomies": PAGING,
    "/taxonomy_terms": PAGING,
}

_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_INTEGER = re.compile(r"^[0-9]{1,9}$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$")


class QueryDict(Protocol):
    def getlist(self, key: str) -> list[str]: ...

    def keys(self) -> Collection[str]: ...


class BadQuery(ValueError):
    """A parameter the API cannot answer: ``message`` says why in plain words."""

    def __init__(self, message: str, *, parameter: str) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = PER_PAGE_DEFAULT

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class ServiceFilters:
    """What a list of services (or of services at locations) is narrowed to."""

    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    start_time: time | None = None
    end_time: time | None = None
    day: str = ""
    postcode: str = ""
    proximity_metres: int | None = None
    modified_after: datetime | None = None

    @property
    def by_schedule(self) -> bool:
        return bool(self.day or self.start_time or self.end_time)


def uuid_param(value: str, *, parameter: str = "id") -> uuid.UUID:
    """``value`` as a UUID in its usual written form (8-4-4-4-12 hex digits)."""
    if not _UUID.match(value or ""):
        raise BadQuery(
            _("%(name)s must be a UUID, like 3f7b145d-84af-42d7-8fae-eaca714b02b2.")
            % {"name": parameter},
            parameter=parameter,
        )
    return uuid.UUID(value)


def _single(query: QueryDict, name: str) -> str | None:
    values = query.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadQuery(_("Give %(name)s only once.") % {"name": name}, parameter=name)
    return values[0].strip()


def _integer(
    query: QueryDict, name: str, *, low: int, high: int, too_high: str = ""
) -> int | None:
    text = _single(query, name)
    if text is None or text == "":
        return None
    if not _INTEGER.match(text):
        raise BadQuery(
            _("%(name)s must be a whole number.") % {"name": name}, parameter=name
        )
    value = int(text)
    if value < low:
        raise BadQuery(
            _("%(name)s must be at least %(low)s.") % {"name": name, "low": low},
            parameter=name,
        )
    if value > high:
        raise BadQuery(
            too_high
            or _("%(name)s must be at most %(high)s.") % {"name": name, "high": high},
            parameter=name,
        )
    return value


def _time(query: QueryDict, name: str) -> time | None:
    text = _single(query, name)
    if not text:
        return None
    found = _TIME.match(text)
    if not found:
        raise BadQuery(
            _("%(name)s must be a time like 09:30 or 17:00:00.") % {"name": name},
            parameter=name,
        )
    hour, minute, second = found.groups()
    return time(int(hour), int(minute), int(second or 0))


def _datetime(query: QueryDict, name: str) -> datetime | None:
    text = _single(query, name)
    if not text:
        return None
    message = _(
        "%(name)s must be a date and time like 2026-01-31T09:00:00Z, or a date "
        "like 2026-01-31."
    ) % {"name": name}
    if not text.isascii() or len(text) > 40:
        raise BadQuery(message, parameter=name)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            found = datetime.combine(day, time(0))
        else:
            found = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError as exc:
        raise BadQuery(message, parameter=name) from exc
    if not date(1900, 1, 1) <= found.date() <= date(2999, 12, 31):
        raise BadQuery(message, parameter=name)
    if timezone.is_naive(found):
        found = timezone.make_aware(found)
    return found


def unknown_check(query: QueryDict, accepted: Collection[str]) -> None:
    """Refuse any parameter not in ``accepted``, naming the first (by name)."""
    unknown = sorted(set(query.keys()) - set(accepted))
    if unknown:
        name = unknown[0][:50]
        raise BadQuery(
            _("%(name)s is not a parameter of this list. It takes: %(list)s.")
            % {"name": name, "list": ", ".join(sorted(accepted))},
            parameter=name,
        )


def paging_read(query: QueryDict) -> Paging:
    page = _integer(query, "page", low=1, high=PAGE_MAX)
    per_page = _integer(
        query,
        "per_page",
        low=1,
        high=PER_PAGE_MAX,
        too_high=_("per_page must be at most %(high)s: ask for the next page instead.")
        % {"high": PER_PAGE_MAX},
    )
    return Paging(page=page or 1, per_page=per_page or PER_PAGE_DEFAULT)


def service_filters_read(query: QueryDict) -> ServiceFilters:
    """The filters of a list of services, each checked."""
    search = _single(query, "search") or ""
    if len(search) > SEARCH_MAX_LENGTH:
        raise BadQuery(
            _("search must be at most %(n)s characters.") % {"n": SEARCH_MAX_LENGTH},
            parameter="search",
        )
    term = _single(query, "taxonomy_term_id")
    taxonomy = _single(query, "taxonomy_id")
    minimum_age = _integer(query, "minimum_age", low=0, high=AGE_MAX)
    maximum_age = _integer(query, "maximum_age", low=0, high=AGE_MAX)
    day = (_single(query, "day") or "").upper()
    if day and day not in DAY_NAMES:
        raise BadQuery(
            _("day must be one of MO, TU, WE, TH, FR, SA, SU."), parameter="day"
        )
    raw_postcode = _single(query, "postcode") or ""
    postcode = ""
    if raw_postcode:
        postcode = postcode_or_none(raw_postcode) or ""
        if not postcode:
            raise BadQuery(
                _("postcode must be a UK postcode, like SE17 2AA."),
                parameter="postcode",
            )
    proximity = _integer(query, "proximity", low=1, high=PROXIMITY_MAX_METRES)
    if proximity is not None and not postcode:
        raise BadQuery(
            _("proximity needs a postcode to measure from."), parameter="proximity"
        )
    return ServiceFilters(
        search=search,
        taxonomy_term_id=uuid_param(term, parameter="taxonomy_term_id")
        if term
        else None,
        taxonomy_id=uuid_param(taxonomy, parameter="taxonomy_id") if taxonomy else None,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        start_time=_time(query, "start_time"),
        end_time=_time(query, "end_time"),
        day=day,
        postcode=postcode,
        proximity_metres=proximity,
        modified_after=_datetime(query, "modified_after"),
    )


def pages_count(total: int, per_page: int) -> int:
    return math.ceil(total / per_page)
