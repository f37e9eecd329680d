"""Changing a helper's profile: skills, travel and pay, home address,
weekly times and time away. A helper changes their own; a coordinator
anyone's in the locality."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.core.errors import ApplicationError
from kith.helpers import forms, selectors, services
from kith.helpers.views.common import (
    _back_to,
    _posted,
    _profile_for_edit,
    _saved,
    _today,
)


def _profile_form_page(
    request: AuthenticatedRequest,
    pk: int | None,
    profile: Any,
    form: Any,
    save: Callable[[], object],
    *,
    title: str,
    intro: str = "",
) -> HttpResponse:
    """One page of the profile: on a valid answer ``save`` (a service),
    then back to the profile; otherwise the form, with the service's refusal
    on it."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            _saved(request, pk is None)
            return redirect(_back_to(profile, pk))
    return render(
        request,
        "helpers/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "back": _back_to(profile, pk),
            "title": title,
            "intro": intro,
            "own": pk is None,
        },
    )


@login_required
def profile_skills(
    request: AuthenticatedRequest, pk: int | None = None
) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    held = selectors.skill_levels_of(profile=profile)
    offered = selectors.skills_for(locality=profile.locality, include_retired=True)
    shown = [skill for skill in offered if not skill.retired or skill.pk in held]
    form = forms.ProfileSkillsForm(
        _posted(request),
        skills=shown,
        initial={f"level_{k}": v for k, v in held.items()},
    )
    return _profile_form_page(
        request,
        pk,
        profile,
        form,
        lambda: services.helper_skills_set(
            actor=request.user, profile=profile, levels=form.levels()
        ),
        title=_("What you can help with")
        if pk is None
        else _("What they can help with"),
        intro=_("For each, choose how much experience there is, or “Not offered”."),
    )


@login_required
def profile_details(
    request: AuthenticatedRequest, pk: int | None = None
) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.DetailsForm(
        _posted(request),
        initial={
            "travel_distance_m": profile.travel_distance_m,
            "travel_modes": profile.travel_modes,
            "max_visits_per_week": profile.max_visits_per_week,
            "pay_basis": profile.pay_basis,
        },
    )
    return _profile_form_page(
        request,
        pk,
        profile,
        form,
        lambda: services.helper_details_update(
            actor=request.user, profile=profile, **form.cleaned_data
        ),
        title=_("Travel, visits and pay"),
    )


@login_required
def profile_address(
    request: AuthenticatedRequest, pk: int | None = None
) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    person = profile.user
    form = forms.AddressForm(
        _posted(request),
        locality=profile.locality,
        initial={
            "address_line_1": person.address_line_1,
            "address_line_2": person.address_line_2,
            "town": person.town,
            "postcode": person.postcode,
        },
    )
    return _profile_form_page(
        request,
        pk,
        profile,
        form,
        lambda: services.helper_address_change(
            actor=request.user, profile=profile, **form.cleaned_data
        ),
        title=_("Home address"),
        intro=_("We look for people to help near this address."),
    )


@login_required
def profile_availability(
    request: AuthenticatedRequest, pk: int | None = None
) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.SlotForm(_posted(request))
    if request.method == "POST":
        if request.POST.get("remove"):
            slot_id = request.POST["remove"]
            services.availability_slot_remove(
                actor=request.user,
                profile=profile,
                slot_id=int(slot_id) if slot_id.isdigit() else 0,
            )
            _saved(request, pk is None)
            return redirect(request.path)
        if form.is_valid():
            starts_at, ends_at = form.times()
            try:
                services.availability_slot_add(
                    actor=request.user,
                    profile=profile,
                    weekday=form.cleaned_data["weekday"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                _saved(request, pk is None)
                return redirect(request.path)
    return render(
        request,
        "helpers/availability.html",
        {
            "form": form,
            "profile": profile,
            "slots": selectors.availability_slots_of(profile=profile),
            "back": _back_to(profile, pk),
            "own": pk is None,
        },
    )


@login_required
def profile_time_away(
    request: AuthenticatedRequest, pk: int | None = None
) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.TimeAwayForm(_posted(request))
    if request.method == "POST":
        if request.POST.get("remove"):
            away_id = request.POST["remove"]
            services.availability_exception_remove(
                actor=request.user,
                profile=profile,
                exception_id=int(away_id) if away_id.isdigit() else 0,
            )
            _saved(request, pk is None)
            return redirect(request.path)
        if form.is_valid():
            try:
                services.availability_exception_add(
                    actor=request.user, profile=profile, **form.cleaned_data
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                _saved(request, pk is None)
                return redirect(request.path)
    return render(
        request,
        "helpers/time_away.html",
        {
            "form": form,
            "profile": profile,
            "time_away": selectors.time_away_of(profile=profile, today=_today()),
            "back": _back_to(profile, pk),
            "own": pk is None,
        },
    )
