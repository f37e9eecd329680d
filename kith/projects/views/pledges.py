"""Pledging to a project, recording a pledge received, and the funds that
pledge."""

import secrets
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.money import pounds
from kith.projects import forms, rules, selectors, services
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


@login_required
def funds(request: AuthenticatedRequest) -> HttpResponse:
    """The funds that pledge to projects, and adding one (council officers)."""
    locality = _require(request, Perm.PROJECTS_CHECK)
    organisations = selectors.organisations_for(locality=locality)
    form = forms.FundForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
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
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect("projects:funds")
    return render(
        request,
        "projects/funds.html",
        {
            "form": form,
            "funds": [
                (fund, pounds(fund.cap_pence))
                for fund in selectors.funds_for(
                    actor=request.user, locality=locality, managed_only=False
                )
            ],
        },
    )
