"""``transfer_create``, the one place credits move: cleaning the legs,
replaying a retry with the same key, and choosing how to write.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.credits.models import (
    SHARED_KINDS,
    Account,
    PaymentMethod,
    Transfer,
    TransferKind,
)
from kith.credits.services.accounts import Owner, Row, shard_for
from kith.credits.services.writing import (
    Guard,
    _existing,
    _replay,
    _write,
    _write_postgresql,
)
from kith.places.models import Locality

MAX_KEY_LENGTH = 120


MAX_DESCRIPTION_LENGTH = 200


def _clean_legs(
    legs: Sequence[tuple[Owner | Row, int]], key: str
) -> list[tuple[Row, int]]:
    """The legs checked, each naming its row: an owner given as (kind,
    person) that is the pot or the outside world gets the shard the key
    chooses (``shard_for``)."""
    if len(legs) < 2:
        raise ApplicationError(_("A transfer needs at least two accounts."))
    for _owner, minutes in legs:
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes == 0:
            raise ApplicationError(
                _("Every amount must be a whole number of minutes, and not 0.")
            )
    if len({(owner[0], owner[1]) for owner, _m in legs}) != len(legs):
        raise ApplicationError(_("Each account can appear only once in a transfer."))
    if sum(minutes for _o, minutes in legs) != 0:
        raise ApplicationError(
            _("The amounts must add up to nothing: credits are never made or lost.")
        )
    rows: list[tuple[Row, int]] = []
    for owner, minutes in legs:
        if len(owner) == 3:
            rows.append((owner, minutes))
        else:
            kind, person_id = owner[0], owner[1]
            shard = shard_for(key) if kind in SHARED_KINDS else 0
            rows.append(((kind, person_id, shard), minutes))
    return rows


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
    owned: list[tuple[Owner | Row, int]] = []
    for account, minutes in legs:
        if account.pk is None:
            raise ApplicationError(_("Every account must exist before credits move."))
        if account.locality_id != locality.pk:
            raise ApplicationError(_("All the accounts must belong to this locality."))
        # The very row given: a correction gives back to the shard the
        # original took from.
        owned.append(((account.kind, account.person_id, account.shard), minutes))
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


def _check_move(
    *,
    key: str,
    kind: str,
    description: str,
    payment_method: str,
    amount_pence: int | None,
    reverses: Transfer | None,
) -> tuple[str, str]:
    """Refuse a transfer whose details are wrong; the key and description,
    stripped."""
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
    return key, description


def _write_once(
    transfer: Transfer,
    cleaned: list[tuple[Row, int]],
    compare: dict[str, Any],
    guards: Sequence[Guard],
    people: dict[int, User] | None,
) -> Transfer:
    """Write the transfer the way the database does best, or, when its key is
    taken, answer with the transfer already made."""
    key = transfer.key
    try:
        if connection.vendor == "postgresql":
            if not connection.in_atomic_block:
                # One statement is its own transaction: nothing to wrap.
                return _write_postgresql(transfer, cleaned, compare, guards, people)
            with transaction.atomic():  # a savepoint in the caller's transaction
                return _write_postgresql(transfer, cleaned, compare, guards, people)
        with transaction.atomic():
            return _write(transfer, cleaned, compare, guards, people)
    except IntegrityError:
        # The key is taken: a retry, or a double click that waited on the key
        # for the first to commit. The block above was rolled back (to its
        # savepoint, when a caller's transaction is open, which can still be
        # used), so answer with the transfer already made.
        made = _existing(key)
        if made is None:
            raise
        return _replay(made, **compare)


def _move(
    *,
    actor: User | None,
    locality: Locality,
    key: str,
    kind: str,
    legs: Sequence[tuple[Owner | Row, int]],
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
    guards: Sequence[Guard] = (),
    people: dict[int, User] | None = None,
) -> Transfer:
    """``transfer_create`` with the accounts named by owner, so the services
    here need not look them up first: missing accounts are made. ``guards``
    are rules about the people that the database checks as it writes
    (``Guard``), so the services need not read them first either; ``people``
    (by id) name them in a refusal without reading them again."""
    key, description = _check_move(
        key=key,
        kind=kind,
        description=description,
        payment_method=payment_method,
        amount_pence=amount_pence,
        reverses=reverses,
    )
    cleaned = _clean_legs(legs, key)
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
    return _write_once(transfer, cleaned, compare, guards, people)
