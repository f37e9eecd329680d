"""Pages of reports: wellbeing surveys (members online, staff on paper or
by phone) and the council's figures. Thin: each calls one selector or one
service."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.core.errors import ApplicationError
from kith.members.models import Membership
from kith.reports import forms, selectors, services


def _locality(request: HttpRequest) -> Any:
    locality = getattr(request, "locality", None)
    if locality is None:
        raise Http404
    return locality


# --- surveys ------------------------------------------------------------------


@login_required
def surveys_due(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    due = selectors.surveys_due(
        actor=request.user, locality=locality, today=timezone.localdate()
    )
    return render(request, "reports/surveys_due.html", {"due": due})


def _survey_page(
    request: AuthenticatedRequest,
    membership: Membership,
    *,
    staff: bool,
    done_url: str,
    decline_url: str,
) -> HttpResponse:
    due = selectors.survey_due_now(membership=membership, today=timezone.localdate())
    instruments = selectors.instruments_asked()
    form = forms.SurveyForm(request.POST or None, instruments=instruments, staff=staff)
    if due is not None and request.method == "POST" and form.is_valid():
        try:
            services.survey_record(
                actor=request.user,
                membership=membership,
                how=form.how(),
                answers=form.answers(),
                submission_key=form.cleaned_data["key"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("Thank you. The answers are saved.")
                if not staff
                else _("The survey for %(name)s is saved.")
                % {"name": membership.person.full_name},
            )
            return redirect(done_url)
    return render(
        request,
        "reports/survey.html",
        {
            "membership": membership,
            "due": due,
            "form": form,
            "staff": staff,
            "decline_url": decline_url,
            "back": done_url,
        },
    )


def _decline_page(
    request: AuthenticatedRequest, membership: Membership, *, staff: bool, done_url: str
) -> HttpResponse:
    due = selectors.survey_due_now(membership=membership, today=timezone.localdate())
    form = forms.DeclineForm(request.POST or None, staff=staff)
    if due is not None and request.method == "POST" and form.is_valid():
        try:
            services.survey_decline(
                actor=request.user,
                membership=membership,
                how=form.how(),
                stop_asking=form.cleaned_data["stop_asking"],
                submission_key=form.cleaned_data["key"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Recorded: they would rather not answer."))
            return redirect(done_url)
    return render(
        request,
        "reports/decline.html",
        {"membership": membership, "due": due, "form": form, "back": done_url},
    )


@login_required
def survey_enter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_for_survey(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _survey_page(
        request,
        membership,
        staff=True,
        done_url=_url("reports:surveys_due"),
        decline_url=_url("reports:survey_decline", pk),
    )


@login_required
def survey_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_for_survey(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _decline_page(
        request, membership, staff=True, done_url=_url("reports:surveys_due")
    )


@login_required
def my_survey(request: AuthenticatedRequest) -> HttpResponse:
    membership = selectors.own_membership(
        actor=request.user, locality=_locality(request)
    )
    return _survey_page(
        request,
        membership,
        staff=False,
        done_url=_url("reports:my_survey"),
        decline_url=_url("reports:my_survey_decline"),
    )


@login_required
def my_survey_decline(request: AuthenticatedRequest) -> HttpResponse:
    membership = selectors.own_membership(
        actor=request.user, locality=_locality(request)
    )
    return _decline_page(
        request, membership, staff=False, done_url=_url("reports:my_survey")
    )


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)
