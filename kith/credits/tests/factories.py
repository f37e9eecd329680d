"""Builders for credits' tests: members, helpers and a ledger check.

Members and helpers are made by the shared factories (``tests.factories``);
credits only ever move through ``kith.credits.services``.
"""

import itertools

from django.db.models import Sum
from django.utils import timezone

from kith.credits.models import Account, Entry, Transfer
from kith.members.models import Membership, MembershipPlan
from tests.factories import (
    HelperProfileFactory,
    MembershipFactory,
    MembershipPlanFactory,
    UserFactory,
)

_numbers = itertools.count(1)


def plan_for(locality, *, joining_credits=2) -> MembershipPlan:
    return MembershipPlanFactory(
        locality=locality,
        name=f"Full ({joining_credits})",
        joining_credits=joining_credits,
    )


def make_member(
    locality,
    full_name=None,
    *,
    preferred_name="",
    person=None,
    concession=False,
    status="active",
    joining_credits=2,
) -> Membership:
    """A person (new unless given) with the member role and a membership
    started today (no joining credits are issued: ledger tests move every
    credit themselves)."""
    n = next(_numbers)
    if person is None:
        person = UserFactory(
            email=f"credit-member{n}@example.com",
            full_name=full_name or f"Member {n}",
            preferred_name=preferred_name,
        )
    return MembershipFactory(
        person=person,
        locality=locality,
        plan=plan_for(locality, joining_credits=joining_credits),
        concession=concession,
        status=status,
        started_on=None if status == "applied" else timezone.localdate(),
        renews_on=None,
    )


def make_helper(locality, full_name=None, *, person=None, pay_basis="volunteer"):
    """A person with the helper role and an active helper record."""
    n = next(_numbers)
    if person is None:
        person = UserFactory(
            email=f"credit-helper{n}@example.com",
            full_name=full_name or f"Helper {n}",
        )
    HelperProfileFactory(
        user=person,
        locality=locality,
        active=True,
        pay_basis=pay_basis,
        travel_modes=[],
    )
    return person


def assert_ledger_balances(locality=None) -> None:
    """Every balance equals the sum of its entries and its last entry's
    ``balance_after``; every transfer sums to zero; nothing is below its
    floor; all balances together are zero."""
    accounts = Account.objects.all()
    transfers = Transfer.objects.all()
    if locality is not None:
        accounts = accounts.filter(locality=locality)
        transfers = transfers.filter(locality=locality)
    sums = dict(
        Entry.objects.filter(account__in=accounts)
        .values("account_id")
        .annotate(total=Sum("minutes"))
        .values_list("account_id", "total")
    )
    last = {}
    for account_id, balance_after in (
        Entry.objects.filter(account__in=accounts)
        .order_by("account_id", "pk")
        .values_list("account_id", "balance_after")
    ):
        last[account_id] = balance_after
    total = 0
    for account in accounts:
        assert account.balance_minutes == (sums.get(account.pk) or 0), account
        assert account.balance_minutes == last.get(account.pk, 0), account
        if account.floor_minutes is not None:
            assert account.balance_minutes >= account.floor_minutes, account
        total += account.balance_minutes
    assert total == 0
    unbalanced = (
        Entry.objects.filter(transfer__in=transfers)
        .values("transfer_id")
        .annotate(total=Sum("minutes"))
        .exclude(total=0)
    )
    assert list(unbalanced) == []
    assert not transfers.exclude(entries__isnull=False).exists()
