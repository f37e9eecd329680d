"""Turning the circle's database into a matching problem.

The engine knows nothing of Django; this module reads open help requests and
active helpers and writes them in the engine's terms:

- a request's *skill* is its kind of help (``kind:<id>``); a helper has every
  kind of help whose skill they listed (kinds that need no particular skill
  are open to all), so "the skill is among the helper's skills" means "they
  said they can do this kind of help";
- a request's window runs from the start of its first free time to the end of
  its last; the helper and the member settle the exact time inside the
  member's free times when the offer is accepted;
- a helper's free intervals are their weekly times over the next four weeks,
  less time away; their capacity is their most visits a week less the visits
  already booked this week;
- priority: urgent 3, soon 2, no rush 1;
- position: the centre of the postcode of the member's home (or the helper's),
  from the postcode directory; people whose postcode is not in the directory
  cannot be placed and are left out, with that reason.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from kith.help.models import HelpCategory, HelpRequest, Visit
from kith.help.selectors import request_vetting_day
from kith.helpers.models import (
    AvailabilityException,
    AvailabilitySlot,
    HelperProfile,
    HelperSkill,
    HelperStatus,
    Skill,
)
from kith.helpers.selectors import level_at_least_filter
from kith.helpers.sharing import shared_helpers_near
from kith.matching.engine import (
    Helper,
    Policy,
    Problem,
    Request,
    Vetting,
    distances_km,
)
from kith.places.models import Locality, Postcode

URGENCY_PRIORITY = {"urgent": 3, "soon": 2, "routine": 1}
HORIZON_DAYS = 28


@dataclass
class Built:
    problem: Problem
    requests: dict[str, HelpRequest] = field(default_factory=dict)
    helpers: dict[str, HelperProfile] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)  # request id → why
    #: When the first visit counted in a helper's recent visits (done in the
    #: last 28 days) stops being counted; None when none is counted.
    load_changes_at: datetime | None = None


def _positions(postcodes: set[str]) -> dict[str, tuple[float, float]]:
    return {
        postcode: (lat, lon)
        for postcode, lat, lon in Postcode.objects.filter(
            postcode__in=postcodes
        ).values_list("postcode", "latitude", "longitude")
    }


def kind_key(category_id: int) -> str:
    return f"kind:{category_id}"


def request_for_engine(request: HelpRequest, position: tuple[float, float]) -> Request:
    windows = list(request.windows.all())
    return Request(
        id=str(request.pk),
        member=str(request.membership_id),
        lat=position[0],
        lon=position[1],
        skill=kind_key(request.category_id),
        priority=URGENCY_PRIORITY.get(request.urgency, 1),
        earliest=min(w.starts_at for w in windows),
        latest=max(w.ends_at for w in windows),
        minutes=request.minutes,
        vetting=Vetting.from_code(request.category.vetting_level),
    )


@dataclass
class HelperTimes:
    """A helper's weekly free times (weekday, from, to) in their order, and
    their time away (first day, last day)."""

    slots: list[tuple[int, time, time]] = field(default_factory=list)
    away: list[tuple[date, date]] = field(default_factory=list)
    skill_ids: set[int] = field(default_factory=set)


def helper_times(profile_ids: list[int]) -> dict[int, HelperTimes]:
    """Each helper's skills, weekly times and time away, in three queries
    of plain values (no model instances: at a borough's size the instances
    cost more than the queries)."""
    out: dict[int, HelperTimes] = {pk: HelperTimes() for pk in profile_ids}
    for profile_id, skill_id in (
        HelperSkill.objects.filter(profile__in=profile_ids)
        .order_by()
        .values_list("profile_id", "skill_id")
    ):
        out[profile_id].skill_ids.add(skill_id)
    for profile_id, weekday, starts, ends in AvailabilitySlot.objects.filter(
        profile__in=profile_ids
    ).values_list("profile_id", "weekday", "starts_at", "ends_at"):
        out[profile_id].slots.append((weekday, starts, ends))
    for profile_id, first, last in AvailabilityException.objects.filter(
        profile__in=profile_ids
    ).values_list("profile_id", "starts_on", "ends_on"):
        out[profile_id].away.append((first, last))
    return out


def _intervals(
    profile: HelperProfile,
    start: date,
    days: int,
    only: tuple[date, date] | None = None,
    *,
    times: HelperTimes | None = None,
) -> tuple[tuple[datetime, datetime], ...]:
    """The helper's free times on each of ``days`` days from ``start``, or
    only on the days from ``only[0]`` to ``only[1]`` among them. ``times``:
    the helper's weekly times and time away, read already (else read from
    the profile's relations)."""
    if times is None:
        times = HelperTimes(
            slots=[
                (slot.weekday, slot.starts_at, slot.ends_at)
                for slot in profile.availability.all()
            ],
            away=[(e.starts_on, e.ends_on) for e in profile.exceptions.all()],
        )
    away = times.away
    by_weekday = defaultdict(list)
    for weekday, starts, ends in times.slots:
        by_weekday[weekday].append((starts, ends))
    found = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if only is not None and not only[0] <= day <= only[1]:
            continue
        if any(first <= day <= last for first, last in away):
            continue
        for starts, ends in by_weekday.get(day.weekday(), []):
            found.append(
                (
                    timezone.make_aware(datetime.combine(day, starts)),
                    timezone.make_aware(datetime.combine(day, ends)),
                )
            )
    return tuple(found)


def helper_for_engine(
    profile: HelperProfile,
    position: tuple[float, float],
    *,
    today: date,
    kinds: list[HelpCategory],
    booked_this_week: int,
    load: int,
    declined: frozenset[str],
    helped: frozenset[str],
    only_days: tuple[date, date] | None = None,
    vetting_day: date | None = None,
    times: HelperTimes | None = None,
) -> Helper:
    skill_ids = (
        times.skill_ids
        if times is not None
        else {s.skill_id for s in profile.skills.all()}
    )
    can_do = frozenset(
        kind_key(k.pk) for k in kinds if k.skill_id is None or k.skill_id in skill_ids
    )
    return Helper(
        id=str(profile.pk),
        lat=position[0],
        lon=position[1],
        skills=can_do,
        max_km=profile.travel_distance_m / 1000,
        capacity=max(0, profile.max_visits_per_week - booked_this_week),
        vetting=Vetting.from_code(profile.level_on(vetting_day or today)),
        load=load,
        available=_intervals(profile, today, HORIZON_DAYS, only_days, times=times),
        declined=declined,
        helped_members=helped,
    )


def open_requests(locality: Locality, only: list[int] | None = None):
    found = (
        HelpRequest.objects.filter(locality=locality, status=HelpRequest.Status.OPEN)
        .select_related("membership__person", "category")
        .prefetch_related("windows")
        .order_by("created_at")
    )
    if only is not None:
        found = found.filter(pk__in=only)
    return found


def active_helpers(locality: Locality, only: list[int] | None = None):
    found = HelperProfile.objects.filter(
        locality=locality, status=HelperStatus.ACTIVE
    ).select_related("user")
    if only is not None:
        found = found.filter(pk__in=only)
    return found


def _shared_skill_ids(
    locality: Locality, profile_ids: list[int]
) -> dict[int, set[int]]:
    """For helpers of neighbouring localities: the skills of ``locality``'s
    list they have, by name (each listed their home locality's skills; the
    same skill is the one of the same name, ADR 0042). Two queries."""
    names: dict[int, set[str]] = defaultdict(set)
    for profile_id, name in HelperSkill.objects.filter(
        profile__in=profile_ids
    ).values_list("profile_id", "skill__name"):
        names[profile_id].add(name.lower())
    local: dict[str, set[int]] = defaultdict(set)
    for skill_id, name in Skill.objects.filter(locality=locality).values_list(
        "pk", "name"
    ):
        local[name.lower()].add(skill_id)
    return {
        pk: {skill for name in names[pk] for skill in local.get(name, ())}
        for pk in profile_ids
    }


def build_problem(
    locality: Locality,
    *,
    request_ids: list[int] | None = None,
    helper_ids: list[int] | None = None,
    policy: Policy | None = None,
    today: date | None = None,
    only_days: tuple[date, date] | None = None,
    vetting_day: date | None = None,
    shared_ids: list[int] | None = None,
) -> Built:
    """The matching problem for a locality's open requests (or only some),
    with its active helpers (or only some). With ``only_days``, helpers' free
    times are worked out only on those days (first, last): enough for
    requests whose times all fall on them, and much less work. With
    ``vetting_day``, helpers' vetting is judged on that day, not today (for
    one request: ``request_vetting_day``, as its offer judges it). With
    ``shared_ids``, those helpers of neighbouring localities sharing with
    this one are weighed too, by the same rules (the caller found them with
    ``kith.helpers.sharing.shared_helpers_near``)."""
    today = today or timezone.localdate()
    now = timezone.now()
    requests = list(open_requests(locality, request_ids))
    profiles = list(active_helpers(locality, helper_ids))
    if shared_ids:
        profiles += list(
            HelperProfile.objects.filter(
                pk__in=shared_ids, status=HelperStatus.ACTIVE
            ).select_related("user")
        )
    kinds = list(HelpCategory.objects.filter(locality=locality))
    positions = _positions(
        {r.membership.person.postcode for r in requests}
        | {p.user.postcode for p in profiles}
    )
    built = Built(problem=Problem(requests=[], helpers=[], policy=policy or Policy()))
    engine_requests = []
    for request in requests:
        position = positions.get(request.membership.person.postcode)
        if position is None:
            built.left_out[str(request.pk)] = (
                "the member’s postcode is not in the postcode directory"
            )
            continue
        if not request.windows.all():
            built.left_out[str(request.pk)] = "no times given"
            continue
        built.requests[str(request.pk)] = request
        engine_requests.append(request_for_engine(request, position))

    week_start = today - timedelta(days=today.weekday())
    week_start_at = timezone.make_aware(datetime.combine(week_start, time.min))
    profile_ids = [p.pk for p in profiles]
    times_of = helper_times(profile_ids)
    if shared_ids:
        for pk, skills in _shared_skill_ids(locality, shared_ids).items():
            if pk in times_of:
                times_of[pk].skill_ids = skills
    recent = Q(
        status__in=[Visit.Status.DONE, Visit.Status.SETTLED],
        done_at__gte=now - timedelta(days=28),
    )
    counts = {
        row["helper"]: row
        for row in Visit.objects.filter(helper__in=profile_ids)
        .values("helper")
        .annotate(
            booked=Count(
                "pk",
                filter=Q(
                    status__in=[
                        Visit.Status.OFFERED,
                        Visit.Status.ACCEPTED,
                        Visit.Status.CONFIRMED,
                    ],
                    starts_at__gte=week_start_at,
                    starts_at__lt=week_start_at + timedelta(days=7),
                )
                | Q(status=Visit.Status.OFFERED, starts_at__isnull=True),
            ),
            load=Count("pk", filter=recent),
            oldest=Min("done_at", filter=recent),
        )
    }
    oldest = [row["oldest"] for row in counts.values() if row["oldest"] is not None]
    if oldest:
        built.load_changes_at = min(oldest) + timedelta(days=28)
    declined: dict[int, set[str]] = defaultdict(set)
    helped: dict[int, set[str]] = defaultdict(set)
    # Only what the rules ask about these requests: saying no to one of
    # them, and having helped one of their members (found through the
    # members' requests, a few each, by index).
    asked = HelpRequest.objects.filter(
        membership__in={r.membership_id for r in requests}
    ).values("pk")
    for helper_id, request_id, membership_id, status in (
        Visit.objects.filter(request__in=asked, helper__in=profile_ids)
        .order_by()
        .values_list("helper_id", "request_id", "request__membership_id", "status")
    ):
        if status == Visit.Status.DECLINED:
            declined[helper_id].add(str(request_id))
        if status in (Visit.Status.DONE, Visit.Status.SETTLED):
            helped[helper_id].add(str(membership_id))
    engine_helpers = []
    for profile in profiles:
        position = positions.get(profile.user.postcode)
        if position is None:
            continue
        row = counts.get(profile.pk, {})
        built.helpers[str(profile.pk)] = profile
        engine_helpers.append(
            helper_for_engine(
                profile,
                position,
                today=today,
                kinds=kinds,
                booked_this_week=row.get("booked", 0),
                load=row.get("load", 0),
                declined=frozenset(declined[profile.pk]),
                helped=frozenset(helped[profile.pk]),
                only_days=only_days,
                vetting_day=vetting_day,
                times=times_of[profile.pk],
            )
        )
    built.problem = Problem(
        requests=engine_requests, helpers=engine_helpers, policy=policy or Policy()
    )
    return built


@dataclass
class Neighbourhood:
    """The helpers worth weighing for one request, and how many there are."""

    #: Helpers who may suit (within their own travelling distance, with the
    #: kind and the vetting), and the nearest of the rest: every helper the
    #: shortlist can show, and no helper it cannot.
    helper_ids: list[int]
    #: Active helpers with a place on the map: the shortlist counts the
    #: others it does not show from it.
    placed: int
    #: The local days the request's times fall on (first, last): only these
    #: days of the helpers' free times matter to it.
    days: tuple[date, date] | None = None
    #: Of ``helper_ids``, those of neighbouring localities sharing helpers
    #: with this one (ADR 0042).
    shared_ids: list[int] = field(default_factory=list)


def request_neighbourhood(
    request: HelpRequest, *, others: int, today: date | None = None
) -> Neighbourhood | None:
    """Cut a request's matching problem down to what its shortlist can show:
    every helper who may suit it, and the ``others`` nearest helpers who do
    not. None when the request cannot be placed (build_problem says why).

    Helpers who may suit are found in the database (active, kind, vetting on
    the day) and by distance (within their own travelling distance, measured
    as the rules measure it). Every suitable helper is among them, so the
    ranking is the one the whole locality would give. Of the rest, the
    nearest ``others`` are among the ``others + len(may_suit)`` nearest of all
    helpers, which are taken too.
    """
    today = today or timezone.localdate()
    position = _positions({request.membership.person.postcode}).get(
        request.membership.person.postcode
    )
    if position is None or not request.windows.all():
        return None
    rows = list(
        HelperProfile.objects.filter(
            locality=request.locality, status=HelperStatus.ACTIVE
        ).values_list("pk", "user__postcode", "travel_distance_m")
    )
    positions = _positions({postcode for _pk, postcode, _m in rows})
    placed = [(pk, positions[pc], metres) for pk, pc, metres in rows if pc in positions]
    # Neighbours' helpers within the distance the two localities agreed:
    # weighed like the locality's own; the rest of theirs are never shown.
    shared = shared_helpers_near(locality=request.locality, position=position)
    placed += [
        (pk, (place.lat, place.lon), place.travel_distance_m)
        for pk, place in sorted(shared.items())
    ]
    windows = list(request.windows.all())
    days = (
        timezone.localtime(min(w.starts_at for w in windows)).date(),
        timezone.localtime(max(w.ends_at for w in windows)).date(),
    )
    if not placed:
        return Neighbourhood(helper_ids=[], placed=0, days=days)
    km = distances_km(
        request_for_engine(request, position),
        [p[1][0] for p in placed],
        [p[1][1] for p in placed],
    ).tolist()
    within = {
        pk
        for (pk, _pos, metres), d in zip(placed, km, strict=True)
        if d <= metres / 1000
    }
    may_suit = HelperProfile.objects.filter(
        locality=request.locality, status=HelperStatus.ACTIVE
    ).filter(
        level_at_least_filter(
            request.category.vetting_level, request_vetting_day(request)
        )
    )
    shared_may_suit = HelperProfile.objects.filter(pk__in=list(shared)).filter(
        level_at_least_filter(
            request.category.vetting_level, request_vetting_day(request)
        )
    )
    if request.category.skill_id is not None:
        may_suit = may_suit.filter(skills__skill_id=request.category.skill_id)
        needed = request.category.skill
        if shared and needed is not None:
            shared_may_suit = shared_may_suit.filter(
                skills__skill__name__iexact=needed.name
            )
    weekdays = {
        (days[0] + timedelta(days=n)).weekday()
        for n in range(min(7, (days[1] - days[0]).days + 1))
    }
    free = Exists(
        AvailabilitySlot.objects.filter(
            profile=OuterRef("pk"), weekday__in=sorted(weekdays)
        )
    )
    suit_ids = within & set(may_suit.filter(free).values_list("pk", flat=True))
    if shared:
        suit_ids |= within & set(
            shared_may_suit.filter(free).values_list("pk", flat=True)
        )
    # In the shortlist's order: distance, then the engine's id (text).
    nearest = sorted(
        zip(km, (str(p[0]) for p in placed), (p[0] for p in placed), strict=True)
    )
    near_ids = {pk for _d, _id, pk in nearest[: others + len(suit_ids)]}
    chosen = suit_ids | near_ids
    return Neighbourhood(
        helper_ids=sorted(chosen - set(shared)),
        placed=len(placed),
        days=days,
        shared_ids=sorted(chosen & set(shared)),
    )
