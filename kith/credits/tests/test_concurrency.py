"""Many processes settling visits and topping up the same accounts at once,
on PostgreSQL: balances still equal their entries, nobody goes below their
limit, every successful transfer is there exactly once, and a key used by
every process at once moves credits once."""

import multiprocessing
from collections import defaultdict
from datetime import date
from urllib.parse import quote

import pytest
from django.db import connection

from kith.credits import services
from kith.credits.models import Account, Entry, Transfer
from kith.credits.tests import concurrency_worker
from kith.credits.tests.factories import (
    assert_ledger_balances,
    make_helper,
    make_member,
)

PROCESSES = 8
OPERATIONS = 40


def _database_url() -> str:
    s = connection.settings_dict
    user = quote(s.get("USER") or "")
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "localhost"
    port = s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


NEEDS_POSTGRES = (
    "needs PostgreSQL: SQLite serialises every writer with immediate "
    "transactions, so there is no row locking to test"
)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason=NEEDS_POSTGRES)
def test_eight_processes_settle_and_top_up_the_same_accounts(
    transactional_db, testford
):
    locality = testford.locality
    members = [make_member(locality).person for _ in range(4)]
    helpers = [make_helper(locality) for _ in range(2)]
    for n, member in enumerate(members):
        services.topup_record(
            actor=testford.coordinator,
            locality=locality,
            member=member,
            minutes=120,
            amount_pence=1800,
            method="cash",
            key=f"start:{n}",
        )
    before = Transfer.objects.count()
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        runs = [
            pool.apply_async(
                concurrency_worker.settle_and_top_up,
                (_database_url(),),
                {
                    "worker": worker,
                    "operations": OPERATIONS,
                    "locality_id": locality.pk,
                    "member_ids": [m.pk for m in members],
                    "helper_ids": [h.pk for h in helpers],
                    "coordinator_id": testford.coordinator.pk,
                    "seed": worker,
                },
            )
            for worker in range(PROCESSES)
        ]
        results = [outcome for run in runs for outcome in run.get(timeout=300)]
    errors = [r for r in results if r[1].startswith("error")]
    assert errors == []
    made = {pk for _key, outcome, pk in results if outcome == "ok"}
    assert Transfer.objects.count() == before + len(made)
    by_key = defaultdict(set)
    for key, outcome, pk in results:
        if outcome == "ok":
            by_key[key].add(pk)
    # Every key, including those every process used at once, made one transfer.
    assert all(len(pks) == 1 for pks in by_key.values())
    assert any(key.startswith("visit:shared:") for key in by_key)
    assert sum(1 for r in results if r[1] == "limit") > 0, "no limit was reached"
    assert_ledger_balances(locality)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason=NEEDS_POSTGRES)
def test_eight_processes_give_to_and_take_from_the_pot_at_once(
    transactional_db, testford
):
    """Gifts go into the pot's shards while corrections take earlier gifts
    back out, every process trying the same corrections: each gift is
    corrected once, no shard (so not the pot) goes below nothing, and the
    pot holds exactly the gifts not corrected."""
    locality = testford.locality
    member = make_member(locality).person
    helpers = [make_helper(locality) for _ in range(4)]
    services.topup_record(
        actor=testford.coordinator,
        locality=locality,
        member=member,
        minutes=6000,
        amount_pence=90000,
        method="cash",
        key="start",
    )
    for n, helper in enumerate(helpers):
        services.visit_credits_settle(
            actor=None,
            locality=locality,
            visit_key=f"start:{n}",
            member=member,
            helper=helper,
            minutes=1200,
            description="earlier visits",
            occurred_on=date(2026, 3, 3),
        )
    gifts = [
        services.gift_give(
            actor=testford.coordinator,
            locality=locality,
            helper=helpers[n % 4],
            minutes=60,
            key=f"first-gift:{n}",
        )
        for n in range(12)
    ]
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        runs = [
            pool.apply_async(
                concurrency_worker.give_and_reverse,
                (_database_url(),),
                {
                    "worker": worker,
                    "operations": OPERATIONS // 2,
                    "locality_id": locality.pk,
                    "helper_ids": [h.pk for h in helpers],
                    "gift_ids": [g.pk for g in gifts],
                    "coordinator_id": testford.coordinator.pk,
                    "seed": worker,
                },
            )
            for worker in range(PROCESSES)
        ]
        results = [outcome for run in runs for outcome in run.get(timeout=300)]
    assert [r for r in results if r[1].startswith("error")] == []
    corrections = Transfer.objects.filter(kind="reversal")
    assert corrections.count() == corrections.values("reverses").distinct().count()
    assert corrections.count() > 0
    # Every process that tried to correct a gift got the one correction.
    by_key = defaultdict(set)
    for key, outcome, pk in results:
        if outcome == "ok":
            by_key[key].add(pk)
    assert all(len(pks) == 1 for pks in by_key.values())
    kept = Transfer.objects.filter(kind="gift", reversed_by__isnull=True)
    given = sum(
        e.minutes for t in kept for e in t.entries.all() if e.account.kind == "pot"
    )
    shards = Account.objects.filter(locality=locality, kind="pot")
    assert all(shard.balance_minutes >= 0 for shard in shards)
    assert len({e.account_id for e in Entry.objects.filter(account__kind="pot")}) > 1
    assert services.shared_balance_minutes(locality=locality, kind="pot") == given > 0
    assert_ledger_balances(locality)
