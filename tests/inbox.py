"""What a person received: the local channel's file for a message.

The outbox never stores a sign-in code or a link with a token in readable
form (ADR 0016), so a test that needs one reads it where the person would:
in the message as sent. A message still queued (its transaction's tasks do
not run inside a test's transaction) is sent first.
"""

import json
from typing import Any

from kith.notify.channels import local_path
from kith.notify.models import Message
from kith.notify.services import messages_send


def received(message: Message) -> dict[str, Any]:
    """The sent message's record: to, subject and body as delivered."""
    if message.status == Message.Status.QUEUED:
        messages_send(message_ids=[message.pk])
        message.refresh_from_db()
    path = local_path(message)
    assert path.exists(), f"message {message.pk} was not delivered ({message.status})"
    return json.loads(path.read_text(encoding="utf-8"))


def received_code(message: Message) -> str:
    """The 6-digit code in a sign-in code message, as the person read it."""
    body = received(message)["body"]
    words = [word.strip(".") for word in body.split()]
    return next(word for word in words if word.isdigit() and len(word) == 6)


def received_link(message: Message) -> str:
    """The link (with its token) in a message, as the person read it."""
    body = received(message)["body"]
    return next(word for word in body.split() if word.startswith("http"))
