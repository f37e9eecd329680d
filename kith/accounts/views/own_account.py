"""A person's own account: their security page with the places they are
signed in, their contact details, and choosing a locality."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kith.accounts import forms, selectors, services
from kith.accounts.http import AuthenticatedRequest
from kith.accounts.models import User
from kith.accounts.selectors import person_get_for
from kith.accounts.views.signing_in import PENDING_NEXT, RECOVERY_CODES
from kith.core.errors import ApplicationError
from kith.core.middleware import ACTING_FOR_SESSION_KEY, LOCALITY_SESSION_KEY


@login_required
def security(request: AuthenticatedRequest) -> HttpResponse:
    user: User = request.user
    authenticator = selectors.authenticator_confirmed_of(user=user)
    unused = selectors.recovery_codes_unused_count(user=user) if authenticator else 0
    if request.method == "POST" and authenticator:
        try:
            codes = services.recovery_codes_regenerate(actor=user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            request.session[RECOVERY_CODES] = codes
            request.session[PENDING_NEXT] = reverse("accounts:security")
            return redirect("accounts:recovery_codes")
    return render(
        request,
        "accounts/security.html",
        {
            "authenticator": authenticator,
            "unused_codes": unused,
            "sessions": services.sessions_of(user=user),
            "current_key": request.session.session_key,
        },
    )


@login_required
@require_POST
def session_end(request: AuthenticatedRequest) -> HttpResponse:
    """Sign another browser out: one of the person's sessions, or all the
    others."""
    current_key = request.session.session_key
    if request.POST.get("all") == "others":
        ended = services.sessions_end_others(
            actor=request.user, current_key=current_key
        )
        messages.success(
            request,
            ngettext(
                "%(count)d other session was signed out.",
                "%(count)d other sessions were signed out.",
                ended,
            )
            % {"count": ended},
        )
        return redirect("accounts:security")
    try:
        pk = int(request.POST.get("session", ""))
    except ValueError:
        messages.error(request, _("Choose a session to sign out."))
        return redirect("accounts:security")
    try:
        services.session_end(actor=request.user, pk=pk, current_key=current_key)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("That session was signed out."))
    return redirect("accounts:security")


def _contact_initial(person: User) -> dict[str, Any]:
    from kith.accounts.phones import phone_display

    initial = {name: getattr(person, name) or "" for name in services.CONTACT_FIELDS}
    initial["mobile"] = phone_display(person.mobile or "")
    initial["phone"] = phone_display(person.phone)
    return initial


@login_required
def your_details(request: AuthenticatedRequest) -> HttpResponse:
    person = person_get_for(
        actor=request.user, locality=request.locality, pk=request.user.pk
    )
    return render(request, "accounts/your_details.html", {"person": person})


@login_required
def your_details_edit(request: AuthenticatedRequest) -> HttpResponse:
    user: User = request.user
    form = forms.ContactDetailsForm(
        request.POST or None, initial=_contact_initial(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_contact_update(
                actor=user,
                person=user,
                locality=request.locality,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Your details have been saved."))
            return redirect("accounts:your_details")
    return render(
        request,
        "accounts/contact_edit.html",
        {"form": form, "person": user, "own": True},
    )


@login_required
def choose_locality(request: AuthenticatedRequest) -> HttpResponse:
    localities = selectors.localities_held_by(user=request.user)
    form = forms.LocalityChoiceForm(request.POST or None, localities=localities)
    if request.method == "POST" and form.is_valid():
        request.session[LOCALITY_SESSION_KEY] = form.cleaned_data["locality"]
        request.session.pop(ACTING_FOR_SESSION_KEY, None)
        return redirect("core:home")
    return render(request, "accounts/choose_locality.html", {"form": form})
