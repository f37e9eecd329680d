"""A helper's profile: skills, travel, visits and pay, home address, and
referees."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import HelperProfile, HelperSkill, Referee, Skill, SkillLevel
from kith.helpers.services.common import _behalf, _lock, _require_self_or_manage
from kith.helpers.services.details import (
    RefereeDetails,
    _own_contacts,
    _validate_pay,
    _validate_skills,
    _validate_travel,
    postcode_in_locality,
    referee_clean,
)


@transaction.atomic
def helper_skills_set(
    *, actor: Any, profile: HelperProfile, levels: Mapping[int, str]
) -> HelperProfile:
    """Set what a helper can do, each with a level, from the locality's list.
    A skill since retired may be kept but not newly added."""
    _require_self_or_manage(actor, profile)
    profile = _lock(profile)
    current = {hs.skill_id: hs for hs in HelperSkill.objects.filter(profile=profile)}
    if not levels:
        raise ApplicationError(
            _("Choose at least one thing you can help with."), field="skills"
        )
    new_ids = [skill_id for skill_id in levels if skill_id not in current]
    if new_ids:
        _validate_skills(profile.locality, {k: levels[k] for k in new_ids})
    for level in levels.values():
        if level not in SkillLevel.values:
            raise ApplicationError(
                _("Choose how much experience you have."), field="skills"
            )
    removed = [skill_id for skill_id in current if skill_id not in levels]
    changed = []
    HelperSkill.objects.filter(profile=profile, skill_id__in=removed).delete()
    for skill_id, level in levels.items():
        existing = current.get(skill_id)
        if existing is None:
            HelperSkill.objects.create(profile=profile, skill_id=skill_id, level=level)
            changed.append(skill_id)
        elif existing.level != level:
            existing.level = level
            existing.save(update_fields=["level"])
            changed.append(skill_id)
    if changed or removed:
        names = dict(
            Skill.objects.filter(pk__in=list(levels) + removed).values_list(
                "pk", "name"
            )
        )
        audit_record(
            actor=actor,
            action="helper_skills_changed",
            target=profile,
            on_behalf_of=_behalf(actor, profile),
            locality=profile.locality,
            data={
                "skills": {names[k]: v for k, v in sorted(levels.items())},
                "removed": sorted(names[k] for k in removed),
            },
        )
    return profile


@transaction.atomic
def helper_details_update(
    *,
    actor: Any,
    profile: HelperProfile,
    travel_distance_m: int,
    travel_modes: Sequence[str],
    max_visits_per_week: int,
    pay_basis: str,
) -> HelperProfile:
    """Change how far and how a helper travels, how many visits a week they
    will make, and whether they are paid or volunteer."""
    _require_self_or_manage(actor, profile)
    profile = _lock(profile)
    distance, modes, visits = _validate_travel(
        travel_distance_m, travel_modes, max_visits_per_week
    )
    _validate_pay(pay_basis, profile.right_to_work)
    wanted = {
        "travel_distance_m": distance,
        "travel_modes": modes,
        "max_visits_per_week": visits,
        "pay_basis": pay_basis,
    }
    changed = sorted(k for k, v in wanted.items() if getattr(profile, k) != v)
    if not changed:
        return profile
    for name in changed:
        setattr(profile, name, wanted[name])
    profile.save()
    audit_record(
        actor=actor,
        action="helper_details_changed",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data={"fields": changed},
    )
    return profile


@transaction.atomic
def helper_address_change(
    *,
    actor: Any,
    profile: HelperProfile,
    address_line_1: str,
    address_line_2: str = "",
    town: str = "",
    postcode: str,
) -> User:
    """Change a helper's home address: their postcode must be in the
    locality, as it is where visits are found from."""
    _require_self_or_manage(actor, profile)
    if not address_line_1.strip():
        raise ApplicationError(
            _("Enter the first line of the address."), field="address_line_1"
        )
    normalised = postcode_in_locality(postcode, profile.locality)
    from kith.accounts.services import person_contact_update

    return person_contact_update(
        actor=actor,
        person=profile.user,
        locality=profile.locality,
        address_line_1=address_line_1,
        address_line_2=address_line_2,
        town=town,
        postcode=normalised,
    )


@transaction.atomic
def referee_add(
    *, actor: Any, profile: HelperProfile, details: RefereeDetails
) -> Referee:
    """Add a referee (for example when one cannot be reached). Coordinators
    only. Adding the same name twice changes nothing."""
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)
    cleaned = referee_clean(details)
    if ({cleaned.email, cleaned.phone} - {""}) & _own_contacts(profile.user, None):
        raise ApplicationError(
            _("A referee must be someone else, not the helper."), field="full_name"
        )
    existing = Referee.objects.filter(
        profile=profile, full_name__iexact=cleaned.full_name
    ).first()
    if existing is not None:
        return existing
    referee = Referee.objects.create(
        profile=profile,
        full_name=cleaned.full_name,
        relationship=cleaned.relationship,
        email=cleaned.email,
        phone=cleaned.phone,
    )
    audit_record(
        actor=actor,
        action="helper_referee_added",
        target=profile,
        locality=profile.locality,
        data={"referee": referee.pk},
    )
    return referee
