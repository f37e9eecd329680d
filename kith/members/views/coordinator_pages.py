"""Coordinators' pages: the list of members and each member's record."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, require_perm
from kith.accounts.selectors import can_act_for
from kith.core.csv import csv_response
from kith.core.errors import ApplicationError
from kith.core.pagination import page_of
from kith.members import forms, hooks, selectors, services
from kith.members.models import Membership
from kith.members.rules import pounds
from kith.members.views.shared import _invite, _profile_edit
from kith.places.selectors import wards_for


@login_required
def member_list(request: AuthenticatedRequest) -> HttpResponseBase:
    locality = request.locality
    require_perm(request.user, Perm.MEMBERS_MANAGE, locality)
    plans = selectors.plans_for(locality=locality)
    wards = wards_for(locality=locality)
    form = forms.MembersFilterForm(request.GET or None, plans=plans, wards=wards)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "status": data["status"],
            "plan_id": data["plan"],
            "ward_id": data["ward"],
            "renewal_due": data["renewal_due"],
            "duplicates": data["duplicates"],
        }
    members = selectors.members_list_for(
        actor=request.user, locality=locality, **filters
    )
    if request.GET.get("format") == "csv":
        rows = selectors.members_export_rows(
            actor=request.user, locality=locality, members=members
        )
        stamp = timezone.localdate().isoformat()
        return csv_response(rows, filename=f"members-{stamp}.csv")
    page = page_of(members, request.GET.get("page"))
    flagged = selectors.open_duplicate_ids(memberships=list(page.object_list))
    for membership in page.object_list:
        membership.has_open_duplicate = membership.pk in flagged
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "members/_member_rows.html"
        if request.headers.get("HX-Request")
        else "members/member_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(filters),
        },
    )


def _coordinator_membership(request: AuthenticatedRequest, pk: int) -> Membership:
    require_perm(request.user, Perm.MEMBERS_MANAGE, request.locality)
    return selectors.membership_get_for(
        actor=request.user, locality=request.locality, pk=pk
    )


@login_required
def member_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    return render(
        request,
        "members/member.html",
        {
            "membership": membership,
            "consents": selectors.current_consents(membership),
            "note_form": forms.NoteForm(),
            "fee": pounds(membership.fee_pence),
            "can_act": can_act_for(
                actor=request.user, person=membership.person, locality=request.locality
            ),
            "history": selectors.record_history(
                actor=request.user, membership=membership
            ),
            "open_duplicates": selectors.duplicates_open_for_member(
                actor=request.user, membership=membership
            ),
            "sections": [
                section
                for section in hooks.member_page_sections.run(
                    actor=request.user, membership=membership
                )
                if section
            ],
        },
    )


@login_required
def member_fee(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    if action not in ("activate", "renew"):
        raise Http404
    form = forms.FeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = (
            services.membership_activate
            if action == "activate"
            else services.membership_renew
        )
        try:
            service(actor=request.user, membership=membership, **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, _("The fee has been recorded and the membership is active.")
            )
            return redirect("members:member", pk=pk)
    return render(
        request,
        "members/member_fee.html",
        {
            "form": form,
            "membership": membership,
            "action": action,
            "fee": pounds(membership.fee_pence),
        },
    )


@login_required
def member_leave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    others = selectors.members_to_give_credits_to(
        actor=request.user, membership=membership
    )
    form = forms.LeaveForm(request.POST or None, members=others)
    if request.method == "POST" and form.is_valid():
        target = (
            others.filter(pk=form.cleaned_data["credits_to"]).first()
            if form.cleaned_data["credits_to"]
            else None
        )
        try:
            services.membership_leave(
                actor=request.user,
                membership=membership,
                credits_choice=form.cleaned_data["credits_choice"],
                credits_to=target,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("%(name)s has left the circle.")
                % {"name": membership.person.full_name},
            )
            return redirect("members:member", pk=pk)
    context = {"form": form, "membership": membership, "credits_left": ""}
    for extras in hooks.leave_page_extras.run(membership=membership):
        context.update(extras)
    return render(request, "members/member_leave.html", context)


@login_required
def member_profile(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    return _profile_edit(request, membership, reverse("members:member", args=[pk]))


@login_required
def member_consent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    form = forms.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                actor=request.user,
                membership=membership,
                kind=form.cleaned_data["kind"],
                given=form.cleaned_data["given"] == "yes",
                how=form.cleaned_data["how"],
                service=form.cleaned_data["service"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Their answer has been recorded."))
            return redirect("members:member", pk=pk)
    return render(
        request, "members/member_consent.html", {"form": form, "membership": membership}
    )


@login_required
@require_POST
def member_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        services.note_add(
            actor=request.user, membership=membership, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Enter the note."))
    return redirect("members:member", pk=pk)


@login_required
def member_supporter_invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    return _invite(request, membership, reverse("members:member", args=[pk]))


@login_required
def member_supporter_phone_accept(
    request: AuthenticatedRequest, pk: int, link_pk: int
) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    link = selectors.supporter_invitation_get(membership=membership, pk=link_pk)
    people = selectors.people_who_may_support(
        locality=request.locality, membership=membership, email=link.email
    )
    form = forms.PhoneAcceptForm(request.POST or None, people=people[:500])
    if request.method == "POST" and form.is_valid():
        person = people.filter(pk=form.cleaned_data["person"]).first()
        if person is None:
            form.add_error("person", _("Choose the supporter."))
        else:
            try:
                services.supporter_accept_by_phone(
                    actor=request.user, link=link, person=person
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                messages.success(
                    request,
                    _("%(name)s is now a supporter.") % {"name": person.full_name},
                )
                return redirect("members:member", pk=pk)
    return render(
        request,
        "members/supporter_phone_accept.html",
        {"form": form, "membership": membership, "link": link},
    )


@login_required
@require_POST
def duplicate_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    duplicate = selectors.duplicate_get_for(
        actor=request.user, locality=request.locality, pk=pk
    )
    merge = request.POST.get("decision") == "merge"
    try:
        services.duplicate_decide(actor=request.user, duplicate=duplicate, merge=merge)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The records have been merged.")
            if merge
            else _("Recorded: they are different people."),
        )
    back = selectors.duplicate_return_to(
        actor=request.user, duplicate=duplicate, merged=merge
    )
    if back is None:
        return redirect("members:list")
    return redirect("members:member", pk=back.pk)
