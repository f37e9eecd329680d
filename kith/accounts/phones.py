"""Pure rules for UK phone numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _digits(raw: str) -> str:
    compact = re.sub(r"[\s\-().]", "", raw or "")
    if compact.startswith("+44"):
        compact = "0" + compact[3:].lstrip("0")
    elif compact.startswith("0044"):
        compact = "0" + compact[4:].lstrip("0")
    return compact


def mobile_normalise(raw: str) -> str:
    """Return a UK mobile number in international form: ``07700 900123`` →
    ``+447700900123``. Raises ValidationError for anything else."""
    digits = _digits(raw)
    if not re.fullmatch(r"07\d{9}", digits):
        raise ValidationError(
            _("Enter a UK mobile number, like 07700 900 982."), code="invalid_mobile"
        )
    return "+44" + digits[1:]


def phone_normalise(raw: str) -> str:
    """Return a UK phone number (landline or mobile) as 11 digits from 0.
    Raises ValidationError for anything else."""
    digits = _digits(raw)
    if not re.fullmatch(r"0[1-9]\d{8,9}", digits):
        raise ValidationError(
            _("Enter a UK phone number, like 020 7946 0000."), code="invalid_phone"
        )
    return digits


def phone_display(number: str) -> str:
    """Format a stored number the way people write it down."""
    if not number:
        return ""
    digits = "0" + number[3:] if number.startswith("+44") else number
    if digits.startswith(("02",)) and len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) == 11:
        return f"{digits[:5]} {digits[5:]}"
    return digits
