"""Proposing a project: question pages, check your answers, done."""

import secrets
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.questions import IncompleteAnswers, QuestionPages, Step
from kith.projects import forms, selectors, services
from kith.projects.models import Asset, Project
from kith.projects.views.common import (
    _locality,
)


def _proposer(request: HttpRequest) -> Any:
    """Whom the project is proposed for: the person acted for, or oneself."""
    return getattr(request, "acting_for", None) or request.user


def _organisations(request: HttpRequest) -> Any:
    """The organisations the proposer edits, which they may propose for."""
    return selectors.organisations_for(locality=_locality(request)).filter(
        editors=_proposer(request)
    )


class ProposeQuestions(QuestionPages):
    def active_steps(self, request: HttpRequest) -> list[Step]:
        steps = super().active_steps(request)
        if not _organisations(request).exists():
            steps = [step for step in steps if step.slug != "who"]
        return steps

    def form_kwargs(self, request: HttpRequest, step: Step) -> dict[str, Any]:
        if step.slug == "who":
            return {
                "organisations": list(_organisations(request)),
                "person_name": _proposer(request).display_name,
            }
        if step.slug == "where":
            return {
                "assets": selectors.public_assets(locality=_locality(request)).filter(
                    status__in=[Asset.Status.UNUSED, Asset.Status.AVAILABLE]
                )
            }
        return {}


PROPOSE = ProposeQuestions(
    "project_propose",
    [
        Step("who", forms.WhoForm, gettext_lazy("Who is proposing it?")),
        Step("about", forms.AboutForm, gettext_lazy("What is the project?")),
        Step("where", forms.WhereForm, gettext_lazy("Where is it?")),
        Step("money", forms.MoneyForm, gettext_lazy("Money and closing date")),
        Step("costs", forms.CostsForm, gettext_lazy("What it will cost")),
        Step(
            "permissions",
            forms.PermissionsForm,
            gettext_lazy("Permissions and safety"),
        ),
    ],
)


def _require_propose(request: HttpRequest) -> Any:
    locality = _locality(request)
    if not has_perm(request.user, Perm.PROJECTS_PROPOSE, locality):
        raise Http404
    return locality


def _project_to_change(request: HttpRequest, locality: Any, value: str) -> Any:
    """The project sent back for changes that this person proposed or
    entered; Http404 for anything else (or an address that names none)."""
    try:
        uuid = UUID(value)
    except ValueError:
        raise Http404 from None
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    if project.status != Project.Status.CHANGES or request.user.pk not in (
        project.proposer_id,
        project.entered_by_id,
    ):
        raise Http404
    return project


def _answers_of(project: Project) -> dict[str, dict[str, list[str]]]:
    """A project's answers as the question pages keep them (raw values), so
    that changing it starts from what was sent."""
    deadline = project.deadline
    costs: dict[str, list[str]] = {}
    items = list(project.cost_items.all())[:3]
    for n in (1, 2, 3):
        item = items[n - 1] if n <= len(items) else None
        costs[f"item_{n}"] = [item.description if item else ""]
        costs[f"cost_{n}"] = [f"{item.amount_pence / 100:.2f}" if item else ""]
        costs[f"quote_{n}"] = [item.quote_from if item else ""]
    return {
        "who": {
            "organisation": [
                str(project.organisation_id) if project.organisation_id else "self"
            ]
        },
        "about": {
            "title": [project.title],
            "what": [project.what],
            "why": [project.why],
            "who_for": [project.who_for],
            "group_name": [project.group_name],
        },
        "where": {
            "asset": [str(project.asset.uuid) if project.asset else ""],
            "where": ["" if project.asset else project.where],
        },
        "money": {
            "target": [f"{project.target_pence / 100:.2f}"],
            "funding_model": [project.funding_model],
            "deadline_day": [str(deadline.day)],
            "deadline_month": [str(deadline.month)],
            "deadline_year": [str(deadline.year)],
        },
        "costs": costs,
        "permissions": {
            "permissions_needed": [project.permissions_needed],
            "milestones": [project.milestones],
            "involves_people_at_risk": [
                "yes" if project.involves_people_at_risk else "no"
            ],
        },
    }


@login_required
def propose_start(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require_propose(request)
    change = request.GET.get("change", "")
    if change:
        # Changing a project an officer sent back: the same questions, with
        # what was sent, straight to check your answers.
        project = _project_to_change(request, locality, change)
        PROPOSE.start(request, project=str(project.uuid))
        request.session[PROPOSE.session_key]["answers"] = _answers_of(project)
        request.session.modified = True
        return redirect("projects:propose_check")
    PROPOSE.start(request, submission_key=secrets.token_hex(16))
    asset = request.GET.get("asset", "")
    if asset:
        data = {"asset": [asset], "where": [""]}
        request.session[PROPOSE.session_key]["answers"]["where"] = data
        request.session.modified = True
    return redirect("projects:propose_step", slug=PROPOSE.next_slug(request) or "about")


@login_required
def propose_step(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    _require_propose(request)
    if PROPOSE.session_key not in request.session:
        return redirect("projects:propose_start")
    try:
        step = PROPOSE.step(slug)
    except KeyError as exc:
        raise Http404 from exc
    changing = request.GET.get("change") == "1"
    form = PROPOSE.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        following = PROPOSE.answer(request, slug, changing=changing)
        return (
            redirect("projects:propose_check")
            if following is None
            else redirect("projects:propose_step", slug=following)
        )
    back = PROPOSE.back_url(
        request,
        slug,
        changing=changing,
        check_url=reverse("projects:propose_check"),
        step_url=lambda previous: reverse("projects:propose_step", args=[previous]),
        start_url=reverse("projects:home"),
    )
    return render(
        request,
        "projects/propose_step.html",
        {"form": form, "step": step, "back": back},
    )


def _answers(
    request: HttpRequest, locality: Any, cleaned: dict[str, dict[str, Any]]
) -> Any:
    about, where, money = cleaned["about"], cleaned["where"], cleaned["money"]
    permissions = cleaned["permissions"]
    asset = None
    if where["asset"]:
        asset = (
            selectors.public_assets(locality=locality)
            .filter(uuid=where["asset"])
            .first()
        )
        if asset is None:
            raise ApplicationError(_("Choose where it is."), field="asset")
    organisation = None
    chosen = cleaned.get("who", {}).get("organisation", "self")
    if chosen != "self":
        organisation = _organisations(request).filter(pk=chosen).first()
        if organisation is None:
            raise ApplicationError(
                _("Choose who is proposing it."), field="organisation"
            )
    return services.ProjectAnswers(
        title=about["title"],
        what=about["what"],
        why=about["why"],
        who_for=about["who_for"],
        where=where["where"] or (str(asset) if asset else ""),
        asset=asset,
        organisation=organisation,
        group_name=about.get("group_name") or "",
        target_pence=money["target"],
        funding_model=money["funding_model"],
        deadline=money["deadline"],
        permissions_needed=permissions["permissions_needed"],
        milestones=permissions["milestones"],
        involves_people_at_risk=permissions["involves_people_at_risk"],
        cost_items=[
            services.CostLine(
                cleaned["costs"][f"item_{n}"],
                cleaned["costs"][f"cost_{n}"] or 0,
                cleaned["costs"].get(f"quote_{n}") or "",
            )
            for n in (1, 2, 3)
            if cleaned["costs"].get(f"item_{n}")
        ],
    )


@login_required
def propose_check(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require_propose(request)
    if PROPOSE.session_key not in request.session:
        done = request.session.get("kith_project_proposed")
        if request.method == "POST" and done:
            return redirect("projects:propose_done")
        return redirect("projects:propose_start")
    try:
        cleaned = PROPOSE.cleaned(request)
    except IncompleteAnswers as incomplete:
        return redirect("projects:propose_step", slug=incomplete.slug)
    error = None
    acting_for = getattr(request, "acting_for", None)
    changing = PROPOSE.context(request).get("project")
    if request.method == "POST":
        try:
            if changing:
                project = services.project_resubmit(
                    actor=request.user,
                    project=_project_to_change(request, locality, changing),
                    answers=_answers(request, locality, cleaned),
                )
            else:
                project = services.project_propose(
                    actor=request.user,
                    locality=locality,
                    answers=_answers(request, locality, cleaned),
                    proposer=acting_for,
                    submission_key=PROPOSE.context(request).get("submission_key"),
                )
        except ApplicationError as exc:
            error = exc
        else:
            PROPOSE.clear(request)
            request.session["kith_project_proposed"] = str(project.uuid)
            return redirect("projects:propose_done")
    return render(
        request,
        "projects/propose_check.html",
        {
            "rows": PROPOSE.summary(request),
            "error": error,
            "acting_for": acting_for,
            "changing": bool(changing),
        },
    )


@login_required
def propose_done(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require_propose(request)
    uuid = request.session.get("kith_project_proposed")
    if not uuid:
        return redirect("projects:home")
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    return render(request, "projects/propose_done.html", {"project": project})
