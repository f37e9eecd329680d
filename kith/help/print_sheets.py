"""Reads for the large-print pages of visits: a member's coming visits and
credits, and a helper's week, scoped to the person asking (the pages are in
kith.help.print_views; their URLs keep the names ``notify:print_*``)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.http import Http404
from django.utils import timezone

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.credits.models import Account
from kith.credits.selectors import balance_summary
from kith.help.models import Visit
from kith.helpers.models import HelperProfile
from kith.members.access import SupporterMay, require_may_act_for, sees_all
from kith.members.models import Membership
from kith.places.models import Locality


@dataclass
class MemberSheet:
    membership: Any
    visits: list[Any]
    balance: Any
    show_visits: bool = True
    show_credits: bool = True


def member_sheet_for(
    *, actor: User, locality: Locality, membership_pk: int | None
) -> MemberSheet:
    """A member's coming visits and balance, for the member themself, for
    staff who look after members, or for a supporter the member allowed to
    see their visits or their credits (``membership_pk``). A supporter's
    sheet holds only what the member allowed them: the visits, the balance,
    or both (the rule is ``kith.members.access``'s). Raises
    ``PermissionDenied`` for anyone else, ``Http404`` for no such member."""
    memberships = Membership.objects.filter(locality=locality).select_related("person")
    if membership_pk is None:
        membership = (
            memberships.filter(person=actor)
            .exclude(status=Membership.Status.LEFT)
            .first()
        )
        if membership is None:
            raise Http404
    else:
        membership = memberships.filter(pk=membership_pk).first()
        if membership is None:
            # Say no more to someone who may not see members than to anyone.
            require_perm(actor, Perm.MEMBERS_MANAGE, locality)
            raise Http404
    how = require_may_act_for(
        actor=actor,
        membership=membership,
        coordinator_perm=Perm.MEMBERS_MANAGE,
        supporter_may=(SupporterMay.SEE_VISITS, SupporterMay.SEE_CREDITS),
    )
    show_visits = sees_all(
        actor=actor, membership=membership, how=how, may=SupporterMay.SEE_VISITS
    )
    show_credits = sees_all(
        actor=actor, membership=membership, how=how, may=SupporterMay.SEE_CREDITS
    )
    visits: list[Any] = []
    if show_visits:
        visits = list(
            Visit.objects.filter(
                request__membership=membership,
                status=Visit.Status.CONFIRMED,
                starts_at__gte=timezone.now() - timedelta(hours=2),
            )
            .select_related("helper__user", "request__category")
            .order_by("starts_at")[:20]
        )
    balance = None
    if show_credits:
        account = Account.objects.filter(
            locality=locality, kind="member", person=membership.person
        ).first()
        balance = balance_summary(account, locality)
    return MemberSheet(
        membership=membership,
        visits=visits,
        balance=balance,
        show_visits=show_visits,
        show_credits=show_credits,
    )


@dataclass
class HelperWeek:
    helper: Any
    start: date
    days: list[tuple[date, list[Any]]]


def helper_week_for(
    *, actor: User, locality: Locality, helper_pk: int | None, start: date | None
) -> HelperWeek:
    """A helper's visits for the seven days from ``start`` (today by default),
    for the helper themself or for staff who look after helpers. No member's
    address: the helper sees that on the visit's page, around the visit."""
    profiles = HelperProfile.objects.filter(locality=locality).select_related("user")
    if helper_pk is None:
        helper = profiles.filter(user=actor).first()
    else:
        require_perm(actor, Perm.HELP_MANAGE, locality)
        helper = profiles.filter(pk=helper_pk).first()
    if helper is None:
        raise Http404
    start = start or timezone.localdate()
    begin = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    found = Visit.objects.filter(
        helper=helper,
        status__in=[Visit.Status.ACCEPTED, Visit.Status.CONFIRMED],
        starts_at__gte=begin,
        starts_at__lt=begin + timedelta(days=7),
    )
    if helper.user_id != actor.pk:
        # Staff see only their own locality's visits: a visit for a
        # neighbouring locality's member is that locality's (ADR 0042).
        found = found.filter(request__locality=locality)
    visits = list(
        found.select_related(
            "request__category", "request__membership__person"
        ).order_by("starts_at")
    )
    days = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        days.append(
            (
                day,
                [
                    v
                    for v in visits
                    if v.starts_at and timezone.localtime(v.starts_at).date() == day
                ],
            )
        )
    return HelperWeek(helper=helper, start=start, days=days)
