"""Work days and the time people gave."""

from datetime import time as time_of_day

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.projects import forms, selectors, services
from kith.projects.views.common import (
    _form_page,
    _organiser_project,
)


@login_required
def work_day_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    form = forms.WorkDayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hour, minute = (int(part) for part in data["start_time"].split(":"))
        try:
            services.work_day_add(
                actor=request.user,
                project=project,
                answers=services.WorkDayAnswers(
                    starts_on=data["starts_on"],
                    start_time=time_of_day(hour, minute),
                    minutes=data["minutes"],
                    places=data["places"],
                    description=data["description"],
                ),
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#volunteer")
    return _form_page(
        request,
        form,
        title=_("Add a work day"),
        caption=project.title,
        intro=_(
            "The work day goes in the activities calendar, where people sign "
            "up. If it fills up, they can join the waiting list."
        ),
        back=project.get_absolute_url(),
        button=_("Add the work day"),
    )


@login_required
def hours_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality, project = _organiser_project(request, uuid)
    people = selectors.volunteers_to_record(
        project=project, acting_for=getattr(request, "acting_for", None)
    )
    staff = has_perm(request.user, Perm.PROJECTS_ENTER, locality)
    form = forms.HoursForm(
        request.POST if request.method == "POST" else None,
        people=[(p.pk, p.full_name) for p in people],
        staff=staff,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next((p for p in people if p.pk == data["person"]), None)
        if person is None:
            raise Http404
        try:
            services.hours_record(
                actor=request.user,
                project=project,
                person=person,
                given_on=data["given_on"],
                minutes=int(data["hours"] * 60),
                on_paper=bool(data.get("on_paper")),
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#volunteer")
    return _form_page(
        request,
        form,
        title=_("Record time given"),
        caption=project.title,
        intro=_(
            "People who signed up for a work day are listed. To record someone "
            "else from a paper sheet, act for them first."
        ),
        back=project.get_absolute_url(),
        button=_("Record it"),
    )
