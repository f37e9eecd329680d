"""Reads of the outbox, the call list and the printable pages, scoped to the
person asking."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.notify.models import Call, Message, TemplateProblem
from kith.places.models import Locality


def messages_for(
    *,
    actor: User,
    locality: Locality,
    status: str = "",
    channel: str = "",
    query: str = "",
) -> QuerySet[Message]:
    """The locality's messages, newest first, for staff who may see them."""
    require_perm(actor, Perm.MESSAGES_VIEW, locality)
    messages = Message.objects.filter(locality=locality).select_related("recipient")
    if status:
        messages = messages.filter(status=status)
    if channel:
        messages = messages.filter(channel=channel)
    if query:
        messages = messages.filter(
            Q(to__icontains=query)
            | Q(recipient__full_name__icontains=query)
            | Q(template__icontains=query)
        )
    return messages.order_by("-created_at", "-pk")


@dataclass
class HeldBack:
    channel: str
    label: str
    count: int
    last_day: date


def messages_held_back_for(*, actor: User, locality: Locality) -> list[HeldBack]:
    """The locality's messages waiting for GOV.UK Notify's daily limit, by
    channel, and the day the last should go: coordinators are told that a
    batch will finish later than usual. The estimate counts every
    locality's waiting messages, as the limit is shared."""
    from django.db.models import Count

    from kith.notify import limits
    from kith.notify.services import WAITING_DAILY_LIMIT

    require_perm(actor, Perm.MESSAGES_VIEW, locality)
    waiting = Message.objects.filter(
        status=Message.Status.QUEUED, waiting_for=WAITING_DAILY_LIMIT
    )
    everyone = dict(
        waiting.values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
        .order_by()
    )
    here = (
        waiting.filter(locality=locality)
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
        .order_by("channel")
    )
    today = limits.today()
    return [
        HeldBack(
            channel=channel,
            label=_waiting_words(channel, count),
            count=count,
            last_day=today
            + timedelta(days=limits.days_to_clear(channel, everyone[channel])),
        )
        for channel, count in here
    ]


def _waiting_words(channel: str, count: int) -> str:
    from django.utils.translation import ngettext

    words = {
        "email": ngettext("%(n)s email", "%(n)s emails", count),
        "sms": ngettext("%(n)s text message", "%(n)s text messages", count),
        "letter": ngettext("%(n)s letter", "%(n)s letters", count),
    }
    return words.get(channel, f"%(n)s {channel}") % {"n": count}


def message_get_for(*, actor: User, locality: Locality, pk: int) -> Message:
    require_perm(actor, Perm.MESSAGES_VIEW, locality)
    try:
        return Message.objects.select_related("recipient", "replaces").get(
            pk=pk, locality=locality
        )
    except Message.DoesNotExist as exc:
        raise Http404 from exc


def calls_for(*, actor: User, locality: Locality) -> list[Call]:
    """Today's call list: every call not yet done, oldest first, then the
    calls finished today."""
    require_perm(actor, Perm.CALL_LIST, locality)
    today_start = timezone.make_aware(
        datetime.combine(timezone.localdate(), datetime.min.time())
    )
    return list(
        Call.objects.filter(locality=locality)
        .filter(Q(done=False) | Q(called_at__gte=today_start))
        .select_related("person", "message", "called_by", "visit")
        .order_by("done", "day", "person__full_name", "pk")
    )


@dataclass
class ConfigurationProblems:
    problems: list[TemplateProblem]
    # Per template and channel: how many messages are held, the oldest one.
    held: list[dict[str, Any]]


def configuration_problems_for(
    *, actor: User, locality: Locality
) -> ConfigurationProblems:
    """Every Notify template problem and the messages held for them, counted
    by template and channel (no personal details: the configuration serves
    every locality), for administrators only. Raises PermissionDenied."""
    from django.core.exceptions import PermissionDenied
    from django.db.models import Count, Min

    from kith.accounts.models import Role
    from kith.accounts.permissions import has_role

    if not has_role(actor, Role.ADMIN, locality):
        raise PermissionDenied
    held = list(
        Message.objects.filter(status=Message.Status.HELD)
        .values("template", "channel")
        .annotate(count=Count("pk"), oldest=Min("created_at"))
        .order_by("template", "channel")
    )
    return ConfigurationProblems(
        problems=list(TemplateProblem.objects.order_by("template", "channel")),
        held=held,
    )


def call_get_for(*, actor: User, locality: Locality, pk: int) -> Call:
    require_perm(actor, Perm.CALL_LIST, locality)
    try:
        return Call.objects.select_related("person").get(pk=pk, locality=locality)
    except Call.DoesNotExist as exc:
        raise Http404 from exc


# --- printable pages ---------------------------------------------------------


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
    from kith.credits.models import Account
    from kith.credits.selectors import balance_summary
    from kith.help.models import Visit
    from kith.members.models import Membership

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
    from kith.help.models import Visit
    from kith.helpers.models import HelperProfile

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


@dataclass
class ActivitiesSheet:
    first: date
    days: list[tuple[date, list[Any]]]


def activities_sheet_for(*, locality: Locality, month: date) -> ActivitiesSheet | None:
    """The month's listed activities, by day; None without the social part."""
    from kith.notify.jobs import month_activities

    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    found = month_activities(locality, first, last)
    if found is None:
        return None
    days: dict[date, list[Any]] = {}
    for occurrence in found:
        days.setdefault(timezone.localtime(occurrence.starts_at).date(), []).append(
            occurrence
        )
    return ActivitiesSheet(first=first, days=sorted(days.items()))
