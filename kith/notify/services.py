"""The outbox: queue a message in the caller's transaction, send after commit.

A message goes through these states: queued → sending → sent → delivered (when
the provider's receipt says so), or failed. Sending is at most once per
message: a worker claims a batch (queued → sending) in one transaction, hands
each message to the channel with its ``reference`` as the provider's
reference, and records the answer. A worker that dies mid-batch leaves
messages in "sending"; ``outbox_recover`` asks the channel whether each one
arrived before it queues it again, so nothing is lost and nothing is sent
twice. Messages to one address go out in the order they were queued.
"""

import contextlib
import hashlib
import json
import logging
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, DateTimeField, F, Min, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.notify import access, channels, limits
from kith.notify.catalogue import (
    TYPE_WORDS,
    expected_fields,
    notify_fields,
    sendable,
    sendable_channels,
    template_id,
)
from kith.notify.channels import Outcome
from kith.notify.models import (
    CONTACT_DETAIL,
    Call,
    Channel,
    Message,
    MessageSecret,
    TemplateProblem,
)
from kith.notify.templates_text import SECRET_FIELDS, TEMPLATES, redact, render

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxRules:
    """The outbox's limits, read from settings when they are needed."""

    max_attempts: int
    backoff_seconds: float
    backoff_cap_seconds: float
    quiet_from: int
    quiet_until: int
    rate_limit: int
    rate_window_seconds: int
    dedupe_seconds: int
    lease_seconds: float
    batch: int


def rules() -> OutboxRules:
    return OutboxRules(
        max_attempts=getattr(settings, "KITH_NOTIFY_MAX_ATTEMPTS", 8),
        backoff_seconds=getattr(settings, "KITH_NOTIFY_BACKOFF_SECONDS", 30),
        backoff_cap_seconds=getattr(settings, "KITH_NOTIFY_BACKOFF_CAP_SECONDS", 3600),
        quiet_from=getattr(settings, "KITH_NOTIFY_QUIET_FROM_HOUR", 21),
        quiet_until=getattr(settings, "KITH_NOTIFY_QUIET_UNTIL_HOUR", 8),
        rate_limit=getattr(settings, "KITH_NOTIFY_RATE_LIMIT", 10),
        rate_window_seconds=getattr(settings, "KITH_NOTIFY_RATE_WINDOW_SECONDS", 3600),
        dedupe_seconds=getattr(settings, "KITH_NOTIFY_DEDUPE_SECONDS", 600),
        lease_seconds=lease_seconds(),
        batch=getattr(settings, "KITH_NOTIFY_BATCH", 100),
    )


def lease_seconds() -> float:
    """How long a sender holds a message it is sending before the sweep may
    take it back (KITH_NOTIFY_LEASE_SECONDS, default 60). The sender renews
    its leases while it works, so this is how long a dead worker's messages
    wait, not how long a batch may take. Never less than three times
    NOTIFY_TIMEOUT_SECONDS: one request to Notify must end well within it."""
    wanted = float(getattr(settings, "KITH_NOTIFY_LEASE_SECONDS", 60))
    timeout = float(getattr(settings, "NOTIFY_TIMEOUT_SECONDS", 10))
    return max(wanted, 3 * timeout)


# --- queueing ----------------------------------------------------------------


def _fingerprint(channel: str, to: str, template: str, values: dict[str, Any]) -> str:
    text = json.dumps([channel, to, template, values], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def message_queue(
    *,
    to: str,
    channel: str,
    template: str,
    personalisation: dict[str, Any],
    recipient: Any = None,
    locality: Any = None,
    urgent: bool = False,
    key: str | None = None,
    replaces: Message | None = None,
) -> Message:
    """Write a message to the outbox and send it once the transaction commits.

    With ``key``, queueing is idempotent: a second call with the same key
    returns the first message. The same message to the same address within
    the de-duplication window is queued once. A ``phone`` message is not sent:
    it waits on the coordinators' call list.

    Raises KeyError for a template that does not exist, and ValueError for a
    channel the template is not sent by: programming errors.
    """
    if template not in TEMPLATES:
        raise KeyError(f"No message template called {template!r}")
    if key is not None:
        existing = Message.objects.filter(key=key).first()
        if existing is not None:
            return existing
    channel = str(Channel(channel))
    if channel != Channel.PHONE and channel not in sendable_channels(template):
        raise ValueError(f"{template} is not sent by {channel} (kith.notify.catalogue)")
    # A secret (a sign-in code, a link with a token) is never stored with the
    # message: words stand in its place and the secret waits apart until it
    # is sent (ADR 0016). Each secret is new, so such a message is never a
    # duplicate, and its fingerprint is taken without the secret, which
    # would otherwise be guessable from it.
    personalisation, secret = redact(template, personalisation)
    fingerprint = _fingerprint(channel, to, template, personalisation)
    now = timezone.now()
    window = timedelta(seconds=rules().dedupe_seconds)
    duplicate = (
        Message.objects.filter(fingerprint=fingerprint, created_at__gte=now - window)
        .exclude(status=Message.Status.FAILED)
        .order_by("pk")
        .first()
    )
    if duplicate is not None and not secret:
        return duplicate
    values = {
        "key": key,
        "to": to,
        "channel": channel,
        "template": template,
        "personalisation": personalisation,
        "fingerprint": fingerprint,
        "recipient": recipient,
        "locality": locality,
        "urgent": urgent,
        "replaces": replaces,
        "created_at": now,
        "next_attempt_at": now,
    }
    if key is None:
        message = Message.objects.create(**values)
    else:
        try:
            with transaction.atomic():
                message = Message.objects.create(**values)
        except IntegrityError:
            # Another process queued the same key between our look and our
            # write: theirs stands.
            return Message.objects.get(key=key)
    if secret and message.channel != Channel.PHONE:
        # A phone message is never sent: a coordinator could not pass the
        # secret on, so it is not kept (they send a new sign-in code instead).
        MessageSecret.objects.create(message=message, values=secret)
    if message.channel != Channel.PHONE:
        _send_after_commit(message.pk)
    return message


class _Batch:
    """Message ids queued in one transaction, sent by one task after commit."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self) -> None:
        size = rules().batch
        for start in range(0, len(self.ids), size):
            _enqueue(self.ids[start : start + size])


def _send_after_commit(message_id: int) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue([message_id])
        return
    batch = getattr(connection, "_kith_outbox_batch", None)
    # A rolled-back transaction or savepoint drops its callbacks: start again.
    if batch is None or not any(
        callback is batch for _sids, callback, _robust in connection.run_on_commit
    ):
        batch = _Batch()
        connection._kith_outbox_batch = batch
        transaction.on_commit(batch)
    batch.ids.append(message_id)


def _enqueue(message_ids: list[int], *, run_after: datetime | None = None) -> None:
    sending = messages_send_task
    if run_after is not None:
        if not sending.get_backend().supports_defer:
            return  # outbox_sweep sends it when it is due
        sending = sending.using(run_after=run_after)
    try:
        sending.enqueue(message_ids)
    except Exception:
        # The messages are safe in the outbox; outbox_sweep will send them.
        log.exception("Could not enqueue sending of messages %s", message_ids)


def channel_for_person(
    person: Any, channels: tuple[str, ...] | None = None
) -> tuple[str, str] | None:
    """The channel and address to reach ``person``: their stated preference
    first, then text, email, letter, among ``channels`` (all when None). None
    when there is no way but a phone call from a coordinator (or none at
    all)."""
    bad = set(getattr(person, "bad_contact_details", []) or [])
    options: dict[str, str | None] = {
        Channel.SMS: person.mobile if person.mobile and "mobile" not in bad else None,
        Channel.EMAIL: person.email if person.email and "email" not in bad else None,
        Channel.LETTER: "\n".join([person.full_name, *person.address_lines])
        if person.address_line_1 and person.postcode and "address" not in bad
        else None,
    }
    if channels is not None:
        options = {key: value for key, value in options.items() if key in channels}
    preferred = getattr(person, "contact_by", "")
    preferred_address = options.get(preferred)
    if preferred_address:
        return preferred, preferred_address
    for channel in (Channel.SMS, Channel.EMAIL, Channel.LETTER):
        address = options.get(channel)
        if address:
            return str(channel), address
    return None


def message_queue_for_person(
    *,
    person: Any,
    template: str,
    personalisation: dict[str, Any],
    locality: Any = None,
    urgent: bool = False,
    key: str | None = None,
    replaces: Message | None = None,
) -> Message:
    """Queue a message to ``person`` by the channel that suits them.

    Someone who prefers phone calls, or who has no working contact details,
    gets a ``phone`` message: it waits on the coordinators' call list.
    """
    preferred = getattr(person, "contact_by", "")
    found = (
        None
        if preferred == "phone"
        else channel_for_person(person, sendable_channels(template))
    )
    channel: str
    if found is None:
        channel, to = str(Channel.PHONE), person.phone or person.mobile or ""
    else:
        channel, to = found
    return message_queue(
        to=to,
        channel=channel,
        template=template,
        personalisation={"name": person.display_name, **personalisation},
        recipient=person,
        locality=locality,
        urgent=urgent,
        key=key,
        replaces=replaces,
    )


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
                and _in_quiet_hours(now, r)
            ):
                wait_until = _quiet_hours_end(now, r)
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


@transaction.atomic
def message_hold(*, message: Message, error: str) -> Message:
    """Notify refused ``message`` because of Kith's configuration (its
    template): hold it for the administrators, who see it on the Notify
    configuration problems page, rather than failing it or trying another
    channel. The template's problem is recorded, so the warning shows."""
    updated = Message.objects.filter(
        pk=message.pk, status=Message.Status.SENDING
    ).update(status=Message.Status.HELD, last_error=error[:2000], claimed_at=None)
    if not updated:
        return message
    template_problem_record(
        template=message.template,
        channel=message.channel,
        kind=TemplateProblem.Kind.REFUSED,
        source=TemplateProblem.Source.SEND,
        detail=error,
    )
    audit_record(
        actor=None,
        action="message_held",
        target=message,
        locality=message.locality_id,
        data={
            "template": message.template,
            "channel": message.channel,
            "error": error[:300],
        },
    )
    log.error(
        "Message %s held for a Notify configuration problem: %s", message.pk, error
    )
    return message


def template_problem_record(
    *, template: str, channel: str, kind: str, source: str, detail: str
) -> TemplateProblem:
    """Record (or bring up to date) one problem with a Notify template."""
    problem, _created = TemplateProblem.objects.update_or_create(
        template=template,
        channel=channel,
        source=source,
        defaults={"kind": kind, "detail": detail[:2000], "found_at": timezone.now()},
    )
    return problem


@transaction.atomic
def message_fail(*, message: Message, error: str, bad_detail: bool = False) -> Message:
    """A message that cannot be delivered: mark it failed and tell the
    coordinators (it goes on their call list). When the provider said the
    contact detail does not work, mark it bad on the person's record and try
    their next channel (in the end, a phone call from a coordinator)."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status == Message.Status.FAILED:
        return message
    message.status = Message.Status.FAILED
    message.failed_at = timezone.now()
    message.last_error = error[:2000]
    message.save(update_fields=["status", "failed_at", "last_error"])
    person = message.recipient
    detail = CONTACT_DETAIL.get(Channel(message.channel))
    # A message that lets someone in is not tried again by another channel:
    # the code or link was asked for at one address, and it is forgotten now.
    # The person asks again, or a coordinator sends a new sign-in code.
    lets_in = message.template in SECRET_FIELDS
    MessageSecret.objects.filter(message_id=message.pk).delete()
    if bad_detail and person is not None and detail:
        from django.contrib.auth import get_user_model

        person = get_user_model().objects.select_for_update().get(pk=person.pk)
        if detail not in person.bad_contact_details:
            person.bad_contact_details = [*person.bad_contact_details, detail]
            person.save(update_fields=["bad_contact_details"])
    if bad_detail and person is not None and detail and not lets_in:
        values = dict(message.personalisation)
        values.pop("name", None)
        message_queue_for_person(
            person=person,
            template=message.template,
            personalisation=values,
            locality=message.locality,
            urgent=message.urgent,
            replaces=message,
        )
    if message.recipient_id and message.locality_id:
        # Straight onto the coordinators' call list.
        Call.objects.bulk_create(
            [call_for_failed(message, timezone.localdate())], ignore_conflicts=True
        )
    audit_record(
        actor=None,
        action="message_failed",
        target=message,
        locality=message.locality_id,
        data={
            "template": message.template,
            "channel": message.channel,
            "error": error[:300],
            "contact_detail_marked_bad": bool(bad_detail and detail),
        },
    )
    log.warning("Message %s failed: %s", message.pk, error)
    return message


def message_summary(message: Message) -> str:
    """The message's subject line, to say on the phone what it was about."""
    subject, _body = render(message.template, message.personalisation)
    return subject[:300]


def call_for_failed(message: Message, day: date) -> Call:
    """The call-list line for a message that could not be delivered."""
    return Call(
        key=f"failed:{message.pk}",
        locality_id=message.locality_id or 0,
        person_id=message.recipient_id or 0,
        day=day,
        reason=Call.Reason.FAILED_MESSAGE,
        summary=(
            _("%(what)s, by %(channel)s: %(error)s")
            % {
                "what": message_summary(message),
                "channel": message.get_channel_display().lower(),
                "error": message.last_error[:150],
            }
        )[:300],
        message=message,
    )


def outbox_recover(*, now: datetime | None = None) -> int:
    """Messages left "sending" by a worker that died (its lease ran out
    without being renewed): ask the channel whether each arrived; mark it
    sent if so, queue it again if not. A sender that renews the lease
    meanwhile keeps the message. Returns how many were recovered."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=rules().lease_seconds)
    count = 0
    for message in Message.objects.filter(
        Q(lease_expires_at__lte=now)
        | Q(lease_expires_at__isnull=True, claimed_at__lte=stale),
        status=Message.Status.SENDING,
    ).order_by("pk"):
        try:
            found = channels.find(message)
        except channels.ChannelUnavailable as exc:
            log.warning("Cannot check message %s yet: %s", message.pk, exc)
            continue
        # Only while the lease is still the lapsed one we saw.
        unchanged = Message.objects.filter(
            pk=message.pk,
            status=Message.Status.SENDING,
            lease_token=message.lease_token,
            lease_expires_at=message.lease_expires_at,
        )
        if found is not None:
            count += unchanged.update(
                status=Message.Status.SENT,
                sent_at=now,
                provider_reference=found,
                last_error="",
                lease_token="",
                lease_expires_at=None,
            )
            secrets_forget(message_ids=[message.pk])
        else:
            count += unchanged.update(
                status=Message.Status.QUEUED,
                next_attempt_at=now,
                lease_token="",
                lease_expires_at=None,
            )
    return count


def outbox_sweep(*, now: datetime | None = None) -> int:
    """The outbox's safety net, run every minute by the scheduler: recover
    messages a dead worker left, then send every message that is due (retries
    after their backoff, texts held over quiet hours, anything whose task was
    lost). Returns how many were sent."""
    now = now or timezone.now()
    outbox_recover(now=now)
    secrets_forget(now=now)
    due = list(
        Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
        .exclude(channel=Channel.PHONE)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    size = rules().batch
    sent = 0
    for start in range(0, len(due), size):
        count, provider_down = _send(due[start : start + size], now)
        sent += count
        if provider_down:
            break  # try again at the next sweep
    return sent


# --- receipts ----------------------------------------------------------------

# Notify's callback statuses (docs.notifications.service.gov.uk, "Callbacks").
_DELIVERED = {"delivered", "received"}
_BAD_DETAIL = {"permanent-failure", "validation-failed"}
_FAILED = {"temporary-failure", "technical-failure", "cancelled", "virus-scan-failed"}


def _receipt_time(payload: dict[str, Any], key: str) -> datetime | None:
    """A time in Notify's receipt (ISO 8601, UTC), or None."""
    from django.utils.dateparse import parse_datetime

    try:
        found = parse_datetime(str(payload.get(key) or ""))
    except ValueError:
        return None
    if found is not None and timezone.is_naive(found):
        found = timezone.make_aware(found, UTC)
    return found


def delivery_receipt_record(*, payload: dict[str, Any]) -> Message | None:
    """Apply one of Notify's delivery receipts. Unknown messages and statuses
    still in progress change nothing. Raises ApplicationError for a payload
    without an id or reference."""
    provider_id = str(payload.get("id") or "")
    reference = str(payload.get("reference") or "")
    if not provider_id and not reference:
        raise ApplicationError(_("A receipt needs an id or a reference."))
    query = Q(provider_reference=provider_id) if provider_id else Q(pk__in=[])
    with contextlib.suppress(ValueError):  # a reference that is not ours
        query |= Q(reference=uuid.UUID(reference))
    message = Message.objects.filter(query).first()
    if message is None:
        return None
    status = str(payload.get("status", ""))
    if status in _DELIVERED:
        # It may arrive while Kith is still retrying a send that timed out
        # after Notify had accepted it: the receipt completes the record.
        now = timezone.now()
        sent_at = _receipt_time(payload, "sent_at") or now
        Message.objects.filter(pk=message.pk).exclude(
            status=Message.Status.FAILED
        ).update(
            status=Message.Status.DELIVERED,
            delivered_at=_receipt_time(payload, "completed_at") or now,
            sent_at=Coalesce(
                F("sent_at"), Value(sent_at, output_field=DateTimeField())
            ),
            provider_reference=provider_id or F("provider_reference"),
            last_error="",
            lease_token="",
            lease_expires_at=None,
        )
    elif status in _BAD_DETAIL:
        message_fail(
            message=message,
            error=_("Notify: %(status)s") % {"status": status},
            bad_detail=True,
        )
    elif status in _FAILED:
        message_fail(
            message=message, error=_("Notify: %(status)s") % {"status": status}
        )
    message.refresh_from_db()
    return message


# --- the call list -----------------------------------------------------------


@transaction.atomic
def call_record(*, actor: Any, call: Call, outcome: str, note: str = "") -> Call:
    """Record how a call went. Speaking to the person (or finding the number
    wrong) takes them off the list; a message passed on by phone counts as
    delivered. Raises ApplicationError for an unknown outcome."""
    access.require(actor, access.CALL_LIST, call.locality)
    if outcome not in Call.Outcome.values:
        raise ApplicationError(_("Choose how the call went."), field="outcome")
    call = Call.objects.select_for_update().get(pk=call.pk)
    call.outcome = outcome
    call.note = note.strip()[:500]
    call.called_by = actor
    call.called_at = timezone.now()
    call.done = outcome in (Call.Outcome.SPOKE, Call.Outcome.WRONG_NUMBER)
    call.full_clean()
    call.save()
    if (
        outcome == Call.Outcome.SPOKE
        and call.message_id
        and call.reason == Call.Reason.MESSAGE
    ):
        Message.objects.filter(pk=call.message_id).update(
            status=Message.Status.DELIVERED,
            sent_at=call.called_at,
            delivered_at=call.called_at,
        )
    audit_record(
        actor=actor,
        action="call_recorded",
        target=call,
        on_behalf_of=None,
        locality=call.locality,
        data={"outcome": outcome, "reason": call.reason},
    )
    return call


# --- Notify's configuration -----------------------------------------------------


@dataclass(frozen=True)
class TemplateCheck:
    template: str
    channel: str
    kind: str
    detail: str


def notify_templates_check() -> list[TemplateCheck]:
    """Read every template Kith may send from Notify, and say what is wrong:
    no id configured, no such template in Notify, a template of the wrong
    type, or personalisation fields that differ from Kith's wording. The
    answer replaces the stored list of problems (``TemplateProblem``) that
    the administrators' warning shows.

    Raises ChannelUnavailable when Notify cannot be asked (then the stored
    list is left as it was), and ApplicationError without ``NOTIFY_API_KEY``.
    """
    if not channels.notify_enabled():
        raise ApplicationError(
            _("NOTIFY_API_KEY is not set: messages go to the local outbox folder.")
        )
    found: list[TemplateCheck] = []
    kind = TemplateProblem.Kind
    for name, channel in sendable():
        wanted = template_id(name, channel)
        if not wanted:
            found.append(
                TemplateCheck(
                    name,
                    channel,
                    kind.MISSING,
                    _("No template id for %(name)s by %(type)s in NOTIFY_TEMPLATE_IDS.")
                    % {"name": name, "type": TYPE_WORDS[channel]},
                )
            )
            continue
        template = channels.notify_template(wanted)
        if template is None:
            found.append(
                TemplateCheck(
                    name,
                    channel,
                    kind.MISSING,
                    _("Notify has no template %(id)s (%(name)s by %(type)s).")
                    % {"id": wanted, "name": name, "type": TYPE_WORDS[channel]},
                )
            )
            continue
        if template.get("type") != channel:
            found.append(
                TemplateCheck(
                    name,
                    channel,
                    kind.WRONG_TYPE,
                    _(
                        "Template %(id)s for %(name)s by %(type)s is a %(found)s "
                        "template in Notify."
                    )
                    % {
                        "id": wanted,
                        "name": name,
                        "type": TYPE_WORDS[channel],
                        "found": TYPE_WORDS.get(
                            str(template.get("type")), str(template.get("type"))
                        ),
                    },
                )
            )
            continue
        theirs = set(
            notify_fields(
                str(template.get("subject") or ""), str(template.get("body") or "")
            )
        )
        ours = expected_fields(name, channel)
        if theirs != ours:
            parts = []
            if ours - theirs:
                parts.append(
                    _("Kith's wording has %(fields)s, Notify's does not.")
                    % {"fields": ", ".join(sorted(ours - theirs))}
                )
            if theirs - ours:
                parts.append(
                    _("Notify's has %(fields)s, which Kith does not send.")
                    % {"fields": ", ".join(sorted(theirs - ours))}
                )
            found.append(
                TemplateCheck(
                    name,
                    channel,
                    kind.FIELDS,
                    _("Template %(id)s for %(name)s by %(type)s: ")
                    % {"id": wanted, "name": name, "type": TYPE_WORDS[channel]}
                    + " ".join(parts),
                )
            )
    with transaction.atomic():
        TemplateProblem.objects.all().delete()
        TemplateProblem.objects.bulk_create(
            [
                TemplateProblem(
                    template=problem.template,
                    channel=problem.channel,
                    kind=problem.kind,
                    source=TemplateProblem.Source.CHECK,
                    detail=problem.detail,
                )
                for problem in found
            ]
        )
    return found


def notify_check_run(*, actor: Any, locality: Any) -> list[TemplateCheck]:
    """``notify_templates_check`` for an administrator, from the web page.
    Raises PermissionDenied for anyone else, ApplicationError when Notify is
    not set up or cannot be asked."""
    _require_admin(actor, locality)
    try:
        found = notify_templates_check()
    except channels.ChannelUnavailable as exc:
        raise ApplicationError(
            _("GOV.UK Notify did not answer, so nothing was checked: %(error)s")
            % {"error": str(exc)[:200]}
        ) from exc
    audit_record(
        actor=actor,
        action="notify_templates_checked",
        locality=locality,
        data={"problems": len(found)},
    )
    return found


def _require_admin(actor: Any, locality: Any) -> None:
    access.require(actor, access.ADMIN, locality)


@transaction.atomic
def held_messages_release(*, actor: Any, locality: Any) -> int:
    """Send again every message held for a Notify configuration problem,
    once an administrator has fixed the templates. The problems that sends
    found are cleared: a message Notify still refuses finds its problem
    again. Returns how many were released. Raises PermissionDenied for anyone
    but an administrator."""
    _require_admin(actor, locality)
    now = timezone.now()
    ids = list(
        Message.objects.select_for_update()
        .filter(status=Message.Status.HELD)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Message.objects.filter(pk__in=ids, status=Message.Status.HELD).update(
        status=Message.Status.QUEUED, next_attempt_at=now
    )
    TemplateProblem.objects.filter(source=TemplateProblem.Source.SEND).delete()
    audit_record(
        actor=actor,
        action="held_messages_released",
        target=None,
        locality=locality,
        data={"messages": len(ids)},
    )
    batch = _Batch()
    batch.ids = ids
    transaction.on_commit(batch)
    return len(ids)
