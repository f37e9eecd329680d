"""Sending: a worker claims a batch of queued messages, holds them by a lease
while it hands each to its channel, and records the outcome."""

import contextlib
import random
import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Min
from django.utils import timezone
from django_tasks import task

from kith.notify import channels, limits
from kith.notify.channels import Outcome
from kith.notify.models import (
    Channel,
    Message,
    MessageSecret,
)
from kith.notify.services.failures import message_fail, message_hold
from kith.notify.services.policy import OutboxRules, rules
from kith.notify.services.queueing import _enqueue, send_task_register
from kith.places.models import Locality

# --- sending -----------------------------------------------------------------


def _in_quiet_hours(moment: datetime, r: OutboxRules) -> bool:
    hour = timezone.localtime(moment).hour
    if r.quiet_from > r.quiet_until:
        return hour >= r.quiet_from or hour < r.quiet_until
    return r.quiet_from <= hour < r.quiet_until


def _quiet_hours_end(moment: datetime, r: OutboxRules) -> datetime:
    local = timezone.localtime(moment)
    end = local.replace(hour=r.quiet_until, minute=0, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end


def backoff(attempts: int, r: OutboxRules | None = None) -> timedelta:
    """Exponential backoff with full jitter: a random wait up to base × 2^n."""
    r = r or rules()
    ceiling = min(r.backoff_cap_seconds, r.backoff_seconds * 2 ** max(0, attempts - 1))
    return timedelta(seconds=r.backoff_seconds / 2 + random.uniform(0, ceiling))  # noqa: S311 - jitter, not security


def _claim(message_ids: list[int], now: datetime, token: str) -> list[Message]:
    """Move the due messages among ``message_ids`` from queued to sending,
    held by the sender ``token`` for one lease.

    A message waits when an earlier message to the same address is not yet
    sent (order per person), when it is a text in quiet hours, or when its
    recipient has had their share of messages this hour; an urgent message
    waits for none of these.
    """
    r = rules()
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk__in=message_ids, status=Message.Status.QUEUED)
            .exclude(channel=Channel.PHONE)
            .order_by("pk")
        )
        if not rows:
            return []
        in_batch = [m.pk for m in rows]
        earlier = dict(
            Message.objects.filter(
                to__in={m.to for m in rows},
                status__in=[Message.Status.QUEUED, Message.Status.SENDING],
                pk__lt=in_batch[-1],
            )
            .exclude(pk__in=in_batch)
            .exclude(channel=Channel.PHONE)
            .values("to")
            .annotate(first=Min("pk"))
            .values_list("to", "first")
        )
        # A locality may keep its own quiet hours (ADR 0041); else the
        # deployment's.
        quiet: dict[int | None, OutboxRules] = {
            pk: replace(r, quiet_from=start or 0, quiet_until=end or 0)
            for pk, start, end in Locality.objects.filter(
                pk__in={m.locality_id for m in rows if m.channel == Channel.SMS},
                quiet_from_hour__isnull=False,
                quiet_until_hour__isnull=False,
            ).values_list("pk", "quiet_from_hour", "quiet_until_hour")
        }
        recipients = {m.recipient_id for m in rows if m.recipient_id}
        sent_lately = dict(
            Message.objects.filter(
                recipient_id__in=recipients,
                sent_at__gte=now - timedelta(seconds=r.rate_window_seconds),
            )
            .values("recipient_id")
            .annotate(n=Count("pk"))
            .values_list("recipient_id", "n")
        )
        claimed: list[Message] = []
        deferred: list[Message] = []
        blocked_to: set[str] = set()
        for message in rows:
            first_earlier = earlier.get(message.to)
            # Urgent messages (sign-in codes) do not wait their turn.
            if not message.urgent and (
                message.to in blocked_to
                or (first_earlier is not None and first_earlier < message.pk)
            ):
                blocked_to.add(message.to)
                continue
            wait_until = None
            if message.next_attempt_at > now:
                wait_until = message.next_attempt_at
            elif (
                message.channel == Channel.SMS
                and not message.urgent
                and _in_quiet_hours(now, quiet.get(message.locality_id, r))
            ):
                wait_until = _quiet_hours_end(now, quiet.get(message.locality_id, r))
            elif (
                message.recipient_id
                and not message.urgent
                and sent_lately.get(message.recipient_id, 0) >= r.rate_limit
            ):
                wait_until = now + timedelta(seconds=r.rate_window_seconds / 4)
            if wait_until is not None:
                if message.next_attempt_at != wait_until:
                    message.next_attempt_at = wait_until
                    deferred.append(message)
                blocked_to.add(message.to)
                continue
            if message.recipient_id:
                sent_lately[message.recipient_id] = (
                    sent_lately.get(message.recipient_id, 0) + 1
                )
            claimed.append(message)
        if claimed and channels.notify_enabled():
            claimed, over = _within_daily_limits(claimed)
            tomorrow = limits.next_day_start(now)
            for message in over:
                message.next_attempt_at = tomorrow
                message.waiting_for = WAITING_DAILY_LIMIT
                deferred.append(message)
        if deferred:
            Message.objects.bulk_update(deferred, ["next_attempt_at", "waiting_for"])
        if claimed:
            expires = timezone.now() + timedelta(seconds=r.lease_seconds)
            Message.objects.filter(
                pk__in=[m.pk for m in claimed], status=Message.Status.QUEUED
            ).update(
                status=Message.Status.SENDING,
                attempts=F("attempts") + 1,
                claimed_at=now,
                lease_token=token,
                lease_expires_at=expires,
                waiting_for="",
            )
            for message in claimed:
                message.status = Message.Status.SENDING
                message.attempts += 1
                message.claimed_at = now
                message.lease_token = token
                message.lease_expires_at = expires
    return claimed


#: ``Message.waiting_for`` of a message held back by Notify's daily limit.
WAITING_DAILY_LIMIT = "daily_limit"


def _within_daily_limits(
    claimed: list[Message],
) -> tuple[list[Message], list[Message]]:
    """Split ``claimed`` into the messages today's allowance per channel lets
    go (urgent ones first) and those that must wait for tomorrow."""
    allowed: set[int] = set()
    for channel in {m.channel for m in claimed}:
        mine = [m for m in claimed if m.channel == channel]
        urgent = [m for m in mine if m.urgent]
        others = [m for m in mine if not m.urgent]
        may_urgent, may_others = limits.daily_reserve(
            channel, urgent=len(urgent), others=len(others)
        )
        allowed |= {m.pk for m in urgent[:may_urgent] + others[:may_others]}
    return (
        [m for m in claimed if m.pk in allowed],
        [m for m in claimed if m.pk not in allowed],
    )


#: Temporary failures in a row after which a batch stops trying.
PROVIDER_DOWN_AFTER = 3


def messages_send(*, message_ids: Iterable[int], now: datetime | None = None) -> int:
    """Send the due messages among ``message_ids``, each at most once, then
    the messages queued after them to the same addresses. Returns how many
    were handed to the channel successfully."""
    return _send(message_ids, now)[0]


@task(queue_name="notify")
def messages_send_task(message_ids: list[int]) -> int:
    """The worker's side of the outbox: send one batch of queued messages."""
    return messages_send(message_ids=message_ids)


@task(queue_name="notify")
def message_send_task(message_id: int) -> None:
    """Kept for tasks queued before messages were sent in batches."""
    messages_send(message_ids=[message_id])


send_task_register(messages_send_task)


def _send(message_ids: Iterable[int], now: datetime | None) -> tuple[int, bool]:
    """How many were sent, and whether the provider looked down."""
    ids = sorted(set(message_ids))
    total = 0
    failing = 0
    token = uuid.uuid4().hex
    for _round in range(10):
        if not ids:
            break
        now = now or timezone.now()
        claimed = _claim(ids, now, token)
        lease = Lease(token, [m.pk for m in claimed])
        delivered_to: set[str] = set()
        held_to: set[str] = set()
        sent_ids: list[int] = []
        for message in claimed:
            lease.renew_all()
            if message.to in held_to or failing >= PROVIDER_DOWN_AFTER:
                # An earlier message to this address could not go, so this one
                # waits behind it and the person receives them in order; or
                # the provider looks down, and the rest of the batch waits for
                # the next sweep rather than each timing out in turn.
                _release(message, now, token)
                lease.done(message.pk)
                continue
            held = lease.take(message.pk)
            lease.done(message.pk)
            if held == Lease.LOST:
                # The sweep took it back and another sender has it: theirs,
                # and later messages to the person wait behind it.
                held_to.add(message.to)
                continue
            if held == Lease.EXPIRED:
                # Ours again, but the sweep may have sent it meanwhile: ask
                # Notify by its reference instead of sending it blind.
                outcome = _deliver_after_lapse(message)
            else:
                outcome = channels.deliver(message)
            if outcome.rate_limited:
                # Notify's rate limit: not a failed try. It and the rest of
                # the batch wait for the next sweep.
                _release(message, now, token)
                held_to.add(message.to)
                failing = PROVIDER_DOWN_AFTER
                continue
            failing = failing + 1 if outcome.temporary else 0
            if not outcome.ok:
                held_to.add(message.to)
            if outcome.ok and not outcome.provider_reference:
                sent_ids.append(message.pk)
            else:
                _record(message, outcome, now)
            if outcome.ok:
                total += 1
                delivered_to.add(message.to)
        if sent_ids:
            Message.objects.filter(
                pk__in=sent_ids, status=Message.Status.SENDING
            ).update(
                status=Message.Status.SENT,
                sent_at=timezone.now(),
                lease_token="",
                lease_expires_at=None,
            )
        secrets_forget(message_ids=[m.pk for m in claimed])
        if not delivered_to:
            break
        # Later messages to the same people waited for these: send them now.
        ids = list(
            Message.objects.filter(
                to__in=delivered_to,
                status=Message.Status.QUEUED,
                next_attempt_at__lte=now,
            )
            .exclude(channel=Channel.PHONE)
            .order_by("pk")
            .values_list("pk", flat=True)[: rules().batch]
        )
        now = None
    return total, failing >= PROVIDER_DOWN_AFTER


#: How long a secret may wait to be sent before it is forgotten anyway: a
#: sign-in code works for 10 minutes, a password link for 2 hours, and every
#: message is sent or given up within a day.
SECRET_MAX_AGE = timedelta(days=1)

_FINISHED = [Message.Status.SENT, Message.Status.DELIVERED, Message.Status.FAILED]


def secrets_forget(
    *, message_ids: Iterable[int] | None = None, now: datetime | None = None
) -> int:
    """Delete the secrets of messages that are sent or failed for good (of
    ``message_ids``, or of every message), and every secret older than a day.
    Returns how many were deleted."""
    finished = MessageSecret.objects.filter(message__status__in=_FINISHED)
    if message_ids is not None:
        finished = finished.filter(message_id__in=list(message_ids))
    deleted = finished.delete()[0]
    if message_ids is None:
        stale = (now or timezone.now()) - SECRET_MAX_AGE
        deleted += MessageSecret.objects.filter(created_at__lt=stale).delete()[0]
    return deleted


def _release(message: Message, now: datetime, token: str) -> None:
    """Put a claimed message back, unsent and its try not counted (nor
    counted against Notify's daily limit)."""
    released = Message.objects.filter(
        pk=message.pk, status=Message.Status.SENDING, lease_token=token
    ).update(
        status=Message.Status.QUEUED,
        attempts=F("attempts") - 1,
        claimed_at=None,
        lease_token="",
        lease_expires_at=None,
    )
    if released and channels.notify_enabled():
        limits.daily_give_back(message.channel)


class Lease:
    """One sender's hold on the messages it claimed. ``take`` is checked at
    the moment of sending; ``renew_all`` keeps the messages still waiting in
    the batch from looking abandoned while a slow provider answers.

    Only the sweep takes messages from a sender, and only once their lease
    has expired. So while the leases this sender last set have a good while
    to run (a third of a lease, a margin for clocks that differ between
    machines), nobody else can hold them and ``take`` needs no query; after
    a stall, or once any lease is found gone, each message is checked in
    the database before it is sent."""

    HELD, EXPIRED, LOST = "held", "expired", "lost"

    def __init__(self, token: str, message_ids: list[int]) -> None:
        self.token = token
        self.waiting = list(message_ids)
        self.seconds = rules().lease_seconds
        self.renewed = timezone.now()
        # The claim set the leases a moment ago; err on the early side.
        self.expires = self.renewed + timedelta(seconds=self.seconds * 0.9)
        self.careful = False

    @property
    def margin(self) -> timedelta:
        return timedelta(seconds=self.seconds / 3)

    def _mine(self, **where: Any) -> Any:
        return Message.objects.filter(
            status=Message.Status.SENDING, lease_token=self.token, **where
        )

    def take(self, message_id: int) -> str:
        """Renew the lease of the message about to be sent: HELD if it was
        still ours, EXPIRED if it had lapsed but nobody took it, LOST if the
        sweep or another sender has it."""
        now = timezone.now()
        if not self.careful and now < self.expires - self.margin:
            return self.HELD
        expires = now + timedelta(seconds=self.seconds)
        if self._mine(pk=message_id, lease_expires_at__gt=now).update(
            lease_expires_at=expires
        ):
            return self.HELD
        if self._mine(pk=message_id).update(lease_expires_at=expires):
            return self.EXPIRED
        return self.LOST

    def done(self, message_id: int) -> None:
        with contextlib.suppress(ValueError):
            self.waiting.remove(message_id)

    def renew_all(self) -> None:
        """Every third of a lease, renew the leases of the batch."""
        now = timezone.now()
        if not self.waiting or now - self.renewed < self.margin:
            return
        if now >= self.expires - self.margin:
            self.careful = True  # a stall: some may have lapsed meanwhile
        expires = now + timedelta(seconds=self.seconds)
        # Only leases still running: a lapsed one is checked with Notify
        # when its turn comes (``take``).
        renewed = self._mine(pk__in=self.waiting, lease_expires_at__gt=now).update(
            lease_expires_at=expires
        )
        if renewed < len(self.waiting):
            self.careful = True  # some lapsed or were taken back
        self.renewed = now
        self.expires = expires


def _deliver_after_lapse(message: Message) -> Outcome:
    try:
        found = channels.find(message)
    except channels.ChannelUnavailable as exc:
        return Outcome(
            ok=False,
            error=str(exc)[:500],
            temporary=True,
            rate_limited=isinstance(exc, channels.RateLimitedError),
        )
    if found is not None:
        return Outcome(ok=True, provider_reference=found)
    return channels.deliver(message)


def message_send(*, message_id: int) -> Message:
    """Deliver one queued message through the configured channel, at most once."""
    messages_send(message_ids=[message_id])
    return Message.objects.get(pk=message_id)


def _record(message: Message, outcome: Outcome, now: datetime) -> None:
    """Store what the channel said about one message we tried to send."""
    r = rules()
    if outcome.ok:
        Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
            status=Message.Status.SENT,
            sent_at=timezone.now(),
            provider_reference=outcome.provider_reference,
            last_error="",
            lease_token="",
            lease_expires_at=None,
        )
        return
    if outcome.config_problem:
        message_hold(message=message, error=outcome.error)
        return
    if outcome.temporary and message.attempts < r.max_attempts:
        retry_at = now + backoff(message.attempts, r)
        Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
            status=Message.Status.QUEUED,
            next_attempt_at=retry_at,
            last_error=outcome.error[:2000],
            lease_token="",
            lease_expires_at=None,
        )
        transaction.on_commit(lambda: _enqueue([message.pk], run_after=retry_at))
        return
    message_fail(
        message=message,
        error=outcome.error,
        bad_detail=outcome.bad_contact_detail,
    )
