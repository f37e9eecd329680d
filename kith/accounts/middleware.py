import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kith.accounts.permissions import is_staff_person

LAST_SEEN_SESSION_KEY = "kith_last_seen"


class StaffIdleTimeoutMiddleware:
    """Staff see other people's records, so their sessions end after 30
    minutes without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and is_staff_person(user):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            if last_seen and now - int(last_seen) > settings.KITH_STAFF_IDLE_SECONDS:
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were signed out because you had not done anything for "
                        "30 minutes."
                    ),
                )
                return redirect_to_login(request.get_full_path())
            # Writing the session on every request would cost a database
            # write each time; to the minute is close enough for 30 minutes.
            if not last_seen or now - int(last_seen) >= 60:
                request.session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)
