"""Pages of Assets of Community Value: recording a nomination, the
decision, and an owner's notice of disposal."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm
from kith.core.errors import ApplicationError
from kith.projects import forms, selectors, services
from kith.projects.views.common import (
    _form_page,
    _require,
)


@login_required
def nomination_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    asset = selectors.asset_get(actor=request.user, locality=locality, uuid=uuid)
    form = forms.NominationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_record(
                actor=request.user, asset=asset, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(asset.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Record a nomination of %(name)s as an Asset of Community Value")
        % {"name": asset},
        back=asset.get_absolute_url(),
        button=_("Record the nomination"),
    )


@login_required
def nomination_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    nomination = selectors.nomination_get(actor=request.user, locality=locality, pk=pk)
    form = forms.DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_decide(
                actor=request.user, nomination=nomination, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(nomination.asset.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Decide the nomination of %(name)s") % {"name": nomination.asset},
        caption=_("Decision due by %(day)s")
        % {"day": nomination.decision_due_on.strftime("%-d %B %Y")},
        back=nomination.asset.get_absolute_url(),
        button=_("Record the decision"),
    )


@login_required
def disposal_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    nomination = selectors.nomination_get(actor=request.user, locality=locality, pk=pk)
    form = forms.DisposalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disposal_notice_record(
                actor=request.user, nomination=nomination, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(nomination.asset.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Record a notice of disposal of %(name)s") % {"name": nomination.asset},
        back=nomination.asset.get_absolute_url(),
        button=_("Record the notice"),
    )
