"""Introductions: coordinators' pages, members' answers and free times, and
the figures for the council's reports.
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.pagination import page_of
from kith.core.params import choice_param
from kith.social import forms, selectors, services
from kith.social.models import Introduction
from kith.social.views.common import _locality, _own_membership


@login_required
def introductions(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    if not has_perm(request.user, Perm.INTRODUCTIONS_MANAGE, locality):
        raise PermissionDenied
    if request.method == "POST":
        added = services.introductions_suggest(actor=request.user, locality=locality)
        messages.success(
            request,
            _("%(count)d new suggestions found.") % {"count": added}
            if added != 1
            else _("1 new suggestion found."),
        )
        return redirect("social:introductions")
    status = choice_param(
        request.GET, "status", Introduction.Status.values, Introduction.Status.SUGGESTED
    )
    page = page_of(
        selectors.introductions_for_coordinators(
            actor=request.user,
            locality=locality,
            status=status,
        ),
        request.GET.get("page"),
        per_page=25,
    )
    return render(
        request,
        "social/introductions.html",
        {"page": page, "status": status, "statuses": Introduction.Status.choices},
    )


@login_required
def introduction_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    introduction = selectors.introduction_get_for_coordinator(
        actor=request.user,
        locality=locality,
        pk=pk,
    )
    ask_form = forms.AskForm(request.POST if "share_how" in request.POST else None)
    meeting_form = forms.MeetingForm(request.POST if "place" in request.POST else None)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "ask" and ask_form.is_valid():
                services.introduction_ask(
                    actor=request.user,
                    introduction=introduction,
                    share_how=ask_form.cleaned_data["share_how"],
                )
                messages.success(request, _("Asked. Both members are being told."))
                return redirect("social:introduction", pk=pk)
            if action in ("first_yes", "first_no", "second_yes", "second_no"):
                side, answer = action.split("_")
                services.introduction_answer(
                    actor=request.user,
                    introduction=introduction,
                    membership=getattr(introduction, side),
                    answer=answer,
                )
                messages.success(request, _("Answer recorded."))
                return redirect("social:introduction", pk=pk)
            if action == "set_aside":
                services.introduction_stop(
                    actor=request.user, introduction=introduction
                )
                messages.success(request, _("Set aside. Nobody is told."))
                return redirect("social:introductions")
            if action == "meeting" and meeting_form.is_valid():
                data = meeting_form.cleaned_data
                services.introduction_meeting_arrange(
                    actor=request.user,
                    introduction=introduction,
                    meeting_at=timezone.make_aware(
                        datetime.combine(data["day"], forms.parse_time(data["at"]))
                    ),
                    place=data["place"],
                    helper_present=data["helper_present"],
                )
                messages.success(request, _("Meeting arranged. Both have been told."))
                return redirect("social:introduction", pk=pk)
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "social/introduction.html",
        {
            "introduction": introduction,
            "ask_form": ask_form,
            "meeting_form": meeting_form,
            "error": error,
            "follow_ups": list(introduction.follow_ups.all()),
        },
    )


@login_required
def my_introductions(request: AuthenticatedRequest) -> HttpResponse:
    membership = _own_membership(request)
    views = selectors.introductions_for_member(
        actor=request.user, membership=membership
    )
    return render(
        request,
        "social/my_introductions.html",
        {
            "membership": membership,
            "views": views,
            "free_times": selectors.free_times_of(membership),
        },
    )


@login_required
def my_introduction(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = _own_membership(request)
    view = selectors.introduction_get_for_member(
        actor=request.user,
        membership=membership,
        pk=pk,
    )
    introduction = view.introduction
    answer_form = forms.AnswerForm(request.POST if "answer" in request.POST else None)
    follow_up_form = forms.FollowUpForm(request.POST if "met" in request.POST else None)
    error = None
    if request.method == "POST":
        try:
            if "answer" in request.POST and answer_form.is_valid():
                services.introduction_answer(
                    actor=request.user,
                    introduction=introduction,
                    membership=membership,
                    answer=answer_form.cleaned_data["answer"],
                )
                messages.success(request, _("Thank you. Your answer is saved."))
                return redirect("social:my_introduction", pk=pk)
            if request.POST.get("action") == "stop":
                services.introduction_stop(
                    actor=request.user,
                    introduction=introduction,
                    membership=membership,
                )
                messages.success(
                    request, _("Stopped. We will not tell the other member why.")
                )
                return redirect("social:my_introductions")
            if "met" in request.POST and follow_up_form.is_valid():
                services.follow_up_record(
                    actor=request.user,
                    introduction=introduction,
                    membership=membership,
                    met=follow_up_form.cleaned_data["met"],
                    meet_again=follow_up_form.cleaned_data["meet_again"],
                )
                messages.success(request, _("Thank you for telling us."))
                return redirect("social:my_introduction", pk=pk)
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "social/my_introduction.html",
        {
            "view": view,
            "answer_form": answer_form,
            "follow_up_form": follow_up_form,
            "error": error,
        },
    )


@login_required
def free_times(request: AuthenticatedRequest) -> HttpResponse:
    membership = _own_membership(request)
    form = forms.FreeTimesForm(
        request.POST if request.method == "POST" else None,
        initial={"free_times": selectors.free_times_of(membership)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.free_times_set(
                actor=request.user,
                membership=membership,
                free_times=form.cleaned_data["free_times"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("social:my_introductions")
    return render(
        request,
        "social/form_page.html",
        {
            "form": form,
            "title": _("When you are usually free"),
            "button": _("Save"),
            "back": reverse("social:my_introductions"),
        },
    )


@login_required
def figures(request: AuthenticatedRequest) -> HttpResponse:
    """Connections and activities by month, for the council's reports."""
    locality = _locality(request)
    return render(
        request,
        "social/figures.html",
        {
            "months": selectors.monthly_figures(
                actor=request.user,
                locality=locality,
            )
        },
    )
