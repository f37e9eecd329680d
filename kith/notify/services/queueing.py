"""Writing messages to the outbox, to an address or to a person by the channel
they prefer, and queueing their sending once the transaction commits."""

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kith.notify.catalogue import (
    sendable_channels,
)
from kith.notify.models import (
    Channel,
    Message,
    MessageSecret,
)
from kith.notify.services.policy import log, rules
from kith.notify.templates_text import TEMPLATES, redact

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


#: The task that sends a batch of queued messages. It is defined with the
#: sending (kith.notify.services.sending), which registers it here as the
#: package loads: sending queues messages itself (another channel, a retry),
#: so queueing may not import it and the outbox's modules import one way.
_SENDER: dict[str, Any] = {}


def send_task_register(found: Any) -> None:
    _SENDER["task"] = found


def _enqueue(message_ids: list[int], *, run_after: datetime | None = None) -> None:
    sending = _SENDER["task"]
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
