"""Permission checks for the apps below accounts.

Who may do what is decided in ``kith.accounts.permissions`` and nowhere else.
The apps below accounts (core, places, notify) may not import it, so they ask
here, naming the permission by its code (``"places_view"``, the value of
``kith.accounts.permissions.Perm``), and accounts answers through the
``core.perm_check`` hook it registers in its ``AppConfig.ready()``. Every
receiver must say yes, and with none registered every check is refused.
"""

from typing import Any

from django.core.exceptions import PermissionDenied

from kith.core.hooks import Hook

perm_check = Hook("core.perm_check", "user=, perm=, locality= -> bool")


def has_perm(user: Any, perm: str, locality: Any) -> bool:
    """Whether ``user`` holds the permission coded ``perm`` in ``locality``.

    An unknown code raises ``ValueError`` (from the receiver), rather than
    quietly refusing, so a misspelt permission is found at once.
    """
    answers = perm_check.run(user=user, perm=str(perm), locality=locality)
    return bool(answers) and all(answers)


def require_perm(user: Any, perm: str, locality: Any) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds ``perm`` in ``locality``."""
    if not has_perm(user, perm, locality):
        raise PermissionDenied
