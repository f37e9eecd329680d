"""The demo locality's social side: places with their access, activities
this week and next (some hosted by members, one waiting for approval, one
full with a waiting list), places booked, and introductions in every state.

Everything goes through the services, so it is exactly what the application
would make.
"""

import random
from datetime import time, timedelta

from django.db.models import Q
from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment, User
from kith.core.demo import DemoLoadError, demo_step
from kith.members.models import Consent, Interest, Membership
from kith.places.models import Locality, Postcode, Ward
from kith.social import services
from kith.social.models import FREE_TIMES, Introduction, SocialProfile

VENUES = [
    # name, address, features, buses
    (
        "St Mary's Church Hall",
        "12 Church Street",
        {"step_free", "accessible_toilet", "hearing_loop", "seating", "quiet"},
        "12, 35",
    ),
    ("The Riverside Café", "3 Wharf Road", {"step_free", "seating"}, "171"),
    (
        "Riverside Library",
        "40 High Street",
        {"step_free", "accessible_toilet", "hearing_loop", "seating", "quiet"},
        "12, 148",
    ),
    ("Albion Bowls Club", "Albion Park", {"parking", "seating"}, "35"),
]

ACTIVITIES = [
    # title, description, venue, interest, day offset, hour, weekly dates,
    # places, cost, host ("coordinator" or "member")
    (
        "Coffee morning",
        "Tea, coffee and cake, and a chat. Everyone welcome.",
        0,
        None,
        1,
        10,
        8,
        20,
        ("free", 0),
        "coordinator",
    ),
    (
        "Knit and natter",
        "Bring your knitting or crochet, or learn. Wool provided.",
        2,
        "Knitting and crafts",
        2,
        14,
        6,
        12,
        ("free", 0),
        "member",
    ),
    (
        "Walk round the park",
        "An easy walk of about a mile, with a bench every few minutes.",
        3,
        "Walking",
        3,
        11,
        4,
        15,
        ("free", 0),
        "member",
    ),
    (
        "Quiz afternoon",
        "Teams of four. Prizes for everyone.",
        1,
        "Quizzes",
        4,
        14,
        1,
        24,
        ("pounds", 300),
        "coordinator",
    ),
    (
        "Trip to Kew Gardens",
        "A coach trip with lunch. Wheelchairs can come on the coach.",
        0,
        "Gardening",
        8,
        9,
        1,
        6,
        ("credits", 2),
        "coordinator",
    ),
    (
        "Film afternoon",
        "A classic film with subtitles, and an interval for tea.",
        2,
        "Films",
        9,
        14,
        1,
        30,
        ("free", 0),
        "member",
    ),
]


def _ward_for(locality: Locality, rng: random.Random) -> str:
    wards = list(
        Ward.objects.filter(locality=locality).values_list("ons_code", flat=True)
    )
    code = rng.choice(wards) if wards else ""
    found = Postcode.objects.filter(ward_code=code).order_by("postcode").first()
    return found.postcode if found else ""


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    coordinator_id = (
        RoleAssignment.objects.filter(locality=locality, role=Role.COORDINATOR)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    if coordinator_id is None:
        raise DemoLoadError("the demo's activities", "there is no coordinator")
    coordinator = User.objects.get(pk=coordinator_id)
    members = list(
        Membership.objects.filter(locality=locality, status=Membership.Status.ACTIVE)
        .select_related("person")
        .order_by("pk")
    )
    joan = next(
        (m for m in members if m.person.email == "member@riverside.example"), None
    )
    if len(members) < 10 or joan is None:
        raise DemoLoadError(
            "the demo's activities", "there are too few members, or no demo member"
        )
    _free_times(members, rng)
    # The demo member takes part in introductions.
    Consent.objects.create(
        membership=joan, kind=Consent.Kind.INTRODUCTIONS, given=True, how="online"
    )
    venues = [
        services.venue_save(
            actor=coordinator,
            locality=locality,
            answers=services.VenueAnswers(
                name=name,
                address=address,
                postcode=_ward_for(locality, rng),
                bus_routes=buses,
                **dict.fromkeys(features, True),
            ),
        )
        for name, address, features, buses in VENUES
    ]
    interests = {i.name: i.pk for i in Interest.objects.filter(locality=locality)}
    hosts = [m for m in members if m.pk != joan.pk]
    today = timezone.localdate()
    activities = []
    for n, (
        title,
        description,
        venue,
        interest,
        offset,
        hour,
        dates,
        places,
        (cost, amount),
        host,
    ) in enumerate(ACTIVITIES):
        actor = coordinator if host == "coordinator" else hosts[n].person
        if host == "member":
            RoleAssignment.objects.get_or_create(
                user=actor, locality=locality, role=Role.MEMBER
            )
        activity = services.activity_propose(
            actor=actor,
            locality=locality,
            venue=venues[venue],
            answers=services.ActivityAnswers(
                title=title,
                description=description,
                starts_on=today + timedelta(days=offset),
                start_time=time(hour, 0),
                minutes=120,
                places=places,
                repeat="weekly" if dates > 1 else "once",
                repeat_count=dates,
                cost=cost,
                cost_pence=amount if cost == "pounds" else 0,
                cost_credits=amount if cost == "credits" else 0,
                interest_id=interests.get(interest or ""),
            ),
        )
        # One member's film afternoon waits for a coordinator to approve it.
        if host == "member" and title != "Film afternoon":
            services.activity_approve(actor=coordinator, activity=activity)
        activities.append(activity)
    _places(activities, members, joan, coordinator, rng)
    _introductions(locality, coordinator, joan, rng)


def _free_times(members: list[Membership], rng: random.Random) -> None:
    codes = [code for code, _label in FREE_TIMES if not code.endswith("evening")]
    SocialProfile.objects.bulk_create(
        [
            SocialProfile(membership=m, free_times=sorted(rng.sample(codes, 4)))
            for m in members
            if rng.random() < 0.6
        ]
    )


def _places(
    activities: list,
    members: list[Membership],
    joan: Membership,
    coordinator: User,
    rng: random.Random,
) -> None:
    for activity in activities:
        if activity.status != "listed":
            continue
        for occurrence in activity.occurrences.order_by("starts_at")[:2]:
            wanted = (
                activity.places + 3
                if activity.title == "Trip to Kew Gardens"
                else rng.randint(2, max(2, activity.places // 2))
            )
            for membership in rng.sample(members, min(wanted, len(members))):
                if membership.pk == joan.pk:
                    continue  # she signs up herself, to try it
                with demo_step(
                    f"a place for {membership.person.full_name} at {activity.title}"
                ):
                    services.sign_up_create(
                        actor=coordinator,
                        occurrence=occurrence,
                        membership=membership,
                        waiting_list=True,
                    )


def _introductions(
    locality: Locality, coordinator: User, joan: Membership, rng: random.Random
) -> None:
    services.introductions_suggest(actor=coordinator, locality=locality)
    suggestions = list(
        Introduction.objects.filter(locality=locality)
        .exclude(first=joan)
        .exclude(second=joan)
        .select_related("first__person", "second__person")
        .order_by("-score", "pk")[:12]
    )
    for n, introduction in enumerate(suggestions):
        if n < 2:
            continue  # left as suggestions for coordinators to ask
        with demo_step(f"the introduction {introduction}"):
            introduction = services.introduction_ask(
                actor=coordinator,
                introduction=introduction,
                share_how="contact" if n % 3 else "meeting",
            )
            if n < 5:
                continue  # waiting for answers
            for membership in (introduction.first, introduction.second):
                introduction = services.introduction_answer(
                    actor=coordinator,
                    introduction=introduction,
                    membership=membership,
                    answer="no"
                    if n == 11 and membership == introduction.second
                    else "yes",
                )
    # The demo member has been asked about her best suggestion, so she has
    # an introduction to answer.
    hers = (
        Introduction.objects.filter(locality=locality, status="suggested")
        .filter(Q(first=joan) | Q(second=joan))
        .order_by("-score", "pk")
        .first()
    )
    if hers is None:
        raise DemoLoadError(
            "an introduction for the demo member", "nobody was suggested for her"
        )
    with demo_step(f"the introduction {hers}"):
        services.introduction_ask(
            actor=coordinator, introduction=hers, share_how="meeting"
        )
    # Some agreed a few weeks ago, so their follow-ups are due or answered.
    agreed = list(Introduction.objects.filter(locality=locality, status="agreed"))
    for introduction in agreed[: len(agreed) // 2]:
        Introduction.objects.filter(pk=introduction.pk).update(
            agreed_at=timezone.now() - timedelta(weeks=rng.randint(4, 8))
        )
    services.introduction_follow_ups_queue()
    for introduction in Introduction.objects.filter(
        locality=locality, follow_up_asked_at__isnull=False
    ).select_related("first", "second")[:3]:
        services.follow_up_record(
            actor=coordinator,
            introduction=introduction,
            membership=introduction.first,
            met=True,
            meet_again="yes",
        )
