"""Signing up for an activity, a place, giving it up, and attendance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.social import forms, selectors, services
from kith.social.models import SignUp
from kith.social.views.common import _for_whom, _locality


@login_required
def sign_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    occurrence = selectors.occurrence_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    memberships = _for_whom(request)
    if not memberships:
        return render(
            request,
            "social/cannot_sign_up.html",
            {"coordinator": has_perm(request.user, Perm.ACT_ON_BEHALF, locality)},
            status=403,
        )
    form = forms.SignUpForm(
        request.POST if request.method == "POST" else None, memberships=memberships
    )
    full = None
    if request.method == "POST" and form.is_valid():
        chosen = next(
            (m for m in memberships if m.pk == form.cleaned_data["membership"]), None
        )
        if chosen is None:
            raise Http404
        try:
            made = services.sign_up_create(
                actor=request.user,
                occurrence=occurrence,
                membership=chosen,
                needs_lift=form.cleaned_data["needs_lift"],
                waiting_list=request.POST.get("waiting_list") == "yes",
            )
        except services.Full as exc:
            full = exc
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect("social:place", pk=made.pk)
    return render(
        request,
        "social/sign_up.html",
        {
            "form": form,
            "occurrence": occurrence,
            "activity": occurrence.activity,
            "cost": services.cost_text(occurrence.activity),
            "full": full,
            "only": memberships[0] if len(memberships) == 1 else None,
        },
    )


@login_required
def place(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Confirmation of a place (or a waiting-list place)."""
    sign_up = selectors.sign_up_get_for(
        actor=request.user,
        locality=_locality(request),
        pk=pk,
    )
    position = None
    if sign_up.status == SignUp.Status.WAITING:
        position = selectors.waiting_position(sign_up=sign_up)
    return render(
        request,
        "social/place.html",
        {"sign_up": sign_up, "occurrence": sign_up.occurrence, "position": position},
    )


@login_required
def place_give_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sign_up = selectors.sign_up_get_for(
        actor=request.user,
        locality=_locality(request),
        pk=pk,
    )
    error = None
    if request.method == "POST":
        try:
            services.sign_up_cancel(actor=request.user, sign_up=sign_up)
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Done. %(name)s is no longer going.")
                % {"name": sign_up.person.display_name},
            )
            return redirect("social:occurrence", pk=sign_up.occurrence_id)
    return render(request, "social/give_up.html", {"sign_up": sign_up, "error": error})


@login_required
def attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    occurrence = selectors.occurrence_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    booked = [
        s
        for s in selectors.people_at(actor=request.user, occurrence=occurrence)
        if s.status == SignUp.Status.BOOKED
    ]
    initial = {"came": [s.pk for s in booked if s.attended]}
    form = forms.AttendanceForm(
        request.POST if request.method == "POST" else None,
        sign_ups=booked,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                actor=request.user,
                occurrence=occurrence,
                came=set(form.cleaned_data["came"]),
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Thank you. Who came has been recorded."))
            return redirect("social:occurrence", pk=occurrence.pk)
    return render(
        request,
        "social/form_page.html",
        {
            "form": form,
            "title": _("Who came to %(title)s?") % {"title": occurrence.activity.title},
            "caption": timezone.localtime(occurrence.starts_at),
            "button": _("Save"),
            "back": reverse("social:occurrence", args=[occurrence.pk]),
        },
    )
