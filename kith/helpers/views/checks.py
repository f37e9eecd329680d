"""Coordinators recording vetting checks, and withdrawing one recorded in
error."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.helpers import forms, selectors, services
from kith.helpers.models import HelperProfile
from kith.helpers.vetting import CheckKind
from kith.helpers.views.common import _locality, _posted


def _vetting_profile(request: HttpRequest, pk: int) -> HelperProfile:
    locality = _locality(request)
    require_perm(request.user, Perm.VETTING_RECORD, locality)
    return selectors.helper_profile_get_for(
        actor=request.user, locality=locality, pk=pk, audit=False
    )


@login_required
def check_choose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    profile = _vetting_profile(request, pk)
    form = forms.CheckKindForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        return redirect("helpers:check_record", pk=pk, kind=form.cleaned_data["kind"])
    return render(
        request,
        "helpers/check_choose.html",
        {"form": form, "profile": profile},
    )


@login_required
def check_record(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponse:
    profile = _vetting_profile(request, pk)
    if kind not in CheckKind.values:
        raise Http404
    form_class = forms.CHECK_FORMS[kind]
    kwargs: dict[str, Any] = {}
    referees = []
    if kind == CheckKind.REFERENCE:
        referees = list(selectors.referees_of(profile=profile))
        kwargs["referees"] = referees
    form = form_class(_posted(request), request.FILES or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dbs = None
        if kind == CheckKind.DBS:
            dbs = services.DbsDetails(
                certificate_number=data["certificate_number"],
                issued_on=data["issued_on"],
                dbs_type=data["dbs_type"],
                role_applied_for=data["role_applied_for"],
                update_service_consent=data["update_service_consent"] == "yes",
                scan=data.get("scan") or None,
            )
        referee = None
        if kind == CheckKind.REFERENCE:
            referee = selectors.referee_of(profile=profile, pk=data["referee"])
        try:
            services.vetting_check_record(
                actor=request.user,
                profile=profile,
                kind=kind,
                outcome=data["outcome"],
                checked_on=data["checked_on"],
                evidence_reference=data.get("evidence_reference", ""),
                documents_seen=data.get("documents_seen", []),
                referee=referee,
                dbs=dbs,
                key=data.get("key") or None,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("The %(check)s check has been recorded.")
                % {"check": CheckKind(kind).label.lower()},
            )
            return redirect("helpers:detail", pk=pk)
    return render(
        request,
        "helpers/check_record.html",
        {
            "form": form,
            "profile": profile,
            "kind": CheckKind(kind),
            "no_referees": kind == CheckKind.REFERENCE and not referees,
        },
    )


@login_required
def check_withdraw(request: AuthenticatedRequest, check_pk: int) -> HttpResponse:
    check = selectors.check_get_for(
        actor=request.user, locality=_locality(request), pk=check_pk
    )
    form = forms.WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.vetting_check_withdraw(
                actor=request.user, check=check, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The check has been withdrawn."))
            return redirect("helpers:detail", pk=check.profile_id)
    return render(
        request,
        "helpers/check_withdraw.html",
        {"form": form, "check": check, "profile": check.profile},
    )
