"""What people do with credits: settling a visit, top-ups, grants, joining
credits, gifts, moving credits on leaving and reversing a transfer.
"""

from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.credits.models import (
    Account,
    AccountKind,
    PaymentMethod,
    Transfer,
    TransferKind,
)
from kith.credits.services.accounts import Owner, credit_settings_for
from kith.credits.services.transfers import (
    _move,
    transfer_create,
)
from kith.credits.services.writing import Guard
from kith.helpers.selectors import helper_profile_of
from kith.places.models import Locality

#: Membership statuses that may hold and receive credits.
CURRENT_MEMBER_STATUSES = ("active", "applied", "lapsed")


#: The most one top-up, grant or gift may move: 100 hours.
MAX_MINUTES_AT_ONCE = 100 * 60


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


#: A condition of a Guard: (field, operator, value); the operator is "=",
#: "<>" or "in" (the value a tuple).
Condition = tuple[str, str, Any]


@cache
def _exists_sql(model: type[Model], shape: tuple[tuple[str, str, int], ...]) -> str:
    """``EXISTS (SELECT 1 FROM <model's table> WHERE ...)`` for conditions
    of this shape (field, operator, number of values). Made once per shape:
    the ORM would build it at a cost of about 0.3 ms of CPU a time, a tenth
    of a whole transfer on the ledger's busiest path."""
    quote = connection.ops.quote_name
    where = []
    for name, operator, count in shape:
        field = model._meta.get_field(name)
        if not isinstance(field, Field) or not field.column:
            raise ValueError(f"{name!r} is not a column of {model.__name__}")
        column = quote(field.column)
        if operator == "in":
            where.append(f"{column} IN ({', '.join(['%s'] * count)})")
        else:
            where.append(f"{column} {operator} %s")
    table = quote(model._meta.db_table)
    return f"EXISTS (SELECT 1 FROM {table} WHERE {' AND '.join(where)})"  # noqa: S608


def _exists(model: type[Model], *conditions: Condition) -> tuple[str, tuple[Any, ...]]:
    """SQL and parameters for a Guard: a row of ``model`` meets every
    condition."""
    shape = tuple(
        (name, operator, len(value) if operator == "in" else 1)
        for name, operator, value in conditions
    )
    params: list[Any] = []
    for _name, operator, value in conditions:
        params += list(value) if operator == "in" else [value]
    return _exists_sql(model, shape), tuple(params)


def _member_guard(person: User, locality: Locality) -> Guard:
    """The person's membership is current, checked as the credits move."""
    from kith.members.models import Membership

    def explain() -> None:
        if _current_membership(person, locality) is None:
            raise ApplicationError(_("Only members of the circle can have credits."))

    sql, params = _exists(
        Membership,
        ("person", "=", person.pk),
        ("locality", "=", locality.pk),
        ("status", "in", CURRENT_MEMBER_STATUSES),
    )
    return Guard(sql, params, explain)


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


def visit_credits_settle(
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
        people={member.pk: member},
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
    bought from the outside world to the member. Refused unless they are a
    current member (checked as the credits move: no read before)."""
    require_perm(actor, Perm.CREDITS_MANAGE, locality)
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
        guards=[_member_guard(member, locality)],
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
    Refused for anyone else (checked as the credits move: no read before)."""
    from kith.members.models import Membership

    require_perm(actor, Perm.CREDITS_GRANT, locality)
    _clean_minutes(minutes)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Enter what the grant is for."), field="reason")

    def explain() -> None:
        membership = _current_membership(member, locality)
        if membership is None or membership[0] != "active":
            raise ApplicationError(
                _("Grants are only for current members of the circle.")
            )
        if not membership[1]:
            raise ApplicationError(
                _(
                    "Grants are only for members on a concession membership, "
                    "and %(name)s is not."
                )
                % {"name": member.full_name}
            )

    sql, params = _exists(
        Membership,
        ("person", "=", member.pk),
        ("locality", "=", locality.pk),
        ("status", "=", "active"),
        ("concession", "=", True),
    )
    return _move(
        actor=actor,
        locality=locality,
        key=key,
        kind=TransferKind.GRANT,
        legs=_issue(member, minutes),
        description=reason,
        occurred_on=occurred_on,
        on_behalf_of=member,
        guards=[Guard(sql, params, explain)],
    )


def volunteering_credits_earn(
    *,
    actor: User | None,
    locality: Locality,
    person: User,
    minutes: int,
    key: str,
    description: str,
    occurred_on: date,
) -> Transfer | None:
    """Credit a member with the time they gave to a community project
    (issued from outside, like a grant). Someone who is not a current member
    has no credit account: nothing is credited and None is returned. The
    caller (projects) checks permission and whether its locality gives
    credits for volunteering; idempotent by ``key``."""
    if _current_membership(person, locality) is None:
        return None
    _clean_minutes(minutes, field="minutes")
    return _move(
        actor=actor,
        locality=locality,
        key=f"volunteering:{key}",
        kind=TransferKind.VOLUNTEERING,
        legs=_issue(person, minutes),
        description=description,
        occurred_on=occurred_on,
        on_behalf_of=person,
        reference_type="projects.hoursgiven",
        reference_id=key,
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
    minutes are not theirs to give. Who the helper is and who receives are
    checked as the credits move (no reads before)."""
    from kith.helpers.models import HelperProfile

    if actor.pk != helper.pk:
        require_perm(actor, Perm.CREDITS_MANAGE, locality)
    _clean_minutes(minutes)

    def explain_helper() -> None:
        profile = helper_profile_of(person=helper, locality=locality)
        if profile is None or profile.status == "left":
            raise ApplicationError(_("Only Neighbourhood Helpers can give credits."))
        if profile.pay_basis != "volunteer":
            raise ApplicationError(
                _(
                    "Only volunteer helpers can give their credits. Paid "
                    "helpers’ time is paid through payroll."
                )
            )

    sql, params = _exists(
        HelperProfile,
        ("user", "=", helper.pk),
        ("locality", "=", locality.pk),
        ("pay_basis", "=", "volunteer"),
        ("status", "<>", "left"),
    )
    guards = [Guard(sql, params, explain_helper)]
    if to_member is not None:
        if to_member.pk == helper.pk:
            raise ApplicationError(
                _("Choose another member to give credits to."), field="name"
            )

        def explain_member() -> None:
            if _current_membership(to_member, locality) is None:
                raise ApplicationError(
                    _("Choose a current member of the circle."), field="name"
                )

        guards.append(
            replace(_member_guard(to_member, locality), explain=explain_member)
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
        guards=guards,
        people={helper.pk: helper},
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
    legs = [
        (entry.account, -entry.minutes)
        for entry in transfer.entries.select_related("account").order_by("pk")
    ]
    # One correction per transfer: its key names the transfer, so a second
    # attempt meets the first (no read first): with the same reason it is
    # the same request and returns the first correction.
    try:
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
    except ApplicationError as refused:
        if refused.code != "key_reused":
            raise
        raise ApplicationError(_("This transfer has already been reversed.")) from None
