from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kith.core.permissions import require_perm
from kith.places.selectors import (
    locality_has_colour,
    locality_logo,
    postcodes_in_ward,
    ward_get,
    wards_with_postcode_counts,
)


@login_required
def wards(request: HttpRequest) -> HttpResponse:
    locality = request.locality  # type: ignore[attr-defined]
    require_perm(request.user, "places_view", locality)
    return render(
        request,
        "places/wards.html",
        {"wards": wards_with_postcode_counts(locality=locality)},
    )


@login_required
def ward(request: HttpRequest, pk: int) -> HttpResponse:
    locality = request.locality  # type: ignore[attr-defined]
    require_perm(request.user, "places_view", locality)
    found = ward_get(locality=locality, pk=pk)
    page = Paginator(postcodes_in_ward(ward=found), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "places/ward.html", {"ward": found, "page": page})


#: A versioned address never changes what it serves: cache it for a year.
_FOREVER = "public, max-age=31536000, immutable"


def logo(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    """A locality's logo, as the PNG re-encoded when it was uploaded. Public:
    it is on every page of the locality, signed in or not."""
    found = locality_logo(slug=slug, version=version)
    if not found:
        raise Http404
    response = HttpResponse(found, content_type="image/png")
    response["Cache-Control"] = _FOREVER
    response["X-Content-Type-Options"] = "nosniff"
    return response


def brand_css(request: HttpRequest, slug: str, colour: str) -> HttpResponse:
    """The header's colour for a locality, as a stylesheet: the
    Content-Security-Policy allows no inline styles. Only the locality's own
    checked colour is served, so the address cannot be made to say
    anything else."""
    if not locality_has_colour(slug=slug, colour=f"#{colour}"):
        raise Http404
    css = (
        f".kith-header, .kith-header .govuk-generic-header__container "
        f"{{ background-color: #{colour}; }}\n"
        f".kith-accent {{ border-color: #{colour}; }}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = _FOREVER
    return response
