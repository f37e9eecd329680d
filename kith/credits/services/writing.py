"""Writing a transfer: locking the accounts, checking their floors, and
inserting the transfer, its entries, the balances and the audit event; on
PostgreSQL in one statement, on SQLite in an immediate transaction.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.core import context
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.core.services import audit_record
from kith.credits.models import Account, Entry, Transfer
from kith.credits.services.accounts import Row, _limit_message, account_for
from kith.places.models import Locality


@dataclass(frozen=True)
class Guard:
    """A rule about the people in a transfer (such as "the member's
    membership is current") checked by the database as the transfer is
    written, in the same statement, instead of by a read before it.

    ``sql`` is an SQL boolean expression with ``%s`` placeholders for
    ``params``. ``explain`` is called only when the rule failed: it reads
    what it needs and raises the ApplicationError a person should see, or
    returns if the rule holds after all (it changed in between).
    """

    sql: str
    params: tuple[Any, ...]
    explain: Callable[[], None]


def _explain(guards: Sequence[Guard]) -> None:
    """Raise the reason the first broken guard gives."""
    for guard in guards:
        guard.explain()
    raise ApplicationError(_("The credits could not be moved. Try again."))


def _guards_sql(guards: Sequence[Guard]) -> tuple[str, list[Any]]:
    if not guards:
        return "TRUE", []
    return (
        " AND ".join(f"({guard.sql})" for guard in guards),
        [value for guard in guards for value in guard.params],
    )


def _guards_hold(guards: Sequence[Guard]) -> bool:
    if not guards:
        return True
    sql, params = _guards_sql(guards)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return bool(cursor.fetchone()[0])


#: A transfer already made with a key, and its legs by owner (kind,
#: person id): what a retry is compared with.
Made = tuple[Transfer, dict[tuple[str, int | None], int]]


def _existing(key: str) -> Made | None:
    """The transfer made with ``key`` and its legs, or None: one query (a
    retry's whole cost beyond its own attempt)."""
    entries = list(
        Entry.objects.filter(transfer__key=key)
        .select_related("transfer", "account")
        .order_by("pk")
    )
    if not entries:
        return None
    stored: dict[tuple[str, int | None], int] = {}
    for entry in entries:
        owner = (entry.account.kind, entry.account.person_id)
        stored[owner] = stored.get(owner, 0) + entry.minutes
    return entries[0].transfer, stored


def _same_request(
    made: Made,
    *,
    locality: Locality,
    kind: str,
    legs: list[tuple[Row, int]],
    fields: dict[str, Any],
    occurred_on: date | None,
) -> bool:
    existing, stored = made
    if existing.locality_id != locality.pk or existing.kind != kind:
        return False
    if occurred_on is not None and existing.occurred_on != occurred_on:
        return False
    for name, value in fields.items():
        if getattr(existing, name) != value:
            return False
    # Which shard of the pot or the outside world does not matter: a retry
    # uses the same one anyway, and a person sees one pot.
    return stored == {(k, person_id): m for (k, person_id, _s), m in legs}


def _replay(made: Made, **compare: Any) -> Transfer:
    if not _same_request(made, **compare):
        raise ApplicationError(
            _(
                "This was already done with different details. Nothing has "
                "changed: start again from the beginning."
            ),
            code="key_reused",
        )
    return made[0]


def _write(
    transfer: Transfer,
    legs: list[tuple[Row, int]],
    compare: dict[str, Any],
    guards: Sequence[Guard] = (),
    people: dict[int, User] | None = None,
) -> Transfer:
    """Lock, check, write and audit, inside ``transfer_create``'s atomic
    block: the way on SQLite (PostgreSQL does it all in one statement, see
    ``_write_postgresql``). SQLite's immediate transactions let one writer
    in at a time, so the balances read here cannot change before the write.

    1. Read (and, where the database has row locks, lock in primary-key
       order) every account; check the guards; make any account that is
       missing.
    2. Check the limits. A refusal first looks for the key: a retry is
       answered with the transfer already made, not refused for credit its
       first attempt spent.
    3. Insert the transfer and its entries, move the balances, audit.
    """
    locality = transfer.locality
    owners = [owner for owner, _m in legs]
    locked = _lock_owners(locality, owners)
    if not _guards_hold(guards):
        _explain(guards)
    if len(locked) != len(owners):
        _make_missing(locality, set(owners) - set(locked))
        locked = _lock_owners(locality, owners)
    rows: list[tuple[int, int, int]] = []
    for owner, minutes in legs:
        account_id, balance, floor = locked[owner]
        if minutes < 0 and floor is not None and balance + minutes < floor:
            made = _existing(transfer.key)
            if made is not None:
                return _replay(made, **compare)
            raise ApplicationError(
                _limit_message(owner, balance - floor, -minutes, people), code="limit"
            )
        rows.append((account_id, minutes, balance + minutes))
    _insert(transfer, rows)
    audit_record(
        actor=transfer.actor,
        action=f"credits_{transfer.kind}",
        target=transfer,
        on_behalf_of=transfer.on_behalf_of,
        locality=locality,
        data={"key": transfer.key, "legs": [[a, m] for a, m, _b in rows]},
    )
    return transfer


def _make_missing(locality: Locality, missing: set[Row]) -> None:
    for kind, person_id, shard in sorted(missing, key=str):
        account_for(
            person=User(pk=person_id) if person_id is not None else None,
            locality=locality,
            kind=kind,
            shard=shard,
        )


def _write_postgresql(
    transfer: Transfer,
    legs: list[tuple[Row, int]],
    compare: dict[str, Any],
    guards: Sequence[Guard] = (),
    people: dict[int, User] | None = None,
) -> Transfer:
    """Lock, check, write and audit in one statement (``_STATEMENT``), so on
    PostgreSQL a transfer is one round trip, its own transaction unless the
    caller has one open, and no account stays locked while Python runs.

    The statement writes nothing when the key is taken (a retry: it then
    locks nothing, so waits for nobody), an account is missing, a guard
    fails or a limit would break. It returns the locked balances, whether
    the guards held and whether the key is taken, and here the earlier
    transfer answers, the refusal is explained, or the missing accounts are
    made (then it runs once more). A guard is checked before any account is
    made for it, so a refusal leaves nothing behind.
    """
    for attempt in (1, 2):
        sql, params = _statement(transfer, legs, guards)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        # Always one row at least (the legs are left-joined to it).
        if rows[0][0] is not None:
            transfer.pk = rows[0][0]
            transfer._state.adding = False
            transfer._state.db = connection.alias
            return transfer
        if not rows[0][1]:
            _explain(guards)
        taken = bool(rows[0][2])
        found = {
            (row[3], row[4], row[5]): (row[6], row[7])
            for row in rows
            if row[3] is not None
        }
        if taken:
            break  # a retry: nothing was locked, the earlier transfer answers
        missing = {owner for owner, _m in legs if owner not in found}
        if not missing:
            break
        if attempt == 2:
            raise ApplicationError(_("Every account must exist before credits move."))
        _make_missing(transfer.locality, missing)
    made = _existing(transfer.key) if taken else None
    if made is not None:
        return _replay(made, **compare)
    for owner, minutes in legs:
        balance, floor = found[owner]
        if minutes < 0 and floor is not None and balance + minutes < floor:
            raise ApplicationError(
                _limit_message(owner, balance - floor, -minutes, people), code="limit"
            )
    raise ApplicationError(_("The credits could not be moved. Try again."))


#: One transfer on PostgreSQL. In order, because each part reads the one
#: before: see whether the key is taken (a retry locks nothing); lock the
#: accounts in primary-key order (so two transfers never
#: wait for each other in a circle) and read their balances as they are once
#: locked; check every limit; only then insert the transfer (so a transaction
#: waiting on another's key holds no lock that one needs), its entries, the
#: balances and the audit event. The unique key refuses a second transfer
#: with the same key; the trigger of migration 0002 checks that the entries
#: sum to zero.
#:
#: The new balance is the locked balance plus the change (``legs.after``),
#: the same number the entry records, not ``balance_minutes + change``: the
#: UPDATE reads the row as it was when the statement began, and PostgreSQL
#: checks the row's CHECK constraint on that before it finds the newer row
#: the lock returned, so a balance topped up while this statement waited
#: for its lock would be refused for a limit it does not break. The lock
#: keeps the two the same: nobody else can change a locked balance.
_STATEMENT = """
WITH moves (kind, person_id, shard, minutes) AS (VALUES {moves}),
taken AS MATERIALIZED (
    SELECT EXISTS (SELECT 1 FROM {transfer} WHERE key = %s) AS yes
),
locked AS MATERIALIZED (
    SELECT a.id, a.kind, a.person_id, a.shard, a.balance_minutes, a.floor_minutes
    FROM {account} a
    WHERE a.locality_id = %s AND ({owners}) AND NOT (SELECT yes FROM taken)
    ORDER BY a.id
    FOR UPDATE
),
legs AS (
    SELECT l.id, l.kind, l.person_id, l.shard, l.balance_minutes, l.floor_minutes,
           m.minutes, l.balance_minutes + m.minutes AS after
    FROM locked l
    JOIN moves m ON m.kind = l.kind AND m.person_id IS NOT DISTINCT FROM l.person_id
        AND m.shard = l.shard
),
guard AS MATERIALIZED (SELECT {guards} AS ok),
fits AS (
    SELECT count(*) = %s AND (SELECT ok FROM guard) AS ok FROM legs
    WHERE minutes > 0 OR floor_minutes IS NULL OR after >= floor_minutes
),
t AS (
    INSERT INTO {transfer} (locality_id, key, kind, description, occurred_on,
        created_at, actor_id, on_behalf_of_id, reference_type, reference_id,
        payment_method, payment_reference, amount_pence, paid_by_name, reverses_id)
    SELECT %s::bigint, %s::text, %s::text, %s::text, %s::date,
        %s::timestamptz, %s::bigint, %s::bigint, %s::text, %s::text,
        %s::text, %s::text, %s::integer, %s::text, %s::bigint
    FROM fits WHERE fits.ok
    RETURNING id
),
e AS (
    INSERT INTO {entry} (transfer_id, account_id, minutes, balance_after)
    SELECT t.id, legs.id, legs.minutes, legs.after FROM t, legs
),
u AS (
    UPDATE {account} a SET balance_minutes = legs.after
    FROM legs, t WHERE a.id = legs.id
),
audit AS (
    INSERT INTO {audit} (created_at, actor_id, on_behalf_of_id, action,
        target_type, target_id, target_label, locality_id, ip_address, data)
    SELECT %s::timestamptz, %s::bigint, %s::bigint, %s::text,
        %s::text, t.id::text, left(%s::text || ' ' || t.id || ': ' || %s::text, 200),
        %s::bigint, %s::inet,
        jsonb_build_object('key', %s::text, 'legs',
            (SELECT jsonb_agg(jsonb_build_array(id, minutes) ORDER BY id) FROM legs))
    FROM t
)
SELECT (SELECT id FROM t), (SELECT ok FROM guard), (SELECT yes FROM taken),
    legs.kind, legs.person_id, legs.shard, legs.balance_minutes, legs.floor_minutes
FROM (SELECT 1) AS one LEFT JOIN legs ON TRUE
"""


def _statement(
    transfer: Transfer, legs: list[tuple[Row, int]], guards: Sequence[Guard] = ()
) -> tuple[str, list[Any]]:
    quote = connection.ops.quote_name
    owners, owner_params = _owner_clauses([owner for owner, _m in legs], "a.")
    guard_sql, guard_params = _guards_sql(guards)
    sql = _STATEMENT.format(
        moves=", ".join(
            ["(%s::varchar, %s::bigint, %s::smallint, %s::bigint)"] * len(legs)
        ),
        owners=owners,
        guards=guard_sql,
        account=quote(Account._meta.db_table),
        transfer=quote(Transfer._meta.db_table),
        entry=quote(Entry._meta.db_table),
        audit=quote(AuditEvent._meta.db_table),
    )
    audit = _audit_values(transfer)
    params: list[Any] = [v for row, m in legs for v in (*row, m)]
    params.append(transfer.key)  # taken: a retry locks nothing and waits for nobody
    params += [transfer.locality_id, *owner_params, *guard_params, len(legs)]
    params += [
        transfer.locality_id,
        transfer.key,
        transfer.kind,
        transfer.description,
        transfer.occurred_on,
        transfer.created_at,
        transfer.actor_id,
        transfer.on_behalf_of_id,
        transfer.reference_type,
        transfer.reference_id,
        transfer.payment_method,
        transfer.payment_reference,
        transfer.amount_pence,
        transfer.paid_by_name,
        transfer.reverses_id,
    ]
    params += [
        audit["created_at"],
        audit["actor_id"],
        audit["on_behalf_of_id"],
        f"credits_{transfer.kind}",
        Transfer._meta.label_lower,
        transfer.kind,
        transfer.description,
        audit["locality_id"],
        audit["ip_address"],
        transfer.key,
    ]
    return sql, params


def _audit_values(transfer: Transfer) -> dict[str, Any]:
    """What ``kith.core.services.audit_record`` would record about who did
    this, where from and for whom, for the statement that writes the audit
    event itself. ``test_the_one_statement_audits_as_audit_record_does``
    keeps the two in step."""
    request = context.current()
    actor_id = transfer.actor_id
    behalf_id = transfer.on_behalf_of_id
    if (
        behalf_id is None
        and request.acting_for_id
        and request.acting_for_id != actor_id
    ):
        behalf_id = request.acting_for_id
    return {
        "created_at": timezone.now(),
        "actor_id": actor_id,
        "on_behalf_of_id": behalf_id,
        "locality_id": transfer.locality_id or request.locality_id,
        "ip_address": request.ip_address,
    }


# The hot path is SQL: the ORM would build these statements at several times
# the cost in Python, and under load a transfer's time is mostly Python and
# round trips (see docs/adr/0008-credit-ledger.md and bench/ledger.py).
def _owner_clauses(owners: list[Row], prefix: str) -> tuple[str, list[Any]]:
    """SQL that picks these rows of the account table, and its parameters:
    a person's account by kind and person, a shard of the pot or the
    outside world by kind and shard."""
    clauses: list[str] = []
    params: list[Any] = []
    for kind, person_id, shard in owners:
        if person_id is None:
            clauses.append(
                f"({prefix}kind = %s AND {prefix}person_id IS NULL "
                f"AND {prefix}shard = %s)"
            )
            params += [kind, shard]
        else:
            clauses.append(f"({prefix}kind = %s AND {prefix}person_id = %s)")
            params += [kind, person_id]
    return " OR ".join(clauses), params


def _lock_owners(
    locality: Locality, owners: list[Row]
) -> dict[Row, tuple[int, int, int | None]]:
    """(id, balance, floor) by row of the accounts that exist, locked in
    primary-key order where the database has row locks. SQLite has none: its
    immediate transactions already serialise writers."""
    clauses, owner_params = _owner_clauses(owners, "")
    params: list[Any] = [locality.pk, *owner_params]
    table = connection.ops.quote_name(Account._meta.db_table)
    # Only the table name and placeholders are put into the text.
    sql = (
        f"SELECT id, kind, person_id, shard, balance_minutes, floor_minutes "  # noqa: S608
        f"FROM {table} WHERE locality_id = %s AND ({clauses}) ORDER BY id"
    )
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (row[1], row[2], row[3]): (row[0], row[4], row[5])
            for row in cursor.fetchall()
        }


def _insert(transfer: Transfer, rows: list[tuple[int, int, int]]) -> None:
    """Insert the transfer and its entries, and move the cached balances
    relative to themselves (balance + change, so the cache cannot drift from
    the entries). For SQLite; PostgreSQL uses ``_STATEMENT``."""
    quote = connection.ops.quote_name
    fields = [f for f in Transfer._meta.concrete_fields if not f.primary_key]
    values = [
        f.get_db_prep_save(getattr(transfer, f.attname), connection) for f in fields
    ]
    cases = " ".join(["WHEN %s THEN %s"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Transfer._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})",
            values,
        )
        transfer.pk = cursor.lastrowid
        cursor.execute(
            f"INSERT INTO {quote(Entry._meta.db_table)} "  # noqa: S608
            "(transfer_id, account_id, minutes, balance_after) "
            f"VALUES {', '.join(['(%s, %s, %s, %s)'] * len(rows))}",
            [value for row in rows for value in (transfer.pk, *row)],
        )
        cursor.execute(
            f"UPDATE {quote(Account._meta.db_table)} "  # noqa: S608
            f"SET balance_minutes = balance_minutes + CASE id {cases} END "
            f"WHERE id IN ({', '.join(['%s'] * len(rows))})",
            [v for account_id, minutes, _b in rows for v in (account_id, minutes)]
            + [account_id for account_id, _m, _b in rows],
        )
    transfer._state.adding = False
    transfer._state.db = connection.alias
