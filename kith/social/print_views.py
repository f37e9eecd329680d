"""The month's activities in large print, to print or post. Its URL keeps
the name ``notify:print_activities`` (see kith/urls.py), where it was first."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from kith.accounts.http import AuthenticatedRequest
from kith.core.params import month_param
from kith.social.print_sheets import activities_sheet_for


@login_required
def print_activities(request: AuthenticatedRequest) -> HttpResponse:
    """The calendar is public, so anyone signed in may print it."""
    month = month_param(request.GET, "month")
    sheet = activities_sheet_for(
        locality=request.locality,
        month=month,
    )
    return render(request, "social/print_activities.html", {"sheet": sheet})


#: Included in the ``notify`` namespace, under /notify/.
urlpatterns = [
    path("print/activities/", print_activities, name="print_activities"),
]
