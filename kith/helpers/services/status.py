"""A helper's status: approved, paused, resumed, or left."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import HelperProfile, HelperStatus
from kith.helpers.services.common import (
    _behalf,
    _clean_reason,
    _lock,
    _require_self_or_manage,
    _set_status,
    _today,
)
from kith.helpers.services.levels import _vetting_recompute
from kith.helpers.vetting import VettingLevel, level_at_least


@transaction.atomic
def helper_approve(*, actor: Any, profile: HelperProfile) -> HelperProfile:
    """Make an applicant active. Needs at least the basic vetting level on the
    day. Approving someone already active changes nothing."""
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)
    profile = _lock(profile)
    if profile.status == HelperStatus.ACTIVE:
        return profile
    if profile.status not in (HelperStatus.APPLIED, HelperStatus.VETTING):
        raise ApplicationError(
            _("Only someone who has applied or is being checked can be approved.")
        )
    _vetting_recompute(profile, _today())
    if not level_at_least(profile.vetting_level, VettingLevel.BASIC):
        raise ApplicationError(
            _(
                "They cannot be approved yet: they need the basic checks first "
                "(identity, two references and induction training)."
            )
        )
    old = _set_status(profile, HelperStatus.ACTIVE)
    profile.approved_at = timezone.now()
    profile.approved_by = actor
    profile.save()
    audit_record(
        actor=actor,
        action="helper_approved",
        target=profile,
        locality=profile.locality,
        data={"from": old, "to": profile.status, "level": profile.vetting_level},
    )
    return profile


@transaction.atomic
def helper_pause(*, actor: Any, profile: HelperProfile, reason: str) -> HelperProfile:
    """Stop offering an active helper visits for a while, with a reason.
    The helper or a coordinator may pause; pausing twice changes nothing."""
    _require_self_or_manage(actor, profile)
    reason = _clean_reason(reason, required=True)
    profile = _lock(profile)
    if profile.status == HelperStatus.PAUSED:
        return profile
    if profile.status != HelperStatus.ACTIVE:
        raise ApplicationError(_("Only an active helper can be paused."))
    old = _set_status(profile, HelperStatus.PAUSED, reason=reason)
    profile.save()
    audit_record(
        actor=actor,
        action="helper_paused",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data={"from": old, "to": profile.status, "reason": reason},
    )
    return profile


@transaction.atomic
def helper_resume(
    *, actor: Any, profile: HelperProfile, reason: str = ""
) -> HelperProfile:
    """Make a paused helper active again. Resuming twice changes nothing."""
    _require_self_or_manage(actor, profile)
    reason = _clean_reason(reason, required=False)
    profile = _lock(profile)
    if profile.status == HelperStatus.ACTIVE:
        return profile
    if profile.status != HelperStatus.PAUSED:
        raise ApplicationError(_("Only a paused helper can start again."))
    old = _set_status(profile, HelperStatus.ACTIVE, reason=reason)
    profile.save()
    audit_record(
        actor=actor,
        action="helper_resumed",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data={"from": old, "to": profile.status, "reason": reason},
    )
    return profile


@transaction.atomic
def helper_leave(*, actor: Any, profile: HelperProfile, reason: str) -> HelperProfile:
    """Record that someone is no longer a helper (they stopped, or were not
    accepted), with a reason. Coordinators only."""
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)
    reason = _clean_reason(reason, required=True)
    profile = _lock(profile)
    if profile.status == HelperStatus.LEFT:
        return profile
    old = _set_status(profile, HelperStatus.LEFT, reason=reason)
    profile.save()
    audit_record(
        actor=actor,
        action="helper_left",
        target=profile,
        locality=profile.locality,
        data={"from": old, "to": profile.status, "reason": reason},
    )
    return profile
