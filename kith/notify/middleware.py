"""Warns the administrators while a GOV.UK Notify template is wrong."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
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
        # Worked out only when a page's layout asks, so responses without
        # the layout (the API, receipts) cost nothing.
        request.notify_problems = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: _Answer(_problems(request))
        )
        return self.get_response(request)


class _Answer:
    def __init__(self, value: bool) -> None:
        self.value = value

    def __bool__(self) -> bool:
        return self.value


def _problems(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    from kith.notify import access
    from kith.notify.models import TemplateProblem

    if not access.allowed(user, access.ADMIN, getattr(request, "locality", None)):
        return False
    found = TemplateProblem.objects.exists()
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
    return found
