"""The locality's list of skills, kept by coordinators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.helpers import forms, selectors, services
from kith.helpers.views.common import _locality, _posted


@login_required
def skills_list(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    form = forms.SkillForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.skill_add(
                actor=request.user, locality=locality, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, _("“%(name)s” is on the list.") % {"name": skill.name}
            )
            return redirect("helpers:skills_list")
    return render(
        request,
        "helpers/skills.html",
        {
            "form": form,
            "skills": selectors.skills_with_counts_for(
                actor=request.user, locality=locality
            ),
        },
    )


@login_required
def skill_edit(request: AuthenticatedRequest, skill_pk: int) -> HttpResponse:
    locality = _locality(request)
    skill = selectors.skill_get_for(actor=request.user, locality=locality, pk=skill_pk)
    form = forms.SkillEditForm(
        _posted(request),
        initial={
            "name": skill.name,
            "description": skill.description,
            "retired": skill.retired,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.skill_update(actor=request.user, skill=skill, **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The skill has been changed."))
            return redirect("helpers:skills_list")
    return render(request, "helpers/skill_edit.html", {"form": form, "skill": skill})
