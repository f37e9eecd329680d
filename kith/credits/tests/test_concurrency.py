"""Many processes settling visits and topping up the same accounts at once,
on PostgreSQL: balances still equal their entries, nobody goes below their
limit, every successful transfer is there exactly once, and a key used by
every process at once moves credits once."""

import multiprocessing
from collections import defaultdict
from urllib.parse import quote

import pytest
from django.db import connection

from kith.credits import services
from kith.credits.models import Transfer
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
