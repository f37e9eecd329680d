"""The demo locality's directory: about 60 services from 20 organisations
of every sector, with places, times, costs and contacts.

Most are published (checked at different times; one not for over a year);
the demo organisation editor, Ade Mensah of Riverside Age Concern, has a new
service waiting for a check, changes to a published one waiting, and one
sent back. The coordinator has pointed the demo member to a lunch club.

Everything goes through the services, so it is what the application would
make; a refusal stops the whole demo (kith/core/demo.py).
"""

import random
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment, User
from kith.core.demo import DemoLoadError, demo_step
from kith.directory import services
from kith.directory.demo.everyday import EVERYDAY
from kith.directory.demo.journeys import _editor_journey, _signposting
from kith.directory.demo.wellbeing import WELLBEING
from kith.directory.models import Service
from kith.places.models import Locality, Postcode, Ward

EDITOR_EMAIL = "editor@riverside.example"

#: Every organisation of the demo directory, in the order they are made (the
#: demo editor keeps the first).
ORGANISATIONS: list[tuple[Any, ...]] = [*EVERYDAY, *WELLBEING]


def _user(locality: Locality, role: str) -> User:
    user_id = (
        RoleAssignment.objects.filter(locality=locality, role=role)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    if user_id is None:
        raise DemoLoadError("the demo's directory", f"there is no {role}")
    return User.objects.get(pk=user_id)


def _postcodes(locality: Locality) -> list[str]:
    codes = list(
        Ward.objects.filter(locality=locality).values_list("ons_code", flat=True)
    )
    found = list(
        Postcode.objects.filter(ward_code__in=codes)
        .order_by("postcode")
        .values_list("postcode", flat=True)
    )
    if not found:
        raise DemoLoadError("the demo's directory", "the demo has no postcodes")
    return found


def _cost(cost: Any) -> dict[str, Any]:
    if cost == "free":
        return {"kind": "free"}
    kind, amount = cost
    return {"kind": kind, "amount": Decimal(amount)}


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    coordinator = _user(locality, Role.COORDINATOR)
    editor = User.objects.filter(email=EDITOR_EMAIL).first()
    if editor is None:
        raise DemoLoadError("the demo's directory", "there is no organisation editor")
    with demo_step("the directory's categories"):
        taxonomy = services.taxonomy_default_create(locality=locality, actor=None)
    terms = {t.code: t for t in taxonomy.terms.all()}
    postcodes = _postcodes(locality)
    now = timezone.now()
    made: dict[str, Service] = {}
    for index, (name, sector, about, place, step_free, phone, offered) in enumerate(
        ORGANISATIONS
    ):
        # The demo editor keeps the first organisation; the coordinator
        # entered the others for their organisations.
        actor = editor if index == 0 else coordinator
        with demo_step(f"the organisation {name}"):
            organisation = services.organisation_create(
                actor=actor,
                locality=locality,
                name=name,
                sector=sector,
                description=about,
                phone=phone,
                email=f"hello@{name.split()[0].lower()}{index}.example",
            )
            location = None
            if place is not None:
                location = services.location_save(
                    actor=actor,
                    organisation=organisation,
                    name=place[0],
                    address_1=place[1],
                    city="Riverside",
                    postcode=rng.choice(postcodes),
                    step_free=step_free,
                    accessible_toilet=step_free,
                    seating=True,
                    hearing_loop=step_free and index % 2 == 0,
                )
        for n, (
            title,
            words,
            codes,
            days,
            opens,
            closes,
            cost,
            access,
            extra,
        ) in enumerate(offered):
            extra = dict(extra)
            freq = extra.pop("freq", "WEEKLY")
            languages = extra.pop("languages", ["en"])
            with demo_step(f"the service {title}"):
                service = services.service_create(
                    actor=actor,
                    organisation=organisation,
                    name=title,
                    description=words,
                    how_to_access=access,
                    terms=[terms[c] for c in codes],
                    languages=languages,
                    minimum_age=50 if "older" in about and n == 0 else None,
                    eligibility_description=(
                        "People over 50 living in Riverside." if index == 0 else ""
                    ),
                    **extra,
                )
                if location is not None:
                    services.service_location_add(
                        actor=actor, service=service, location=location
                    )
                services.schedule_save(
                    actor=actor,
                    service=service,
                    byday=days.split(","),
                    opens_at=time(opens),
                    closes_at=time(closes),
                    freq=freq,
                )
                services.cost_option_save(actor=actor, service=service, **_cost(cost))
                if phone:
                    services.phone_save(
                        actor=actor, service=service, number=phone, description=""
                    )
                if n == 0:
                    services.contact_save(
                        actor=actor,
                        service=service,
                        name=rng.choice(
                            ["Sue Patel", "Mo Ahmed", "Kate O'Neill", "Raj Singh"]
                        ),
                        title="Service lead",
                        email=f"lead{index}@example.org",
                    )
                services.service_submit(actor=actor, service=service)
                service = services.service_publish(actor=coordinator, service=service)
            made[title] = service
            # Checked at different times over the past year, as a real
            # directory is.
            Service.objects.filter(pk=service.pk).update(
                last_checked_at=now - timedelta(days=rng.randint(5, 330))
            )
    _editor_journey(locality, editor, coordinator, made, terms)
    _signposting(locality, coordinator, made)
    stale = made["Reading group"]
    Service.objects.filter(pk=stale.pk).update(
        last_checked_at=now - timedelta(days=380)
    )
