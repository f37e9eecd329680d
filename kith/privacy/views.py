"""Pages of the privacy part: the rights register and a request's page
(staff who handle them), the breach log (the data protection officer's
people), and the privacy notice (everyone)."""

import secrets
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.accounts.selectors import people_search_for
from kith.core.errors import ApplicationError
from kith.core.pagination import page_of
from kith.privacy import selectors, services
from kith.privacy.catalogue import KINDS
from kith.privacy.forms import (
    BreachCloseForm,
    BreachDecideForm,
    BreachForm,
    BreachReportedForm,
    CloseForm,
    EraseForm,
    ExtendForm,
    IdentityCheckForm,
    PersonSearchForm,
    RightsRequestForm,
)
from kith.privacy.models import Breach, RightsRequest
from kith.privacy.retention import months_for, retention_apply


def _locality(request: AuthenticatedRequest) -> Any:
    return request.locality


def notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice, written from what Kith actually holds
    (kith/privacy/catalogue.py), so it cannot fall out of step."""
    return render(request, "privacy/notice.html", {"kinds": KINDS})


@login_required
def requests(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    closed = request.GET.get("show") == "closed"
    found = selectors.rights_requests_for(actor=request.user, locality=locality)
    found = (
        found.exclude(status=RightsRequest.Status.OPEN)
        if closed
        else found.filter(status=RightsRequest.Status.OPEN)
    )
    return render(
        request,
        "privacy/requests.html",
        {
            "page": page_of(found, request.GET.get("page")),
            "closed": closed,
            "today": timezone.localdate(),
            "sees_breaches": has_perm(request.user, Perm.BREACH_LOG, locality),
        },
    )


@login_required
def request_new(request: AuthenticatedRequest) -> HttpResponse:
    """Find the person the request is about."""
    locality = _locality(request)
    require_perm(request.user, Perm.PRIVACY_MANAGE, locality)
    form = PersonSearchForm(request.GET or None)
    people = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        people = people_search_for(
            actor=request.user, locality=locality, query=form.cleaned_data["q"]
        )[:50]
    return render(
        request, "privacy/request_find.html", {"form": form, "people": people}
    )


@login_required
def request_record(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    locality = _locality(request)
    person = selectors.person_in_locality(
        actor=request.user, locality=locality, pk=person_pk
    )
    if request.method == "POST":
        form = RightsRequestForm(request.POST)
    else:
        form = RightsRequestForm(initial={"submission_key": secrets.token_hex(16)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rights = services.rights_request_record(
                actor=request.user,
                locality=locality,
                person=person,
                kind=data["kind"],
                received_on=data["received_on"],
                received_how=data["received_how"],
                requested_by_name=data["requested_by_name"],
                notes=data["notes"],
                submission_key=data["submission_key"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The request is recorded."))
            return redirect(rights)
    return render(
        request, "privacy/request_record.html", {"form": form, "person": person}
    )


def _page_with_forms(
    request: HttpRequest, template: str, context: dict[str, Any], forms: dict
) -> HttpResponse:
    """A record's page with its action forms; a form that was sent replaces
    the blank one and leads the error summary, and the page answers 400."""
    context.update(forms)
    context["form"] = next(iter(forms.values()), None)
    return render(request, template, context, status=400 if forms else 200)


def _act_on(request, record, form_class, form_name, act, done_message, page):
    """Bind the posted form, call the service on the record, and either go
    back to the record with a message or show its page with the errors."""
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(record, form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, done_message)
            return redirect(record)
    return page(request, record, **{form_name: form})


def _request_page(
    request: HttpRequest, rights: RightsRequest, **forms: Form
) -> HttpResponse:
    context: dict[str, Any] = {
        "rights": rights,
        "today": timezone.localdate(),
        "identity_form": IdentityCheckForm(),
        "extend_form": ExtendForm(),
        "close_form": CloseForm(),
        "erase_form": EraseForm(),
        "holds": (
            selectors.legal_holds(person=rights.person)
            if rights.kind == RightsRequest.Kind.ERASURE and rights.is_open
            else []
        ),
    }
    return _page_with_forms(request, "privacy/request.html", context, forms)


@login_required
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rights = selectors.rights_request_get_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _request_page(request, rights)


def _act(request, pk, form_class, form_name, act, done_message):
    rights = selectors.rights_request_get_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _act_on(
        request, rights, form_class, form_name, act, done_message, _request_page
    )


@login_required
@require_POST
def request_identity(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        IdentityCheckForm,
        "identity_form",
        lambda rights, data: services.rights_request_identity_checked(
            actor=request.user,
            rights=rights,
            checked_on=data["checked_on"],
            how=data["how"],
        ),
        _("The identity check is recorded."),
    )


@login_required
@require_POST
def request_extend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ExtendForm,
        "extend_form",
        lambda rights, data: services.rights_request_extend(
            actor=request.user,
            rights=rights,
            reason=data["reason"],
            told_on=data["told_on"],
        ),
        _("The request is extended."),
    )


@login_required
@require_POST
def request_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        CloseForm,
        "close_form",
        lambda rights, data: services.rights_request_close(
            actor=request.user,
            rights=rights,
            status=data["status"],
            outcome=data["outcome"],
        ),
        _("The request is closed."),
    )


@login_required
@require_POST
def request_erase(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        EraseForm,
        "erase_form",
        lambda rights, data: services.person_erase(actor=request.user, rights=rights),
        _("Their details are erased and the request is closed."),
    )


@login_required
@require_POST
def request_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rights = selectors.rights_request_get_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    try:
        data = services.person_export(actor=request.user, rights=rights)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(rights)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="kith-data-{rights.person_id}-'
        f'{timezone.localdate():%Y-%m-%d}.zip"'
    )
    return response


@login_required
def breaches(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    found = selectors.breaches_for(actor=request.user, locality=locality)
    if request.method == "POST":
        form = BreachForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                breach = services.breach_record(
                    actor=request.user,
                    locality=locality,
                    what=data["what"],
                    found_at=timezone.make_aware(
                        datetime.combine(data["found_on"], data["found_time"])
                    ),
                    people_affected=data["people_affected"],
                    data_kinds=data["data_kinds"],
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                messages.success(
                    request,
                    _(
                        "The breach is recorded. Decide within 72 hours whether to "
                        "report it."
                    ),
                )
                return redirect(breach)
    else:
        form = BreachForm()
    return render(
        request,
        "privacy/breaches.html",
        {
            "page": page_of(found, request.GET.get("page")),
            "form": form,
            "now": timezone.now(),
            "sees_retention": has_perm(request.user, Perm.PRIVACY_MANAGE, locality),
        },
        status=400 if form.is_bound else 200,
    )


def _breach_page(
    request: AuthenticatedRequest, breach: Breach, **forms: Form
) -> HttpResponse:
    context: dict[str, Any] = {
        "breach": breach,
        "hours_left": breach.hours_left_to_report(),
        "decide_form": BreachDecideForm(),
        "reported_form": BreachReportedForm(),
        "close_form": BreachCloseForm(),
        "kinds": {kind.code: kind.title for kind in KINDS},
    }
    return _page_with_forms(request, "privacy/breach.html", context, forms)


@login_required
def breach_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    breach = selectors.breach_get_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _breach_page(request, breach)


def _breach_act(request, pk, form_class, form_name, act, done_message):
    breach = selectors.breach_get_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _act_on(
        request, breach, form_class, form_name, act, done_message, _breach_page
    )


@login_required
@require_POST
def breach_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _breach_act(
        request,
        pk,
        BreachDecideForm,
        "decide_form",
        lambda breach, data: services.breach_decide(
            actor=request.user,
            breach=breach,
            reportable=data["reportable"] == "yes",
            reason=data["reason"],
        ),
        _("The decision is recorded."),
    )


@login_required
@require_POST
def breach_reported(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _breach_act(
        request,
        pk,
        BreachReportedForm,
        "reported_form",
        lambda breach, data: services.breach_reported(
            actor=request.user,
            breach=breach,
            reported_at=timezone.make_aware(
                datetime.combine(data["reported_on"], data["reported_time"])
            ),
            reference=data["reference"],
        ),
        _("The report to the ICO is recorded."),
    )


@login_required
@require_POST
def breach_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _breach_act(
        request,
        pk,
        BreachCloseForm,
        "close_form",
        lambda breach, data: services.breach_close(
            actor=request.user, breach=breach, actions=data["actions"]
        ),
        _("The breach is closed."),
    )


@login_required
def retention(request: AuthenticatedRequest) -> HttpResponse:
    """For the data protection officer: each retention rule, its period and
    reason, and what the nightly run would do today (a dry run)."""
    locality = _locality(request)
    require_perm(request.user, Perm.PRIVACY_MANAGE, locality)
    require_perm(request.user, Perm.BREACH_LOG, locality)
    outcomes = retention_apply(dry_run=True)
    return render(
        request,
        "privacy/retention.html",
        {
            "rows": [
                {"outcome": outcome, "months": months_for(outcome.rule)}
                for outcome in outcomes
            ]
        },
    )
