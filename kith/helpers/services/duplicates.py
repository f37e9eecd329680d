"""Possible duplicates: two records kept apart as two people, or merged
into one (``helper_merge``)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import PossibleDuplicate, Role, RoleAssignment, User
from kith.accounts.permissions import Perm, forget_roles, require_perm
from kith.accounts.services import duplicate_decision_record
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import (
    AvailabilityException,
    AvailabilitySlot,
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


def _require_both_here(locality: Locality, *people: User) -> None:
    for person in people:
        if not RoleAssignment.objects.filter(user=person, locality=locality).exists():
            raise PermissionDenied


@transaction.atomic
def duplicate_keep_both(
    *, actor: Any, locality: Locality, person: User, other: User
) -> PossibleDuplicate:
    """Record that two records that looked alike are two different people:
    they stop being shown as possible duplicates. Deciding twice changes
    nothing."""
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    if person.pk == other.pk:
        raise ApplicationError(_("Choose two different records."))
    _require_both_here(locality, person, other)
    decision, changed = duplicate_decision_record(
        actor=actor,
        locality=locality,
        person=person,
        other=other,
        decision=PossibleDuplicate.Decision.KEPT,
    )
    if changed:
        for one, two in ((person, other), (other, person)):
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
    _merge_check(locality, keep, merge)
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
    copied = _merge_contacts(keep, merge)
    RoleAssignment.objects.get_or_create(
        user=keep, locality=locality, role=Role.HELPER, defaults={"granted_by": actor}
    )
    RoleAssignment.objects.filter(user=merge).delete()
    forget_roles(keep)
    forget_roles(merge)
    kept_profile, moved = _merge_profiles(keep, kept_profile, merged_profile)
    _vetting_recompute(kept_profile, _today())
    duplicate_decision_record(
        actor=actor,
        locality=locality,
        person=keep,
        other=merge,
        decision=PossibleDuplicate.Decision.MERGED,
        replace_decided=True,
    )
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


def _merge_check(locality: Locality, keep: User, merge: User) -> None:
    """The record merged away holds only the helper role here and is not
    staff; the record kept is open."""
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


def _merge_contacts(keep: User, merge: User) -> list[str]:
    """Copy the contact details ``keep`` lacks from ``merge``, and close
    ``merge``'s account. Returns the names of the fields copied."""
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
    return copied


def _merge_profiles(
    keep: User, kept: HelperProfile | None, merged: HelperProfile | None
) -> tuple[HelperProfile, dict[str, int]]:
    """One helper record for ``keep``: the merged one moved over, or its
    parts moved into the kept one. Returns it and what moved, for the audit."""
    if kept is None:
        if merged is None:  # pragma: no cover - checked by the caller
            raise ApplicationError(_("Neither record is a Neighbourhood Helper here."))
        merged.user = keep
        merged.save(update_fields=["user", "updated_at"])
        return merged, {"profile": merged.pk}
    if merged is None:
        return kept, {}
    _merge_parts(kept, merged)
    _merge_status(kept, merged)
    moved = {"profile": merged.pk, "into": kept.pk}
    merged.delete()
    return kept, moved


def _merge_parts(kept: HelperProfile, merged: HelperProfile) -> None:
    """Move the checks, referees, skills and times of ``merged`` to ``kept``,
    leaving out what ``kept`` already has."""
    VettingCheck.objects.filter(profile=merged).update(profile=kept)
    known = {n.lower() for n in kept.referees.values_list("full_name", flat=True)}
    for referee in Referee.objects.filter(profile=merged):
        if referee.full_name.lower() in known:
            # Its references now belong to the kept record's referee.
            same = kept.referees.get(full_name__iexact=referee.full_name)
            VettingCheck.objects.filter(referee=referee).update(referee=same)
            referee.delete()
        else:
            referee.profile = kept
            referee.save(update_fields=["profile"])
    have = set(kept.skills.values_list("skill_id", flat=True))
    HelperSkill.objects.filter(profile=merged).exclude(skill_id__in=have).update(
        profile=kept
    )
    for slot in AvailabilitySlot.objects.filter(profile=merged):
        AvailabilitySlot.objects.get_or_create(
            profile=kept,
            weekday=slot.weekday,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
    for away in AvailabilityException.objects.filter(profile=merged):
        AvailabilityException.objects.get_or_create(
            profile=kept,
            starts_on=away.starts_on,
            ends_on=away.ends_on,
            defaults={"reason": away.reason},
        )


def _merge_status(kept: HelperProfile, merged: HelperProfile) -> None:
    """The kept record takes the status furthest along of the two."""
    if STATUS_ORDER.index(HelperStatus(merged.status)) > STATUS_ORDER.index(
        HelperStatus(kept.status)
    ):
        kept.status = merged.status
        kept.status_changed_at = timezone.now()
        kept.status_reason = merged.status_reason
        kept.approved_at = merged.approved_at
        kept.approved_by = merged.approved_by
        kept.save()
