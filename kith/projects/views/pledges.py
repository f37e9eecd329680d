"""Pledging to a project, recording a pledge received, and the funds that
pledge."""

import secrets
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.money import pounds
from kith.projects import forms, rules, selectors, services
from kith.projects.models import Fund
from kith.projects.views.common import (
    _form_page,
    _require,
)


def _pledge_sources(request: HttpRequest, locality: Any) -> dict[str, Any]:
    """Whom the person may pledge for: themselves (or the person they act
    for), organisations they edit (any, for staff entering paper forms), and
    funds they manage (any, for officers)."""
    user: Any = request.user
    acting_for = getattr(request, "acting_for", None)
    person = acting_for or user
    sources: dict[str, Any] = {
        "person": (person, _("%(name)s, as a resident") % {"name": person.display_name})
    }
    for organisation in selectors.organisations_for_pledging(
        actor=user, locality=locality
    ):
        sources[f"org-{organisation.pk}"] = (organisation, str(organisation))
    for fund in selectors.funds_for(actor=user, locality=locality):
        sources[f"fund-{fund.pk}"] = (fund, _("%(fund)s (a fund)") % {"fund": fund})
    return sources


@login_required
def pledge(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality = _require(request, Perm.PROJECTS_PROPOSE)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    sources = _pledge_sources(request, locality)
    staff = has_perm(request.user, Perm.PROJECTS_ENTER, locality)
    form = forms.PledgeForm(
        request.POST if request.method == "POST" else None,
        sources=[(key, label) for key, (_obj, label) in sources.items()],
        staff=staff,
        initial={"submission_key": secrets.token_hex(16)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = sources[data["source"]][0]
        kwargs: dict[str, Any] = {}
        if data["source"].startswith("org-"):
            kwargs["organisation"] = chosen
        elif data["source"].startswith("fund-"):
            kwargs["fund"] = chosen
        else:
            kwargs["person"] = chosen
        try:
            services.pledge_make(
                actor=request.user,
                project=project,
                answers=services.PledgeAnswers(
                    kind=data["kind"],
                    amount_pence=data["amount"] or 0,
                    minutes=(data["hours"] or 0) * 60,
                    description=data["description"],
                    release_if_missed=data["release_if_missed"],
                ),
                on_paper=bool(data.get("on_paper")),
                submission_key=data.get("submission_key") or None,
                **kwargs,
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#pledges")
    return render(
        request,
        "projects/pledge.html",
        {
            "form": form,
            "project": project,
            "refusal": None
            if project.open_for_pledges
            else rules.pledge_refusal(
                status=project.status,
                deadline=project.deadline,
                today=timezone.localdate(),
            ),
        },
    )


@login_required
@require_POST
def pledge_received(request: AuthenticatedRequest, uuid: str, pk: int) -> HttpResponse:
    locality = _require(request, Perm.PROJECTS_CHECK)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    found = project.pledges.filter(pk=pk).first()
    if found is None:
        raise Http404
    form = forms.ReceivedForm(request.POST)
    if form.is_valid():
        try:
            services.pledge_received(
                actor=request.user,
                pledge=found,
                received_on=form.cleaned_data["received_on"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
    if form.errors:
        return _form_page(
            request,
            form,
            title=_("Record a pledge received"),
            back=project.get_absolute_url(),
            button=_("Record it"),
        )
    return redirect(project.get_absolute_url() + "#pledges")


def _fund_rows(request: AuthenticatedRequest, locality: Any) -> list[dict[str, Any]]:
    rows = []
    for fund in selectors.funds_for(
        actor=request.user, locality=locality, managed_only=False
    ):
        left = rules.fund_budget_left(
            budget_pence=fund.budget_pence,
            pledged_pence=fund.pledged_pence,  # type: ignore[attr-defined]
        )
        rows.append(
            {
                "fund": fund,
                "cap": pounds(fund.cap_pence),
                "budget": pounds(fund.budget_pence) if fund.budget_pence else None,
                "pledged": pounds(fund.pledged_pence),  # type: ignore[attr-defined]
                "left": pounds(left) if left is not None else None,
            }
        )
    return rows


def _fund_form(
    request: AuthenticatedRequest, locality: Any, fund: Fund | None
) -> HttpResponse | Any:
    """Bind the fund form, save it if valid; a redirect, or the bound form."""
    organisations = selectors.organisations_for(locality=locality)
    initial = {}
    if fund is not None:
        initial = {
            "name": fund.name,
            "organisation": fund.organisation_id,
            "cap": f"{fund.cap_pence / 100:.2f}",
            "cap_percent": fund.cap_percent,
            "budget": f"{fund.budget_pence / 100:.2f}" if fund.budget_pence else "",
        }
    form = forms.FundForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = organisations.filter(pk=data["organisation"]).first()
        if organisation is None:
            raise Http404
        try:
            services.fund_save(
                actor=request.user,
                locality=locality,
                organisation=organisation,
                name=data["name"],
                cap_pence=data["cap"],
                cap_percent=data["cap_percent"],
                budget_pence=data["budget"],
                fund=fund,
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect("projects:funds")
    return form


@login_required
def funds(request: AuthenticatedRequest) -> HttpResponse:
    """The funds that pledge to projects, and adding one (council officers)."""
    locality = _require(request, Perm.PROJECTS_CHECK)
    form = _fund_form(request, locality, None)
    if isinstance(form, HttpResponse):
        return form
    return render(
        request,
        "projects/funds.html",
        {"form": form, "funds": _fund_rows(request, locality)},
    )


@login_required
def fund_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change a fund's caps and budget (council officers)."""
    locality = _require(request, Perm.PROJECTS_CHECK)
    fund = (
        selectors.funds_for(actor=request.user, locality=locality, managed_only=False)
        .filter(pk=pk)
        .first()
    )
    if fund is None:
        raise Http404
    form = _fund_form(request, locality, fund)
    if isinstance(form, HttpResponse):
        return form
    return _form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": fund.name},
        back=reverse("projects:funds"),
        button=_("Save"),
    )
