"""Which template Kith sends by which channel, and where each one's GOV.UK
Notify template id is configured.

A Notify template has one type (email, text message or letter), so Kith
needs an id per template name *and* channel. ``NOTIFY_TEMPLATE_IDS`` is JSON
of this shape and no other::

    {"welcome": {"email": "<id>", "sms": "<id>", "letter": "<id>"}, ...}

Most messages go to a person by the channel they prefer, so they can go by
any of the three; the few listed in ``_ONLY`` go by fewer (a sign-in code by
post would arrive long after it stopped working).
"""

import re
from string import Formatter
from typing import Any

from django.conf import settings

from kith.notify.templates_text import TEMPLATES

#: The channels GOV.UK Notify sends, as Notify names its template types.
NOTIFY_CHANNELS: tuple[str, ...] = ("email", "sms", "letter")

#: Templates that go by fewer than every channel.
_ONLY: dict[str, tuple[str, ...]] = {
    "sign_in_code": ("email", "sms"),
    "contact_code": ("email", "sms"),
    "password_reset": ("email",),
    "staff_invitation": ("email",),
    "supporter_invitation": ("email", "sms"),
    "directory_referral": ("email", "letter"),
}

#: How Notify names each template type, in its error messages and pages.
TYPE_WORDS = {"email": "email", "sms": "text message", "letter": "letter"}


def sendable_channels(template: str) -> tuple[str, ...]:
    """The Notify channels ``template`` can be sent by. Raises KeyError for a
    template that does not exist."""
    if template not in TEMPLATES:
        raise KeyError(f"No message template called {template!r}")
    return _ONLY.get(template, NOTIFY_CHANNELS)


def sendable() -> list[tuple[str, str]]:
    """Every (template name, channel) pair Kith can send through Notify."""
    return [
        (name, channel)
        for name in sorted(TEMPLATES)
        for channel in sendable_channels(name)
    ]


def configured_ids() -> dict[str, Any]:
    return getattr(settings, "NOTIFY_TEMPLATE_IDS", {}) or {}


def template_id(template: str, channel: str) -> str | None:
    """The Notify template id for ``template`` sent by ``channel``, or None
    when none is configured."""
    by_channel = configured_ids().get(template)
    if not isinstance(by_channel, dict):
        return None
    found = by_channel.get(channel)
    return str(found) if found else None


def shape_problems(ids: Any) -> list[str]:
    """What is wrong with the shape of ``NOTIFY_TEMPLATE_IDS``, in words: an
    empty list when every entry maps a template name to a dict of channel to
    template id. Missing ids are not a shape problem (``notify_check`` and
    the sending itself report those)."""
    example = '{"welcome": {"email": "<id>", "sms": "<id>", "letter": "<id>"}}'
    if not isinstance(ids, dict):
        return [
            f"NOTIFY_TEMPLATE_IDS must be a JSON object of template names, like "
            f"{example}."
        ]
    problems: list[str] = []
    for name, value in ids.items():
        if name not in TEMPLATES:
            problems.append(
                f"NOTIFY_TEMPLATE_IDS names {name!r}, which is not one of Kith's "
                f"templates (docs/notify.md lists them)."
            )
            continue
        if not isinstance(value, dict):
            problems.append(
                f"NOTIFY_TEMPLATE_IDS[{name!r}] is one id for every channel, but a "
                f"Notify template has one type: give one id per channel, like "
                f"{example}."
            )
            continue
        for channel, found in value.items():
            if channel not in sendable_channels(name):
                problems.append(
                    f"NOTIFY_TEMPLATE_IDS[{name!r}] has {channel!r}, but Kith sends "
                    f"{name} only by " + ", ".join(sendable_channels(name)) + "."
                )
            elif not isinstance(found, str) or not found.strip():
                problems.append(
                    f"NOTIFY_TEMPLATE_IDS[{name!r}][{channel!r}] must be a template "
                    f"id (text)."
                )
    return problems


def expected_fields(template: str, channel: str) -> set[str]:
    """The personalisation fields a Notify template for ``template`` by
    ``channel`` should use: those of Kith's wording (a text message has no
    subject, so only the message's)."""
    spec = TEMPLATES[template]
    texts = [spec["body"]] if channel == "sms" else [spec["subject"], spec["body"]]
    return {
        field
        for text in texts
        for _literal, field, _spec, _conv in Formatter().parse(text)
        if field
    }


_PLACEHOLDER = re.compile(r"\(\(([^)?]+?)(?:\?\?[^)]*)?\)\)")
#: Fields Notify fills in itself on a letter.
_ADDRESS = re.compile(r"^(address_line_\d|postcode)$")


def notify_fields(subject: str, body: str) -> list[str]:
    """The ((fields)) of a Notify template, in order of first use, without
    a letter's address lines (which Kith fills from the person's address)."""
    found: list[str] = []
    for field in _PLACEHOLDER.findall(f"{subject}\n{body}"):
        field = field.strip()
        if field not in found and not _ADDRESS.match(field.lower()):
            found.append(field)
    return found
