"""A helper's status and referees: pause and resume (the helper or a
coordinator), approve, record that they left, add a referee (coordinators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.core.errors import ApplicationError
from kith.helpers import forms, services
from kith.helpers.views.common import _back_to, _managed, _posted, _profile_for_edit


@login_required
def profile_pause(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_pause(
                actor=request.user, profile=profile, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("You are paused: we will not offer you visits until you start again.")
                if pk is None
                else _("They are paused: they will not be offered visits."),
            )
            return redirect(_back_to(profile, pk))
    return render(
        request,
        "helpers/status_form.html",
        {
            "form": form,
            "profile": profile,
            "back": _back_to(profile, pk),
            "title": _("Pause helping") if pk is None else _("Pause this helper"),
            "intro": _(
                "While paused, no visits are offered. Nothing else changes, and "
                "you can start again at any time."
            ),
            "button": _("Pause"),
        },
    )


@login_required
def profile_resume(
    request: AuthenticatedRequest, pk: int | None = None
) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.OptionalReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_resume(
                actor=request.user, profile=profile, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Visits can be offered again."))
            return redirect(_back_to(profile, pk))
    return render(
        request,
        "helpers/status_form.html",
        {
            "form": form,
            "profile": profile,
            "back": _back_to(profile, pk),
            "title": _("Start helping again"),
            "intro": "",
            "button": _("Start again"),
        },
    )


@login_required
@require_POST
def helper_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    profile = _managed(request, pk)
    try:
        services.helper_approve(actor=request.user, profile=profile)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is now an active helper.") % {"name": profile.user.full_name},
        )
    return redirect("helpers:detail", pk=pk)


@login_required
def helper_leave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    profile = _managed(request, pk)
    form = forms.ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_leave(
                actor=request.user, profile=profile, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Their record now says they have left."))
            return redirect("helpers:detail", pk=pk)
    return render(
        request,
        "helpers/status_form.html",
        {
            "form": form,
            "profile": profile,
            "back": reverse("helpers:detail", args=[pk]),
            "title": _("Record that they have left"),
            "intro": _(
                "For example, they have stopped helping, moved away, or were not "
                "accepted. Their record and checks are kept."
            ),
            "button": _("Record that they have left"),
            "warning": True,
        },
    )


@login_required
def referee_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    profile = _managed(request, pk)
    form = forms.RefereeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.referee_add(
                actor=request.user,
                profile=profile,
                details=services.RefereeDetails(**form.cleaned_data),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The referee has been added."))
            return redirect("helpers:detail", pk=pk)
    return render(
        request,
        "helpers/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "back": reverse("helpers:detail", args=[pk]),
            "title": _("Add a referee"),
            "own": False,
        },
    )
