"""The person fields that the joining, helper and profile forms share: name,
contact, address and date of birth, defined once.

Each function returns a new form field with the shared definition (length,
widget, the invalid-email message); what differs between the forms (a label
that speaks to the person or about them, whether a field is required and the
message that says so) is an argument, so that each form keeps its own words.
Phone and mobile numbers are checked by ``kith.accounts.phones``.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kith.accounts.phones import mobile_normalise, phone_normalise
from kith.core.forms import GovukDateField

EMAIL_INVALID = _("Enter an email address in the right form, like name@example.com.")


def _text(
    *,
    label: Any,
    max_length: int,
    attrs: dict[str, str],
    required_message: Any = None,
    help_text: Any = None,
) -> forms.CharField:
    """Required when ``required_message`` is given, with that message."""
    extra: dict[str, Any] = {}
    if help_text is not None:
        extra["help_text"] = help_text
    if required_message is not None:
        extra["error_messages"] = {"required": required_message}
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required_message is not None,
        widget=forms.TextInput(attrs=attrs),
        **extra,
    )


# --- name -------------------------------------------------------------------


def full_name_field(
    *, label: Any = None, required_message: Any = None
) -> forms.CharField:
    return _text(
        label=label or _("Full name"),
        max_length=150,
        attrs={"autocomplete": "name", "spellcheck": "false"},
        required_message=required_message or _("Enter the full name."),
    )


def preferred_name_field(*, label: Any, help_text: Any = None) -> forms.CharField:
    return _text(
        label=label,
        max_length=80,
        attrs={"spellcheck": "false", "width": "20"},
        help_text=help_text,
    )


# --- contact ------------------------------------------------------------------


def email_field(*, label: Any = None) -> forms.EmailField:
    """An optional email address."""
    return forms.EmailField(
        label=label or _("Email address (optional)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": EMAIL_INVALID},
    )


def _tel_attrs(autocomplete: bool) -> dict[str, str]:
    attrs = {"inputmode": "tel", "width": "20"}
    return {"autocomplete": "tel", **attrs} if autocomplete else attrs


def mobile_field(
    *, label: Any = None, help_text: Any = None, autocomplete: bool = True
) -> forms.CharField:
    """An optional mobile number (``autocomplete`` offers the browser's
    saved number: a form that offers it for the phone number does not here)."""
    return _text(
        label=label or _("Mobile number (optional)"),
        max_length=30,
        attrs=_tel_attrs(autocomplete),
        help_text=help_text,
    )


def phone_field(*, label: Any = None, autocomplete: bool = False) -> forms.CharField:
    """An optional phone number, landline or mobile."""
    return _text(
        label=label or _("Other phone number (optional)"),
        max_length=30,
        attrs=_tel_attrs(autocomplete),
    )


def mobile_cleaned(raw: str) -> str:
    """A typed mobile number in its one stored form, or "" if none was
    typed; raises ``ValidationError`` with the phones module's message."""
    value = raw.strip()
    return mobile_normalise(value) if value else ""


def phone_cleaned(raw: str) -> str:
    """A typed phone number in its one stored form, or "" if none was typed."""
    value = raw.strip()
    return phone_normalise(value) if value else ""


def _checked(normalise: Any, raw: str) -> str:
    value = raw.strip()
    if value:
        try:
            normalise(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc
    return value


def mobile_checked(raw: str) -> str:
    """A typed mobile number, checked but kept as typed (the service stores
    it in its one form)."""
    return _checked(mobile_normalise, raw)


def phone_checked(raw: str) -> str:
    """A typed phone number, checked but kept as typed."""
    return _checked(phone_normalise, raw)


# --- address ------------------------------------------------------------------


def address_line_1_field(
    *, label: Any = None, required_message: Any = None
) -> forms.CharField:
    return _text(
        label=label or _("Address line 1"),
        max_length=100,
        attrs={"autocomplete": "address-line1"},
        required_message=required_message,
    )


def address_line_2_field() -> forms.CharField:
    return _text(
        label=_("Address line 2 (optional)"),
        max_length=100,
        attrs={"autocomplete": "address-line2"},
    )


def town_field(*, label: Any = None, required_message: Any = None) -> forms.CharField:
    return _text(
        label=label or _("Town or city"),
        max_length=60,
        attrs={"autocomplete": "address-level2", "width": "20"},
        required_message=required_message,
    )


def postcode_field(
    *, label: Any = None, required_message: Any = None, help_text: Any = None
) -> forms.CharField:
    return _text(
        label=label or _("Postcode"),
        max_length=10,
        attrs={"autocomplete": "postal-code", "width": "10", "spellcheck": "false"},
        required_message=required_message,
        help_text=help_text,
    )


# --- date of birth ------------------------------------------------------------


def date_of_birth_field(
    *, help_text: Any = None, required: bool = True
) -> GovukDateField:
    """A date of birth, which must be in the past."""
    extra: dict[str, Any] = {}
    if help_text is not None:
        extra["help_text"] = help_text
    return GovukDateField(
        label=_("Date of birth"), past=True, required=required, **extra
    )
