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
    _refuse_while_held(profile)
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
    _refuse_while_held(profile)
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


def _refuse_while_held(profile: HelperProfile) -> None:
    if profile.safeguarding_hold:
        raise ApplicationError(
            _(
                "They cannot start helping again yet: the safeguarding lead has "
                "not decided. Speak to the safeguarding lead."
            )
        )


@transaction.atomic
def helper_safeguarding_hold(*, actor: Any, profile: HelperProfile) -> str:
    """Hold a helper at once because a safeguarding concern about them was
    raised: an active helper is paused (so no new offers and no place in any
    matching plan), and nobody can approve or resume them until the lead
    lifts the hold. Whoever may raise a concern here may place it (they do so
    by raising it). Returns the status they had before, so that the lead's
    decision can give it back. Raises PermissionDenied."""
    require_perm(actor, Perm.SAFEGUARDING_RAISE, profile.locality)
    profile = _lock(profile)
    before = profile.status
    profile.safeguarding_hold = True
    if profile.status == HelperStatus.ACTIVE:
        # What the helper and coordinators read: it says nothing of the
        # concern (ADR 0034).
        _set_status(
            profile,
            HelperStatus.PAUSED,
            reason=_("Paused by the circle while something is looked into."),
        )
    profile.save()
    audit_record(
        actor=actor,
        action="helper_safeguarding_hold",
        target=profile,
        locality=profile.locality,
        data={"from": before, "to": profile.status},
    )
    return before


@transaction.atomic
def helper_safeguarding_release(
    *, actor: Any, profile: HelperProfile, status_before: str
) -> HelperProfile:
    """The safeguarding lead decided the helper may carry on: the hold is
    lifted and, if the hold paused them, they are active again (as they
    were). Safeguarding leads only; raises PermissionDenied."""
    require_perm(actor, Perm.SAFEGUARDING_LEAD, profile.locality)
    profile = _lock(profile)
    profile.safeguarding_hold = False
    if (
        status_before == HelperStatus.ACTIVE
        and profile.status == HelperStatus.PAUSED
        and profile.approved_at is not None
    ):
        _set_status(profile, HelperStatus.ACTIVE)
    profile.save()
    audit_record(
        actor=actor,
        action="helper_safeguarding_released",
        target=profile,
        locality=profile.locality,
        data={"to": profile.status},
    )
    return profile


@transaction.atomic
def helper_safeguarding_stop(
    *, actor: Any, profile: HelperProfile, reason: str
) -> HelperProfile:
    """The safeguarding lead decided the helper must stop: they leave, and
    the hold stays so that applying again cannot make them active without
    a lead lifting it. Safeguarding leads only; raises PermissionDenied."""
    require_perm(actor, Perm.SAFEGUARDING_LEAD, profile.locality)
    reason = _clean_reason(reason, required=True)
    profile = _lock(profile)
    old = _set_status(profile, HelperStatus.LEFT, reason=reason)
    profile.safeguarding_hold = True
    profile.save()
    audit_record(
        actor=actor,
        action="helper_left",
        target=profile,
        locality=profile.locality,
        data={"from": old, "to": profile.status, "safeguarding": True},
    )
    return profile
