"""How fast a participatory budgeting heading is counted, by both methods.

    .venv/bin/python bench/budgeting.py            # 100,000 ballots, 60 projects
    .venv/bin/python bench/budgeting.py --seed 7

Makes a synthetic heading: 60 projects costing £5,000 to £120,000 for an
amount of £1,000,000, and 100,000 approval ballots (choose up to 5). Voters
live in four districts of unequal size; each district has favourite
projects (Zipf-like popularity within it) and a voter picks mostly from
their own district's list, sometimes from the whole list. Then counts it
with ``kith.budgeting.counting``: greedy by votes, and the Method of Equal
Shares with "add1" and greedy completion, in exact fractions. Prints each
method's seconds (the count only, not making the ballots), winners and
money spent, how many "add1" steps equal shares took, and the process's
peak memory.

Targets (2 cores): greedy under 2 s, equal shares under 30 s, memory under
1 GB. Needs no database.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import peak_rss_mb, target

from kith.budgeting.counting import (
    Election,
    Project,
    count_equal_shares,
    count_greedy,
)

PROJECTS = 60
BALLOTS = 100_000
AMOUNT = 1_000_000
MAX_CHOICES = 5
DISTRICT_SHARES = (0.45, 0.3, 0.15, 0.1)


def make_election(seed: int) -> Election:
    rng = random.Random(seed)
    keys = [f"P{i:02d}" for i in range(PROJECTS)]
    projects = tuple(
        Project(key, rng.randrange(5_000, 120_001, 500), i)
        for i, key in enumerate(keys)
    )
    # Each district's projects, most popular first.
    shuffled = rng.sample(keys, len(keys))
    per = len(keys) // len(DISTRICT_SHARES)
    districts = [shuffled[d * per : (d + 1) * per] for d in range(len(DISTRICT_SHARES))]
    weights = [[1 / (rank + 1) for rank in range(len(d))] for d in districts]
    ballots: list[frozenset[str]] = []
    for _ in range(BALLOTS):
        d = rng.choices(range(len(districts)), DISTRICT_SHARES)[0]
        size = rng.randint(1, MAX_CHOICES)
        chosen = set()
        while len(chosen) < size:
            if rng.random() < 0.15:
                chosen.add(rng.choice(keys))
            else:
                chosen.add(rng.choices(districts[d], weights[d])[0])
        ballots.append(frozenset(chosen))
    return Election(amount=AMOUNT, projects=projects, ballots=ballots, draw=tuple(keys))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    election = make_election(args.seed)
    print(
        f"{len(election.ballots):,} ballots over {len(election.projects)} "
        f"projects, £{election.amount:,} (seed {args.seed})"
    )

    start = time.perf_counter()
    greedy = count_greedy(election)
    greedy_seconds = time.perf_counter() - start
    print(
        f"greedy: {greedy_seconds:.2f} s, {len(greedy.winners)} winners, "
        f"£{greedy.spent:,} spent, £{greedy.left:,} left"
    )

    start = time.perf_counter()
    shares = count_equal_shares(election)
    shares_seconds = time.perf_counter() - start
    steps = (
        (shares.share - election.amount / len(election.ballots)) if shares.share else 0
    )
    print(
        f"equal shares: {shares_seconds:.2f} s, {len(shares.winners)} winners "
        f"({len(shares.completed)} by greedy completion), £{shares.spent:,} "
        f"spent, £{shares.left:,} left, share £{float(shares.share or 0):.2f} "
        f"per voter after {steps:.0f} add1 steps"
    )
    both = set(greedy.winners) & set(shares.winners)
    print(f"winners in common: {len(both)}")

    ok = target("budgeting_greedy_seconds", greedy_seconds, 2, "<=")
    ok &= target("budgeting_equal_shares_seconds", shares_seconds, 30, "<=")
    ok &= target("budgeting_peak_rss_mb", peak_rss_mb(), 1024, "<=")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
