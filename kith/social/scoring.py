"""Who might get on: the pure rules behind suggested introductions.

No database and no Django: plain data in, suggestions out, so the rules are
tested on their own (tests/test_scoring.py) and timed in bench/introductions.py.

Two members may be suggested to each other only when both consented to be
introduced, they are different people, they live within ``Policy.max_km`` of
each other, they share at least one interest, and, when both said when they
are usually free, they share at least one of those times. The score adds:

- each shared interest's rarity weight, ``log(1 + n / members_with_it)``, so a
  rare shared interest counts for more than a common one;
- closeness, from ``distance_weight`` next door to 0 at ``max_km``;
- ``time_weight`` for each shared free time, up to three;

and is multiplied by ``needs_factor`` when their needs make meeting harder
(both have hearing loss: somewhere quiet, not a busy café; both find getting
about hard, or both have sight loss: a helper could go with them). Every
suggestion carries the reasons, for a coordinator to read out on the phone.

``pair_score`` is the rule for one pair; ``suggest`` finds each member's best
few for a whole locality: members are put in a grid of ``max_km`` squares and
each square is compared, as dense numpy blocks, only with its neighbours.
The pairs it keeps are scored again by ``pair_score``, so what it returns is
exactly what the rule says, whichever way round a pair is given.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse

EARTH_RADIUS_KM = 6371.0088
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("morning", "afternoon", "evening")
#: Every free time a member can give, as ``day_part``; its index is its bit.
FREE_TIMES = tuple(f"{day}_{part}" for day in DAYS for part in PARTS)
_TIME_BIT = {name: 1 << index for index, name in enumerate(FREE_TIMES)}
_NEED_BIT = {"hearing": 1, "sight": 2, "mobility": 4, "memory": 8}
HEARING, SIGHT, MOBILITY = 1, 2, 4


@dataclass(frozen=True)
class Member:
    """What the rules know about one member."""

    id: int
    latitude: float | None
    longitude: float | None
    interests: frozenset[int] = frozenset()
    free_times: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    consents: bool = False


@dataclass(frozen=True)
class Policy:
    max_km: float = 2.0
    per_member: int = 3
    distance_weight: float = 1.0
    time_weight: float = 0.5
    needs_factor: float = 0.8


class Reason(NamedTuple):
    """Why a pair was suggested. ``kind`` is one of ``interest`` (value: the
    interest's id and how many members share it), ``distance`` (km),
    ``free`` (the shared free times), ``quiet`` or ``helper`` (a need to
    plan the first meeting around)."""

    kind: str
    value: Any = None


class Suggestion(NamedTuple):
    first: int
    second: int
    score: float
    reasons: tuple[Reason, ...] = ()


def interest_counts(members: Iterable[Member]) -> dict[int, int]:
    """How many members who consented hold each interest."""
    return dict(Counter(i for m in members if m.consents for i in m.interests))


def rarity_weights(members: Iterable[Member]) -> dict[int, float]:
    """Each interest's weight among the members who consented: rarer is heavier."""
    everyone = list(members)
    n = sum(1 for m in everyone if m.consents)
    return {i: math.log1p(n / c) for i, c in interest_counts(everyone).items()}


def distance_km(a: Member, b: Member) -> float:
    """Great-circle distance (haversine), the same whichever way round."""
    assert a.latitude is not None and a.longitude is not None  # noqa: S101
    assert b.latitude is not None and b.longitude is not None  # noqa: S101
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude) - math.radians(a.longitude)
    h = (
        math.sin(dlat / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _needs_reasons(a: Member, b: Member) -> tuple[Reason, ...]:
    both = a.needs & b.needs
    reasons = []
    if "hearing" in both:
        reasons.append(Reason("quiet"))
    if "mobility" in both or "sight" in both:
        reasons.append(Reason("helper"))
    return tuple(reasons)


def pair_score(
    a: Member,
    b: Member,
    *,
    weights: Mapping[int, float],
    counts: Mapping[int, int] | None = None,
    policy: Policy = Policy(),
) -> Suggestion | None:
    """The suggestion for ``a`` and ``b`` (smaller id first), or None when
    they may not be suggested to each other."""
    if a.id == b.id or not (a.consents and b.consents):
        return None
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    shared = a.interests & b.interests
    if not shared:
        return None
    km = distance_km(a, b)
    if km > policy.max_km:
        return None
    free = a.free_times & b.free_times
    if a.free_times and b.free_times and not free:
        return None
    by_rarity = sorted(shared, key=lambda i: (-weights.get(i, 0.0), i))
    score = sum(weights.get(i, 0.0) for i in sorted(shared))
    score += policy.distance_weight * (1 - km / policy.max_km)
    score += policy.time_weight * min(3, len(free))
    needs = _needs_reasons(a, b)
    if needs:
        score *= policy.needs_factor
    counts = counts or {}
    reasons = [Reason("interest", (i, counts.get(i, 0))) for i in by_rarity[:3]]
    reasons.append(Reason("distance", round(km, 2)))
    if free:
        reasons.append(Reason("free", tuple(t for t in FREE_TIMES if t in free)))
    reasons.extend(needs)
    first, second = sorted((a.id, b.id))
    return Suggestion(first, second, score, tuple(reasons))


def _bits(names: Iterable[str], table: Mapping[str, int]) -> int:
    value = 0
    for name in names:
        value |= table.get(name, 0)
    return value


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    return np.column_stack(
        [np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)]
    )


def suggest(
    members: Iterable[Member],
    *,
    policy: Policy = Policy(),
    exclude: Iterable[tuple[int, int]] = (),
    busy: Iterable[int] = (),
) -> list[Suggestion]:
    """Each consenting member's ``policy.per_member`` best matches, best
    first. Pairs in ``exclude`` (either way round) are never suggested again,
    and members in ``busy`` (who have enough suggestions already) are left
    out, so a second run with the first run's pairs and busy members adds
    nothing new."""
    everyone = list(members)
    weights = rarity_weights(everyone)
    resting = set(busy)
    taking_part = [
        m
        for m in everyone
        if m.consents
        and m.latitude is not None
        and m.longitude is not None
        and m.id not in resting
    ]
    if len(taking_part) < 2:
        return []
    counts = interest_counts(everyone)
    excluded = {(min(x, y), max(x, y)) for x, y in exclude}
    excluded_per: Counter[int] = Counter()
    for x, y in excluded:
        excluded_per[x] += 1
        excluded_per[y] += 1

    n = len(taking_part)
    ids = np.array([m.id for m in taking_part], dtype=np.int64)
    lat = np.array([m.latitude for m in taking_part], dtype=np.float64)
    lon = np.array([m.longitude for m in taking_part], dtype=np.float64)
    columns = {i: c for c, i in enumerate(sorted(weights))}
    width = max(1, len(columns))
    w = np.zeros(width)
    for i, c in columns.items():
        w[c] = weights[i]
    holders = [
        (row, columns[i]) for row, m in enumerate(taking_part) for i in m.interests
    ]
    held_rows = np.array([r for r, _c in holders], dtype=np.int64)
    held_cols = np.array([c for _r, c in holders], dtype=np.int64)
    interests = sparse.csr_matrix(
        (np.ones(len(holders)), (held_rows, held_cols)), shape=(n, width)
    )
    weighted = sparse.csr_matrix(
        (w[held_cols], (held_rows, held_cols)), shape=(n, width)
    )
    free = np.array(
        [_bits(m.free_times, _TIME_BIT) for m in taking_part], dtype=np.uint32
    )
    needs = np.array([_bits(m.needs, _NEED_BIT) for m in taking_part], dtype=np.uint32)
    points = _unit_vectors(lat, lon)
    # Closest a pair may be, as the cosine of the angle between them (a hair
    # generous: pair_score has the last word on every pair kept).
    min_cos = math.cos(policy.max_km * 1.0001 / EARTH_RADIUS_KM)

    # A grid of squares half of max_km across; each square meets the squares
    # within two of it, which holds every pair close enough.
    size = policy.max_km / 2
    km_lat = math.pi * EARTH_RADIUS_KM / 180
    km_lon = km_lat * max(0.1, math.cos(math.radians(float(np.mean(lat)))))
    gy = np.floor(lat * km_lat / size).astype(np.int64)
    gx = np.floor(lon * km_lon / size).astype(np.int64)
    cells: dict[tuple[int, int], list[int]] = {}
    for row, key in enumerate(zip(gy.tolist(), gx.tolist(), strict=True)):
        cells.setdefault(key, []).append(row)
    cell_rows = {key: np.array(rows, dtype=np.int64) for key, rows in cells.items()}

    chosen: set[tuple[int, int]] = set()
    reach = range(-2, 3)
    for (cy, cx), rows in cell_rows.items():
        others = np.concatenate(
            [
                cell_rows[(cy + dy, cx + dx)]
                for dy in reach
                for dx in reach
                if (cy + dy, cx + dx) in cell_rows
            ]
        )
        # Only pairs sharing an interest come out of the sparse product.
        shared = (weighted[rows] @ interests[others].T).tocsr()
        shared.sort_indices()
        local = np.repeat(np.arange(rows.size), np.diff(shared.indptr))
        a, b = rows[local], others[shared.indices]
        cosine = np.einsum("ij,ij->i", points[a], points[b])
        overlap = free[a] & free[b]
        keep = (
            (cosine >= min_cos)
            & (a != b)
            & ((overlap != 0) | (free[a] == 0) | (free[b] == 0))
        )
        local, a, b = local[keep], a[keep], b[keep]
        cosine, overlap = cosine[keep], overlap[keep]
        # The chord is the distance along the ground to within a millimetre
        # at these distances, and needs no arccos.
        km = EARTH_RADIUS_KM * np.sqrt(np.maximum(0, 2 - 2 * cosine))
        score = (
            shared.data[keep]
            + policy.distance_weight * (1 - km / policy.max_km)
            + policy.time_weight * np.minimum(3, np.bitwise_count(overlap))
        )
        harder = (needs[a] & needs[b] & (HEARING | SIGHT | MOBILITY)) != 0
        score[harder] *= policy.needs_factor
        # Best first within each member: one sort on the member's place
        # plus a fraction that falls as the score rises (entries come out of
        # the product already grouped by member).
        top = float(score.max(initial=0.0)) + 1
        order = np.argsort(local + (top - score) / (2 * top), kind="stable")
        local, b = local[order], b[order]
        starts = np.searchsorted(local, np.arange(rows.size))
        rank = np.arange(local.size) - starts[local]
        room = policy.per_member + np.array(
            [excluded_per[int(ids[r])] for r in rows], dtype=np.int64
        )
        wanted = rank < room[local]
        taken: Counter[int] = Counter()
        for me, other in zip(
            ids[rows][local[wanted]].tolist(), ids[b[wanted]].tolist(), strict=True
        ):
            if taken[me] == policy.per_member:
                continue
            pair = (me, other) if me < other else (other, me)
            if pair in excluded:
                continue
            chosen.add(pair)
            taken[me] += 1

    by_id = {m.id: m for m in taking_part}
    found = []
    for first, second in chosen:
        made = pair_score(
            by_id[first], by_id[second], weights=weights, counts=counts, policy=policy
        )
        if made is not None:
            found.append(made)
    found.sort(key=lambda s: (-s.score, s.first, s.second))
    return found
