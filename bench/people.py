"""How fast the coordinators' member and helper lists answer at 10,000 members.

Builds a locality with --members members (default 10,000) and --helpers
helpers (default 2,000), then requests each list page through Django's test
client (middleware, selectors, templates: everything but the network) and
prints the server time per request. Target: the 95th percentile under 100 ms.

    .venv/bin/python bench/people.py [--members 10000] [--helpers 2000] [--repeat 30]

Runs on SQLite, or on PostgreSQL when DATABASE_URL is set (in a scratch
database, see bench/common.py).
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_label, django_setup, peak_rss_mb, target


def build(members: int, helpers: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from kith.accounts.demo import FIRST_NAMES, STREETS, SURNAMES
    from kith.accounts.models import Role, RoleAssignment, User
    from kith.members.models import Interest, Membership, MembershipPlan
    from kith.places.demo import demo_places_load
    from kith.places.models import Postcode, Ward

    rng = random.Random(7)
    locality = demo_places_load(rng=rng)
    coordinator = User.objects.create(
        full_name="Bench Coordinator", email="c@bench.example"
    )
    RoleAssignment.objects.create(
        user=coordinator, locality=locality, role=Role.COORDINATOR
    )
    plans = [
        MembershipPlan.objects.create(
            locality=locality,
            name=name,
            yearly_fee_pence=fee,
            concession_fee_pence=fee // 3,
        )
        for name, fee in (("Full", 3000), ("Social", 1200))
    ]
    Interest.objects.bulk_create(
        [Interest(locality=locality, name=f"Interest {n}") for n in range(12)]
    )
    postcodes = list(Postcode.objects.filter(postcode__startswith="RV"))
    wards = {w.ons_code: w for w in Ward.objects.filter(locality=locality)}
    unusable = make_password(None)
    people = []
    for n in range(members + helpers):
        postcode = rng.choice(postcodes)
        people.append(
            User(
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                email=f"p{n}@bench.example" if n % 3 == 0 else None,
                mobile=f"+4477{n:08d}" if n % 2 == 0 else None,
                address_line_1=f"{n % 120 + 1} {rng.choice(STREETS)}",
                town="Riverside",
                postcode=postcode.postcode,
                home_locality=locality,
                password=unusable,
            )
        )
    User.objects.bulk_create(people, batch_size=2000)
    created = list(
        User.objects.filter(home_locality=locality, password=unusable).order_by("pk")
    )
    member_people, helper_people = created[:members], created[members:]
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=p, locality=locality, role=Role.MEMBER)
            for p in member_people
        ]
        + [
            RoleAssignment(user=p, locality=locality, role=Role.HELPER)
            for p in helper_people
        ],
        batch_size=2000,
    )
    today = timezone.localdate()
    statuses = ["active"] * 8 + ["applied", "lapsed"]
    Membership.objects.bulk_create(
        [
            Membership(
                person=p,
                locality=locality,
                plan=rng.choice(plans),
                status=rng.choice(statuses),
                joined_how="phone",
                started_on=today - timedelta(days=100),
                renews_on=today + timedelta(days=rng.randint(1, 365)),
                ward=wards.get(
                    next(pc.ward_code for pc in postcodes if pc.postcode == p.postcode)
                ),
                date_of_birth=date(1950, 1, 1),
            )
            for p in member_people
        ],
        batch_size=2000,
    )
    build_helpers(locality, helper_people, rng)
    # Fresh tables have no planner statistics until autovacuum (PostgreSQL)
    # or ANALYZE (SQLite) gathers them, as it would long before a live
    # circle reached 10,000 members: without them PostgreSQL plans a search
    # as if the tables were empty.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "locality": locality,
        "coordinator": coordinator,
        "wards": list(wards.values()),
    }


def build_helpers(locality, people, rng) -> None:
    """Helper profiles, checks, skills and times for every person with the
    helper role, through the helpers part's own demo loader (which starts
    from its demo helper, so the first helper is given that login)."""
    from kith.accounts.models import User
    from kith.helpers.demo import DEMO_LOGIN, demo_load

    User.objects.filter(pk=people[0].pk).update(email=DEMO_LOGIN)
    demo_load(locality=locality, rng=rng)


def measure(client, url: str, repeat: int) -> list[float]:
    client.get(url)  # warm caches and the session
    times = []
    for _n in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--helpers", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=30)
    options = parser.parse_args()

    django_setup(fresh=True)
    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    settings.DEBUG = False  # no query logging while timing
    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    world = build(options.members, options.helpers)
    print(
        f"database: {database_label()}; built {options.members} members and "
        f"{options.helpers} helpers in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(world["coordinator"])
    ward = world["wards"][0]
    pages = [
        ("members, first page", reverse("members:list")),
        ("members, search 'smith'", reverse("members:list") + "?q=smith"),
        (
            "members, one ward, active",
            reverse("members:list") + f"?ward={ward.pk}&status=active",
        ),
        ("members, renewal due", reverse("members:list") + "?renewal_due=on"),
        ("members, page 20", reverse("members:list") + "?page=20"),
    ]
    try:
        helpers_url = reverse("helpers:list")
    except NoReverseMatch:
        helpers_url = ""
    if helpers_url:
        pages += [
            ("helpers, first page", helpers_url),
            ("helpers, search 'smith'", helpers_url + "?q=smith"),
        ]
    worst = 0.0
    for label, url in pages:
        times = sorted(measure(client, url, options.repeat))
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        worst = max(worst, p95)
        print(
            f"{label:32} median {statistics.median(times):6.1f} ms  "
            f"p95 {p95:6.1f} ms  max {times[-1]:6.1f} ms"
        )
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    met = target("people_list_p95_ms", worst, 100, "<=")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
