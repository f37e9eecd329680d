"""Pages of projects: the home page, one project, its poster and short
address, the council's figures, and the locality's settings."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.money import pounds
from kith.projects import forms, selectors, services
from kith.projects.models import Pledge, Project
from kith.projects.views.common import (
    _form_page,
    _locality,
    _require,
    _sector_label,
)


def projects_home(request: HttpRequest) -> HttpResponse:
    """Community projects: open and finished ones, and the ways in."""
    locality = _locality(request)
    user = request.user
    return render(
        request,
        "projects/home.html",
        {
            "projects": selectors.public_projects(locality=locality),
            "officer": has_perm(user, Perm.ASSETS_MANAGE, locality),
            "checker": has_perm(user, Perm.PROJECTS_CHECK, locality),
            "may_propose": has_perm(user, Perm.PROJECTS_PROPOSE, locality),
            "figures": has_perm(user, Perm.REPORTS_VIEW, locality),
            "settings": has_perm(user, Perm.LOCALITY_MANAGE, locality),
            "mine": selectors.projects_of(actor=user, locality=locality)
            if user.is_authenticated
            else [],
            "nominations": selectors.nominations_sent_by(actor=user, locality=locality),
        },
    )


def project_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    locality = _locality(request)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    totals = selectors.project_totals(project)
    rows = [
        {
            "sector": _sector_label(code),
            "money": pounds(row["money"]),
            "materials": pounds(row["materials"]),
            "hours": round(row["minutes"] / 60, 1),
            "count": row["count"],
        }
        for code, row in totals["by_sector"]
    ]
    user = request.user
    return render(
        request,
        "projects/project.html",
        {
            "project": project,
            "totals": totals,
            "rows": rows,
            "target": pounds(project.target_pence),
            "counted": pounds(totals["counted_pence"]),
            "received": pounds(totals["received_pence"]),
            "hours": round(totals["pledged_minutes"] / 60, 1),
            "checker": has_perm(user, Perm.PROJECTS_CHECK, locality),
            "may_pledge": project.open_for_pledges
            and has_perm(user, Perm.PROJECTS_PROPOSE, locality),
            "organiser": services.is_organiser(user, project),
            "see_quotes": selectors.may_see_quotes(user, project),
            "may_change": project.status == Project.Status.CHANGES
            and user.pk in (project.proposer_id, project.entered_by_id),
            "tasks": selectors.project_tasks(
                project,
                person=getattr(request, "acting_for", None)
                or (user if user.is_authenticated else None),
            ),
            "may_volunteer": project.status == Project.Status.PUBLISHED
            and has_perm(user, Perm.PROJECTS_PROPOSE, locality),
            "quotes_open": project.status in services.QUOTE_STATES,
            "volunteering": selectors.project_volunteering(project),
            "costs": [(c, pounds(c.amount_pence)) for c in project.cost_items.all()],
            # Organisations are thanked by name; residents never are.
            "thanks": sorted(
                {
                    str(p.organisation)
                    for p in project.pledges.all()
                    if p.organisation_id and p.status != Pledge.Status.RELEASED
                }
            ),
        },
    )


@login_required
def figures(request: AuthenticatedRequest) -> HttpResponse:
    """The council's figures for community projects (aggregates only)."""
    locality = _require(request, Perm.REPORTS_VIEW)
    found = selectors.projects_figures(actor=request.user, locality=locality)
    return render(
        request,
        "projects/figures.html",
        {
            "figures": found,
            "hours": round(found["minutes_given"] / 60, 1),
            "by_sector": [
                {
                    "sector": _sector_label(row["sector"]),
                    "value": pounds(row["pence"]),
                    "hours": round(row["minutes"] / 60, 1),
                }
                for row in found["by_sector"]
            ],
        },
    )


def poster(request: HttpRequest, uuid: str) -> HttpResponse:
    """A printable A4 poster of a published project."""
    locality = _locality(request)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    if project.status != Project.Status.PUBLISHED:
        raise Http404
    return render(
        request,
        "projects/poster.html",
        {
            "project": project,
            "short_address": request.build_absolute_uri(
                reverse("projects:short", args=[project.short_code])
            ),
            "target": pounds(project.target_pence),
        },
    )


def short(request: HttpRequest, code: str) -> HttpResponse:
    """The poster's short address: on to the project's page."""
    locality = _locality(request)
    project = selectors.project_by_short_code(locality=locality, code=code)
    return redirect(project.get_absolute_url())


@login_required
def project_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Whether volunteering on projects earns time credits (administrators)."""
    locality = _require(request, Perm.LOCALITY_MANAGE)
    current = services.project_settings_for(locality)
    form = forms.ProjectSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"volunteering_earns_credits": current.volunteering_earns_credits},
    )
    if request.method == "POST" and form.is_valid():
        services.project_settings_update(
            actor=request.user,
            locality=locality,
            volunteering_earns_credits=form.cleaned_data["volunteering_earns_credits"],
        )
        return redirect("projects:home")
    return _form_page(
        request,
        form,
        title=_("Community projects: settings"),
        back=reverse("projects:home"),
        button=_("Save"),
    )
