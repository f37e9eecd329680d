"""Small hand-made problems for the matching tests.

Everything happens on Tuesday 1 December 2026 around a point in south London
unless a test says otherwise. ``north(km)`` is a point that many km due north
of it (a degree of latitude is 111.195 km on Kith's Earth).
"""

import math
from datetime import UTC, datetime

from kith.matching.engine import (
    EARTH_RADIUS_KM,
    Helper,
    Policy,
    Problem,
    Request,
    Vetting,
)

LAT, LON = 51.47, -0.09
KM_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_KM


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def north(km: float) -> float:
    return LAT + km / KM_PER_DEGREE


def request(
    id: str = "r1",
    *,
    member: str = "m1",
    km: float = 0.0,
    skill: str = "gardening",
    priority: int = 1,
    earliest: datetime | None = None,
    latest: datetime | None = None,
    minutes: int = 60,
    vetting: Vetting = Vetting.BASIC,
) -> Request:
    return Request(
        id=id,
        member=member,
        lat=north(km),
        lon=LON,
        skill=skill,
        priority=priority,
        earliest=earliest or at(9),
        latest=latest or at(17),
        minutes=minutes,
        vetting=vetting,
    )


def helper(
    id: str = "h1",
    *,
    km: float = 1.0,
    skills: tuple[str, ...] = ("gardening",),
    max_km: float = 3.0,
    capacity: int = 1,
    vetting: Vetting = Vetting.ENHANCED_BARRED,
    load: int = 0,
    available: tuple[tuple[datetime, datetime], ...] | None = None,
    declined: tuple[str, ...] = (),
    helped_members: tuple[str, ...] = (),
) -> Helper:
    return Helper(
        id=id,
        lat=north(km),
        lon=LON,
        skills=frozenset(skills),
        max_km=max_km,
        capacity=capacity,
        vetting=vetting,
        load=load,
        available=available if available is not None else ((at(8), at(18)),),
        declined=frozenset(declined),
        helped_members=frozenset(helped_members),
    )


def problem(requests: list[Request], helpers: list[Helper], **policy: int) -> Problem:
    return Problem(requests=requests, helpers=helpers, policy=Policy(**policy))
