"""What every helpers service shares: the day, permission checks, locking
the record, and status changes."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.helpers.models import HelperProfile
from kith.places.models import Locality


def _today() -> date:
    return timezone.localdate()


def _long_date(day: date) -> str:
    """``3 May 2027``, in the language of the message."""
    return date_format(day, "j F Y")


# --- permission helpers ---------------------------------------------------------------


def _may_manage(actor: Any, locality: Locality) -> bool:
    return has_perm(actor, Perm.HELPERS_MANAGE, locality)


def _require_self_or_manage(actor: Any, profile: HelperProfile) -> None:
    """A helper may change their own profile; coordinators anyone's here."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if actor.pk == profile.user_id and has_perm(
        actor, Perm.OWN_RECORD, profile.locality
    ):
        return
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)


def _behalf(actor: Any, profile: HelperProfile) -> User | None:
    return profile.user if actor is not None and actor.pk != profile.user_id else None


def _lock(profile: HelperProfile) -> HelperProfile:
    return (
        HelperProfile.objects.select_for_update()
        .select_related("user", "locality")
        .get(pk=profile.pk)
    )


def _set_status(profile: HelperProfile, status: str, *, reason: str = "") -> str:
    old = profile.status
    profile.status = status
    profile.status_changed_at = timezone.now()
    profile.status_reason = reason
    return old


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ApplicationError(_("Enter the reason."), field="reason")
    if len(reason) > 300:
        raise ApplicationError(
            _("The reason must be 300 characters or fewer."), field="reason"
        )
    return reason
