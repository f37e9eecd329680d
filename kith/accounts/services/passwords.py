"""Setting a password."""

from django.db import transaction

from kith.accounts.models import (
    User,
)
from kith.core.services import audit_record

# --- passwords ---------------------------------------------------------------


@transaction.atomic
def password_set(*, user: User, password: str, how: str) -> User:
    """Set a new password (already validated by the form) and audit it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=user,
        action="password_changed",
        target=user,
        locality=user.own_locality(),
        data={"how": how},
    )
    return user
