"""The locality's list of skills helpers can offer."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import Skill
from kith.places.models import Locality


def _clean_skill_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("Enter the name of the skill."), field="name")
    if len(name) > 80:
        raise ApplicationError(
            _("The name must be 80 characters or fewer."), field="name"
        )
    return name


@transaction.atomic
def skill_add(
    *, actor: Any, locality: Locality, name: str, description: str = ""
) -> Skill:
    """Add a skill to the locality's list. Adding one already offered changes
    nothing; one no longer offered must be changed to offer it again."""
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    name = _clean_skill_name(name)
    existing = Skill.objects.filter(locality=locality, name__iexact=name).first()
    if existing is not None:
        if existing.retired:
            raise ApplicationError(
                _(
                    "“%(name)s” is on the list but no longer offered. Change it "
                    "to offer it again."
                )
                % {"name": existing.name},
                field="name",
            )
        return existing
    skill = Skill.objects.create(
        locality=locality, name=name, description=(description or "").strip()[:200]
    )
    audit_record(
        actor=actor,
        action="skill_added",
        target=skill,
        locality=locality,
        data={"name": name},
    )
    return skill


@transaction.atomic
def skill_update(
    *, actor: Any, skill: Skill, name: str, description: str, retired: bool
) -> Skill:
    """Rename, describe, retire or bring back a skill on the locality's list."""
    require_perm(actor, Perm.HELPERS_MANAGE, skill.locality)
    name = _clean_skill_name(name)
    if (
        Skill.objects.filter(locality=skill.locality, name__iexact=name)
        .exclude(pk=skill.pk)
        .exists()
    ):
        raise ApplicationError(
            _("Another skill on the list already has that name."), field="name"
        )
    wanted = {
        "name": name,
        "description": (description or "").strip()[:200],
        "retired": bool(retired),
    }
    changed = sorted(k for k, v in wanted.items() if getattr(skill, k) != v)
    if not changed:
        return skill
    for key in changed:
        setattr(skill, key, wanted[key])
    skill.save()
    audit_record(
        actor=actor,
        action="skill_changed",
        target=skill,
        locality=skill.locality,
        data={"fields": changed, "retired": skill.retired},
    )
    return skill
