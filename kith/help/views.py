"""Help: asking (by the member, a supporter, or a coordinator on the phone),
the helper's offers and visits, and the coordinators' dashboard."""

import secrets
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.pagination import page_of
from kith.core.questions import IncompleteAnswers, QuestionPages, Step
from kith.help import forms, hooks, selectors, services
from kith.help.models import HelpRequest, Visit
from kith.helpers.selectors import skills_for
from kith.members.models import Membership
from kith.members.selectors import membership_by_id, memberships_among


def _locality(request: HttpRequest) -> Any:
    return request.locality  # type: ignore[attr-defined]


def _askable(request: AuthenticatedRequest) -> list[Membership]:
    """Members this person may ask for: the one a coordinator is acting for,
    or themselves and the members they support."""
    return selectors.members_to_ask_for(
        actor=request.user,
        locality=_locality(request),
        acting_for=getattr(request, "acting_for", None),
    )


class AskQuestions(QuestionPages):
    def __init__(self) -> None:
        super().__init__(
            "ask",
            [
                Step(
                    "who",
                    forms.WhoForm,
                    gettext_lazy("Who is the help for?"),
                    condition=lambda answers: False,
                ),
                Step(
                    "kind",
                    forms.CategoryForm,
                    gettext_lazy("What kind of help is needed?"),
                ),
                Step(
                    "what", forms.WhatForm, gettext_lazy("What needs doing, and where?")
                ),
                Step(
                    "when", forms.WhenForm, gettext_lazy("When could the helper come?")
                ),
                Step(
                    "length", forms.LengthForm, gettext_lazy("How long, and how often?")
                ),
                Step(
                    "notes",
                    forms.NotesForm,
                    gettext_lazy("How soon, and anything else?"),
                ),
            ],
        )

    def active_steps(self, request: HttpRequest) -> list[Step]:
        steps = list(self.steps)
        if len(self.context(request).get("membership_ids", [])) <= 1:
            steps = [s for s in steps if s.slug != "who"]
        return steps

    def form_kwargs(self, request: HttpRequest, step: Step) -> dict[str, Any]:
        if step.slug == "who":
            ids = self.context(request).get("membership_ids", [])
            return {"memberships": memberships_among(ids=ids)}
        if step.slug == "kind":
            return {"categories": selectors.categories_for(locality=_locality(request))}
        return {}


ASK = AskQuestions()


def _chosen_membership(
    request: HttpRequest, cleaned: dict[str, dict[str, Any]]
) -> Membership:
    ids = ASK.context(request).get("membership_ids", [])
    chosen = cleaned.get("who", {}).get("membership") or (ids[0] if ids else None)
    if chosen not in ids:
        raise Http404
    return membership_by_id(
        pk=cast(int, chosen)  # one of the ids offered, so not None
    )


@login_required
def help_home(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    if has_perm(request.user, Perm.HELP_MANAGE, locality) and not getattr(
        request, "acting_for", None
    ):
        return redirect("help:dashboard")
    memberships = selectors.members_to_show(
        actor=request.user,
        locality=locality,
        acting_for=getattr(request, "acting_for", None),
    )
    askable = {m.pk for m in _askable(request)}
    helper = selectors.helper_profile_for(actor=request.user, locality=locality)
    if not memberships and helper is not None:
        return redirect("help:my_visits")
    rows = []
    for membership in memberships:
        rows.append(
            {
                "membership": membership,
                "can_ask": membership.pk in askable,
                "requests": selectors.requests_for_member(
                    actor=request.user, membership=membership
                ).exclude(status__in=[HelpRequest.Status.CANCELLED])[:20],
                "visits": selectors.coming_visits_for_member(
                    actor=request.user, membership=membership
                ),
            }
        )
    return render(
        request,
        "help/home.html",
        {"rows": rows, "helper": helper, "can_ask": bool(askable)},
    )


@login_required
def ask_start(request: AuthenticatedRequest) -> HttpResponse:
    memberships = _askable(request)
    if not memberships:
        return render(request, "help/cannot_ask.html")
    ASK.start(
        request,
        membership_ids=[m.pk for m in memberships],
        submission_key=secrets.token_hex(16),
    )
    first = ASK.next_slug(request)
    return redirect("help:ask_step", slug=first)


@login_required
def ask_step(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    if ASK.session_key not in request.session:
        return redirect("help:ask_start")
    try:
        step = ASK.step(slug)
    except KeyError as exc:
        raise Http404 from exc
    changing = request.GET.get("change") == "1"
    form = ASK.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        following = ASK.answer(request, slug, changing=changing)
        return (
            redirect("help:ask_check")
            if following is None
            else redirect("help:ask_step", slug=following)
        )
    back = ASK.back_url(
        request,
        slug,
        changing=changing,
        check_url=reverse("help:ask_check"),
        step_url=lambda previous: reverse("help:ask_step", args=[previous]),
        start_url=reverse("help:home"),
    )
    return render(
        request, "help/ask_step.html", {"form": form, "step": step, "back": back}
    )


@login_required
def ask_check(request: AuthenticatedRequest) -> HttpResponse:
    if ASK.session_key not in request.session:
        done = request.session.get("kith_help_asked")
        if request.method == "POST" and done:
            return redirect("help:ask_done")
        return redirect("help:ask_start")
    try:
        cleaned = ASK.cleaned(request)
    except IncompleteAnswers as incomplete:
        return redirect("help:ask_step", slug=incomplete.slug)
    membership = _chosen_membership(request, cleaned)
    error = None
    if request.method == "POST":
        when_form = ASK.bound_form(request, ASK.step("when"))
        assert when_form is not None and when_form.is_valid()  # noqa: S101 - cleaned above
        category = selectors.category_get_for(
            locality=_locality(request), pk=cleaned["kind"]["category"]
        )
        try:
            help_request = services.request_create(
                actor=request.user,
                membership=membership,
                category=category,
                details=cleaned["what"]["details"],
                at_home=cleaned["what"]["where"] == "home",
                place=cleaned["what"].get("place", ""),
                windows=when_form.windows(),  # type: ignore[attr-defined]
                minutes=cleaned["length"]["minutes"],
                repeat_weeks=cleaned["length"]["repeat_weeks"],
                notes_for_helper=cleaned["notes"].get("notes_for_helper", ""),
                urgency=cleaned["notes"]["urgency"],
                submission_key=ASK.context(request).get("submission_key"),
            )
        except ApplicationError as exc:
            error = exc
        else:
            ASK.clear(request)
            request.session["kith_help_asked"] = help_request.pk
            return redirect("help:ask_done")
    return render(
        request,
        "help/ask_check.html",
        {"rows": ASK.summary(request), "membership": membership, "error": error},
    )


@login_required
def ask_done(request: AuthenticatedRequest) -> HttpResponse:
    pk = request.session.get("kith_help_asked")
    help_request = selectors.request_just_asked(pk=pk)
    if help_request is None:
        return redirect("help:home")
    return render(request, "help/ask_done.html", {"help_request": help_request})


# --- one request ------------------------------------------


@login_required
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    help_request = selectors.request_get_for(actor=request.user, pk=pk)
    coordinator = has_perm(request.user, Perm.HELP_MANAGE, help_request.locality)
    context: dict[str, Any] = {
        "help_request": help_request,
        "coordinator": coordinator,
        "can_cancel": selectors.can_ask_for(
            actor=request.user, membership=help_request.membership
        )
        is not None,
        "is_member": request.user.pk == help_request.membership.person_id,
    }
    if coordinator and help_request.status == HelpRequest.Status.OPEN:
        for extras in hooks.request_page_extras.run(
            actor=request.user, help_request=help_request
        ):
            context.update(extras)
    return render(request, "help/request.html", context)


def _redirect_back(visit: Visit, request: HttpRequest) -> HttpResponse:
    if visit.helper.user_id == request.user.pk:
        return redirect("help:visit", pk=visit.pk)
    return redirect("help:request", pk=visit.request_id)


@login_required
def request_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    help_request = selectors.request_get_for(actor=request.user, pk=pk)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_cancel(
                actor=request.user,
                request=help_request,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The request has been cancelled."))
            return redirect("help:request", pk=pk)
    return render(
        request,
        "help/form_page.html",
        {
            "form": form,
            "title": _("Cancel this request"),
            "back": reverse("help:request", args=[pk]),
            "button": _("Cancel the request"),
            "about_request": help_request,
        },
    )


@login_required
@require_POST
def offer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    help_request = selectors.request_get_for(actor=request.user, pk=pk)
    require_perm(request.user, Perm.HELP_MANAGE, help_request.locality)
    chosen = forms.OfferChoiceForm(request.POST)
    helper = (
        selectors.helper_for_offer(
            request=help_request, pk=chosen.cleaned_data["helper"]
        )
        if chosen.is_valid()
        else None
    )
    if helper is None:
        messages.error(request, _("Choose a helper."))
    else:
        try:
            services.visit_offer(
                actor=request.user, request=help_request, helper=helper
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Offered to %(name)s.") % {"name": helper.user.full_name}
            )
    return redirect("help:request", pk=pk)


def _about(visit: Visit, request: AuthenticatedRequest) -> dict[str, Any]:
    """What a form page about ``visit`` shows of it (help/_about.html): the
    helper sees the member's preferred name, others their full name."""
    return {
        "about_request": visit.request,
        "about_visit": visit,
        "about_for_helper": visit.helper.user_id == request.user.pk,
    }


def _visit_for(request: AuthenticatedRequest, pk: int) -> Visit:
    return selectors.visit_get_for_helper(actor=request.user, pk=pk)


def _visit_for_member_side(request: AuthenticatedRequest, pk: int) -> Visit:
    return selectors.visit_get_for_member_side(actor=request.user, pk=pk)


@login_required
@require_POST
def visit_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    try:
        services.visit_confirm(actor=request.user, visit=visit)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Confirmed. The member and the helper have been told.")
        )
    return redirect("help:request", pk=visit.request_id)


@login_required
@require_POST
def visit_settle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    try:
        services.visit_settle(actor=request.user, visit=visit)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The credits have been settled."))
    return redirect("help:request", pk=visit.request_id)


@login_required
def visit_reassign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    require_perm(request.user, Perm.HELP_MANAGE, visit.request.locality)
    helpers = [
        h
        for h, reason in selectors.suitable_helpers(
            actor=request.user, request=visit.request
        )
        if reason is None and h.pk != visit.helper_id
    ]
    form = forms.OfferForm(request.POST or None, helpers=helpers)
    if request.method == "POST" and form.is_valid():
        helper = next(h for h in helpers if h.pk == form.cleaned_data["helper"])
        try:
            services.visit_reassign(
                actor=request.user, visit=visit, helper=helper, reason=_("reassigned")
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("Offered to %(name)s instead.") % {"name": helper.user.full_name},
            )
            return redirect("help:request", pk=visit.request_id)
    return render(
        request,
        "help/form_page.html",
        {
            "form": form,
            "title": _("Give this visit to another helper"),
            "back": reverse("help:request", args=[visit.request_id]),
            "button": _("Offer to them"),
            **_about(visit, request),
        },
    )


@login_required
def visit_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for_member_side(request, pk)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_cancel(
                actor=request.user, visit=visit, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The visit has been cancelled."))
            return _redirect_back(visit, request)
    late = selectors.visit_cancel_is_late(visit=visit)
    return render(
        request,
        "help/form_page.html",
        {
            "form": form,
            "title": _("Cancel this visit"),
            "back": reverse("help:request", args=[visit.request_id])
            if visit.helper.user_id != request.user.pk
            else reverse("help:visit", args=[pk]),
            "button": _("Cancel the visit"),
            **_about(visit, request),
            "late": late,
            "late_minutes": selectors.help_settings_for(
                locality=visit.request.locality
            ).late_cancellation_minutes,
        },
    )


@login_required
def visit_no_show(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    require_perm(request.user, Perm.HELP_MANAGE, visit.request.locality)
    form = forms.NoShowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_no_show(
                actor=request.user, visit=visit, party=form.cleaned_data["party"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Recorded."))
            return redirect("help:request", pk=visit.request_id)
    return render(
        request,
        "help/form_page.html",
        {
            "form": form,
            "title": _("The visit did not happen"),
            "back": reverse("help:request", args=[visit.request_id]),
            "button": _("Record it"),
            **_about(visit, request),
        },
    )


@login_required
def visit_feedback(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for_member_side(request, pk)
    form = forms.FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_record(
                actor=request.user, visit=visit, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Thank you. Your answer has been saved."))
            return redirect("help:request", pk=visit.request_id)
    return render(
        request,
        "help/form_page.html",
        {
            "form": form,
            "title": _("How did the visit go?"),
            "back": reverse("help:request", args=[visit.request_id]),
            "button": _("Send"),
        },
    )


# --- the helper's side ------------------------------------------


@login_required
def my_visits(request: AuthenticatedRequest) -> HttpResponse:
    helper = selectors.helper_profile_for(
        actor=request.user, locality=_locality(request)
    )
    if helper is None:
        raise Http404
    lists = selectors.helper_visits_for(actor=request.user, helper=helper)
    return render(
        request,
        "help/my_visits.html",
        {
            "helper": helper,
            "offers": lists.offers,
            "coming": lists.coming,
            "recent": lists.recent,
        },
    )


@login_required
def visit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    contact = selectors.member_contact_for_helper(actor=request.user, visit=visit)
    return render(
        request,
        "help/visit.html",
        {
            "visit": visit,
            "contact": contact,
            "is_helper": visit.helper.user_id == request.user.pk,
            "accept_form": forms.AcceptForm(),
            "windows": visit.request.windows.all(),
        },
    )


@login_required
def visit_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    form = forms.AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_accept(
                actor=request.user, visit=visit, starts_at=form.starts_at()
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, _("Thank you. A coordinator will confirm it with the member.")
            )
            return redirect("help:visit", pk=pk)
    return render(
        request,
        "help/accept.html",
        {
            "form": form,
            "visit": visit,
            "windows": visit.request.windows.all(),
            "is_helper": visit.helper.user_id == request.user.pk,
            **_about(visit, request),
        },
    )


@login_required
def visit_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_decline(
                actor=request.user, visit=visit, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Thank you for letting us know."))
            return (
                _redirect_back(visit, request)
                if visit.helper.user_id != request.user.pk
                else redirect("help:my_visits")
            )
    return render(
        request,
        "help/form_page.html",
        {
            "form": form,
            "title": _("Say no to this offer"),
            "back": reverse("help:visit", args=[pk]),
            "button": _("Say no"),
            **_about(visit, request),
        },
    )


@login_required
def visit_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    form = forms.DoneForm(
        request.POST or None, initial={"actual_minutes": visit.minutes}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_done(actor=request.user, visit=visit, **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Thank you. The visit has been recorded."))
            return _redirect_back(visit, request)
    return render(
        request,
        "help/form_page.html",
        {
            "form": form,
            "title": _("Record the visit"),
            "back": reverse("help:visit", args=[pk]),
            "button": _("Save"),
            **_about(visit, request),
        },
    )


# --- coordinators ------------------------------------------


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    board = selectors.dashboard_for(actor=request.user, locality=locality)
    return render(request, "help/dashboard.html", {"board": board})


@login_required
def dashboard_section(request: AuthenticatedRequest, section: str) -> HttpResponse:
    """Every row of one part of the dashboard, a page at a time."""
    try:
        part = selectors.DashboardSection(section)
    except ValueError:
        raise Http404 from None
    rows = selectors.dashboard_section_rows(
        actor=request.user, locality=_locality(request), section=part
    )
    return render(
        request,
        "help/dashboard_section.html",
        {"section": part, "page": page_of(rows, request.GET.get("page"))},
    )


@login_required
def reliability(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.reliability_for(actor=request.user, locality=_locality(request))
    return render(request, "help/reliability.html", {"rows": rows})


@login_required
def categories(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.HELP_MANAGE, locality)
    return render(
        request,
        "help/categories.html",
        {"categories": selectors.all_categories_for(locality=locality)},
    )


@login_required
def category_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.HELP_MANAGE, locality)
    category = None
    if pk is not None:
        category = selectors.category_get_for(locality=locality, pk=pk)
    skills = skills_for(locality=locality, include_retired=True)
    initial: dict[str, Any] = {"is_active": True, "usual_minutes": 60}
    if category:
        initial = {
            "name": category.name,
            "description": category.description,
            "vetting_level": category.vetting_level,
            "usual_minutes": category.usual_minutes,
            "skill": category.skill_id,
            "is_active": category.is_active,
        }
    form = forms.CategoryEditForm(request.POST or None, initial=initial, skills=skills)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.category_save(
                actor=request.user,
                locality=locality,
                category=category,
                name=data["name"],
                description=data["description"],
                vetting_level=data["vetting_level"],
                usual_minutes=data["usual_minutes"],
                is_active=data["is_active"],
                skill=skills.filter(pk=data["skill"]).first()
                if data["skill"]
                else None,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("help:categories")
    return render(
        request,
        "help/form_page.html",
        {
            "form": form,
            "title": _("Change a kind of help")
            if category
            else _("Add a kind of help"),
            "back": reverse("help:categories"),
            "button": _("Save"),
        },
    )
