"""The demo locality's help: the usual kinds of help, and requests and visits
in every state, so the dashboard, timelines and statements look real.

Requests to come go through the services (so they are exactly what the
application would make); visits in the past are written directly, as the
services rightly refuse to book visits in the past, and settled through the
credit ledger. Only members with the credit to pay are booked, and only
helpers the help part's rules allow; anything refused stops the load.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment, User
from kith.core.demo import DemoLoadError, demo_step
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


#: Which of the helpers' skills each kind of help needs (None: anyone vetted
#: enough may do it).
CATEGORY_SKILLS = {
    "Gardening": "Gardening",
    "Odd jobs outside": "Odd jobs and small repairs",
    "Odd jobs in the home": "Odd jobs and small repairs",
    "Phones and computers": "Help with phones and computers",
    "Company": None,
    "Shopping": "Shopping and errands",
    "Lifts and appointments": "Lifts to appointments",
    "Paperwork": "Help with letters and forms",
}
MEMBER_LOGIN = "member@riverside.example"
HELPER_LOGIN = "helper@riverside.example"
#: Credits (in minutes) a member keeps after the visits the demo books for
#: them, so nobody with a visit to come is low on credit.
RESERVE_MINUTES = 60
#: The day's hours a visit may start at.
DAY_HOURS = range(9, 15)


def _at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _window(day_offset: int, start: int = 9, end: int = 17) -> services.Window:
    return services.Window(_at(day_offset, start), _at(day_offset, end))


def _next_daytime_start(now: datetime) -> tuple[int, int]:
    """(day offset, hour) of the first whole hour in the day's hours at least
    an hour from ``now``: always within the next 24 hours."""
    local = timezone.localtime(now) + timedelta(hours=1)
    hour = local.hour + (1 if (local.minute, local.second) > (0, 0) else 0)
    today = timezone.localdate(now)
    offset = (local.date() - today).days
    if hour in DAY_HOURS:
        return offset, hour
    if hour < DAY_HOURS.start:
        return offset, DAY_HOURS.start
    return offset + 1, DAY_HOURS.start


class _Board:
    """The demo's helpers and members as the loader books them: who may do
    each kind, who is booked already, and members' credit left."""

    def __init__(self, locality: Locality, today: date, rng: random.Random) -> None:
        from kith.credits.models import Account

        self.today = today
        self.rng = rng
        self.helpers = list(
            HelperProfile.objects.filter(locality=locality, status=HelperStatus.ACTIVE)
            .select_related("user")
            .prefetch_related("skills", "availability")
            .order_by("pk")
        )
        self.booked: dict[int, int] = dict.fromkeys((h.pk for h in self.helpers), 0)
        self.balances = dict(
            Account.objects.filter(locality=locality, kind="member").values_list(
                "person_id", "balance_minutes"
            )
        )

    def may_do(self, helper: HelperProfile, category: HelpCategory) -> bool:
        """The help part's own rules: vetting level and the kind's skill."""
        if not level_at_least(helper.level_on(self.today), category.vetting_level):
            return False
        return category.skill_id is None or any(
            held.skill_id == category.skill_id for held in helper.skills.all()
        )

    def helpers_for(
        self, category: HelpCategory, *, exclude: tuple[int, ...] = ()
    ) -> list[HelperProfile]:
        found = [
            h for h in self.helpers if h.pk not in exclude and self.may_do(h, category)
        ]
        if not found:
            raise DemoLoadError(
                f"a visit for {category.name.lower()}",
                "no active helper is vetted for it and has said they can do it",
            )
        return found

    def least_booked(
        self, category: HelpCategory, *, exclude: tuple[int, ...] = ()
    ) -> HelperProfile:
        """Of those who may do ``category``, one with the fewest visits the
        demo has booked, so nobody is given more than their share."""
        found = self.helpers_for(category, exclude=exclude)
        fewest = min(self.booked[h.pk] for h in found)
        helper = self.rng.choice([h for h in found if self.booked[h.pk] == fewest])
        self.booked[helper.pk] += 1
        return helper

    def members_able_to_pay(
        self, members: list[Membership], minutes: int
    ) -> list[Membership]:
        found = [m for m in members if self.balances.get(m.person_id, 0) >= minutes]
        if not found:
            raise DemoLoadError(
                "a visit", f"no member has {minutes} minutes of credit to pay for it"
            )
        return found

    def spend(self, membership: Membership, minutes: int) -> None:
        left = self.balances.get(membership.person_id, 0) - minutes
        if left < 0:
            raise DemoLoadError(
                f"a visit for {membership.person.full_name}",
                f"they have too little credit for {minutes} minutes",
            )
        self.balances[membership.person_id] = left


def _categories(locality: Locality) -> dict[str, HelpCategory]:
    """The usual kinds of help, each linked to the skill it needs."""
    categories = services.categories_create_defaults(locality=locality)
    skills = {skill.name: skill for skill in Skill.objects.filter(locality=locality)}
    for category in categories:
        if category.name not in CATEGORY_SKILLS:
            raise DemoLoadError(
                f"the kind of help {category.name}", "the demo does not know it"
            )
        name = CATEGORY_SKILLS[category.name]
        if name is not None and name not in skills:
            raise DemoLoadError(
                f"the kind of help {category.name}",
                f"there is no skill called {name}",
            )
        category.skill = skills[name] if name else None
        category.save(update_fields=["skill"])
    return {category.name: category for category in categories}


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    """Past visits, settled; and, relative to now, the visits the demo
    logins need: the demo member has a confirmed visit tomorrow (with the
    demo helper) and one next week; the demo helper has an offer to answer
    and a confirmed visit within the next day, so he sees that member's
    address; and a few other requests in each state for the dashboard."""
    categories = _categories(locality)
    kinds = list(categories.values())
    coordinator = User.objects.get(
        pk=RoleAssignment.objects.filter(locality=locality, role=Role.COORDINATOR)
        .order_by("pk")
        .values_list("user_id", flat=True)[0]
    )
    members = list(
        Membership.objects.filter(locality=locality, status=Membership.Status.ACTIVE)
        .select_related("person", "locality", "ward")
        .order_by("pk")
    )
    today = timezone.localdate()
    board = _Board(locality, today, rng)
    joan = next((m for m in members if m.person.email == MEMBER_LOGIN), None)
    sam = next((h for h in board.helpers if h.user.email == HELPER_LOGIN), None)
    if joan is None or sam is None:
        raise DemoLoadError(
            "the demo's visits", "the demo member or the demo helper is missing"
        )
    others = [m for m in members if m.pk != joan.pk]
    sam_kinds = [k for k in kinds if board.may_do(sam, k)]
    if not sam_kinds:
        raise DemoLoadError("the demo helper's visits", "he may do no kind of help")

    # Visits that happened: done and settled through the ledger. The first
    # was the demo helper's with the demo member.
    for index in range(40):
        category = rng.choice(sam_kinds if index == 0 else kinds)
        minutes = category.usual_minutes + rng.choice([-15, 0, 0, 15])
        if index == 0:
            membership, helper = joan, sam
        else:
            membership = rng.choice(board.members_able_to_pay(others, minutes))
            helper = rng.choice(board.helpers_for(category))
        board.spend(membership, minutes)
        _past_visit(
            membership=membership,
            category=category,
            helper=helper,
            coordinator=coordinator,
            days_ago=rng.randint(2, 60),
            minutes=minutes,
            rng=rng,
        )

    def book(
        *,
        membership: Membership,
        category: HelpCategory,
        state: str,
        day: int,
        hour: int,
        helper: HelperProfile | None = None,
    ) -> None:
        if state in ("accepted", "confirmed"):
            board.spend(membership, category.usual_minutes + RESERVE_MINUTES)
            board.balances[membership.person_id] += RESERVE_MINUTES
        if helper is None and state != "open":
            helper = board.least_booked(category, exclude=(sam.pk,))
        _future_request(
            membership=membership,
            category=category,
            helper=helper,
            coordinator=coordinator,
            state=state,
            day=day,
            hour=hour,
            rng=rng,
        )

    # The demo logins' own. Yesterday's visit, for the demo helper to record.
    to_record = rng.choice(sam_kinds)
    recorded_for = rng.choice(
        board.members_able_to_pay(
            others, to_record.usual_minutes + 15 + RESERVE_MINUTES
        )
    )
    # Kept for when it is recorded (at most a quarter of an hour over).
    board.spend(recorded_for, to_record.usual_minutes + 15)
    _visit_to_record(
        membership=recorded_for,
        category=to_record,
        helper=sam,
        coordinator=coordinator,
        rng=rng,
    )
    tomorrow_kind = next((k for k in sam_kinds if k.name == "Shopping"), sam_kinds[0])
    book(
        membership=joan,
        category=tomorrow_kind,
        state="confirmed",
        day=1,
        hour=14,
        helper=sam,
    )
    gardening = categories["Gardening"]
    gardener = next(
        (
            h
            for h in board.helpers_for(gardening, exclude=(sam.pk,))
            if _free_at(h, _at(7, 10), gardening.usual_minutes)
        ),
        None,
    )
    if gardener is None:
        raise DemoLoadError(
            "the demo member's gardening visit next week", "no gardener is free then"
        )
    board.booked[gardener.pk] += 1
    book(
        membership=joan,
        category=gardening,
        state="confirmed",
        day=7,
        hour=10,
        helper=gardener,
    )
    book(
        membership=joan,
        category=categories["Phones and computers"],
        state="open",
        day=5,
        hour=10,
    )
    soon_day, soon_hour = _next_daytime_start(timezone.now())
    paying = board.members_able_to_pay(others, 3 * 60 + RESERVE_MINUTES)
    book(
        membership=rng.choice(paying),
        category=rng.choice(sam_kinds),
        state="confirmed",
        day=soon_day,
        hour=soon_hour,
        helper=sam,
    )
    book(
        membership=rng.choice(paying),
        category=rng.choice(sam_kinds),
        state="offered",
        day=3,
        hour=13,
        helper=sam,
    )

    # Others', for a realistic day on the dashboard.
    for state, count in [
        ("open", 3),
        ("offered", 3),
        ("accepted", 2),
        ("confirmed", 5),
    ]:
        for _n in range(count):
            category = rng.choice(kinds)
            paying = board.members_able_to_pay(
                others, category.usual_minutes + RESERVE_MINUTES
            )
            book(
                membership=rng.choice(paying),
                category=category,
                state=state,
                day=rng.randint(2, 6),
                hour=rng.choice([9, 10, 13]),
            )


def _free_at(helper: HelperProfile, starts: datetime, minutes: int) -> bool:
    """Whether ``starts`` falls in the helper's weekly times, long enough."""
    local = timezone.localtime(starts)
    ends = (local + timedelta(minutes=minutes)).time()
    return any(
        slot.weekday == local.weekday()
        and slot.starts_at <= local.time()
        and ends <= slot.ends_at
        for slot in helper.availability.all()
    )


def _future_request(
    *,
    membership: Membership,
    category: HelpCategory,
    helper: HelperProfile | None,
    coordinator: User,
    state: str,
    day: int,
    hour: int,
    rng: random.Random,
) -> None:
    """A request to come through the services, taken as far as ``state``:
    open, offered to ``helper``, accepted by them at ``hour`` on ``day``
    (days from today), or confirmed."""
    starts = _at(day, hour)
    what = (
        f"a {state} request for {category.name.lower()} for "
        f"{membership.person.full_name} on {starts.isoformat(timespec='minutes')}"
    )
    with demo_step(what):
        request = services.request_create(
            actor=coordinator,
            membership=membership,
            category=category,
            details=rng.choice(DETAILS.get(category.name, ["Help around the house"])),
            minutes=category.usual_minutes,
            windows=[
                services.Window(
                    starts - timedelta(hours=1),
                    starts + timedelta(minutes=category.usual_minutes, hours=2),
                )
            ],
            urgency=rng.choice(["routine", "routine", "soon", "urgent"]),
        )
        if state == "open":
            return
        if helper is None:
            raise DemoLoadError(what, "no helper was chosen")
        visit = services.visit_offer(actor=coordinator, request=request, helper=helper)
        if state == "offered":
            return
        services.visit_accept(actor=helper.user, visit=visit, starts_at=starts)
        if state == "accepted":
            return
        services.visit_confirm(actor=coordinator, visit=visit)


def _visit_to_record(
    *,
    membership: Membership,
    category: HelpCategory,
    helper: HelperProfile,
    coordinator: User,
    rng: random.Random,
) -> None:
    """A confirmed visit that took place yesterday afternoon and that the
    helper has still to record as done (written directly, as the services
    rightly refuse to book visits in the past)."""
    starts = _at(-1, 14)
    request = HelpRequest.objects.create(
        locality=membership.locality,
        membership=membership,
        category=category,
        details=rng.choice(DETAILS.get(category.name, ["Help around the house"])),
        minutes=category.usual_minutes,
        asked_by=coordinator,
        asked_how="phone",
        status=HelpRequest.Status.ARRANGED,
    )
    HelpRequest.objects.filter(pk=request.pk).update(
        created_at=starts - timedelta(days=5)
    )
    HelpWindow.objects.create(
        request=request,
        starts_at=starts - timedelta(hours=1),
        ends_at=starts + timedelta(hours=4),
    )
    visit = Visit.objects.create(
        request=request,
        helper=helper,
        status=Visit.Status.CONFIRMED,
        starts_at=starts,
        minutes=category.usual_minutes,
        offered_by=coordinator,
        offered_at=starts - timedelta(days=4),
        answered_at=starts - timedelta(days=3),
        confirmed_at=starts - timedelta(days=3),
    )
    for days, text in [
        (
            5,
            f"{coordinator.full_name} asked for help for "
            f"{membership.person.full_name}.",
        ),
        (4, f"Offered to {helper.user.full_name}."),
        (3, f"{helper.user.full_name} accepted: {services.when_text(starts)}."),
    ]:
        RequestEvent.objects.create(
            request=request, visit=visit, at=starts - timedelta(days=days), text=text
        )


def _past_visit(
    *,
    membership: Membership,
    category: HelpCategory,
    helper: HelperProfile,
    coordinator: User,
    days_ago: int,
    minutes: int,
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
    with demo_step(
        f"the settlement of {membership.person.full_name}'s past visit from "
        f"{helper.user.full_name}"
    ):
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
