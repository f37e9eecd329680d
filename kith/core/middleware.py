from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kith.core.context import RequestContext, request_context

HEALTH_PATH = "/healthz"
ACTING_FOR_SESSION_KEY = "kith_acting_for"
LOCALITY_SESSION_KEY = "kith_locality"


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from. Behind a proxy, the proxy sets
    REMOTE_ADDR through the WSGI server's forwarded-allow settings."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Works out the locality and the person being acted for, and makes the
    address and acting-for known to services for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from kith.accounts.selectors import acting_for_resolve
        from kith.places.selectors import locality_for_request

        request.locality = locality_for_request(  # type: ignore[attr-defined]
            host=request.get_host(),
            user=request.user,
            chosen_id=request.session.get(LOCALITY_SESSION_KEY),
        )
        acting_for = None
        acting_id = request.session.get(ACTING_FOR_SESSION_KEY)
        if acting_id:
            acting_for = acting_for_resolve(actor=request.user, person_id=acting_id)
            if acting_for is None:
                # The right to act has gone (role removed, person left): stop.
                request.session.pop(ACTING_FOR_SESSION_KEY, None)
        request.acting_for = acting_for  # type: ignore[attr-defined]
        context = RequestContext(
            ip_address=client_ip(request),
            acting_for_id=acting_for.pk if acting_for else None,
            locality_id=request.locality.pk if request.locality else None,  # type: ignore[attr-defined]
        )
        with request_context(context):
            return self.get_response(request)


class HealthCheckMiddleware:
    """Answers /healthz before anything else runs: no session, no host check,
    no HTTPS redirect, so a load balancer can ask over plain HTTP by address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH:
            from kith.core.views import healthz

            return healthz(request)
        return self.get_response(request)
