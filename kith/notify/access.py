"""Who may see the outbox's pages, asked of the part that decides.

The outbox sits below accounts, where roles and permissions are kept, so it
cannot ask them itself: accounts registers its check here when the apps are
ready (``permission_check_register``). Until something is registered,
nobody may do anything that needs a permission.

The names are accounts' permission names (``"messages_view"``,
``"call_list"``), and ``ADMIN`` for the locality's administrators.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied

#: Administrators of the locality (a role rather than a permission).
ADMIN = "admin"
MESSAGES_VIEW = "messages_view"
CALL_LIST = "call_list"

Check = Callable[[Any, str, Any], bool]

_checks: list[Check] = []


def permission_check_register(check: Check) -> None:
    """Let ``check(actor, name, locality)`` decide whether ``actor`` may do
    ``name`` in ``locality``. Registering the same check again does nothing."""
    if check not in _checks:
        _checks.append(check)


def allowed(actor: Any, name: str, locality: Any) -> bool:
    """Whether ``actor`` may do ``name`` in ``locality``: every registered
    check must say yes, and there must be one."""
    return bool(_checks) and all(check(actor, name, locality) for check in _checks)


def require(actor: Any, name: str, locality: Any) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``name`` in ``locality``."""
    if not allowed(actor, name, locality):
        raise PermissionDenied
