"""Pages of Assets of Community Value: recording a nomination, the
decision, and an owner's notice of disposal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm
from kith.core.errors import ApplicationError
from kith.core.times import day_text
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


@login_required
def nomination_submit(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    """A community group's nomination of a public asset, sent online."""
    locality = _require(request, Perm.PROJECTS_PROPOSE)
    asset = selectors.asset_get(actor=request.user, locality=locality, uuid=uuid)
    if not selectors.may_nominate(actor=request.user, asset=asset):
        raise Http404
    organisations = selectors.organisations_for(locality=locality).filter(
        editors=request.user
    )
    form = forms.NominationSubmitForm(
        request.POST if request.method == "POST" else None,
        organisations=list(organisations),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = (
            organisations.filter(pk=data["organisation"]).first()
            if data.get("organisation")
            else None
        )
        try:
            nomination = services.nomination_submit(
                actor=request.user,
                asset=asset,
                answers=services.NominationAnswers(
                    group_kind=data["group_kind"],
                    reasons=data["reasons"],
                    group_contact=data["group_contact"],
                    group_name=data["group_name"],
                    organisation=organisation,
                    local_voters=data["local_voters"],
                    authorised=data["authorised"],
                ),
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(
                request,
                _(
                    "Nomination sent. The council will decide by %(day)s and "
                    "contact the group."
                )
                % {"day": day_text(nomination.decision_due_on)},
            )
            return redirect(asset.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Nominate %(name)s as an Asset of Community Value") % {"name": asset},
        intro=_(
            "A place listed as an Asset of Community Value cannot be sold without "
            "giving local groups time to make a bid. The council decides within "
            "8 weeks. If it is not listed, the nomination is shown on the public "
            "list with the reasons."
        ),
        back=asset.get_absolute_url(),
        button=_("Send the nomination"),
    )
