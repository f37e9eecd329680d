"""The demo locality's members: plans, interests, about 300 memberships on
each plan and in each state, consents, and supporters."""

import random
from datetime import date, timedelta

from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment, User
from kith.core.demo import DemoLoadError
from kith.members.models import (
    AccessNeed,
    Consent,
    FeePayment,
    Interest,
    Membership,
    MembershipPlan,
    SupporterLink,
)
from kith.members.rules import one_year_after
from kith.places.models import Locality, Ward

INTERESTS = [
    "Gardening",
    "Music",
    "Cards and board games",
    "Walking",
    "Reading",
    "Cooking",
    "Local history",
    "Knitting and crafts",
    "Films",
    "Sport",
    "Faith and worship",
    "Phones and computers",
    "Painting",
    "Dancing",
    "Quizzes",
    "Birdwatching",
]


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    full = MembershipPlan.objects.create(
        locality=locality,
        name="Full membership",
        description="Visits from Neighbourhood Helpers, activities and introductions.",
        yearly_fee_pence=3000,
        concession_fee_pence=1000,
        minimum_age=50,
        joining_credits=2,
    )
    social = MembershipPlan.objects.create(
        locality=locality,
        name="Social membership",
        description="Activities and introductions, with help booked when needed.",
        yearly_fee_pence=1200,
        concession_fee_pence=500,
        minimum_age=50,
        joining_credits=0,
    )
    interests = Interest.objects.bulk_create(
        [Interest(locality=locality, name=name) for name in INTERESTS]
    )
    wards = {ward.ons_code: ward for ward in Ward.objects.filter(locality=locality)}
    from kith.places.models import Postcode

    ward_of = dict(
        Postcode.objects.filter(ward_code__in=wards).values_list(
            "postcode", "ward_code"
        )
    )
    people = list(
        User.objects.filter(roles__locality=locality, roles__role=Role.MEMBER).order_by(
            "pk"
        )
    )
    today = timezone.localdate()
    memberships = []
    for person in people:
        roll = rng.random()
        status = (
            Membership.Status.ACTIVE
            if roll < 0.82
            else Membership.Status.APPLIED
            if roll < 0.9
            else Membership.Status.LAPSED
            if roll < 0.97
            else Membership.Status.LEFT
        )
        if person.email == "member@riverside.example":
            status = Membership.Status.ACTIVE
        started = today - timedelta(days=rng.randint(20, 700))
        renews = one_year_after(started)
        while renews <= today and status == Membership.Status.ACTIVE:
            renews = one_year_after(renews)
        born = date(rng.randint(1932, 1974), rng.randint(1, 12), rng.randint(1, 28))
        needs = [n for n in AccessNeed.values if rng.random() < 0.12]
        memberships.append(
            Membership(
                person=person,
                locality=locality,
                plan=full if rng.random() < 0.7 else social,
                concession=rng.random() < 0.45,
                status=status,
                joined_how=rng.choice(["phone", "phone", "online", "in_person"]),
                applied_on=started - timedelta(days=rng.randint(1, 10)),
                started_on=None if status == Membership.Status.APPLIED else started,
                renews_on=None if status == Membership.Status.APPLIED else renews,
                left_on=today - timedelta(days=rng.randint(1, 60))
                if status == Membership.Status.LEFT
                else None,
                leaving_credits="circle" if status == Membership.Status.LEFT else "",
                ward=wards.get(ward_of.get(person.postcode, "")),
                date_of_birth=born,
                access_needs=needs,
                access_needs_notes="Uses a walking frame."
                if AccessNeed.MOBILITY in needs
                else "",
                emergency_name=f"{rng.choice(['Sarah', 'Mark', 'Aisha', 'Grace'])} "
                f"{person.full_name.split()[-1]}"
                if rng.random() < 0.6
                else "",
                emergency_phone=f"0770090{rng.randint(1000, 1999)}",
                emergency_relationship=rng.choice(
                    ["daughter", "son", "neighbour", "niece"]
                ),
            )
        )
    Membership.objects.bulk_create(memberships)
    memberships = list(
        Membership.objects.filter(locality=locality).select_related("plan")
    )
    through = Membership.interests.through
    links, consents, payments = [], [], []
    for membership in memberships:
        for interest in rng.sample(interests, rng.randint(1, 4)):
            links.append(through(membership_id=membership.pk, interest_id=interest.pk))
        for kind in (Consent.Kind.INTRODUCTIONS, Consent.Kind.PHOTOGRAPHS):
            consents.append(
                Consent(
                    membership=membership,
                    kind=kind,
                    given=rng.random() < 0.7,
                    given_on=membership.applied_on,
                    how=membership.joined_how
                    if membership.joined_how != "in_person"
                    else "paper",
                )
            )
        if membership.started_on:
            payments.append(
                FeePayment(
                    membership=membership,
                    amount_pence=membership.plan.fee_for(
                        concession=membership.concession
                    ),
                    method=rng.choice(["cash", "cheque", "card", "bank"]),
                    reference=f"RV{membership.pk:05d}",
                    covers_from=membership.started_on,
                    covers_to=one_year_after(membership.started_on) - timedelta(days=1),
                    recorded_by_id=_coordinator_id(locality),
                )
            )
    through.objects.bulk_create(links)
    Consent.objects.bulk_create(consents)
    FeePayment.objects.bulk_create(payments)
    _supporters(locality, memberships, rng)


def _coordinator_id(locality: Locality) -> int:
    # The demo makes each locality's coordinators before anything they record.
    return (
        RoleAssignment.objects.filter(locality=locality, role=Role.COORDINATOR)  # type: ignore[return-value]
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )


def _supporters(
    locality: Locality, memberships: list[Membership], rng: random.Random
) -> None:
    supporter = User.objects.filter(email="supporter@riverside.example").first()
    member = next(
        (m for m in memberships if m.person.email == "member@riverside.example"), None
    )
    if supporter is None or member is None:
        raise DemoLoadError(
            "the demo supporter's link to the demo member",
            "the demo member or the demo supporter is missing",
        )
    # The demo member lets her daughter see her coming visits and ask for
    # help for her, so the supporter's login can show both.
    SupporterLink.objects.create(
        membership=member,
        supporter=supporter,
        name=supporter.full_name,
        relationship="daughter",
        email=supporter.email or "",
        status="active",
        share_visits=True,
        ask_for_help=True,
        see_credits=True,
        consent_how="online",
        accepted_at=timezone.now(),
    )
    current = [
        m for m in memberships if m.status in ("active", "applied") and m != member
    ]
    for membership in rng.sample(current, min(25, len(current))):
        surname = membership.person.full_name.split()[-1]
        first = rng.choice(
            ["Sarah", "Mark", "Aisha", "Tom", "Grace", "Daniel", "Priya"]
        )
        SupporterLink.objects.create(
            membership=membership,
            name=f"{first} {surname}",
            relationship=rng.choice(["daughter", "son", "niece", "friend"]),
            email=f"{first}.{surname}.{membership.pk}@example.com".lower().replace(
                "'", ""
            ),
            status="invited",
            consent_how="phone",
        )
