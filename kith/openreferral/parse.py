"""Reading an Open Referral UK 3.0 service record into plain data.

Pure functions: no database. ``service_parse`` takes one full service (as
/services/{id} sends it) and returns a ``ParsedService``, or raises
``RecordError`` saying what is wrong with it. What Kith cannot hold is left
out the same way every time (a schedule with no times, a language with no
name), so parsing the same record twice gives equal results: that is how
an import tells a changed entry from an unchanged one.

Kith's own records (kith/openreferral/records.py) parse back to what they
were made from; the import round trip test holds the two together.
"""

import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from kith.directory.models import CostOption, HowToAccess, Location, ServiceStatus
from kith.openreferral.records import (
    ONS_GEOGRAPHY,
    RADIUS_EXTENT,
    WARD_EXTENT,
    access_label,
)

_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:\.\d+)?)?")
_ONS_CODE = re.compile(r"^[EWSN][0-9]{8}$")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RecordError(ValueError):
    """A record Kith cannot take: ``reason`` says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedOrganisation:
    uuid: UUID
    name: str
    description: str = ""
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class ParsedLocation:
    uuid: UUID
    name: str
    description: str = ""
    address_1: str = ""
    city: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    features: frozenset[str] = frozenset()
    accessibility_details: str = ""


@dataclass(frozen=True)
class ParsedPlace:
    """A service at a location."""

    uuid: UUID
    location: ParsedLocation


@dataclass(frozen=True)
class ParsedSchedule:
    uuid: UUID
    place: UUID | None
    freq: str
    byday: str
    opens_at: time
    closes_at: time
    valid_from: date | None = None
    valid_to: date | None = None
    description: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ParsedLanguage:
    uuid: UUID
    name: str
    code: str


@dataclass(frozen=True)
class ParsedCost:
    uuid: UUID
    option: str
    kind: str
    amount: Decimal | None = None
    amount_description: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class ParsedPhone:
    uuid: UUID
    number: str
    description: str = ""


@dataclass(frozen=True)
class ParsedContact:
    uuid: UUID
    name: str
    title: str = ""
    email: str = ""
    phones: tuple[ParsedPhone, ...] = ()


@dataclass(frozen=True)
class ParsedTerm:
    uuid: UUID
    name: str
    description: str = ""
    code: str = ""
    taxonomy_uuid: UUID | None = None
    taxonomy_name: str = ""
    parent_uuid: UUID | None = None


@dataclass(frozen=True)
class ParsedService:
    uuid: UUID
    name: str
    status: str
    organisation: ParsedOrganisation
    description: str = ""
    url: str = ""
    email: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    eligibility_description: str = ""
    how_to_access: tuple[str, ...] = ()
    ward_codes: frozenset[str] = frozenset()
    radius_km: Decimal | None = None
    places: tuple[ParsedPlace, ...] = ()
    schedules: tuple[ParsedSchedule, ...] = ()
    languages: tuple[ParsedLanguage, ...] = ()
    costs: tuple[ParsedCost, ...] = ()
    contacts: tuple[ParsedContact, ...] = ()
    phones: tuple[ParsedPhone, ...] = ()
    terms: tuple[ParsedTerm, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    def entry(self) -> "ParsedService":
        """The service's own content, to tell whether it changed: its
        organisation's and locations' details are compared on their own."""
        return ParsedService(
            uuid=self.uuid,
            name=self.name,
            status=self.status,
            organisation=ParsedOrganisation(uuid=self.organisation.uuid, name=""),
            description=self.description,
            url=self.url,
            email=self.email,
            minimum_age=self.minimum_age,
            maximum_age=self.maximum_age,
            eligibility_description=self.eligibility_description,
            how_to_access=self.how_to_access,
            ward_codes=self.ward_codes,
            radius_km=self.radius_km,
            places=tuple(
                ParsedPlace(p.uuid, ParsedLocation(uuid=p.location.uuid, name=""))
                for p in self.places
            ),
            schedules=self.schedules,
            languages=self.languages,
            costs=self.costs,
            contacts=self.contacts,
            phones=self.phones,
            terms=tuple(ParsedTerm(uuid=t.uuid, name="") for t in self.terms),
        )


# Reading fields --------------------------------------------------------


def _text(record: dict[str, Any], key: str, *, limit: int | None = None) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"{key} must be text")
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise RecordError(f"{key} is longer than {limit} characters")
    return value


def _uuid(record: dict[str, Any], key: str = "id") -> UUID:
    value = record.get(key)
    if value is None or value == "":
        raise RecordError(f"{key} is missing")
    try:
        return UUID(str(value))
    except ValueError as exc:
        raise RecordError(f"{key} {str(value)[:60]!r} is not a UUID") from exc


def _list(record: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RecordError(f"{key} must be a list of objects")
    return value


def _age(record: dict[str, Any], key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError(f"{key} must be a number")
    if value < 0 or value > 150 or value != int(value):
        raise RecordError(f"{key} must be a whole number of years from 0 to 150")
    return int(value)


def _date(record: dict[str, Any], key: str) -> date | None:
    text = _text(record, key)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise RecordError(f"{key} {text[:30]!r} is not a date") from exc


def _time(record: dict[str, Any], key: str) -> time | None:
    text = _text(record, key)
    found = _TIME.match(text)
    if not found:
        return None
    hour, minute, second = found.groups()
    return time(int(hour), int(minute), int(second or 0))


def _amount(record: dict[str, Any]) -> Decimal | None:
    value = record.get("amount")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RecordError("a cost's amount must be a number")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise RecordError("a cost's amount must be a number") from exc
    if amount < 0 or amount >= 1_000_000:
        raise RecordError("a cost's amount must be from 0 to 999999.99")
    return amount


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# The parts -------------------------------------------------------------


def organisation_parse(record: Any) -> ParsedOrganisation:
    if not isinstance(record, dict):
        raise RecordError("organization is missing")
    name = _text(record, "name", limit=200)
    if not name:
        raise RecordError("the organization has no name")
    return ParsedOrganisation(
        uuid=_uuid(record),
        name=name,
        description=_text(record, "description"),
        email=_text(record, "email", limit=254),
        website=_text(record, "website", limit=200),
    )


_FEATURE_BY_LABEL = {access_label(f).lower(): f for f in Location.FEATURES}
_FEATURE_BY_LABEL.update({f.replace("_", " "): f for f in Location.FEATURES})


def location_parse(record: Any) -> ParsedLocation:
    if not isinstance(record, dict):
        raise RecordError("a service_at_location has no location")
    addresses = [
        a for a in _list(record, "addresses") if a.get("address_type") != "postal"
    ] or _list(record, "addresses")
    address = addresses[0] if addresses else {}
    features = set()
    details = []
    for entry in _list(record, "accessibility"):
        said = _text(entry, "description") or _text(entry, "accessibility")
        feature = _FEATURE_BY_LABEL.get(said.lower())
        if feature:
            features.add(feature)
        elif said:
            details.append(said)
        if _text(entry, "details"):
            details.append(_text(entry, "details"))
    return ParsedLocation(
        uuid=_uuid(record),
        name=_text(record, "name", limit=200) or _text(address, "address_1")[:200],
        description=_text(record, "description"),
        address_1=_text(address, "address_1", limit=250),
        city=_text(address, "city", limit=100),
        postcode=_text(address, "postal_code", limit=8).upper(),
        latitude=_number(record.get("latitude")),
        longitude=_number(record.get("longitude")),
        features=frozenset(features),
        accessibility_details="\n".join(details),
    )


def _schedule_parse(record: dict[str, Any], notes: list[str]) -> ParsedSchedule | None:
    schedule_id = _uuid(record)
    days = [d.strip().upper() for d in _text(record, "byday").split(",") if d.strip()]
    opens, closes = _time(record, "opens_at"), _time(record, "closes_at")
    if not days or any(d not in _DAYS for d in days) or not opens or not closes:
        notes.append(f"schedule {schedule_id} left out: Kith needs days and times")
        return None
    if opens >= closes:
        notes.append(f"schedule {schedule_id} left out: it closes before it opens")
        return None
    freq = _text(record, "freq") or "WEEKLY"
    if freq not in ("WEEKLY", "MONTHLY"):
        raise RecordError(f"schedule {schedule_id} has an unknown freq {freq[:20]!r}")
    place = record.get("service_at_location_id")
    return ParsedSchedule(
        uuid=schedule_id,
        place=_uuid(record, "service_at_location_id") if place else None,
        freq=freq,
        byday=",".join(days),
        opens_at=opens,
        closes_at=closes,
        valid_from=_date(record, "valid_from"),
        valid_to=_date(record, "valid_to"),
        description=_text(record, "description", limit=250),
        notes=_text(record, "notes", limit=250),
    )


def _cost_parse(record: dict[str, Any]) -> ParsedCost:
    option = _text(record, "option", limit=120)
    amount = _amount(record)
    labels = {str(label).lower(): value for value, label in CostOption.Kind.choices}
    kind = labels.get(option.lower())
    if kind is None:
        if record.get("currency") == "GBP":
            kind = CostOption.Kind.POUNDS
        elif "credit" in option.lower() and amount is not None:
            kind = CostOption.Kind.CREDITS
        elif amount:
            kind = CostOption.Kind.POUNDS
        else:
            kind = CostOption.Kind.FREE
    if kind == CostOption.Kind.FREE:
        amount = None
    elif amount is None:
        raise RecordError(f"cost option {_uuid(record)} has a charge but no amount")
    label = str(dict(CostOption.Kind.choices)[kind])
    return ParsedCost(
        uuid=_uuid(record),
        # Kith sends the kind's name for an unnamed option: keep it unnamed.
        option="" if option == label else option,
        kind=str(kind),
        amount=amount,
        amount_description=_text(record, "amount_description", limit=250),
        valid_from=_date(record, "valid_from"),
        valid_to=_date(record, "valid_to"),
    )


def _phone_parse(record: dict[str, Any]) -> ParsedPhone:
    number = _text(record, "number", limit=30)
    if not number:
        raise RecordError(f"phone {_uuid(record)} has no number")
    return ParsedPhone(
        uuid=_uuid(record),
        number=number,
        description=_text(record, "description", limit=200),
    )


def _language_parse(record: dict[str, Any]) -> ParsedLanguage | None:
    name = _text(record, "name", limit=60)
    code = _text(record, "code", limit=10) or name.lower()[:10]
    if not code:
        return None
    return ParsedLanguage(uuid=_uuid(record), name=name or code, code=code)


def _term_parse(record: dict[str, Any]) -> ParsedTerm | None:
    term = record.get("taxonomy_term")
    if not isinstance(term, dict):
        return None
    name = _text(term, "name", limit=120)
    if not name:
        raise RecordError(f"taxonomy term {_uuid(term)} has no name")
    taxonomy = term.get("taxonomy_id")
    parent = term.get("parent_id")
    return ParsedTerm(
        uuid=_uuid(term),
        name=name,
        description=_text(term, "description"),
        code=_text(term, "code", limit=60),
        taxonomy_uuid=_uuid(term, "taxonomy_id") if taxonomy else None,
        taxonomy_name=_text(term, "taxonomy", limit=120),
        parent_uuid=_uuid(term, "parent_id") if parent else None,
    )


def _areas_parse(
    records: list[dict[str, Any]],
) -> tuple[frozenset[str], Decimal | None]:
    wards = set()
    radius = None
    for area in records:
        kind = _text(area, "extent_type")
        extent = _text(area, "extent")
        uri = _text(area, "uri")
        if kind == RADIUS_EXTENT:
            try:
                radius = Decimal(extent).quantize(Decimal("0.1"))
            except InvalidOperation as exc:
                raise RecordError(f"service area radius {extent[:20]!r}") from exc
            if not 0 <= radius < 10_000:
                raise RecordError("a service area's radius must be under 10,000 km")
        elif kind == WARD_EXTENT and _ONS_CODE.match(extent):
            wards.add(extent)
        elif uri.startswith(ONS_GEOGRAPHY) and _ONS_CODE.match(
            uri[len(ONS_GEOGRAPHY) :]
        ):
            wards.add(uri[len(ONS_GEOGRAPHY) :])
    return frozenset(wards), radius


def _how_to_access(text: str) -> tuple[str, ...]:
    said = {s.strip().lower() for s in text.split(".") if s.strip()}
    return tuple(
        value for value, label in HowToAccess.choices if str(label).lower() in said
    )


def service_parse(record: Any) -> ParsedService:
    """One full ORUK 3.0 service as plain data; RecordError if Kith cannot
    take it (no id, no name, an unknown status, a malformed part)."""
    if not isinstance(record, dict):
        raise RecordError("a service must be a JSON object")
    service_id = _uuid(record)
    name = _text(record, "name", limit=200)
    if not name:
        raise RecordError("the service has no name")
    status = _text(record, "status") or ServiceStatus.ACTIVE
    if status not in ServiceStatus.values:
        raise RecordError(f"status {status[:30]!r} is not one the standard allows")
    minimum_age, maximum_age = _age(record, "minimum_age"), _age(record, "maximum_age")
    if (
        minimum_age is not None
        and maximum_age is not None
        and minimum_age > maximum_age
    ):
        raise RecordError("minimum_age is above maximum_age")
    notes: list[str] = []
    description = _text(record, "description")
    if not description:
        # Kith's entries always say what they are: the name stands in until
        # an editor writes more.
        description = name
        notes.append("no description: the name is used until one is written")
    places = tuple(
        ParsedPlace(uuid=_uuid(sal), location=location_parse(sal.get("location")))
        for sal in _list(record, "service_at_locations")
    )
    schedules = tuple(
        s
        for s in (_schedule_parse(r, notes) for r in _list(record, "schedules"))
        if s is not None
    )
    place_ids = {p.uuid for p in places}
    for schedule in schedules:
        if schedule.place is not None and schedule.place not in place_ids:
            raise RecordError(
                f"schedule {schedule.uuid} is for a service_at_location the "
                "service does not have"
            )
    languages = tuple(
        lang
        for lang in (_language_parse(r) for r in _list(record, "languages"))
        if lang is not None
    )
    codes = [lang.code for lang in languages]
    if len(set(codes)) != len(codes):
        raise RecordError("a language is listed twice")
    wards, radius = _areas_parse(_list(record, "service_areas"))
    terms = tuple(
        t
        for t in (_term_parse(a) for a in _list(record, "attributes"))
        if t is not None
    )
    return ParsedService(
        uuid=service_id,
        name=name,
        status=status,
        organisation=organisation_parse(record.get("organization")),
        description=description,
        url=_text(record, "url", limit=200),
        email=_text(record, "email", limit=254),
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        eligibility_description=_text(record, "eligibility_description"),
        how_to_access=_how_to_access(_text(record, "application_process")),
        ward_codes=wards,
        radius_km=radius,
        places=places,
        schedules=schedules,
        languages=languages,
        costs=tuple(_cost_parse(c) for c in _list(record, "cost_options")),
        contacts=tuple(
            ParsedContact(
                uuid=_uuid(c),
                name=_text(c, "name", limit=120) or _text(c, "title", limit=120),
                title=_text(c, "title", limit=120),
                email=_text(c, "email", limit=254),
                phones=tuple(_phone_parse(p) for p in _list(c, "phones")),
            )
            for c in _list(record, "contacts")
        ),
        phones=tuple(_phone_parse(p) for p in _list(record, "phones")),
        terms=tuple(sorted(set(terms), key=lambda t: str(t.uuid))),
        notes=tuple(notes),
    )
