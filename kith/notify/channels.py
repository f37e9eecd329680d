"""Where messages go: GOV.UK Notify when ``NOTIFY_API_KEY`` is set, otherwise
one file per message under ``var/outbox/`` (the local channel).

``deliver`` never raises for a provider's answer: it returns an ``Outcome``
saying whether the message went, and if not whether trying again may help
and whether the contact detail itself is at fault.
"""

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kith.notify import limits
from kith.notify.catalogue import template_id
from kith.notify.models import Channel, Message, MessageSecret
from kith.notify.templates_text import SECRET_FIELDS, render

log = logging.getLogger(__name__)

NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    provider_reference: str = ""
    error: str = ""
    temporary: bool = False
    bad_contact_detail: bool = False
    # Refused because of Kith's configuration (no template id, a template of
    # the wrong type or with other fields, a key Notify does not accept): the
    # message waits for an administrator rather than failing.
    config_problem: bool = False
    # Notify's rate limit (a 429, or no token in the shared bucket): not a
    # failed try; the message waits its turn.
    rate_limited: bool = False


class ChannelUnavailable(Exception):
    """The channel cannot answer now (a network fault, the provider down)."""


class RateLimitedError(ChannelUnavailable):
    """Notify's rate limit: wait, it is nobody's fault."""


def _request_slot(max_wait: float = 5.0) -> None:
    """Take a token from the shared bucket for one request to Notify."""
    try:
        limits.request_slot(max_wait)
    except limits.NoRequestSlot as exc:
        raise RateLimitedError(str(exc)) from exc


def notify_enabled() -> bool:
    return bool(getattr(settings, "NOTIFY_API_KEY", ""))


def deliver(message: Message) -> Outcome:
    """Hand ``message`` to its channel once, with its reference.

    A retry first asks the provider whether the message arrived after all
    (an earlier attempt may have timed out after Notify accepted it), so a
    retry never delivers a message twice.
    """
    try:
        values = values_for_sending(message)
    except SecretGone:
        # Sending the words that stand in for the code would tell the person
        # nothing: they ask again, or a coordinator sends a new code.
        return Outcome(
            ok=False,
            error=_("Its code or link was no longer kept, so it was not sent."),
        )
    if notify_enabled():
        if message.attempts > 1:
            try:
                found = _notify_find(message)
            except ChannelUnavailable as exc:
                return Outcome(
                    ok=False,
                    error=str(exc)[:500],
                    temporary=True,
                    rate_limited=isinstance(exc, RateLimitedError),
                )
            if found is not None:
                return Outcome(ok=True, provider_reference=found)
        return _notify_deliver(message, values)
    return _local_deliver(message, values)


def values_for_sending(message: Message) -> dict[str, Any]:
    """The message's personalisation with its secrets put back (ADR 0016):
    only for handing the message to its channel, never for showing."""
    values = dict(message.personalisation)
    if message.template in SECRET_FIELDS:
        secret = (
            MessageSecret.objects.filter(message_id=message.pk)
            .values_list("values", flat=True)
            .first()
        )
        if not secret:
            raise SecretGone
        values.update(secret)
    return values


class SecretGone(Exception):
    """The code or link of a message was forgotten before it could be sent."""


def find(message: Message) -> str | None:
    """Whether ``message`` already reached the channel, asked by its
    reference: the provider's id (or the file name) if so, else None.
    Raises ChannelUnavailable when the channel cannot say."""
    if notify_enabled():
        return _notify_find(message)
    path = local_path(message)
    return path.name if path.exists() else None


# --- the local channel -------------------------------------------------------


def local_path(message: Message) -> Path:
    outbox = Path(settings.KITH_OUTBOX_DIR)
    return outbox / f"{message.created_at:%Y%m%dT%H%M%S}-{message.reference}.json"


def _local_deliver(message: Message, values: dict[str, Any]) -> Outcome:
    """One file per message, written whole or not at all: its name holds the
    reference, so writing it again replaces it rather than adding another.
    The file holds the message as sent, secrets included, so the demo can be
    tried without a provider; no page shows it."""
    subject, body = render(message.template, values)
    path = local_path(message)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "reference": str(message.reference),
        "channel": message.channel,
        "to": message.to,
        "template": message.template,
        "subject": subject,
        "body": body,
        "created_at": message.created_at.isoformat(),
    }
    partial = path.with_suffix(".part")
    partial.write_text(
        json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    os.replace(partial, path)
    log.debug("Message %s (%s) written to %s", message.pk, message.template, path)
    return Outcome(ok=True)


# --- GOV.UK Notify -----------------------------------------------------------

_clients: dict[tuple[str, str, float], Any] = {}


def _client() -> Any:
    from notifications_python_client.notifications import NotificationsAPIClient

    key = (
        settings.NOTIFY_API_KEY,
        getattr(settings, "NOTIFY_BASE_URL", "") or NOTIFY_BASE_URL,
        float(getattr(settings, "NOTIFY_TIMEOUT_SECONDS", 10)),
    )
    client = _clients.get(key)
    if client is None:
        client = NotificationsAPIClient(key[0], base_url=key[1], timeout=key[2])
        _clients[key] = client
    return client


# A UK postcode, as Notify checks the last line of a letter's address.
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$", re.IGNORECASE)
_BAD_FIRST_CHARACTERS = set('@()=[]"\\/,<>~')


def letter_address_problem(lines: list[str]) -> str | None:
    """Notify's rules for a letter's address, checked before sending: 3 to 7
    lines, the last a UK postcode, no line starting with a character Notify
    refuses. The problem in words, or None."""
    lines = [line.strip() for line in lines if line.strip()]
    if len(lines) < 3:
        return _("The address must have at least 3 lines, including the postcode.")
    if len(lines) > 7:
        return _("The address must have no more than 7 lines.")
    if not POSTCODE.match(lines[-1]):
        return _("The last line of the address must be a real UK postcode.")
    for line in lines:
        if line[0] in _BAD_FIRST_CHARACTERS:
            return _("An address line cannot start with %(char)s") % {"char": line[0]}
    return None


def _personalisation(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value if isinstance(value, list) else str(value)
        for key, value in values.items()
    }


def _notify_deliver(message: Message, sending: dict[str, Any]) -> Outcome:
    from notifications_python_client.errors import APIError

    template = template_id(message.template, message.channel)
    if not template:
        return Outcome(
            ok=False,
            error=_(
                "No GOV.UK Notify template id for %(template)s by %(channel)s: add "
                "it to NOTIFY_TEMPLATE_IDS."
            )
            % {"template": message.template, "channel": message.channel},
            config_problem=True,
        )
    values = _personalisation(sending)
    reference = str(message.reference)
    client = _client()
    if message.channel == Channel.LETTER:
        problem = letter_address_problem(message.to.splitlines())
        if problem:
            return Outcome(ok=False, error=problem, bad_contact_detail=True)
    try:
        _request_slot()
    except RateLimitedError as exc:
        return Outcome(ok=False, error=str(exc), temporary=True, rate_limited=True)
    try:
        if message.channel == Channel.SMS:
            answer = client.send_sms_notification(
                phone_number=message.to,
                template_id=template,
                personalisation=values,
                reference=reference,
            )
        elif message.channel == Channel.EMAIL:
            answer = client.send_email_notification(
                email_address=message.to,
                template_id=template,
                personalisation=values,
                reference=reference,
            )
        elif message.channel == Channel.LETTER:
            lines = message.to.splitlines()
            address = {
                f"address_line_{number}": line
                for number, line in enumerate(
                    [line for line in lines if line.strip()], start=1
                )
            }
            answer = client.send_letter_notification(
                template_id=template,
                personalisation={**values, **address},
                reference=reference,
            )
        else:
            return Outcome(ok=False, error=f"No provider for {message.channel}")
    except APIError as exc:
        return _outcome_of_error(exc)
    except Exception as exc:  # a fault in the network stack: try again later
        log.warning("Notify request for message %s failed: %r", message.pk, exc)
        return Outcome(ok=False, error=repr(exc)[:500], temporary=True)
    return Outcome(ok=True, provider_reference=str(answer.get("id", reference)))


# Error messages about the recipient, not about us: the detail does not work.
_DETAIL_WORDS = (
    "phone_number",
    "phone number",
    "email_address",
    "email address",
    "address_line",
    "postcode",
    "not a valid",
)


def _outcome_of_error(exc: Any) -> Outcome:
    status = int(getattr(exc, "status_code", 503) or 503)
    text = f"{status} {exc.message}"[:2000]
    if status == 429:
        limits.slow_down()
        return Outcome(ok=False, error=text, temporary=True, rate_limited=True)
    if status >= 500:
        return Outcome(ok=False, error=text, temporary=True)
    lowered = str(exc.message).lower()
    bad_detail = status == 400 and any(word in lowered for word in _DETAIL_WORDS)
    config = status == 403 or (
        status == 400
        and not bad_detail
        and any(word in lowered for word in _CONFIGURATION_WORDS)
    )
    return Outcome(
        ok=False, error=text, bad_contact_detail=bad_detail, config_problem=config
    )


# Notify's 400 errors about the template, not the person: "Template not
# found", "email template is not suitable for sms notification", "Missing
# personalisation: ...", "Template has been deleted".
_CONFIGURATION_WORDS = ("template", "personalisation")


def notify_template(template_id: str) -> dict[str, Any] | None:
    """The template ``template_id`` as Notify holds it (its type, subject
    and body), or None when Notify has no such template. Raises
    ChannelUnavailable when Notify cannot say (down, or the key refused)."""
    from notifications_python_client.errors import APIError

    _request_slot(max_wait=120)
    try:
        return dict(_client().get_template(template_id))
    except APIError as exc:
        status = int(getattr(exc, "status_code", 503) or 503)
        if status in (400, 404):
            return None
        raise ChannelUnavailable(f"{status} {exc.message}") from exc
    except Exception as exc:
        raise ChannelUnavailable(repr(exc)) from exc


def _notify_find(message: Message) -> str | None:
    from notifications_python_client.errors import APIError

    _request_slot()
    try:
        answer = _client().get_all_notifications(reference=str(message.reference))
    except APIError as exc:
        if getattr(exc, "status_code", None) == 429:
            limits.slow_down()
            raise RateLimitedError(str(exc)) from exc
        raise ChannelUnavailable(str(exc)) from exc
    except Exception as exc:
        raise ChannelUnavailable(repr(exc)) from exc
    found = answer.get("notifications") or []
    return str(found[0]["id"]) if found else None
