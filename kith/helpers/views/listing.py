"""The coordinators' list of helpers: search and filters, htmx rows, and
the CSV export."""

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, require_perm
from kith.core.csv import csv_response
from kith.core.pagination import page_of
from kith.core.services import audit_record
from kith.helpers import forms, selectors
from kith.helpers.models import TRAVEL_DISTANCES, HelperStatus, TravelMode
from kith.helpers.vetting import VettingLevel
from kith.helpers.views.common import _locality, _today
from kith.places.selectors import wards_for


def _filters(
    request: HttpRequest, locality: Any
) -> tuple[Any, selectors.HelperFilters, bool]:
    wards = list(wards_for(locality=locality))
    skills = list(selectors.skills_for(locality=locality, include_retired=True))
    form = forms.HelperFilterForm(request.GET or None, wards=wards, skills=skills)
    filters = selectors.HelperFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.HelperFilters(
            query=data["q"],
            ward=next((w for w in wards if w.pk == data["ward"]), None),
            status=data["status"],
            skill=next((s for s in skills if s.pk == data["skill"]), None),
            level=data["level"],
            expiring=data["expiring"],
        )
    searched = filters != selectors.HelperFilters()
    return form, filters, searched


@login_required
def helper_list(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    form, filters, searched = _filters(request, locality)
    found = selectors.helpers_search_for(
        actor=request.user, locality=locality, filters=filters
    )
    page = page_of(found, request.GET.get("page"), per_page=25)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "searched": searched,
        "today": _today(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "helpers/_helper_rows.html", context)
    context["duplicates"] = selectors.possible_duplicates_in(
        actor=request.user, locality=locality
    )
    return render(request, "helpers/list.html", context)


CSV_HEADER = [
    gettext_lazy("Name"),
    gettext_lazy("Likes to be called"),
    gettext_lazy("Status"),
    gettext_lazy("Vetting level today"),
    gettext_lazy("Level holds until"),
    gettext_lazy("Next check runs out"),
    gettext_lazy("Ward"),
    gettext_lazy("Postcode"),
    gettext_lazy("Skills"),
    gettext_lazy("Paid or volunteer"),
    gettext_lazy("Most visits a week"),
    gettext_lazy("How far"),
    gettext_lazy("How they travel"),
    gettext_lazy("Mobile"),
    gettext_lazy("Other phone"),
    gettext_lazy("Email"),
    gettext_lazy("Applied"),
]


@login_required
def helper_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The filtered list as a CSV file. Each export is audited."""
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    _form, filters, _searched = _filters(request, locality)
    today = _today()
    count = selectors.helpers_search_for(
        actor=request.user, locality=locality, filters=filters, today=today
    ).count()
    audit_record(
        actor=request.user,
        action="helpers_exported",
        locality=locality,
        data={
            "rows": count,
            "filters": {
                key: value
                for key, value in request.GET.items()
                if key in {"q", "ward", "status", "skill", "level", "expiring"}
            },
        },
    )
    rows = selectors.helpers_export_for(
        actor=request.user, locality=locality, filters=filters, today=today
    )
    statuses = dict(HelperStatus.choices)
    levels = dict(VettingLevel.choices)
    distances = dict(TRAVEL_DISTANCES)
    modes = dict(TravelMode.choices)

    def lines() -> Iterator[list[Any]]:
        yield [str(title) for title in CSV_HEADER]
        for profile in rows:
            person = profile.user
            until = profile.level_until(today)
            yield [
                person.full_name,
                person.preferred_name,
                statuses.get(profile.status, profile.status),
                levels.get(profile.level_today, profile.level_today),  # type: ignore[attr-defined]
                until.isoformat() if until else "",
                profile.next_lapse_on.isoformat() if profile.next_lapse_on else "",
                profile.ward_name or "",  # type: ignore[attr-defined]
                person.postcode,
                "; ".join(
                    f"{hs.skill.name} ({hs.get_level_display()})"
                    for hs in profile.skills.all()
                ),
                profile.get_pay_basis_display(),
                profile.max_visits_per_week,
                distances.get(profile.travel_distance_m, ""),
                ", ".join(str(modes.get(m, m)) for m in profile.travel_modes),
                person.mobile or "",
                person.phone,
                person.email or "",
                profile.applied_at.date().isoformat(),
            ]

    response = csv_response(
        lines(), filename=f"helpers-{locality.slug}-{today.isoformat()}.csv"
    )
    response["Cache-Control"] = "no-store"
    return response
