"""Named, realistic scenarios used across the tests."""

from dataclasses import dataclass

import pyotp
from django.utils import timezone

from kith.accounts.models import Authenticator, Role, User
from kith.places.models import Locality, Ward
from tests.factories import (
    LocalityFactory,
    PostcodeFactory,
    RoleFactory,
    UserFactory,
    WardFactory,
)


@dataclass
class Circle:
    """A locality with two wards and one person in each role."""

    locality: Locality
    ward: Ward
    member: User
    supporter: User
    helper: User
    coordinator: User
    council_officer: User
    organisation_editor: User
    safeguarding_lead: User
    admin: User

    def by_role(self, role: str) -> User:
        return getattr(self, role)

    def totp(self, user: User) -> pyotp.TOTP:
        return pyotp.TOTP(user.authenticator.secret)


STAFF = (Role.COORDINATOR, Role.COUNCIL_OFFICER, Role.SAFEGUARDING_LEAD, Role.ADMIN)


def circle(
    slug: str = "testford", name: str = "Testford Circle", postcode: str = "SE17 2AA"
) -> Circle:
    locality = LocalityFactory(
        name=name, slug=slug, council_name=f"{name} Council", phone="020 7946 0999"
    )
    ward = WardFactory(
        locality=locality, name=f"{name} North", ons_code=f"E0599{len(slug):04d}"[:9]
    )
    PostcodeFactory(
        postcode=postcode, latitude=51.49, longitude=-0.09, ward_code=ward.ons_code
    )
    people = {}
    for role in Role.values:
        user = UserFactory(
            full_name=f"{role.replace('_', ' ').title()} {name.split()[0]}",
            email=f"{role}@{slug}.example",
        )
        RoleFactory(user=user, locality=locality, role=role)
        if role in STAFF:
            Authenticator.objects.create(
                user=user, secret=pyotp.random_base32(), confirmed_at=timezone.now()
            )
        people[role] = user
    return Circle(locality=locality, ward=ward, **people)
