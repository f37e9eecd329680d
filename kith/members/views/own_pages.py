"""The member's own pages, and the pages of the people they support."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.core.errors import ApplicationError
from kith.members import forms, hooks, selectors, services
from kith.members.models import Consent, Membership
from kith.members.rules import pounds
from kith.members.views.shared import _invite, _profile_edit


@login_required
def my_membership(request: AuthenticatedRequest) -> HttpResponse:
    locality = request.locality
    membership = selectors.my_membership(actor=request.user, locality=locality)
    if membership is None:
        return render(request, "members/not_a_member.html")
    return render(
        request,
        "members/my_membership.html",
        {
            "membership": membership,
            "consents": selectors.current_consents(membership),
            "fee": pounds(membership.fee_pence),
        },
    )


def _own_membership(request: AuthenticatedRequest) -> Membership:
    membership = selectors.my_membership(actor=request.user, locality=request.locality)
    if membership is None:
        raise Http404
    return membership


@login_required
def my_consents(request: AuthenticatedRequest) -> HttpResponse:
    membership = _own_membership(request)
    current = selectors.current_consents(membership)
    initial = {
        "consent_introductions": "yes"
        if current.get("introductions") and current["introductions"].given
        else "no",
        "consent_photographs": "yes"
        if current.get("photographs") and current["photographs"].given
        else "no",
    }
    form = forms.OwnConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        for kind, name in (
            (Consent.Kind.INTRODUCTIONS, "consent_introductions"),
            (Consent.Kind.PHOTOGRAPHS, "consent_photographs"),
        ):
            given = form.cleaned_data[name] == "yes"
            if kind not in current or current[kind].given != given:
                services.consent_record(
                    actor=request.user,
                    membership=membership,
                    kind=kind,
                    given=given,
                    how=Consent.How.ONLINE
                    if not request.acting_for
                    else Consent.How.PHONE,
                )
        messages.success(request, _("Your answers have been saved."))
        return redirect("members:mine")
    return render(request, "members/my_consents.html", {"form": form})


@login_required
def my_profile(request: AuthenticatedRequest) -> HttpResponse:
    return _profile_edit(request, _own_membership(request), reverse("members:mine"))


@login_required
def my_supporter_invite(request: AuthenticatedRequest) -> HttpResponse:
    return _invite(request, _own_membership(request), reverse("members:mine"))


@login_required
@require_POST
def supporter_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    link = selectors.supporter_link_get_for_member(
        actor=request.user, locality=request.locality, pk=pk
    )
    try:
        services.supporter_end(actor=request.user, link=link)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s is no longer a supporter.") % {"name": link.name}
        )
    membership = link.membership
    if membership.person_id == request.user.pk:
        return redirect("members:mine")
    if link.supporter_id == request.user.pk:
        return redirect("members:supporting")
    return redirect("members:member", pk=membership.pk)


def supporter_accept(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        link = services.supporter_link_for_token(link_id=pk, token=token)
    except ApplicationError as error:
        return render(
            request,
            "members/supporter_accept_invalid.html",
            {"error": error},
            status=400,
        )
    if request.method == "POST" and request.user.is_authenticated:
        accept = request.POST.get("answer") == "accept"
        try:
            services.supporter_accept(
                user=request.user, link_id=pk, token=token, accept=accept
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        if accept:
            messages.success(
                request,
                _("You are now a supporter of %(name)s.")
                % {"name": link.membership.person.display_name},
            )
            return redirect("members:supporting")
        messages.info(request, _("You have said no. Nothing has been shared with you."))
        return redirect("core:home")
    return render(request, "members/supporter_accept.html", {"link": link})


@login_required
def supporting(request: AuthenticatedRequest) -> HttpResponse:
    links = selectors.supported_members_for(actor=request.user)
    return render(request, "members/supporting.html", {"links": links})


@login_required
def supporting_member(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    link = selectors.supporter_link_get_for(actor=request.user, pk=pk)
    context: dict[str, object] = {"link": link}
    for extras in hooks.supporting_page_extras.run(actor=request.user, link=link):
        context.update(extras)
    return render(request, "members/supporting_member.html", context)
