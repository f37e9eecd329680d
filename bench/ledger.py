"""How many credit transfers a second the ledger's services make with 8
processes at once, beside pgbench's TPC-B-like rate on the same server.

Builds a locality with --members members (each topped up) and --helpers
helpers, then starts --workers processes that, for --seconds, settle visits
(member to helper, through ``visit_credits_settle``) and record top-ups (through
``topup_record``, one transfer in ten, each from a shard of the outside
world) on that shared set of accounts, with a few hot members that many
settlements hit. Afterwards it checks the ledger: every balance
equals the sum of its entries, every transfer sums to zero, all balances sum
to zero, and the number of transfers is the number the workers made.

Then a second scenario, the realistic mix (``MIX``: settlements, top-ups,
gifts, grants, corrections, retries of an earlier key and refusals for lack
of credit), on the same accounts for as long, timing each kind of operation.
Targets: a top-up, a gift and a grant each take at most 1.5 times a
settlement's median (``ledger_<kind>_cost``).

On PostgreSQL (DATABASE_URL set) it also runs ``pgbench -i`` and
``pgbench -c 8 -T <seconds>`` in a scratch database (kith_pgbench, dropped
afterwards) on the same server, before, between and after the two
scenarios, and prints each scenario's ratio to the pgbench runs beside it.
Targets: at least a third of pgbench's rate, for each scenario
(``ledger_ratio``, ``ledger_mix_ratio``).

    .venv/bin/python bench/ledger.py [--workers 8] [--seconds 20]

On SQLite it measures the service rate against the SQLite file and says
pgbench does not apply.

What limits the rate (PostgreSQL, 2 cores shared with other work): a
transfer is one statement in its own transaction (kith.credits.services,
``_STATEMENT``), so, as for pgbench, most of each one is waiting for the WAL
to reach the disk at commit; then the Python in each worker (Django, the
service's checks, the audit values: about 0.5 ms of CPU a transfer of any
of the four kinds, measured one process alone, against pgbench's C client);
then transfers queueing on the hot rows (the hot members; the outside world
and the pot are eight rows each, ADR 0024, so top-ups, grants and gifts
rarely queue on them). pgbench's own rate swings by half from one minute to
the next on a shared machine,
which is why it runs before and after the ledger and the two are averaged.
"""

import argparse
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_label, django_setup, peak_rss_mb

# A database of our own, so another benchmark running at the same time (which
# uses kith_bench) is not dropped from under us, nor we from under it.
os.environ.setdefault("KITH_BENCH_DATABASE", "kith_bench_ledger")
PGBENCH_DATABASE = "kith_pgbench"
#: Members buy credits in bundles (the demo's top-ups are 2 to 10 credits) and
#: spend them a visit at a time, so about one transfer in ten is a top-up.
#: Every top-up moves credits out of one of the outside world's shards.
TOPUP_SHARE = 0.1
#: The share of settlements for the few hot members (--hot, default 4):
#: members who have help several times a week.
HOT_SHARE = 0.3
GOAL_RATIO = 1 / 3


def build(members: int, helpers: int, hot: int) -> dict:
    """A locality, its people, and every member topped up."""
    from datetime import date

    from django.contrib.auth.hashers import make_password

    from kith.accounts.models import Role, RoleAssignment, User
    from kith.credits import services
    from kith.helpers.models import HelperProfile
    from kith.members.models import Membership, MembershipPlan
    from kith.places.models import Locality

    locality = Locality.objects.create(
        name="Bench Circle", slug="bench", council_name="Bench Council", phone="1"
    )
    coordinator = User.objects.create(full_name="Bench Coordinator", email="c@b.test")
    RoleAssignment.objects.create(
        user=coordinator, locality=locality, role=Role.COORDINATOR
    )
    officer = User.objects.create(full_name="Bench Officer", email="o@b.test")
    RoleAssignment.objects.create(
        user=officer, locality=locality, role=Role.COUNCIL_OFFICER
    )
    plan = MembershipPlan.objects.create(
        locality=locality, name="Full", yearly_fee_pence=3000, concession_fee_pence=0
    )
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(full_name=f"Person {n}", home_locality=locality, password=unusable)
            for n in range(members + helpers)
        ]
    )
    people = list(
        User.objects.filter(home_locality=locality, password=unusable).order_by("pk")
    )
    member_people, helper_people = people[:members], people[members:]
    Membership.objects.bulk_create(
        [
            Membership(
                person=person,
                locality=locality,
                plan=plan,
                status="active",
                joined_how="phone",
                started_on=date(2026, 1, 1),
                # Every fourth member is on a concession: the council's
                # grants are for them.
                concession=n % 4 == 0,
            )
            for n, person in enumerate(member_people)
        ]
    )
    HelperProfile.objects.bulk_create(
        [
            HelperProfile(
                user=person,
                locality=locality,
                status="active",
                date_of_birth=date(1980, 1, 1),
                pay_basis="paid" if n % 2 else "volunteer",
                right_to_work=True,
                application_channel="phone",
                approved_at=coordinator.date_joined,
            )
            for n, person in enumerate(helper_people)
        ]
    )
    # The last member never buys credits: what is asked of them is refused
    # for lack of credit (the mix's refusals).
    empty = member_people.pop()
    # Enough credit that few settlements are refused: 100 hours each, and
    # five times that for the hot members (the first --hot).
    for n, person in enumerate(member_people):
        for bundle in range(5 if n < hot else 1):
            services.topup_record(
                actor=coordinator,
                locality=locality,
                member=person,
                minutes=6000,
                amount_pence=95000,
                method="bank",
                reference="BENCH",
                key=f"start:{person.pk}:{bundle}",
            )
    # Volunteer helpers start with credits earned, to give away.
    for n, person in enumerate(helper_people):
        if n % 2 == 0:
            services.visit_credits_settle(
                actor=None,
                locality=locality,
                visit_key=f"start:{person.pk}",
                member=member_people[n % len(member_people)],
                helper=person,
                minutes=600,
                description="earlier visits",
                occurred_on=date(2026, 2, 1),
            )
    return {
        "locality_id": locality.pk,
        "coordinator_id": coordinator.pk,
        "officer_id": officer.pk,
        "member_ids": [p.pk for p in member_people],
        "empty_id": empty.pk,
        "helper_ids": [p.pk for p in helper_people],
    }


def wait_for_start(start: Any) -> float:
    """Say this worker is ready, and wait until every worker is: returns
    the moment they all start. On a busy machine starting eight Python
    processes with Django can take longer than any fixed head start."""
    ready, go, at = start
    ready.put(os.getpid())
    go.wait()
    return float(at.value)


def work(index: int, start: Any, seconds: float, ids: dict, hot: int) -> dict:
    """One worker process: settle visits and record top-ups until the time is
    up. Returns what it did."""
    django_setup(fresh=False)
    from datetime import date

    from django.conf import settings
    from django.db import connection

    # common.django_setup runs in development mode, where Django keeps a copy
    # of every query; production does not, so neither does the measurement.
    settings.DEBUG = False

    from kith.accounts.models import User
    from kith.core.errors import ApplicationError
    from kith.credits import services
    from kith.places.models import Locality

    rng = random.Random(index)
    locality = Locality.objects.get(pk=ids["locality_id"])
    coordinator = User.objects.get(pk=ids["coordinator_id"])
    by_pk = User.objects.in_bulk(ids["member_ids"] + ids["helper_ids"])
    members = [by_pk[pk] for pk in ids["member_ids"]]
    helpers = [by_pk[pk] for pk in ids["helper_ids"]]
    hot_members = members[:hot]
    day = date(2026, 3, 3)
    done = {"ok": 0, "limit": 0, "errors": 0, "latencies": []}
    connection.ensure_connection()
    start_at = wait_for_start(start)
    time.sleep(max(0.0, start_at - time.time()))
    deadline = start_at + seconds
    n = 0
    while time.time() < deadline:
        n += 1
        began = time.perf_counter()
        try:
            if rng.random() < TOPUP_SHARE:
                member = rng.choice(hot_members if rng.random() < 0.5 else members)
                services.topup_record(
                    actor=coordinator,
                    locality=locality,
                    member=member,
                    minutes=600,
                    amount_pence=9500,
                    method="cash",
                    key=f"w{index}:t{n}",
                )
            else:
                member = rng.choice(
                    hot_members if rng.random() < HOT_SHARE else members
                )
                services.visit_credits_settle(
                    actor=None,
                    locality=locality,
                    visit_key=f"w{index}:{n}",
                    member=member,
                    helper=rng.choice(helpers),
                    minutes=rng.choice([30, 45, 60, 90]),
                    description="odd jobs",
                    occurred_on=day,
                )
        except ApplicationError:
            done["limit"] += 1
        except Exception as exc:  # counted and shown: the run then fails
            done["errors"] += 1
            if done["errors"] <= 3:
                print(f"worker {index}: {type(exc).__name__}: {exc}", flush=True)
        else:
            done["ok"] += 1
            done["latencies"].append(time.perf_counter() - began)
    connection.close()
    return done


#: The realistic mix (issue 14): what a circle's day of credits looks like,
#: by share of operations. "retry" repeats an earlier operation with its key
#: (a double click or a retried request: no new transfer); "refused" asks
#: for more than a member has (refused, nothing written).
MIX = (
    ("settle", 0.55),
    ("topup", 0.12),
    ("gift", 0.08),
    ("grant", 0.06),
    ("reversal", 0.04),
    ("retry", 0.08),
    ("refused", 0.07),
)
#: Kinds whose cost is compared with a settlement's (goal: at most 1.5 ×).
COMPARED = ("topup", "gift", "grant")
GOAL_COST = 1.5


def work_mix(index: int, start: Any, seconds: float, ids: dict, hot: int) -> dict:
    """One worker of the realistic mix. Returns, per kind of operation, how
    many were made and how long each took, and the transfers written."""
    django_setup(fresh=False)
    from datetime import date

    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False

    from kith.accounts.models import User
    from kith.core.errors import ApplicationError
    from kith.credits import services
    from kith.credits.models import Transfer
    from kith.places.models import Locality

    rng = random.Random(1000 + index)
    locality = Locality.objects.get(pk=ids["locality_id"])
    coordinator = User.objects.get(pk=ids["coordinator_id"])
    officer = User.objects.get(pk=ids["officer_id"])
    by_pk = User.objects.in_bulk(
        ids["member_ids"] + ids["helper_ids"] + [ids["empty_id"]]
    )
    members = [by_pk[pk] for pk in ids["member_ids"]]
    empty = by_pk[ids["empty_id"]]
    concession = members[::4]
    helpers = [by_pk[pk] for pk in ids["helper_ids"]]
    volunteers = helpers[::2]
    hot_members = members[:hot]
    day = date(2026, 3, 3)
    kinds = [kind for kind, _share in MIX]
    weights = [share for _kind, share in MIX]
    done: dict = {
        "latencies": {kind: [] for kind in kinds},
        "made": 0,
        "refused": 0,
        "errors": 0,
    }
    made_keys: list[tuple[str, dict]] = []
    settled: list[Transfer] = []
    connection.ensure_connection()
    start_at = wait_for_start(start)
    time.sleep(max(0.0, start_at - time.time()))
    deadline = start_at + seconds
    n = 0
    while time.time() < deadline:
        n += 1
        kind = rng.choices(kinds, weights)[0]
        if kind == "retry" and not made_keys:
            kind = "settle"
        if kind == "reversal" and not settled:
            kind = "settle"
        began = time.perf_counter()
        try:
            if kind == "settle":
                member = rng.choice(
                    hot_members if rng.random() < HOT_SHARE else members
                )
                call = {
                    "service": "visit_credits_settle",
                    "actor": None,
                    "locality": locality,
                    "visit_key": f"m{index}:{n}",
                    "member": member,
                    "helper": rng.choice(helpers),
                    "minutes": rng.choice([30, 45, 60, 90]),
                    "description": "odd jobs",
                    "occurred_on": day,
                }
            elif kind == "topup":
                call = {
                    "service": "topup_record",
                    "actor": coordinator,
                    "locality": locality,
                    "member": rng.choice(members),
                    "minutes": 600,
                    "amount_pence": 9500,
                    "method": "cash",
                    "key": f"m{index}:t{n}",
                }
            elif kind == "gift":
                to_member = rng.choice(members) if rng.random() < 0.5 else None
                call = {
                    "service": "gift_give",
                    "actor": coordinator,
                    "locality": locality,
                    "helper": rng.choice(volunteers),
                    "minutes": 15,
                    "key": f"m{index}:g{n}",
                    "to_member": to_member,
                }
            elif kind == "grant":
                call = {
                    "service": "grant_record",
                    "actor": officer,
                    "locality": locality,
                    "member": rng.choice(concession),
                    "minutes": 120,
                    "reason": "winter support",
                    "key": f"m{index}:c{n}",
                }
            elif kind == "reversal":
                call = {
                    "service": "transfer_reverse",
                    "actor": coordinator,
                    "transfer": settled.pop(rng.randrange(len(settled))),
                    "reason": "recorded twice",
                }
            elif kind == "retry":
                call = dict(rng.choice(made_keys)[1])
            else:  # refused: a member with no credit asks for a visit
                call = {
                    "service": "visit_credits_settle",
                    "actor": None,
                    "locality": locality,
                    "visit_key": f"m{index}:r{n}",
                    "member": empty,
                    "helper": rng.choice(helpers),
                    "minutes": 60,
                    "description": "no credit",
                    "occurred_on": day,
                }
            arguments = {k: v for k, v in call.items() if k != "service"}
            transfer = getattr(services, call["service"])(**arguments)
        except ApplicationError:
            done["refused"] += 1
            done["latencies"][kind].append(time.perf_counter() - began)
        except Exception as exc:  # counted and shown: the run then fails
            done["errors"] += 1
            if done["errors"] <= 3:
                print(
                    f"worker {index}: {kind}: {type(exc).__name__}: {exc}", flush=True
                )
        else:
            done["latencies"][kind].append(time.perf_counter() - began)
            if kind not in ("retry",):
                done["made"] += 1
                if kind != "reversal" and len(made_keys) < 500:
                    made_keys.append((kind, call))
                if kind == "settle":
                    settled.append(transfer)
    connection.close()
    return done


def check_ledger(expected_transfers: int) -> int:
    """Imbalance in minutes (0 when all is well); raises if anything is off."""
    from django.db.models import F, Sum

    from kith.credits.models import Account, Entry, Transfer

    sums = dict(
        Entry.objects.values("account_id")
        .annotate(total=Sum("minutes"))
        .values_list("account_id", "total")
    )
    wrong = [
        (a.pk, a.balance_minutes, sums.get(a.pk, 0))
        for a in Account.objects.all()
        if a.balance_minutes != (sums.get(a.pk) or 0)
    ]
    if wrong:
        raise SystemExit(f"balances differ from their entries: {wrong[:5]}")
    below = Account.objects.filter(
        floor_minutes__isnull=False, balance_minutes__lt=F("floor_minutes")
    ).count()
    if below:
        raise SystemExit(f"{below} accounts are below their limit")
    unbalanced = (
        Entry.objects.values("transfer_id")
        .annotate(total=Sum("minutes"))
        .exclude(total=0)
        .count()
    )
    if unbalanced:
        raise SystemExit(f"{unbalanced} transfers do not sum to zero")
    count = Transfer.objects.count()
    if count != expected_transfers:
        raise SystemExit(
            f"{count} transfers, but the workers made {expected_transfers}"
        )
    return int(Account.objects.aggregate(total=Sum("balance_minutes"))["total"] or 0)


class PgBench:
    """pgbench's TPC-B-like workload in a scratch database on the server of
    ``url``: ``pgbench -i`` once, then ``run()`` as often as wanted; the
    database is dropped by ``close()``."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.maintenance = urlunsplit(parts._replace(path="/postgres"))
        self.env = dict(os.environ)
        self.env.update(
            PGHOST=parts.hostname or "localhost",
            PGPORT=str(parts.port or 5432),
            PGUSER=parts.username or "",
            PGPASSWORD=parts.password or "",
        )
        self._drop()
        self._sql("CREATE DATABASE {}")
        subprocess.run(
            ["pgbench", "-i", "-q", PGBENCH_DATABASE],
            env=self.env,
            check=True,
            capture_output=True,
        )

    def _sql(self, statement: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.maintenance, autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(PGBENCH_DATABASE)))

    def _drop(self) -> None:
        self._sql("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def run(self, clients: int, seconds: int) -> float:
        result = subprocess.run(
            ["pgbench", "-c", str(clients), "-T", str(seconds), PGBENCH_DATABASE],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        found = re.search(
            r"tps = ([0-9.]+) \(without initial connection time\)", result.stdout
        )
        if not found:
            raise SystemExit(f"could not read pgbench's rate:\n{result.stdout}")
        return float(found.group(1))

    def close(self) -> None:
        self._drop()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0
    )


def run_workers(target: Any, args: argparse.Namespace, ids: dict) -> list[dict]:
    """``args.workers`` processes running ``target``, started together once
    every one has set Django up and connected."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(args.workers) as pool:
        start = (manager.Queue(), manager.Event(), manager.Value("d", 0.0))
        runs = [
            pool.apply_async(target, (n, start, args.seconds, ids, args.hot))
            for n in range(args.workers)
        ]
        for _n in range(args.workers):
            start[0].get(timeout=300)
        start[2].value = time.time() + 0.2
        start[1].set()
        return [run.get(timeout=args.seconds + 120) for run in runs]


def run_ledger(args: argparse.Namespace, ids: dict) -> dict:
    """The workers' run: what they made, refused and failed, and how long
    each transfer took."""
    results = run_workers(work, args, ids)
    return {
        "made": sum(r["ok"] for r in results),
        "refused": sum(r["limit"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "latencies": [t for r in results for t in r["latencies"]],
    }


def run_mix(args: argparse.Namespace, ids: dict) -> dict:
    results = run_workers(work_mix, args, ids)
    latencies: dict[str, list[float]] = {kind: [] for kind, _share in MIX}
    for result in results:
        for kind, values in result["latencies"].items():
            latencies[kind].extend(values)
    return {
        "made": sum(r["made"] for r in results),
        "refused": sum(r["refused"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "latencies": latencies,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--helpers", type=int, default=40)
    parser.add_argument("--hot", type=int, default=4, help="members most visits hit")
    args = parser.parse_args()

    django_setup()
    from django.db import connection

    from kith.credits.models import Transfer

    print(f"database: {database_label()}")
    ids = build(args.members, args.helpers, args.hot)
    before = Transfer.objects.count()
    postgres = connection.vendor == "postgresql"
    connection.close()

    pgbench = None
    pgbench_rates: list[float] = []
    if postgres and shutil.which("pgbench"):
        # pgbench runs before, between and after the two scenarios, and each
        # is compared with the mean of the runs beside it: on a shared
        # machine the server's speed drifts within a minute.
        pgbench = PgBench(os.environ["DATABASE_URL"])
        pgbench_rates.append(pgbench.run(args.workers, args.seconds))
    try:
        run = run_ledger(args, ids)
        if pgbench is not None:
            pgbench_rates.append(pgbench.run(args.workers, args.seconds))
        before_mix = Transfer.objects.count()
        connection.close()
        mix = run_mix(args, ids)
        if pgbench is not None:
            pgbench_rates.append(pgbench.run(args.workers, args.seconds))
    finally:
        if pgbench is not None:
            pgbench.close()

    rate = run["made"] / args.seconds
    imbalance = check_ledger(before + run["made"] + mix["made"])
    mix_rate = mix["made"] / args.seconds
    print(
        f"settlements: {run['made']} transfers in {args.seconds} s with "
        f"{args.workers} processes = {rate:.0f} transfers/s; {run['refused']} "
        f"refused for lack of credit; {run['errors']} errors"
    )
    print(
        f"latency: median {percentile(run['latencies'], 0.5) * 1000:.1f} ms, "
        f"95th percentile {percentile(run['latencies'], 0.95) * 1000:.1f} ms"
    )
    print(
        f"realistic mix: {mix['made']} transfers in {args.seconds} s = "
        f"{mix_rate:.0f} transfers/s (after {before_mix - before} settlements); "
        f"{mix['refused']} refused; {mix['errors']} errors"
    )
    settle_p50 = percentile(mix["latencies"]["settle"], 0.5)
    for kind, _share in MIX:
        values = mix["latencies"][kind]
        print(
            f"  {kind:9} {len(values):6} timed, median "
            f"{percentile(values, 0.5) * 1000:6.1f} ms, 95th percentile "
            f"{percentile(values, 0.95) * 1000:6.1f} ms"
        )
    print(f"imbalance after the runs: {imbalance} minutes (balances equal entries)")
    print(f"peak memory (main process): {peak_rss_mb():.0f} MB")
    if run["errors"] or mix["errors"]:
        raise SystemExit(
            f"{run['errors'] + mix['errors']} transfers failed with an error"
        )
    if imbalance:
        raise SystemExit("the ledger does not balance")
    for kind in COMPARED:
        cost = percentile(mix["latencies"][kind], 0.5) / settle_p50 if settle_p50 else 0
        print(
            f"target ledger_{kind}_cost: {cost:.2f} (goal <= {GOAL_COST:.2f}) "
            f"{'met' if cost <= GOAL_COST else 'missed'}"
        )
    if not postgres:
        print(
            "pgbench: not applicable on SQLite (it needs PostgreSQL); set "
            "DATABASE_URL to compare with it"
        )
        print(f"ledger_tps_sqlite: {rate:.0f} (no goal: the ratio is for PostgreSQL)")
        print(f"ledger_mix_tps_sqlite: {mix_rate:.0f} (no goal)")
        return
    if not pgbench_rates:
        print("pgbench is not installed (postgresql-client): no ratio to give")
        return
    tps = sum(pgbench_rates[:2]) / 2
    mix_tps = sum(pgbench_rates[1:]) / 2
    print(
        f"pgbench: TPC-B-like, scale 1, -c {args.workers} -T {args.seconds}: "
        + ", ".join(f"{r:.0f}" for r in pgbench_rates)
        + " transactions/s (before, between and after)"
    )
    # common.target() rounds to one decimal place; a ratio needs two.
    for name, value, against in (
        ("ledger_ratio", rate, tps),
        ("ledger_mix_ratio", mix_rate, mix_tps),
    ):
        ratio = value / against
        print(
            f"target {name}: {ratio:.2f} (goal >= {GOAL_RATIO:.2f}) "
            f"{'met' if ratio >= GOAL_RATIO else 'missed'}"
        )


if __name__ == "__main__":
    main()
