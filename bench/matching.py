"""How fast and how well the matching engine plans, against a greedy baseline.

    .venv/bin/python bench/matching.py          # city sizes, up to 30,000 requests
    .venv/bin/python bench/matching.py --big    # 100,000 requests, 750,000 helpers

Makes synthetic places (helpers and requests clustered like housing: Gaussian
neighbourhoods around a city centre, or, with --big, around 400 towns of
Zipf-distributed sizes spread over England), solves each with
``kith.matching.engine.solve`` and prints, for each size: seconds (the whole
of ``solve``: arrays from the dataclasses, candidate pairs, the flow and the
plan; not making the problem), the process's peak memory (making the
problem included), candidate pairs, matched count, priority and cost. Then
the same for a greedy nearest-first baseline (each request in input order
takes the nearest allowed helper with room left), with both plans' matched
counts, total distance, helpers used and the spread of work: the Gini
coefficient of visits in the plan over the helpers allowed for at least one
request.

On sizes small enough, the plan's objective is checked against an
independent exact solution: allowed pairs by brute force over every pair
(plain numpy, none of the engine's code), then scipy's MILP solver (HiGHS)
in two phases: the most priority, then the least cost at that priority. The
big size is beyond it (and 10,000 requests take HiGHS over ten minutes), so
--big checks a smaller England made the same way instead.

Targets (2 cores): 10,000 x 5,000 in under 2 s; 100,000 x 750,000 in under
60 s and 8 GB; always exactly optimal. The default run takes about half a
minute, --big about three.

Each size runs in its own process, so peak memory is that size's alone.
Needs no database.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import peak_rss_mb, target

from kith.matching import engine
from kith.matching.engine import (
    Helper,
    Policy,
    Problem,
    Request,
    Vetting,
)

SKILLS = ("shopping", "befriending", "odd_jobs", "gardening", "transport", "tech_help")
SKILL_WEIGHTS = (0.25, 0.2, 0.2, 0.15, 0.1, 0.1)
MAX_KM = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0)
MAX_KM_WEIGHTS = (0.15, 0.15, 0.25, 0.2, 0.1, 0.15)
CAPACITY_WEIGHTS = (0.35, 0.3, 0.15, 0.1, 0.1)  # capacity 1..5
HELPER_VETTING = (0.1, 0.35, 0.35, 0.2)  # none, basic, enhanced, barred
REQUEST_VETTING = (0.55, 0.3, 0.15)  # basic, enhanced, barred
PRIORITY_WEIGHTS = (0.5, 0.35, 0.15)  # 1, 2, 3
MINUTES = (30, 45, 60, 90, 120)
MINUTES_WEIGHTS = (0.15, 0.15, 0.4, 0.2, 0.1)
WEEK = datetime(2026, 12, 7, tzinfo=UTC)  # a Monday
CITY_CENTRE = (51.5072, -0.1276)
ENGLAND = ((50.7, 54.9), (-3.3, 1.3))
KM_PER_DEGREE = 111.195

PARAMETERS = f"""\
Synthetic places (seeded, so runs repeat):
  city: 60 Gaussian neighbourhoods (each 0.4-1.5 km across, sizes lognormal)
    around a centre, their centres 7 km (s.d.) from it
  --big: 400 towns over England, sizes Zipf (1/rank), each with neighbourhoods
    as above in proportion to its size, spread with the town's size
  skills {", ".join(SKILLS)}: each helper has 1-3, each request needs 1
  helper max_km {"/".join(f"{k:g}" for k in MAX_KM)}, capacity 1-5,
    vetting none/basic/enhanced/barred {HELPER_VETTING},
    load (visits in the last 28 days) Poisson(1.5),
    available 2-5 windows of 2-8 hours in one week
  request vetting basic/enhanced/barred {REQUEST_VETTING}, priority 1/2/3
    {PRIORITY_WEIGHTS}, window a whole day (40%) or 2-4 hours, visit
    {"/".join(map(str, MINUTES))} minutes
  30% of members were helped before by a helper nearby; 3% of requests were
    declined by one helper nearby
  policy: continuity bonus 2000 m, fairness step 500 m"""


@dataclass
class Place:
    """Neighbourhoods: centre (lat, lon in degrees), spread (km), weight."""

    lat: np.ndarray
    lon: np.ndarray
    spread_km: np.ndarray
    weight: np.ndarray


def city(rng: np.random.Generator) -> Place:
    n = 60
    north = rng.normal(0, 7, n)
    east = rng.normal(0, 7, n)
    lat = CITY_CENTRE[0] + north / KM_PER_DEGREE
    lon = CITY_CENTRE[1] + east / (KM_PER_DEGREE * math.cos(math.radians(lat.mean())))
    return Place(lat, lon, rng.uniform(0.4, 1.5, n), rng.lognormal(0, 0.7, n))


def country(rng: np.random.Generator) -> Place:
    towns = 400
    size = 1.0 / np.arange(1, towns + 1)
    t_lat = rng.uniform(*ENGLAND[0], towns)
    t_lon = rng.uniform(*ENGLAND[1], towns)
    # The largest town is a city of 60 neighbourhoods spread 7 km.
    count = np.maximum(1, np.round(60 * size**0.6)).astype(int)
    spread = 7 * size**0.35
    town = np.repeat(np.arange(towns), count)
    north = rng.normal(0, 1, len(town)) * spread[town]
    east = rng.normal(0, 1, len(town)) * spread[town]
    lat = t_lat[town] + north / KM_PER_DEGREE
    lon = t_lon[town] + east / (KM_PER_DEGREE * np.cos(np.radians(t_lat[town])))
    weight = rng.lognormal(0, 0.7, len(town)) * size[town] / count[town]
    return Place(lat, lon, rng.uniform(0.4, 1.5, len(town)), weight)


def scatter(
    rng: np.random.Generator, place: Place, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n points: (lat, lon, neighbourhood)."""
    where = rng.choice(len(place.weight), n, p=place.weight / place.weight.sum())
    north = rng.normal(0, 1, n) * place.spread_km[where]
    east = rng.normal(0, 1, n) * place.spread_km[where]
    lat = place.lat[where] + north / KM_PER_DEGREE
    lon = place.lon[where] + east / (KM_PER_DEGREE * np.cos(np.radians(lat)))
    return lat, lon, where


def make_problem(n_requests: int, n_helpers: int, *, big: bool, seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    place = country(rng) if big else city(rng)
    vetting = list(Vetting)

    # Requests.
    r_lat, r_lon, r_where = scatter(rng, place, n_requests)
    r_skill = rng.choice(len(SKILLS), n_requests, p=SKILL_WEIGHTS)
    r_priority = rng.choice(3, n_requests, p=PRIORITY_WEIGHTS) + 1
    r_vetting = rng.choice(3, n_requests, p=REQUEST_VETTING) + 1
    r_day = rng.integers(0, 7, n_requests)
    whole_day = rng.random(n_requests) < 0.4
    r_start = np.where(whole_day, 8 * 60, rng.integers(16, 33, n_requests) * 30)
    r_length = np.where(whole_day, 12 * 60, rng.integers(4, 9, n_requests) * 30)
    r_minutes = np.minimum(rng.choice(MINUTES, n_requests, p=MINUTES_WEIGHTS), r_length)
    # Some members ask more than once.
    r_member = np.where(
        rng.random(n_requests) < 0.2,
        rng.integers(0, max(n_requests, 1), n_requests),
        np.arange(n_requests),
    )

    # Helpers.
    h_lat, h_lon, h_where = scatter(rng, place, n_helpers)
    h_max_km = rng.choice(MAX_KM, n_helpers, p=MAX_KM_WEIGHTS)
    h_capacity = rng.choice(5, n_helpers, p=CAPACITY_WEIGHTS) + 1
    h_vetting = rng.choice(4, n_helpers, p=HELPER_VETTING)
    h_load = np.minimum(rng.poisson(1.5, n_helpers), 12)
    h_n_skills = rng.integers(1, 4, n_helpers)
    skill_order = np.argsort(
        -(rng.random((n_helpers, len(SKILLS))) ** (1 / np.array(SKILL_WEIGHTS))), axis=1
    )
    h_windows = rng.integers(2, 6, n_helpers)
    n_windows = int(h_windows.sum())
    w_day = rng.integers(0, 7, n_windows)
    w_start = rng.integers(16, 37, n_windows) * 30
    w_length = rng.choice([120, 180, 240, 480], n_windows, p=[0.3, 0.35, 0.25, 0.1])
    w_owner_start = np.cumsum(h_windows) - h_windows

    # Continuity and declines: a helper from the same neighbourhood.
    by_where = np.argsort(h_where, kind="stable")
    first = np.searchsorted(h_where[by_where], np.arange(len(place.weight)))
    last = np.searchsorted(h_where[by_where], np.arange(len(place.weight)), "right")

    def neighbour(requests: np.ndarray) -> np.ndarray:
        lo, hi = first[r_where[requests]], last[r_where[requests]]
        ok = hi > lo
        pick = lo + (rng.random(len(requests)) * (hi - lo)).astype(int)
        return np.where(ok, by_where[np.minimum(pick, len(by_where) - 1)], -1)

    helped: dict[int, list[str]] = {}
    declined: dict[int, list[str]] = {}
    if n_helpers:
        sample = np.flatnonzero(rng.random(n_requests) < 0.3)
        for i, j in zip(sample, neighbour(sample), strict=True):
            if j >= 0:
                helped.setdefault(int(j), []).append(f"m{r_member[i]}")
        sample = np.flatnonzero(rng.random(n_requests) < 0.03)
        for i, j in zip(sample, neighbour(sample), strict=True):
            if j >= 0:
                declined.setdefault(int(j), []).append(f"r{i}")

    minute = timedelta(minutes=1)
    requests = [
        Request(
            id=f"r{i}",
            member=f"m{r_member[i]}",
            lat=float(r_lat[i]),
            lon=float(r_lon[i]),
            skill=SKILLS[r_skill[i]],
            priority=int(r_priority[i]),
            earliest=WEEK + minute * int(r_day[i] * 1440 + r_start[i]),
            latest=WEEK + minute * int(r_day[i] * 1440 + r_start[i] + r_length[i]),
            minutes=int(r_minutes[i]),
            vetting=vetting[r_vetting[i]],
        )
        for i in range(n_requests)
    ]
    starts = [
        WEEK + minute * int(d * 1440 + s) for d, s in zip(w_day, w_start, strict=True)
    ]
    ends = [s + minute * int(n) for s, n in zip(starts, w_length, strict=True)]
    helpers = []
    for j in range(n_helpers):
        w0 = w_owner_start[j]
        helpers.append(
            Helper(
                id=f"h{j}",
                lat=float(h_lat[j]),
                lon=float(h_lon[j]),
                skills=frozenset(SKILLS[s] for s in skill_order[j, : h_n_skills[j]]),
                max_km=float(h_max_km[j]),
                capacity=int(h_capacity[j]),
                vetting=vetting[h_vetting[j]],
                load=int(h_load[j]),
                available=tuple(
                    zip(
                        starts[w0 : w0 + h_windows[j]],
                        ends[w0 : w0 + h_windows[j]],
                        strict=True,
                    )
                ),
                declined=frozenset(declined.get(j, ())),
                helped_members=frozenset(helped.get(j, ())),
            )
        )
    return Problem(requests=requests, helpers=helpers, policy=Policy())


# --- The greedy baseline ------------------------------------------------------


def greedy(problem: Problem, candidates: engine.Candidates) -> np.ndarray:
    """Each request in input order takes the nearest allowed helper with room
    left: for each request, the candidate pair's index, or -1."""
    c = candidates
    order = np.lexsort((c.helper, c.distance_m, c.request))
    request = c.request[order]
    starts = np.searchsorted(request, np.arange(len(problem.requests) + 1))
    room = np.array([h.capacity for h in problem.helpers], dtype=np.int64)
    helper = c.helper[order].tolist()
    choice = np.full(len(problem.requests), -1, dtype=np.int64)
    for i in range(len(problem.requests)):
        for k in range(starts[i], starts[i + 1]):
            j = helper[k]
            if room[j] > 0:
                room[j] -= 1
                choice[i] = order[k]
                break
    return choice


def measures(
    problem: Problem, candidates: engine.Candidates, choice: np.ndarray
) -> dict[str, float]:
    """Matched, priority, cost (as the engine counts it), total distance,
    helpers used and the Gini coefficient of visits over the helpers allowed
    for at least one request."""
    c = candidates
    pairs = choice[choice >= 0]
    requests = c.request[pairs]
    helpers = c.helper[pairs]
    step = problem.policy.fairness_step_m
    loads = np.array([h.load for h in problem.helpers], dtype=np.int64)
    visits = np.bincount(helpers, minlength=len(problem.helpers))
    fairness = step * (loads * visits + visits * (visits - 1) // 2)
    priority = np.array([r.priority for r in problem.requests])[requests]
    eligible = np.zeros(len(problem.helpers), dtype=bool)
    eligible[c.helper] = True
    return {
        "matched": len(pairs),
        "priority": int(priority.sum()),
        "cost": int(c.cost[pairs].sum() + fairness.sum()),
        "distance_km": round(float(c.distance_m[pairs].sum()) / 1000, 1),
        "helpers_used": int((visits > 0).sum()),
        "gini": round(gini(visits[eligible]), 3),
    }


def gini(values: np.ndarray) -> float:
    """0 when all are equal, near 1 when one has everything."""
    if len(values) == 0 or values.sum() == 0:
        return 0.0
    x = np.sort(values.astype(np.float64))
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


# --- The independent check ----------------------------------------------------


def allowed_by_brute_force(problem: Problem) -> tuple[np.ndarray, ...]:
    """Every allowed pair, by testing every (request, helper): plain numpy,
    none of the engine's code. (request, helper, pair cost) arrays."""
    requests, helpers, policy = problem.requests, problem.helpers, problem.policy
    n_h = len(helpers)
    skills = sorted(
        {r.skill for r in requests} | {s for h in helpers for s in h.skills}
    )
    has = np.zeros((n_h, len(skills)), dtype=bool)
    for j, h in enumerate(helpers):
        for s in h.skills:
            has[j, skills.index(s)] = True
    epoch = datetime(1970, 1, 1, tzinfo=UTC)

    def seconds(t: datetime) -> float:
        return (t - epoch).total_seconds()

    most = max((len(h.available) for h in helpers), default=0)
    free_from = np.full((n_h, max(most, 1)), np.inf)
    free_to = np.full((n_h, max(most, 1)), -np.inf)
    for j, h in enumerate(helpers):
        for k, (a, b) in enumerate(h.available):
            free_from[j, k], free_to[j, k] = seconds(a), seconds(b)
    h_lat = np.radians([h.lat for h in helpers])
    h_lon = np.radians([h.lon for h in helpers])
    h_km = np.array([h.max_km for h in helpers])
    h_level = np.array([int(h.vetting) for h in helpers])
    out_r, out_h, out_c = [], [], []
    for i, q in enumerate(requests):
        ok = has[:, skills.index(q.skill)] & (h_level >= int(q.vetting))
        lat, lon = math.radians(q.lat), math.radians(q.lon)
        x = (
            np.sin((h_lat - lat) / 2) ** 2
            + math.cos(lat) * np.cos(h_lat) * np.sin((h_lon - lon) / 2) ** 2
        )
        km = 2 * engine.EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(x, 0, 1)))
        ok &= km <= h_km
        overlap = np.minimum(free_to, seconds(q.latest)) - np.maximum(
            free_from, seconds(q.earliest)
        )
        ok &= (overlap >= q.minutes * 60).any(axis=1)
        for j in np.flatnonzero(ok).tolist():
            helper = helpers[j]
            if q.id in helper.declined:
                continue
            metres = math.floor(km[j] * 1000 + 0.5)
            bonus = (
                policy.continuity_bonus_m if q.member in helper.helped_members else 0
            )
            out_r.append(i)
            out_h.append(j)
            out_c.append(metres - bonus)
    return np.array(out_r), np.array(out_h), np.array(out_c, dtype=np.int64)


def solve_by_milp(problem: Problem) -> tuple[int, int, float]:
    """(priority, cost) of the best plan by scipy's MILP solver (HiGHS), in
    two phases: the most priority, then the least cost at that priority."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix, vstack

    started = time.perf_counter()
    r, h, c = allowed_by_brute_force(problem)
    n_r, n_h, n_p = len(problem.requests), len(problem.helpers), len(r)
    if n_p == 0:
        return 0, 0, time.perf_counter() - started
    step = problem.policy.fairness_step_m
    cap = np.array([x.capacity for x in problem.helpers])
    load = np.array([x.load for x in problem.helpers])
    slots = np.minimum(cap, np.bincount(h, minlength=n_h))
    slot_h = np.repeat(np.arange(n_h), slots)
    slot_k = np.concatenate([np.arange(s) for s in slots]) if n_h else np.zeros(0)
    slot_cost = step * (load[slot_h] + slot_k)
    n_s = len(slot_h)
    prio = np.array([x.priority for x in problem.requests])[r]
    one_each = coo_matrix((np.ones(n_p), (r, np.arange(n_p))), shape=(n_r, n_p + n_s))
    balance = coo_matrix(
        (
            np.concatenate((np.ones(n_p), -np.ones(n_s))),
            (np.concatenate((h, slot_h)), np.arange(n_p + n_s)),
        ),
        shape=(n_h, n_p + n_s),
    )
    rules = [
        LinearConstraint(one_each, -np.inf, 1),
        LinearConstraint(balance, 0, 0),
    ]
    bounds = Bounds(0, 1)
    whole = np.ones(n_p + n_s)
    first = milp(
        np.concatenate((-prio, np.zeros(n_s))),
        constraints=rules,
        integrality=whole,
        bounds=bounds,
    )
    best_priority = round(-first.fun)
    at_least = LinearConstraint(
        coo_matrix(np.concatenate((prio, np.zeros(n_s)))[None, :]),
        best_priority,
        np.inf,
    )
    second = milp(
        np.concatenate((c, slot_cost)).astype(np.float64),
        constraints=[*rules, at_least],
        integrality=whole,
        bounds=bounds,
    )
    del vstack
    return best_priority, round(second.fun), time.perf_counter() - started


# --- Running ------------------------------------------------------------------


def run_one(
    n_requests: int, n_helpers: int, *, big: bool, seed: int, check: bool
) -> dict[str, object]:
    """One size, in this process: the problem, the plan, the baseline and,
    with ``check``, the independent solution."""
    problem = make_problem(n_requests, n_helpers, big=big, seed=seed)
    plan = engine.solve(problem)
    peak = peak_rss_mb()  # before the baseline and the checks below
    candidates = engine.candidate_pairs(
        problem.requests, problem.helpers, problem.policy
    )
    index = {
        (int(r), int(h)): k
        for k, (r, h) in enumerate(
            zip(candidates.request, candidates.helper, strict=True)
        )
    }
    r_pos = {r.id: i for i, r in enumerate(problem.requests)}
    h_pos = {h.id: j for j, h in enumerate(problem.helpers)}
    choice = np.full(len(problem.requests), -1, dtype=np.int64)
    for a in plan.assignments:
        choice[r_pos[a.request_id]] = index[(r_pos[a.request_id], h_pos[a.helper_id])]
    best = measures(problem, candidates, choice)
    if (best["matched"], best["priority"], best["cost"]) != (
        plan.matched,
        plan.priority,
        plan.cost,
    ):
        raise RuntimeError("the plan's objective does not add up")
    result: dict[str, object] = {
        "requests": n_requests,
        "helpers": n_helpers,
        "seconds": round(plan.seconds, 3),
        "peak_mb": round(peak),
        "candidate_pairs": plan.candidate_pairs,
        "best": best,
        "greedy": measures(problem, candidates, greedy(problem, candidates)),
    }
    if check:
        priority, cost, seconds = solve_by_milp(problem)
        result["check"] = {
            "priority": priority,
            "cost": cost,
            "seconds": round(seconds, 1),
            "equal": (priority, cost) == (plan.priority, plan.cost),
        }
    return result


DEFAULT_SIZES = (
    (1_000, 500, True),
    (2_000, 1_000, True),
    (10_000, 5_000, False),
    (30_000, 15_000, False),
)
# With --big, the small sizes are England too (fewer people, so sparser): the
# big one is beyond the independent solver, these check the same kind.
BIG_SIZES = ((2_000, 15_000, True), (100_000, 750_000, False))


def child(args: argparse.Namespace) -> None:
    result = run_one(
        args.requests, args.helpers, big=args.country, seed=args.seed, check=args.check
    )
    print(json.dumps(result))


def show(result: dict[str, Any]) -> None:
    best, base = result["best"], result["greedy"]
    print(
        f"{result['requests']:>7} requests x {result['helpers']:>7} helpers: "
        f"{result['seconds']:.2f} s, peak {result['peak_mb']} MB, "
        f"{result['candidate_pairs']} candidate pairs"
    )
    for name, m in (("  best plan", best), ("  greedy   ", base)):
        print(
            f"{name}: matched {m['matched']}, priority {m['priority']}, "
            f"cost {m['cost']}, distance {m['distance_km']} km, "
            f"helpers used {m['helpers_used']}, Gini of visits {m['gini']}"
        )
    check = result.get("check")
    if isinstance(check, dict):
        verdict = "equal" if check["equal"] else "DIFFERENT"
        print(
            f"  independent (brute-force pairs, scipy MILP/HiGHS, "
            f"{check['seconds']} s): priority {check['priority']}, "
            f"cost {check['cost']}: {verdict}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", action="store_true", help="100,000 x 750,000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--helpers", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--country", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    print(PARAMETERS)
    print(
        "Seconds: the whole of engine.solve (arrays from the dataclasses, "
        "candidate pairs, both flow phases, the plan), not making the problem "
        "or JSON. Peak: the process's peak memory up to the end of solve, "
        "making the problem included; each size runs in a process of its own."
    )
    print()
    results = []
    for n_requests, n_helpers, check in BIG_SIZES if args.big else DEFAULT_SIZES:
        country = args.big
        command = [
            sys.executable,
            __file__,
            "--child",
            "--seed",
            str(args.seed),
            "--requests",
            str(n_requests),
            "--helpers",
            str(n_helpers),
        ]
        command += ["--country"] * country + ["--check"] * check
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])
        show(result)
        results.append(result)

    checks = [r["check"] for r in results if "check" in r]
    passed = sum(bool(c["equal"]) for c in checks)
    ok = True
    if args.big:
        big = results[-1]
        ok &= target("match_big_seconds", float(big["seconds"]), 60, "<=")
        ok &= target("match_big_peak_mb", float(big["peak_mb"]), 8192, "<=")
    else:
        ten = next(r for r in results if r["requests"] == 10_000)
        ok &= target("match_10k_seconds", float(ten["seconds"]), 2, "<=")
    ok &= target("optimal", passed, len(checks), ">=")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
