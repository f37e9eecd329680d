"""Pages of land and buildings: the public list and map, one asset, its
photos, and the register that council officers keep."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.middleware import CONTENT_SECURITY_POLICY
from kith.projects import forms, selectors, services
from kith.projects.models import Asset
from kith.projects.views.common import (
    _form_page,
    _locality,
    _require,
)

# --- the public list and map ---------------------------------------------------


def _map_policy() -> str:
    """The page's Content-Security-Policy: Kith's own, plus the tile server's
    host for images when tiles are configured."""
    tiles = str(getattr(settings, "KITH_MAP_TILE_URL", "") or "")
    parts = urlsplit(tiles.replace("{", "").replace("}", ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return CONTENT_SECURITY_POLICY
    origin = f"{parts.scheme}://{parts.netloc}"
    return CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:", f"img-src 'self' data: {origin}"
    )


def assets_public(request: HttpRequest) -> HttpResponse:
    """Land and buildings the public may see: a text list that works without
    JavaScript, and a map drawn over it by projects/map.js."""
    locality = _locality(request)
    assets = list(selectors.public_assets(locality=locality))
    response = render(
        request,
        "projects/assets.html",
        {
            "assets": assets,
            "mapped": [a for a in assets if a.on_map],
            "tile_url": getattr(settings, "KITH_MAP_TILE_URL", ""),
            "attribution": getattr(settings, "KITH_MAP_ATTRIBUTION", ""),
            "acv": selectors.public_nominations(locality=locality),
        },
    )
    header = (
        "Content-Security-Policy-Report-Only"
        if settings.DEBUG
        else "Content-Security-Policy"
    )
    response.headers[header] = _map_policy()
    return response


def asset_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    locality = _locality(request)
    asset = selectors.asset_get(actor=request.user, locality=locality, uuid=uuid)
    return render(
        request,
        "projects/asset.html",
        {
            "asset": asset,
            "officer": has_perm(request.user, Perm.ASSETS_MANAGE, locality),
            "today": timezone.localdate(),
            "may_nominate": selectors.may_nominate(actor=request.user, asset=asset),
        },
    )


def photo(request: HttpRequest, uuid: str) -> HttpResponse:
    found = selectors.photo_get(
        actor=request.user, locality=_locality(request), uuid=uuid
    )
    response = HttpResponse(bytes(found.image), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the register (council officers) ------------------------------------------


@login_required
def register(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    return render(
        request,
        "projects/register.html",
        {
            "assets": selectors.register_assets(actor=request.user, locality=locality),
            "waiting": selectors.nominations_waiting(
                actor=request.user, locality=locality
            ),
            "today": timezone.localdate(),
        },
    )


ASSET_FIELDS = (
    "name",
    "kind",
    "status",
    "condition",
    "description",
    "address",
    "postcode",
    "size_square_metres",
    "let_terms",
    "let_from",
    "let_until",
    "public",
)


def _asset_form(request: HttpRequest, locality: Any, asset: Asset | None) -> Any:
    initial = {}
    if asset is not None:
        initial = {name: getattr(asset, name) for name in ASSET_FIELDS}
        initial.update(
            owner=asset.owner_id, let_to=asset.let_to_id, part_of=asset.part_of_id
        )
    return forms.AssetForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisations=selectors.organisations_for(locality=locality),
        buildings=selectors.buildings_for(locality=locality),
    )


@login_required
def asset_edit(request: AuthenticatedRequest, uuid: str | None = None) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    asset = (
        selectors.asset_get(actor=request.user, locality=locality, uuid=uuid)
        if uuid
        else None
    )
    form = _asset_form(request, locality, asset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_pk = {
            o.pk: o
            for o in selectors.organisations_for(locality=locality).filter(
                pk__in=[data["owner"], data["let_to"]]
            )
        }
        part_of = (
            selectors.asset_in(locality=locality, pk=data["part_of"])
            if data["part_of"]
            else None
        )
        same_place = asset is not None and (
            data["postcode"].replace(" ", "").upper()
            == asset.postcode.replace(" ", "").upper()
        )
        answers = services.AssetAnswers(
            name=data["name"],
            kind=data["kind"],
            status=data["status"],
            condition=data["condition"],
            description=data["description"],
            address=data["address"],
            postcode=data["postcode"],
            owner=by_pk.get(data["owner"]),
            part_of=part_of,
            size_square_metres=data["size_square_metres"],
            let_to=by_pk.get(data["let_to"]),
            let_terms=data["let_terms"],
            let_from=data["let_from"],
            let_until=data["let_until"],
            public=data["public"],
            # Kept where they were unless the postcode moves the asset.
            latitude=asset.latitude if asset and same_place else None,
            longitude=asset.longitude if asset and same_place else None,
        )
        try:
            saved = services.asset_save(
                actor=request.user, locality=locality, answers=answers, asset=asset
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(saved.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": asset}
        if asset
        else _("Add land or a building"),
        back=asset.get_absolute_url() if asset else reverse("projects:register"),
        button=_("Save"),
    )


@login_required
def asset_photo_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    asset = selectors.asset_get(actor=request.user, locality=locality, uuid=uuid)
    form = forms.PhotoForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_photo_add(
                actor=request.user,
                asset=asset,
                upload=form.cleaned_data["photo"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(asset.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Add a photo of %(name)s") % {"name": asset},
        back=asset.get_absolute_url(),
        button=_("Add the photo"),
        multipart=True,
    )
