from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kith.core.permissions import require_perm
from kith.places.selectors import (
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
