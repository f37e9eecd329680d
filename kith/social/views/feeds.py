"""Calendar feeds: the public feed, a member's private feed and its address."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.social import ical, selectors, services
from kith.social.views.common import _locality


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def public_feed(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    body = ical.calendar_bytes(
        name=_("%(name)s activities") % {"name": locality.name},
        domain=request.get_host().split(":")[0],
        items=selectors.public_feed_items(locality=locality),
    )
    return _ics(body, "activities.ics")


def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404
    body = ical.calendar_bytes(
        name=_("My %(name)s calendar") % {"name": feed.locality.name},
        domain=request.get_host().split(":")[0],
        items=selectors.private_feed_items(feed=feed),
    )
    return _ics(body, "my-calendar.ics")


@login_required
def feed_address(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    address = None
    if request.method == "POST":
        token = services.calendar_feed_reset(actor=request.user, locality=locality)
        address = request.build_absolute_uri(
            reverse("social:private_feed", args=[token])
        )
    return render(
        request,
        "social/feed_address.html",
        {
            "address": address,
            "has_feed": selectors.has_feed(actor=request.user),
            "public_address": request.build_absolute_uri(reverse("social:public_feed")),
        },
    )
