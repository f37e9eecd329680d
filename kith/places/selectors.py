"""Reads of places. None of these return personal data."""

from collections.abc import Collection

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from kith.places.models import Locality, Postcode, Ward


def locality_for_request(
    *, host: str, held: Collection[int], chosen_id: int | None
) -> Locality | None:
    """The locality a request is about.

    ``held`` is the ids of the localities the person holds a role in. In
    order: the one the person chose (if they hold a role there), the one
    whose own web address this is, the first one the person holds a role in,
    then the deployment's first locality. An archived locality is found only
    by its own web address or when chosen (its page then says it has
    closed); it is never anyone's default (docs/adr/0041).

    Every page asks this, so it is one query: each locality ranked by that
    order, the first taken. The logo's bytes are left behind: the page names
    the logo by its address.
    """
    hostname = host.split(":")[0].lower()
    ranks = []
    if chosen_id and chosen_id in held:
        ranks.append(When(pk=chosen_id, then=Value(0)))
    if hostname:
        ranks.append(When(domain__iexact=hostname, then=Value(1)))
    if held:
        ranks.append(
            When(
                Q(pk__in=list(held)) & ~Q(status=Locality.Status.ARCHIVED),
                then=Value(2),
            )
        )
    ranks.append(When(~Q(status=Locality.Status.ARCHIVED), then=Value(3)))
    found = (
        Locality.objects.defer("logo")
        .annotate(rank=Case(*ranks, default=Value(4), output_field=IntegerField()))
        .order_by("rank", "pk")
    )
    return found.first()


def locality_first() -> Locality | None:
    """The deployment's first locality (the one a page with no other way to
    tell speaks for), or None before any has been set up."""
    return Locality.objects.defer("logo").order_by("pk").first()


def wards_for(*, locality: Locality) -> QuerySet[Ward]:
    """The locality's wards, by name."""
    return Ward.objects.filter(locality=locality).order_by("name")


def wards_with_postcode_counts(*, locality: Locality) -> QuerySet[Ward]:
    """The locality's wards, each with how many postcodes lie in it."""
    counts = (
        Postcode.objects.filter(ward_code=OuterRef("ons_code"))
        .order_by()
        .values("ward_code")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Ward.objects.filter(locality=locality).annotate(
        postcode_count=Coalesce(Subquery(counts), 0)
    )


def ward_get(*, locality: Locality, pk: int) -> Ward:
    try:
        return Ward.objects.get(locality=locality, pk=pk)
    except Ward.DoesNotExist as exc:
        raise Http404 from exc


def postcodes_in_ward(*, ward: Ward) -> QuerySet[Postcode]:
    return Postcode.objects.filter(ward_code=ward.ons_code).order_by("postcode")


def postcode_locate(*, postcode: str) -> Postcode | None:
    """The directory entry for an already normalised postcode, if known."""
    return Postcode.objects.filter(pk=postcode).first()


def postcode_ward(*, postcode: str, locality: Locality) -> Ward | None:
    """The locality's ward a postcode lies in, or None when it lies outside."""
    found = postcode_locate(postcode=postcode)
    if found is None:
        return None
    return Ward.objects.filter(locality=locality, ons_code=found.ward_code).first()


def locality_logo(*, slug: str, version: str) -> bytes | None:
    """The locality's logo (the PNG made when it was uploaded) if ``version``
    is its current one; None otherwise."""
    found = (
        Locality.objects.filter(slug=slug, logo_version=version)
        .values_list("logo", flat=True)
        .first()
    )
    return bytes(found) if found else None


def locality_has_colour(*, slug: str, colour: str) -> bool:
    """Whether ``colour`` (``#rrggbb``) is the locality's checked header
    colour."""
    return Locality.objects.filter(slug=slug, brand_colour=colour).exists()
