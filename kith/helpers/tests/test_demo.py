"""The demo locality's helpers: every level, some lapsing, all consistent."""

from collections import Counter

import pytest
from django.db import transaction

from kith.helpers.models import HelperProfile, HelperStatus, Skill, VettingCheck
from kith.helpers.services import _vetting_recompute
from kith.helpers.vetting import LEVELS, VettingLevel
from kith.site.demo import demo_load

pytestmark = pytest.mark.django_db

FIELDS = [
    "vetting_level",
    "vetting_level_until",
    "basic_until",
    "enhanced_until",
    "enhanced_barred_until",
    "next_lapse_on",
]


def _snapshot():
    return sorted(
        (
            p.user.email or p.user.full_name,
            p.status,
            p.date_of_birth,
            p.vetting_level,
            p.checks.count(),
            tuple(sorted(p.skills.values_list("skill__name", flat=True))),
        )
        for p in HelperProfile.objects.select_related("user")
    )


class _Undo(Exception):
    pass


def test_the_demo_has_helpers_at_every_level_and_stays_the_same(django_db_blocker):
    try:
        with transaction.atomic():
            demo_load()
            first = _snapshot()
            raise _Undo
    except _Undo:
        pass
    demo_load()
    assert _snapshot() == first

    profiles = list(HelperProfile.objects.select_related("user"))
    assert len(profiles) == 61
    assert Skill.objects.count() == 8
    levels = Counter(p.level_on() for p in profiles)
    assert all(levels[level] > 0 for level in LEVELS), levels
    statuses = Counter(p.status for p in profiles)
    assert all(statuses[status] > 0 for status in HelperStatus.values), statuses
    soon = [p for p in profiles if p.next_lapse_on and p.status != "left"]
    assert (
        len([p for p in soon if (p.next_lapse_on - p.vetting_level_on).days < 30]) >= 5
    )

    sam = next(p for p in profiles if p.user.email == "helper@riverside.example")
    assert sam.status == HelperStatus.ACTIVE
    assert sam.level_on() == VettingLevel.ENHANCED_BARRED
    assert (sam.next_lapse_on - sam.vetting_level_on).days < 30
    assert VettingCheck.objects.filter(profile=sam).count() == 7

    # What the demo stored is exactly what the services would work out.
    for profile in profiles:
        stored = [getattr(profile, name) for name in FIELDS]
        _vetting_recompute(profile, profile.vetting_level_on)
        assert [getattr(profile, name) for name in FIELDS] == stored, profile
