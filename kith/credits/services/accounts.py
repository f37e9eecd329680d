"""Credit settings and accounts: a locality's settings, an account named by
its owner and its floor, finding or making an account and reading a
balance.
"""

from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.credits.models import PERSONAL_KINDS, Account, AccountKind, CreditSettings
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
