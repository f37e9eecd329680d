"""Writes to the directory. Each checks permission, validates, writes, and
records an AuditEvent, in its own transaction.

Who may write what:

- an organisation editor changes only the organisations they are an editor
  of, and those organisations' services and places;
- a coordinator or council officer (``DIRECTORY_CHECK``) may change any
  entry of their locality, publishes entries or sends them back, and keeps
  the categories;
- a coordinator or helper (``SIGNPOST_RECORD``) records signposting.

Draft and published (ADR 0022): an editor's changes to a published service
go to its draft copy (``service_working_copy``); the public keeps seeing
the published row until ``service_publish`` writes the copy over it.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kith.accounts.models import Role
from kith.accounts.permissions import Perm, has_perm, has_role
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.core.times import day_text
from kith.directory.access import can_check, can_edit_organisation
from kith.directory.models import (
    Closure,
    Contact,
    CostOption,
    Location,
    Organisation,
    Phone,
    ReviewState,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    Signposting,
    Taxonomy,
    TaxonomyTerm,
)
from kith.directory.taxonomy import DEFAULT_TAXONOMY_NAME, DEFAULT_TERMS
from kith.directory.words import LANGUAGES, schedule_words
from kith.help.models import Visit
from kith.members.models import Membership
from kith.notify.services import message_queue, message_queue_for_person
from kith.places.models import Locality, Ward
from kith.places.postcodes import postcode_or_none
from kith.places.selectors import postcode_locate

#: An entry not checked for this long is flagged to its editors...
STALE_AFTER = timedelta(days=365)
#: ...and hidden this long after that if nobody has checked it.
HIDE_AFTER_FLAG = timedelta(days=30)


# --- who may do what -------------------------------------------------------


def _require_edit(actor: Any, organisation: Organisation) -> None:
    if not can_edit_organisation(actor, organisation):
        raise PermissionDenied


def _require_check(actor: Any, locality: Any) -> None:
    if not can_check(actor, locality):
        raise PermissionDenied


def _clean(obj: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """full_clean, turning the first problem into an ApplicationError on its
    field so a form can show it."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        errors = getattr(exc, "message_dict", {"__all__": exc.messages})
        field, messages = next(iter(errors.items()))
        raise ApplicationError(
            messages[0], field=None if field == "__all__" else field
        ) from exc


# --- the taxonomy ----------------------------------------------------------


@transaction.atomic
def taxonomy_default_create(*, locality: Locality, actor: Any = None) -> Taxonomy:
    """Give the locality the default "Everyday needs" list, once: running it
    again adds only the terms missing from it, and never renames the
    council's own."""
    taxonomy, _created = Taxonomy.objects.get_or_create(
        locality=locality,
        name=DEFAULT_TAXONOMY_NAME,
        defaults={
            "description": _("The everyday needs people ask about."),
            "version": "1",
        },
    )
    have = set(taxonomy.terms.values_list("code", flat=True))
    TaxonomyTerm.objects.bulk_create(
        TaxonomyTerm(
            taxonomy=taxonomy,
            code=code,
            name=_(name),
            description=_(description),
            order=(index + 1) * 10,
        )
        for index, (code, name, description) in enumerate(DEFAULT_TERMS)
        if code not in have
    )
    audit_record(
        actor=actor,
        action="directory_taxonomy_default_create",
        target=taxonomy,
        locality=locality,
    )
    return taxonomy


@transaction.atomic
def taxonomy_term_create(
    *,
    actor: Any,
    locality: Locality,
    name: str,
    description: str = "",
    parent: TaxonomyTerm | None = None,
) -> TaxonomyTerm:
    """Add a category to the locality's list (made if it has none yet)."""
    _require_check(actor, locality)
    taxonomy = Taxonomy.objects.filter(locality=locality).order_by("pk").first()
    if taxonomy is None:
        taxonomy = taxonomy_default_create(locality=locality, actor=actor)
    if parent is not None and parent.taxonomy_id != taxonomy.pk:
        raise PermissionDenied
    name = name.strip()
    if taxonomy.terms.filter(name__iexact=name).exists():
        raise ApplicationError(
            _("There is already a category called that."), field="name"
        )
    base = slugify(name)[:50] or "term"
    code = base
    n = 1
    while taxonomy.terms.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    last = taxonomy.terms.aggregate(m=models.Max("order"))["m"] or 0
    term = TaxonomyTerm(
        taxonomy=taxonomy,
        name=name,
        description=description.strip(),
        code=code,
        parent=parent,
        order=last + 10,
    )
    _clean(term)
    term.save()
    audit_record(
        actor=actor, action="directory_term_create", target=term, locality=locality
    )
    return term


@transaction.atomic
def taxonomy_term_update(
    *, actor: Any, term: TaxonomyTerm, name: str, description: str = ""
) -> TaxonomyTerm:
    """Rename a category or change its description. Its code and id stay, so
    links and other systems still find it."""
    locality = term.taxonomy.locality
    _require_check(actor, locality)
    term = TaxonomyTerm.objects.select_for_update().get(pk=term.pk)
    name = name.strip()
    if (
        TaxonomyTerm.objects.filter(taxonomy_id=term.taxonomy_id, name__iexact=name)
        .exclude(pk=term.pk)
        .exists()
    ):
        raise ApplicationError(
            _("There is already a category called that."), field="name"
        )
    before = {"name": term.name, "description": term.description}
    term.name = name
    term.description = description.strip()
    _clean(term)
    term.save()
    audit_record(
        actor=actor,
        action="directory_term_update",
        target=term,
        locality=locality,
        data={"before": before},
    )
    return term


@transaction.atomic
def taxonomy_term_retire(
    *, actor: Any, term: TaxonomyTerm, retired: bool = True
) -> TaxonomyTerm:
    """Stop offering a category (or bring it back). Services keep it, so
    nothing is lost, but search and forms no longer show it."""
    locality = term.taxonomy.locality
    _require_check(actor, locality)
    TaxonomyTerm.objects.filter(pk=term.pk).update(retired=retired)
    term.retired = retired
    audit_record(
        actor=actor,
        action="directory_term_retire" if retired else "directory_term_restore",
        target=term,
        locality=locality,
    )
    return term


# --- organisations ---------------------------------------------------------


ORGANISATION_FIELDS = ("name", "description", "sector", "email", "website", "phone")


@transaction.atomic
def organisation_create(
    *, actor: Any, locality: Locality, editors: Iterable[Any] = (), **fields: Any
) -> Organisation:
    """Add an organisation. A coordinator or council officer may add any; an
    organisation editor may add their own, and becomes its editor."""
    is_checker = can_check(actor, locality)
    if not is_checker and not has_perm(actor, Perm.DIRECTORY_EDIT, locality):
        raise PermissionDenied
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation(locality=locality, **fields)
    _clean(organisation)
    if Organisation.objects.filter(
        locality=locality, name__iexact=organisation.name
    ).exists():
        raise ApplicationError(
            _("There is already an organisation called that."), field="name"
        )
    organisation.save()
    people = list(editors)
    if not is_checker:
        people = [actor]
    for person in people:
        if not has_role(person, Role.ORGANISATION_EDITOR, locality):
            raise ApplicationError(
                _("%(name)s is not an organisation editor here.")
                % {"name": person.display_name}
            )
    organisation.editors.set(people)
    audit_record(
        actor=actor,
        action="directory_organisation_create",
        target=organisation,
        data={"editors": [p.pk for p in people]},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, **fields: Any
) -> Organisation:
    """Change an organisation's details. Only its editors, or a checker."""
    _require_edit(actor, organisation)
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {k: getattr(organisation, k) for k in fields}
    for key, value in fields.items():
        setattr(organisation, key, value)
    _clean(organisation)
    if (
        Organisation.objects.filter(
            locality_id=organisation.locality_id, name__iexact=organisation.name
        )
        .exclude(pk=organisation.pk)
        .exists()
    ):
        raise ApplicationError(
            _("There is already an organisation called that."), field="name"
        )
    organisation.save()
    audit_record(
        actor=actor,
        action="directory_organisation_update",
        target=organisation,
        data={"before": before},
    )
    return organisation


@transaction.atomic
def organisation_editor_add(
    *, actor: Any, organisation: Organisation, person: Any
) -> Organisation:
    """A checker makes someone holding the organisation editor role an
    editor of this organisation."""
    _require_check(actor, organisation.locality_id)
    if not has_role(person, Role.ORGANISATION_EDITOR, organisation.locality_id):
        raise ApplicationError(
            _("%(name)s is not an organisation editor here.")
            % {"name": person.display_name}
        )
    organisation.editors.add(person)
    audit_record(
        actor=actor,
        action="directory_organisation_editor_add",
        target=organisation,
        data={"person": person.pk},
    )
    return organisation


# --- places ----------------------------------------------------------------

LOCATION_FIELDS = (
    "name",
    "description",
    "address_1",
    "city",
    "postcode",
    *Location.FEATURES,
    "accessibility_details",
)


def _place_location(location: Location) -> None:
    """Normalise the postcode and find its centre and ward."""
    normal = postcode_or_none(location.postcode)
    if normal is None:
        raise ApplicationError(
            _("Enter a real postcode, like SE17 2AA."), field="postcode"
        )
    location.postcode = normal
    found = postcode_locate(postcode=normal)
    if found is None:
        location.latitude = location.longitude = None
        location.ward = None
        return
    location.latitude, location.longitude = found.latitude, found.longitude
    location.ward = Ward.objects.filter(
        locality_id=location.locality_id, ons_code=found.ward_code
    ).first()


@transaction.atomic
def location_save(
    *,
    actor: Any,
    organisation: Organisation,
    location: Location | None = None,
    **fields: Any,
) -> Location:
    """Add or change one of the organisation's places. A place is shared by
    the organisation's services, and its address changes at once (it is a
    fact about a building, not a claim about a service)."""
    _require_edit(actor, organisation)
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown location fields: {sorted(unknown)}")
    if location is None:
        location = Location(locality=organisation.locality, organisation=organisation)
        action = "directory_location_create"
    else:
        if location.organisation_id != organisation.pk:
            raise PermissionDenied
        location = Location.objects.select_for_update().get(pk=location.pk)
        action = "directory_location_update"
    for key, value in fields.items():
        setattr(location, key, value)
    _place_location(location)
    _clean(location)
    location.save()
    audit_record(
        actor=actor,
        action=action,
        target=location,
        data={k: str(v) for k, v in fields.items()},
    )
    return location


# --- services: the working copy -------------------------------------------

SERVICE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "minimum_age",
    "maximum_age",
    "eligibility_description",
    "radius_km",
    "how_to_access",
    "takes_referrals",
    "referral_email",
)

#: A service's own records, in the order they are copied and merged (places
#: before the schedules that name them, contacts before their phones).
_CHILDREN: tuple[type[models.Model], ...] = (
    ServiceLanguage,
    CostOption,
    ServiceAtLocation,
    Schedule,
    Closure,
    Contact,
    Phone,
)
#: Foreign keys from one child to another, remapped when copying.
_CHILD_LINKS = {
    Schedule: ("service_at_location", ServiceAtLocation),
    Phone: ("contact", Contact),
}
_NOT_COPIED = {"id", "uuid", "copy_of", "service"}


def _children(model: type[models.Model], service: Service) -> list[Any]:
    manager = model._default_manager
    if model is Phone:
        qs = manager.filter(
            models.Q(service=service) | models.Q(contact__service=service)
        )
    else:
        qs = manager.filter(service=service)
    return list(qs.order_by("pk"))


def _copy_fields(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.name not in _NOT_COPIED and f.name != _CHILD_LINKS.get(model, ("",))[0]
    ]


def _copy_service(original: Service) -> Service:
    """A draft copy of a published service, with copies of its records, each
    pointing (``copy_of``) at the record it copies."""
    copy = Service.objects.get(pk=original.pk)
    copy.pk = None
    copy.id = None
    copy.uuid = uuid.uuid4()
    copy.draft_of = original
    copy.review_state = ReviewState.DRAFT
    copy.returned_reason = ""
    copy.submitted_at = None
    copy.save()
    copy.terms.set(original.terms.all())
    copy.wards.set(original.wards.all())
    mapped: dict[type, dict[int, Any]] = {}
    for model in _CHILDREN:
        mapped[model] = {}
        for child in _children(model, original):
            old_pk = child.pk
            child.pk = None
            child.id = None
            child.uuid = uuid.uuid4()
            child.copy_of_id = old_pk
            if getattr(child, "service_id", None) == original.pk:
                child.service = copy
            link = _CHILD_LINKS.get(model)
            if link and getattr(child, f"{link[0]}_id"):
                setattr(
                    child, link[0], mapped[link[1]][getattr(child, f"{link[0]}_id")]
                )
            child.save()
            mapped[model][old_pk] = child
    return copy


def _merge_copy(copy: Service, original: Service) -> None:
    """Write a draft copy over the published service it copies, keeping the
    ids of every record that was there before; then remove the copy."""
    for name in SERVICE_FIELDS:
        setattr(original, name, getattr(copy, name))
    original.organisation_id = copy.organisation_id
    original.save()
    original.terms.set(copy.terms.all())
    original.wards.set(copy.wards.all())
    mapped: dict[type, dict[int, Any]] = {}
    for model in _CHILDREN:
        mapped[model] = {}
        originals = {c.pk: c for c in _children(model, original)}
        copies = _children(model, copy)
        kept = {c.copy_of_id for c in copies if c.copy_of_id in originals}
        for pk, gone in originals.items():
            if pk not in kept:
                gone.delete()
        link = _CHILD_LINKS.get(model)
        for child in copies:
            target = (
                originals.get(child.copy_of_id) if child.copy_of_id in kept else None
            )
            if target is None:
                # New in the copy: it moves over, id and all.
                target = child
                target.copy_of = None
                if getattr(child, "service_id", None) == copy.pk:
                    target.service = original
            else:
                for attname in _copy_fields(model):
                    setattr(target, attname, getattr(child, attname))
            if link and getattr(child, f"{link[0]}_id"):
                setattr(
                    target, link[0], mapped[link[1]][getattr(child, f"{link[0]}_id")]
                )
            target.save()
            mapped[model][child.pk] = target
    copy.delete()


def service_for_editor_lock(service: Service) -> Service:
    return Service.objects.select_for_update().get(pk=service.pk)


@transaction.atomic
def service_working_copy(*, actor: Any, service: Service) -> Service:
    """The service an editor changes: the service itself while it is a
    draft or waiting for a check, else its draft copy (made the first time,
    the same one after). Hidden entries are changed in place: the public
    does not see them anyway."""
    _require_edit(actor, service.organisation)
    service = service_for_editor_lock(service)
    if service.draft_of_id is not None or service.review_state in (
        ReviewState.DRAFT,
        ReviewState.WAITING,
        ReviewState.HIDDEN,
    ):
        return service
    existing = Service.objects.filter(draft_of=service).first()
    if existing is not None:
        return existing
    copy = _copy_service(service)
    audit_record(
        actor=actor,
        action="directory_service_copy",
        target=copy,
        data={"published": service.pk},
    )
    return copy


def _require_changeable(actor: Any, service: Service) -> None:
    _require_edit(actor, service.organisation)
    if service.review_state == ReviewState.PUBLISHED:
        # A programming error: views change the working copy.
        raise ApplicationError(_("Change the draft copy of a published service."))


def _languages_set(service: Service, codes: Iterable[str]) -> None:
    wanted = {c for c in codes if c in LANGUAGES}
    service.languages.exclude(code__in=wanted).delete()
    have = set(service.languages.values_list("code", flat=True))
    ServiceLanguage.objects.bulk_create(
        ServiceLanguage(service=service, code=c, name=LANGUAGES[c])
        for c in sorted(wanted - have)
    )


def _terms_and_wards(
    service: Service,
    terms: Iterable[TaxonomyTerm] | None,
    wards: Iterable[Ward] | None,
) -> None:
    if terms is not None:
        terms = list(terms)
        if any(t.taxonomy.locality_id != service.locality_id for t in terms):
            raise PermissionDenied
        service.terms.set(terms)
    if wards is not None:
        wards = list(wards)
        if any(w.locality_id != service.locality_id for w in wards):
            raise PermissionDenied
        service.wards.set(wards)


@transaction.atomic
def service_create(
    *,
    actor: Any,
    organisation: Organisation,
    terms: Iterable[TaxonomyTerm] = (),
    wards: Iterable[Ward] = (),
    languages: Iterable[str] = (),
    **fields: Any,
) -> Service:
    """Add a service to an organisation, as a draft its editor sends for a
    check when ready."""
    _require_edit(actor, organisation)
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    service = Service(
        locality=organisation.locality,
        organisation=organisation,
        review_state=ReviewState.DRAFT,
        **fields,
    )
    _clean(service)
    service.save()
    _terms_and_wards(service, terms, wards)
    _languages_set(service, languages)
    audit_record(actor=actor, action="directory_service_create", target=service)
    return service


@transaction.atomic
def service_update(
    *,
    actor: Any,
    service: Service,
    terms: Iterable[TaxonomyTerm] | None = None,
    wards: Iterable[Ward] | None = None,
    languages: Iterable[str] | None = None,
    **fields: Any,
) -> Service:
    """Change a draft, waiting or hidden service, or the draft copy of a
    published one (see service_working_copy). A published service itself
    is never changed here."""
    _require_changeable(actor, service)
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    service = service_for_editor_lock(service)
    before = {k: str(getattr(service, k)) for k in fields}
    for key, value in fields.items():
        setattr(service, key, value)
    _clean(service)
    service.save()
    _terms_and_wards(service, terms, wards)
    if languages is not None:
        _languages_set(service, languages)
    audit_record(
        actor=actor,
        action="directory_service_update",
        target=service,
        data={"before": before},
    )
    return service


# --- a service's own records -----------------------------------------------


def _child_save(
    actor: Any,
    service: Service,
    model: type[models.Model],
    obj: Any,
    fields: dict[str, Any],
    allowed: Sequence[str],
) -> Any:
    _require_changeable(actor, service)
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown {model.__name__} fields: {sorted(unknown)}")
    if obj is None:
        obj = model(service=service)
        action = f"directory_{model.__name__.lower()}_create"
    else:
        if obj.service_id != service.pk:
            raise PermissionDenied
        action = f"directory_{model.__name__.lower()}_update"
    for key, value in fields.items():
        setattr(obj, key, value)
    _clean(obj)
    obj.save()
    Service.objects.filter(pk=service.pk).update(last_modified=timezone.now())
    audit_record(
        actor=actor,
        action=action,
        target=obj,
        locality=service.locality_id,
        data={"service": service.pk},
    )
    return obj


@transaction.atomic
def cost_option_save(
    *,
    actor: Any,
    service: Service,
    cost_option: CostOption | None = None,
    kind: str,
    amount: Decimal | None = None,
    option: str = "",
    amount_description: str = "",
) -> CostOption:
    """Add or change what the service costs."""
    return _child_save(
        actor,
        service,
        CostOption,
        cost_option,
        {
            "kind": kind,
            "amount": None if kind == CostOption.Kind.FREE else amount,
            "option": option,
            "amount_description": amount_description,
        },
        ("kind", "amount", "option", "amount_description"),
    )


@transaction.atomic
def schedule_save(
    *,
    actor: Any,
    service: Service,
    schedule: Schedule | None = None,
    byday: Sequence[str],
    opens_at: time,
    closes_at: time,
    freq: str = Schedule.Freq.WEEKLY,
    location: Location | None = None,
    notes: str = "",
) -> Schedule:
    """Add or change when the service runs; its words ("Tuesdays 10am to 12
    noon") are written from the times."""
    days = [d for d in Schedule.DAYS if d in set(byday)]
    at_location = None
    if location is not None:
        at_location = ServiceAtLocation.objects.filter(
            service=service, location=location
        ).first()
        if at_location is None:
            raise ApplicationError(
                _("Add the place to the service first."), field="location"
            )
    fields = {
        "byday": ",".join(days),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "freq": freq,
        "notes": notes,
        "service_at_location": at_location,
        "description": schedule_words(days, opens_at, closes_at, freq)
        if days and opens_at and closes_at
        else "",
    }
    return _child_save(actor, service, Schedule, schedule, fields, tuple(fields))


@transaction.atomic
def closure_save(
    *,
    actor: Any,
    service: Service,
    closure: Closure | None = None,
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> Closure:
    """Add or change a holiday when the service does not run."""
    fields = {"starts_on": starts_on, "ends_on": ends_on, "reason": reason}
    return _child_save(actor, service, Closure, closure, fields, tuple(fields))


@transaction.atomic
def contact_save(
    *,
    actor: Any,
    service: Service,
    contact: Contact | None = None,
    name: str,
    title: str = "",
    email: str = "",
    phone: str = "",
) -> Contact:
    """Add or change a person to contact about the service, with one phone
    number."""
    saved = _child_save(
        actor,
        service,
        Contact,
        contact,
        {"name": name, "title": title, "email": email},
        ("name", "title", "email"),
    )
    phones = list(saved.phones.all())
    if phone:
        if phones:
            phones[0].number = phone
            _clean(phones[0])
            phones[0].save()
        else:
            new = Phone(contact=saved, number=phone)
            _clean(new)
            new.save()
    else:
        for old in phones:
            old.delete()
    return saved


@transaction.atomic
def phone_save(
    *,
    actor: Any,
    service: Service,
    phone: Phone | None = None,
    number: str,
    description: str = "",
) -> Phone:
    """Add or change a phone number for the service."""
    fields = {"number": number, "description": description}
    return _child_save(actor, service, Phone, phone, fields, tuple(fields))


@transaction.atomic
def service_location_add(
    *, actor: Any, service: Service, location: Location
) -> ServiceAtLocation:
    """Say the service happens at one of its organisation's places."""
    _require_changeable(actor, service)
    if location.organisation_id != service.organisation_id:
        raise PermissionDenied
    found, created = ServiceAtLocation.objects.get_or_create(
        service=service, location=location
    )
    if created:
        audit_record(
            actor=actor,
            action="directory_service_location_add",
            target=found,
            locality=service.locality_id,
            data={"service": service.pk, "location": location.pk},
        )
    return found


@transaction.atomic
def service_record_delete(*, actor: Any, service: Service, record: Any) -> None:
    """Remove one of the service's records (a cost, a time, a holiday, a
    contact, a phone number or a place it happens at)."""
    _require_changeable(actor, service)
    if type(record) not in _CHILDREN or record.service_id != service.pk:
        raise PermissionDenied
    label = str(record)
    kind = type(record).__name__.lower()
    record.delete()
    Service.objects.filter(pk=service.pk).update(last_modified=timezone.now())
    audit_record(
        actor=actor,
        action=f"directory_{kind}_delete",
        target=service,
        data={"removed": label},
    )


# --- checking --------------------------------------------------------------


@transaction.atomic
def service_submit(*, actor: Any, service: Service) -> Service:
    """Send a service (or its draft copy) for a check. Sending a published
    service with no changes asks for it to be checked as it is."""
    _require_edit(actor, service.organisation)
    service = service_for_editor_lock(service)
    if service.review_state == ReviewState.PUBLISHED:
        service = service_working_copy(actor=actor, service=service)
        service = service_for_editor_lock(service)
    if service.review_state == ReviewState.WAITING:
        return service  # a double click: it is waiting already
    if (
        not service.schedules.exists()
        and not service.phones.exists()
        and not (service.email or service.url or service.contacts.exists())
    ):
        raise ApplicationError(
            _("Add a way to reach the service, or when it runs, before sending it.")
        )
    service.review_state = ReviewState.WAITING
    service.submitted_at = timezone.now()
    service.returned_reason = ""
    service.save(
        update_fields=[
            "review_state",
            "submitted_at",
            "returned_reason",
            "last_modified",
        ]
    )
    audit_record(actor=actor, action="directory_service_submit", target=service)
    return service


@transaction.atomic
def service_publish(*, actor: Any, service: Service) -> Service:
    """A coordinator or council officer checked the entry: it is public now,
    marked as checked by them today. Publishing a draft copy writes it over
    the published service (whose ids stay) and returns that."""
    _require_check(actor, service.locality_id)
    service = service_for_editor_lock(service)
    if service.review_state != ReviewState.WAITING:
        raise ApplicationError(_("This entry is not waiting for a check."))
    now = timezone.now()
    if service.draft_of is not None:
        original = service_for_editor_lock(service.draft_of)
        _merge_copy(service, original)
        target = original
    else:
        target = service
    target.review_state = ReviewState.PUBLISHED
    target.last_checked_at = now
    target.checked_by = actor
    target.stale_flagged_at = None
    target.submitted_at = None
    target.returned_reason = ""
    target.save()
    audit_record(actor=actor, action="directory_service_publish", target=target)
    return target


@transaction.atomic
def service_send_back(*, actor: Any, service: Service, reason: str) -> Service:
    """A checker returns the entry to its editors with the reason; they are
    told through the outbox."""
    _require_check(actor, service.locality_id)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say what needs to change."), field="reason")
    service = service_for_editor_lock(service)
    if service.review_state != ReviewState.WAITING:
        raise ApplicationError(_("This entry is not waiting for a check."))
    service.review_state = ReviewState.DRAFT
    service.returned_reason = reason[:2000]
    service.save(update_fields=["review_state", "returned_reason", "last_modified"])
    for editor in service.organisation.editors.all():
        message_queue_for_person(
            person=editor,
            template="directory_entry_sent_back",
            personalisation={
                "entry": service.name,
                "reason": service.returned_reason,
                **_locality_words(service.locality),
            },
            locality=service.locality,
        )
    audit_record(
        actor=actor,
        action="directory_service_send_back",
        target=service,
        data={"reason": service.returned_reason},
    )
    return service


def _locality_words(locality: Locality) -> dict[str, str]:
    return {"locality_name": locality.name, "locality_phone": locality.phone}


def services_check_stale(*, now: datetime | None = None) -> str:
    """The daily job: entries not checked for 12 months are flagged to their
    editors; a month after that, if still unchecked, they are hidden (until
    an editor sends them and a checker publishes them again). Safe to run
    again: each message has a key, each entry moves once."""
    now = now or timezone.now()
    flagged = hidden = 0
    stale = Service.objects.filter(
        review_state=ReviewState.PUBLISHED,
        draft_of__isnull=True,
        last_checked_at__lt=now - STALE_AFTER,
    ).select_related("locality", "organisation")
    for service in stale.filter(stale_flagged_at__isnull=True):
        with transaction.atomic():
            updated = Service.objects.filter(
                pk=service.pk, stale_flagged_at__isnull=True
            ).update(stale_flagged_at=now)
            if not updated:
                continue
            assert service.last_checked_at is not None  # noqa: S101 - filtered
            for editor in service.organisation.editors.all():
                message_queue_for_person(
                    person=editor,
                    template="directory_entry_stale",
                    personalisation={
                        "entry": service.name,
                        "checked_on": day_text(service.last_checked_at, weekday=False),
                        "hide_on": day_text(now + HIDE_AFTER_FLAG, weekday=False),
                        **_locality_words(service.locality),
                    },
                    locality=service.locality,
                    key=f"directory-stale-{service.pk}-{editor.pk}-{service.last_checked_at:%Y%m%d}",
                )
            audit_record(
                actor=None, action="directory_service_flag_stale", target=service
            )
            flagged += 1
    for service in stale.filter(stale_flagged_at__lt=now - HIDE_AFTER_FLAG):
        with transaction.atomic():
            updated = Service.objects.filter(
                pk=service.pk, review_state=ReviewState.PUBLISHED
            ).update(review_state=ReviewState.HIDDEN)
            if not updated:
                continue
            for editor in service.organisation.editors.all():
                message_queue_for_person(
                    person=editor,
                    template="directory_entry_hidden",
                    personalisation={
                        "entry": service.name,
                        **_locality_words(service.locality),
                    },
                    locality=service.locality,
                    key=f"directory-hidden-{service.pk}-{editor.pk}-{service.stale_flagged_at:%Y%m%d}",
                )
            audit_record(
                actor=None, action="directory_service_hide_stale", target=service
            )
            hidden += 1
    return f"{flagged} flagged, {hidden} hidden"


# --- signposting -----------------------------------------------------------


def _may_signpost(actor: Any, member: Membership) -> bool:
    if not has_perm(actor, Perm.SIGNPOST_RECORD, member.locality_id):
        return False
    if has_role(actor, Role.COORDINATOR, member.locality_id):
        return True
    # A helper signposts the members they visit.
    return Visit.objects.filter(helper__user=actor, request__membership=member).exists()


@transaction.atomic
def signposting_record(
    *,
    actor: Any,
    member: Membership,
    service: Service,
    note: str = "",
    refer: bool = False,
) -> Signposting:
    """Record that ``actor`` pointed ``member`` to ``service``. With
    ``refer``, also send the service a referral (by email, or by letter to
    its first place) through the outbox, where the service takes them."""
    if not _may_signpost(actor, member):
        raise PermissionDenied
    if service.locality_id != member.locality_id or not service.is_public:
        raise PermissionDenied
    signposting = Signposting(
        locality_id=member.locality_id,
        member=member,
        service=service,
        by=actor,
        note=(note or "").strip()[:2000],
        referred=refer,
    )
    if refer:
        signposting.message = _referral_queue(actor, member, service, signposting.note)
    _clean(signposting, exclude=["message"])
    signposting.save()
    audit_record(
        actor=actor,
        action="directory_signposted" if not refer else "directory_referred",
        target=member,
        data={
            "signposting": signposting.pk,
            "service": service.pk,
            "service_name": service.name,
        },
    )
    return signposting


def _referral_queue(actor: Any, member: Membership, service: Service, note: str) -> Any:
    if not service.takes_referrals:
        raise ApplicationError(
            _("This service does not take referrals."), field="refer"
        )
    person = member.person
    how = [value for value in (person.phone, person.mobile, person.email) if value]
    personalisation = {
        "service": service.name,
        "referrer": actor.display_name,
        "member_name": person.full_name,
        "member_contact": ", ".join(how) or _("through us"),
        "note": note or _("They would like to hear from you."),
        **_locality_words(service.locality),
    }
    to = service.referral_email or service.email
    if to:
        return message_queue(
            to=to,
            channel="email",
            template="directory_referral",
            personalisation=personalisation,
            locality=service.locality,
        )
    place = service.service_at_locations.select_related("location").first()
    if place is None:
        raise ApplicationError(
            _("This service has no email address or postal address for referrals."),
            field="refer",
        )
    loc = place.location
    return message_queue(
        to="\n".join([service.name, loc.address_1, loc.city, loc.postcode]),
        channel="letter",
        template="directory_referral",
        personalisation=personalisation,
        locality=service.locality,
    )
