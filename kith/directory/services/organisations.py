"""Organisations, their editors, and their places."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.models import Role
from kith.accounts.permissions import Perm, has_perm, has_role
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.directory.access import can_check
from kith.directory.models import (
    Location,
    Organisation,
)
from kith.directory.services.common import _clean, _require_check, _require_edit
from kith.places.models import Locality, Ward
from kith.places.postcodes import postcode_or_none
from kith.places.selectors import postcode_locate

# --- organisations ---------------------------------------------------------


ORGANISATION_FIELDS = ("name", "description", "sector", "email", "website", "phone")


@transaction.atomic
def organisation_create(
    *, actor: Any, locality: Locality, editors: Iterable[Any] = (), **fields: Any
) -> Organisation:
    """Add an organisation. A coordinator or council officer may add any; an
    organisation editor may add their own, and becomes its editor."""
    is_checker = can_check(actor, locality)
    if not is_checker and not has_perm(actor, Perm.DIRECTORY_EDIT, locality):
        raise PermissionDenied
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation(locality=locality, **fields)
    _clean(organisation)
    if Organisation.objects.filter(
        locality=locality, name__iexact=organisation.name
    ).exists():
        raise ApplicationError(
            _("There is already an organisation called that."), field="name"
        )
    organisation.save()
    people = list(editors)
    if not is_checker:
        people = [actor]
    for person in people:
        if not has_role(person, Role.ORGANISATION_EDITOR, locality):
            raise ApplicationError(
                _("%(name)s is not an organisation editor here.")
                % {"name": person.display_name}
            )
    organisation.editors.set(people)
    audit_record(
        actor=actor,
        action="directory_organisation_create",
        target=organisation,
        data={"editors": [p.pk for p in people]},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, **fields: Any
) -> Organisation:
    """Change an organisation's details. Only its editors, or a checker."""
    _require_edit(actor, organisation)
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {k: getattr(organisation, k) for k in fields}
    for key, value in fields.items():
        setattr(organisation, key, value)
    _clean(organisation)
    if (
        Organisation.objects.filter(
            locality_id=organisation.locality_id, name__iexact=organisation.name
        )
        .exclude(pk=organisation.pk)
        .exists()
    ):
        raise ApplicationError(
            _("There is already an organisation called that."), field="name"
        )
    organisation.save()
    audit_record(
        actor=actor,
        action="directory_organisation_update",
        target=organisation,
        data={"before": before},
    )
    return organisation


@transaction.atomic
def organisation_editor_add(
    *, actor: Any, organisation: Organisation, person: Any
) -> Organisation:
    """A checker makes someone holding the organisation editor role an
    editor of this organisation."""
    _require_check(actor, organisation.locality_id)
    if not has_role(person, Role.ORGANISATION_EDITOR, organisation.locality_id):
        raise ApplicationError(
            _("%(name)s is not an organisation editor here.")
            % {"name": person.display_name}
        )
    organisation.editors.add(person)
    audit_record(
        actor=actor,
        action="directory_organisation_editor_add",
        target=organisation,
        data={"person": person.pk},
    )
    return organisation


# --- places ----------------------------------------------------------------

LOCATION_FIELDS = (
    "name",
    "description",
    "address_1",
    "city",
    "postcode",
    *Location.FEATURES,
    "accessibility_details",
)


def _place_location(location: Location) -> None:
    """Normalise the postcode and find its centre and ward."""
    normal = postcode_or_none(location.postcode)
    if normal is None:
        raise ApplicationError(
            _("Enter a real postcode, like SE17 2AA."), field="postcode"
        )
    location.postcode = normal
    found = postcode_locate(postcode=normal)
    if found is None:
        location.latitude = location.longitude = None
        location.ward = None
        return
    location.latitude, location.longitude = found.latitude, found.longitude
    location.ward = Ward.objects.filter(
        locality_id=location.locality_id, ons_code=found.ward_code
    ).first()


@transaction.atomic
def location_save(
    *,
    actor: Any,
    organisation: Organisation,
    location: Location | None = None,
    **fields: Any,
) -> Location:
    """Add or change one of the organisation's places. A place is shared by
    the organisation's services, and its address changes at once (it is a
    fact about a building, not a claim about a service)."""
    _require_edit(actor, organisation)
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown location fields: {sorted(unknown)}")
    if location is None:
        location = Location(locality=organisation.locality, organisation=organisation)
        action = "directory_location_create"
    else:
        if location.organisation_id != organisation.pk:
            raise PermissionDenied
        location = Location.objects.select_for_update().get(pk=location.pk)
        action = "directory_location_update"
    for key, value in fields.items():
        setattr(location, key, value)
    _place_location(location)
    _clean(location)
    location.save()
    audit_record(
        actor=actor,
        action=action,
        target=location,
        data={k: str(v) for k, v in fields.items()},
    )
    return location
