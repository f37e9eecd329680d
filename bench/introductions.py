"""How fast introductions are suggested for a locality of 10,000 members.

Builds a locality with --members active members (default 10,000) spread over
a borough about 7 km across, each with their own postcode, one to four of 30
interests (a few common, most rare), usually-free times for most, access
needs for some, and seven in ten consenting to be introduced. Then times
``introductions_suggest`` end to end: reading the members, scoring (the pure
rules in kith/social/scoring.py) and writing the suggestions with their
reasons. Target: under 5 seconds.

    .venv/bin/python bench/introductions.py [--members 10000]

Runs on SQLite, or on PostgreSQL when DATABASE_URL is set (in a scratch
database, see bench/common.py).
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_label, django_setup, peak_rss_mb, target

CENTRE = (51.49, -0.09)
SPREAD = (0.065, 0.1)  # degrees: about 7 km each way
INTERESTS = 30
NEEDS = ("hearing", "sight", "mobility", "memory")


def build(members: int):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from kith.accounts.models import Role, RoleAssignment, User
    from kith.members.models import Consent, Interest, Membership, MembershipPlan
    from kith.places.models import Locality, Postcode
    from kith.social.models import FREE_TIMES, SocialProfile

    rng = random.Random(7)
    locality = Locality.objects.create(
        name="Bench Circle", slug="bench", council_name="Bench", phone="020 7946 0000"
    )
    plan = MembershipPlan.objects.create(
        locality=locality, name="Full", yearly_fee_pence=3000, concession_fee_pence=1000
    )
    interests = Interest.objects.bulk_create(
        [Interest(locality=locality, name=f"Interest {n}") for n in range(INTERESTS)]
    )
    # Zipf-like popularity: the first few interests are common, most are rare.
    popularity = [1 / (n + 1) for n in range(INTERESTS)]
    Postcode.objects.bulk_create(
        [
            Postcode(
                postcode=f"BN{n // 1000} {n % 1000:03d}",
                latitude=CENTRE[0] + (rng.random() - 0.5) * SPREAD[0],
                longitude=CENTRE[1] + (rng.random() - 0.5) * SPREAD[1],
                ward_code="E05999999",
            )
            for n in range(members)
        ],
        batch_size=2000,
    )
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                full_name=f"Member {n}",
                postcode=f"BN{n // 1000} {n % 1000:03d}",
                home_locality=locality,
                password=unusable,
            )
            for n in range(members)
        ],
        batch_size=2000,
    )
    people = list(User.objects.filter(home_locality=locality).order_by("pk"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=p, locality=locality, role=Role.MEMBER) for p in people],
        batch_size=2000,
    )
    today = timezone.localdate()
    Membership.objects.bulk_create(
        [
            Membership(
                person=p,
                locality=locality,
                plan=plan,
                status="active",
                joined_how="phone",
                started_on=today,
                access_needs=[need for need in NEEDS if rng.random() < 0.12],
            )
            for p in people
        ],
        batch_size=2000,
    )
    memberships = list(Membership.objects.filter(locality=locality).order_by("pk"))
    through = Membership.interests.through
    links, consents, profiles = [], [], []
    codes = [code for code, _label in FREE_TIMES]
    for m in memberships:
        chosen = set(rng.choices(interests, weights=popularity, k=rng.randint(1, 4)))
        links.extend(through(membership_id=m.pk, interest_id=i.pk) for i in chosen)
        consents.append(
            Consent(
                membership=m,
                kind="introductions",
                given=rng.random() < 0.7,
                how="phone",
            )
        )
        if rng.random() < 0.6:
            profiles.append(
                SocialProfile(
                    membership=m, free_times=rng.sample(codes, rng.randint(2, 8))
                )
            )
    through.objects.bulk_create(links, batch_size=5000)
    Consent.objects.bulk_create(consents, batch_size=5000)
    SocialProfile.objects.bulk_create(profiles, batch_size=5000)
    return locality


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    args = parser.parse_args()
    django_setup()

    from kith.social import scoring, services
    from kith.social.models import Introduction

    print(f"database: {database_label()}")
    started = time.perf_counter()
    locality = build(args.members)
    print(f"built {args.members} members in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    members = services.members_for_scoring(locality=locality)
    read = time.perf_counter() - started
    started = time.perf_counter()
    found = scoring.suggest(members)
    scored = time.perf_counter() - started
    taking_part = sum(1 for m in members if m.consents)
    print(f"read members: {read:.2f} s; scoring alone: {scored:.2f} s")
    print(f"{taking_part} consenting members; {len(found)} suggestions")

    started = time.perf_counter()
    added = services.introductions_suggest(actor=None, locality=locality)
    seconds = time.perf_counter() - started
    if added != len(found) or Introduction.objects.count() != added:
        raise SystemExit(f"expected {len(found)} suggestions, added {added}")
    best = Introduction.objects.filter(locality=locality).order_by("-score").first()
    if best is not None:
        print("best suggestion's reasons: " + " ".join(r["text"] for r in best.reasons))
    again = time.perf_counter()
    more = services.introductions_suggest(actor=None, locality=locality)
    print(f"run again: {more} added in {time.perf_counter() - again:.2f} s")
    print(f"suggest end to end: {seconds:.2f} s; peak memory {peak_rss_mb():.0f} MB")
    target("introductions_seconds", seconds, 5, "<=")


if __name__ == "__main__":
    main()
