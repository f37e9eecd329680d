"""Reads of the directory.

The public reads (``published_*``, ``services_search``, ``taxonomies``,
``taxonomy_terms``) return only published entries of one locality and need
no sign-in; the ``openreferral`` app serves them as JSON. Everything an
editor or a coordinator reads is scoped to them further down.
"""

import math
import uuid as uuid_module
from datetime import datetime
from datetime import time as time_of_day
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Sqrt
from django.http import Http404
from django.utils.translation import gettext as _

from kith.accounts.models import Role, RoleAssignment
from kith.accounts.permissions import Perm, has_perm
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
from kith.help.models import Visit
from kith.members.models import Membership
from kith.places.models import Locality
from kith.places.postcodes import postcode_or_none
from kith.places.selectors import postcode_locate

EARTH_RADIUS_KM = 6371.0

#: Two-letter day codes (RFC 5545, as Open Referral uses them), Monday first.
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _published(locality: Locality) -> QuerySet[Service]:
    return Service.objects.filter(
        locality=locality, review_state=Service.ReviewState.PUBLISHED
    )


def service_prefetches(qs: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a service's page (and its Open Referral record) shows, in a
    fixed number of queries whatever the number of services."""
    return qs.select_related("organisation", "checked_by").prefetch_related(
        "cost_options",
        "schedules",
        "closures",
        "languages",
        "phones",
        Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location", "location__ward"
            ).prefetch_related("schedules"),
        ),
        Prefetch(
            "terms",
            queryset=TaxonomyTerm.objects.select_related("taxonomy", "parent"),
        ),
        "wards",
    )


def published_services(*, locality: Locality) -> QuerySet[Service]:
    """The locality's published services, by name, with everything their
    pages show prefetched."""
    return service_prefetches(_published(locality)).order_by("name", "pk")


def published_service_get(*, locality: Locality, uuid: Any) -> Service:
    """One published service of the locality by its id; Http404 for anything
    else (a draft, a hidden entry, another locality's, a malformed id)."""
    try:
        key = (
            uuid if isinstance(uuid, uuid_module.UUID) else uuid_module.UUID(str(uuid))
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc
    found = published_services(locality=locality).filter(uuid=key).first()
    if found is None:
        raise Http404
    return found


def taxonomies(*, locality: Locality) -> QuerySet[Taxonomy]:
    return Taxonomy.objects.filter(locality=locality).order_by("name", "pk")


def taxonomy_terms(
    *, locality: Locality, include_retired: bool = False
) -> QuerySet[TaxonomyTerm]:
    """The locality's categories, in their order. Retired ones only when
    asked (the council's page lists them to bring back)."""
    qs = TaxonomyTerm.objects.filter(taxonomy__locality=locality).select_related(
        "taxonomy", "parent"
    )
    if not include_retired:
        qs = qs.filter(retired=False)
    return qs.order_by("taxonomy__name", "order", "name", "pk")


def published_service_at_locations(
    *, locality: Locality
) -> QuerySet[ServiceAtLocation]:
    """Every place a published service of the locality happens."""
    return (
        ServiceAtLocation.objects.filter(
            service__locality=locality,
            service__review_state=Service.ReviewState.PUBLISHED,
        )
        .select_related("service", "service__organisation", "location")
        .prefetch_related("schedules")
        .order_by("pk")
    )


def _term_filter(locality: Locality, term: Any) -> Q:
    """A term given as a TaxonomyTerm, its uuid or its code; its child terms
    count too."""
    if isinstance(term, TaxonomyTerm):
        found: TaxonomyTerm | None = term
    else:
        terms = TaxonomyTerm.objects.filter(taxonomy__locality=locality)
        try:
            found = terms.filter(uuid=uuid_module.UUID(str(term))).first()
        except ValueError:
            found = terms.filter(code=str(term)).first()
    if found is None or found.taxonomy.locality_id != locality.pk:
        return Q(pk__in=[])
    return Q(terms=found) | Q(terms__parent=found)


def postcode_point(postcode: str) -> tuple[float, float]:
    """The centre of a postcode as (latitude, longitude).

    Raises ValidationError when it is not a postcode or not one we know.
    """
    normal = postcode_or_none(postcode)
    if normal is None:
        raise ValidationError(_("Enter a real postcode, like SE17 2AA."))
    found = postcode_locate(postcode=normal)
    if found is None:
        raise ValidationError(
            _("We do not know the postcode %(postcode)s. Check it and try again.")
            % {"postcode": normal}
        )
    return found.latitude, found.longitude


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def services_search(
    *,
    locality: Locality,
    words: str | None = None,
    term: Any = None,
    postcode: str | None = None,
    day: str | None = None,
    time: time_of_day | None = None,
    free_only: bool = False,
    step_free_only: bool = False,
) -> QuerySet[Service]:
    """Published services matching every filter given.

    ``words``: each word in the name, description or organisation's name.
    ``term``: a category (TaxonomyTerm, uuid or code) or its children.
    ``day`` (``MO``..``SU``) and ``time``: open then by a schedule.
    ``postcode``: nearest first; each service gets ``distance_km`` (the
    nearest of its places, by the equirectangular approximation, good to
    metres over a locality), None for services with no place.
    Raises ValidationError for an unknown postcode or day.
    """
    qs = _published(locality)
    for word in (words or "").split()[:10]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    if term:
        qs = qs.filter(
            Exists(
                Service.objects.filter(pk=OuterRef("pk")).filter(
                    _term_filter(locality, term)
                )
            )
        )
    if day or time:
        if day and day not in DAYS:
            raise ValidationError(_("Choose a day of the week."))
        open_then = Schedule.objects.filter(service=OuterRef("pk"))
        if day:
            open_then = open_then.filter(byday__contains=day)
        if time:
            open_then = open_then.filter(opens_at__lte=time, closes_at__gt=time)
        qs = qs.filter(Exists(open_then))
    if free_only:
        qs = qs.filter(
            Exists(
                CostOption.objects.filter(
                    service=OuterRef("pk"), kind=CostOption.Kind.FREE
                )
            )
        )
    if step_free_only:
        qs = qs.filter(
            Exists(
                ServiceAtLocation.objects.filter(
                    service=OuterRef("pk"), location__step_free=True
                )
            )
        )
    qs = service_prefetches(qs)
    if postcode:
        lat0, lon0 = postcode_point(postcode)
        k = math.pi / 180
        cos0 = math.cos(lat0 * k)
        places = (
            ServiceAtLocation.objects.filter(
                service=OuterRef("pk"), location__latitude__isnull=False
            )
            .annotate(
                km=EARTH_RADIUS_KM
                * Sqrt(
                    ((F("location__latitude") - lat0) * k)
                    * ((F("location__latitude") - lat0) * k)
                    + ((F("location__longitude") - lon0) * (k * cos0))
                    * ((F("location__longitude") - lon0) * (k * cos0)),
                    output_field=FloatField(),
                )
            )
            .order_by("km")
            .values("km")[:1]
        )
        return qs.annotate(
            distance_km=Subquery(places, output_field=FloatField())
        ).order_by(F("distance_km").asc(nulls_last=True), "name", "pk")
    return qs.order_by("name", "pk")


# --- editors and checkers ---------------------------------------------------


def organisations_for(*, actor: Any, locality: Locality) -> QuerySet[Organisation]:
    """The organisations whose entries ``actor`` keeps: their own, or every
    one of the locality for a checker. None for anyone else."""
    qs = Organisation.objects.filter(locality=locality)
    if can_check(actor, locality):
        return qs.order_by("name", "pk")
    if not has_perm(actor, Perm.DIRECTORY_EDIT, locality):
        return qs.none()
    return qs.filter(editors=actor).order_by("name", "pk")


def organisation_get_for(*, actor: Any, locality: Locality, pk: int) -> Organisation:
    """One organisation ``actor`` keeps; Http404 for any other."""
    found = organisations_for(actor=actor, locality=locality).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def organisation_editors(*, organisation: Organisation) -> list[Any]:
    return list(organisation.editors.order_by("full_name", "pk"))


def organisation_editor_find(*, locality: Locality, email: str) -> Any:
    """The person with this email holding the organisation editor role in
    the locality, or None."""
    found = (
        RoleAssignment.objects.filter(
            locality=locality,
            role=Role.ORGANISATION_EDITOR,
            user__email__iexact=email.strip(),
        )
        .select_related("user")
        .first()
    )
    return found.user if found else None


def organisation_services(*, organisation: Organisation) -> QuerySet[Service]:
    """An organisation's services (not the draft copies), each with its copy
    (``draft``) if an editor is changing it."""
    return (
        Service.objects.filter(organisation=organisation, draft_of__isnull=True)
        .select_related("draft")
        .order_by("name", "pk")
    )


def organisation_locations(*, organisation: Organisation) -> QuerySet[Location]:
    return Location.objects.filter(organisation=organisation).order_by("name", "pk")


def location_get_for(*, actor: Any, locality: Locality, pk: int) -> Location:
    found = (
        Location.objects.filter(locality=locality, pk=pk)
        .select_related("organisation")
        .first()
    )
    if (
        found is None
        or found.organisation is None
        or not can_edit_organisation(actor, found.organisation)
    ):
        raise Http404
    return found


def service_get_for(*, actor: Any, locality: Locality, pk: int) -> Service:
    """A service (or draft copy) of an organisation ``actor`` keeps, with
    everything its page shows; Http404 for any other."""
    found = (
        service_prefetches(Service.objects.filter(locality=locality, pk=pk))
        .select_related("draft_of", "organisation__locality")
        .first()
    )
    if found is None or not can_edit_organisation(actor, found.organisation):
        raise Http404
    return found


def service_record_get(*, service: Service, kind: str, pk: int) -> Any:
    """One of a service's own records, named by kind; Http404 otherwise."""
    models = {
        "cost": CostOption,
        "schedule": Schedule,
        "closure": Closure,
        "contact": Contact,
        "phone": Phone,
        "place": ServiceAtLocation,
        "language": ServiceLanguage,
    }
    model = models.get(kind)
    if model is None:
        raise Http404
    found = model.objects.filter(service=service, pk=pk).first()  # type: ignore[attr-defined]
    if found is None:
        raise Http404
    return found


def services_waiting(*, actor: Any, locality: Locality) -> QuerySet[Service]:
    """Entries waiting for a check, oldest first, for checkers only."""
    if not can_check(actor, locality):
        raise PermissionDenied
    return (
        Service.objects.filter(locality=locality, review_state=ReviewState.WAITING)
        .select_related("organisation", "draft_of")
        .order_by("submitted_at", "pk")
    )


def service_get_for_checker(*, actor: Any, locality: Locality, pk: int) -> Service:
    if not can_check(actor, locality):
        raise PermissionDenied
    found = (
        service_prefetches(Service.objects.filter(locality=locality, pk=pk))
        .select_related("draft_of")
        .first()
    )
    if found is None:
        raise Http404
    return found


def service_changes(*, copy: Service) -> list[tuple[str, str, str]]:
    """What a draft copy changes in its published service, field by field:
    (label, published, changed). Records (times, costs...) are compared as
    their words."""
    original = copy.draft_of
    if original is None:
        return []
    original = service_prefetches(Service.objects.filter(pk=original.pk)).get()
    rows = []
    for name in (
        "name",
        "description",
        "status",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "radius_km",
        "url",
        "email",
        "takes_referrals",
        "referral_email",
    ):
        before, after = getattr(original, name), getattr(copy, name)
        if before != after:
            label = str(getattr(Service._meta.get_field(name), "verbose_name", name))
            rows.append(
                (label[:1].upper() + label[1:], str(before or ""), str(after or ""))
            )

    def words(service: Service) -> dict[str, str]:
        return {
            str(_("Categories")): ", ".join(
                sorted(t.name for t in service.terms.all())
            ),
            str(_("Times")): "; ".join(s.description for s in service.schedules.all()),
            str(_("Cost")): "; ".join(c.text for c in service.cost_options.all()),
            str(_("Places")): "; ".join(
                sal.location.name for sal in service.service_at_locations.all()
            ),
            str(_("Contacts")): "; ".join(c.name for c in service.contacts.all()),
            str(_("Phone numbers")): "; ".join(p.number for p in service.phones.all()),
            str(_("Languages")): ", ".join(
                lang.name for lang in service.languages.all()
            ),
            str(_("How to get it")): ", ".join(service.how_to_access_labels),
            str(_("Areas it serves")): ", ".join(
                sorted(w.name for w in service.wards.all())
            ),
            str(_("Holidays")): "; ".join(
                f"{day_text(c.starts_on, weekday=False)} – "
                f"{day_text(c.ends_on, weekday=False)}"
                for c in service.closures.all()
            ),
        }

    before_words, after_words = words(original), words(copy)
    for label, before in before_words.items():
        if before != after_words[label]:
            rows.append((label, before, after_words[label]))
    return rows


def published_services_by_term(
    *, locality: Locality, term: TaxonomyTerm | None = None
) -> list[tuple[TaxonomyTerm, list[Service]]]:
    """Every published service under each category it has (the printable
    list). A service in two categories is listed under both."""
    services = list(published_services(locality=locality))
    terms = list(taxonomy_terms(locality=locality))
    if term is not None:
        terms = [t for t in terms if t.pk == term.pk]
    by_term: dict[int, list[Service]] = {t.pk: [] for t in terms}
    for service in services:
        for t in service.terms.all():
            if t.pk in by_term:
                by_term[t.pk].append(service)
    return [(t, by_term[t.pk]) for t in terms if by_term[t.pk]]


def term_get(*, locality: Locality, code: str) -> TaxonomyTerm | None:
    return taxonomy_terms(locality=locality).filter(code=code).first()


def term_get_for_checker(*, actor: Any, locality: Locality, pk: int) -> TaxonomyTerm:
    if not can_check(actor, locality):
        raise PermissionDenied
    found = (
        taxonomy_terms(locality=locality, include_retired=True).filter(pk=pk).first()
    )
    if found is None:
        raise Http404
    return found


# --- signposting -----------------------------------------------------------


def signpost_choices(*, locality: Locality) -> QuerySet[Service]:
    """Published services to point a member to."""
    return _published(locality).select_related("organisation").order_by("name", "pk")


def signpostings_for_member(
    *, actor: Any, membership: Membership
) -> QuerySet[Signposting]:
    """The services a member was pointed to, newest first, for those who
    record signposting (coordinators; a helper only for members they visit)."""
    if not has_perm(actor, Perm.SIGNPOST_RECORD, membership.locality_id):
        raise PermissionDenied
    return (
        Signposting.objects.filter(
            locality_id=membership.locality_id, member=membership
        )
        .select_related("service", "service__organisation", "by", "message")
        .order_by("-at", "-pk")
    )


def signposting_counts(
    *,
    locality: Locality,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, list[tuple[str, int]]]:
    """How many times members were pointed to each service and to each
    category in the period (the council's figures): ``{"services": [(name,
    n)], "terms": [(name, n)], "total": [("", n)]}``, most first. No personal
    data."""
    qs = Signposting.objects.filter(locality=locality)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    by_service = (
        qs.values("service__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "service__name")
    )
    by_term = (
        qs.filter(service__terms__isnull=False)
        .values("service__terms__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "service__terms__name")
    )
    return {
        "services": [(row["service__name"], row["n"]) for row in by_service],
        "terms": [(row["service__terms__name"], row["n"]) for row in by_term],
        "total": [("", qs.count())],
    }


def members_for_signposting(*, actor: Any, locality: Locality) -> QuerySet[Membership]:
    """The members ``actor`` may record signposting for: a helper's are the
    members they visit; a coordinator's, every current member."""
    if not has_perm(actor, Perm.SIGNPOST_RECORD, locality):
        raise PermissionDenied
    qs = Membership.objects.filter(locality=locality).select_related("person")
    if not has_perm(actor, Perm.MEMBERS_MANAGE, locality):
        qs = qs.filter(
            Exists(
                Visit.objects.filter(
                    helper__user=actor, request__membership=OuterRef("pk")
                )
            )
        )
    return qs.exclude(status=Membership.Status.LEFT).order_by("person__full_name", "pk")


def member_for_signposting(*, actor: Any, locality: Locality, pk: int) -> Membership:
    found = (
        members_for_signposting(actor=actor, locality=locality).filter(pk=pk).first()
    )
    if found is None:
        raise Http404
    return found
