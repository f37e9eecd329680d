"""Social's home page, the calendar and an activity's pages."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm, roles_in
from kith.members.selectors import interests_for
from kith.places.selectors import wards_for
from kith.social import forms, selectors, services
from kith.social.models import Introduction
from kith.social.views.common import _for_whom, _locality


@login_required
def social_home(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    person = getattr(request, "acting_for", None) or request.user
    memberships = _for_whom(request)
    rows = [
        {
            "membership": membership,
            "sign_ups": list(
                selectors.sign_ups_for(actor=request.user, membership=membership)
            ),
        }
        for membership in memberships
    ]
    own = next((m for m in memberships if m.person_id == person.pk), None)
    waiting = []
    if own is not None:
        waiting = [
            view
            for view in selectors.introductions_for_member(
                actor=request.user,
                membership=own,
            )
            if view.status == Introduction.Status.ASKED and not view.my_answer
        ]
    return render(
        request,
        "social/home.html",
        {
            "rows": rows,
            "waiting": waiting,
            "own": own,
            "hosted": selectors.hosted_by(actor=request.user, locality=locality)[:20],
            "may_propose": has_perm(request.user, Perm.ACTIVITIES_PROPOSE, locality),
            "manages_activities": has_perm(
                request.user, Perm.ACTIVITIES_MANAGE, locality
            ),
            "manages_introductions": has_perm(
                request.user, Perm.INTRODUCTIONS_MANAGE, locality
            ),
        },
    )


def calendar(request: HttpRequest) -> HttpResponse:
    """This week and next, filtered by area, interest and access. Public."""
    locality = _locality(request)
    wards = wards_for(locality=locality)
    interests = interests_for(locality=locality)
    form = forms.CalendarFilterForm(
        request.GET or None, wards=wards, interests=interests
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "ward_id": form.cleaned_data.get("ward") or None,
            "interest_id": form.cleaned_data.get("interest") or None,
            "access": form.cleaned_data.get("access") or [],
        }
    start = selectors.week_start(timezone.localdate())
    found = list(selectors.calendar(locality=locality, start=start, **filters))
    for occurrence in found:
        occurrence.left = max(0, occurrence.activity.places - occurrence.booked)  # type: ignore[attr-defined]
    weeks = []
    for week in range(2):
        first = start + timedelta(days=7 * week)
        days = []
        for offset in range(7):
            day = first + timedelta(days=offset)
            items = [o for o in found if timezone.localtime(o.starts_at).date() == day]
            if items:
                days.append({"day": day, "items": items})
        weeks.append(
            {
                "title": _("This week") if week == 0 else _("Next week"),
                "first": first,
                "days": days,
            }
        )
    template = (
        "social/_calendar_weeks.html"
        if request.headers.get("HX-Request")
        else "social/calendar.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "weeks": weeks,
            "today": timezone.localdate(),
            "signed_in_here": bool(roles_in(request.user, locality)),
        },
    )


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    activity = selectors.activity_get_for(actor=request.user, locality=locality, pk=pk)
    return render(
        request,
        "social/activity.html",
        {
            "activity": activity,
            "occurrences": list(selectors.occurrences_of(activity=activity)[:26]),
            "cost": services.cost_text(activity),
            "may_run": services.may_run(request.user, activity),
            "manages": has_perm(request.user, Perm.ACTIVITIES_MANAGE, locality),
            "signed_in_here": bool(roles_in(request.user, locality)),
        },
    )


def occurrence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    occurrence = selectors.occurrence_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    activity = occurrence.activity
    people = None
    if services.may_run(request.user, activity):
        people = list(selectors.people_at(actor=request.user, occurrence=occurrence))  # type: ignore[arg-type]
    mine = []
    for_whom = _for_whom(request) if request.user.is_authenticated else []
    if for_whom:
        ids = [m.person_id for m in for_whom]
        mine = selectors.live_sign_ups_of(occurrence=occurrence, person_ids=ids)
    return render(
        request,
        "social/occurrence.html",
        {
            "occurrence": occurrence,
            "activity": activity,
            "cost": services.cost_text(activity),
            "people": people,
            "mine": mine,
            "started": occurrence.starts_at <= timezone.now(),
            "signed_in_here": bool(roles_in(request.user, locality)),
            # The button shows only to those who may sign someone up; a
            # coordinator is told how to act for the member first.
            "may_sign_up": bool(for_whom),
            "acts_for_members": has_perm(request.user, Perm.ACT_ON_BEHALF, locality),
        },
    )
