"""Shared by the directory's services: who may do what, validation, and the
words every message carries."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from kith.core.errors import ApplicationError
from kith.directory.access import can_check, can_edit_organisation
from kith.directory.models import Organisation
from kith.places.models import Locality

#: An entry not checked for this long is flagged to its editors...
STALE_AFTER = timedelta(days=365)
#: ...and hidden this long after that if nobody has checked it.
HIDE_AFTER_FLAG = timedelta(days=30)


# --- who may do what -------------------------------------------------------


def _require_edit(actor: Any, organisation: Organisation) -> None:
    if not can_edit_organisation(actor, organisation):
        raise PermissionDenied


def _require_check(actor: Any, locality: Any) -> None:
    if not can_check(actor, locality):
        raise PermissionDenied


def _clean(obj: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """full_clean, turning the first problem into an ApplicationError on its
    field so a form can show it."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        errors = getattr(exc, "message_dict", {"__all__": exc.messages})
        field, messages = next(iter(errors.items()))
        raise ApplicationError(
            messages[0], field=None if field == "__all__" else field
        ) from exc


def _locality_words(locality: Locality) -> dict[str, str]:
    return {"locality_name": locality.name, "locality_phone": locality.phone}
