"""Categories of help: the defaults and a coordinator's changes."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help.models import HelpCategory
from kith.places.models import Locality

DEFAULT_CATEGORIES = [
    # name, description, vetting level, usual minutes
    ("Gardening", "Weeding, mowing, tidying outside", "basic", 120),
    ("Odd jobs outside", "Bins, gutters, a fence panel", "basic", 60),
    ("Odd jobs in the home", "A shelf, a bulb, a dripping tap", "enhanced", 60),
    (
        "Phones and computers",
        "Setting up, video calls, online shopping",
        "enhanced",
        60,
    ),
    ("Company", "A chat and a cup of tea, a walk", "enhanced", 60),
    ("Shopping", "Doing the shopping, or going together", "enhanced_barred", 90),
    (
        "Lifts and appointments",
        "A lift, or going with someone to an appointment",
        "enhanced_barred",
        120,
    ),
    ("Paperwork", "Letters, forms and bills", "enhanced_barred", 60),
]


@transaction.atomic
def categories_create_defaults(*, locality: Locality) -> list[HelpCategory]:
    """The usual kinds of help, for a new locality. Adding them twice adds nothing."""
    made = []
    for position, (name, description, level, minutes) in enumerate(DEFAULT_CATEGORIES):
        category, _created = HelpCategory.objects.get_or_create(
            locality=locality,
            name=name,
            defaults={
                "description": description,
                "vetting_level": level,
                "usual_minutes": minutes,
                "position": position,
            },
        )
        made.append(category)
    return made


@transaction.atomic
def category_save(
    *,
    actor: User,
    locality: Locality,
    category: HelpCategory | None = None,
    name: str,
    vetting_level: str,
    usual_minutes: int,
    description: str = "",
    skill: Any = None,
    is_active: bool = True,
) -> HelpCategory:
    """Add or change a kind of help, with the vetting level it needs."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    if category is not None and category.locality_id != locality.pk:
        raise PermissionDenied
    if vetting_level not in ("basic", "enhanced", "enhanced_barred"):
        raise ApplicationError(
            _("Choose the vetting level it needs."), field="vetting_level"
        )
    if not 15 <= usual_minutes <= 480:
        raise ApplicationError(
            _("The usual length must be between 15 minutes and 8 hours."),
            field="usual_minutes",
        )
    if skill is not None and skill.locality_id != locality.pk:
        raise PermissionDenied
    name = name.strip()
    clash = HelpCategory.objects.filter(locality=locality, name__iexact=name)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if not name or clash.exists():
        raise ApplicationError(
            _("Enter a name that is not already used."), field="name"
        )
    category = category or HelpCategory(locality=locality)
    category.name, category.description = name, description.strip()
    category.vetting_level, category.usual_minutes = vetting_level, usual_minutes
    category.skill, category.is_active = skill, is_active
    created = category.pk is None
    category.save()
    audit_record(
        actor=actor,
        action="help_category_created" if created else "help_category_changed",
        target=category,
        locality=locality,
    )
    return category
