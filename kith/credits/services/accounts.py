"""Credit settings and accounts: a locality's settings, an account named by
its owner and its floor, finding or making an account and reading a
balance.
"""

import zlib

from django.db.models import Sum
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.credits.models import (
    PERSONAL_KINDS,
    SHARED_ACCOUNT_SHARDS,
    SHARED_KINDS,
    Account,
    AccountKind,
    CreditSettings,
)
from kith.credits.words import describe_minutes
from kith.places.models import Locality


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


def shard_for(key: str) -> int:
    """The shard of the pot or the outside world a transfer with this key
    uses: the same for a retry, spread evenly over different keys (CRC-32,
    not ``hash()``, which differs from one process to the next)."""
    return zlib.crc32(key.encode()) % SHARED_ACCOUNT_SHARDS


def shared_accounts_ensure(locality: Locality, *, shards: int = 0) -> None:
    """Make whichever of the locality's pot and outside-world shards do not
    exist yet (at least ``SHARED_ACCOUNT_SHARDS`` of each, or ``shards``).
    Safe when two requests ask at once: the database allows one row per
    shard, and a row already there is left as it is."""
    count = max(shards, SHARED_ACCOUNT_SHARDS)
    Account.objects.bulk_create(
        [
            Account(
                locality=locality,
                kind=kind,
                shard=shard,
                floor_minutes=_floor_for(kind, locality),
            )
            for kind in SHARED_KINDS
            for shard in range(count)
        ],
        ignore_conflicts=True,
    )


def account_for(
    *, person: User | None, locality: Locality, kind: str, shard: int = 0
) -> Account:
    """The account of ``kind`` for ``person`` in ``locality`` (``person`` is
    None for the pot and the outside world, which are several rows: this
    is row ``shard``), made if it does not exist yet. Making one shard of
    the pot or the outside world makes them all.

    Safe when two requests ask at once: the database allows one account per
    person and kind (per shard), and the loser of the race reads the
    winner's.
    """
    if kind not in AccountKind.values:
        raise ValueError(f"unknown account kind {kind!r}")
    if (kind in PERSONAL_KINDS) != (person is not None):
        raise ValueError(
            f"a {kind} account {'needs a' if person is None else 'has no'} person"
        )
    if shard and kind in PERSONAL_KINDS:
        raise ValueError("a person's account has no shards")
    found = Account.objects.filter(
        locality=locality, kind=kind, person=person, shard=shard
    ).first()
    if found is not None:
        return found
    if kind in SHARED_KINDS:
        shared_accounts_ensure(locality, shards=shard + 1)
        return Account.objects.get(locality=locality, kind=kind, shard=shard)
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


def shared_balance_minutes(*, locality: Locality, kind: str) -> int:
    """What the locality's pot (or outside world) holds: the sum of its
    shards, 0 if none exists yet."""
    if kind not in SHARED_KINDS:
        raise ValueError(f"{kind!r} is a person's account")
    total = Account.objects.filter(locality=locality, kind=kind).aggregate(
        total=Sum("balance_minutes")
    )["total"]
    return int(total or 0)


#: An account named by what it is: (kind, person id), the person id None for
#: the pot and the outside world. Unique within a locality, but for the
#: pot's and the outside world's shards.
Owner = tuple[str, int | None]
#: One row of the ledger: (kind, person id, shard). The shard is 0 for a
#: person's account.
Row = tuple[str, int | None, int]


def _owner_name(owner: Owner | Row, people: dict[int, User] | None = None) -> str:
    kind, person_id = owner[0], owner[1]
    if people and person_id in people:
        return people[person_id].display_name
    if kind == AccountKind.POT:
        return _("The circle’s pot")
    if kind == AccountKind.OUTSIDE:
        return _("Money paid in")
    person = User.objects.filter(pk=person_id).first() if person_id else None
    return person.display_name if person else _("This account")


def _limit_message(
    owner: Owner | Row,
    spendable: int,
    needed: int,
    people: dict[int, User] | None = None,
) -> str:
    """Why a transfer was refused for lack of credit, naming the account's
    owner (from ``people``, by person id, when the caller has them)."""
    name = _owner_name(owner, people)
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
