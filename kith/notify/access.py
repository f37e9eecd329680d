"""Who may see the outbox's pages, asked of the part that decides.

The outbox sits below accounts, where roles and permissions are kept, so it
asks through ``kith.core.permissions``, which accounts answers (its
``core.perm_check`` receiver). With nothing registered, nobody may do
anything that needs a permission.

The names are accounts' permission codes (``kith.accounts.permissions.Perm``).
"""

from typing import Any

from kith.core.permissions import has_perm, require_perm

#: The locality's administrators: GOV.UK Notify's configuration problems.
ADMIN = "notify_configure"
MESSAGES_VIEW = "messages_view"
CALL_LIST = "call_list"


def allowed(actor: Any, name: str, locality: Any) -> bool:
    """Whether ``actor`` may do ``name`` in ``locality``."""
    return has_perm(actor, name, locality)


def require(actor: Any, name: str, locality: Any) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``name`` in ``locality``."""
    require_perm(actor, name, locality)
