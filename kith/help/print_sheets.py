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
from kith.members.models import Membership
from kith.places.models import Locality


@dataclass
class MemberSheet:
    membership: Any
    visits: list[Any]
    balance: Any


def member_sheet_for(
    *, actor: User, locality: Locality, membership_pk: int | None
) -> MemberSheet:
    """A member's coming visits and balance, for the member themself, or for
    staff who look after members (``membership_pk``)."""
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
        require_perm(actor, Perm.MEMBERS_MANAGE, locality)
        membership = memberships.filter(pk=membership_pk).first()
        if membership is None:
            raise Http404
    visits = list(
        Visit.objects.filter(
            request__membership=membership,
            status=Visit.Status.CONFIRMED,
            starts_at__gte=timezone.now() - timedelta(hours=2),
        )
        .select_related("helper__user", "request__category")
        .order_by("starts_at")[:20]
    )
    account = Account.objects.filter(
        locality=locality, kind="member", person=membership.person
    ).first()
    return MemberSheet(
        membership=membership,
        visits=visits,
        balance=balance_summary(account, locality),
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
    visits = list(
        Visit.objects.filter(
            helper=helper,
            status__in=[Visit.Status.ACCEPTED, Visit.Status.CONFIRMED],
            starts_at__gte=begin,
            starts_at__lt=begin + timedelta(days=7),
        )
        .select_related("request__category", "request__membership__person")
        .order_by("starts_at")
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
