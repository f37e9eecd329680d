import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from kith.core.context import context_updated

HEALTH_PATH = "/healthz"
ACTING_FOR_SESSION_KEY = "kith_acting_for"
LOCALITY_SESSION_KEY = "kith_locality"


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from. Behind a proxy, the proxy sets
    REMOTE_ADDR through the WSGI server's forwarded-allow settings."""
    return request.META.get("REMOTE_ADDR") or None


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


# Only Kith's own files may run or style a page: no inline script, style or
# event handler (templates keep behaviour in static files and data- attributes),
# nothing from another server, no framing. htmx runs with eval and its
# injected indicator styles turned off (base.html's htmx-config).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy with every response. In development
    it is report-only, so that Django's debug pages (which use inline styles)
    still work while violations show in the browser's console."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.DEBUG
            else "Content-Security-Policy"
        )
        response.headers.setdefault(header, CONTENT_SECURITY_POLICY)
        return response


class SignedInNoStoreMiddleware:
    """Tells browsers and proxies to keep no copy of any response to a
    signed-in person: on a shared computer (a library's, a day centre's) the
    next person could otherwise page back through someone's records."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        signed_in = (user is not None and user.is_authenticated) or (
            session is not None and SESSION_KEY in session
        )
        if signed_in:
            if "no-store" not in response.get("Cache-Control", ""):
                add_never_cache_headers(response)
            response.headers["Pragma"] = "no-cache"
        return response


access_log = logging.getLogger("kith.request")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """Gives each request an id (the proxy's X-Request-ID if it sent a sane
    one, else a new one), puts it in the log context and the response, and
    writes one access line when the response is ready: the route's name (not
    the path, which can hold a token), the status and the time taken."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        started = time.perf_counter()
        with context_updated(request_id=request_id):
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            locality = getattr(request, "locality", None)
            access_log.info(
                "%s %s %s",
                request.method,
                match.view_name if match else "-",
                response.status_code,
                extra={
                    "method": request.method,
                    "route": match.view_name if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "locality_id": locality.pk if locality else None,
                    "user_id": _user_id(request),
                },
            )
        response["X-Request-ID"] = request_id
        return response


def _user_id(request: HttpRequest) -> int | None:
    # Only if something already looked the user up: logging must not add a
    # query to a page that never needed to know who was asking.
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", None)
    if user is None or wrapped is None or not hasattr(wrapped, "pk"):
        return None
    return wrapped.pk
