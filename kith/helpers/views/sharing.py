"""Sharing helpers with a neighbouring locality: the page where a
locality's coordinators or administrators agree and withdraw (ADR 0042)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.helpers import forms, services, sharing
from kith.helpers.views.common import _locality


@login_required
def sharing_page(request: AuthenticatedRequest) -> HttpResponse:
    """The localities this one shares helpers with, and agreeing to a new
    one. A POST with ``withdraw`` stops sharing with one."""
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_SHARE, locality)
    partners = sharing.sharing_partner_choices(locality=locality)
    posted = request.POST if request.method == "POST" else None
    agree = forms.SharingAgreeForm(
        posted if posted is not None and "withdraw" not in posted else None,
        partners=partners,
    )
    if posted is not None and "withdraw" in posted:
        chosen = forms.SharingWithdrawForm(posted)
        partner = (
            sharing.sharing_partner_get(
                locality=locality, pk=chosen.cleaned_data["partner"]
            )
            if chosen.is_valid()
            else None
        )
        try:
            services.sharing_withdraw(
                actor=request.user, locality=locality, partner=partner
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            assert partner is not None  # noqa: S101 - the service refuses None
            messages.success(
                request,
                _(
                    "You have stopped sharing helpers with %(name)s. No new visit "
                    "will be offered either way; visits already arranged stand."
                )
                % {"name": partner.name},
            )
        return redirect("helpers:sharing")
    if posted is not None and agree.is_valid():
        partner = sharing.sharing_partner_get(
            locality=locality, pk=agree.cleaned_data["partner"]
        )
        try:
            agreement = services.sharing_agree(
                actor=request.user,
                locality=locality,
                partner=partner,
                max_distance_m=agree.cleaned_data["max_distance_m"],
            )
        except ApplicationError as error:
            agree.add_application_error(error)
        else:
            on = sharing.sharing_on(locality=locality, other=agreement.partner)
            messages.success(
                request,
                _("Helpers are now shared with %(name)s.")
                % {"name": agreement.partner.name}
                if on is not None
                else _(
                    "Your agreement is saved. Sharing starts when %(name)s agrees too."
                )
                % {"name": agreement.partner.name},
            )
            return redirect("helpers:sharing")
    return render(
        request,
        "helpers/sharing.html",
        {
            "form": agree,
            "rows": sharing.sharing_rows_for(actor=request.user, locality=locality),
            "history": sharing.sharing_history_for(
                actor=request.user, locality=locality
            ),
            "has_partners": partners.exists(),
        },
    )
