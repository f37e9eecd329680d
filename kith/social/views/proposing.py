"""Proposing an activity (one question a page), and coordinators reviewing,
approving, declining and cancelling activities.
"""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.pagination import page_of
from kith.core.questions import IncompleteAnswers, QuestionPages, Step
from kith.members.selectors import interests_for
from kith.social import forms, selectors, services
from kith.social.models import Activity, Venue
from kith.social.views.common import _locality


class ProposeQuestions(QuestionPages):
    def form_kwargs(self, request: HttpRequest, step: Step) -> dict[str, Any]:
        locality = _locality(request)
        if step.slug == "about":
            return {"interests": interests_for(locality=locality)}
        if step.slug == "where":
            return {"venues": selectors.venues_for(locality=locality)}
        return {}


PROPOSE = ProposeQuestions(
    "propose",
    [
        Step("about", forms.AboutForm, gettext_lazy("What is the activity?")),
        Step("when", forms.WhenForm, gettext_lazy("When is it?")),
        Step("where", forms.WhereForm, gettext_lazy("Where is it?")),
        Step("places", forms.CostForm, gettext_lazy("Places and cost")),
    ],
)


def _require_propose(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.ACTIVITIES_PROPOSE, _locality(request)):
        raise PermissionDenied


@login_required
def propose_start(request: AuthenticatedRequest) -> HttpResponse:
    _require_propose(request)
    PROPOSE.start(request, submission_key=secrets.token_hex(16))
    return redirect("social:propose_step", slug="about")


@login_required
def propose_step(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    _require_propose(request)
    if PROPOSE.session_key not in request.session:
        return redirect("social:propose_start")
    try:
        step = PROPOSE.step(slug)
    except KeyError as exc:
        raise Http404 from exc
    changing = request.GET.get("change") == "1"
    form = PROPOSE.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        following = PROPOSE.answer(request, slug, changing=changing)
        return (
            redirect("social:propose_check")
            if following is None
            else redirect("social:propose_step", slug=following)
        )
    back = PROPOSE.back_url(
        request,
        slug,
        changing=changing,
        check_url=reverse("social:propose_check"),
        step_url=lambda previous: reverse("social:propose_step", args=[previous]),
        start_url=reverse("social:home"),
    )
    return render(
        request, "social/propose_step.html", {"form": form, "step": step, "back": back}
    )


@login_required
def propose_check(request: AuthenticatedRequest) -> HttpResponse:
    _require_propose(request)
    locality = _locality(request)
    if PROPOSE.session_key not in request.session:
        done = request.session.get("kith_activity_proposed")
        if request.method == "POST" and done:
            return redirect("social:propose_done")
        return redirect("social:propose_start")
    try:
        cleaned = PROPOSE.cleaned(request)
    except IncompleteAnswers as incomplete:
        return redirect("social:propose_step", slug=incomplete.slug)
    error = None
    if request.method == "POST":
        try:
            activity = _propose(request, locality, cleaned)
        except ApplicationError as exc:
            error = exc
        else:
            PROPOSE.clear(request)
            request.session["kith_activity_proposed"] = activity.pk
            return redirect("social:propose_done")
    return render(
        request,
        "social/propose_check.html",
        {"rows": PROPOSE.summary(request), "error": error},
    )


def _propose(
    request: HttpRequest, locality: Any, cleaned: dict[str, dict[str, Any]]
) -> Activity:
    where = cleaned["where"]
    if where["venue"] == forms.NEW_VENUE:
        features = set(where.get("features") or [])
        venue = services.venue_save(
            actor=request.user,  # type: ignore[arg-type]
            locality=locality,
            answers=services.VenueAnswers(
                name=where["venue_name"],
                address=where["venue_address"],
                postcode=where.get("venue_postcode", ""),
                bus_routes=where.get("bus_routes", ""),
                **{name: name in features for name in Venue.FEATURES},
            ),
        )
    else:
        found = selectors.venue_in(locality=locality, pk=where["venue"])
        if found is None:
            raise ApplicationError(_("Choose where it is."), field="venue")
        venue = found
    when, cost = cleaned["when"], cleaned["places"]
    return services.activity_propose(
        actor=request.user,  # type: ignore[arg-type]
        locality=locality,
        venue=venue,
        host=getattr(request, "acting_for", None),
        answers=services.ActivityAnswers(
            title=cleaned["about"]["title"],
            description=cleaned["about"]["description"],
            interest_id=cleaned["about"].get("interest"),
            starts_on=when["starts_on"],
            start_time=forms.parse_time(when["start_time"]),
            minutes=when["minutes"],
            repeat=when["repeat"],
            repeat_count=when.get("repeat_count") or 1,
            places=cost["places"],
            cost=cost["cost"],
            cost_pence=cost.get("cost_pence", 0),
            cost_credits=cost.get("cost_credits") or 0,
        ),
        submission_key=PROPOSE.context(request).get("submission_key"),
    )


@login_required
def propose_done(request: AuthenticatedRequest) -> HttpResponse:
    pk = request.session.get("kith_activity_proposed")
    activity = selectors.activity_just_proposed(actor=request.user, pk=pk)
    if activity is None:
        return redirect("social:home")
    return render(request, "social/propose_done.html", {"activity": activity})


@login_required
def review(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    page = page_of(
        selectors.activities_to_review(actor=request.user, locality=locality),
        request.GET.get("page"),
    )
    return render(request, "social/review.html", {"page": page})


@login_required
@require_POST
def approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    activity = selectors.activity_get_for(actor=request.user, locality=locality, pk=pk)
    try:
        services.activity_approve(actor=request.user, activity=activity)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(title)s is approved and in the calendar. The host has been told.")
            % {"title": activity.title},
        )
    return redirect("social:review")


@login_required
def decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    activity = selectors.activity_get_for(actor=request.user, locality=locality, pk=pk)
    if not has_perm(request.user, Perm.ACTIVITIES_MANAGE, locality):
        raise PermissionDenied
    form = forms.ReasonForm(
        request.POST if request.method == "POST" else None,
        label=_("Why can it not be listed?"),
        hint=_("We send this to the host."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_decline(
                actor=request.user,
                activity=activity,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Not listed. The host has been told why."))
            return redirect("social:review")
    return render(
        request,
        "social/form_page.html",
        {
            "form": form,
            "title": _("Do not list %(title)s") % {"title": activity.title},
            "button": _("Do not list it"),
            "back": reverse("social:review"),
        },
    )


@login_required
def cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    activity = selectors.activity_get_for(actor=request.user, locality=locality, pk=pk)
    if not services.may_run(request.user, activity):
        raise PermissionDenied
    form = forms.ReasonForm(
        request.POST if request.method == "POST" else None,
        label=_("Why is it cancelled?"),
        hint=_("Everyone signed up or waiting is told, with this reason."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_cancel(
                actor=request.user,
                activity=activity,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(
                request, _("Cancelled. Everyone who was signed up is being told.")
            )
            return redirect("social:activity", pk=activity.pk)
    return render(
        request,
        "social/form_page.html",
        {
            "form": form,
            "title": _("Cancel %(title)s") % {"title": activity.title},
            "caption": _("This cancels every date still to come."),
            "button": _("Cancel the activity"),
            "back": reverse("social:activity", args=[activity.pk]),
            "warning": True,
        },
    )
