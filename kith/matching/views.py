"""Matching plans for coordinators: build one, review it, send its offers."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest, KithRequest
from kith.core.errors import ApplicationError
from kith.core.pagination import page_of
from kith.matching import selectors, services
from kith.matching.models import MatchingPlan, PlanItem


def _locality(request: KithRequest) -> Any:
    return request.locality


@login_required
def plans(request: AuthenticatedRequest) -> HttpResponse:
    found = selectors.plans_for(actor=request.user, locality=_locality(request))
    return render(
        request,
        "matching/plans.html",
        {
            "page": page_of(found, request.GET.get("page"), per_page=25),
            "building": found.filter(status=MatchingPlan.Status.BUILDING).first(),
        },
    )


@login_required
@require_POST
def plan_build(request: AuthenticatedRequest) -> HttpResponse:
    plan = services.plan_request(actor=request.user, locality=_locality(request))
    return redirect(plan)


def _plan(request: AuthenticatedRequest, pk: int) -> MatchingPlan:
    return selectors.plan_get_for(
        actor=request.user,
        locality=_locality(request),
        pk=pk,
    )


def _plan_page(
    request: HttpRequest, plan: MatchingPlan, *, error: str = "", chosen=None
) -> HttpResponse:
    items = list(plan.items.all())
    proposed = [i for i in items if i.outcome == PlanItem.Outcome.PROPOSED]
    context = {
        "plan": plan,
        "proposed": proposed,
        "chosen": {i.pk for i in proposed} if chosen is None else chosen,
        "unmatched": [i for i in items if i.outcome == PlanItem.Outcome.UNMATCHED],
        "done": [
            i
            for i in items
            if i.outcome
            in (PlanItem.Outcome.SENT, PlanItem.Outcome.LEFT, PlanItem.Outcome.FAILED)
        ],
        "error": error,
    }
    return render(request, "matching/plan.html", context, status=400 if error else 200)


@login_required
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if request.headers.get("HX-Request"):
        if plan.status == MatchingPlan.Status.BUILDING:
            return render(request, "matching/_building.html", {"plan": plan})
        # The page was waiting for the plan to be built: load it whole.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return _plan_page(request, plan)


@login_required
@require_POST
def plan_send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    chosen = {int(v) for v in request.POST.getlist("items") if v.isdigit()}
    try:
        plan = services.plan_send(actor=request.user, plan=plan, item_ids=chosen)
    except ApplicationError as error:
        return _plan_page(
            request, _plan(request, pk), error=str(error.message), chosen=chosen
        )
    counts = plan.items.aggregate(
        sent=Count("pk", filter=Q(outcome=PlanItem.Outcome.SENT)),
        failed=Count("pk", filter=Q(outcome=PlanItem.Outcome.FAILED)),
    )
    if counts["sent"]:
        messages.success(
            request,
            ngettext(
                "%(count)d offer sent to a helper.",
                "%(count)d offers sent to helpers.",
                counts["sent"],
            )
            % {"count": counts["sent"]},
        )
    if counts["failed"]:
        messages.warning(
            request,
            ngettext(
                "%(count)d could not be offered: the reason is shown against it.",
                "%(count)d could not be offered: the reasons are shown against each.",
                counts["failed"],
            )
            % {"count": counts["failed"]},
        )
    return redirect(plan)


@login_required
@require_POST
def plan_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        services.plan_discard(actor=request.user, plan=plan)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(plan)
    messages.success(request, _("The plan has been put aside. Nothing was sent."))
    return redirect("matching:plans")
