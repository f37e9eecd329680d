"""Reads of the outbox and the call list, scoped to the person asking. (The
printable pages moved up to the parts whose data they show: the member's
sheet and the helper's week to kith.help.print_sheets, the month's
activities to kith.social.print_sheets.)"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kith.notify import access
from kith.notify.models import Call, Message, TemplateProblem
from kith.places.models import Locality


def messages_for(
    *,
    actor: Any,
    locality: Locality,
    status: str = "",
    channel: str = "",
    query: str = "",
) -> QuerySet[Message]:
    """The locality's messages, newest first, for staff who may see them."""
    access.require(actor, access.MESSAGES_VIEW, locality)
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


def messages_held_back_for(*, actor: Any, locality: Locality) -> list[HeldBack]:
    """The locality's messages waiting for GOV.UK Notify's daily limit, by
    channel, and the day the last should go: coordinators are told that a
    batch will finish later than usual. The estimate counts every
    locality's waiting messages, as the limit is shared."""
    from django.db.models import Count

    from kith.notify import limits
    from kith.notify.services import WAITING_DAILY_LIMIT

    access.require(actor, access.MESSAGES_VIEW, locality)
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


def message_get_for(*, actor: Any, locality: Locality, pk: int) -> Message:
    access.require(actor, access.MESSAGES_VIEW, locality)
    try:
        return Message.objects.select_related("recipient", "replaces").get(
            pk=pk, locality=locality
        )
    except Message.DoesNotExist as exc:
        raise Http404 from exc


def calls_to_make_for(*, actor: Any, locality: Locality) -> QuerySet[Call]:
    """The call list: every call not yet done, oldest day first. Raises
    PermissionDenied for those who do not make calls."""
    access.require(actor, access.CALL_LIST, locality)
    return (
        Call.objects.filter(locality=locality, done=False)
        .select_related("person", "message", "called_by", "visit")
        .order_by("day", "person__full_name", "pk")
    )


def calls_done_today_for(*, actor: Any, locality: Locality) -> QuerySet[Call]:
    """The calls finished today, latest first."""
    access.require(actor, access.CALL_LIST, locality)
    today_start = timezone.make_aware(
        datetime.combine(timezone.localdate(), datetime.min.time())
    )
    return (
        Call.objects.filter(locality=locality, done=True, called_at__gte=today_start)
        .select_related("person", "called_by")
        .order_by("-called_at", "-pk")
    )


@dataclass
class ConfigurationProblems:
    problems: list[TemplateProblem]
    # Per template and channel: how many messages are held, the oldest one.
    held: list[dict[str, Any]]


def configuration_problems_for(
    *, actor: Any, locality: Locality
) -> ConfigurationProblems:
    """Every Notify template problem and the messages held for them, counted
    by template and channel (no personal details: the configuration serves
    every locality), for administrators only. Raises PermissionDenied."""
    from django.db.models import Count, Min

    access.require(actor, access.ADMIN, locality)
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


def call_get_for(*, actor: Any, locality: Locality, pk: int) -> Call:
    access.require(actor, access.CALL_LIST, locality)
    try:
        return Call.objects.select_related("person").get(pk=pk, locality=locality)
    except Call.DoesNotExist as exc:
        raise Http404 from exc
