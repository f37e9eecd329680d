import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kith.core.questions import question_answers_keep, question_answers_restore

LAST_SEEN_SESSION_KEY = "kith_last_seen"
SIGNED_IN_AT_SESSION_KEY = "kith_signed_in_at"


def session_begin(request: HttpRequest, user: Any) -> None:
    """Call just after signing ``user`` in: their 12 hours start now, and
    the question pages kept for them when they were last signed out for
    time are given back (to them only: the session is theirs alone)."""
    now = int(time.time())
    request.session[SIGNED_IN_AT_SESSION_KEY] = now
    request.session[LAST_SEEN_SESSION_KEY] = now
    question_answers_restore(request, user)
    # Saved now, so the session has its key for the person's list of them.
    request.session.save()
    _seen(request, user)


def _seen(request: HttpRequest, user: Any) -> None:
    from kith.accounts.services import session_seen
    from kith.core.middleware import client_ip

    session_seen(
        user=user,
        session_key=request.session.session_key,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )


def seconds_left(request: HttpRequest) -> tuple[int, int] | None:
    """For someone signed in: seconds until they are signed out for being
    idle, and until they are signed out whatever they do. None otherwise."""
    # An error page may be drawn before the session and user are known.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return None
    now = int(time.time())
    session = request.session
    last_seen = int(session.get(LAST_SEEN_SESSION_KEY) or now)
    started = int(session.get(SIGNED_IN_AT_SESSION_KEY) or now)
    return (
        max(0, settings.KITH_IDLE_SECONDS - (now - last_seen)),
        max(0, settings.KITH_SESSION_MAX_SECONDS - (now - started)),
    )


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


class SessionTimeoutMiddleware:
    """Everyone signed in (members, supporters and helpers on shared
    computers, and staff who see other people's records) is signed out after
    ``KITH_IDLE_SECONDS`` without a request and ``KITH_SESSION_MAX_SECONDS``
    after signing in, both read on every request. The unfinished question
    pages of someone signed out this way are kept for them alone, and given
    back when they sign in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        user = request.user
        now = int(time.time())
        idle = settings.KITH_IDLE_SECONDS
        longest = settings.KITH_SESSION_MAX_SECONDS
        last_seen = session.get(LAST_SEEN_SESSION_KEY)
        started = session.get(SIGNED_IN_AT_SESSION_KEY)
        reason = ""
        if last_seen and now - int(last_seen) > idle:
            reason = ngettext(
                "You were signed out because you had not done anything for "
                "%(minutes)d minute.",
                "You were signed out because you had not done anything for "
                "%(minutes)d minutes.",
                _minutes(idle),
            ) % {"minutes": _minutes(idle)}
        elif started and now - int(started) > longest:
            hours = max(1, round(longest / 3600))
            reason = ngettext(
                "You were signed out because you had been signed in for %(hours)d "
                "hour.",
                "You were signed out because you had been signed in for %(hours)d "
                "hours.",
                hours,
            ) % {"hours": hours}
        if reason:
            question_answers_keep(request, user)
            logout(request)
            messages.info(
                request,
                reason + " " + _("Sign in again to carry on where you left off."),
            )
            return redirect_to_login(request.get_full_path())
        if not started:
            # Signed in by other means than the sign-in pages (the test
            # client, a session from before this rule).
            session[SIGNED_IN_AT_SESSION_KEY] = now
        # Writing the session on every request would cost a database write
        # each time; to the minute is close enough, except when someone
        # asks to stay signed in.
        if (
            not last_seen
            or now - int(last_seen) >= 60
            or request.path == reverse("accounts:session_keep_alive")
        ):
            session[LAST_SEEN_SESSION_KEY] = now
            if started:
                # A session begun by the sign-in pages is listed from then
                # (session_begin); one from elsewhere joins the list here
                # from its second minute.
                _seen(request, user)
        return None
