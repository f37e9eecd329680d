"""One helper's record: their own, or any in the locality for a
coordinator."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.helpers import selectors
from kith.helpers.models import (
    TRAVEL_DISTANCES,
    HelperProfile,
    HelperStatus,
    IdentityDocument,
    TravelMode,
)
from kith.helpers.vetting import (
    LEVELS,
    VettingLevel,
    kinds_summary,
    level_at_least,
    missing_for,
)
from kith.helpers.views.common import _locality, _today


def _edit_urls(profile: HelperProfile, own: bool) -> dict[str, str]:
    names = [
        "skills",
        "details",
        "availability",
        "time_away",
        "address",
        "pause",
        "resume",
    ]
    if own:
        return {name: reverse(f"helpers:own_{name}") for name in names}
    return {name: reverse(f"helpers:{name}", args=[profile.pk]) for name in names}


def _vetting_context(profile: HelperProfile, checks: list[Any]) -> dict[str, Any]:
    today = _today()
    facts = [check.facts() for check in checks if check.withdrawn_at is None]
    level = profile.level_on(today)
    following = (
        LEVELS[LEVELS.index(level) + 1]
        if level != VettingLevel.ENHANCED_BARRED
        else None
    )
    return {
        "level": level,
        "level_until": profile.level_until(today),
        "kinds": kinds_summary(facts, today),
        "next_level": following,
        "missing": missing_for(facts, today, following) if following else [],
        "today": today,
        "soon": today + timedelta(days=30),
    }


def _profile_context(
    request: HttpRequest, profile: HelperProfile, own: bool
) -> dict[str, Any]:
    checks = selectors.vetting_checks_shown_for(actor=request.user, profile=profile)
    today = _today()
    return {
        "profile": profile,
        "person": profile.user,
        "own": own,
        "urls": _edit_urls(profile, own),
        "skills": selectors.helper_skills_of(profile=profile),
        "availability": selectors.availability_slots_of(profile=profile),
        "time_away": selectors.time_away_of(profile=profile, today=today),
        "referees": selectors.referees_of(profile=profile),
        "checks": checks,
        "travel_modes": [
            label
            for value, label in TravelMode.choices
            if value in profile.travel_modes
        ],
        "travel_distance": dict(TRAVEL_DISTANCES).get(profile.travel_distance_m, ""),
        "identity_documents": dict(IdentityDocument.choices),
        **_vetting_context(profile, checks),
    }


@login_required
def own_profile(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    profile = selectors.helper_profile_own(actor=request.user, locality=locality)
    if profile is None:
        return render(request, "helpers/not_a_helper.html", status=404)
    return render(
        request, "helpers/own_profile.html", _profile_context(request, profile, True)
    )


@login_required
def helper_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    profile = selectors.helper_profile_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    if profile.user_id == request.user.pk:
        return redirect("helpers:own_profile")
    context = _profile_context(request, profile, False)
    context.update(
        history=selectors.helper_history_for(actor=request.user, profile=profile),
        duplicates=selectors.possible_duplicates_for(
            actor=request.user, profile=profile
        ),
        can_record=has_perm(request.user, Perm.VETTING_RECORD, locality),
        can_approve=profile.status in (HelperStatus.APPLIED, HelperStatus.VETTING),
        level_ok=level_at_least(context["level"], VettingLevel.BASIC),
    )
    return render(request, "helpers/detail.html", context)
