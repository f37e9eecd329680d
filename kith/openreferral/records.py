"""The directory's entries as Open Referral UK 3.0 records (plain dicts).

Pure functions of already-loaded objects: the selectors prefetch what each
record needs, so building a page of records runs no query. Optional fields
with no value are left out, never sent as null (the standard's rule); a field
the standard requires is always sent.

Names and values follow the ORUK 3.0 schemas (kith/openreferral/schema/).
Where ORUK's schemas stop short of HSDS 3.0, on which they are built, the
HSDS 3.0 field is added (a language's name and code, a contact's email and
phones, the service's own phones, its eligibility and how to get it): the
schemas allow extra fields, and consumers of HSDS read them.

Things Kith keeps without an id of their own (a ward served, a location's
address and access features) get a UUID derived from their owner's id
(uuid5), so it never changes between requests.
"""

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kith.directory.models import (
    Closure,
    Contact,
    CostOption,
    HowToAccess,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from kith.places.models import Locality, Ward

HSDS_VERSION = "3.0"
PROFILE = "https://github.com/openreferral/uk-profile"
ONS_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"
WARD_EXTENT = "ons_ward"
RADIUS_EXTENT = "radius_km"
COUNTRY = "GB"

Record = dict[str, Any]
#: The public id of an object: its own, or for a draft copy the id of the
#: published object it copies (so a draft compares with the feed it came from).
IdOf = Callable[[Any], uuid.UUID]


def own_id(obj: Any) -> uuid.UUID:
    return obj.uuid


def public_id(obj: Any) -> uuid.UUID:
    copy_of = getattr(obj, "copy_of", None) or getattr(obj, "draft_of", None)
    return copy_of.uuid if copy_of is not None else obj.uuid


def derived_id(owner: uuid.UUID, what: str) -> str:
    return str(uuid.uuid5(owner, what))


def _put(record: Record, **values: Any) -> Record:
    """Add each value that is there: not None, not an empty string or list."""
    for key, value in values.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, Decimal):
            value = int(value) if value == value.to_integral() else float(value)
        elif isinstance(value, date):  # datetimes too
            value = value.isoformat()
        record[key] = value
    return record


def _uri(value: str) -> str:
    """A web address as a URI (RFC 3986, as the schemas' "uri" format asks):
    letters beyond ASCII percent-encoded."""
    return iri_to_uri(value) if value else ""


def _time(value: Any) -> str | None:
    return value.strftime("%H:%M:%S") if value is not None else None


# Taxonomies -------------------------------------------------------------


def taxonomy_term_record(term: TaxonomyTerm) -> Record:
    record: Record = {
        "id": str(term.uuid),
        "name": term.name,
        "description": term.description,
    }
    return _put(
        record,
        code=term.code,
        parent_id=term.parent.uuid if term.parent is not None else None,
        taxonomy=term.taxonomy.name,
        taxonomy_id=term.taxonomy.uuid,
        term=term.name,
    )


def taxonomy_record(
    taxonomy: Taxonomy, terms: Iterable[TaxonomyTerm] | None = None
) -> Record:
    record: Record = {
        "id": str(taxonomy.uuid),
        "name": taxonomy.name,
        "description": taxonomy.description,
    }
    _put(record, uri=_uri(taxonomy.uri), version=taxonomy.version)
    if terms is not None:
        _put(record, taxonomy_terms=[taxonomy_term_record(t) for t in terms])
    return record


# Organisations and places ----------------------------------------------


def organisation_record(organisation: Organisation) -> Record:
    record: Record = {
        "id": str(organisation.uuid),
        "name": organisation.name,
        "description": organisation.description,
    }
    return _put(record, email=organisation.email, website=_uri(organisation.website))


ACCESS_FEATURES = Location.FEATURES


def access_label(feature: str) -> str:
    return str(getattr(Location._meta.get_field(feature), "verbose_name", feature))


def location_record(
    location: Location, *, full: bool, locality: Locality, id_of: IdOf = own_id
) -> Record:
    location_id = id_of(location)
    record: Record = {"id": str(location_id), "location_type": "physical"}
    _put(
        record,
        name=location.name,
        description=location.description,
        latitude=location.latitude,
        longitude=location.longitude,
    )
    if not full:
        return record
    if location.address_1 and location.postcode:
        record["addresses"] = [
            {
                "id": derived_id(location_id, "address"),
                "location_id": str(location_id),
                "address_1": location.address_1,
                "city": location.city,
                "state_province": locality.council_name,
                "postal_code": location.postcode,
                "country": COUNTRY,
                "address_type": "physical",
            }
        ]
    access = [
        {
            "id": derived_id(location_id, f"access:{feature}"),
            "location_id": str(location_id),
            "description": access_label(feature),
        }
        for feature in ACCESS_FEATURES
        if getattr(location, feature)
    ]
    if location.accessibility_details:
        access.append(
            {
                "id": derived_id(location_id, "access:details"),
                "location_id": str(location_id),
                "details": location.accessibility_details,
            }
        )
    return _put(record, accessibility=access)


# Services ---------------------------------------------------------------


def _organisation_brief(service: Service) -> Record:
    return organisation_record(service.organisation)


def service_brief(service: Service, *, locality: Locality) -> Record:
    """The service's one-to-one fields and its organisation (for lists)."""
    return _service_fields(service, locality=locality, id_of=own_id)


def _service_fields(service: Service, *, locality: Locality, id_of: IdOf) -> Record:
    record: Record = {
        "id": str(id_of(service)),
        "name": service.name,
        "status": service.status,
    }
    _put(
        record,
        organization_id=service.organisation.uuid,
        description=service.description,
        url=_uri(service.url),
        email=service.email,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        eligibility_description=service.eligibility_description,
        application_process=application_process(service.how_to_access),
        assured_date=service.last_checked_at.date()
        if service.last_checked_at
        else None,
        assurer_email=locality.email if service.last_checked_at else None,
        last_modified=service.last_modified,
    )
    record["organization"] = _organisation_brief(service)
    return record


def application_process(how_to_access: list[str]) -> str:
    labels = dict(HowToAccess.choices)
    return " ".join(f"{labels[v]}." for v in how_to_access if v in labels)


def alert_text(closures: Iterable[Closure], *, today: date) -> str:
    """The closures not yet over, in words: "Closed 23 December 2026 to 2
    January 2027 (Christmas)."."""
    parts = []
    for closure in closures:
        if closure.ends_on < today:
            continue
        text = _("Closed %(start)s to %(end)s") % {
            "start": date_format(closure.starts_on, "j F Y"),
            "end": date_format(closure.ends_on, "j F Y"),
        }
        if closure.reason:
            text += f" ({closure.reason})"
        parts.append(text + ".")
    return " ".join(parts)


def schedule_record(
    schedule: Schedule,
    *,
    service_id: uuid.UUID,
    id_of: IdOf,
    sals: dict[int, ServiceAtLocation],
) -> Record:
    record: Record = {"id": str(id_of(schedule))}
    # The service's places are loaded already: look the place up among them
    # rather than follow the schedule's key (a query per schedule).
    sal = sals.get(schedule.service_at_location_id or 0)
    return _put(
        record,
        service_id=service_id,
        service_at_location_id=id_of(sal) if sal is not None else None,
        valid_from=schedule.valid_from,
        valid_to=schedule.valid_to,
        freq=schedule.freq,
        byday=schedule.byday,
        description=schedule.description,
        opens_at=_time(schedule.opens_at),
        closes_at=_time(schedule.closes_at),
        notes=schedule.notes,
    )


def ward_area_record(ward: Ward, *, service_id: uuid.UUID) -> Record:
    return {
        "id": derived_id(service_id, f"ward:{ward.ons_code}"),
        "service_id": str(service_id),
        "name": ward.name,
        "extent": ward.ons_code,
        "extent_type": WARD_EXTENT,
        "uri": ONS_GEOGRAPHY + ward.ons_code,
        "service_area": ward.name,
    }


def radius_area_record(radius_km: Decimal, *, service_id: uuid.UUID) -> Record:
    text = _("Within %(km)s km of where it runs") % {"km": f"{radius_km:g}"}
    return {
        "id": derived_id(service_id, "radius"),
        "service_id": str(service_id),
        "name": text,
        "extent": f"{radius_km:g}",
        "extent_type": RADIUS_EXTENT,
        "service_area": text,
    }


def language_record(
    language: ServiceLanguage, *, service_id: uuid.UUID, id_of: IdOf
) -> Record:
    record: Record = {"id": str(id_of(language))}
    return _put(record, service_id=service_id, name=language.name, code=language.code)


def cost_option_record(
    cost: CostOption, *, service_id: uuid.UUID, id_of: IdOf
) -> Record:
    record: Record = {"id": str(id_of(cost))}
    return _put(
        record,
        service_id=service_id,
        valid_from=cost.valid_from,
        valid_to=cost.valid_to,
        option=cost.option or cost.get_kind_display(),
        amount=cost.amount,
        currency="GBP" if cost.kind == CostOption.Kind.POUNDS else None,
        amount_description=cost.amount_description,
    )


def phone_record(phone: Phone, *, id_of: IdOf, contact_id: Any = None) -> Record:
    record: Record = {"id": str(id_of(phone)), "number": phone.number}
    return _put(record, contact_id=contact_id, description=phone.description)


def contact_record(contact: Contact, *, service_id: uuid.UUID, id_of: IdOf) -> Record:
    contact_id = id_of(contact)
    record: Record = {"id": str(contact_id)}
    return _put(
        record,
        service_id=service_id,
        name=contact.name,
        title=contact.title,
        email=contact.email,
        phones=[
            phone_record(p, id_of=id_of, contact_id=contact_id)
            for p in contact.phones.all()
        ],
    )


def attribute_record(term: TaxonomyTerm, *, service_id: uuid.UUID) -> Record:
    return {
        "id": derived_id(service_id, f"term:{term.uuid}"),
        "link_id": str(service_id),
        "link_entity": "service",
        "taxonomy_term_id": str(term.uuid),
        "taxonomy_term": taxonomy_term_record(term),
    }


def service_record(
    service: Service,
    *,
    locality: Locality,
    id_of: IdOf = own_id,
    today: date | None = None,
) -> Record:
    """The full service, with everything the standard nests in it."""
    service_id = id_of(service)
    record = _service_fields(service, locality=locality, id_of=id_of)
    _put(
        record,
        alert=alert_text(service.closures.all(), today=today or timezone.localdate()),
    )
    sals = {sal.pk: sal for sal in service.service_at_locations.all()}
    schedules = list(service.schedules.all())
    areas = [
        ward_area_record(w, service_id=service_id)
        for w in sorted(service.wards.all(), key=lambda w: w.ons_code)
    ]
    if service.radius_km is not None:
        areas.append(radius_area_record(service.radius_km, service_id=service_id))
    _put(
        record,
        schedules=[
            schedule_record(s, service_id=service_id, id_of=id_of, sals=sals)
            for s in schedules
        ],
        service_areas=areas,
        service_at_locations=[
            _put(
                {"id": str(id_of(sal))},
                service_id=service_id,
                location_id=id_of(sal.location),
                location=location_record(
                    sal.location, full=True, locality=locality, id_of=id_of
                ),
            )
            for sal in sals.values()
        ],
        languages=[
            language_record(lang, service_id=service_id, id_of=id_of)
            for lang in service.languages.all()
        ],
        cost_options=[
            cost_option_record(c, service_id=service_id, id_of=id_of)
            for c in service.cost_options.all()
        ],
        contacts=[
            contact_record(c, service_id=service_id, id_of=id_of)
            for c in service.contacts.all()
        ],
        phones=[
            phone_record(p, id_of=id_of)
            for p in service.phones.all()
            if p.contact_id is None
        ],
        attributes=[
            attribute_record(t, service_id=service_id)
            for t in sorted(service.terms.all(), key=lambda t: (t.order, t.name, t.pk))
        ],
    )
    return record


def service_at_location_brief(sal: ServiceAtLocation, *, locality: Locality) -> Record:
    """A service at a location with their one-to-one fields (for lists)."""
    return _put(
        {"id": str(sal.uuid)},
        service_id=sal.service.uuid,
        location_id=sal.location.uuid,
        location=location_record(sal.location, full=False, locality=locality),
        service=service_brief(sal.service, locality=locality),
    )


def service_at_location_record(
    sal: ServiceAtLocation, *, service: Service, locality: Locality
) -> Record:
    """A service at a location, the location and the service in full."""
    return _put(
        {"id": str(sal.uuid)},
        service_id=service.uuid,
        location_id=sal.location.uuid,
        location=location_record(sal.location, full=True, locality=locality),
        service=service_record(service, locality=locality),
    )


def metadata_record(*, openapi_url: str) -> Record:
    return {"version": HSDS_VERSION, "profile": PROFILE, "openapi_url": openapi_url}
