"""Writes of the asset register: land, buildings and rooms, and their photos."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.directory.models import Organisation
from kith.places.models import Locality, Ward
from kith.places.postcodes import postcode_or_none
from kith.places.selectors import postcode_locate
from kith.projects.models import (
    Asset,
    Photo,
)
from kith.projects.photos import photo_clean
from kith.projects.services.common import (
    _clean,
    _same_locality,
)


@dataclass
class AssetAnswers:
    name: str
    kind: str
    status: str
    condition: str = Asset.Condition.FAIR
    description: str = ""
    address: str = ""
    postcode: str = ""
    owner: Organisation | None = None
    part_of: Asset | None = None
    size_square_metres: int | None = None
    let_to: Organisation | None = None
    let_terms: str = ""
    let_from: date | None = None
    let_until: date | None = None
    public: bool = False
    latitude: float | None = None
    longitude: float | None = None


def _check_let(answers: AssetAnswers) -> None:
    if answers.status == Asset.Status.LET:
        if answers.let_to is None:
            raise ApplicationError(_("Choose the group it is let to."), field="let_to")
        if answers.let_terms not in Asset.Terms.values:
            raise ApplicationError(
                _("Say whether it is let on a licence or a lease."), field="let_terms"
            )
        if answers.let_from is None:
            raise ApplicationError(
                _("Enter the date the licence or lease started."), field="let_from"
            )
    if answers.let_from and answers.let_until and answers.let_until < answers.let_from:
        raise ApplicationError(
            _("The end of the licence or lease must be after its start."),
            field="let_until",
        )
    if answers.kind == Asset.Kind.ROOM and answers.part_of is None:
        raise ApplicationError(
            _("Choose the building the room is in."), field="part_of"
        )
    if answers.part_of is not None and answers.part_of.kind != Asset.Kind.BUILDING:
        raise ApplicationError(_("A room can only be in a building."), field="part_of")


@transaction.atomic
def asset_save(
    *,
    actor: User,
    locality: Locality,
    answers: AssetAnswers,
    asset: Asset | None = None,
) -> Asset:
    """Add an asset to the register, or change one. Only a council officer
    keeps the register. The postcode gives the ward and, unless entered, the
    place on the map. Raises ApplicationError for a broken rule."""
    require_perm(actor, Perm.ASSETS_MANAGE, locality)
    if asset is not None:
        _same_locality(asset, locality)
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
    for related in (answers.owner, answers.let_to, answers.part_of):
        _same_locality(related, locality)
    if (
        asset is not None
        and answers.part_of is not None
        and answers.part_of.pk == asset.pk
    ):
        raise ApplicationError(_("A room cannot be in itself."), field="part_of")
    _check_let(answers)
    postcode = ""
    ward = None
    latitude, longitude = answers.latitude, answers.longitude
    if answers.postcode.strip():
        postcode = postcode_or_none(answers.postcode) or ""
        if not postcode:
            raise ApplicationError(_("Enter a real postcode."), field="postcode")
        found = postcode_locate(postcode=postcode)
        if found is not None:
            ward = Ward.objects.filter(
                locality=locality, ons_code=found.ward_code
            ).first()
            if latitude is None or longitude is None:
                latitude, longitude = found.latitude, found.longitude
    target = asset or Asset(locality=locality)
    values = {
        "name": answers.name.strip(),
        "kind": answers.kind,
        "status": answers.status,
        "condition": answers.condition,
        "description": answers.description.strip(),
        "address": answers.address.strip(),
        "postcode": postcode,
        "ward": ward,
        "latitude": latitude,
        "longitude": longitude,
        "owner": answers.owner,
        "part_of": answers.part_of if answers.kind == Asset.Kind.ROOM else None,
        "size_square_metres": answers.size_square_metres,
        "let_to": answers.let_to,
        "let_terms": answers.let_terms,
        "let_from": answers.let_from,
        "let_until": answers.let_until,
        "public": answers.public,
    }
    for name, value in values.items():
        setattr(target, name, value)
    _clean(target)
    created = target.pk is None
    target.save()
    audit_record(
        actor=actor,
        action="asset_added" if created else "asset_changed",
        target=target,
        locality=locality,
        data={"status": target.status, "public": target.public},
    )
    return target


@transaction.atomic
def asset_photo_add(
    *, actor: User, asset: Asset, upload: Any, description: str
) -> Photo:
    """Add a photo of an asset (checked and re-encoded: ``photo_clean``)."""
    require_perm(actor, Perm.ASSETS_MANAGE, asset.locality)
    if not description.strip():
        raise ApplicationError(_("Say what the photo shows."), field="description")
    clean = photo_clean(upload)
    photo = Photo.objects.create(
        locality=asset.locality,
        asset=asset,
        image=clean.data,
        width=clean.width,
        height=clean.height,
        description=description.strip()[:200],
        uploaded_by=actor,
    )
    audit_record(actor=actor, action="asset_photo_added", target=asset)
    return photo
