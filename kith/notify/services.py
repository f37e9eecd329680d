"""The outbox: queue a message in the caller's transaction, send after commit."""

import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kith.notify.models import Channel, Message
from kith.notify.templates_text import TEMPLATES, render

log = logging.getLogger(__name__)


def message_queue(
    *,
    to: str,
    channel: str,
    template: str,
    personalisation: dict[str, Any],
    recipient: Any = None,
    locality: Any = None,
    urgent: bool = False,
) -> Message:
    """Write a message to the outbox and send it once the transaction commits.

    Raises KeyError for a template that does not exist: a programming error.
    """
    if template not in TEMPLATES:
        raise KeyError(f"No message template called {template!r}")
    message = Message.objects.create(
        to=to,
        channel=Channel(channel),
        template=template,
        personalisation=personalisation,
        recipient=recipient,
        locality=locality,
        urgent=urgent,
    )
    if message.channel != Channel.PHONE:
        transaction.on_commit(lambda: _enqueue_send(message.pk))
    return message


def _enqueue_send(message_id: int) -> None:
    from kith.notify.tasks import message_send_task

    message_send_task.enqueue(message_id)


def message_send(*, message_id: int) -> Message:
    """Deliver one queued message through the configured channel, at most once."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Message.Status.QUEUED:
            return message
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
    _deliver_locally(message)
    message.status = Message.Status.SENT
    message.sent_at = timezone.now()
    message.provider_reference = str(message.reference)
    message.save(update_fields=["status", "sent_at", "provider_reference"])
    return message


def _deliver_locally(message: Message) -> None:
    """The default channel: one file per message under var/outbox/."""
    subject, body = render(message.template, message.personalisation)
    outbox = settings.KITH_OUTBOX_DIR
    outbox.mkdir(parents=True, exist_ok=True)
    record = {
        "reference": str(message.reference),
        "channel": message.channel,
        "to": message.to,
        "template": message.template,
        "subject": subject,
        "body": body,
        "created_at": message.created_at.isoformat(),
    }
    path = outbox / f"{message.created_at:%Y%m%dT%H%M%S}-{message.reference}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    log.info(
        "Message %s (%s) to %s written to %s",
        message.pk,
        message.template,
        message.to,
        path,
    )


def channel_for_person(person: Any) -> tuple[str, str] | None:
    """The channel and address to reach ``person``: their stated preference
    first, then text, email, letter. None when there is no way but a phone
    call from a coordinator (or none at all)."""
    bad = set(getattr(person, "bad_contact_details", []) or [])
    options: dict[str, str | None] = {
        Channel.SMS: person.mobile if person.mobile and "mobile" not in bad else None,
        Channel.EMAIL: person.email if person.email and "email" not in bad else None,
        Channel.LETTER: "\n".join([person.full_name, *person.address_lines])
        if person.address_line_1 and person.postcode and "address" not in bad
        else None,
    }
    preferred = getattr(person, "contact_by", "")
    preferred_address = options.get(preferred)
    if preferred_address:
        return preferred, preferred_address
    for channel in (Channel.SMS, Channel.EMAIL, Channel.LETTER):
        address = options[channel]
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
) -> Message:
    """Queue a message to ``person`` by the channel that suits them.

    Someone who prefers phone calls, or who has no working contact details,
    gets a ``phone`` message: it waits on the coordinators' call list.
    """
    preferred = getattr(person, "contact_by", "")
    found = None if preferred == "phone" else channel_for_person(person)
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
    )
