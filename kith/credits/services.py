"""Writes to the credit ledger.

``transfer_create`` is the one place that moves credits. The other services
decide who may do what (a coordinator records a top-up, the council grants,
a volunteer helper gives) and call it. Rules that hold for every transfer:

- its entries sum to zero, each is a whole number of minutes and not zero,
  and every account belongs to the transfer's locality;
- no account goes below its floor (members: the locality's overdraft, or
  their own; helpers and the pot: nothing; the outside world: no limit);
- the same ``key`` moves credits once: a retry returns the transfer already
  made, and the same key with different details is refused;
- the accounts are locked (``SELECT ... FOR UPDATE``, in primary-key order,
  so two transfers never wait for each other in a circle) before balances
  are read, so concurrent transfers are serialised per account;
- the transfer, its entries, the balances and the audit event are written
  in one transaction: on PostgreSQL in one statement (see ``_STATEMENT``),
  on SQLite in an immediate transaction, which serialises writers.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core import context
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.core.services import audit_record
from kith.credits.models import (
    PERSONAL_KINDS,
    Account,
    AccountKind,
    CreditSettings,
    Entry,
    PaymentMethod,
    Transfer,
    TransferKind,
)
from kith.credits.words import describe_minutes
from kith.places.models import Locality

#: Membership statuses that may hold and receive credits.
CURRENT_MEMBER_STATUSES = ("active", "applied", "lapsed")
MAX_KEY_LENGTH = 120
MAX_DESCRIPTION_LENGTH = 200
#: The most one top-up, grant or gift may move: 100 hours.
MAX_MINUTES_AT_ONCE = 100 * 60


# --- settings and accounts --------------------------------------------------


def credit_settings_for(locality: Locality) -> CreditSettings:
    """The locality's credit settings, created with the defaults if new."""
    found = CreditSettings.objects.filter(locality=locality).first()
    if found is not None:
        return found
    created, _created = CreditSettings.objects.get_or_create(locality=locality)
    return created


def _floor_for(kind: str, locality: Locality) -> int | None:
    if kind == AccountKind.OUTSIDE:
        return None
    if kind == AccountKind.MEMBER:
        return -credit_settings_for(locality).overdraft_limit_minutes
    return 0


def account_for(*, person: User | None, locality: Locality, kind: str) -> Account:
    """The account of ``kind`` for ``person`` in ``locality`` (``person`` is
    None for the pot and the outside world), made if it does not exist yet.

    Safe when two requests ask at once: the database allows one account per
    person and kind, and the loser of the race reads the winner's.
    """
    if kind not in AccountKind.values:
        raise ValueError(f"unknown account kind {kind!r}")
    if (kind in PERSONAL_KINDS) != (person is not None):
        raise ValueError(
            f"a {kind} account {'needs a' if person is None else 'has no'} person"
        )
    found = Account.objects.filter(locality=locality, kind=kind, person=person).first()
    if found is not None:
        return found
    account, _created = Account.objects.get_or_create(
        locality=locality,
        kind=kind,
        person=person,
        defaults={"floor_minutes": _floor_for(kind, locality)},
    )
    return account


def balance_minutes(*, person: User, locality: Locality, kind: str = "member") -> int:
    """A person's balance in minutes (0 if they have no account yet)."""
    found = (
        Account.objects.filter(locality=locality, kind=kind, person=person)
        .values_list("balance_minutes", flat=True)
        .first()
    )
    return int(found or 0)


# --- the one place credits move ------------------------------------------------


#: An account named by what it is: (kind, person id), the person id None for
#: the pot and the outside world. Unique within a locality.
Owner = tuple[str, int | None]


def _owner_name(owner: Owner) -> str:
    kind, person_id = owner
    if kind == AccountKind.POT:
        return _("The circle’s pot")
    if kind == AccountKind.OUTSIDE:
        return _("Money paid in")
    person = User.objects.filter(pk=person_id).first() if person_id else None
    return person.display_name if person else _("This account")


def _limit_message(owner: Owner, spendable: int, needed: int) -> str:
    name = _owner_name(owner)
    if spendable <= 0:
        return _("%(name)s has no credit left, and this needs %(needed)s.") % {
            "name": name,
            "needed": describe_minutes(needed),
        }
    return _("%(name)s has %(left)s of credit left, and this needs %(needed)s.") % {
        "name": name,
        "left": describe_minutes(spendable),
        "needed": describe_minutes(needed),
    }


def _clean_legs(legs: Sequence[tuple[Owner, int]]) -> list[tuple[Owner, int]]:
    if len(legs) < 2:
        raise ApplicationError(_("A transfer needs at least two accounts."))
    for _owner, minutes in legs:
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes == 0:
            raise ApplicationError(
                _("Every amount must be a whole number of minutes, and not 0.")
            )
    if len({owner for owner, _m in legs}) != len(legs):
        raise ApplicationError(_("Each account can appear only once in a transfer."))
    if sum(minutes for _o, minutes in legs) != 0:
        raise ApplicationError(
            _("The amounts must add up to nothing: credits are never made or lost.")
        )
    return list(legs)


def _same_request(
    existing: Transfer,
    *,
    locality: Locality,
    kind: str,
    legs: list[tuple[Owner, int]],
    fields: dict[str, Any],
    occurred_on: date | None,
) -> bool:
    if existing.locality_id != locality.pk or existing.kind != kind:
        return False
    if occurred_on is not None and existing.occurred_on != occurred_on:
        return False
    for name, value in fields.items():
        if getattr(existing, name) != value:
            return False
    stored = {
        (kind, person_id): minutes
        for kind, person_id, minutes in existing.entries.values_list(
            "account__kind", "account__person_id", "minutes"
        )
    }
    return stored == dict(legs)


def _replay(existing: Transfer, **compare: Any) -> Transfer:
    if not _same_request(existing, **compare):
        raise ApplicationError(
            _(
                "This was already done with different details. Nothing has "
                "changed: start again from the beginning."
            ),
            code="key_reused",
        )
    return existing


def transfer_create(
    *,
    actor: User | None,
    locality: Locality,
    key: str,
    kind: str,
    legs: list[tuple[Account, int]],
    description: str,
    occurred_on: date | None = None,
    reference_type: str = "",
    reference_id: str = "",
    on_behalf_of: User | None = None,
    payment_method: str = "",
    payment_reference: str = "",
    amount_pence: int | None = None,
    paid_by_name: str = "",
    reverses: Transfer | None = None,
) -> Transfer:
    """Move credits: ``legs`` are (account, minutes) pairs summing to zero,
    negative for the accounts credits leave.

    The caller checks permission for its own business action; ``actor`` is
    recorded (None for the system). Idempotent by ``key``: the same key
    returns the transfer already made; the same key with different details
    raises ApplicationError (code ``key_reused``). Raises ApplicationError,
    changing nothing, when the legs do not balance, belong elsewhere, or
    would take an account below its limit (code ``limit``).
    """
    owned: list[tuple[Owner, int]] = []
    for account, minutes in legs:
        if account.pk is None:
            raise ApplicationError(_("Every account must exist before credits move."))
        if account.locality_id != locality.pk:
            raise ApplicationError(_("All the accounts must belong to this locality."))
        owned.append(((account.kind, account.person_id), minutes))
    return _move(
        actor=actor,
        locality=locality,
        key=key,
        kind=kind,
        legs=owned,
        description=description,
        occurred_on=occurred_on,
        reference_type=reference_type,
        reference_id=reference_id,
        on_behalf_of=on_behalf_of,
        payment_method=payment_method,
        payment_reference=payment_reference,
        amount_pence=amount_pence,
        paid_by_name=paid_by_name,
        reverses=reverses,
    )


def _move(
    *,
    actor: User | None,
    locality: Locality,
    key: str,
    kind: str,
    legs: list[tuple[Owner, int]],
    description: str,
    occurred_on: date | None = None,
    reference_type: str = "",
    reference_id: str = "",
    on_behalf_of: User | None = None,
    payment_method: str = "",
    payment_reference: str = "",
    amount_pence: int | None = None,
    paid_by_name: str = "",
    reverses: Transfer | None = None,
) -> Transfer:
    """``transfer_create`` with the accounts named by owner, so the services
    here need not look them up first: missing accounts are made."""
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ApplicationError(_("Every transfer needs a key of up to 120 characters."))
    if kind not in TransferKind.values:
        raise ApplicationError(_("Unknown kind of transfer."))
    if (kind == TransferKind.REVERSAL) != (reverses is not None):
        raise ApplicationError(_("Only a correction reverses a transfer."))
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ApplicationError(
            _("The description must be 200 characters or fewer."), field="description"
        )
    if payment_method and payment_method not in PaymentMethod.values:
        raise ApplicationError(_("Choose how it was paid."), field="method")
    if amount_pence is not None and amount_pence < 0:
        raise ApplicationError(_("The amount paid cannot be negative."))
    cleaned = _clean_legs(legs)
    fields = {
        "description": description,
        "reference_type": reference_type,
        "reference_id": str(reference_id),
        "payment_method": payment_method,
        "payment_reference": payment_reference.strip(),
        "amount_pence": amount_pence,
        "paid_by_name": paid_by_name.strip(),
        "reverses_id": reverses.pk if reverses is not None else None,
    }
    compare = {
        "locality": locality,
        "kind": kind,
        "legs": cleaned,
        "fields": fields,
        "occurred_on": occurred_on,
    }
    transfer = Transfer(
        locality=locality,
        key=key,
        kind=kind,
        occurred_on=occurred_on or timezone.localdate(),
        actor=actor,
        on_behalf_of=on_behalf_of,
        **fields,
    )
    try:
        if connection.vendor == "postgresql":
            if not connection.in_atomic_block:
                # One statement is its own transaction: nothing to wrap.
                return _write_postgresql(transfer, cleaned, compare)
            with transaction.atomic():  # a savepoint in the caller's transaction
                return _write_postgresql(transfer, cleaned, compare)
        with transaction.atomic():
            return _write(transfer, cleaned, compare)
    except IntegrityError:
        # The key is taken: a retry, or a double click that waited on the key
        # for the first to commit. The block above was rolled back (to its
        # savepoint, when a caller's transaction is open, which can still be
        # used), so answer with the transfer already made.
        existing = Transfer.objects.filter(key=key).first()
        if existing is None:
            raise
        return _replay(existing, **compare)


def _write(
    transfer: Transfer, legs: list[tuple[Owner, int]], compare: dict[str, Any]
) -> Transfer:
    """Lock, check, write and audit, inside ``transfer_create``'s atomic
    block: the way on SQLite (PostgreSQL does it all in one statement, see
    ``_write_postgresql``). SQLite's immediate transactions let one writer
    in at a time, so the balances read here cannot change before the write.

    1. Read (and, where the database has row locks, lock in primary-key
       order) every account; make any that are missing.
    2. Check the limits. A refusal first looks for the key: a retry is
       answered with the transfer already made, not refused for credit its
       first attempt spent.
    3. Insert the transfer and its entries, move the balances, audit.
    """
    locality = transfer.locality
    owners = [owner for owner, _m in legs]
    locked = _lock_owners(locality, owners)
    if len(locked) != len(owners):
        for kind, person_id in sorted(set(owners) - set(locked), key=str):
            account_for(
                person=User(pk=person_id) if person_id is not None else None,
                locality=locality,
                kind=kind,
            )
        locked = _lock_owners(locality, owners)
    rows: list[tuple[int, int, int]] = []
    for owner, minutes in legs:
        account_id, balance, floor = locked[owner]
        if minutes < 0 and floor is not None and balance + minutes < floor:
            existing = Transfer.objects.filter(key=transfer.key).first()
            if existing is not None:
                return _replay(existing, **compare)
            raise ApplicationError(
                _limit_message(owner, balance - floor, -minutes), code="limit"
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


def _write_postgresql(
    transfer: Transfer, legs: list[tuple[Owner, int]], compare: dict[str, Any]
) -> Transfer:
    """Lock, check, write and audit in one statement (``_STATEMENT``), so on
    PostgreSQL a transfer is one round trip, its own transaction unless the
    caller has one open, and no account stays locked while Python runs.

    The statement writes nothing when an account is missing or a limit would
    break; it returns the locked balances, and here the missing accounts are
    made (then it runs once more) or the refusal explained.
    """
    for attempt in (1, 2):
        sql, params = _statement(transfer, legs)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if rows and rows[0][0] is not None:
            transfer.pk = rows[0][0]
            transfer._state.adding = False
            transfer._state.db = connection.alias
            return transfer
        found = {(row[1], row[2]): (row[3], row[4]) for row in rows}
        missing = [owner for owner, _m in legs if owner not in found]
        if not missing:
            break
        if attempt == 2:
            raise ApplicationError(_("Every account must exist before credits move."))
        for kind, person_id in sorted(missing, key=str):
            account_for(
                person=User(pk=person_id) if person_id is not None else None,
                locality=transfer.locality,
                kind=kind,
            )
    existing = Transfer.objects.filter(key=transfer.key).first()
    if existing is not None:
        return _replay(existing, **compare)
    for owner, minutes in legs:
        balance, floor = found[owner]
        if minutes < 0 and floor is not None and balance + minutes < floor:
            raise ApplicationError(
                _limit_message(owner, balance - floor, -minutes), code="limit"
            )
    raise ApplicationError(_("The credits could not be moved. Try again."))


#: One transfer on PostgreSQL. In order, because each part reads the one
#: before: lock the accounts in primary-key order (so two transfers never
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
WITH moves (kind, person_id, minutes) AS (VALUES {moves}),
locked AS MATERIALIZED (
    SELECT a.id, a.kind, a.person_id, a.balance_minutes, a.floor_minutes
    FROM {account} a
    WHERE a.locality_id = %s AND ({owners})
    ORDER BY a.id
    FOR UPDATE
),
legs AS (
    SELECT l.id, l.kind, l.person_id, l.balance_minutes, l.floor_minutes,
           m.minutes, l.balance_minutes + m.minutes AS after
    FROM locked l
    JOIN moves m ON m.kind = l.kind AND m.person_id IS NOT DISTINCT FROM l.person_id
),
fits AS (
    SELECT count(*) = %s AS ok FROM legs
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
SELECT (SELECT id FROM t), kind, person_id, balance_minutes, floor_minutes FROM legs
"""


def _statement(
    transfer: Transfer, legs: list[tuple[Owner, int]]
) -> tuple[str, list[Any]]:
    quote = connection.ops.quote_name
    owners: list[str] = []
    owner_params: list[Any] = []
    for kind, person_id in (owner for owner, _m in legs):
        if person_id is None:
            owners.append("(a.kind = %s AND a.person_id IS NULL)")
            owner_params.append(kind)
        else:
            owners.append("(a.kind = %s AND a.person_id = %s)")
            owner_params += [kind, person_id]
    sql = _STATEMENT.format(
        moves=", ".join(["(%s::varchar, %s::bigint, %s::bigint)"] * len(legs)),
        owners=" OR ".join(owners),
        account=quote(Account._meta.db_table),
        transfer=quote(Transfer._meta.db_table),
        entry=quote(Entry._meta.db_table),
        audit=quote(AuditEvent._meta.db_table),
    )
    audit = _audit_values(transfer)
    params: list[Any] = [v for (kind, person), m in legs for v in (kind, person, m)]
    params += [transfer.locality_id, *owner_params, len(legs)]
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


def _lock_owners(
    locality: Locality, owners: list[Owner]
) -> dict[Owner, tuple[int, int, int | None]]:
    """(id, balance, floor) by owner of the accounts that exist, locked in
    primary-key order where the database has row locks. SQLite has none: its
    immediate transactions already serialise writers."""
    clauses: list[str] = []
    params: list[Any] = [locality.pk]
    for kind, person_id in owners:
        if person_id is None:
            clauses.append("(kind = %s AND person_id IS NULL)")
            params.append(kind)
        else:
            clauses.append("(kind = %s AND person_id = %s)")
            params += [kind, person_id]
    table = connection.ops.quote_name(Account._meta.db_table)
    sql = (  # only the table name and placeholders are put into the text
        f"SELECT id, kind, person_id, balance_minutes, floor_minutes FROM {table} "  # noqa: S608
        f"WHERE locality_id = %s AND ({' OR '.join(clauses)}) ORDER BY id"
    )
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(row[1], row[2]): (row[0], row[3], row[4]) for row in cursor.fetchall()}


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


# --- what people do with credits -------------------------------------------


def _current_membership(person: User, locality: Locality) -> tuple[str, bool] | None:
    """(status, concession) of the person's current membership, or None.
    Only these two columns: a top-up asks on every call."""
    from kith.members.models import Membership

    return (
        Membership.objects.filter(
            person=person, locality=locality, status__in=CURRENT_MEMBER_STATUSES
        )
        .values_list("status", "concession")
        .first()
    )


def _clean_minutes(minutes: int, *, field: str = "credits") -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise ApplicationError(_("Enter an amount more than 0."), field=field)
    if minutes > MAX_MINUTES_AT_ONCE:
        raise ApplicationError(
            _("That is more than 100 hours at once. Check the amount."), field=field
        )
    return minutes


def _issue(member: User, minutes: int) -> list[tuple[Owner, int]]:
    """Legs that issue ``minutes`` from the outside world to a member."""
    return [
        ((AccountKind.OUTSIDE, None), -minutes),
        ((AccountKind.MEMBER, member.pk), minutes),
    ]


def visit_settle(
    *,
    actor: User | None,
    locality: Locality,
    visit_key: str,
    member: User,
    helper: User,
    minutes: int,
    description: str,
    occurred_on: date,
) -> Transfer:
    """Pay for a visit: ``minutes`` move from the member's account to the
    helper's. Settling the same visit again returns the first settlement.
    The caller (help) checks permission and that the visit happened; raises
    ApplicationError if the member has too little credit."""
    _clean_minutes(minutes, field="minutes")
    return _move(
        actor=actor,
        locality=locality,
        key=f"visit:{visit_key}",
        kind=TransferKind.VISIT,
        legs=[
            ((AccountKind.MEMBER, member.pk), -minutes),
            ((AccountKind.HELPER, helper.pk), minutes),
        ],
        description=description,
        occurred_on=occurred_on,
        reference_type="help.visit",
        reference_id=str(visit_key),
    )


def topup_record(
    *,
    actor: User,
    locality: Locality,
    member: User,
    minutes: int,
    amount_pence: int,
    method: str,
    key: str,
    reference: str = "",
    paid_by_name: str = "",
    occurred_on: date | None = None,
) -> Transfer:
    """A coordinator records a payment (by the member, or by someone else for
    them, such as a supporter: ``paid_by_name``) and issues the credits it
    bought from the outside world to the member."""
    require_perm(actor, Perm.CREDITS_MANAGE, locality)
    if _current_membership(member, locality) is None:
        raise ApplicationError(_("Only members of the circle can have credits."))
    _clean_minutes(minutes)
    if method not in PaymentMethod.values:
        raise ApplicationError(_("Choose how they paid."), field="method")
    if isinstance(amount_pence, bool) or amount_pence <= 0:
        raise ApplicationError(_("Enter the amount paid."), field="amount")
    reference = reference.strip()
    if method != PaymentMethod.CASH and not reference:
        raise ApplicationError(
            _("Enter the payment reference, so it can be found later."),
            field="reference",
        )
    if occurred_on is not None and occurred_on > timezone.localdate():
        raise ApplicationError(
            _("The date paid must be today or in the past."), field="paid_on"
        )
    return _move(
        actor=actor,
        locality=locality,
        key=key,
        kind=TransferKind.TOPUP,
        legs=_issue(member, minutes),
        description="",
        occurred_on=occurred_on,
        on_behalf_of=member,
        payment_method=method,
        payment_reference=reference,
        amount_pence=amount_pence,
        paid_by_name=paid_by_name,
    )


def grant_record(
    *,
    actor: User,
    locality: Locality,
    member: User,
    minutes: int,
    reason: str,
    key: str,
    occurred_on: date | None = None,
) -> Transfer:
    """The council grants credits to a member on a concession membership.
    Refused for anyone else."""
    require_perm(actor, Perm.CREDITS_GRANT, locality)
    membership = _current_membership(member, locality)
    if membership is None or membership[0] != "active":
        raise ApplicationError(_("Grants are only for current members of the circle."))
    if not membership[1]:
        raise ApplicationError(
            _(
                "Grants are only for members on a concession membership, and "
                "%(name)s is not."
            )
            % {"name": member.full_name}
        )
    _clean_minutes(minutes)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Enter what the grant is for."), field="reason")
    return _move(
        actor=actor,
        locality=locality,
        key=key,
        kind=TransferKind.GRANT,
        legs=_issue(member, minutes),
        description=reason,
        occurred_on=occurred_on,
        on_behalf_of=member,
    )


def joining_credits_grant(*, actor: User | None, membership: Any) -> Transfer | None:
    """Issue the plan's joining credits to a member whose membership has just
    started (status active). Once per membership, however often it is called;
    None when the plan includes no credits."""
    if actor is not None:
        require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    credits = membership.plan.joining_credits
    if not credits:
        return None
    if membership.status != "active":
        raise ApplicationError(_("Joining credits are given when a membership starts."))
    locality = membership.locality
    minutes = credits * credit_settings_for(locality).minutes_per_credit
    return _move(
        actor=actor,
        locality=locality,
        key=f"joining:{membership.pk}",
        kind=TransferKind.JOINING,
        legs=_issue(membership.person, minutes),
        description="",
        reference_type="members.membership",
        reference_id=str(membership.pk),
        on_behalf_of=membership.person,
    )


def helper_profile_for(person: User, locality: Locality) -> Any:
    """The person's helper record in the locality, or None."""
    from kith.helpers.models import HelperProfile

    return HelperProfile.objects.filter(user=person, locality=locality).first()


def gift_give(
    *,
    actor: User,
    locality: Locality,
    helper: User,
    minutes: int,
    key: str,
    to_member: User | None = None,
) -> Transfer:
    """A volunteer helper gives credits they earned to the circle's pot
    (``to_member`` None) or to a member. The helper does it themselves, or a
    coordinator for them. Paid helpers are paid through payroll, so their
    minutes are not theirs to give."""
    if actor.pk != helper.pk:
        require_perm(actor, Perm.CREDITS_MANAGE, locality)
    profile = helper_profile_for(helper, locality)
    if profile is None or profile.status == "left":
        raise ApplicationError(_("Only Neighbourhood Helpers can give credits."))
    if profile.pay_basis != "volunteer":
        raise ApplicationError(
            _(
                "Only volunteer helpers can give their credits. Paid helpers’ "
                "time is paid through payroll."
            )
        )
    _clean_minutes(minutes)
    if to_member is not None:
        if to_member.pk == helper.pk:
            raise ApplicationError(
                _("Choose another member to give credits to."), field="name"
            )
        if _current_membership(to_member, locality) is None:
            raise ApplicationError(
                _("Choose a current member of the circle."), field="name"
            )
        target: Owner = (AccountKind.MEMBER, to_member.pk)
    else:
        target = (AccountKind.POT, None)
    return _move(
        actor=actor,
        locality=locality,
        key=key,
        kind=TransferKind.GIFT,
        legs=[((AccountKind.HELPER, helper.pk), -minutes), (target, minutes)],
        description="",
        on_behalf_of=helper if actor.pk != helper.pk else None,
    )


def leaving_credits_move(*, actor: User, membership: Any) -> Transfer | None:
    """Move a leaving member's remaining credits as they chose: refunded
    (back to the outside world: the coordinator pays the money), given to the
    circle's pot, or given to another member. Called by the members part as
    the member leaves, in its transaction; once per membership (the key).
    None when there is nothing to move."""
    from kith.members.models import Membership

    locality = membership.locality
    account = (
        Account.objects.select_for_update()
        .filter(
            locality=locality, kind=AccountKind.MEMBER, person_id=membership.person_id
        )
        .first()
    )
    if account is None or account.balance_minutes <= 0:
        return None
    minutes = account.balance_minutes
    choice = membership.leaving_credits
    if choice == Membership.LeavingCredits.REFUND:
        target: Owner = (AccountKind.OUTSIDE, None)
    elif choice == Membership.LeavingCredits.CIRCLE:
        target = (AccountKind.POT, None)
    elif choice == Membership.LeavingCredits.MEMBER and membership.leaving_credits_to:
        target = (AccountKind.MEMBER, membership.leaving_credits_to.person_id)
    else:
        raise ApplicationError(
            _("Choose what should happen to their remaining credits."),
            field="credits_choice",
        )
    return _move(
        actor=actor,
        locality=locality,
        key=f"leaving:{membership.pk}",
        kind=TransferKind.LEAVING,
        legs=[
            ((AccountKind.MEMBER, membership.person_id), -minutes),
            (target, minutes),
        ],
        description="",
        reference_type="members.membership",
        reference_id=str(membership.pk),
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
    )


def transfer_reverse(*, actor: User, transfer: Transfer, reason: str) -> Transfer:
    """Put a mistake right: a new transfer with every entry of ``transfer``
    the other way round. At most one per transfer (a second attempt with the
    same reason returns the first correction); a correction cannot itself be
    reversed. Refused, changing nothing, if an account no longer has the
    credits to give back."""
    require_perm(actor, Perm.CREDITS_MANAGE, transfer.locality)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Enter why this is being put right."), field="reason")
    if transfer.kind == TransferKind.REVERSAL:
        raise ApplicationError(
            _("A correction cannot itself be reversed. Record a new transfer instead.")
        )
    already = Transfer.objects.filter(reverses=transfer).first()
    if already is not None:
        if already.description == reason[:MAX_DESCRIPTION_LENGTH]:
            return already
        raise ApplicationError(_("This transfer has already been reversed."))
    legs = [
        (entry.account, -entry.minutes)
        for entry in transfer.entries.select_related("account").order_by("pk")
    ]
    return transfer_create(
        actor=actor,
        locality=transfer.locality,
        key=f"reversal:{transfer.pk}",
        kind=TransferKind.REVERSAL,
        legs=legs,
        description=reason,
        reference_type=transfer.reference_type,
        reference_id=transfer.reference_id,
        reverses=transfer,
    )


# --- limits and settings ---------------------------------------------------------


@transaction.atomic
def account_overdraft_set(
    *, actor: User, account: Account, overdraft_minutes: int | None
) -> Account:
    """Let one member go further below nothing than the locality allows (or
    less far), or go back to the locality's limit (None). Refused if they are
    already further overdrawn than the new limit."""
    require_perm(actor, Perm.CREDITS_MANAGE, account.locality)
    if account.kind != AccountKind.MEMBER:
        raise ApplicationError(_("Only members’ accounts have an overdraft."))
    if overdraft_minutes is not None and not 0 <= overdraft_minutes <= 6000:
        raise ApplicationError(
            _("Enter an overdraft between 0 and 100 hours."), field="overdraft"
        )
    account = Account.objects.select_for_update().get(pk=account.pk)
    limit = (
        overdraft_minutes
        if overdraft_minutes is not None
        else credit_settings_for(account.locality).overdraft_limit_minutes
    )
    if account.balance_minutes < -limit:
        raise ApplicationError(
            _("They are already %(owed)s overdrawn. Top them up first.")
            % {"owed": describe_minutes(account.balance_minutes)},
            field="overdraft",
        )
    Account.objects.filter(pk=account.pk).update(
        floor_minutes=-limit, overdraft_override_minutes=overdraft_minutes
    )
    account.floor_minutes, account.overdraft_override_minutes = (
        -limit,
        overdraft_minutes,
    )
    audit_record(
        actor=actor,
        action="credits_overdraft_set",
        target=account,
        on_behalf_of=account.person,
        locality=account.locality,
        data={"overdraft_minutes": overdraft_minutes},
    )
    return account


@transaction.atomic
def credit_settings_update(
    *,
    actor: User,
    locality: Locality,
    minutes_per_credit: int,
    overdraft_limit_minutes: int,
) -> CreditSettings:
    """Change what a credit is worth and how far members may go below
    nothing. Refused if a member is already further overdrawn than the new
    limit allows (top them up or give them their own limit first)."""
    require_perm(actor, Perm.LOCALITY_MANAGE, locality)
    if not 15 <= minutes_per_credit <= 480:
        raise ApplicationError(
            _("A credit must be between 15 minutes and 8 hours."),
            field="minutes_per_credit",
        )
    if not 0 <= overdraft_limit_minutes <= 6000:
        raise ApplicationError(
            _("Enter an overdraft between 0 and 100 hours."),
            field="overdraft_limit_minutes",
        )
    settings_row = credit_settings_for(locality)
    settings_row = CreditSettings.objects.select_for_update().get(pk=settings_row.pk)
    members = Account.objects.select_for_update().filter(
        locality=locality,
        kind=AccountKind.MEMBER,
        overdraft_override_minutes__isnull=True,
    )
    too_low = [a for a in members if a.balance_minutes < -overdraft_limit_minutes]
    if too_low:
        raise ApplicationError(
            _(
                "%(count)d members are more overdrawn than that. Top them up "
                "or give them their own limit first."
            )
            % {"count": len(too_low)},
            field="overdraft_limit_minutes",
        )
    members.update(floor_minutes=-overdraft_limit_minutes)
    before = {
        "minutes_per_credit": settings_row.minutes_per_credit,
        "overdraft_limit_minutes": settings_row.overdraft_limit_minutes,
    }
    settings_row.minutes_per_credit = minutes_per_credit
    settings_row.overdraft_limit_minutes = overdraft_limit_minutes
    settings_row.save()
    audit_record(
        actor=actor,
        action="credit_settings_changed",
        target=settings_row,
        locality=locality,
        data={
            "before": before,
            "after": {
                "minutes_per_credit": minutes_per_credit,
                "overdraft_limit_minutes": overdraft_limit_minutes,
            },
        },
    )
    return settings_row
