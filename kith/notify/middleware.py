"""Warns the administrators while a GOV.UK Notify template is wrong."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

WARNED_SESSION_KEY = "kith_notify_problems_warned"


class NotifyProblemsMiddleware:
    """For an administrator, sets ``request.notify_problems`` (shown as a
    banner on every page by the layout) while ``manage.py notify_check`` or a
    message Notify refused found a template problem, and says so once a
    session as a message. One small query, for administrators only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.notify_problems = False  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from kith.accounts.models import Role
            from kith.accounts.permissions import has_role

            if has_role(user, Role.ADMIN, getattr(request, "locality", None)):
                self._warn(request)
        return self.get_response(request)

    def _warn(self, request: HttpRequest) -> None:
        from kith.notify.models import TemplateProblem

        found = TemplateProblem.objects.exists()
        request.notify_problems = found  # type: ignore[attr-defined]
        if not found:
            request.session.pop(WARNED_SESSION_KEY, None)
        elif not request.session.get(WARNED_SESSION_KEY):
            request.session[WARNED_SESSION_KEY] = True
            messages.warning(
                request,
                _(
                    "Some GOV.UK Notify templates are wrong, so some messages "
                    "cannot be sent. See Notify configuration problems."
                ),
            )
