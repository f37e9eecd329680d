"""The matching engine: pairs help requests with helpers, exactly.

Pure Python with numpy, scipy and OR-Tools; no database and no Django, so the
rules are tested with plain data and the engine runs anywhere.

A pair (request, helper) is *allowed* when, checked in this order:

1. the request's skill is among the helper's skills;
2. the helper's vetting level is at least the request's
   (``none`` < ``basic`` < ``enhanced`` < ``enhanced_barred``);
3. the great-circle distance between them (haversine, Earth radius
   6,371.0088 km) is at most the helper's ``max_km``;
4. one of the helper's free intervals overlaps the request's window
   (``earliest`` to ``latest``) by at least the request's ``minutes``;
5. the helper has not declined the request.

A plan gives each request at most one helper and each helper at most
``capacity`` requests. The best plan, lexicographically:

1. maximises the sum of the priorities of the requests that get a helper;
2. then minimises the total cost. A pair costs its distance in whole metres
   (rounded to the nearest metre, halves up) less ``continuity_bonus_m`` when
   the helper has helped that member before; the k-th request (k = 1, 2, ...)
   given to a helper adds ``fairness_step_m * (load + k - 1)``.

That is a minimum-cost flow, solved exactly in two phases (most priority,
then least cost among the plans with that priority) by ``kith.matching.flow``;
see docs/adr/0010-matching-solver.md. Candidate pairs come from k-d trees on
points of the unit sphere, one per skill, day and vetting level, and
vectorised checks: never by testing every pair.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum, StrEnum
from itertools import chain
from operator import attrgetter
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from kith.matching.flow import FlowError, best_flow

EARTH_RADIUS_KM = 6371.0088
DEFAULT_CONTINUITY_BONUS_M = 2000
DEFAULT_FAIRNESS_STEP_M = 500

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DAY_US = 86_400_000_000
# Helpers whose max_km differ by less than this factor share one spatial query;
# a larger factor means fewer queries but more pairs fetched only to be dropped.
_KM_BIN_RATIO = 1.2
# Threads for the spatial join: one per core.
_THREADS = os.cpu_count() or 1

T = TypeVar("T")

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Interval = tuple[datetime, datetime]


class Vetting(IntEnum):
    """Vetting levels, lowest first; a helper qualifies for a request when
    their level is at least the request's."""

    NONE = 0
    BASIC = 1
    ENHANCED = 2
    ENHANCED_BARRED = 3

    @property
    def code(self) -> str:
        """The level as written in problems and in the helpers part."""
        return self.name.lower()

    @property
    def label(self) -> str:
        """The level in plain words."""
        return _VETTING_LABELS[self]

    @classmethod
    def from_code(cls, code: str) -> Vetting:
        """The level written ``code``; raises ValueError for anything else."""
        for level in cls:
            if level.code == code:
                return level
        raise ValueError(f"unknown vetting level {code!r}")


_VETTING_LABELS = {
    Vetting.NONE: "not vetted",
    Vetting.BASIC: "basic",
    Vetting.ENHANCED: "enhanced",
    Vetting.ENHANCED_BARRED: "enhanced with barred list",
}


def _micros(moment: datetime) -> int:
    """Microseconds since 1970 UTC; refuses a time without a UTC offset."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {moment.isoformat()} has no UTC offset")
    return (moment - _EPOCH) // _MICROSECOND


@dataclass(frozen=True, slots=True)
class Request:
    """A help request to be matched. ``vetting`` is the level needed."""

    id: str
    member: str
    lat: float
    lon: float
    skill: str
    priority: int
    earliest: datetime
    latest: datetime
    minutes: int
    vetting: Vetting
    # The window in microseconds since 1970, worked out once on creation.
    window_us: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "window_us", (_micros(self.earliest), _micros(self.latest))
        )


@dataclass(frozen=True, slots=True)
class Helper:
    """A helper who may be given requests. ``load`` is the number of visits
    already done in the last 28 days; ``capacity`` the most in this plan."""

    id: str
    lat: float
    lon: float
    skills: frozenset[str]
    max_km: float
    capacity: int
    vetting: Vetting
    load: int = 0
    available: tuple[Interval, ...] = ()
    declined: frozenset[str] = frozenset()
    helped_members: frozenset[str] = frozenset()
    available_us: tuple[tuple[int, int], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "available_us",
            # Sorted, so that the join can tell cheaply when an earlier
            # interval might also fit a request.
            tuple(
                sorted((_micros(start), _micros(end)) for start, end in self.available)
            ),
        )


@dataclass(frozen=True, slots=True)
class Policy:
    """How cost is counted, in metres. ``fairness_step_m`` must not be
    negative: the engine relies on each further visit costing no less."""

    continuity_bonus_m: int = DEFAULT_CONTINUITY_BONUS_M
    fairness_step_m: int = DEFAULT_FAIRNESS_STEP_M


@dataclass(frozen=True, slots=True)
class Problem:
    requests: Sequence[Request]
    helpers: Sequence[Helper]
    policy: Policy = field(default_factory=Policy)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One request given to one helper.

    ``cost`` is this assignment's share of the plan's cost: the pair's cost
    (``distance_m``, less the continuity bonus when ``continuity``) plus
    ``fairness_m``, the increment of the helper's ``slot``-th visit in this
    plan, where a helper's visits are counted in order of the requests'
    earliest times (then input order). The plan's cost is the sum.
    """

    request_id: str
    helper_id: str
    distance_m: int
    continuity: bool
    slot: int
    fairness_m: int
    cost: int


class UnmatchedReason(StrEnum):
    """Why a request got no helper: its window is shorter than the visit,
    or the first condition, in the order the rules are checked, that no
    helper meets."""

    SHORT_WINDOW = "short_window"
    NO_SKILL = "no_skill"
    VETTING = "vetting"
    DISTANCE = "distance"
    WINDOW = "window"
    DECLINED = "declined"
    NO_CAPACITY = "no_capacity"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class Unmatched:
    request_id: str
    reason: UnmatchedReason
    text: str


@dataclass(frozen=True, slots=True)
class Plan:
    """The best plan. ``matched``, ``priority`` and ``cost`` are the
    objective; ``seconds`` is the time ``solve`` took, candidates included."""

    assignments: tuple[Assignment, ...]
    unmatched: tuple[Unmatched, ...]
    matched: int
    priority: int
    cost: int
    candidate_pairs: int
    seconds: float

    def as_dict(self) -> dict[str, object]:
        """The plan as the JSON that ``kith match`` writes."""
        return {
            "assignments": [
                {
                    "request": a.request_id,
                    "helper": a.helper_id,
                    "distance_m": a.distance_m,
                    "cost": a.cost,
                }
                for a in self.assignments
            ],
            "unmatched": [
                {"request": u.request_id, "reason": u.text} for u in self.unmatched
            ],
            "objective": {
                "matched": self.matched,
                "priority": self.priority,
                "cost": self.cost,
            },
            "stats": {
                "candidate_pairs": self.candidate_pairs,
                "seconds": round(self.seconds, 3),
            },
        }


class SolverError(Exception):
    """The problem cannot be solved exactly (numbers too large for 64-bit
    costs) or the flow solver failed."""


# --- Arrays ---------------------------------------------------------------


@dataclass(slots=True)
class _Arrays:
    """Requests and helpers as columns, for vectorised checks."""

    n_requests: int
    n_helpers: int
    skill_codes: dict[str, int]
    # requests
    r_lat: FloatArray  # radians
    r_lon: FloatArray
    r_coslat: FloatArray
    r_skill: IntArray  # codes of the skills requested
    r_vetting: IntArray
    r_earliest: IntArray  # microseconds
    r_latest: IntArray
    r_need: IntArray  # microseconds of overlap needed
    r_member: IntArray
    r_priority: IntArray
    # helpers
    h_lat: FloatArray
    h_lon: FloatArray
    h_coslat: FloatArray
    h_max_km: FloatArray
    h_capacity: IntArray
    h_vetting: IntArray
    h_load: IntArray
    h_skill_ptr: IntArray  # CSR over requested skills only
    h_skill: IntArray
    h_ivl_ptr: IntArray  # CSR over free intervals
    h_ivl_start: IntArray
    h_ivl_end: IntArray
    declined_keys: IntArray  # sorted request * n_helpers + helper
    helped_keys: IntArray  # sorted member * n_helpers + helper


def _arrays(requests: Sequence[Request], helpers: Sequence[Helper]) -> _Arrays:
    n_r, n_h = len(requests), len(helpers)
    skill_codes: dict[str, int] = {}
    for r in requests:
        skill_codes.setdefault(r.skill, len(skill_codes))
    member_codes: dict[str, int] = {}
    for r in requests:
        member_codes.setdefault(r.member, len(member_codes))
    request_index = {r.id: i for i, r in enumerate(requests)}

    def floats(items: Sequence[object], name: str) -> FloatArray:
        return np.fromiter(map(attrgetter(name), items), np.float64, len(items))

    def ints(items: Sequence[object], name: str) -> IntArray:
        return np.fromiter(map(attrgetter(name), items), np.int64, len(items))

    r_lat = np.radians(floats(requests, "lat"))
    h_lat = np.radians(floats(helpers, "lat"))
    r_window = np.array([r.window_us for r in requests], dtype=np.int64).reshape(n_r, 2)

    skill_lists = [
        [skill_codes[s] for s in h.skills if s in skill_codes] for h in helpers
    ]
    h_skill_count = np.fromiter(map(len, skill_lists), dtype=np.int64, count=n_h)
    h_skill = np.fromiter(chain.from_iterable(skill_lists), dtype=np.int64)
    intervals = [h.available_us for h in helpers]
    h_ivl_count = np.fromiter(map(len, intervals), dtype=np.int64, count=n_h)
    ivl = np.fromiter(
        chain.from_iterable(chain.from_iterable(intervals)), dtype=np.int64
    ).reshape(-1, 2)
    declined: list[int] = []
    helped: list[int] = []
    for j, h in enumerate(helpers):
        if h.declined:
            declined.extend(
                request_index[r] * n_h + j for r in h.declined if r in request_index
            )
        if h.helped_members:
            helped.extend(
                member_codes[m] * n_h + j for m in h.helped_members if m in member_codes
            )

    return _Arrays(
        n_requests=n_r,
        n_helpers=n_h,
        skill_codes=skill_codes,
        r_lat=r_lat,
        r_lon=np.radians(floats(requests, "lon")),
        r_coslat=np.cos(r_lat),
        r_skill=np.fromiter((skill_codes[r.skill] for r in requests), np.int64, n_r),
        r_vetting=ints(requests, "vetting"),
        r_earliest=r_window[:, 0].copy(),
        r_latest=r_window[:, 1].copy(),
        r_need=ints(requests, "minutes") * 60_000_000,
        r_member=np.fromiter((member_codes[r.member] for r in requests), np.int64, n_r),
        r_priority=ints(requests, "priority"),
        h_lat=h_lat,
        h_lon=np.radians(floats(helpers, "lon")),
        h_coslat=np.cos(h_lat),
        h_max_km=floats(helpers, "max_km"),
        h_capacity=ints(helpers, "capacity"),
        h_vetting=ints(helpers, "vetting"),
        h_load=ints(helpers, "load"),
        h_skill_ptr=np.concatenate(([0], np.cumsum(h_skill_count))),
        h_skill=h_skill,
        h_ivl_ptr=np.concatenate(([0], np.cumsum(h_ivl_count))),
        h_ivl_start=ivl[:, 0].copy(),
        h_ivl_end=ivl[:, 1].copy(),
        declined_keys=np.unique(np.array(declined, dtype=np.int64)),
        helped_keys=np.unique(np.array(helped, dtype=np.int64)),
    )


def _unit_vectors(lat: FloatArray, lon: FloatArray, coslat: FloatArray) -> FloatArray:
    return np.column_stack((coslat * np.cos(lon), coslat * np.sin(lon), np.sin(lat)))


def _chord(km: float) -> float:
    """The straight-line distance through a unit sphere between two points
    ``km`` apart along its surface (of Earth's size)."""
    angle = min(km / EARTH_RADIUS_KM, math.pi)
    return 2.0 * math.sin(angle / 2.0)


def _haversine_km(a: _Arrays, r: IntArray, h: IntArray) -> FloatArray:
    """Great-circle distance in km for each pair (r[i], h[i])."""
    s_lat = np.sin((a.h_lat[h] - a.r_lat[r]) * 0.5)
    s_lon = np.sin((a.h_lon[h] - a.r_lon[r]) * 0.5)
    x = s_lat * s_lat + a.r_coslat[r] * a.h_coslat[h] * (s_lon * s_lon)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(x, 0.0, 1.0)))


def _whole_metres(km: FloatArray) -> IntArray:
    """Kilometres to the nearest whole metre, halves rounded up."""
    return np.floor(km * 1000.0 + 0.5).astype(np.int64)


def _expand_intervals(a: _Arrays, h: IntArray) -> tuple[IntArray, IntArray]:
    """For pairs with helpers ``h``: (pair number, interval index) for every
    free interval of each pair's helper."""
    counts = a.h_ivl_ptr[h + 1] - a.h_ivl_ptr[h]
    total = int(counts.sum())
    pair = np.repeat(np.arange(len(h), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    within = np.arange(total, dtype=np.int64) - np.repeat(starts, counts)
    return pair, a.h_ivl_ptr[h][pair] + within


def _window_ok(a: _Arrays, r: IntArray, h: IntArray) -> BoolArray:
    """Whether one of the helper's intervals overlaps the request's window by
    at least the request's minutes, for each pair."""
    pair, ivl = _expand_intervals(a, h)
    rr = r[pair]
    overlap = np.minimum(a.h_ivl_end[ivl], a.r_latest[rr]) - np.maximum(
        a.h_ivl_start[ivl], a.r_earliest[rr]
    )
    ok = np.zeros(len(r), dtype=np.bool_)
    ok[pair[overlap >= a.r_need[rr]]] = True
    return ok


def _pair_in(first: IntArray, h: IntArray, table: IntArray, n_h: int) -> BoolArray:
    """Whether each ``first[i] * n_h + h[i]`` is in the sorted ``table``;
    only pairs whose helper appears in the table are looked up."""
    out = np.zeros(len(h), dtype=np.bool_)
    if len(table) == 0:
        return out
    listed = np.zeros(n_h, dtype=np.bool_)
    listed[table % n_h] = True
    check = np.flatnonzero(listed[h])
    out[check] = _in_sorted(first[check] * n_h + h[check], table)
    return out


def _in_sorted(keys: IntArray, table: IntArray) -> BoolArray:
    if len(table) == 0:
        return np.zeros(len(keys), dtype=np.bool_)
    at = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    return np.asarray(table[at] == keys)


# --- Candidate pairs ------------------------------------------------------


class _Stage(IntEnum):
    """How far along the rules a request got with its best helper."""

    NO_SKILL = 0  # no helper has the skill
    SKILL = 1  # some helper has the skill, none the vetting too
    VETTING = 2  # skill and vetting, none within reach
    REACH = 3  # ... within reach, none free in the window
    WINDOW = 4  # ... free, but every such helper declined
    ALLOWED = 5  # at least one allowed pair


@dataclass(frozen=True, slots=True)
class Candidates:
    """Every allowed pair (indices into the problem's lists, in no particular
    order), with what each costs, and how far along the rules each request
    got (for explaining why one went unmatched)."""

    request: Int32Array
    helper: Int32Array
    distance_m: IntArray
    cost: IntArray  # distance_m, less the continuity bonus if continuity
    continuity: BoolArray
    stage: npt.NDArray[np.int8]  # per request, a _Stage
    has_capacity: BoolArray  # per request: an allowed helper has capacity > 0

    def __len__(self) -> int:
        return len(self.request)


def _km_bins(max_km: FloatArray) -> IntArray:
    """A bin number (0 up) for each helper's max_km; within a bin, the largest
    is at most _KM_BIN_RATIO times the smallest (bin 0 holds max_km 0)."""
    bins = np.zeros(len(max_km), dtype=np.int64)
    positive = max_km > 0
    if positive.any():
        smallest = max_km[positive].min()
        bins[positive] = 1 + np.floor(
            np.log(max_km[positive] / smallest) / math.log(_KM_BIN_RATIO)
        ).astype(np.int64)
    return bins


def _segments(counts: IntArray) -> tuple[IntArray, IntArray]:
    """For consecutive segments of ``counts`` items: (segment, position in
    it) of every item."""
    segment = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    within = np.arange(len(segment), dtype=np.int64) - np.repeat(starts, counts)
    return segment, within


def _bucket_width(starts: IntArray, ends: IntArray) -> int:
    """Time buckets for the spatial join: a day, or wider while the windows
    and intervals would be copied into more than three buckets each on
    average."""
    width = _DAY_US
    while len(starts) and (ends // width - starts // width + 1).sum() > 3 * len(starts):
        width *= 2
    return width


@dataclass(frozen=True, slots=True)
class _Layer:
    """One layer of the spatial join: the request copies in it, and its
    helper points in groups of similar max_km."""

    layer: int
    copies: IntArray
    groups: list[IntArray]


def _layers(
    a: _Arrays,
    copy_layer: IntArray,
    point_helper: IntArray,
    point_layer: IntArray,
) -> list[_Layer]:
    """The layers that have both request copies and helper points."""
    points = np.flatnonzero(np.isin(point_layer, copy_layer))
    if len(points) == 0:
        return []
    copies = np.argsort(copy_layer, kind="stable")
    copy_layers = copy_layer[copies]
    km_bin = _km_bins(a.h_max_km)[point_helper[points]]
    group = point_layer[points] * (km_bin.max() + 1) + km_bin
    order = np.argsort(group, kind="stable")
    points, group = points[order], group[order]
    chunks = np.split(points, np.flatnonzero(np.diff(group)) + 1)
    layers: list[_Layer] = []
    for chunk in chunks:
        layer = int(point_layer[chunk[0]])
        if not layers or layers[-1].layer != layer:
            lo, hi = np.searchsorted(copy_layers, [layer, layer + 1])
            layers.append(_Layer(layer, copies[lo:hi], []))
        layers[-1].groups.append(chunk)
    return layers


def _near(
    a: _Arrays,
    r_points: FloatArray,
    h_points: FloatArray,
    layer: _Layer,
    copy_request: IntArray,
    point_helper: IntArray,
) -> Iterator[tuple[IntArray, IntArray, IntArray]]:
    """Pairs (copy, point) of one layer whose helper may be within reach,
    by group: yields (group's points, i, j) for copies ``layer.copies[i]``
    and points ``points[j]``. A superset: each group uses its largest
    max_km."""
    tree = cKDTree(
        r_points[copy_request[layer.copies]], balanced_tree=False, compact_nodes=False
    )
    for points in layer.groups:
        helpers = point_helper[points]
        reach = _chord(float(a.h_max_km[helpers].max()))
        # A hair wider, so that rounding in the chord never drops a pair
        # that the haversine check keeps.
        radius = reach * (1.0 + 1e-9) + 1e-12
        found = tree.sparse_distance_matrix(
            cKDTree(h_points[helpers], balanced_tree=False, compact_nodes=False),
            radius,
            output_type="ndarray",
        )
        if len(found):
            yield points, found["i"], found["j"]


def _in_parallel(work: Callable[[_Layer], T], layers: list[_Layer]) -> list[T]:
    """``work`` on every layer, on as many threads as there are cores (the
    k-d tree queries and numpy release the GIL)."""
    threads = min(_THREADS, len(layers))
    if threads <= 1:
        return [work(layer) for layer in layers]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(work, layers))


def _ends_before(a: _Arrays) -> IntArray:
    """For each free interval, the latest end among the same helper's
    intervals listed before it (the minimum integer for the first)."""
    out = np.full(len(a.h_ivl_start), np.iinfo(np.int64).min, dtype=np.int64)
    counts = np.diff(a.h_ivl_ptr)
    for k in range(1, int(counts.max(initial=0))):
        at = a.h_ivl_ptr[:-1][counts > k] + k
        out[at] = np.maximum(out[at - 1], a.h_ivl_end[at - 1])
    return out


@dataclass(frozen=True, slots=True)
class _Found:
    """What one layer's join found: the requests of pairs that passed every
    rule but declining, and the allowed pairs with their distance."""

    free: IntArray
    r: IntArray
    h: IntArray
    km: FloatArray


def _candidates(a: _Arrays, policy: Policy) -> Candidates:
    n_r, n_h = a.n_requests, a.n_helpers
    stage = np.zeros(n_r, dtype=np.int8)
    has_capacity = np.zeros(n_r, dtype=np.bool_)
    n_skills = len(a.skill_codes)
    levels = len(Vetting) - 1  # basic and up; "none" qualifies for nothing

    # Stages 1 and 2 need no pairs: the best vetting among the helpers with
    # each skill.
    entry_helper = np.repeat(np.arange(n_h, dtype=np.int64), np.diff(a.h_skill_ptr))
    best_vetting = np.full(n_skills, -1, dtype=np.int64)
    np.maximum.at(best_vetting, a.h_skill, a.h_vetting[entry_helper])
    if n_r:
        stage[best_vetting[a.r_skill] >= 0] = _Stage.SKILL
        stage[best_vetting[a.r_skill] >= a.r_vetting] = _Stage.VETTING

    # The join is by layer: skill, time bucket and the helper's vetting level.
    # A request is copied into each bucket its window touches, at each level
    # it accepts; a helper into each bucket each of its free intervals
    # touches, once per skill and interval.
    vetted = a.h_vetting[entry_helper] >= Vetting.BASIC
    entry_helper, entry_skill = entry_helper[vetted], a.h_skill[vetted]
    seg, within = _segments(np.diff(a.h_ivl_ptr)[entry_helper])
    p_helper = entry_helper[seg]
    p_skill = entry_skill[seg]
    p_ivl = a.h_ivl_ptr[p_helper] + within
    width = _bucket_width(
        np.concatenate((a.r_earliest, a.h_ivl_start[p_ivl])),
        np.concatenate((a.r_latest, a.h_ivl_end[p_ivl])),
    )
    first_bucket = a.h_ivl_start[p_ivl] // width
    seg, within = _segments(a.h_ivl_end[p_ivl] // width - first_bucket + 1)
    p_helper, p_skill, p_ivl = p_helper[seg], p_skill[seg], p_ivl[seg]
    p_bucket = first_bucket[seg] + within

    r_first = a.r_earliest // width
    accepts = levels + 1 - a.r_vetting
    seg, within = _segments((a.r_latest // width - r_first + 1) * accepts)
    c_request = seg
    c_bucket = r_first[seg] + within // accepts[seg]
    c_level = a.r_vetting[seg] + within % accepts[seg]

    if len(c_bucket) and len(p_bucket):
        base = min(int(c_bucket.min()), int(p_bucket.min()))
        span = max(int(c_bucket.max()), int(p_bucket.max())) - base + 1
    else:
        base, span = 0, 1

    def layer_of(skill: IntArray, bucket: IntArray, level: IntArray) -> IntArray:
        return (skill * span + (bucket - base)) * levels + (level - 1)

    c_layer = layer_of(a.r_skill[c_request], c_bucket, c_level)
    p_layer = layer_of(p_skill, p_bucket, a.h_vetting[p_helper])
    r_points = _unit_vectors(a.r_lat, a.r_lon, a.r_coslat)
    h_points = _unit_vectors(a.h_lat, a.h_lon, a.h_coslat)
    ends_before = _ends_before(a)

    def work(layer: _Layer) -> _Found:
        rq = c_request[layer.copies]
        earliest, latest, need = a.r_earliest[rq], a.r_latest[rq], a.r_need[rq]
        bucket = (layer.layer // levels) % span + base
        found_r, found_h, found_i = [], [], []
        for points, i, j in _near(a, r_points, h_points, layer, c_request, p_helper):
            ivl = p_ivl[points][j]
            start = np.maximum(a.h_ivl_start[ivl], earliest[i])
            end = np.minimum(a.h_ivl_end[ivl], latest[i])
            # Each (request, interval) is kept only in the bucket where their
            # overlap starts, so it is found once.
            keep = (end - start >= need[i]) & (start // width == bucket)
            found_r.append(rq[i[keep]])
            found_h.append(p_helper[points][j[keep]])
            found_i.append(ivl[keep])
        empty = np.zeros(0, dtype=np.int64)
        r = np.concatenate([empty, *found_r])
        h = np.concatenate([empty, *found_h])
        ivl = np.concatenate([empty, *found_i])

        # One pair per (request, helper): the helper's first interval that
        # fits. An earlier one can fit only if one ends late enough: few do.
        doubt = np.flatnonzero(ends_before[ivl] >= a.r_earliest[r] + a.r_need[r])
        position = ivl[doubt] - a.h_ivl_ptr[h[doubt]]
        later = np.zeros(len(r), dtype=np.bool_)
        for back in range(1, int(position.max(initial=0)) + 1):
            check = doubt[(position >= back) & ~later[doubt]]
            rr, earlier = r[check], ivl[check] - back
            fits = (
                np.minimum(a.h_ivl_end[earlier], a.r_latest[rr])
                - np.maximum(a.h_ivl_start[earlier], a.r_earliest[rr])
                >= a.r_need[rr]
            )
            later[check[fits]] = True
        r, h = r[~later], h[~later]

        km = _haversine_km(a, r, h)
        keep = km <= a.h_max_km[h]
        r, h, km = r[keep], h[keep], km[keep]
        free = np.unique(r)
        keep = ~_pair_in(r, h, a.declined_keys, n_h)
        return _Found(free, r[keep], h[keep], km[keep])

    layers = _layers(a, c_layer, p_helper, p_layer)
    found = _in_parallel(work, layers)
    for f in found:
        stage[f.free] = _Stage.WINDOW
    empty = np.zeros(0, dtype=np.int64)
    r = np.concatenate([empty, *(f.r for f in found)])
    h = np.concatenate([empty, *(f.h for f in found)])
    km = np.concatenate([np.zeros(0), *(f.km for f in found)])
    del found
    stage[r] = _Stage.ALLOWED
    has_capacity[r[a.h_capacity[h] > 0]] = True

    _mark_within_reach(a, stage, entry_helper, entry_skill, r_points, h_points)

    distance_m = _whole_metres(km)
    continuity = _pair_in(a.r_member[r], h, a.helped_keys, n_h)
    cost = distance_m - continuity * np.int64(policy.continuity_bonus_m)
    return Candidates(
        request=r.astype(np.int32),
        helper=h.astype(np.int32),
        distance_m=distance_m,
        cost=cost,
        continuity=continuity,
        stage=stage,
        has_capacity=has_capacity,
    )


def _mark_within_reach(
    a: _Arrays,
    stage: npt.NDArray[np.int8],
    entry_helper: IntArray,
    entry_skill: IntArray,
    r_points: FloatArray,
    h_points: FloatArray,
) -> None:
    """Raise to REACH the requests that have a helper with the skill and
    vetting within reach but none free: a second join, without time, for
    those requests only (there are few)."""
    waiting = np.flatnonzero(stage == _Stage.VETTING)
    if len(waiting) == 0:
        return
    levels = len(Vetting) - 1
    accepts = levels + 1 - a.r_vetting[waiting]
    seg, within = _segments(accepts)
    c_request = waiting[seg]
    c_layer = a.r_skill[c_request] * levels + a.r_vetting[c_request] + within - 1
    p_layer = entry_skill * levels + a.h_vetting[entry_helper] - 1

    def work(layer: _Layer) -> IntArray:
        reached = [np.zeros(0, dtype=np.int64)]
        for points, i, j in _near(
            a, r_points, h_points, layer, c_request, entry_helper
        ):
            r = c_request[layer.copies][i]
            h = entry_helper[points][j]
            reached.append(r[_haversine_km(a, r, h) <= a.h_max_km[h]])
        return np.concatenate(reached)

    for reached in _in_parallel(work, _layers(a, c_layer, entry_helper, p_layer)):
        stage[reached] = _Stage.REACH


def candidate_pairs(
    requests: Sequence[Request], helpers: Sequence[Helper], policy: Policy
) -> Candidates:
    """Every allowed (request, helper) pair, found through a spatial index
    (k-d trees on points of the unit sphere, one per skill, day and vetting
    level) and vectorised checks, never by testing every pair."""
    return _candidates(_arrays(requests, helpers), policy)


# --- The flow -------------------------------------------------------------


def _check_policy(policy: Policy) -> None:
    if policy.fairness_step_m < 0:
        raise ValueError("fairness_step_m must not be negative")


def _flow(a: _Arrays, c: Candidates, policy: Policy) -> IntArray:
    """For each request, the index of the candidate pair the best plan
    gives it, or -1."""
    usable = np.flatnonzero(a.h_capacity[c.helper] > 0)
    try:
        choice, _ = best_flow(
            c.request[usable].astype(np.int64),
            c.helper[usable].astype(np.int64),
            c.cost[usable],
            priority=a.r_priority,
            capacity=a.h_capacity,
            load=a.h_load,
            fairness_step=policy.fairness_step_m,
        )
    except FlowError as error:
        raise SolverError(str(error)) from error
    out = np.full(len(choice), -1, dtype=np.int64)
    out[choice >= 0] = usable[choice[choice >= 0]]
    return out


# --- Explaining -----------------------------------------------------------


def _skill_words(skill: str) -> str:
    return skill.replace("_", " ")


def _reason_text(request: Request, reason: UnmatchedReason) -> str:
    skill = _skill_words(request.skill)
    if reason is UnmatchedReason.SHORT_WINDOW:
        return "Its time window is shorter than the visit."
    if reason is UnmatchedReason.NO_SKILL:
        return f"No helper does {skill}."
    if reason is UnmatchedReason.VETTING:
        return (
            f"No helper who does {skill} has the vetting this needs "
            f"({request.vetting.label})."
        )
    if reason is UnmatchedReason.DISTANCE:
        return (
            f"No helper who does {skill} with the vetting needed is within reach "
            "(each travels only so far)."
        )
    if reason is UnmatchedReason.WINDOW:
        return (
            f"No helper who could do it is free for {request.minutes} minutes "
            "in that window."
        )
    if reason is UnmatchedReason.DECLINED:
        return "Every helper who could do it has declined it."
    if reason is UnmatchedReason.NO_CAPACITY:
        return "Every helper who could do it is taking no visits at present."
    return "Every helper who could do it is already full in this plan."


def explain_unmatched(
    requests: Sequence[Request], candidates: Candidates, indices: Iterable[int]
) -> list[Unmatched]:
    """Why each request in ``indices`` (positions in ``requests``) got no
    helper: its window is shorter than the visit (no helper could ever fit
    it); else the first rule, in the order they are checked (skill, vetting,
    distance, window, declined), that no helper passes; or, when some helper
    is allowed, that all of those take no visits or are full."""
    out = []
    for i in indices:
        stage = _Stage(int(candidates.stage[i]))
        start_us, end_us = requests[i].window_us
        if end_us - start_us < requests[i].minutes * 60_000_000:
            reason = UnmatchedReason.SHORT_WINDOW
        elif stage is _Stage.ALLOWED:
            reason = (
                UnmatchedReason.FULL
                if candidates.has_capacity[i]
                else UnmatchedReason.NO_CAPACITY
            )
        else:
            reason = _STAGE_REASON[stage]
        request = requests[i]
        out.append(Unmatched(request.id, reason, _reason_text(request, reason)))
    return out


_STAGE_REASON = {
    _Stage.NO_SKILL: UnmatchedReason.NO_SKILL,
    _Stage.SKILL: UnmatchedReason.VETTING,
    _Stage.VETTING: UnmatchedReason.DISTANCE,
    _Stage.REACH: UnmatchedReason.WINDOW,
    _Stage.WINDOW: UnmatchedReason.DECLINED,
}


# --- Solving --------------------------------------------------------------


def solve(problem: Problem) -> Plan:
    """The best plan for ``problem`` (see the module's docstring), exactly.

    Raises ValueError for a negative fairness step or a time without a UTC
    offset, and SolverError when the numbers are too large for exact 64-bit
    costs.
    """
    # Loaded before the clock starts: importing is not solving.
    import ortools.graph.python.min_cost_flow  # noqa: F401

    started = time.perf_counter()
    _check_policy(problem.policy)
    requests, helpers, policy = problem.requests, problem.helpers, problem.policy
    a = _arrays(requests, helpers)
    c = _candidates(a, policy)
    choice = _flow(a, c, policy)
    chosen = choice[choice >= 0]

    r = c.request[chosen].astype(np.int64)
    h = c.helper[chosen].astype(np.int64)
    # Number each helper's visits in order of the requests' earliest times.
    order = np.lexsort((r, a.r_earliest[r], h))
    r, h, chosen = r[order], h[order], chosen[order]
    first = np.concatenate(([True], h[1:] != h[:-1])) if len(h) else np.zeros(0, bool)
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(h)), 0))
    slot = np.arange(len(h)) - group_start + 1
    fairness = np.int64(policy.fairness_step_m) * (a.h_load[h] + slot - 1)
    cost = c.cost[chosen] + fairness

    by_request = {
        int(ri): Assignment(
            request_id=requests[int(ri)].id,
            helper_id=helpers[int(hi)].id,
            distance_m=int(c.distance_m[ci]),
            continuity=bool(c.continuity[ci]),
            slot=int(k),
            fairness_m=int(f),
            cost=int(x),
        )
        for ri, hi, ci, k, f, x in zip(r, h, chosen, slot, fairness, cost, strict=True)
    }
    assignments = tuple(by_request[i] for i in sorted(by_request))
    matched = np.zeros(len(requests), dtype=np.bool_)
    matched[r] = True
    unmatched = explain_unmatched(requests, c, np.flatnonzero(~matched).tolist())
    return Plan(
        assignments=assignments,
        unmatched=tuple(unmatched),
        matched=len(assignments),
        priority=int(a.r_priority[r].sum()),
        cost=int(cost.sum()),
        candidate_pairs=len(c),
        seconds=time.perf_counter() - started,
    )


# --- One request at a time ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An allowed helper for one request, with what makes them suitable.

    ``marginal_cost`` is what giving them this request alone would add to a
    plan: the pair's cost plus ``fairness_step_m * load``. ``free`` holds the
    parts of their free time inside the request's window long enough for the
    visit.
    """

    helper: Helper
    distance_m: int
    marginal_cost: int
    helped_before: bool
    recent_visits: int
    free: tuple[Interval, ...]

    @property
    def reasons(self) -> list[str]:
        """What makes this helper suitable, in plain words."""
        out = [f"{_km_words(self.distance_m / 1000)} away."]
        if self.helped_before:
            out.append("Has helped this member before.")
        out.append(_visits_words(self.recent_visits))
        out.extend(f"Free {_interval_words(start, end)}." for start, end in self.free)
        return out


def _km_words(km: float) -> str:
    return f"{km:.1f} km".replace(".0 km", " km")


def _visits_words(n: int) -> str:
    if n == 0:
        return "No visits in the last 28 days."
    if n == 1:
        return "1 visit in the last 28 days."
    return f"{n} visits in the last 28 days."


def _moment_words(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b} {moment:%H:%M}"


def _interval_words(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{_moment_words(start)} to {end:%H:%M}"
    return f"{_moment_words(start)} to {_moment_words(end)}"


def shortlist(
    request: Request,
    helpers: Sequence[Helper],
    policy: Policy | None = None,
    limit: int = 10,
) -> list[Suggestion]:
    """The helpers allowed for ``request`` who take visits (capacity above
    0), cheapest first by marginal cost (then distance, then id), at most
    ``limit`` of them. The same rules as ``solve``; vectorised over helpers."""
    policy = policy or Policy()
    _check_policy(policy)
    a = _arrays([request], helpers)
    h = np.arange(len(helpers), dtype=np.int64)
    r = np.zeros(len(helpers), dtype=np.int64)
    skill = a.skill_codes[request.skill]
    has_skill = np.zeros(len(helpers), dtype=np.bool_)
    has_skill[np.repeat(h, np.diff(a.h_skill_ptr))[a.h_skill == skill]] = True
    keep = has_skill & (a.h_vetting >= a.r_vetting[0]) & (a.h_capacity > 0)
    r, h = r[keep], h[keep]
    km = _haversine_km(a, r, h)
    keep = km <= a.h_max_km[h]
    r, h, km = r[keep], h[keep], km[keep]
    keep = _window_ok(a, r, h) & ~_in_sorted(r * a.n_helpers + h, a.declined_keys)
    h, km = h[keep], km[keep]
    distance_m = _whole_metres(km)
    out = []
    for j, metres in zip(h.tolist(), distance_m.tolist(), strict=True):
        helper = helpers[j]
        helped = request.member in helper.helped_members
        cost = (
            metres
            - (policy.continuity_bonus_m if helped else 0)
            + policy.fairness_step_m * helper.load
        )
        out.append(
            Suggestion(
                helper=helper,
                distance_m=metres,
                marginal_cost=cost,
                helped_before=helped,
                recent_visits=helper.load,
                free=free_parts(request, helper),
            )
        )
    out.sort(key=lambda s: (s.marginal_cost, s.distance_m, s.helper.id))
    return out[: max(limit, 0)]


def free_parts(request: Request, helper: Helper) -> tuple[Interval, ...]:
    need = timedelta(minutes=request.minutes)
    parts = []
    for start, end in sorted(helper.available):
        lo, hi = max(start, request.earliest), min(end, request.latest)
        if hi - lo >= need:
            parts.append((lo, hi))
    return tuple(parts)


def distances_km(
    request: Request, lats: Sequence[float], lons: Sequence[float]
) -> FloatArray:
    """The great-circle distance from a request to each position (degrees),
    in km: the same arithmetic as the rules' (``distance_km``), so a
    neighbourhood cut by it agrees with them to the last bit."""
    h_lat = np.radians(np.asarray(lats, dtype=np.float64))
    h_lon = np.radians(np.asarray(lons, dtype=np.float64))
    r_lat = np.radians(np.asarray([request.lat], dtype=np.float64))
    r_lon = np.radians(np.asarray([request.lon], dtype=np.float64))
    s_lat = np.sin((h_lat - r_lat) * 0.5)
    s_lon = np.sin((h_lon - r_lon) * 0.5)
    x = s_lat * s_lat + np.cos(r_lat) * np.cos(h_lat) * (s_lon * s_lon)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(x, 0.0, 1.0)))


def distance_km(request: Request, helper: Helper) -> float:
    """The great-circle distance between a request and a helper, as the
    rules measure it."""
    a = _arrays([request], [helper])
    zero = np.zeros(1, dtype=np.int64)
    return float(_haversine_km(a, zero, zero)[0])


def rules_failed(request: Request, helper: Helper) -> list[UnmatchedReason]:
    """Every rule this helper fails for this request, in the order the rules
    are checked (taking no visits last); empty when the pair is allowed and
    the helper takes visits."""
    a = _arrays([request], [helper])
    zero = np.zeros(1, dtype=np.int64)
    out = []
    if request.skill not in helper.skills:
        out.append(UnmatchedReason.NO_SKILL)
    if helper.vetting < request.vetting:
        out.append(UnmatchedReason.VETTING)
    if not float(_haversine_km(a, zero, zero)[0]) <= helper.max_km:
        out.append(UnmatchedReason.DISTANCE)
    if not _window_ok(a, zero, zero)[0]:
        out.append(UnmatchedReason.WINDOW)
    if request.id in helper.declined:
        out.append(UnmatchedReason.DECLINED)
    if helper.capacity <= 0:
        out.append(UnmatchedReason.NO_CAPACITY)
    return out


def reasons_not_suitable(request: Request, helper: Helper) -> list[str]:
    """Every rule this helper fails for this request, in plain words, in the
    order the rules are checked; empty when the pair is allowed and the
    helper takes visits."""
    words = {
        UnmatchedReason.NO_SKILL: lambda: f"Does not do {_skill_words(request.skill)}.",
        UnmatchedReason.VETTING: lambda: (
            f"Vetting is {helper.vetting.label}; this needs {request.vetting.label}."
        ),
        UnmatchedReason.DISTANCE: lambda: (
            f"Lives {_km_words(distance_km(request, helper))} away; "
            f"travels up to {_km_words(helper.max_km)}."
        ),
        UnmatchedReason.WINDOW: lambda: (
            f"Not free for {request.minutes} minutes from "
            f"{_interval_words(request.earliest, request.latest)}."
        ),
        UnmatchedReason.DECLINED: lambda: "Declined this request.",
        UnmatchedReason.NO_CAPACITY: lambda: "Is taking no visits at present.",
    }
    return [words[rule]() for rule in rules_failed(request, helper)]
