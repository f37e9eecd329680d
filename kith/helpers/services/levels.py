"""Vetting levels: from a helper's checks to the level stored on their
record, and the daily job that keeps stored levels current."""

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import transaction
from django.db.models import Q

from kith.core.services import audit_record
from kith.helpers.models import HelperProfile, VettingCheck
from kith.helpers.services.common import _today
from kith.helpers.vetting import (
    NEVER,
    CheckFacts,
    VettingLevel,
    check_expires_on,
    checks_lapsing,
    missing_for,
    vetting_standing,
)


def _checks_counted(profile: HelperProfile) -> list[VettingCheck]:
    """The checks the rules look at: every one not withdrawn."""
    return list(
        VettingCheck.objects.filter(profile=profile, withdrawn_at__isnull=True)
        .select_related("dbs")
        .prefetch_related("dbs__status_checks")
        .order_by("checked_on", "pk")
    )


def profile_facts(checks: Iterable[VettingCheck]) -> list[CheckFacts]:
    return [check.facts() for check in checks]


def _ladder_value(
    holds_until: Mapping[VettingLevel, date | None], level: VettingLevel
) -> date | None:
    """The stored form: empty when not reached, NEVER when it never lapses."""
    if level not in holds_until:
        return None
    until = holds_until[level]
    return NEVER if until is None else until


def _vetting_recompute(profile: HelperProfile, today: date) -> tuple[str, str]:
    """Store what the vetting rules say about ``profile`` on ``today``: its
    level, the ladder of how long each level holds, the next check to lapse,
    and each check's last day. Returns (old level, new level)."""
    checks = _checks_counted(profile)
    facts = profile_facts(checks)
    standing = vetting_standing(facts, today)
    lapsing = checks_lapsing(facts, today, within_days=None)
    for check, fact in zip(checks, facts, strict=True):
        expires = check_expires_on(fact, today)
        if check.expires_on != expires:
            check.expires_on = expires
            check.save(update_fields=["expires_on"])
    old = profile.vetting_level
    profile.vetting_level = standing.level
    profile.vetting_level_on = today
    profile.vetting_level_until = standing.until
    profile.basic_until = _ladder_value(standing.holds_until, VettingLevel.BASIC)
    profile.enhanced_until = _ladder_value(standing.holds_until, VettingLevel.ENHANCED)
    profile.enhanced_barred_until = _ladder_value(
        standing.holds_until, VettingLevel.ENHANCED_BARRED
    )
    profile.next_lapse_on = lapsing[0][1] if lapsing else None
    profile.save(
        update_fields=[
            "vetting_level",
            "vetting_level_on",
            "vetting_level_until",
            "basic_until",
            "enhanced_until",
            "enhanced_barred_until",
            "next_lapse_on",
            "updated_at",
        ]
    )
    return old, standing.level


def vetting_missing(
    *, profile: HelperProfile, level: str, on: date | None = None
) -> list[str]:
    """What is still needed for ``profile`` to reach ``level`` (see
    ``vetting.missing_for``)."""
    return missing_for(profile_facts(_checks_counted(profile)), on or _today(), level)


def vetting_levels_refresh(*, today: date | None = None) -> int:
    """Store the level of every helper whose level or next check has lapsed
    since it was last worked out. Lists are right without it (they read the
    stored ladder); this keeps the stored level and the next expiry current.
    Safe to run any number of times; returns how many records it updated."""
    today = today or _today()
    stale = list(
        HelperProfile.objects.filter(
            Q(vetting_level_until__lt=today)
            | Q(next_lapse_on__lt=today)
            | Q(vetting_level_on__isnull=True)
        ).values_list("pk", flat=True)
    )
    for pk in stale:
        with transaction.atomic():
            profile = (
                HelperProfile.objects.select_for_update()
                .select_related("locality", "user")
                .get(pk=pk)
            )
            old, new = _vetting_recompute(profile, today)
            if old != new:
                audit_record(
                    actor=None,
                    action="vetting_level_changed",
                    target=profile,
                    locality=profile.locality,
                    data={"from": old, "to": new, "on": today.isoformat()},
                )
    return len(stale)
