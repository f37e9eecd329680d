"""How fast the council's dashboard is for a large locality.

Builds a locality of --members members (default 50,000) in 20 wards who
joined over three years, 2,000 helpers, --visits visits (default 1,000,000:
done, cancelled and no-shows, five to a help request) and --surveys wellbeing
surveys (default 200,000: baselines and follow-ups with their ONS scores)
over the same three years, written straight to the database in batches.
Then counts the settled months' visits as the nightly job does
(``visit_months_refresh``, ADR 0044), and, as a council officer, opens the
dashboard for the last twelve months and every ward (the whole page,
through Django's test client: every query, suppression and the template)
three times, and reports the median.

Targets: the dashboard under 1 s of server time; the memory Python
allocates while making it (tracemalloc's peak) under 200 MB, so a large
locality does not need a large server; the nightly count within 10
minutes.

    .venv/bin/python bench/reports.py [--members N --visits N --surveys N]
    .venv/bin/python bench/reports.py --scale 0.1    # a tenth of everything

Runs on SQLite, or on PostgreSQL when DATABASE_URL is set (in a scratch
database, see bench/common.py).
"""

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_label, django_setup, peak_rss_mb, target

WARDS = 20
HELPERS = 2000
BATCH = 5000
YEARS = 3


def _batches(make, total: int, model) -> None:
    """Create ``total`` rows of ``model`` from ``make(i)``, a batch at a time."""
    for start in range(0, total, BATCH):
        model.objects.bulk_create(
            [make(i) for i in range(start, min(start + BATCH, total))],
            batch_size=BATCH,
        )


def build(members: int, visits: int, surveys: int):
    from django.utils import timezone

    from kith.accounts.models import Role, RoleAssignment, User
    from kith.help.models import HelpCategory, HelpRequest, Visit
    from kith.help.services import categories_create_defaults
    from kith.helpers.models import HelperProfile
    from kith.members.models import Membership, MembershipPlan
    from kith.places.models import Locality, Ward
    from kith.reports.models import Survey

    rng = random.Random(18)
    today = timezone.localdate()
    first_day = today - timedelta(days=365 * YEARS)
    span = (today - first_day).days
    locality = Locality.objects.create(
        name="Bench Circle", slug="bench", council_name="Bench", phone="020 7946 0000"
    )
    wards = Ward.objects.bulk_create(
        [
            Ward(locality=locality, name=f"Ward {n:02d}", ons_code=f"E0590{n:04d}")
            for n in range(WARDS)
        ]
    )
    plan = MembershipPlan.objects.create(
        locality=locality, name="Full", yearly_fee_pence=3000, concession_fee_pence=1000
    )
    categories_create_defaults(locality=locality)
    categories = list(HelpCategory.objects.filter(locality=locality))
    officer = User.objects.create(full_name="Bench Officer", email="officer@bench")
    RoleAssignment.objects.create(
        user=officer, locality=locality, role=Role.COUNCIL_OFFICER
    )
    people = members + HELPERS
    unusable = "!"
    _batches(lambda i: User(full_name=f"Person {i}", password=unusable), people, User)
    user_ids = list(
        User.objects.exclude(pk=officer.pk).order_by("pk").values_list("pk", flat=True)
    )
    member_users, helper_users = user_ids[:members], user_ids[members:]
    started = [first_day + timedelta(days=rng.randrange(span)) for _ in range(members)]

    def membership(i: int) -> Membership:
        left = rng.random() < 0.1
        return Membership(
            person_id=member_users[i],
            locality=locality,
            plan=plan,
            status="left" if left else "active",
            joined_how="phone",
            applied_on=started[i],
            started_on=started[i],
            left_on=min(started[i] + timedelta(days=rng.randint(30, 600)), today)
            if left
            else None,
            ward=wards[i % WARDS],
            date_of_birth=date(rng.randint(1930, 1975), rng.randint(1, 12), 1),
        )

    _batches(membership, members, Membership)
    membership_ids = list(
        Membership.objects.filter(locality=locality)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _batches(
        lambda i: HelperProfile(
            user_id=helper_users[i],
            locality=locality,
            status="active",
            approved_at=timezone.now(),
            date_of_birth=date(1980, 1, 1),
            pay_basis="volunteer",
            right_to_work=True,
            application_channel="phone",
        ),
        HELPERS,
        HelperProfile,
    )
    helper_ids = list(
        HelperProfile.objects.filter(locality=locality).values_list("pk", flat=True)
    )
    requests = max(visits // 5, 1)
    _batches(
        lambda i: HelpRequest(
            locality=locality,
            membership_id=membership_ids[i % members],
            category=categories[i % len(categories)],
            details="Bench",
            minutes=60,
            status="done",
            asked_by_id=member_users[i % members],
            asked_how="phone",
        ),
        requests,
        HelpRequest,
    )
    request_ids = list(
        HelpRequest.objects.filter(locality=locality)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    midnight = timezone.make_aware(datetime.combine(first_day, datetime.min.time()))

    def visit(i: int) -> Visit:
        roll = rng.random()
        status = "settled" if roll < 0.85 else "cancelled" if roll < 0.95 else "no_show"
        return Visit(
            request_id=request_ids[i % requests],
            helper_id=helper_ids[i % HELPERS],
            occurrence=i // requests + 1,
            status=status,
            starts_at=midnight + timedelta(minutes=rng.randrange(span * 1440)),
            minutes=rng.choice([30, 60, 60, 90, 120]),
            offered_by=officer,
        )

    _batches(visit, visits, Visit)
    per_member = max(surveys // members, 1)

    def survey(i: int) -> Survey:
        m = i % members
        wave = i // members
        answered = started[m] + timedelta(days=183 * wave + rng.randint(0, 20))
        return Survey(
            membership_id=membership_ids[m],
            locality=locality,
            wave=wave,
            due_on=answered,
            status="answered",
            how="phone",
            answered_on=min(answered, today),
            recorded_by=officer,
            life_satisfaction=min(10, rng.randint(3, 8) + wave),
            worthwhile=rng.randint(3, 10),
            happiness=rng.randint(2, 10),
            anxiety=rng.randint(0, 8),
            lonely_direct=rng.randint(1, 5),
            ucla_total=rng.randint(3, 9),
        )

    _batches(survey, min(surveys, members * (per_member + 1)), Survey)
    return locality, officer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--surveys", type=int, default=200_000)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    members = int(args.members * args.scale)
    visits = int(args.visits * args.scale)
    surveys = int(args.surveys * args.scale)
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["*"]
    print(f"Database: {database_label()}")
    print(f"Building {members} members, {visits} visits, {surveys} surveys...")
    began = time.perf_counter()
    _locality, officer = build(members, visits, surveys)
    print(f"Built in {time.perf_counter() - began:.0f} s")
    # What the nightly job does: settled months' visits counted once, so
    # the dashboard reads a few thousand rows, not a year of visits.
    from kith.reports.services import visit_months_refresh

    began = time.perf_counter()
    rows = visit_months_refresh(locality=_locality)
    nightly = time.perf_counter() - began
    print(f"Nightly count of visits by month: {rows} rows in {nightly:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(officer)
    url = reverse("reports:dashboard")
    times = []
    for _run in range(3):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        if response.status_code != 200 or b"Headline figures" not in response.content:
            raise SystemExit(f"The dashboard failed: {response.status_code}")
    # Memory in a run of its own: tracing allocations slows Python down.
    tracemalloc.start()
    client.get(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    median = statistics.median(times)
    print(f"Dashboard, a year and every ward: {', '.join(f'{t:.2f}' for t in times)} s")
    print(f"Peak memory of the process (building included): {peak_rss_mb():.0f} MB")
    target("dashboard_seconds", median, 1.0, "<=")
    target("dashboard_allocated_mb", peak / 1024 / 1024, 200, "<=")
    target("nightly_visit_months_seconds", nightly, 600, "<=")


if __name__ == "__main__":
    main()
