"""Pure rules for UK postcodes: normalising and checking their shape."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The shapes in BS 7666: outward code (area, district) then inward code
# (sector digit, two unit letters). GIR 0AA is the one historical exception.
_POSTCODE = re.compile(
    r"^(?:GIR0AA|"
    r"[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def postcode_normalise(raw: str) -> str:
    """Return ``raw`` as a postcode in its usual form: ``se17 2aa`` → ``SE17 2AA``.

    Raises ValidationError when it is not the shape of a UK postcode.
    """
    compact = re.sub(r"\s+", "", raw or "").upper()
    if not _POSTCODE.match(compact):
        raise ValidationError(
            _("Enter a real postcode, like SE17 2AA."), code="invalid_postcode"
        )
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_or_none(raw: str) -> str | None:
    """Like postcode_normalise, but None for something that is not a postcode."""
    try:
        return postcode_normalise(raw)
    except ValidationError:
        return None
