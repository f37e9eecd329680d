"""The Open Referral UK 3.0 API: read-only JSON of the locality's published
directory (docs/adr/0026-open-referral-api.md).

Open to anyone, with no key and no cookie needed; every answer, errors
included, says ``Access-Control-Allow-Origin: *`` so that a page on another
site can read it. The locality is the request's, as for every Kith page.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kith.openreferral import records, selectors
from kith.openreferral.openapi import openapi_description
from kith.openreferral.params import (
    ACCEPTED,
    BadQuery,
    Paging,
    pages_count,
    paging_read,
    service_filters_read,
    unknown_check,
    uuid_param,
)
from kith.places.models import Locality

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
#: Answers may be kept a little while by browsers and caches: the directory
#: changes only when a coordinator checks an entry.
CACHE_SECONDS = 60

View = Callable[..., HttpResponse]


def _json(data: Any, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json",
        status=status,
    )
    return response


def _error(message: str, *, status: int, parameter: str = "") -> HttpResponse:
    body = {"error": message}
    if parameter:
        body["parameter"] = parameter
    return _json(body, status=status)


def _open(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    if response.status_code == 200:
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def api(view: View) -> View:
    """Make ``view`` an API endpoint: GET and HEAD only, OPTIONS answered for
    browsers' preflight checks, a 400 for a parameter it cannot answer and a
    404 for an id it does not have, each as JSON, and open to every origin.
    The view is called with the request's locality."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
            return _open(response)
        if request.method not in ("GET", "HEAD"):
            response = _error(
                _("This API only reads: use GET."), status=405, parameter=""
            )
            response["Allow"] = ALLOWED_METHODS
            return _open(response)
        locality: Locality | None = getattr(request, "locality", None)
        try:
            # An archived locality publishes nothing (ADR 0041).
            if locality is None or locality.status == Locality.Status.ARCHIVED:
                raise Http404
            response = view(request, locality, *args, **kwargs)
        except BadQuery as bad:
            response = _error(bad.message, status=400, parameter=bad.parameter)
        except Http404:
            response = _error(_("Nothing published here has that id."), status=404)
        return _open(response)

    return wrapped


def _paged(page: selectors.Page, paging: Paging, contents: list[Any]) -> HttpResponse:
    total_pages = pages_count(page.total, paging.per_page)
    return _json(
        {
            "total_items": page.total,
            "total_pages": total_pages,
            "page_number": paging.page,
            "size": len(contents),
            "first_page": paging.page == 1,
            "last_page": paging.page >= total_pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("openreferral:meta"))


@api
def meta(request: HttpRequest, locality: Locality) -> HttpResponse:
    unknown_check(request.GET, ())
    return _json(
        records.metadata_record(
            openapi_url=request.build_absolute_uri(reverse("openreferral:openapi"))
        )
    )


@api
def openapi(request: HttpRequest, locality: Locality) -> HttpResponse:
    unknown_check(request.GET, ())
    return _json(openapi_description(base_url=_base_url(request)))


@api
def services(request: HttpRequest, locality: Locality) -> HttpResponse:
    unknown_check(request.GET, ACCEPTED["/services"])
    paging = paging_read(request.GET)
    page = selectors.services_page(
        locality=locality, filters=service_filters_read(request.GET), paging=paging
    )
    contents = [records.service_brief(s, locality=locality) for s in page.rows]
    return _paged(page, paging, contents)


@api
def service(request: HttpRequest, locality: Locality, id: str) -> HttpResponse:
    unknown_check(request.GET, ())
    found = selectors.service_full(locality=locality, uuid=uuid_param(id))
    return _json(
        records.service_record(found, locality=locality, today=timezone.localdate())
    )


@api
def service_at_locations(request: HttpRequest, locality: Locality) -> HttpResponse:
    unknown_check(request.GET, ACCEPTED["/service_at_locations"])
    paging = paging_read(request.GET)
    page = selectors.service_at_locations_page(
        locality=locality, filters=service_filters_read(request.GET), paging=paging
    )
    contents = [
        records.service_at_location_brief(sal, locality=locality) for sal in page.rows
    ]
    return _paged(page, paging, contents)


@api
def service_at_location(
    request: HttpRequest, locality: Locality, id: str
) -> HttpResponse:
    unknown_check(request.GET, ())
    sal, found = selectors.service_at_location_full(
        locality=locality, uuid=uuid_param(id)
    )
    return _json(
        records.service_at_location_record(sal, service=found, locality=locality)
    )


@api
def taxonomies(request: HttpRequest, locality: Locality) -> HttpResponse:
    unknown_check(request.GET, ACCEPTED["/taxonomies"])
    paging = paging_read(request.GET)
    page = selectors.taxonomies_page(locality=locality, paging=paging)
    return _paged(page, paging, [records.taxonomy_record(t) for t in page.rows])


@api
def taxonomy(request: HttpRequest, locality: Locality, id: str) -> HttpResponse:
    unknown_check(request.GET, ())
    found, terms = selectors.taxonomy_full(locality=locality, uuid=uuid_param(id))
    return _json(records.taxonomy_record(found, terms))


@api
def taxonomy_terms(request: HttpRequest, locality: Locality) -> HttpResponse:
    unknown_check(request.GET, ACCEPTED["/taxonomy_terms"])
    paging = paging_read(request.GET)
    page = selectors.taxonomy_terms_page(locality=locality, paging=paging)
    return _paged(page, paging, [records.taxonomy_term_record(t) for t in page.rows])


@api
def taxonomy_term(request: HttpRequest, locality: Locality, id: str) -> HttpResponse:
    unknown_check(request.GET, ())
    found = selectors.taxonomy_term_get(locality=locality, uuid=uuid_param(id))
    return _json(records.taxonomy_term_record(found))
