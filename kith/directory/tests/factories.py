"""Builders for the directory's tests. Entries go through the services, so
what a test sees is what the app writes."""

import itertools
from datetime import time
from decimal import Decimal

from kith.accounts.models import Role
from kith.directory import services
from kith.directory.models import Location, Organisation, Service
from kith.places.models import Locality, Postcode
from tests.factories import RoleFactory, UserFactory

_numbers = itertools.count(1)


def checker_of(locality: Locality):
    """A coordinator with no authenticator (services do not ask for one)."""
    n = next(_numbers)
    user = UserFactory(email=f"dir-checker{n}@example.com", full_name=f"Check {n}")
    RoleFactory(user=user, locality=locality, role=Role.COORDINATOR)
    return user


def editor_of(locality: Locality, name: str | None = None):
    n = next(_numbers)
    user = UserFactory(
        email=f"dir-editor{n}@example.com", full_name=name or f"Editor {n} Jones"
    )
    RoleFactory(user=user, locality=locality, role=Role.ORGANISATION_EDITOR)
    return user


def organisation(locality: Locality, *, editor=None, name=None, sector="voluntary"):
    editor = editor or editor_of(locality)
    return services.organisation_create(
        actor=editor,
        locality=locality,
        name=name or f"Organisation {next(_numbers)}",
        sector=sector,
        description="Helps people.",
    )


def place(
    org: Organisation,
    *,
    postcode: str = "SE17 2AA",
    latitude: float | None = None,
    longitude: float | None = None,
    step_free: bool = False,
    name: str | None = None,
) -> Location:
    if latitude is not None:
        Postcode.objects.update_or_create(
            postcode=postcode,
            defaults={"latitude": latitude, "longitude": longitude, "ward_code": "X"},
        )
    editor = org.editors.first()
    return services.location_save(
        actor=editor,
        organisation=org,
        name=name or f"Hall {next(_numbers)}",
        address_1="1 High Street",
        city="Testford",
        postcode=postcode,
        step_free=step_free,
    )


def service(
    org: Organisation,
    *,
    name: str = "Lunch club",
    description: str = "A hot lunch and company.",
    publish_by=None,
    terms=(),
    location: Location | None = None,
    byday=("TU",),
    opens_at=time(10),
    closes_at=time(12),
    cost: str | None = "free",
    **fields,
) -> Service:
    """A service with a schedule (and a place, a cost), as a draft; with
    ``publish_by`` sent for a check and published by that checker."""
    editor = org.editors.first()
    made = services.service_create(
        actor=editor,
        organisation=org,
        name=name,
        description=description,
        terms=terms,
        **fields,
    )
    if location is not None:
        services.service_location_add(actor=editor, service=made, location=location)
    services.schedule_save(
        actor=editor, service=made, byday=byday, opens_at=opens_at, closes_at=closes_at
    )
    if cost == "free":
        services.cost_option_save(actor=editor, service=made, kind="free")
    elif cost == "pounds":
        services.cost_option_save(
            actor=editor, service=made, kind="pounds", amount=Decimal("3.50")
        )
    if publish_by is not None:
        services.service_submit(actor=editor, service=made)
        made = services.service_publish(actor=publish_by, service=made)
    made.refresh_from_db()
    return made
