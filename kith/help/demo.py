"""The demo locality's help: the usual kinds of help, and requests and visits
in every state, so the dashboard, timelines and statements look real.

Requests to come go through the services (so they are exactly what the
application would make); visits in the past are written directly, as the
services rightly refuse to book visits in the past, and settled through the
credit ledger.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment, User
from kith.core.errors import ApplicationError
from kith.help import services
from kith.help.models import HelpCategory, HelpRequest, HelpWindow, RequestEvent, Visit
from kith.helpers.models import HelperProfile, HelperStatus, Skill
from kith.helpers.vetting import level_at_least
from kith.members.models import Membership
from kith.places.models import Locality

DETAILS = {
    "Gardening": [
        "Mow the back lawn and trim the hedge",
        "Weed the front beds",
        "Rake leaves",
    ],
    "Odd jobs outside": [
        "Take the bins out on Tuesdays",
        "Clear the gutter over the door",
    ],
    "Odd jobs in the home": [
        "Change the bulb on the landing",
        "Put up a shelf in the kitchen",
    ],
    "Phones and computers": [
        "Set up video calls with my grandson",
        "Help with online banking app",
    ],
    "Company": ["A chat and a cup of tea", "A walk round the park"],
    "Shopping": ["Weekly shop at the supermarket", "Collect a prescription"],
    "Lifts and appointments": [
        "Lift to the eye clinic and back",
        "Go with me to the GP",
    ],
    "Paperwork": ["Help filling in a pension form", "Sort out a gas bill"],
}


def _at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _window(day_offset: int, start: int = 9, end: int = 17) -> services.Window:
    return services.Window(_at(day_offset, start), _at(day_offset, end))


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    categories = services.categories_create_defaults(locality=locality)
    skills = {
        skill.name.lower(): skill for skill in Skill.objects.filter(locality=locality)
    }
    for category in categories:
        words = category.name.lower().split()
        category.skill = next(
            (
                skill
                for name, skill in skills.items()
                if words[0] in name or name in category.name.lower()
            ),
            None,
        )
        category.save(update_fields=["skill"])
    coordinator = User.objects.get(
        pk=RoleAssignment.objects.filter(locality=locality, role=Role.COORDINATOR)
        .order_by("pk")
        .values_list("user_id", flat=True)[0]
    )
    members = list(
        Membership.objects.filter(locality=locality, status=Membership.Status.ACTIVE)
        .select_related("person")
        .order_by("pk")
    )
    helpers = list(
        HelperProfile.objects.filter(locality=locality, status=HelperStatus.ACTIVE)
        .select_related("user")
        .order_by("pk")
    )
    if not members or not helpers:
        return
    today = timezone.localdate()

    def suitable(category: HelpCategory) -> list[HelperProfile]:
        return [
            h
            for h in helpers
            if level_at_least(h.level_on(today), category.vetting_level)
        ]

    joan = next(
        (m for m in members if m.person.email == "member@riverside.example"), members[0]
    )
    sam = next(
        (h for h in helpers if h.user.email == "helper@riverside.example"), helpers[0]
    )
    others = [m for m in members if m.pk != joan.pk]

    # Visits that happened: done and settled through the ledger.
    for index in range(40):
        membership = joan if index == 0 else rng.choice(others)
        category = rng.choice(categories)
        options = suitable(category)
        if index == 0 and sam in options:
            helper = sam
        elif options:
            helper = rng.choice(options)
        else:
            continue
        _past_visit(
            membership=membership,
            category=category,
            helper=helper,
            coordinator=coordinator,
            days_ago=rng.randint(2, 60),
            rng=rng,
        )

    # Requests to come, through the services.
    plans = [("open", 8), ("offered", 4), ("accepted", 2), ("confirmed", 10)]
    for state, count in plans:
        for index in range(count):
            membership = (
                joan
                if (state == "confirmed" and index == 0)
                or (state == "open" and index == 0)
                else rng.choice(others)
            )
            category = rng.choice(categories)
            options = suitable(category)
            if not options:
                continue
            helper = (
                sam if membership is joan and sam in options else rng.choice(options)
            )
            _future_request(
                membership=membership,
                category=category,
                helper=helper,
                coordinator=coordinator,
                state=state,
                rng=rng,
            )


def _future_request(
    *,
    membership: Membership,
    category: HelpCategory,
    helper: HelperProfile,
    coordinator: User,
    state: str,
    rng: random.Random,
) -> None:
    day = rng.randint(1, 6)
    start_hour = rng.choice([9, 10, 13, 14])
    try:
        with transaction.atomic():
            request = services.request_create(
                actor=coordinator,
                membership=membership,
                category=category,
                details=rng.choice(
                    DETAILS.get(category.name, ["Help around the house"])
                ),
                minutes=category.usual_minutes,
                windows=[_window(day, start_hour, min(start_hour + 4, 20))],
                urgency=rng.choice(["routine", "routine", "soon", "urgent"]),
            )
            if state == "open":
                return
            visit = services.visit_offer(
                actor=coordinator, request=request, helper=helper
            )
            if state == "offered":
                return
            services.visit_accept(
                actor=helper.user, visit=visit, starts_at=_at(day, start_hour)
            )
            if state == "accepted":
                return
            services.visit_confirm(actor=coordinator, visit=visit)
    except ApplicationError:
        return


def _past_visit(
    *,
    membership: Membership,
    category: HelpCategory,
    helper: HelperProfile,
    coordinator: User,
    days_ago: int,
    rng: random.Random,
) -> None:
    from kith.credits.services import visit_credits_settle

    starts = _at(-days_ago, rng.choice([9, 10, 11, 14]))
    request = HelpRequest.objects.create(
        locality=membership.locality,
        membership=membership,
        category=category,
        details=rng.choice(DETAILS.get(category.name, ["Help around the house"])),
        minutes=category.usual_minutes,
        asked_by=coordinator,
        asked_how="phone",
        status=HelpRequest.Status.DONE,
    )
    HelpRequest.objects.filter(pk=request.pk).update(
        created_at=starts - timedelta(days=5)
    )
    HelpWindow.objects.create(
        request=request,
        starts_at=starts - timedelta(hours=1),
        ends_at=starts + timedelta(hours=6),
    )
    minutes = category.usual_minutes + rng.choice([-15, 0, 0, 15])
    visit = Visit.objects.create(
        request=request,
        helper=helper,
        status=Visit.Status.DONE,
        starts_at=starts,
        minutes=category.usual_minutes,
        offered_by=coordinator,
        offered_at=starts - timedelta(days=4),
        answered_at=starts - timedelta(days=3),
        confirmed_at=starts - timedelta(days=3),
        done_at=starts + timedelta(minutes=minutes),
        actual_minutes=minutes,
    )
    for offset, text in [
        (
            -5 * 24 * 60,
            f"{coordinator.full_name} asked for help for "
            f"{membership.person.full_name}.",
        ),
        (-4 * 24 * 60, f"Offered to {helper.user.full_name}."),
        (
            -3 * 24 * 60,
            f"{helper.user.full_name} accepted: {services.when_text(starts)}.",
        ),
        (minutes, f"{helper.user.full_name} did the visit: {minutes} minutes."),
    ]:
        RequestEvent.objects.create(
            request=request,
            visit=visit,
            at=starts + timedelta(minutes=offset),
            text=text,
        )
    try:
        with transaction.atomic():
            visit_credits_settle(
                actor=None,
                locality=membership.locality,
                visit_key=str(visit.pk),
                member=membership.person,
                helper=helper.user,
                minutes=minutes,
                description=f"{category.name.lower()} with {helper.user.display_name}",
                occurred_on=timezone.localtime(starts).date(),
            )
    except ApplicationError:
        return
    Visit.objects.filter(pk=visit.pk).update(
        status=Visit.Status.SETTLED, settled_minutes=minutes, settled_at=visit.done_at
    )
    # The visit was made with done_at set, above.
    RequestEvent.objects.create(  # type: ignore[misc]
        request=request,
        visit=visit,
        at=visit.done_at + timedelta(minutes=1),  # type: ignore[operator]
        text="Credits settled.",
    )
