"""Reads about sharing helpers with neighbouring localities (ADR 0042).

Sharing between two localities is on only while each has a current
agreement naming the other; then each one's active volunteer helpers may be
offered the other's requests, within the smaller of the two agreed distances
of the member's home. A helper held by a safeguarding concern, paused, or
paid (their pay comes from their own circle's ledger) is never shared.

What a neighbour learns of a shared helper goes through ``SharedHelper``:
their name, home locality, vetting level and when it runs out, the skills
they listed and how far away they live. Nothing else of their home
locality's records, and nothing of its members.
"""

import math
from dataclasses import dataclass
from datetime import date

from django.db.models import FloatField, OuterRef, QuerySet, Subquery
from django.utils import timezone

from kith.accounts.permissions import Perm, require_perm
from kith.helpers.models import (
    HelperProfile,
    HelperStatus,
    PayBasis,
    SharingAgreement,
)
from kith.helpers.vetting import VettingLevel
from kith.places.models import Locality, Postcode

#: Earth's mean radius, as the matching rules measure distance.
EARTH_RADIUS_KM = 6371.0088


def great_circle_m(a: tuple[float, float], b: tuple[float, float]) -> int:
    """The haversine distance between two (latitude, longitude) points in
    whole metres (halves up), as the matching rules measure it."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    s_lat = math.sin((lat2 - lat1) * 0.5)
    s_lon = math.sin((lon2 - lon1) * 0.5)
    x = s_lat * s_lat + math.cos(lat1) * math.cos(lat2) * s_lon * s_lon
    km = 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, x))))
    return math.floor(km * 1000.0 + 0.5)


def sharing_partners(*, locality: Locality | int) -> dict[int, int]:
    """The localities sharing helpers with ``locality`` now (both sides have
    a current agreement), each with the distance both allow: partner id →
    metres. Two small queries by index; {} when none."""
    ours = dict(
        SharingAgreement.objects.filter(
            locality=locality, withdrawn_at__isnull=True
        ).values_list("partner_id", "max_distance_m")
    )
    if not ours:
        return {}
    theirs = SharingAgreement.objects.filter(
        locality_id__in=list(ours), partner=locality, withdrawn_at__isnull=True
    ).values_list("locality_id", "max_distance_m")
    return {pk: min(metres, ours[pk]) for pk, metres in theirs}


def sharing_on(*, locality: Locality | int, other: Locality | int) -> int | None:
    """The distance two localities share helpers within, or None when they
    do not (one side has not agreed, or has withdrawn)."""
    other_id = other.pk if isinstance(other, Locality) else other
    return sharing_partners(locality=locality).get(other_id)


def _shareable(partners: dict[int, int]) -> QuerySet[HelperProfile]:
    """Helpers of ``partners`` who may be shared at all: active, volunteers,
    not held by a safeguarding concern."""
    return HelperProfile.objects.filter(
        locality_id__in=list(partners),
        status=HelperStatus.ACTIVE,
        pay_basis=PayBasis.VOLUNTEER,
        safeguarding_hold=False,
    )


@dataclass(frozen=True)
class SharedPlace:
    """A neighbour's helper who lives within the agreed distance."""

    profile_id: int
    home_locality_id: int
    distance_m: int
    agreed_m: int
    postcode: str
    travel_distance_m: int
    lat: float
    lon: float


def shared_helpers_near(
    *,
    locality: Locality,
    position: tuple[float, float],
    only: list[int] | None = None,
) -> dict[int, SharedPlace]:
    """Helpers of the localities sharing with ``locality`` whose home is
    within the agreed distance of ``position`` (a member's home), by
    profile id. Only shareable helpers (``_shareable``). Bounded: the
    partners' helpers are read by their locality and status, and only those
    whose home postcode lies in a box around the position (of the widest
    agreed distance) come back; the exact distance is then measured."""
    partners = sharing_partners(locality=locality)
    if not partners:
        return {}
    widest_km = max(partners.values()) / 1000
    # A little more than the distance in degrees: the box only cuts the rows
    # read, the exact measure below decides.
    lat_d = widest_km / 110.0 + 0.001
    lon_d = widest_km / (110.0 * max(0.01, math.cos(math.radians(position[0])))) + 0.001
    home = Postcode.objects.filter(postcode=OuterRef("user__postcode"))
    found = (
        _shareable(partners)
        .annotate(
            home_lat=Subquery(home.values("latitude")[:1], output_field=FloatField()),
            home_lon=Subquery(home.values("longitude")[:1], output_field=FloatField()),
        )
        .filter(
            home_lat__gte=position[0] - lat_d,
            home_lat__lte=position[0] + lat_d,
            home_lon__gte=position[1] - lon_d,
            home_lon__lte=position[1] + lon_d,
        )
    )
    if only is not None:
        found = found.filter(pk__in=only)
    out = {}
    for pk, home_locality_id, postcode, travel, lat, lon in found.values_list(
        "pk",
        "locality_id",
        "user__postcode",
        "travel_distance_m",
        "home_lat",
        "home_lon",
    ):
        agreed = partners[home_locality_id]
        metres = great_circle_m(position, (lat, lon))
        if metres <= agreed:
            out[pk] = SharedPlace(
                profile_id=pk,
                home_locality_id=home_locality_id,
                distance_m=metres,
                agreed_m=agreed,
                postcode=postcode,
                travel_distance_m=travel,
                lat=lat,
                lon=lon,
            )
    return out


@dataclass(frozen=True)
class SharedHelper:
    """What a neighbouring locality's coordinators see of a shared helper."""

    profile_id: int
    name: str
    home_locality: str
    vetting_level: VettingLevel
    vetting_until: date | None
    skills: tuple[str, ...]


def shared_helpers_for(
    *, actor: object, locality: Locality, ids: list[int], day: date | None = None
) -> dict[int, SharedHelper]:
    """The shared helpers among ``ids`` as ``locality``'s coordinators may
    see them (name, home locality, vetting on ``day`` and until when,
    skills), by profile id; helpers not shared with ``locality`` now are
    left out. Coordinators of ``locality`` only (PermissionDenied). Two
    queries."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    partners = sharing_partners(locality=locality)
    if not partners or not ids:
        return {}
    day = day or timezone.localdate()
    profiles = (
        _shareable(partners)
        .filter(pk__in=ids)
        .select_related("user", "locality")
        .prefetch_related("skills__skill")
    )
    out = {}
    for profile in profiles:
        level = profile.level_on(day)
        out[profile.pk] = SharedHelper(
            profile_id=profile.pk,
            name=profile.user.full_name,
            home_locality=profile.locality.name,
            vetting_level=level,
            vetting_until=profile.level_until(day),
            skills=tuple(s.skill.name for s in profile.skills.all()),
        )
    return out


@dataclass(frozen=True)
class SharingRow:
    """One neighbouring locality on the sharing page."""

    partner: Locality
    #: This locality's current agreement with them, if any.
    ours: SharingAgreement | None
    #: Whether they have agreed to share with this locality, and how far.
    theirs_m: int | None

    @property
    def on(self) -> bool:
        return self.ours is not None and self.theirs_m is not None

    @property
    def distance_m(self) -> int | None:
        if self.ours is None or self.theirs_m is None:
            return None
        return min(self.ours.max_distance_m, self.theirs_m)

    @property
    def distance_km(self) -> str:
        """The distance both allow, in km as people say it ("2", "1.5")."""
        metres = self.distance_m
        return "" if metres is None else f"{metres / 1000:g}"


def sharing_rows_for(*, actor: object, locality: Locality) -> list[SharingRow]:
    """Every locality that this one has agreed to share with, or that has
    agreed to share with this one, by name. Only whether and how far: no
    names of the other side's staff or helpers. For those who may agree
    (HELPERS_SHARE); raises PermissionDenied."""
    require_perm(actor, Perm.HELPERS_SHARE, locality)
    ours = {
        a.partner_id: a
        for a in SharingAgreement.objects.filter(
            locality=locality, withdrawn_at__isnull=True
        ).select_related("agreed_by")
    }
    theirs = dict(
        SharingAgreement.objects.filter(
            partner=locality, withdrawn_at__isnull=True
        ).values_list("locality_id", "max_distance_m")
    )
    partners = Locality.objects.filter(pk__in=set(ours) | set(theirs)).order_by(
        "name", "pk"
    )
    return [
        SharingRow(partner=p, ours=ours.get(p.pk), theirs_m=theirs.get(p.pk))
        for p in partners
    ]


def sharing_history_for(
    *, actor: object, locality: Locality, limit: int = 20
) -> list[SharingAgreement]:
    """This locality's own agreements, the latest first, withdrawn ones too,
    with who agreed and withdrew (this locality's staff)."""
    require_perm(actor, Perm.HELPERS_SHARE, locality)
    return list(
        SharingAgreement.objects.filter(locality=locality)
        .select_related("partner", "agreed_by", "withdrawn_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def sharing_partner_choices(*, locality: Locality) -> QuerySet[Locality]:
    """The localities this one may agree to share with: every other one."""
    return Locality.objects.exclude(pk=locality.pk).order_by("name", "pk")


def sharing_partner_get(*, locality: Locality, pk: object) -> Locality | None:
    """Another locality by id (not this one), or None."""
    try:
        number = int(str(pk))
    except ValueError:
        return None
    if not 0 < number < 2**31 or number == locality.pk:
        return None
    return Locality.objects.filter(pk=number).first()
