"""A service and its own records (costs, times, holidays, contacts, phones,
places), changed through a draft copy once published (ADR 0025)."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
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
    TaxonomyTerm,
)
from kith.directory.services.common import _clean, _require_edit
from kith.directory.words import LANGUAGES, schedule_words
from kith.places.models import Ward

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
