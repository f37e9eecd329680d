"""Coordinators' pages for membership plans and interests."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.members import forms, selectors, services
from kith.members.rules import pounds


@login_required
def plans(request: AuthenticatedRequest) -> HttpResponse:
    locality = request.locality
    found = selectors.membership_plans_for(actor=request.user, locality=locality)
    interest_form = forms.InterestAddForm(request.POST or None)
    if request.method == "POST" and interest_form.is_valid():
        try:
            services.interest_add(
                actor=request.user,
                locality=locality,
                name=interest_form.cleaned_data["name"],
            )
        except ApplicationError as error:
            interest_form.add_application_error(error)
        else:
            messages.success(request, _("Interest added."))
            return redirect("members:plans")
    return render(
        request,
        "members/plans.html",
        {
            "plans": found,
            "interests": selectors.interests_for(locality=locality),
            "form": interest_form,
            "pounds": pounds,
            # Back to the members list only for those who may open it (an
            # administrator keeps plans but not members' records).
            "sees_members": has_perm(request.user, Perm.MEMBERS_MANAGE, locality),
        },
    )


@login_required
def plan_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    locality = request.locality
    found = selectors.membership_plans_for(actor=request.user, locality=locality)
    plan = None
    if pk is not None:
        plan = found.filter(pk=pk).first()
        if plan is None:
            raise Http404
    initial: dict[str, Any] = {"is_open": True, "minimum_age": 50, "joining_credits": 0}
    if plan:
        initial = {
            "name": plan.name,
            "description": plan.description,
            "yearly_fee": plan.yearly_fee_pence / 100,
            "concession_fee": plan.concession_fee_pence / 100,
            "minimum_age": plan.minimum_age,
            "joining_credits": plan.joining_credits,
            "is_open": plan.is_open,
        }
    form = forms.PlanFormAdmin(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_save(
                actor=request.user,
                locality=locality,
                plan=plan,
                name=data["name"],
                description=data["description"],
                yearly_fee_pence=int(data["yearly_fee"] * 100),
                concession_fee_pence=int(data["concession_fee"] * 100),
                minimum_age=data["minimum_age"],
                joining_credits=data["joining_credits"],
                is_open=data["is_open"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The plan has been saved."))
            return redirect("members:plans")
    return render(request, "members/plan_edit.html", {"form": form, "plan": plan})
