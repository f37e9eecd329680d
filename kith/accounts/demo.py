"""The demo locality's people: one login per role, and about 300 members and
60 Neighbourhood Helpers with plausible, fictional names and addresses."""

import base64
import hashlib
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from kith.accounts.models import (
    STAFF_ROLES,
    Authenticator,
    Role,
    RoleAssignment,
    User,
)
from kith.places.models import Locality, Postcode

DEMO_PASSWORD = "circle-demo-2026"  # noqa: S105 - printed for the demo on purpose

FIRST_NAMES = [
    "Joan",
    "Margaret",
    "Patricia",
    "Barbara",
    "Jean",
    "Maureen",
    "Sheila",
    "Brenda",
    "Pauline",
    "Valerie",
    "Irene",
    "Doreen",
    "Eileen",
    "Sylvia",
    "Shirley",
    "Christine",
    "Rita",
    "Audrey",
    "Kathleen",
    "Iris",
    "Gloria",
    "Beryl",
    "Patrick",
    "John",
    "David",
    "Michael",
    "Peter",
    "Brian",
    "Anthony",
    "Derek",
    "Kenneth",
    "Roy",
    "Alan",
    "Terence",
    "Dennis",
    "Colin",
    "Raymond",
    "Leslie",
    "Trevor",
    "Stanley",
    "Clive",
    "Winston",
    "Desmond",
    "Ade",
    "Tunde",
    "Amarjit",
    "Gurdev",
    "Hamid",
    "Yusuf",
    "Mei",
    "Ling",
    "Krystyna",
    "Stanislaw",
    "Siobhan",
    "Declan",
    "Nia",
    "Rhys",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Okafor",
    "Adeyemi",
    "Campbell",
    "Murphy",
    "Kelly",
    "O'Brien",
    "Kowalski",
    "Nowak",
    "Chen",
    "Wong",
    "Singh",
    "Kaur",
    "Begum",
    "Ahmed",
    "Hughes",
    "Edwards",
    "Lewis",
    "Morgan",
    "Price",
    "Bennett",
    "Shaw",
    "Mensah",
    "Boateng",
    "Francis",
]
STREETS = [
    "Mill Lane",
    "Wharf Road",
    "Church Street",
    "Anne’s Close",
    "Ferry Walk",
    "Cooper’s Row",
    "Tanner Street",
    "Rope Yard",
    "Market Street",
    "Lock Terrace",
    "Orchard Way",
    "Victoria Road",
    "Albert Gardens",
    "Chapel Place",
    "Bridge Street",
    "Canal Side",
    "Barge House Road",
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str


DEMO_LOGINS = [
    DemoLogin(Role.MEMBER, "member@riverside.example", "Joan Adeyemi"),
    DemoLogin(Role.SUPPORTER, "supporter@riverside.example", "Grace Adeyemi"),
    DemoLogin(Role.HELPER, "helper@riverside.example", "Sam Okafor"),
    DemoLogin(Role.COORDINATOR, "coordinator@riverside.example", "Priya Shah"),
    DemoLogin(Role.COUNCIL_OFFICER, "council@riverside.example", "Tom Becker"),
    DemoLogin(Role.ORGANISATION_EDITOR, "editor@riverside.example", "Ade Mensah"),
    DemoLogin(
        Role.SAFEGUARDING_LEAD, "safeguarding@riverside.example", "Ruth Campbell"
    ),
    DemoLogin(Role.ADMIN, "admin@riverside.example", "Morgan Reid"),
]


def demo_authenticator_secret(email: str) -> str:
    """A fixed authenticator secret per demo account, so the demo can show the
    current code. Never used outside the demo."""
    digest = hashlib.sha256(f"kith-demo:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def _address(rng: random.Random, postcodes: list[Postcode]) -> dict[str, str]:
    postcode = rng.choice(postcodes)
    return {
        "address_line_1": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        "town": "Riverside",
        "postcode": postcode.postcode,
    }


def demo_people_load(*, locality: Locality, rng: random.Random) -> list[DemoLogin]:
    postcodes = list(
        Postcode.objects.filter(postcode__startswith="RV").order_by("postcode")
    )
    now = timezone.now()
    mobile_numbers = iter(range(900000, 901000))
    logins = []
    for login in DEMO_LOGINS:
        user = User(
            full_name=login.name,
            preferred_name=login.name.split()[0],
            email=login.email,
            mobile=f"+447700{next(mobile_numbers)}",
            home_locality=locality,
            is_staff=login.role == Role.ADMIN,
            is_superuser=login.role == Role.ADMIN,
            **_address(rng, postcodes),
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        RoleAssignment.objects.create(user=user, locality=locality, role=login.role)
        if login.role in STAFF_ROLES:
            Authenticator.objects.create(
                user=user,
                secret=demo_authenticator_secret(login.email),
                confirmed_at=now,
            )
        logins.append(login)

    people = []
    unusable = make_password(None)
    for index in range(360):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        has_mobile = rng.random() < 0.55
        has_email = rng.random() < 0.35
        people.append(
            User(
                full_name=f"{first} {last}",
                preferred_name=first if rng.random() < 0.3 else "",
                email=f"{first}.{last}.{index}@example.com".lower().replace("'", "")
                if has_email
                else None,
                mobile=f"+447700{next(mobile_numbers)}" if has_mobile else None,
                phone=f"0207946{rng.randint(1000, 9999):04d}"[:11]
                if not has_mobile
                else "",
                home_locality=locality,
                password=unusable,
                date_joined=now,
                **_address(rng, postcodes),
            )
        )
    User.objects.bulk_create(people)
    created = list(
        User.objects.filter(home_locality=locality, password=unusable).order_by("pk")
    )
    roles = [
        RoleAssignment(
            user=person,
            locality=locality,
            role=Role.MEMBER if index < 300 else Role.HELPER,
        )
        for index, person in enumerate(created)
    ]
    RoleAssignment.objects.bulk_create(roles)
    return logins
