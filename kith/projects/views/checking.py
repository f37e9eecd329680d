"""A council officer's check of a proposed project."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm
from kith.core.errors import ApplicationError
from kith.projects import forms, selectors, services
from kith.projects.views.common import (
    _form_page,
    _require,
)


@login_required
def to_check(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require(request, Perm.PROJECTS_CHECK)
    return render(
        request,
        "projects/to_check.html",
        {
            "projects": selectors.projects_to_check(
                actor=request.user, locality=locality
            )
        },
    )


@login_required
def project_check(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality = _require(request, Perm.PROJECTS_CHECK)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    form = forms.CheckForm(
        request.POST if request.method == "POST" else None,
        initial={
            "quotes_checked": project.quotes_checked,
            "owner_permission": project.owner_permission,
            "safeguarding_checked": project.safeguarding_checked,
            "insurance_checked": project.insurance_checked,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_check(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Check %(title)s") % {"title": project},
        caption=_(
            "Involves children or adults at risk: %(answer)s. Quotes attached: "
            "%(quotes)s."
        )
        % {
            "answer": _("yes") if project.involves_people_at_risk else _("no"),
            "quotes": len(project.quotes.all()),
        },
        back=project.get_absolute_url(),
        button=_("Save the check"),
    )
