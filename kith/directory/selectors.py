"""Reads of the directory.

The public reads (``published_*``, ``services_search``, ``taxonomies``,
``taxonomy_terms``) return only published entries of one locality and need
no sign-in; the ``openreferral`` app serves them as JSON. Everything an
editor or a coordinator reads is scoped to them further down.
"""

import math
import uuid as uuid_module
from datetime import time as time_of_day
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
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

from kith.directory.models import (
    Contact,
    CostOption,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
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
