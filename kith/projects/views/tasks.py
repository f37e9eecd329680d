"""Volunteer tasks: adding one, taking one on, stepping back, marking done."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm
from kith.core.errors import ApplicationError
from kith.projects import forms, selectors, services
from kith.projects.models import Project, VolunteerTask
from kith.projects.views.common import _form_page, _organiser_project, _require


@login_required
def task_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    form = forms.TaskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_add(actor=request.user, project=project, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#tasks")
    return _form_page(
        request,
        form,
        title=_("Add a task"),
        caption=project.title,
        intro=_(
            "Something the project needs doing that people can take on, such as "
            "watering in the holidays or keeping the tool shed tidy."
        ),
        back=project.get_absolute_url() + "#tasks",
        button=_("Add the task"),
    )


def _task(request: AuthenticatedRequest, uuid: str, task: str) -> Any:
    locality = _require(request, Perm.PROJECTS_PROPOSE)
    project: Project = selectors.project_get(
        actor=request.user, locality=locality, uuid=uuid
    )
    found: VolunteerTask | None = next(
        (t for t in project.tasks.all() if str(t.uuid) == str(task)), None
    )
    if found is None:
        raise Http404
    return project, found


@login_required
@require_POST
def task_take_on(request: AuthenticatedRequest, uuid: str, task: str) -> HttpResponse:
    project, found = _task(request, uuid, task)
    try:
        services.task_take_on(
            actor=request.user,
            task=found,
            person=getattr(request, "acting_for", None),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Thank you for taking on: %(task)s.") % {"task": found.title}
        )
    return redirect(project.get_absolute_url() + "#tasks")


@login_required
@require_POST
def task_step_back(request: AuthenticatedRequest, uuid: str, task: str) -> HttpResponse:
    project, found = _task(request, uuid, task)
    services.task_step_back(
        actor=request.user, task=found, person=getattr(request, "acting_for", None)
    )
    messages.success(
        request, _("You have stepped back from: %(task)s.") % {"task": found.title}
    )
    return redirect(project.get_absolute_url() + "#tasks")


@login_required
@require_POST
def task_done(request: AuthenticatedRequest, uuid: str, task: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    found = project.tasks.filter(uuid=task).first()
    if found is None:
        raise Http404
    services.task_done(actor=request.user, task=found)
    return redirect(project.get_absolute_url() + "#tasks")
