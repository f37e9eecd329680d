"""Password rules beyond Django's own, after the NCSC's advice.

Length matters more than complexity, so there are no composition rules and no
forced expiry. Passwords seen in breaches are refused: Django's list of 20,000
common passwords is checked by CommonPasswordValidator, and this validator adds
the deployment's own list of breached passwords (one per line, optionally
gzipped) named by ``KITH_BREACHED_PASSWORDS_FILE``, plus a short built-in list
of local favourites.
"""

import gzip
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_BUILT_IN = {
    "riverside",
    "riverside1",
    "riverside123",
    "password1234",
    "letmein1234",
    "kithkithkith",
    "qwertyuiop",
    "1234567890",
    "iloveyou123",
    "welcome1234",
    "changeme123",
}


@lru_cache(maxsize=4)
def _load(path: str) -> frozenset[str]:
    file = Path(path)
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rt", encoding="utf-8", errors="ignore") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


class BreachedPasswordValidator:
    def validate(self, password: str, user: object = None) -> None:
        candidate = password.strip().lower()
        breached = set(_BUILT_IN)
        path = getattr(settings, "KITH_BREACHED_PASSWORDS_FILE", "")
        if path:
            breached |= _load(str(path))
        if candidate in breached:
            raise ValidationError(
                _(
                    "This password has appeared in a data breach, so others may "
                    "guess it. Choose a different one: three random words work well."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password must not be one that has appeared in a data breach.")


class MaximumLengthValidator:
    """Very long passwords are allowed, but not so long that hashing them is a
    way to tie up the server."""

    limit = 200

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.limit:
            raise ValidationError(
                _("Your password must be %(limit)d characters or fewer.")
                % {"limit": self.limit},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Your password must be %(limit)d characters or fewer.") % {
            "limit": self.limit
        }
