"""Reads for the Open Referral API: pages of the locality's published
directory, narrowed by the API's filters.

Everything starts from the directory's own public selectors
(kith/directory/selectors.py), so only published entries of the one
locality are ever seen. Each page costs a fixed number of queries whatever
its size: one to count, one for the rows (with what a list shows joined in),
and for a full record the directory's fixed set of prefetches.
"""

import math
import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    Min,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.directory import selectors as directory
from kith.directory.models import (
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from kith.openreferral.params import BadQuery, Paging, ServiceFilters
from kith.places.models import Locality
from kith.places.selectors import postcode_locate, wards_for

#: Kilometres in a degree of latitude (and of longitude at the equator).
KM_PER_DEGREE = 111.195


@dataclass
class Page:
    total: int
    rows: list[Any]


@dataclass(frozen=True)
class _Point:
    latitude: float
    longitude: float
    ward_code: str = ""

    def km_squared(self, prefix: str = "") -> ExpressionWrapper:
        """The squared distance in km from this point to the location at
        ``prefix`` (equirectangular: good to metres across a locality, and
        only arithmetic, so every database computes it the same)."""
        dy = (F(f"{prefix}latitude") - Value(self.latitude)) * Value(KM_PER_DEGREE)
        dx = (F(f"{prefix}longitude") - Value(self.longitude)) * Value(
            KM_PER_DEGREE * math.cos(math.radians(self.latitude))
        )
        return ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())

    def box(self, km: float, prefix: str = "") -> Q:
        """The locations within the square around the point ``km`` across
        each way: a cheap first cut before the distance."""
        dlat = km / KM_PER_DEGREE
        cos = max(math.cos(math.radians(self.latitude)), 0.01)
        dlon = km / (KM_PER_DEGREE * cos)
        return Q(
            **{
                f"{prefix}latitude__gte": self.latitude - dlat,
                f"{prefix}latitude__lte": self.latitude + dlat,
                f"{prefix}longitude__gte": self.longitude - dlon,
                f"{prefix}longitude__lte": self.longitude + dlon,
            }
        )


def _point(postcode: str) -> _Point:
    found = postcode_locate(postcode=postcode)
    if found is None:
        raise BadQuery(
            _("postcode %(postcode)s is not one we know.") % {"postcode": postcode},
            parameter="postcode",
        )
    return _Point(found.latitude, found.longitude, found.ward_code)


def _page(qs: QuerySet[Any], paging: Paging) -> Page:
    total = qs.count()
    rows = list(qs[paging.offset : paging.offset + paging.per_page])
    return Page(total=total, rows=rows)


def _rows_by_id(qs: QuerySet[Any], ids: list[int]) -> list[Any]:
    """The rows of ``qs`` with these ids, in the order of ``ids``."""
    found = qs.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _search(words: str) -> Q:
    found = Q()
    for word in words.split()[:10]:
        found &= (
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return found


def _ids(qs: QuerySet[Any], field: str = "service_id") -> QuerySet[Any]:
    return qs.order_by().values(field)


def _narrowed(
    qs: QuerySet[Service],
    filters: ServiceFilters,
    *,
    locality: Locality,
    point: "_Point | None",
) -> QuerySet[Service]:
    """``qs`` (services) narrowed to those matching every filter.

    Each filter on a related table is a plain ``IN`` of the ids it matches,
    not a subquery per service: the database works the set out once, which
    keeps a search of 20,000 services quick (bench/directory.py).
    """
    terms = Service.terms.through.objects
    if filters.search:
        qs = qs.filter(_search(filters.search))
    if filters.taxonomy_term_id:
        qs = qs.filter(
            pk__in=_ids(terms.filter(taxonomyterm__uuid=filters.taxonomy_term_id))
        )
    if filters.taxonomy_id:
        qs = qs.filter(
            pk__in=_ids(terms.filter(taxonomyterm__taxonomy__uuid=filters.taxonomy_id))
        )
    if filters.minimum_age is not None:
        qs = qs.filter(minimum_age__gte=filters.minimum_age)
    if filters.maximum_age is not None:
        qs = qs.filter(maximum_age__lte=filters.maximum_age)
    if filters.by_schedule:
        qs = qs.filter(pk__in=_ids(_schedules(filters, today=timezone.localdate())))
    if filters.modified_after:
        qs = qs.filter(last_modified__gte=filters.modified_after)
    if point is not None:
        qs = qs.filter(_reaches(filters, locality=locality, point=point))
    return qs


def _schedules(filters: ServiceFilters, *, today: date) -> QuerySet[Schedule]:
    """The schedules still in force that match the day and times (one
    schedule must match them all)."""
    found = Schedule.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    if filters.day:
        found = found.filter(byday__contains=filters.day)
    if filters.start_time:
        found = found.filter(opens_at__gte=filters.start_time)
    if filters.end_time:
        found = found.filter(closes_at__lte=filters.end_time)
    return found


def _near(point: _Point, km: float) -> QuerySet[ServiceAtLocation]:
    """The places within ``km`` of the point. The locations are cut to the
    square around it first (one pass over the locations, which are far
    fewer than the services), then the places looked up by location."""
    locations = (
        Location.objects.filter(point.box(km))
        .alias(d2=point.km_squared())
        .filter(d2__lte=km * km)
    )
    return ServiceAtLocation.objects.filter(location__in=_ids(locations, "pk"))


def _reaches(filters: ServiceFilters, *, locality: Locality, point: _Point) -> Q:
    """Services that reach the postcode.

    With a proximity: those with a location that near. Without: those whose
    service areas cover it (its ward is one they serve, or one of their
    locations is within their radius of it), and those with no service area.
    """
    if filters.proximity_metres is not None:
        return Q(pk__in=_ids(_near(point, filters.proximity_metres / 1000)))
    ward = wards_for(locality=locality).filter(ons_code=point.ward_code).first()
    wards = Service.wards.through.objects
    no_area = Q(radius_km__isnull=True) & ~Q(pk__in=_ids(wards.all()))
    within_radius = Q(
        pk__in=_ids(
            ServiceAtLocation.objects.filter(service__radius_km__isnull=False)
            .alias(
                d2=point.km_squared("location__"),
                r2=ExpressionWrapper(
                    F("service__radius_km") * F("service__radius_km"),
                    output_field=FloatField(),
                ),
            )
            .filter(d2__lte=F("r2"))
        )
    )
    found = no_area | within_radius
    if ward is not None:
        found |= Q(pk__in=_ids(wards.filter(ward=ward)))
    return found


def services_page(
    *, locality: Locality, filters: ServiceFilters, paging: Paging
) -> Page:
    """A page of the locality's published services, one-to-one fields and
    organisation only. By name, or nearest first given a postcode and a
    proximity. (A postcode alone checks coverage, as the standard has it:
    ranking every service in the locality by distance would read them all.)

    The page's ids are found first and its rows fetched by id: skipping
    thousands of rows for a late page then reads ids only, not whole rows.
    """
    published = directory.published_services(locality=locality).prefetch_related(None)
    point = _point(filters.postcode) if filters.postcode else None
    matching = _narrowed(published, filters, locality=locality, point=point)
    if filters == ServiceFilters():
        # The whole list: counted from the index, the page's ids read from
        # it in order, neither touching more rows than the page's.
        total = matching.count()
        ordered = matching.order_by("name", "pk").values_list("pk", flat=True)
        ids = list(ordered[paging.offset : paging.offset + paging.per_page])
    elif point is None or filters.proximity_metres is None:
        # Filtered: every row must be read to count the matches, so they
        # are listed in the same pass rather than counted and then sought
        # again for the page.
        ranked = list(matching.order_by("name", "pk").values_list("pk", flat=True))
        total = len(ranked)
        ids = ranked[paging.offset : paging.offset + paging.per_page]
    else:
        # Nearest first needs every match's distance, so every match (those
        # within the proximity: a few) is ranked, in one query that also
        # gives the count.
        nearest = (
            matching.values("pk")
            .annotate(d2=Min(point.km_squared("service_at_locations__location__")))
            .order_by("d2", "name", "pk")
        )
        ranked = [row["pk"] for row in nearest]
        total = len(ranked)
        ids = ranked[paging.offset : paging.offset + paging.per_page]
    rows = _rows_by_id(published.select_related("organisation"), ids)
    return Page(total=total, rows=rows)


def service_full(*, locality: Locality, uuid: uuid.UUID) -> Service:
    """One published service with everything its record nests; Http404."""
    return directory.published_service_get(locality=locality, uuid=uuid)


def service_at_locations_page(
    *, locality: Locality, filters: ServiceFilters, paging: Paging
) -> Page:
    """A page of the places where published services happen, narrowed by
    their services; nearest first given a postcode and a proximity."""
    qs = (
        directory.published_service_at_locations(locality=locality)
        .prefetch_related(None)
        .select_related("service__organisation", "location")
    )
    point = _point(filters.postcode) if filters.postcode else None
    by_service = filters
    if filters.proximity_metres is not None:
        # The place itself must be near: that says all the postcode does.
        by_service = replace(filters, postcode="", proximity_metres=None)
    if by_service != ServiceFilters():
        services = _narrowed(
            directory.published_services(locality=locality).prefetch_related(None),
            by_service,
            locality=locality,
            point=point if by_service.postcode else None,
        )
        qs = qs.filter(service__in=_ids(services, "pk"))
    if point is not None and filters.proximity_metres is not None:
        # Nearest first: every place within the proximity is ranked in one
        # query of ids (which also gives the count), then the page's rows
        # are read by id, rather than counting the joined rows and then
        # sorting them whole again for the page.
        near = _near(point, filters.proximity_metres / 1000)
        ranked = list(
            qs.filter(pk__in=_ids(near, "pk"))
            .select_related(None)
            .alias(d2=point.km_squared("location__"))
            .order_by("d2", "pk")
            .values_list("pk", flat=True)
        )
        ids = ranked[paging.offset : paging.offset + paging.per_page]
        return Page(total=len(ranked), rows=_rows_by_id(qs, ids))
    return _page(qs, paging)


def service_at_location_full(
    *, locality: Locality, uuid: uuid.UUID
) -> tuple[ServiceAtLocation, Service]:
    """One place of a published service, and the service in full; Http404."""
    sal = (
        directory.published_service_at_locations(locality=locality)
        .prefetch_related(None)
        .select_related("location")
        .filter(uuid=uuid)
        .first()
    )
    if sal is None:
        raise Http404
    service = directory.published_services(locality=locality).get(pk=sal.service_id)
    return sal, service


def taxonomies_page(*, locality: Locality, paging: Paging) -> Page:
    return _page(directory.taxonomies(locality=locality), paging)


def taxonomy_full(
    *, locality: Locality, uuid: uuid.UUID
) -> tuple[Taxonomy, list[TaxonomyTerm]]:
    """A taxonomy and its terms in use (not retired); Http404."""
    taxonomy = directory.taxonomies(locality=locality).filter(uuid=uuid).first()
    if taxonomy is None:
        raise Http404
    terms = list(directory.taxonomy_terms(locality=locality).filter(taxonomy=taxonomy))
    return taxonomy, terms


def taxonomy_terms_page(*, locality: Locality, paging: Paging) -> Page:
    return _page(directory.taxonomy_terms(locality=locality), paging)


def taxonomy_term_get(*, locality: Locality, uuid: uuid.UUID) -> TaxonomyTerm:
    """One of the locality's terms; Http404. A retired term is not listed
    but is still found: published services may carry it."""
    terms = directory.taxonomy_terms(locality=locality, include_retired=True)
    term = terms.filter(uuid=uuid).first()
    if term is None:
        raise Http404
    return term
