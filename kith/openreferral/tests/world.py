"""A directory full of varied entries, for the API's tests.

Built with the directory's models directly (the directory's own services
are tested in kith/directory): every optional field filled on one service,
none on another, odd characters, entries the public must not see (drafts,
waiting, hidden, a draft copy of a published service, another locality's).
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kith.directory.models import (
    Closure,
    Contact,
    CostOption,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from kith.places.models import Locality, Postcode, Ward

ODD = "Tea & “talk” — 'quotes', <script>alert(1)</script>, café, 日本語, 🙂"


@dataclass
class Directory:
    locality: Locality
    taxonomy: Taxonomy
    terms: list[TaxonomyTerm]
    organisations: list[Organisation]
    published: list[Service]
    hidden: list[Service] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)


def taxonomy_make(locality: Locality, *, terms: int = 4) -> tuple[Taxonomy, list]:
    taxonomy = Taxonomy.objects.create(
        locality=locality,
        name="Everyday needs",
        description="The everyday needs people ask about.",
        uri="https://example.org/taxonomy/everyday-needs",
        version="1",
    )
    made = []
    parent = None
    for n in range(terms):
        term = TaxonomyTerm.objects.create(
            taxonomy=taxonomy,
            name=["Lunch clubs", "Food", "Befriending", ODD][n % 4],
            description="" if n == 2 else f"Description {n}",
            code=f"term-{n}",
            parent=parent if n == 1 else None,
            order=n * 10,
        )
        if n == 0:
            parent = term
        made.append(term)
    return taxonomy, made


def service_full_make(
    locality: Locality,
    organisation: Organisation,
    *,
    ward: Ward | None,
    terms: list[TaxonomyTerm],
    name: str = "Riverside lunch club",
    latitude: float = 51.49,
    longitude: float = -0.09,
    state: str = Service.ReviewState.PUBLISHED,
) -> Service:
    """A service with every optional part filled in."""
    now = timezone.now()
    service = Service.objects.create(
        locality=locality,
        organisation=organisation,
        name=name,
        description="A hot two-course lunch and a chat, every Tuesday.",
        url="https://example.org/déjeuner?day=tuesday&x=1",
        email="lunch@example.org",
        status=Service.Status.ACTIVE,
        review_state=state,
        minimum_age=60,
        maximum_age=120,
        eligibility_description="People over 60 living in the borough.",
        radius_km=Decimal("2.5"),
        how_to_access=["drop_in", "phone"],
        takes_referrals=True,
        referral_email="referrals@example.org",
        last_checked_at=now - timedelta(days=10),
    )
    if ward is not None:
        service.wards.add(ward)
    service.terms.add(*terms)
    location = Location.objects.create(
        locality=locality,
        organisation=organisation,
        name="St Anne’s church hall",
        description="The hall behind the church.",
        address_1="1 Church Lane",
        city="Testford",
        postcode="SE17 2AA",
        ward=ward,
        latitude=latitude,
        longitude=longitude,
        step_free=True,
        hearing_loop=True,
        accessibility_details="Ring the bell at the side door.",
    )
    sal = ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(
        service=service,
        service_at_location=sal,
        freq=Schedule.Freq.WEEKLY,
        byday="TU",
        opens_at=time(10),
        closes_at=time(12),
        valid_from=date(2026, 1, 1),
        description="Tuesdays 10am to 12 noon",
        notes="Not on bank holidays.",
    )
    Schedule.objects.create(
        service=service,
        byday="MO,WE",
        opens_at=time(14),
        closes_at=time(16, 30),
    )
    Closure.objects.create(
        service=service,
        starts_on=timezone.localdate() + timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=9),
        reason="Hall repairs",
    )
    Closure.objects.create(
        service=service,
        starts_on=date(2020, 1, 1),
        ends_on=date(2020, 1, 2),
        reason="Long past",
    )
    ServiceLanguage.objects.create(service=service, name="English", code="en")
    ServiceLanguage.objects.create(service=service, name="Welsh", code="cy")
    CostOption.objects.create(
        service=service,
        option="Lunch",
        kind=CostOption.Kind.POUNDS,
        amount=Decimal("4.50"),
        amount_description="Pay on the day.",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
    )
    CostOption.objects.create(service=service, kind=CostOption.Kind.FREE)
    CostOption.objects.create(
        service=service, kind=CostOption.Kind.CREDITS, amount=Decimal("1")
    )
    contact = Contact.objects.create(
        service=service, name="Ann Persona", title="Organiser", email="ann@example.org"
    )
    Phone.objects.create(contact=contact, number="020 7946 0001", description="Mobile")
    Phone.objects.create(service=service, number="020 7946 0002")
    return service


def service_bare_make(
    locality: Locality,
    organisation: Organisation,
    *,
    name: str,
    state: str = Service.ReviewState.PUBLISHED,
) -> Service:
    """A service with nothing optional filled in (a description is not
    optional in Kith)."""
    return Service.objects.create(
        locality=locality,
        organisation=organisation,
        name=name,
        description="Help.",
        review_state=state,
    )


def directory_make(locality: Locality, ward: Ward | None = None) -> Directory:
    """The varied directory the schema tests read."""
    taxonomy, terms = taxonomy_make(locality)
    Taxonomy.objects.create(locality=locality, name="Empty list")
    full_org = Organisation.objects.create(
        locality=locality,
        name="Age Concern Testford",
        description="Help for older people.",
        sector="voluntary",
        email="hello@example.org",
        website="https://example.org/",
        phone="020 7946 0000",
    )
    bare_org = Organisation.objects.create(
        locality=locality, name=ODD, sector="community"
    )
    full = service_full_make(locality, full_org, ward=ward, terms=terms)
    bare = service_bare_make(locality, bare_org, name="A")
    odd = service_bare_make(locality, bare_org, name=ODD)
    odd.description = ODD + "\nSecond line\ttab \\ backslash \x7f"
    odd.status = Service.Status.TEMPORARILY_CLOSED
    odd.minimum_age = 0
    odd.save()
    odd.terms.add(terms[3])
    hidden = [
        service_bare_make(locality, full_org, name=f"Not shown {state}", state=state)
        for state in (
            Service.ReviewState.DRAFT,
            Service.ReviewState.WAITING,
            Service.ReviewState.HIDDEN,
        )
    ]
    copy = Service.objects.create(
        locality=locality,
        organisation=full_org,
        name="Riverside lunch club (changed, not checked)",
        description="Changed",
        review_state=Service.ReviewState.WAITING,
        draft_of=full,
    )
    hidden.append(copy)
    locations = list(Location.objects.filter(locality=locality))
    return Directory(
        locality=locality,
        taxonomy=taxonomy,
        terms=terms,
        organisations=[full_org, bare_org],
        published=[full, bare, odd],
        hidden=hidden,
        locations=locations,
    )


def many_services_make(
    locality: Locality, organisation: Organisation, count: int
) -> list[Service]:
    """``count`` published services, each with a place, a schedule, a cost,
    a contact with a phone, a language and a term (for query counts)."""
    terms = list(TaxonomyTerm.objects.filter(taxonomy__locality=locality)[:2])
    made = []
    for n in range(count):
        service = Service.objects.create(
            locality=locality,
            organisation=organisation,
            name=f"Service {n:03d} {uuid.uuid4().hex[:6]}",
            description="Something useful.",
            review_state=Service.ReviewState.PUBLISHED,
        )
        location = Location.objects.create(
            locality=locality,
            name=f"Place {n}",
            address_1=f"{n} High Street",
            city="Testford",
            postcode="SE17 2AA",
            latitude=51.49 + n / 1000,
            longitude=-0.09,
            quiet=True,
        )
        sal = ServiceAtLocation.objects.create(service=service, location=location)
        Schedule.objects.create(
            service=service,
            service_at_location=sal,
            byday="FR",
            opens_at=time(9),
            closes_at=time(11),
        )
        CostOption.objects.create(service=service, kind=CostOption.Kind.FREE)
        contact = Contact.objects.create(service=service, name="Someone")
        Phone.objects.create(contact=contact, number="020 7946 0100")
        ServiceLanguage.objects.create(service=service, name="English", code="en")
        service.terms.add(*terms)
        made.append(service)
    return made


def postcode_make(postcode: str, latitude: float, longitude: float, ward: Ward) -> None:
    Postcode.objects.update_or_create(
        postcode=postcode,
        defaults={
            "latitude": latitude,
            "longitude": longitude,
            "ward_code": ward.ons_code,
        },
    )
