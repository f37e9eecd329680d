"""On random small problems the plan is feasible, and as good as the best
plan found by trying every plan (an independent brute force, with the rules
written again here in plain Python)."""

import itertools
import math
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.matching import flow
from kith.matching.engine import (
    EARTH_RADIUS_KM,
    Helper,
    Policy,
    Problem,
    Request,
    UnmatchedReason,
    Vetting,
    solve,
)
from kith.matching.tests.builders import LAT, LON, at

SKILLS = ("gardening", "shopping")


def _time(day: int, half_hours: int):
    return at(0, day=day) + timedelta(minutes=30 * half_hours)


@st.composite
def problems(draw, max_requests=5, max_helpers=3):
    n_r = draw(st.integers(0, max_requests))
    n_h = draw(st.integers(0, max_helpers))
    members = [f"m{i}" for i in range(3)]
    requests = []
    for i in range(n_r):
        day = draw(st.integers(1, 2))
        start = draw(st.integers(16, 30))
        length = draw(st.integers(2, 16))
        requests.append(
            Request(
                id=f"r{i}",
                member=draw(st.sampled_from(members)),
                lat=LAT + 0.005 * draw(st.integers(0, 4)),
                lon=LON + 0.008 * draw(st.integers(0, 4)),
                skill=draw(st.sampled_from(SKILLS)),
                priority=draw(st.integers(1, 3)),
                earliest=_time(day, start),
                latest=_time(day, start + length),
                minutes=draw(st.sampled_from((30, 60, 90))),
                vetting=draw(st.sampled_from(list(Vetting)[1:])),
            )
        )
    helpers = []
    for j in range(n_h):
        free = []
        for _ in range(draw(st.integers(0, 2))):
            day = draw(st.integers(1, 2))
            start = draw(st.integers(14, 30))
            free.append(
                (_time(day, start), _time(day, start + draw(st.integers(1, 8))))
            )
        helpers.append(
            Helper(
                id=f"h{j}",
                lat=LAT + 0.005 * draw(st.integers(0, 4)),
                lon=LON + 0.008 * draw(st.integers(0, 4)),
                skills=frozenset(draw(st.sets(st.sampled_from(SKILLS), max_size=2))),
                max_km=draw(st.sampled_from((0.5, 1.0, 2.0, 3.0))),
                capacity=draw(st.integers(0, 2)),
                vetting=draw(st.sampled_from(list(Vetting))),
                load=draw(st.integers(0, 3)),
                available=tuple(free),
                declined=frozenset(
                    draw(st.sets(st.sampled_from([r.id for r in requests] or ["x"])))
                ),
                helped_members=frozenset(draw(st.sets(st.sampled_from(members)))),
            )
        )
    policy = Policy(
        continuity_bonus_m=draw(st.sampled_from((0, 700, 2000))),
        fairness_step_m=draw(st.sampled_from((0, 300, 500))),
    )
    return Problem(requests=requests, helpers=helpers, policy=policy)


# --- The rules again, plainly -------------------------------------------------


def km_between(r: Request, h: Helper) -> float:
    p1, p2 = math.radians(r.lat), math.radians(h.lat)
    dp, dl = p2 - p1, math.radians(h.lon - r.lon)
    x = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, x))))


def free_for(r: Request, h: Helper) -> bool:
    need = timedelta(minutes=r.minutes)
    return any(
        min(end, r.latest) - max(start, r.earliest) >= need
        for start, end in h.available
    )


def stage(r: Request, h: Helper) -> int:
    """How many of the rules, in order, the pair passes (5: allowed)."""
    checks = (
        r.skill in h.skills,
        h.vetting >= r.vetting,
        km_between(r, h) <= h.max_km,
        free_for(r, h),
        r.id not in h.declined,
    )
    passed = 0
    for ok in checks:
        if not ok:
            break
        passed += 1
    return passed


def pair_cost(r: Request, h: Helper, policy: Policy) -> int:
    metres = math.floor(km_between(r, h) * 1000 + 0.5)
    bonus = policy.continuity_bonus_m if r.member in h.helped_members else 0
    return metres - bonus


def plan_value(problem: Problem, given: dict[int, int]) -> tuple[int, int]:
    """(priority, cost) of giving request i helper given[i]."""
    policy = problem.policy
    visits = [0] * len(problem.helpers)
    priority = cost = 0
    for i, j in given.items():
        r, h = problem.requests[i], problem.helpers[j]
        priority += r.priority
        cost += pair_cost(r, h, policy) + policy.fairness_step_m * (h.load + visits[j])
        visits[j] += 1
    return priority, cost


def best_by_brute_force(problem: Problem) -> tuple[int, int]:
    options = [
        [None]
        + [
            j
            for j, h in enumerate(problem.helpers)
            if stage(r, h) == 5 and h.capacity > 0
        ]
        for r in problem.requests
    ]
    best = (0, 0)
    for combo in itertools.product(*options):
        counts: dict[int, int] = {}
        for j in combo:
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if any(n > problem.helpers[j].capacity for j, n in counts.items()):
            continue
        priority, cost = plan_value(
            problem, {i: j for i, j in enumerate(combo) if j is not None}
        )
        if (-priority, cost) < (-best[0], best[1]):
            best = (priority, cost)
    return best


EXPECTED_REASON = {
    0: UnmatchedReason.NO_SKILL,
    1: UnmatchedReason.VETTING,
    2: UnmatchedReason.DISTANCE,
    3: UnmatchedReason.WINDOW,
    4: UnmatchedReason.DECLINED,
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_plan_is_feasible_and_optimal(problem):
    plan = solve(problem)

    index = {r.id: i for i, r in enumerate(problem.requests)}
    helpers = {h.id: j for j, h in enumerate(problem.helpers)}
    given_ = {index[a.request_id]: helpers[a.helper_id] for a in plan.assignments}
    assert len(given_) == len(plan.assignments)  # each request at most once
    for i, j in given_.items():
        assert stage(problem.requests[i], problem.helpers[j]) == 5
    for j, h in enumerate(problem.helpers):
        assert sum(1 for x in given_.values() if x == j) <= h.capacity
    assert (plan.priority, plan.cost) == plan_value(problem, given_)
    assert plan.cost == sum(a.cost for a in plan.assignments)
    assert (plan.priority, plan.cost) == best_by_brute_force(problem)

    for u in plan.unmatched:
        r = problem.requests[index[u.request_id]]
        furthest = max((stage(r, h) for h in problem.helpers), default=0)
        if r.latest - r.earliest < timedelta(minutes=r.minutes):
            assert u.reason is UnmatchedReason.SHORT_WINDOW
            assert u.text == "Its time window is shorter than the visit."
        elif furthest < 5:
            assert u.reason is EXPECTED_REASON[furthest]
        else:
            allowed = [h for h in problem.helpers if stage(r, h) == 5]
            expected = (
                UnmatchedReason.FULL
                if any(h.capacity > 0 for h in allowed)
                else UnmatchedReason.NO_CAPACITY
            )
            assert u.reason is expected
    assert len(plan.assignments) + len(plan.unmatched) == len(problem.requests)


# --- The flow alone, made to price left-out pairs -----------------------------


@st.composite
def networks(draw):
    n_r = draw(st.integers(1, 6))
    n_h = draw(st.integers(1, 4))
    pairs = [
        (r, h, draw(st.integers(-3, 12)) * draw(st.sampled_from((1, 100))))
        for r in range(n_r)
        for h in range(n_h)
        if draw(st.booleans())
    ]
    return (
        pairs,
        [draw(st.integers(1, 3)) for _ in range(n_r)],
        [draw(st.integers(1, 3)) for _ in range(n_h)],
        [draw(st.integers(0, 3)) for _ in range(n_h)],
        draw(st.sampled_from((0, 1, 5, 500))),
    )


@pytest.fixture
def pricing(monkeypatch):
    """Keep as few pairs as possible at first, add one at a time: every
    round of column generation gets exercised."""
    monkeypatch.setattr(flow, "_KEEP_ALL_UP_TO", 0)
    monkeypatch.setattr(flow, "_KEEP_WITHIN_M", -(10**9))
    monkeypatch.setattr(flow, "_ADD_PER_REQUEST", 1)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(networks())
def test_column_generation_finds_the_optimum(pricing, network):
    pairs, priority, capacity, load, step = network
    r = np.array([p[0] for p in pairs], dtype=np.int64)
    h = np.array([p[1] for p in pairs], dtype=np.int64)
    c = np.array([p[2] for p in pairs], dtype=np.int64)
    choice, _ = flow.best_flow(
        r,
        h,
        c,
        priority=np.array(priority),
        capacity=np.array(capacity),
        load=np.array(load),
        fairness_step=step,
    )

    def value(given):
        visits = [0] * len(capacity)
        total_p = total_c = 0
        for q, k in enumerate(given):
            if k is None:
                continue
            _, j, cost = pairs[k]
            total_c += cost + step * (load[j] + visits[j])
            visits[j] += 1
            total_p += priority[q]
        if any(v > cap for v, cap in zip(visits, capacity, strict=True)):
            return None
        return (-total_p, total_c)

    got = value([int(k) if k >= 0 else None for k in choice])
    assert got is not None
    for q, k in enumerate(choice):
        assert k < 0 or pairs[k][0] == q
    options = [
        [None] + [k for k, p in enumerate(pairs) if p[0] == q]
        for q in range(len(priority))
    ]
    best = min(v for combo in itertools.product(*options) if (v := value(combo)))
    assert got == best
