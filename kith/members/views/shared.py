"""Forms that members and coordinators share: editing a profile and inviting
a supporter.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.core.errors import ApplicationError
from kith.members import forms, selectors, services
from kith.members.models import Membership


def _profile_initial(membership: Membership) -> dict[str, Any]:
    return {
        "date_of_birth": membership.date_of_birth,
        "contact_by": membership.person.contact_by,
        "contact_times": membership.person.contact_times,
        "access_needs": membership.access_needs,
        "access_needs_notes": membership.access_needs_notes,
        "interests": [str(i.pk) for i in membership.interests.all()],
        "own_interests": membership.own_interests,
        "emergency_name": membership.emergency_name,
        "emergency_phone": membership.emergency_phone,
        "emergency_relationship": membership.emergency_relationship,
    }


def _profile_edit(
    request: AuthenticatedRequest, membership: Membership, back: str
) -> HttpResponse:
    form = forms.ProfileForm(
        request.POST or None,
        initial=_profile_initial(membership),
        interests=selectors.interests_for(locality=membership.locality),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        interest_ids = [int(i) for i in data.pop("interests")]
        contact_by = data.pop("contact_by")
        contact_times = data.pop("contact_times")
        if data.get("date_of_birth") is None:
            data.pop("date_of_birth")
        try:
            services.profile_update(
                actor=request.user,
                membership=membership,
                interest_ids=interest_ids,
                contact_by=contact_by,
                contact_times=contact_times,
                **data,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The details have been saved."))
            return redirect(back)
    return render(
        request,
        "members/profile_edit.html",
        {"form": form, "membership": membership, "back": back},
    )


def _invite(
    request: AuthenticatedRequest, membership: Membership, back: str
) -> HttpResponse:
    form = forms.SupporterInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        shares = set(form.cleaned_data["shares"])
        try:
            invitation = services.supporter_invite(
                actor=request.user,
                membership=membership,
                name=form.cleaned_data["name"],
                relationship=form.cleaned_data["relationship"],
                email=form.cleaned_data["email"],
                mobile=form.cleaned_data["mobile"],
                share_visits="share_visits" in shares,
                ask_for_help="ask_for_help" in shares,
                see_credits="see_credits" in shares,
                get_notifications="get_notifications" in shares,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("We have sent %(name)s an invitation. It works for 14 days.")
                % {"name": invitation.link.name},
            )
            return redirect(back)
    return render(
        request,
        "members/supporter_invite.html",
        {"form": form, "membership": membership, "back": back},
    )
