"""The pot and the outside world are several rows (shards, ADR 0024): each
transfer uses the one its key chooses, every balance shown or checked is
their sum, each shard keeps its own floor, and who may give or receive is
checked as the credits move, with nothing left behind by a refusal."""

import itertools
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.credits import selectors, services
from kith.credits.models import SHARED_ACCOUNT_SHARDS, Account, Entry, Transfer
from kith.credits.tests.factories import assert_ledger_balances
from kith.places.models import Locality


def keys_for_shards(prefix: str, count: int) -> list[str]:
    """``count`` keys that fall on ``count`` different shards."""
    found: dict[int, str] = {}
    for n in itertools.count():
        key = f"{prefix}{n}"
        found.setdefault(services.shard_for(key), key)
        if len(found) == count:
            return list(found.values())
    raise AssertionError  # pragma: no cover


def topup(testford, person, minutes, key):
    return services.topup_record(
        actor=testford.coordinator,
        locality=testford.locality,
        member=person,
        minutes=minutes,
        amount_pence=1500,
        method="cash",
        key=key,
    )


def earn(testford, joan, sam, minutes):
    topup(testford, joan.person, minutes, "earn-topup")
    services.visit_credits_settle(
        actor=testford.coordinator,
        locality=testford.locality,
        visit_key="earn",
        member=joan.person,
        helper=sam,
        minutes=minutes,
        description="gardening",
        occurred_on=date(2026, 3, 3),
    )


def give_to_pot(testford, sam, minutes, key):
    return services.gift_give(
        actor=sam, locality=testford.locality, helper=sam, minutes=minutes, key=key
    )


def pot(testford) -> int:
    return services.shared_balance_minutes(locality=testford.locality, kind="pot")


def test_a_transfer_uses_the_shard_its_key_chooses_and_a_retry_the_same(testford, joan):
    keys = keys_for_shards("t", 3)
    for key in keys:
        made = topup(testford, joan.person, 60, key)
        again = topup(testford, joan.person, 60, key)
        assert again.pk == made.pk
        outside = made.entries.get(account__kind="outside").account
        assert outside.shard == services.shard_for(key)
    # Every shard of both exists, the first use made them all.
    assert Account.objects.filter(kind="outside").count() == SHARED_ACCOUNT_SHARDS
    assert Account.objects.filter(kind="pot").count() == SHARED_ACCOUNT_SHARDS
    assert (
        services.shared_balance_minutes(locality=testford.locality, kind="outside")
        == -180
    )
    assert Transfer.objects.count() == 3
    assert_ledger_balances(testford.locality)


def test_the_pot_shown_anywhere_is_the_sum_of_its_shards(client, testford, joan, sam):
    earn(testford, joan, sam, 180)
    first, second = keys_for_shards("gift", 2)
    give_to_pot(testford, sam, 60, first)
    give_to_pot(testford, sam, 120, second)
    shards = Account.objects.filter(kind="pot", balance_minutes__gt=0)
    assert sorted(s.balance_minutes for s in shards) == [60, 120]
    assert pot(testford) == 180

    client.force_login(testford.coordinator)
    listing = client.get(reverse("credits:accounts")).content.decode()
    assert "3 credits" in listing  # the pot: 60 + 120 minutes
    # The pot's statement, reached from any of its shards, shows both gifts
    # and the whole balance.
    for shard in Account.objects.filter(kind="pot"):
        page = client.get(reverse("credits:account", args=[shard.pk])).content
        text = page.decode()
        assert text.count("Sam Okafor") >= 2, text
        assert "3 credits" in text
    whole = Account.objects.get(kind="pot", shard=0)
    assert selectors.balance_summary(whole, testford.locality).minutes == 180
    assert selectors.balance_summary(whole, testford.locality).spendable == ("3 hours")
    entries = selectors.statement_entries(account=whole).object_list
    assert sorted(e.minutes for e in entries) == [60, 120]
    assert entries[0].balance_then == 180


def test_reversing_a_gift_takes_from_the_shard_it_went_to(testford, joan, sam):
    earn(testford, joan, sam, 120)
    first, second = keys_for_shards("gift", 2)
    gift = give_to_pot(testford, sam, 60, first)
    give_to_pot(testford, sam, 60, second)
    into = gift.entries.get(account__kind="pot").account
    correction = services.transfer_reverse(
        actor=testford.coordinator, transfer=gift, reason="given by mistake"
    )
    assert correction.entries.get(account__kind="pot").account == into
    into.refresh_from_db()
    assert into.balance_minutes == 0
    assert pot(testford) == 60
    assert_ledger_balances(testford.locality)


def test_no_shard_of_the_pot_can_go_below_nothing(testford, joan, sam):
    earn(testford, joan, sam, 60)
    give_to_pot(testford, sam, 60, "g1")
    for shard in Account.objects.filter(kind="pot"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Account.objects.filter(pk=shard.pk).update(
                balance_minutes=shard.balance_minutes - 61
            )
    assert pot(testford) == 60


def test_a_second_row_for_the_same_shard_is_refused(testford, joan):
    topup(testford, joan.person, 60, "t1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(
            locality=testford.locality, kind="pot", shard=3, floor_minutes=0
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(
            locality=testford.locality, kind="member", person=joan.person, shard=1
        )


def test_a_top_up_for_someone_who_is_not_a_member_changes_nothing(testford):
    stranger = User.objects.create(full_name="Not A Member")
    with pytest.raises(ApplicationError, match="Only members of the circle"):
        topup(testford, stranger, 60, "t1")
    # Refused before any account was made for them.
    assert not Account.objects.filter(person=stranger).exists()
    assert not Transfer.objects.exists()


def test_a_member_who_left_is_refused_a_top_up_even_with_an_account(testford, joan):
    topup(testford, joan.person, 60, "t1")
    joan.status = "left"
    joan.save(update_fields=["status"])
    with pytest.raises(ApplicationError, match="Only members of the circle"):
        topup(testford, joan.person, 60, "t2")
    assert Transfer.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="on SQLite the steps are separate statements in one transaction",
)
@pytest.mark.parametrize("kind", ["topup", "grant", "gift"])
def test_a_top_up_grant_or_gift_is_one_statement_with_no_read_before(
    testford, joan, iris, sam, kind
):
    earn(testford, joan, sam, 60)
    topup(testford, iris.person, 60, "before")  # every account exists
    services.gift_give(
        actor=sam,
        locality=testford.locality,
        helper=sam,
        minutes=15,
        key="before-gift",
        to_member=joan.person,
    )
    calls = {
        "topup": lambda: topup(testford, joan.person, 60, "t-now"),
        "grant": lambda: services.grant_record(
            actor=testford.council_officer,
            locality=testford.locality,
            member=iris.person,
            minutes=60,
            reason="winter",
            key="c-now",
        ),
        "gift": lambda: services.gift_give(
            actor=sam,
            locality=testford.locality,
            helper=sam,
            minutes=15,
            key="g-now",
            to_member=joan.person,
        ),
    }
    services.grant_record(  # the officer's roles, read once a request
        actor=testford.council_officer,
        locality=testford.locality,
        member=iris.person,
        minutes=60,
        reason="winter",
        key="c-before",
    )
    with CaptureQueriesContext(connection) as queries:
        calls[kind]()
    # Inside the test's transaction the statement runs in a savepoint.
    statements = [
        q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]
    ]
    assert len(statements) == 1, statements


# --- the migration ------------------------------------------------------------

BEFORE = [("credits", "0003_transfer_kind_leaving")]
AFTER = [("credits", "0005_account_shards_made")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_balance_and_makes_the_shards():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    try:
        # Only the ledger went back: people and places are as they are now.
        locality = Locality.objects.create(slug="old", name="Old Circle")
        person = User.objects.create(email="amy@example.com", full_name="Amy")
        account = old.get_model("credits", "Account")
        outside = account.objects.create(
            locality_id=locality.pk, kind="outside", balance_minutes=-90
        )
        pot_row = account.objects.create(
            locality_id=locality.pk, kind="pot", balance_minutes=30, floor_minutes=0
        )
        member = account.objects.create(
            locality_id=locality.pk,
            kind="member",
            person_id=person.pk,
            balance_minutes=60,
            floor_minutes=0,
        )
        transfer = old.get_model("credits", "Transfer").objects.create(
            locality_id=locality.pk, key="old-topup", kind="topup"
        )
        entry = old.get_model("credits", "Entry")
        # One statement: PostgreSQL refuses entries that do not sum to zero.
        entry.objects.bulk_create(
            [
                entry(
                    transfer=transfer, account=outside, minutes=-90, balance_after=-90
                ),
                entry(transfer=transfer, account=member, minutes=60, balance_after=60),
                entry(transfer=transfer, account=pot_row, minutes=30, balance_after=30),
            ]
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        shards = new.get_model("credits", "Account").objects.filter(
            locality_id=locality.pk, person__isnull=True
        )
        by_kind = {
            kind: sorted(
                (s.shard, s.pk, s.balance_minutes, s.floor_minutes)
                for s in shards
                if s.kind == kind
            )
            for kind in ("pot", "outside")
        }
        assert by_kind["outside"][0] == (0, outside.pk, -90, None)
        assert by_kind["pot"][0] == (0, pot_row.pk, 30, 0)
        for kind, floor in (("outside", None), ("pot", 0)):
            assert [s[0] for s in by_kind[kind]] == list(range(8))
            assert {(s[2], s[3]) for s in by_kind[kind][1:]} == {(0, floor)}
        kept = new.get_model("credits", "Account").objects.get(pk=member.pk)
        assert (kept.shard, kept.balance_minutes) == (0, 60)

        # Back again while the new shards are empty: they go, nothing else.
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        assert account.objects.filter(locality_id=locality.pk).count() == 3

        # Once credits have moved through a new shard, it cannot go back.
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        new_account = new.get_model("credits", "Account")
        shard = new_account.objects.get(locality_id=locality.pk, kind="pot", shard=5)
        new_entry = new.get_model("credits", "Entry")
        moved = new.get_model("credits", "Transfer").objects.create(
            locality_id=locality.pk, key="new-gift", kind="adjustment"
        )
        new_entry.objects.bulk_create(
            [
                new_entry(
                    transfer=moved, account_id=member.pk, minutes=-15, balance_after=45
                ),
                new_entry(transfer=moved, account=shard, minutes=15, balance_after=15),
            ]
        )
        executor = MigrationExecutor(connection)
        with pytest.raises(RuntimeError, match="cannot be reversed"):
            executor.migrate(BEFORE)
        assert new_account.objects.filter(locality_id=locality.pk).count() == 17
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )


def test_an_entry_names_one_row_and_the_statement_every_shard(testford, joan, sam):
    """A pot statement's lines each name the helper on the other side, not
    another shard of the pot."""
    earn(testford, joan, sam, 120)
    for key in keys_for_shards("gift", 2):
        give_to_pot(testford, sam, 60, key)
    whole = Account.objects.get(kind="pot", shard=0)
    lines = selectors.statement_lines(
        account=whole,
        entries=list(selectors.statement_entries(account=whole).object_list),
    )
    assert len(lines) == 2
    assert Entry.objects.filter(account__kind="pot").count() == 2
    assert all("Sam Okafor" in line.text for line in lines), lines


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="on SQLite the steps are separate statements in one transaction",
)
def test_a_retry_and_a_refusal_each_cost_no_more_than_they_must(testford, joan, sam):
    """A retry: the statement (which finds the key taken and locks nothing)
    and one read of the earlier transfer. A refusal for lack of credit: the
    statement alone, the member named from what the caller passed."""
    first = topup(testford, joan.person, 60, "t1")

    def statements(call):
        with CaptureQueriesContext(connection) as queries:
            result = call()
        return result, [
            q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]
        ]

    again, sql = statements(lambda: topup(testford, joan.person, 60, "t1"))
    assert again.pk == first.pk
    assert len(sql) == 2, sql

    services.visit_credits_settle(  # Sam's account exists; Joan has 45 minutes
        actor=None,
        locality=testford.locality,
        visit_key="v-first",
        member=joan.person,
        helper=sam,
        minutes=15,
        description="gardening",
        occurred_on=date(2026, 3, 3),
    )

    def too_much():
        with pytest.raises(ApplicationError, match="Joan has 45 minutes of credit"):
            services.visit_credits_settle(
                actor=None,
                locality=testford.locality,
                visit_key="v-too-much",
                member=joan.person,
                helper=sam,
                minutes=120,
                description="gardening",
                occurred_on=date(2026, 3, 3),
            )

    _result, sql = statements(too_much)
    assert len(sql) == 1, sql
    assert Transfer.objects.count() == 2
