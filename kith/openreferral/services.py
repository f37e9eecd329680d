"""Writes for the Open Referral import: another feed's services taken into a
locality's directory as entries waiting for a coordinator's check.

The directory's own services cover what its editors do; taking in a whole
record from another system is this app's, so it is written here, with the
directory's models, one record per transaction, each with an AuditEvent
(docs/adr/0026-open-referral-api.md).

Idempotent by id: a record equal to what Kith holds changes nothing. A
changed record updates the entry and puts it back in the queue for a check.
A published entry stays as the public sees it until then: the change goes
into its draft copy (``Service.draft_of``), as an editor's change would.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from kith.core.services import audit_record
from kith.directory.models import (
    Closure,
    Contact,
    CostOption,
    Location,
    Organisation,
    Phone,
    Schedule,
    Sector,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from kith.directory.selectors import service_prefetches
from kith.openreferral.parse import (
    ParsedLocation,
    ParsedOrganisation,
    ParsedService,
    ParsedTerm,
    RecordError,
    service_parse,
)
from kith.openreferral.records import public_id, service_record
from kith.places.models import Locality, Ward
from kith.places.selectors import postcode_locate, postcode_ward

IMPORTED_TAXONOMY = "Imported categories"
#: Organisations from another feed say nothing of their sector.
IMPORTED_SECTOR = Sector.VOLUNTARY


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.bad)


def _clean(obj: models.Model) -> None:
    """full_clean, turning its complaint into a RecordError naming the part."""
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in exc.message_dict.items()
        )
        raise RecordError(f"{obj._meta.model_name} {problems}") from exc


def _taken_elsewhere(
    model: type[models.Model], key: uuid.UUID, locality: Locality
) -> NoReturn:
    raise RecordError(
        f"{model._meta.model_name} id {key} is used in another locality's directory"
    )


def _set(obj: models.Model, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _organisation(
    parsed: ParsedOrganisation, *, locality: Locality, actor: Any
) -> Organisation:
    found = Organisation.objects.filter(uuid=parsed.uuid).first()
    values = {
        "name": parsed.name,
        "description": parsed.description,
        "email": parsed.email,
        "website": parsed.website,
    }
    if found is not None and found.locality_id != locality.pk:
        _taken_elsewhere(Organisation, parsed.uuid, locality)
    clash = Organisation.objects.filter(locality=locality, name=parsed.name)
    if clash.exclude(uuid=parsed.uuid).exists():
        raise RecordError(
            f"another organisation is already called {parsed.name!r} here"
        )
    if found is None:
        found = Organisation(
            locality=locality, uuid=parsed.uuid, sector=IMPORTED_SECTOR, **values
        )
        _clean(found)
        found.save()
        audit_record(
            actor=actor, action="openreferral.organisation_import", target=found
        )
    elif _set(found, values):
        _clean(found)
        found.save()
        audit_record(
            actor=actor, action="openreferral.organisation_update", target=found
        )
    return found


def _location(
    parsed: ParsedLocation,
    *,
    locality: Locality,
    organisation: Organisation,
    actor: Any,
) -> Location:
    found = Location.objects.filter(uuid=parsed.uuid).first()
    if found is not None and found.locality_id != locality.pk:
        _taken_elsewhere(Location, parsed.uuid, locality)
    latitude, longitude = parsed.latitude, parsed.longitude
    if (latitude is None or longitude is None) and parsed.postcode:
        centre = postcode_locate(postcode=parsed.postcode)
        if centre is not None:
            latitude, longitude = centre.latitude, centre.longitude
    values: dict[str, Any] = {
        "name": parsed.name,
        "description": parsed.description,
        "address_1": parsed.address_1,
        "city": parsed.city,
        "postcode": parsed.postcode,
        "latitude": latitude,
        "longitude": longitude,
        "accessibility_details": parsed.accessibility_details,
        "ward": postcode_ward(postcode=parsed.postcode, locality=locality)
        if parsed.postcode
        else None,
    }
    values.update({f: f in parsed.features for f in Location.FEATURES})
    if found is None:
        found = Location(
            locality=locality, organisation=organisation, uuid=parsed.uuid, **values
        )
        _clean(found)
        found.save()
        audit_record(actor=actor, action="openreferral.location_import", target=found)
    elif _set(found, values):
        _clean(found)
        found.save()
        audit_record(actor=actor, action="openreferral.location_update", target=found)
    return found


def _term(parsed: ParsedTerm, *, locality: Locality) -> tuple[TaxonomyTerm, bool]:
    """The locality's term with this id, or a new one in the taxonomy the
    record names (made if need be). An existing term is left as it is: the
    council keeps its own list."""
    found = TaxonomyTerm.objects.select_related("taxonomy").filter(uuid=parsed.uuid)
    term = found.first()
    if term is not None:
        if term.taxonomy.locality_id != locality.pk:
            _taken_elsewhere(TaxonomyTerm, parsed.uuid, locality)
        return term, False
    taxonomy = None
    if parsed.taxonomy_uuid:
        taxonomy = Taxonomy.objects.filter(uuid=parsed.taxonomy_uuid).first()
        if taxonomy is not None and taxonomy.locality_id != locality.pk:
            _taken_elsewhere(Taxonomy, parsed.taxonomy_uuid, locality)
    if taxonomy is None:
        name = parsed.taxonomy_name or IMPORTED_TAXONOMY
        taxonomy = Taxonomy.objects.filter(locality=locality, name=name).first()
        if taxonomy is None:
            taxonomy = Taxonomy(locality=locality, name=name)
            if parsed.taxonomy_uuid:
                taxonomy.uuid = parsed.taxonomy_uuid
            _clean(taxonomy)
            taxonomy.save()
    code = base = parsed.code or slugify(parsed.name)[:50] or "term"
    n = 1
    while TaxonomyTerm.objects.filter(taxonomy=taxonomy, code=code).exists():
        n += 1
        code = f"{base[:50]}-{n}"
    term = TaxonomyTerm(
        taxonomy=taxonomy,
        uuid=parsed.uuid,
        name=parsed.name,
        description=parsed.description,
        code=code,
    )
    _clean(term)
    term.save()
    return term, True


def _current(service: Service) -> ParsedService:
    """What Kith holds for ``service`` (or its draft copy), read the way a
    record is."""
    loaded = service_prefetches(Service.objects.filter(pk=service.pk)).get()
    return service_parse(
        service_record(loaded, locality=service.locality, id_of=public_id)
    )


def _draft_copy(published: Service) -> Service:
    """A draft copy of a published service, as the directory makes one for
    its editors: every field of the published entry (what a feed does not
    carry, such as referrals, is kept), and its closures, each pointing at
    the closure it copies, so that publishing the copy loses nothing."""
    copy = Service.objects.get(pk=published.pk)
    copy.pk = None
    copy.id = None
    copy.uuid = uuid.uuid4()
    copy.draft_of = published
    copy.review_state = Service.ReviewState.WAITING
    copy.save()
    for closure in published.closures.all():
        Closure.objects.create(
            service=copy,
            starts_on=closure.starts_on,
            ends_on=closure.ends_on,
            reason=closure.reason,
            copy_of=closure,
        )
    return copy


def _child_id(key: uuid.UUID, copied: dict[uuid.UUID, Any]) -> dict[str, Any]:
    """The id a new child of a draft copy takes: a fresh one, pointing at
    the published child it copies, or the record's own for a new child."""
    if key in copied:
        return {"uuid": uuid.uuid4(), "copy_of": copied[key]}
    return {"uuid": key}


def _children_write(
    target: Service,
    parsed: ParsedService,
    *,
    locality: Locality,
    published: Service | None,
    locations: dict[uuid.UUID, Location],
) -> list[str]:
    """Replace ``target``'s parts with the record's. For a draft copy of
    ``published``, a part the published entry already has is copied with
    ``copy_of`` (the published ids stay as they are)."""
    for model in (Schedule, ServiceAtLocation, ServiceLanguage, CostOption, Contact):
        model._default_manager.filter(service=target).delete()
    Phone.objects.filter(service=target).delete()

    def copied(model: type[models.Model]) -> dict[uuid.UUID, Any]:
        if published is None:
            return {}
        return {
            getattr(o, "uuid"): o  # noqa: B009 - every part has a uuid
            for o in model._default_manager.filter(service=published)
        }

    places = {}
    published_places = copied(ServiceAtLocation)
    for place in parsed.places:
        sal = ServiceAtLocation(
            service=target,
            location=locations[place.location.uuid],
            **_child_id(place.uuid, published_places),
        )
        _clean(sal)
        sal.save()
        places[place.uuid] = sal
    published_schedules = copied(Schedule)
    for s in parsed.schedules:
        schedule = Schedule(
            service=target,
            service_at_location=places.get(s.place) if s.place else None,
            freq=s.freq,
            byday=s.byday,
            opens_at=s.opens_at,
            closes_at=s.closes_at,
            valid_from=s.valid_from,
            valid_to=s.valid_to,
            description=s.description,
            notes=s.notes,
            **_child_id(s.uuid, published_schedules),
        )
        _clean(schedule)
        schedule.save()
    published_languages = copied(ServiceLanguage)
    for lang in parsed.languages:
        language = ServiceLanguage(
            service=target,
            name=lang.name,
            code=lang.code,
            **_child_id(lang.uuid, published_languages),
        )
        _clean(language)
        language.save()
    published_costs = copied(CostOption)
    for option in parsed.costs:
        cost = CostOption(
            service=target,
            option=option.option,
            kind=option.kind,
            amount=option.amount,
            amount_description=option.amount_description,
            valid_from=option.valid_from,
            valid_to=option.valid_to,
            **_child_id(option.uuid, published_costs),
        )
        _clean(cost)
        cost.save()
    published_contacts = copied(Contact)
    published_phones = (
        {
            p.uuid: p
            for p in Phone.objects.filter(
                models.Q(service=published) | models.Q(contact__service=published)
            )
        }
        if published is not None
        else {}
    )
    for c in parsed.contacts:
        contact = Contact(
            service=target,
            name=c.name,
            title=c.title,
            email=c.email,
            **_child_id(c.uuid, published_contacts),
        )
        _clean(contact)
        contact.save()
        for p in c.phones:
            phone = Phone(
                contact=contact,
                number=p.number,
                description=p.description,
                **_child_id(p.uuid, published_phones),
            )
            _clean(phone)
            phone.save()
    for p in parsed.phones:
        phone = Phone(
            service=target,
            number=p.number,
            description=p.description,
            **_child_id(p.uuid, published_phones),
        )
        _clean(phone)
        phone.save()
    found = {t.uuid: _term(t, locality=locality) for t in parsed.terms}
    terms = {key: term for key, (term, _new) in found.items()}
    target.terms.set(terms.values())
    for t in parsed.terms:
        # A new term takes its parent once both are in (the parent may come
        # later in the record, or already be the locality's).
        term, new = found[t.uuid]
        if new and t.parent_uuid:
            parent = (
                terms.get(t.parent_uuid)
                or TaxonomyTerm.objects.filter(
                    uuid=t.parent_uuid, taxonomy=term.taxonomy
                ).first()
            )
            if parent is not None and parent.taxonomy_id == term.taxonomy_id:
                term.parent = parent
                term.save(update_fields=["parent"])
    wards = list(Ward.objects.filter(locality=locality, ons_code__in=parsed.ward_codes))
    target.wards.set(wards)
    known = {w.ons_code for w in wards}
    return [
        f"ward {code} is not one of this locality's: left out"
        for code in sorted(parsed.ward_codes - known)
    ]


@transaction.atomic
def service_import(
    *, locality: Locality, parsed: ParsedService, actor: Any = None, source: str = ""
) -> tuple[str, list[str]]:
    """Take one parsed record into ``locality``'s directory.

    Returns what happened (``created``, ``updated`` or ``unchanged``) and
    notes on what was left out. Raises RecordError, with nothing changed,
    when the record cannot be taken (its id is another locality's, a part
    fails the directory's rules).
    """
    if len({p.location.uuid for p in parsed.places}) != len(parsed.places):
        raise RecordError("a location is listed twice")
    existing = Service.objects.filter(uuid=parsed.uuid).first()
    if existing is not None and existing.locality_id != locality.pk:
        _taken_elsewhere(Service, parsed.uuid, locality)
    if existing is not None and existing.draft_of_id is not None:
        raise RecordError("that id is a draft copy's, not a service's")
    organisation = _organisation(parsed.organisation, locality=locality, actor=actor)
    locations = {
        place.location.uuid: _location(
            place.location, locality=locality, organisation=organisation, actor=actor
        )
        for place in parsed.places
    }
    published = None
    if existing is None:
        target = Service(locality=locality, uuid=parsed.uuid)
        outcome = "created"
    elif existing.review_state == Service.ReviewState.PUBLISHED:
        published = existing
        target = Service.objects.filter(draft_of=existing).first() or Service(
            locality=locality, uuid=existing.uuid
        )
        outcome = "updated"
    else:
        target = existing
        outcome = "updated"
    if target.pk is not None and _current(target).entry() == parsed.entry():
        return "unchanged", []
    if target.pk is None and published is not None:
        if _current(published).entry() == parsed.entry():
            return "unchanged", []
        target = _draft_copy(published)
    _set(
        target,
        {
            "organisation_id": organisation.pk,
            "name": parsed.name,
            "description": parsed.description,
            "url": parsed.url,
            "email": parsed.email,
            "status": parsed.status,
            "minimum_age": parsed.minimum_age,
            "maximum_age": parsed.maximum_age,
            "eligibility_description": parsed.eligibility_description,
            "how_to_access": list(parsed.how_to_access),
            "radius_km": parsed.radius_km,
            "review_state": Service.ReviewState.WAITING,
            "submitted_at": timezone.now(),
            "returned_reason": "",
        },
    )
    _clean(target)
    target.save()
    notes = _children_write(
        target,
        parsed,
        locality=locality,
        published=published,
        locations=locations,
    )
    audit_record(
        actor=actor,
        action=f"openreferral.service_import_{outcome}",
        target=published or target,
        locality=locality,
        data={"source": source[:200], "id": str(parsed.uuid)},
    )
    return outcome, notes


def feed_import(
    *,
    locality: Locality,
    records: Any,
    actor: Any = None,
    source: str = "",
) -> ImportReport:
    """Import each record (full ORUK 3.0 services) in its own transaction:
    a bad record is reported with its id and reason, the rest go in."""
    report = ImportReport()
    for n, record in enumerate(records, start=1):
        label = str(record.get("id"))[:60] if isinstance(record, dict) else f"#{n}"
        if isinstance(record, dict) and "error" in record and "name" not in record:
            report.bad.append((label, str(record["error"])))
            continue
        try:
            parsed = service_parse(record)
            outcome, notes = service_import(
                locality=locality, parsed=parsed, actor=actor, source=source
            )
        except RecordError as exc:
            report.bad.append((label, exc.reason))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.notes.extend((label, note) for note in (*parsed.notes, *notes))
    return report
