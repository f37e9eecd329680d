"""Staff pages about people: the list, a person's record, their roles,
resetting their authenticator, sending a sign-in code, and acting for them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts import forms, selectors, services
from kith.accounts.http import AuthenticatedRequest
from kith.accounts.models import STAFF_ROLES, Role, User
from kith.accounts.permissions import (
    Perm,
    forget_roles,
    has_perm,
    require_perm,
)
from kith.accounts.selectors import people_search_for, person_get_for
from kith.accounts.views.own_account import _contact_initial
from kith.core.errors import ApplicationError
from kith.core.middleware import ACTING_FOR_SESSION_KEY


@login_required
def people(request: AuthenticatedRequest) -> HttpResponse:
    locality = request.locality
    require_perm(request.user, Perm.PEOPLE_VIEW, locality)
    form = forms.PeopleSearchForm(request.GET or None)
    query, role = "", ""
    if form.is_bound and form.is_valid():
        query, role = form.cleaned_data["q"], form.cleaned_data["role"]
    found = people_search_for(
        actor=request.user, locality=locality, query=query, role=role
    )
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    template = (
        "accounts/_people_rows.html"
        if request.headers.get("HX-Request")
        else "accounts/people.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "searched": bool(query or role),
            "can_create": has_perm(request.user, Perm.PEOPLE_CREATE, locality),
        },
    )


@login_required
def person_create(request: AuthenticatedRequest) -> HttpResponse:
    locality = request.locality
    require_perm(request.user, Perm.PEOPLE_CREATE, locality)
    allowed = [r for r in Role.values if r not in STAFF_ROLES]
    if has_perm(request.user, Perm.ROLES_MANAGE, locality):
        allowed = list(Role.values)
    form = forms.PersonCreateForm(request.POST or None, roles=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.user, locality=locality, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, _("%(name)s has been added.") % {"name": person.full_name}
            )
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person_create.html", {"form": form})


@login_required
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = request.locality
    if pk == request.user.pk:
        return redirect("accounts:your_details")
    person = person_get_for(actor=request.user, locality=locality, pk=pk)
    can_roles = has_perm(request.user, Perm.ROLES_MANAGE, locality)
    return render(
        request,
        "accounts/person.html",
        {
            "person": person,
            "roles_here": person.roles_here,  # type: ignore[attr-defined]
            "can_act": selectors.can_act_for(
                actor=request.user, person=person, locality=locality
            ),
            "can_edit": has_perm(request.user, Perm.PEOPLE_EDIT, locality),
            "can_roles": can_roles,
            "role_form": forms.RoleForm() if can_roles else None,
            "has_authenticator": selectors.has_authenticator(user=person),
        },
    )


@login_required
def person_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = request.locality
    require_perm(request.user, Perm.PEOPLE_EDIT, locality)
    person = person_get_for(actor=request.user, locality=locality, pk=pk)
    form = forms.ContactDetailsForm(
        request.POST or None, initial=_contact_initial(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_contact_update(
                actor=request.user,
                person=person,
                locality=locality,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The details have been saved."))
            return redirect("accounts:person", pk=person.pk)
    return render(
        request,
        "accounts/contact_edit.html",
        {"form": form, "person": person, "own": False},
    )


def _person_in_locality(request: AuthenticatedRequest, pk: int) -> User:
    return selectors.person_in_locality(locality=request.locality, pk=pk)


@login_required
@require_POST
def role_change(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    locality = request.locality
    require_perm(request.user, Perm.ROLES_MANAGE, locality)
    person = _person_in_locality(request, pk)
    form = forms.RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("accounts:person", pk=pk)
    role = form.cleaned_data["role"]
    try:
        if action == "grant":
            services.role_grant(
                actor=request.user, user=person, locality=locality, role=role
            )
            messages.success(request, _("Role added."))
        else:
            services.role_revoke(
                actor=request.user, user=person, locality=locality, role=role
            )
            messages.success(request, _("Role removed."))
    except ApplicationError as error:
        messages.error(request, error.message)
    forget_roles(request.user)
    if not selectors.holds_role_in(person=person, locality=locality):
        return redirect("accounts:people")
    return redirect("accounts:person", pk=pk)


@login_required
@require_POST
def authenticator_reset(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = request.locality
    person = _person_in_locality(request, pk)
    services.authenticator_reset(actor=request.user, user=person, locality=locality)
    messages.success(
        request,
        _(
            "Their authenticator app has been reset. They will set up a new one when "
            "they next sign in."
        ),
    )
    return redirect("accounts:person", pk=pk)


@login_required
@require_POST
def sign_in_code_send_for(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A coordinator, on the phone to someone, sends them a new sign-in code.
    The code goes only to the person; the page never shows it."""
    locality = request.locality
    require_perm(request.user, Perm.PEOPLE_EDIT, locality)
    person = _person_in_locality(request, pk)
    try:
        channel = services.signin_code_send_for(
            actor=request.user,
            person=person,
            locality=locality,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        how = _("by text message") if channel == "sms" else _("by email")
        messages.success(
            request,
            _(
                "We have sent %(name)s a new sign-in code %(how)s. It works for 10 "
                "minutes. Only they can see it: ask them to choose ‘Sign in with a "
                "code’, then ‘I already have a code’, and type it in."
            )
            % {"name": person.display_name, "how": how},
        )
    return redirect("accounts:person", pk=pk)


@login_required
@require_POST
def acting_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = request.locality
    person = _person_in_locality(request, pk)
    services.acting_start(actor=request.user, person=person, locality=locality)
    request.session[ACTING_FOR_SESSION_KEY] = person.pk
    return redirect("core:home")


@login_required
@require_POST
def acting_stop(request: AuthenticatedRequest) -> HttpResponse:
    person_id = request.session.pop(ACTING_FOR_SESSION_KEY, None)
    person = selectors.user_by_id(pk=person_id) if person_id else None
    if person is not None:
        services.acting_stop(
            actor=request.user, person=person, locality=request.locality
        )
        messages.info(
            request,
            _("You have stopped acting for %(name)s.") % {"name": person.full_name},
        )
        if has_perm(request.user, Perm.PEOPLE_VIEW, request.locality):
            return redirect("accounts:person", pk=person.pk)
    return redirect("core:home")
