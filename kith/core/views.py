"""Pages that belong to no part: the health check, the service's own plain
pages (accessibility, contact) and the CSRF failure page. The home
page, the audit log and the 500 page are the site's (kith/site/views.py).
"""

from django.conf import STATICFILES_STORAGE_ALIAS
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers and the pages can
    find their stylesheets, 503 when not, saying which."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse(
            {
                "status": "unavailable",
                "database": "unreachable",
                "error": type(exc).__name__,
            },
            status=503,
        )
    if not _static_manifest_loaded():
        # Every page names its stylesheet through the manifest, so without
        # it every page (the error page too) fails.
        return JsonResponse(
            {
                "status": "unavailable",
                "database": "ok",
                "static": "missing",
                "error": "The static files manifest is missing: run "
                "manage.py collectstatic, then restart.",
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def _static_manifest_loaded() -> bool:
    """Whether this process's static storage can name files: always for a
    plain storage, and for a manifest storage when it loaded a manifest."""
    storage = storages[STATICFILES_STORAGE_ALIAS]
    if not isinstance(storage, ManifestFilesMixin):
        return True
    return bool(storage.hashed_files)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "core/contact.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
