"""How fast the Open Referral API answers for a directory of 20,000 services.

Builds a locality with --services services (default 20,000) in --organisations
organisations (default 2,000), each service with a place, opening times,
costs, a contact with a phone, a language, categories and wards served; a
tenth of them are drafts or waiting for a check (never shown). Then requests
/openreferral/ pages through Django's test client (middleware, selectors,
JSON: everything but the network) and prints the server time per request.

Targets: pages of /openreferral/services and postcode searches with a 95th
percentile under 100 ms; the number of queries per page the same whatever
the page size.

    .venv/bin/python bench/directory.py [--services 20000] [--organisations 2000]
        [--repeat 30]

Runs on SQLite, or on PostgreSQL when DATABASE_URL is set (in a scratch
database, see bench/common.py; KITH_BENCH_DATABASE names it).
"""

import argparse
import random
import statistics
import sys
import time
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_label, django_setup, peak_rss_mb, target

WORDS = [
    "lunch",
    "club",
    "befriending",
    "walk",
    "library",
    "computer",
    "class",
    "repairs",
    "advice",
    "money",
    "carers",
    "choir",
    "memory",
    "café",
    "garden",
    "transport",
    "exercise",
    "yoga",
    "tea",
    "dance",
    "art",
    "bereavement",
    "benefits",
    "energy",
    "warm",
    "space",
    "food",
    "bank",
    "craft",
    "reading",
]
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BATCH = 2000


def build(services: int, organisations: int) -> dict:
    from django.db import connection

    from kith.directory.models import (
        Contact,
        CostOption,
        Location,
        Organisation,
        Phone,
        Schedule,
        Service,
        ServiceAtLocation,
        ServiceLanguage,
        TaxonomyTerm,
    )
    from kith.directory.services import taxonomy_default_create
    from kith.places.demo import demo_places_load
    from kith.places.models import Postcode, Ward

    rng = random.Random(15)
    locality = demo_places_load(rng=rng)
    taxonomy_default_create(locality=locality)
    terms = list(TaxonomyTerm.objects.filter(taxonomy__locality=locality))
    wards = list(Ward.objects.filter(locality=locality))
    postcodes = list(Postcode.objects.filter(postcode__startswith="RV"))
    sectors = ["public", "private", "voluntary", "community", "faith"]
    Organisation.objects.bulk_create(
        [
            Organisation(
                locality=locality,
                name=f"Organisation {n:04d} {rng.choice(WORDS).title()}",
                description=f"We run {rng.choice(WORDS)} and {rng.choice(WORDS)}.",
                sector=rng.choice(sectors),
                email=f"org{n}@bench.example" if n % 2 else "",
                website=f"https://org{n}.bench.example/" if n % 3 else "",
            )
            for n in range(organisations)
        ],
        batch_size=BATCH,
    )
    orgs = list(Organisation.objects.filter(locality=locality).order_by("pk"))
    # Two places per organisation, at real (demo) postcodes.
    places = []
    for org in orgs:
        for n in range(2):
            postcode = rng.choice(postcodes)
            places.append(
                Location(
                    locality=locality,
                    organisation=org,
                    name=f"{org.name} place {n + 1}",
                    address_1=f"{rng.randint(1, 200)} High Street",
                    city="Riverside",
                    postcode=postcode.postcode,
                    latitude=postcode.latitude,
                    longitude=postcode.longitude,
                    step_free=rng.random() < 0.6,
                    hearing_loop=rng.random() < 0.2,
                )
            )
    Location.objects.bulk_create(places, batch_size=BATCH)
    places_of: dict[int, list] = {}
    for place in Location.objects.filter(locality=locality).order_by("pk"):
        places_of.setdefault(place.organisation_id, []).append(place)
    states = ["published"] * 9 + [rng.choice(["draft", "waiting"])]
    rows = []
    for n in range(services):
        org = orgs[n % len(orgs)]
        words = rng.sample(WORDS, 3)
        young = rng.choice([None, None, 18, 50, 60, 65])
        rows.append(
            Service(
                locality=locality,
                organisation=org,
                name=f"{words[0].title()} {words[1]} {n:05d}",
                description=f"A {words[0]} {words[1]} with {words[2]}. " * 3,
                url=f"https://org{n}.bench.example/s" if n % 4 else "",
                email=f"s{n}@bench.example" if n % 5 else "",
                review_state=rng.choice(states),
                minimum_age=young,
                maximum_age=rng.choice([None, 120]) if young else None,
                radius_km=Decimal(rng.choice(["1.5", "3.0"])) if n % 7 == 0 else None,
                how_to_access=["drop_in"] if n % 2 else ["phone", "referral"],
            )
        )
    Service.objects.bulk_create(rows, batch_size=BATCH)
    made = list(Service.objects.filter(locality=locality).order_by("pk"))
    sals = [
        ServiceAtLocation(service=s, location=rng.choice(places_of[s.organisation_id]))
        for s in made
    ]
    ServiceAtLocation.objects.bulk_create(sals, batch_size=BATCH)
    sal_of = {
        sal.service_id: sal
        for sal in ServiceAtLocation.objects.filter(service__locality=locality)
    }
    schedules = []
    for service in made:
        opens = rng.choice([9, 10, 13, 14])
        schedules.append(
            Schedule(
                service=service,
                service_at_location=sal_of[service.pk],
                byday=",".join(sorted(rng.sample(DAYS, rng.randint(1, 2)))),
                opens_at=time_of_day(opens),
                closes_at=time_of_day(opens + rng.choice([1, 2, 3])),
                description="",
            )
        )
    Schedule.objects.bulk_create(schedules, batch_size=BATCH)
    CostOption.objects.bulk_create(
        [
            CostOption(service=s, kind="free")
            if n % 3
            else CostOption(service=s, kind="pounds", amount=Decimal("3.50"))
            for n, s in enumerate(made)
        ],
        batch_size=BATCH,
    )
    Contact.objects.bulk_create(
        [Contact(service=s, name=f"Contact {s.pk}", title="Organiser") for s in made],
        batch_size=BATCH,
    )
    Phone.objects.bulk_create(
        [
            Phone(contact=c, number=f"020 7946 {c.pk % 10000:04d}")
            for c in Contact.objects.filter(service__locality=locality)
        ],
        batch_size=BATCH,
    )
    ServiceLanguage.objects.bulk_create(
        [ServiceLanguage(service=s, name="English", code="en") for s in made],
        batch_size=BATCH,
    )
    through_terms = Service.terms.through
    through_terms.objects.bulk_create(
        [
            through_terms(service_id=s.pk, taxonomyterm_id=t.pk)
            for s in made
            for t in rng.sample(terms, rng.randint(1, 3))
        ],
        batch_size=BATCH,
    )
    through_wards = Service.wards.through
    through_wards.objects.bulk_create(
        [
            through_wards(service_id=s.pk, ward_id=w.pk)
            for n, s in enumerate(made)
            if n % 7 and n % 3 == 0
            for w in rng.sample(wards, 2)
        ],
        batch_size=BATCH,
    )
    # Planner statistics (and on PostgreSQL the visibility map that lets a
    # count read the index alone), as a live directory would long have had
    # from autovacuum.
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        )
    published = [s for s in made if s.review_state == "published"]
    return {
        "locality": locality,
        "published": len(published),
        "service": rng.choice(published),
        "term": rng.choice(terms),
        "postcodes": [p.postcode for p in rng.sample(postcodes, 10)],
    }


def measure(client, urls: list[str], repeat: int) -> list[float]:
    """Server time of each request, in ms, going round ``urls`` ``repeat``
    times (after one round to warm caches)."""
    for url in urls:
        client.get(url)
    times = []
    for n in range(repeat):
        url = urls[n % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def queries_for(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--organisations", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=30)
    options = parser.parse_args()

    django_setup(fresh=True)
    from django.conf import settings
    from django.test import Client

    settings.DEBUG = False  # no query logging while timing
    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    world = build(options.services, options.organisations)
    print(
        f"database: {database_label()}; built {options.services} services "
        f"({world['published']} published) in {options.organisations} "
        f"organisations in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    base = "/openreferral"
    postcodes = [p.replace(" ", "+") for p in world["postcodes"]]
    lists = [
        ("services, first page", [f"{base}/services"]),
        ("services, 100 per page", [f"{base}/services?per_page=100"]),
        (
            "services, pages 2 to 300",
            [f"{base}/services?page={n}" for n in (2, 40, 150, 300)],
        ),
        ("services, search 'lunch club'", [f"{base}/services?search=lunch+club"]),
        (
            "services, one category",
            [f"{base}/services?taxonomy_term_id={world['term'].uuid}"],
        ),
        (
            "services, Tuesday from 10:00",
            [f"{base}/services?day=TU&start_time=10:00"],
        ),
        ("taxonomy terms", [f"{base}/taxonomy_terms"]),
        ("one full service", [f"{base}/services/{world['service'].uuid}"]),
    ]
    searches = [
        (
            "services covering a postcode",
            [f"{base}/services?postcode={p}" for p in postcodes],
        ),
        (
            "services within 1 km",
            [f"{base}/services?postcode={p}&proximity=1000" for p in postcodes],
        ),
        (
            "services within 1 km, lunch",
            [
                f"{base}/services?postcode={p}&proximity=1000&search=lunch"
                for p in postcodes
            ],
        ),
        (
            "places within 1 km",
            [
                f"{base}/service_at_locations?postcode={p}&proximity=1000"
                for p in postcodes
            ],
        ),
    ]
    worst = {"pages": 0.0, "postcode": 0.0}
    for kind, group in (("pages", lists), ("postcode", searches)):
        for label, urls in group:
            times = sorted(measure(client, urls, options.repeat))
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            worst[kind] = max(worst[kind], p95)
            print(
                f"{label:34} median {statistics.median(times):6.1f} ms  "
                f"p95 {p95:6.1f} ms  max {times[-1]:6.1f} ms"
            )
    spread = 0
    for path in (
        "/services?",
        "/services?postcode=" + postcodes[0] + "&",
        "/service_at_locations?",
        "/taxonomy_terms?",
    ):
        counts = {
            n: queries_for(client, f"{base}{path}per_page={n}") for n in (1, 10, 100)
        }
        spread = max(spread, max(counts.values()) - min(counts.values()))
        shown = ", ".join(f"{n} per page: {c}" for n, c in counts.items())
        print(f"queries for {path.rstrip('?&'):34} {shown}")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    met = [
        target("openreferral_pages_p95_ms", worst["pages"], 100, "<="),
        target("openreferral_postcode_p95_ms", worst["postcode"], 100, "<="),
        target("openreferral_queries_spread_by_page_size", spread, 0, "<="),
    ]
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
