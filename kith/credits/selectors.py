"""Reads of the credit ledger, scoped to who is asking.

- A member sees their own account; a helper theirs.
- Coordinators (``CREDITS_MANAGE``) see any account in their locality, and
  opening a person's statement is audited.
- An active supporter sees the balance and the statement of the member they
  support only when the member allowed them to see their credits
  (``SupporterLink.see_credits``, ADR 0021). Ending the link ends this at
  once.
- The council (``CREDITS_GRANT``) sees current concession members' names,
  wards and balances, to grant credits to them; nothing else.
- Payroll (``PAYROLL_EXPORT``) sees paid helpers' settled visits; exporting
  is audited.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.accounts.search import person_search_q, search_terms
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.credits.models import (
    SHARED_KINDS,
    Account,
    AccountKind,
    Entry,
    TransferKind,
)
from kith.credits.services import CURRENT_MEMBER_STATUSES, credit_settings_for
from kith.credits.words import (
    LineFacts,
    credits_text,
    day_text,
    describe_minutes,
    statement_text,
    what_happened,
)
from kith.places.models import Locality

# --- whose account ---------------------------------------------------------------


def own_account(*, actor: User, locality: Locality, kind: str) -> Account | None:
    """The signed-in person's own account of ``kind``, if they have one."""
    if not actor.is_authenticated:
        return None
    return Account.objects.filter(locality=locality, kind=kind, person=actor).first()


def account_get_for(*, actor: User, locality: Locality, pk: int) -> Account:
    """One account, for its owner or the locality's coordinators (audited
    when it is a person's). Raises Http404 or PermissionDenied."""
    account = (
        Account.objects.select_related("person")
        .filter(pk=pk, locality=locality)
        .first()
    )
    if account is None:
        raise Http404
    if account.person_id is not None and account.person_id == actor.pk:
        return account
    require_perm(actor, Perm.CREDITS_MANAGE, locality)
    if account.person_id is not None:
        _audit_view(actor, locality, account.person, account.kind)
    return account


def _audit_view(actor: User, locality: Locality, person: Any, kind: str) -> None:
    audit_record(
        actor=actor,
        action="credit_statement_viewed",
        target=person,
        locality=locality,
        data={"kind": kind},
    )


def person_account_for(
    *, actor: User, locality: Locality, person_pk: int, kind: str
) -> tuple[User, Account | None]:
    """A member's or helper's account as coordinators see it, by person
    (None if no credits have moved yet). Audited. Raises Http404 when the
    person is not a member (or helper) of this locality."""
    require_perm(actor, Perm.CREDITS_MANAGE, locality)
    person = User.objects.filter(pk=person_pk).first()
    if person is None:
        raise Http404
    if kind == AccountKind.MEMBER:
        from kith.members.models import Membership

        known = Membership.objects.filter(person=person, locality=locality).exists()
    elif kind == AccountKind.HELPER:
        from kith.helpers.models import HelperProfile

        known = HelperProfile.objects.filter(user=person, locality=locality).exists()
    else:
        known = False
    account = Account.objects.filter(
        locality=locality, kind=kind, person=person
    ).first()
    if not known and account is None:
        raise Http404
    _audit_view(actor, locality, person, kind)
    return person, account


def supported_account_for(*, actor: User, link_pk: int) -> tuple[Any, Account | None]:
    """The member an active supporter supports, and their account, when the
    member allowed the supporter to see their credits (the rule is
    ``kith.members.access``'s). Raises Http404 unless the link is the
    supporter's own and active, PermissionDenied when it does not allow
    seeing credits."""
    from kith.members.access import SupporterMay, require_may_act_for
    from kith.members.selectors import supporter_link_get_for

    link = supporter_link_get_for(actor=actor, pk=link_pk)
    membership = link.membership
    require_may_act_for(
        actor=actor, membership=membership, supporter_may=SupporterMay.SEE_CREDITS
    )
    account = Account.objects.filter(
        locality_id=membership.locality_id,
        kind=AccountKind.MEMBER,
        person_id=membership.person_id,
    ).first()
    return link, account


# --- statements ------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    """One entry of a statement, in words."""

    entry_id: int
    transfer_id: int
    day: date
    day_text: str
    what: str
    minutes: int
    incoming: bool
    amount: str
    time: str
    balance_after: int
    balance: str
    kind: str
    reversed: bool
    is_correction: bool

    @property
    def text(self) -> str:
        return statement_text(self.day_text, self.what, self.amount)


# When a transfer happened, then when it was recorded, then the row: the same
# order every time, even for several transfers on one day.
_HAPPENED = ("transfer__occurred_on", "transfer__created_at", "pk")


def statement_entries(
    *, account: Account, number: Any = None, per_page: int | None = None
) -> Page:
    """One page of an account's entries, the one that happened last first
    (every entry when ``per_page`` is None), each with ``balance_then``: the
    balance once it and everything that happened before it are counted. A
    transfer recorded late (a visit settled a week after it) takes its place
    by ``occurred_on``, so the balances read in order down the page;
    ``Entry.balance_after`` is the balance in the order the entries were
    written, which is not the order they happened.

    The balances come from the account's total less the entries above the
    page: a sum, not a running window over every entry, so a page costs the
    same on page one of a long statement as of a short one. The caller has
    already decided the reader may see ``account``."""
    mine = _entries_of(account)
    entries = (
        mine.select_related("transfer", "transfer__reverses")
        # Not joined: most transfers are never reversed, so SQLite's
        # statistics judge the index on ``reverses`` useless (one key, NULL,
        # for nearly every row) and scan every transfer for each entry.
        .prefetch_related("transfer__reversed_by")
        .order_by(*(F(field).desc() for field in _HAPPENED))
    )
    paginator = Paginator(entries, per_page or max(1, entries.count()))
    page = paginator.get_page(number)
    rows = list(page.object_list)
    above = page.start_index() - 1 if rows else 0
    totals = mine.aggregate(total=Sum("minutes"))
    balance = int(totals["total"] or 0)
    if above:
        earlier = Entry.objects.filter(pk__in=entries.values("pk")[:above]).aggregate(
            total=Sum("minutes")
        )
        balance -= int(earlier["total"] or 0)
    for entry in rows:
        entry.balance_then = balance
        balance -= entry.minutes
    page.object_list = rows
    return page


def _entries_of(account: Account) -> QuerySet[Entry]:
    """The entries of an account as people see it: a person's account, or
    the pot (or the outside world) as a whole, every shard of it."""
    if account.kind in SHARED_KINDS:
        return Entry.objects.filter(
            account__locality_id=account.locality_id,
            account__kind=account.kind,
            account__person__isnull=True,
        )
    return Entry.objects.filter(account=account)


def _other_side(entries: list[Entry], account: Account) -> dict[int, Account]:
    """For each transfer of these entries, the account on the other side
    (when there is exactly one): one query for a page."""
    by_transfer: dict[int, list[Account]] = {}
    others = Entry.objects.filter(transfer_id__in={e.transfer_id for e in entries})
    if account.kind in SHARED_KINDS:
        others = others.exclude(
            account__kind=account.kind, account__person__isnull=True
        )
    else:
        others = others.exclude(account_id=account.pk)
    for other in others.select_related("account__person"):
        by_transfer.setdefault(other.transfer_id, []).append(other.account)
    return {tid: found[0] for tid, found in by_transfer.items() if len(found) == 1}


def _account_label(account: Account | None) -> tuple[str, str]:
    if account is None:
        return "", ""
    if account.person is not None:
        return account.person.display_name, account.kind
    return str(account), account.kind


def statement_lines(
    *, account: Account, entries: list[Entry], today: date | None = None
) -> list[StatementLine]:
    """Entries as lines in plain words: ``Tuesday 3 March: 1 hour of
    gardening with Sam — 1 credit``. Two queries whatever the number."""
    today = today or timezone.localdate()
    per_credit = credit_settings_for(account.locality).minutes_per_credit
    others = _other_side(entries, account)
    lines = []
    for entry in entries:
        transfer = entry.transfer
        other_name, other_kind = _account_label(others.get(transfer.pk))
        # Annotated by statement_entries: the balance in the order things
        # happened, not the order they were written.
        balance_then: int = entry.balance_then  # type: ignore[attr-defined]
        incoming = entry.minutes > 0
        original = None
        original_day = ""
        if transfer.reverses is not None:
            before = transfer.reverses
            original = LineFacts(
                kind=before.kind,
                minutes=abs(entry.minutes),
                incoming=not incoming,
                description=before.description,
                payment_method=before.payment_method,
                paid_by_name=before.paid_by_name,
                other_name=other_name,
                other_kind=other_kind,
            )
            original_day = day_text(before.occurred_on, today=today)
        facts = LineFacts(
            kind=transfer.kind,
            minutes=abs(entry.minutes),
            incoming=incoming,
            description=transfer.description,
            payment_method=transfer.payment_method,
            paid_by_name=transfer.paid_by_name,
            other_name=other_name,
            other_kind=other_kind,
            reversal_of=original,
            reversal_of_day=original_day,
        )
        lines.append(
            StatementLine(
                entry_id=entry.pk,
                transfer_id=transfer.pk,
                day=transfer.occurred_on,
                day_text=day_text(transfer.occurred_on, today=today),
                what=what_happened(facts),
                minutes=entry.minutes,
                incoming=incoming,
                amount=credits_text(abs(entry.minutes), per_credit),
                time=describe_minutes(entry.minutes),
                balance_after=balance_then,
                balance=credits_text(balance_then, per_credit),
                kind=transfer.kind,
                reversed=hasattr(transfer, "reversed_by"),
                is_correction=transfer.kind == TransferKind.REVERSAL,
            )
        )
    return lines


@dataclass(frozen=True)
class Balance:
    minutes: int
    credits: str
    time: str
    spendable: str
    overdrawn: bool


def balance_summary(account: Account | None, locality: Locality) -> Balance:
    """A balance in words, for the top of a statement. The pot's (and the
    outside world's) is the sum of its shards."""
    per_credit = credit_settings_for(locality).minutes_per_credit
    minutes = account.balance_minutes if account else 0
    spendable = account.spendable_minutes if account else 0
    if account is not None and account.kind in SHARED_KINDS:
        minutes, spendable = _shared_totals(account.locality_id, account.kind)
    return Balance(
        minutes=minutes,
        credits=credits_text(minutes, per_credit),
        time=describe_minutes(minutes),
        spendable=describe_minutes(spendable or 0)
        if spendable is not None
        else _("no limit"),
        overdrawn=minutes < 0,
    )


# --- coordinators' lists ---------------------------------------------------------


def _balance_subquery(locality: Locality, kind: str, person_field: str) -> Subquery:
    return Subquery(
        Account.objects.filter(
            locality=locality, kind=kind, person_id=OuterRef(person_field)
        ).values("balance_minutes")[:1]
    )


def _name_filter(queryset: QuerySet[Any], prefix: str, query: str) -> QuerySet[Any]:
    for word in query.split():
        queryset = queryset.filter(
            Q(**{f"{prefix}full_name__icontains": word})
            | Q(**{f"{prefix}preferred_name__icontains": word})
        )
    return queryset


def member_balances_for(
    *, actor: User, locality: Locality, query: str = "", low: bool = False
) -> QuerySet[Any]:
    """Current members with their balances (``credit_balance``, minutes),
    for coordinators; ``low``: less than one credit. Two queries a page."""
    from kith.members.models import Membership

    require_perm(actor, Perm.CREDITS_MANAGE, locality)
    members = (
        Membership.objects.filter(locality=locality, status__in=CURRENT_MEMBER_STATUSES)
        .select_related("person", "ward")
        .annotate(
            credit_balance=Coalesce(
                _balance_subquery(locality, AccountKind.MEMBER, "person_id"), Value(0)
            )
        )
    )
    terms = search_terms(query)
    if terms.born is not None:
        members = members.filter(date_of_birth=terms.born)
    members = members.filter(person_search_q(terms.texts, "person__"))
    if low:
        per_credit = credit_settings_for(locality).minutes_per_credit
        members = members.filter(credit_balance__lt=per_credit)
    return members.order_by("person__full_name", "pk")


def helper_balances_for(
    *, actor: User, locality: Locality, query: str = ""
) -> QuerySet[Any]:
    """Helpers (not those who left) with their balances, for coordinators."""
    from kith.helpers.models import HelperProfile

    require_perm(actor, Perm.CREDITS_MANAGE, locality)
    helpers = (
        HelperProfile.objects.filter(locality=locality)
        .exclude(status="left")
        .select_related("user")
        .annotate(
            credit_balance=Coalesce(
                _balance_subquery(locality, AccountKind.HELPER, "user_id"), Value(0)
            )
        )
    )
    terms = search_terms(query)
    if terms.born is not None:
        helpers = helpers.filter(date_of_birth=terms.born)
    helpers = helpers.filter(person_search_q(terms.texts, "user__"))
    return helpers.order_by("user__full_name", "pk")


def _shared_totals(locality_id: int, kind: str) -> tuple[int, int | None]:
    """What the pot (or the outside world) holds, and how much of it may
    leave (None: no limit): the sums over its shards. Each shard has its own
    floor, so what may leave is the sum of what may leave each."""
    minutes, spendable = 0, 0
    limited = True
    for shard in Account.objects.filter(
        locality_id=locality_id, kind=kind, person__isnull=True
    ).only("balance_minutes", "floor_minutes"):
        minutes += shard.balance_minutes
        if shard.spendable_minutes is None:
            limited = False
        else:
            spendable += shard.spendable_minutes
    return minutes, spendable if limited else None


@dataclass(frozen=True)
class SharedBalance:
    """The pot or the outside world as a whole: ``account`` is its first
    shard (its statement shows every shard), ``minutes`` the sum of all."""

    account: Account
    minutes: int


def shared_accounts_for(*, actor: User, locality: Locality) -> list[SharedBalance]:
    """The pot and the outside world, each with the sum of its shards, for
    coordinators. One query."""
    require_perm(actor, Perm.CREDITS_MANAGE, locality)
    first: dict[str, Account] = {}
    totals: dict[str, int] = {}
    for account in Account.objects.filter(
        locality=locality, kind__in=SHARED_KINDS, person__isnull=True
    ).order_by("kind", "shard"):
        first.setdefault(account.kind, account)
        totals[account.kind] = totals.get(account.kind, 0) + account.balance_minutes
    return [SharedBalance(first[kind], totals[kind]) for kind in sorted(first)]


def transfer_get_for(*, actor: User, locality: Locality, pk: int) -> Any:
    """One transfer with its entries, for coordinators."""
    from kith.credits.models import Transfer

    require_perm(actor, Perm.CREDITS_MANAGE, locality)
    transfer = (
        Transfer.objects.select_related(
            "actor", "on_behalf_of", "reverses", "reversed_by"
        )
        .filter(pk=pk, locality=locality)
        .first()
    )
    if transfer is None:
        raise Http404
    return transfer


def transfer_entries(transfer: Any) -> list[Entry]:
    return list(transfer.entries.select_related("account__person").order_by("pk"))


def active_supporters_of(*, actor: User, locality: Locality, person: User) -> list[Any]:
    """Active supporters of a member, to say who paid a top-up."""
    from kith.members.models import SupporterLink

    require_perm(actor, Perm.CREDITS_MANAGE, locality)
    return list(
        SupporterLink.objects.filter(
            membership__person=person,
            membership__locality=locality,
            status=SupporterLink.Status.ACTIVE,
        ).order_by("name")
    )


# --- the council's grants ---------------------------------------------------------


def concession_members_for(
    *, actor: User, locality: Locality, query: str = ""
) -> QuerySet[Any]:
    """Active members on a concession, with balances, for the council."""
    from kith.members.models import Membership

    require_perm(actor, Perm.CREDITS_GRANT, locality)
    members = (
        Membership.objects.filter(locality=locality, status="active", concession=True)
        .select_related("person", "ward")
        .annotate(
            credit_balance=Coalesce(
                _balance_subquery(locality, AccountKind.MEMBER, "person_id"), Value(0)
            )
        )
    )
    return _name_filter(members, "person__", query).order_by("person__full_name", "pk")


def concession_member_get_for(
    *, actor: User, locality: Locality, person_pk: int
) -> Any:
    """One concession member, for the council. Http404 for anyone else."""
    found = (
        concession_members_for(actor=actor, locality=locality)
        .filter(person_id=person_pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- gifts ---------------------------------------------------------------------


def members_named(*, locality: Locality, name: str) -> list[User]:
    """Current members whose full name is ``name`` (ignoring case and extra
    spaces). A helper types the name of the member they want to give to;
    they are never shown a list of members."""
    from kith.members.models import Membership

    wanted = " ".join(name.split())
    if not wanted:
        return []
    return [
        membership.person
        for membership in Membership.objects.filter(
            locality=locality,
            status__in=CURRENT_MEMBER_STATUSES,
            person__full_name__iexact=wanted,
        ).select_related("person")
    ]


# --- payroll -------------------------------------------------------------------


@dataclass(frozen=True)
class PayrollRow:
    helper: User
    visits: int
    minutes: int

    @property
    def hours(self) -> str:
        """Hours with two decimal places, as payroll systems take them."""
        return f"{self.minutes // 60}.{(self.minutes % 60) * 100 // 60:02d}"


def _require_period(start: date, end: date) -> None:
    if start > end:
        raise ApplicationError(
            _("The end date must be the same as or after the start date."),
            field="end",
        )


def _settled_visits(locality: Locality, start: date, end: date) -> QuerySet[Entry]:
    """Helpers' entries for visits in the period, leaving out any put right."""
    return Entry.objects.filter(
        account__locality=locality,
        account__kind=AccountKind.HELPER,
        transfer__kind=TransferKind.VISIT,
        transfer__occurred_on__gte=start,
        transfer__occurred_on__lte=end,
        transfer__reversed_by__isnull=True,
        minutes__gt=0,
    )


def payroll_for(
    *, actor: User, locality: Locality, start: date, end: date
) -> list[PayrollRow]:
    """One row per paid helper: visits settled in the period (``start`` to
    ``end``, both included, by the visit's date) and their minutes. Visits
    later reversed are left out. Three queries."""
    from kith.helpers.models import HelperProfile

    require_perm(actor, Perm.PAYROLL_EXPORT, locality)
    _require_period(start, end)
    profiles = list(
        HelperProfile.objects.filter(locality=locality, pay_basis="paid")
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    totals = {
        row["account__person_id"]: row
        for row in _settled_visits(locality, start, end)
        .filter(account__person_id__in=[p.user_id for p in profiles])
        .values("account__person_id")
        .annotate(visits=Count("id"), total=Sum("minutes"))
        .order_by()
    }
    rows = []
    for profile in profiles:
        found = totals.get(profile.user_id)
        if found is None and profile.status == "left":
            continue
        rows.append(
            PayrollRow(
                helper=profile.user,
                visits=found["visits"] if found else 0,
                minutes=int(found["total"]) if found else 0,
            )
        )
    return rows


def payroll_detail_for(
    *, actor: User, locality: Locality, person_pk: int, start: date, end: date
) -> tuple[User, list[Entry]]:
    """A paid helper's settled visits in the period, each with the member."""
    from kith.helpers.models import HelperProfile

    require_perm(actor, Perm.PAYROLL_EXPORT, locality)
    _require_period(start, end)
    profile = (
        HelperProfile.objects.filter(
            locality=locality, user_id=person_pk, pay_basis="paid"
        )
        .select_related("user")
        .first()
    )
    if profile is None:
        raise Http404
    entries = list(
        Entry.objects.filter(
            account__locality=locality,
            account__kind=AccountKind.HELPER,
            account__person_id=person_pk,
            transfer__kind=TransferKind.VISIT,
            transfer__occurred_on__gte=start,
            transfer__occurred_on__lte=end,
            minutes__gt=0,
        )
        .select_related("transfer", "account")
        .prefetch_related("transfer__reversed_by")  # see statement_entries
        .order_by("transfer__occurred_on", "pk")
    )
    if entries:
        others = _other_side(entries, entries[0].account)
        for entry in entries:
            name, _kind = _account_label(others.get(entry.transfer_id))
            entry.member_name = name
    return profile.user, entries


def payroll_export_rows(
    *, actor: User, locality: Locality, start: date, end: date
) -> list[list[Any]]:
    """The payroll CSV: a header and one row per paid helper. Audited."""
    rows: list[list[Any]] = [
        ["Helper", "Helper number", "From", "To", "Visits", "Minutes", "Hours"]
    ]
    payroll = payroll_for(actor=actor, locality=locality, start=start, end=end)
    for row in payroll:
        rows.append(
            [
                row.helper.full_name,
                row.helper.pk,
                start.isoformat(),
                end.isoformat(),
                row.visits,
                row.minutes,
                row.hours,
            ]
        )
    audit_record(
        actor=actor,
        action="payroll_exported",
        locality=locality,
        data={
            "from": start.isoformat(),
            "to": end.isoformat(),
            "rows": len(payroll),
            "minutes": sum(r.minutes for r in payroll),
        },
    )
    return rows


def leave_page_credits(*, membership: Any) -> dict[str, str]:
    """For the page where a member leaves (members' ``leave_page_extras``
    hook): the words for the credits they have left, or nothing."""
    from kith.credits.services import balance_minutes, credit_settings_for
    from kith.credits.words import credits_text

    left = balance_minutes(person=membership.person, locality=membership.locality)
    per_credit = credit_settings_for(membership.locality).minutes_per_credit
    return {"credits_left": credits_text(left, per_credit) if left > 0 else ""}


def supporting_page_credits(*, actor: User, link: Any) -> dict[str, Any]:
    """For the page of a member a supporter supports (members'
    ``supporting_page_extras`` hook): the member's balance, when the member
    allowed the supporter to see their credits; nothing otherwise."""
    from kith.members.access import SupporterMay, may_act_for

    membership = link.membership
    if not may_act_for(
        actor=actor, membership=membership, supporter_may=SupporterMay.SEE_CREDITS
    ):
        return {}
    account = Account.objects.filter(
        locality_id=membership.locality_id,
        kind=AccountKind.MEMBER,
        person_id=membership.person_id,
    ).first()
    return {"credits_balance": balance_summary(account, membership.locality)}
