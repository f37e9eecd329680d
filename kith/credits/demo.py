"""The demo locality's credits: joining credits, top-ups for most active
members (some paid for by a supporter), council grants to concession members
and, when there are volunteer helpers, a few visits from before Kith and
gifts of the credits they earned.

Written in bulk for speed, but by the ledger's own rules: the transfers are
played in date order against running balances, a visit from before Kith is
paid by the first of its possible members who has the credit then, any
transfer that would still break a limit stops the load (DemoLoadError), and
each entry's ``balance_after`` and each account's balance come from that one
pass, so every balance equals the sum of its entries.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment
from kith.core.demo import DemoLoadError
from kith.core.models import AuditEvent
from kith.credits.models import (
    Account,
    AccountKind,
    CreditSettings,
    Entry,
    PaymentMethod,
    Transfer,
    TransferKind,
)
from kith.credits.services.accounts import shared_accounts_ensure
from kith.places.models import Locality

PRICE_PER_CREDIT_PENCE = 950
GRANT_REASONS = [
    "Winter support fund",
    "Council wellbeing grant",
    "Carers’ respite fund",
]
HISTORIC_VISITS = [
    "gardening with {name}",
    "help with a phone with {name}",
    "shopping with {name}",
    "putting up shelves with {name}",
    "a lift to the surgery with {name}",
]

AccountKey = tuple[str, int | None]  # (kind, person id)


@dataclass
class Planned:
    day: date
    key: str
    kind: str
    legs: list[tuple[AccountKey, int]]
    actor_id: int | None = None
    on_behalf_of_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    #: For a visit: the members who might have had it, in order; the first
    #: who has the credit on the day pays (the first leg's account).
    payers: list[AccountKey] = field(default_factory=list)


def _first_staff(locality: Locality, role: str) -> int | None:
    return (
        RoleAssignment.objects.filter(locality=locality, role=role)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )


def _some_day(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return end
    return start + timedelta(days=rng.randint(0, (end - start).days))


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    from kith.members.models import Membership, SupporterLink

    settings_row, _created = CreditSettings.objects.get_or_create(locality=locality)
    per_credit = settings_row.minutes_per_credit
    today = timezone.localdate()
    coordinator_id = _first_staff(locality, Role.COORDINATOR)
    council_id = _first_staff(locality, Role.COUNCIL_OFFICER)
    outside: AccountKey = (AccountKind.OUTSIDE, None)
    planned: list[Planned] = []

    memberships = list(
        Membership.objects.filter(locality=locality)
        .exclude(status__in=["applied"])
        .select_related("plan", "person")
        .order_by("pk")
    )
    payers = {
        link.membership_id: link.name
        for link in SupporterLink.objects.filter(
            membership__locality=locality, status="active"
        )
    }
    for membership in memberships:
        member: AccountKey = (AccountKind.MEMBER, membership.person_id)
        started = membership.started_on or today
        if membership.plan.joining_credits:
            minutes = membership.plan.joining_credits * per_credit
            planned.append(
                Planned(
                    day=started,
                    key=f"joining:{membership.pk}",
                    kind=TransferKind.JOINING,
                    legs=[(outside, -minutes), (member, minutes)],
                    actor_id=coordinator_id,
                    on_behalf_of_id=membership.person_id,
                    fields={
                        "reference_type": "members.membership",
                        "reference_id": str(membership.pk),
                    },
                )
            )
        demo_login = membership.person.email == "member@riverside.example"
        if membership.status == "active" and (demo_login or rng.random() < 0.8):
            for n in range(rng.randint(1, 3) if not demo_login else 3):
                # The demo member bought books of ten, enough for every
                # visit the demo books for her.
                credits = 10 if demo_login else rng.choice([2, 4, 5, 5, 10])
                minutes = credits * per_credit
                method = rng.choice(PaymentMethod.values)
                paid_by = payers.get(membership.pk, "") if rng.random() < 0.6 else ""
                if demo_login and n == 2:
                    paid_by = payers.get(membership.pk, "")
                planned.append(
                    Planned(
                        day=_some_day(rng, started, today),
                        key=f"demo:topup:{membership.pk}:{n}",
                        kind=TransferKind.TOPUP,
                        legs=[(outside, -minutes), (member, minutes)],
                        actor_id=coordinator_id,
                        on_behalf_of_id=membership.person_id,
                        fields={
                            "payment_method": method,
                            "payment_reference": ""
                            if method == PaymentMethod.CASH
                            else f"RV{membership.pk:05d}{n}",
                            "amount_pence": credits * PRICE_PER_CREDIT_PENCE,
                            "paid_by_name": paid_by,
                        },
                    )
                )
        if (
            membership.status == "active"
            and membership.concession
            and rng.random() < 0.35
        ):
            minutes = rng.choice([2, 3, 4, 6]) * per_credit
            planned.append(
                Planned(
                    day=_some_day(rng, started, today),
                    key=f"demo:grant:{membership.pk}",
                    kind=TransferKind.GRANT,
                    legs=[(outside, -minutes), (member, minutes)],
                    actor_id=council_id,
                    on_behalf_of_id=membership.person_id,
                    fields={"description": rng.choice(GRANT_REASONS)},
                )
            )

    planned += _volunteer_gifts(locality, rng, memberships, today, coordinator_id)
    _write(locality, planned)


def _volunteer_gifts(
    locality: Locality,
    rng: random.Random,
    memberships: list[Any],
    today: date,
    coordinator_id: int | None,
) -> list[Planned]:
    """Visits recorded before Kith (on paper) for a few volunteer helpers, and
    gifts of part of what they earned. Nothing when there are no helpers."""
    from kith.helpers.models import HelperProfile

    volunteers = list(
        HelperProfile.objects.filter(
            locality=locality, pay_basis="volunteer", status="active"
        )
        .select_related("user")
        .order_by("pk")[:8]
    )
    active = [m for m in memberships if m.status == "active"]
    if not volunteers or not active:
        return []
    planned = []
    for profile in volunteers:
        helper: AccountKey = (AccountKind.HELPER, profile.user_id)
        earned = 0
        first = profile.user.display_name.split()[0]
        for n in range(rng.randint(2, 4)):
            members = rng.sample(active, min(20, len(active)))
            minutes = rng.choice([60, 90, 120])
            earned += minutes
            planned.append(
                Planned(
                    day=today - timedelta(days=rng.randint(3, 30)),
                    key=f"demo:paper-visit:{profile.pk}:{n}",
                    kind=TransferKind.VISIT,
                    legs=[
                        ((AccountKind.MEMBER, members[0].person_id), -minutes),
                        (helper, minutes),
                    ],
                    payers=[(AccountKind.MEMBER, m.person_id) for m in members],
                    actor_id=coordinator_id,
                    fields={
                        "description": rng.choice(HISTORIC_VISITS).format(name=first)
                    },
                )
            )
        gift = rng.choice([60, earned // 2 // 15 * 15 or 60])
        receiver: AccountKey = (
            (AccountKind.POT, None)
            if rng.random() < 0.6
            else (AccountKind.MEMBER, rng.choice(active).person_id)
        )
        planned.append(
            Planned(
                day=today - timedelta(days=rng.randint(0, 2)),
                key=f"demo:gift:{profile.pk}",
                kind=TransferKind.GIFT,
                legs=[(helper, -gift), (receiver, gift)],
                actor_id=profile.user_id,
            )
        )
    return planned


def _floor(kind: str, overdraft: int) -> int | None:
    if kind == AccountKind.OUTSIDE:
        return None
    return -overdraft if kind == AccountKind.MEMBER else 0


def _write(locality: Locality, planned: list[Planned]) -> None:
    """Play the transfers in date order against running balances, then write
    everything in bulk. A visit goes to the first of its payers with the
    credit; any other transfer that would break a limit raises
    DemoLoadError."""
    overdraft = CreditSettings.objects.get(locality=locality).overdraft_limit_minutes
    # Within a day, credits come in before they are spent or given.
    order: dict[str, int] = {
        TransferKind.JOINING: 0,
        TransferKind.TOPUP: 1,
        TransferKind.GRANT: 2,
    }
    planned.sort(key=lambda p: (p.day, order.get(p.kind, 3), p.key))
    balances: dict[AccountKey, int] = {}
    kept: list[tuple[Planned, list[tuple[AccountKey, int, int]]]] = []

    def fits(legs: list[tuple[AccountKey, int]]) -> bool:
        for account, minutes in legs:
            floor = _floor(account[0], overdraft)
            balance = balances.get(account, 0) + minutes
            if minutes < 0 and floor is not None and balance < floor:
                return False
        return True

    for transfer in planned:
        if transfer.payers:
            minutes = -transfer.legs[0][1]
            payer = next(
                (p for p in transfer.payers if balances.get(p, 0) >= minutes), None
            )
            if payer is None:
                raise DemoLoadError(
                    f"the credit transfer {transfer.key}",
                    "none of its members had the credit to pay for it",
                )
            transfer.legs = [(payer, -minutes), *transfer.legs[1:]]
        if not fits(transfer.legs):
            raise DemoLoadError(
                f"the credit transfer {transfer.key}",
                "it would take an account below its limit",
            )
        after = [
            (account, minutes, balances.get(account, 0) + minutes)
            for account, minutes in transfer.legs
        ]
        for account, _minutes, balance in after:
            balances[account] = balance
        kept.append((transfer, after))
    if not kept:
        return
    accounts = {
        key: Account(
            locality=locality,
            kind=key[0],
            person_id=key[1],
            balance_minutes=balance,
            floor_minutes=_floor(key[0], overdraft),
        )
        for key, balance in balances.items()
    }
    Account.objects.bulk_create(accounts.values())
    # The demo's pot and outside world are their first shards; the others
    # are made empty now, as a new locality's are on first use.
    shared_accounts_ensure(locality)
    zone = timezone.get_current_timezone()
    transfers = [
        Transfer(
            locality=locality,
            key=transfer.key,
            kind=transfer.kind,
            occurred_on=transfer.day,
            created_at=datetime.combine(transfer.day, time(10, 0), tzinfo=zone),
            actor_id=transfer.actor_id,
            on_behalf_of_id=transfer.on_behalf_of_id,
            **transfer.fields,
        )
        for transfer, _after in kept
    ]
    Transfer.objects.bulk_create(transfers)
    Entry.objects.bulk_create(
        [
            Entry(
                transfer=made,
                account=accounts[account],
                minutes=minutes,
                balance_after=balance,
            )
            for made, (_transfer, after) in zip(transfers, kept, strict=True)
            for account, minutes, balance in after
        ],
        batch_size=1000,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                created_at=made.created_at,
                actor_id=made.actor_id,
                on_behalf_of_id=made.on_behalf_of_id,
                action=f"credits_{made.kind}",
                target_type="credits.transfer",
                target_id=str(made.pk),
                target_label=str(made),
                locality=locality,
                data={"key": made.key, "demo": True},
            )
            for made in transfers
        ],
        batch_size=1000,
    )
