"""Possible duplicates: two records kept apart as two people, or merged
into one (``helper_merge``)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import Role, RoleAssignment, User
from kith.accounts.permissions import Perm, forget_roles, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import (
    AvailabilityException,
    AvailabilitySlot,
    DuplicateDecision,
    HelperProfile,
    HelperSkill,
    HelperStatus,
    Referee,
    VettingCheck,
)
from kith.helpers.services.common import _today
from kith.helpers.services.levels import _vetting_recompute
from kith.places.models import Locality

STATUS_ORDER = [
    HelperStatus.LEFT,
    HelperStatus.APPLIED,
    HelperStatus.VETTING,
    HelperStatus.PAUSED,
    HelperStatus.ACTIVE,
]


def _pair(a: User, b: User) -> tuple[User, User]:
    return (a, b) if a.pk < b.pk else (b, a)


def _require_both_here(locality: Locality, *people: User) -> None:
    for person in people:
        if not RoleAssignment.objects.filter(user=person, locality=locality).exists():
            raise PermissionDenied


@transaction.atomic
def duplicate_keep_both(
    *, actor: Any, locality: Locality, person: User, other: User
) -> DuplicateDecision:
    """Record that two records that looked alike are two different people:
    they stop being shown as possible duplicates. Deciding twice changes
    nothing."""
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    if person.pk == other.pk:
        raise ApplicationError(_("Choose two different records."))
    _require_both_here(locality, person, other)
    first, second = _pair(person, other)
    decision, created = DuplicateDecision.objects.get_or_create(
        locality=locality, first=first, second=second, defaults={"decided_by": actor}
    )
    if created:
        for one, two in ((first, second), (second, first)):
            profile = HelperProfile.objects.filter(user=one, locality=locality).first()
            audit_record(
                actor=actor,
                action="possible_duplicate_kept",
                target=profile or one,
                locality=locality,
                data={"other_person": two.pk},
            )
    return decision


@transaction.atomic
def helper_merge(
    *, actor: Any, locality: Locality, keep: User, merge: User
) -> HelperProfile:
    """Merge ``merge`` into ``keep``: two records of one person.

    The helper role and record, checks, referees, skills and times move to
    ``keep``; contact details ``keep`` lacks are copied from ``merge``, whose
    account is then closed. ``merge`` may hold no role but helper (its other
    records belong to other parts): merge the other way round instead.
    Raises ApplicationError or PermissionDenied.
    """
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    if keep.pk == merge.pk:
        raise ApplicationError(_("Choose two different records."))
    _require_both_here(locality, keep, merge)
    keep = User.objects.select_for_update().get(pk=keep.pk)
    merge = User.objects.select_for_update().get(pk=merge.pk)
    if merge.is_superuser or merge.is_staff:
        raise PermissionDenied
    merge_roles = list(RoleAssignment.objects.filter(user=merge))
    if any(
        assignment.locality_id != locality.pk or assignment.role != Role.HELPER
        for assignment in merge_roles
    ):
        raise ApplicationError(
            _(
                "The record to merge away holds other roles. Keep that record and "
                "merge the other one into it instead."
            )
        )
    if not keep.is_active:
        raise ApplicationError(_("The record to keep is closed."))
    kept_profile = (
        HelperProfile.objects.select_for_update()
        .filter(user=keep, locality=locality)
        .first()
    )
    merged_profile = (
        HelperProfile.objects.select_for_update()
        .filter(user=merge, locality=locality)
        .first()
    )
    if merged_profile is None and kept_profile is None:
        raise ApplicationError(_("Neither record is a Neighbourhood Helper here."))

    # Contact details the kept record lacks.
    copied = []
    for name in ("email", "mobile", "phone", "preferred_name"):
        if not getattr(keep, name) and getattr(merge, name):
            copied.append(name)
    has_address = bool(keep.address_line_1 or keep.postcode)
    if not has_address and (merge.address_line_1 or merge.postcode):
        copied += ["address_line_1", "address_line_2", "town", "postcode"]
    values = {name: getattr(merge, name) for name in copied}
    merge.email = None
    merge.mobile = None
    merge.is_active = False
    merge.set_unusable_password()
    merge.save(update_fields=["email", "mobile", "is_active", "password"])
    for name, value in values.items():
        setattr(keep, name, value)
    if copied:
        keep.save(update_fields=copied)

    RoleAssignment.objects.get_or_create(
        user=keep, locality=locality, role=Role.HELPER, defaults={"granted_by": actor}
    )
    RoleAssignment.objects.filter(user=merge).delete()
    forget_roles(keep)
    forget_roles(merge)

    if kept_profile is None:
        if merged_profile is None:  # pragma: no cover - checked above
            raise ApplicationError(_("Neither record is a Neighbourhood Helper here."))
        merged_profile.user = keep
        merged_profile.save(update_fields=["user", "updated_at"])
        kept_profile = merged_profile
        moved = {"profile": merged_profile.pk}
    elif merged_profile is not None:
        VettingCheck.objects.filter(profile=merged_profile).update(profile=kept_profile)
        known = {
            n.lower() for n in kept_profile.referees.values_list("full_name", flat=True)
        }
        for referee in Referee.objects.filter(profile=merged_profile):
            if referee.full_name.lower() in known:
                # Its references now belong to the kept record's referee.
                same = kept_profile.referees.get(full_name__iexact=referee.full_name)
                VettingCheck.objects.filter(referee=referee).update(referee=same)
                referee.delete()
            else:
                referee.profile = kept_profile
                referee.save(update_fields=["profile"])
        have = set(kept_profile.skills.values_list("skill_id", flat=True))
        HelperSkill.objects.filter(profile=merged_profile).exclude(
            skill_id__in=have
        ).update(profile=kept_profile)
        for slot in AvailabilitySlot.objects.filter(profile=merged_profile):
            AvailabilitySlot.objects.get_or_create(
                profile=kept_profile,
                weekday=slot.weekday,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
            )
        for away in AvailabilityException.objects.filter(profile=merged_profile):
            AvailabilityException.objects.get_or_create(
                profile=kept_profile,
                starts_on=away.starts_on,
                ends_on=away.ends_on,
                defaults={"reason": away.reason},
            )
        if STATUS_ORDER.index(HelperStatus(merged_profile.status)) > STATUS_ORDER.index(
            HelperStatus(kept_profile.status)
        ):
            kept_profile.status = merged_profile.status
            kept_profile.status_changed_at = timezone.now()
            kept_profile.status_reason = merged_profile.status_reason
            kept_profile.approved_at = merged_profile.approved_at
            kept_profile.approved_by = merged_profile.approved_by
            kept_profile.save()
        moved = {"profile": merged_profile.pk, "into": kept_profile.pk}
        merged_profile.delete()
    else:
        moved = {}
    _vetting_recompute(kept_profile, _today())
    audit_record(
        actor=actor,
        action="helper_records_merged",
        target=kept_profile,
        locality=locality,
        data={"merged_person": merge.pk, "copied": copied, **moved},
    )
    audit_record(
        actor=actor,
        action="person_merged_into_another",
        target=merge,
        locality=locality,
        data={"kept_person": keep.pk},
    )
    return kept_profile
