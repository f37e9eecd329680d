"""Updates with photos, and the "what we did" story."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.core.errors import ApplicationError
from kith.projects import forms, services
from kith.projects.views.common import (
    _form_page,
    _organiser_project,
)


@login_required
def update_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    posting = request.method == "POST"
    form = forms.UpdateForm(
        request.POST if posting else None, request.FILES if posting else None
    )
    if posting and form.is_valid():
        data = form.cleaned_data
        photos = (
            [services.PhotoUpload(data["photo"], data["photo_description"])]
            if data["photo"]
            else []
        )
        try:
            services.update_post(
                actor=request.user, project=project, words=data["words"], photos=photos
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#updates")
    return _form_page(
        request,
        form,
        title=_("Post an update"),
        caption=project.title,
        back=project.get_absolute_url(),
        button=_("Post it"),
        multipart=True,
    )


@login_required
def project_done(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    posting = request.method == "POST"
    form = forms.DoneForm(
        request.POST if posting else None, request.FILES if posting else None
    )
    if posting and form.is_valid():
        data = form.cleaned_data

        def photo(name: str) -> Any:
            if not data[name]:
                return None
            return services.PhotoUpload(data[name], data[f"{name}_description"])

        try:
            services.project_done(
                actor=request.user,
                project=project,
                story=data["story"],
                people_served=data["people_served"],
                done_on=data["done_on"],
                before=photo("before"),
                after=photo("after"),
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Tell the story: what we did"),
        caption=project.title,
        back=project.get_absolute_url(),
        button=_("Mark the project done"),
        multipart=True,
    )
