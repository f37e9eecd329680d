"""Large-print pages of visits, to print or post: a member's coming visits
and credits, a helper's week. Their URLs keep the names ``notify:print_*``
(see kith/urls.py), where they were first."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from kith.accounts.http import AuthenticatedRequest, KithRequest
from kith.core.params import date_param
from kith.help import print_sheets


def _locality(request: KithRequest) -> Any:
    return request.locality


@login_required
def print_member(
    request: AuthenticatedRequest, membership_pk: int | None = None
) -> HttpResponse:
    sheet = print_sheets.member_sheet_for(
        actor=request.user,
        locality=_locality(request),
        membership_pk=membership_pk,
    )
    return render(request, "help/print_member.html", {"sheet": sheet})


@login_required
def print_helper_week(
    request: AuthenticatedRequest, helper_pk: int | None = None
) -> HttpResponse:
    start = date_param(request.GET, "from")
    week = print_sheets.helper_week_for(
        actor=request.user,
        locality=_locality(request),
        helper_pk=helper_pk,
        start=start,
    )
    return render(request, "help/print_week.html", {"week": week})


#: Included in the ``notify`` namespace, under /notify/.
urlpatterns = [
    path("print/visits/", print_member, name="print_member"),
    path(
        "print/visits/<int:membership_pk>/",
        print_member,
        name="print_member_for",
    ),
    path("print/week/", print_helper_week, name="print_helper_week"),
    path(
        "print/week/<int:helper_pk>/",
        print_helper_week,
        name="print_helper_week_for",
    ),
]
