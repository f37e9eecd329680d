"""The member's own pages, and the pages of the people they support."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.middleware import session_begin
from kith.accounts.services import (
    signin_attempt_record,
    signin_record,
    signin_throttle_check,
)
from kith.core.errors import ApplicationError
from kith.core.middleware import client_ip
from kith.members import forms, hooks, selectors, services
from kith.members.models import Consent, Membership, SupporterLink
from kith.members.rules import pounds
from kith.members.views.shared import _invite, _profile_edit

#: How a person is signed in once their account is made (accounts' backend).
SIGN_IN_BACKEND = "kith.accounts.backends.EmailBackend"


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


def _invalid_invitation(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return render(
        request, "members/supporter_accept_invalid.html", {"error": error}, status=400
    )


def _contact_hint(link: SupporterLink) -> str:
    """Where the code will go, said so the person recognises it without the
    page showing the whole address to whoever has the link."""
    if link.email:
        name, _at, domain = link.email.partition("@")
        return f"{name[:1]}•••@{domain}"
    return _("the mobile number ending %(end)s") % {"end": link.mobile[-3:]}


#: The code sent for an invitation, kept in the visitor's session.
INVITE_CODE = "kith_supporter_code"


def supporter_accept(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        link = services.supporter_link_for_token(link_id=pk, token=token)
    except ApplicationError as invalid:
        return _invalid_invitation(request, invalid)
    if request.method == "POST" and request.user.is_authenticated:
        accept = request.POST.get("answer") == "accept"
        try:
            services.supporter_accept(
                user=request.user,
                link_id=pk,
                token=token,
                accept=accept,
            )
        except ApplicationError as refused:
            messages.error(request, refused.message)
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
    has_account = services.supporter_invitation_has_account(link)
    error: ApplicationError | None = None
    if (
        request.method == "POST"
        and request.POST.get("answer") == "send_code"
        and not has_account
    ):
        try:
            signin_throttle_check(
                identifier=link.email or link.mobile, ip_address=client_ip(request)
            )
            sent = services.supporter_invitation_code_send(link_id=pk, token=token)
        except ApplicationError as failed:
            error = failed
        else:
            request.session[INVITE_CODE] = {"link": link.pk, "code": sent.pk}
            return redirect("members:supporter_accept_code", pk=pk, token=token)
    return render(
        request,
        "members/supporter_accept.html",
        {
            "link": link,
            "has_account": has_account,
            "contact_hint": _contact_hint(link),
            "error": error,
        },
    )


@sensitive_post_parameters("code")
def supporter_accept_code(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Enter the code sent to the invitation's address, then say yes (making
    the account) or no. Only for someone signed out with no account."""
    try:
        link = services.supporter_link_for_token(link_id=pk, token=token)
    except ApplicationError as error:
        return _invalid_invitation(request, error)
    kept = request.session.get(INVITE_CODE) or {}
    if request.user.is_authenticated or kept.get("link") != link.pk:
        return redirect("members:supporter_accept", pk=pk, token=token)
    form = forms.SupporterCodeForm(
        request.POST or None, initial={"full_name": link.name}
    )
    dead = False
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("answer") != "decline"
        identifier = link.email or link.mobile
        ip = client_ip(request)
        try:
            signin_throttle_check(identifier=identifier, ip_address=ip, slow_down=False)
            link = services.supporter_accept_with_code(
                link_id=pk,
                token=token,
                code_id=kept["code"],
                code=form.cleaned_data["code"],
                accept=accept,
                full_name=form.cleaned_data["full_name"],
            )
        except ApplicationError as error:
            if error.code in {"wrong", "dead"}:
                signin_attempt_record(
                    identifier=identifier, ip_address=ip, succeeded=False
                )
            dead = error.code in {"dead", "expired", "used"}
            form.add_application_error(error)
        else:
            signin_attempt_record(identifier=identifier, ip_address=ip, succeeded=True)
            request.session.pop(INVITE_CODE, None)
            if link.supporter is None:
                messages.info(
                    request, _("You have said no. Nothing has been shared with you.")
                )
                return redirect("core:home")
            login(request, link.supporter, backend=SIGN_IN_BACKEND)
            session_begin(request, link.supporter)
            signin_record(user=link.supporter, method="code")
            messages.success(
                request,
                _("You are now a supporter of %(name)s.")
                % {"name": link.membership.person.display_name},
            )
            return redirect("members:supporting")
    return render(
        request,
        "members/supporter_accept_code.html",
        {
            "form": form,
            "link": link,
            "contact_hint": _contact_hint(link),
            "dead": dead,
            "accept_url": reverse("members:supporter_accept", args=[pk, token]),
        },
    )


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
