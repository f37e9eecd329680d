"""The demo locality's Neighbourhood Helpers: a skills list, and a helper
record for each of the 60 demo people with the helper role (and the demo
login, helper@riverside.example), at every vetting level and status, some
with checks about to lapse.

Everything is written with bulk_create in a few queries, deterministically
from ``rng`` (dates count back from today). The derived vetting fields are
worked out by the same pure rules the services use.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from kith.accounts.models import Role, User
from kith.core.demo import DemoLoadError
from kith.core.models import AuditEvent
from kith.helpers.models import (
    ApplicationChannel,
    AvailabilityException,
    AvailabilitySlot,
    CheckOutcome,
    DbsCertificate,
    DbsStatusCheck,
    HelperProfile,
    HelperSkill,
    HelperStatus,
    PayBasis,
    Referee,
    Skill,
    SkillLevel,
    StatusResult,
    TravelMode,
    VettingCheck,
)
from kith.helpers.services import _ladder_value
from kith.helpers.vetting import (
    CheckFacts,
    CheckKind,
    DbsType,
    StatusCheckFacts,
    VettingLevel,
    check_expires_on,
    checks_lapsing,
    level_at_least,
    vetting_standing,
)
from kith.places.demo import CENTRE
from kith.places.models import Locality, Postcode

SKILLS = [
    ("Gardening", "Weeding, mowing, pruning and planting."),
    ("Odd jobs and small repairs", "Shelves, curtains, light bulbs, flat-pack."),
    ("Help with phones and computers", "Video calls, email, online shopping."),
    ("Lifts to appointments", "In the helper’s own insured car."),
    ("Shopping and errands", "Collecting shopping, prescriptions or parcels."),
    ("Decorating", "Painting and wallpapering small rooms."),
    ("Dog walking", ""),
    ("Help with letters and forms", "Reading post, filling in forms."),
]
REFEREE_NAMES = [
    "Alice Morgan",
    "Bernard Cole",
    "Chidi Obi",
    "Dorothy Ives",
    "Eamon Rourke",
    "Fatima Rahman",
    "Graham Pike",
    "Helen Tsang",
    "Ivor Jenkins",
    "Jasmine Boyd",
    "Kwame Asante",
    "Lorna McKay",
]
RELATIONSHIPS = ["Neighbour", "Former manager", "Friend from church", "Teacher"]
PAUSE_REASONS = [
    "Looking after a grandchild for a month",
    "Recovering from an operation",
]
LEAVE_REASONS = ["Moved away", "Started a full-time job"]

#: What each demo helper's record looks like: (plan, how many).
PLANS = [
    ("applied", 8),
    ("vetting", 7),
    ("basic", 8),
    ("basic_lapsing", 3),
    ("lapsed", 2),
    ("enhanced", 8),
    ("dbs_lapsing", 3),
    ("barred", 9),
    ("barred_lapsing", 3),
    ("update_service", 3),
    ("paused", 3),
    ("left", 3),
]
DEMO_LOGIN = "helper@riverside.example"

#: The demo's core team: helpers who between them can do every skill on
#: every day, so that a request for any kind of help finds someone. Each is
#: (positions in SKILLS, weekdays 0 = Monday). Every skill has one helper on
#: weekdays and one from Thursday to Sunday. They are the active helpers
#: living nearest the middle of the locality, fully vetted, free 9am to 5pm
#: on their days, with no time away soon, and travel far enough to reach
#: anyone in it.
CORE_TEAM = [
    ((0, 1, 2, 3), (0, 1, 2, 3, 4)),
    ((4, 5, 6, 7), (0, 1, 2, 3, 4)),
    ((0, 1, 2, 3), (3, 4, 5, 6)),
    ((4, 5, 6, 7), (3, 4, 5, 6)),
]
CORE_TRAVEL_M = 4800
#: The demo login's skills (positions in SKILLS) and weekly times: most days.
LOGIN_SKILLS = (2, 4, 3, 7)
LOGIN_DAYS = (0, 1, 2, 3, 4, 5, 6)


@dataclass
class _Check:
    kind: str
    on: date
    referee: int | None = None
    dbs_type: str = ""
    issued: date | None = None
    update_service: bool = False
    status_on: list[date] = field(default_factory=list)
    outcome: str = CheckOutcome.PASSED

    def facts(self) -> CheckFacts:
        return CheckFacts(
            kind=self.kind,
            passed=self.outcome == CheckOutcome.PASSED,
            checked_on=self.on,
            referee=self.referee,
            dbs_type=self.dbs_type,
            dbs_issued_on=self.issued,
            update_service=self.update_service,
            status_checks=tuple(StatusCheckFacts(day, True) for day in self.status_on),
        )


def _checks_for(plan: str, today: date, rng: random.Random) -> list[_Check]:
    def ago(days: int) -> date:
        return today - timedelta(days=days)

    start = rng.randint(40, 300)
    if plan == "applied" or (plan == "left" and rng.random() < 0.5):
        return []
    checks = [_Check(CheckKind.IDENTITY, ago(start))]
    checks.append(_Check(CheckKind.REFERENCE, ago(start - 5), referee=0))
    if plan == "vetting":
        return checks
    checks += [
        _Check(CheckKind.REFERENCE, ago(start - 9), referee=1),
        _Check(CheckKind.INTERVIEW, ago(start - 12)),
    ]
    induction = {
        "basic_lapsing": ago(365 - rng.randint(8, 28)),
        "lapsed": ago(365 + rng.randint(3, 20)),
    }.get(plan, ago(start - 20))
    checks.append(_Check(CheckKind.INDUCTION, induction))
    if plan in {"basic", "basic_lapsing", "lapsed"}:
        return checks
    safeguarding = (
        ago(365 - rng.randint(10, 27)) if plan == "barred_lapsing" else ago(start - 25)
    )
    checks.append(_Check(CheckKind.SAFEGUARDING, safeguarding))
    dbs_type = (
        DbsType.ENHANCED
        if plan in {"enhanced", "dbs_lapsing"}
        else DbsType.ENHANCED_BARRED
    )
    if plan == "dbs_lapsing":
        issued = ago(3 * 365 - rng.randint(5, 25))
        checks.append(
            _Check(
                CheckKind.DBS,
                issued + timedelta(days=7),
                dbs_type=dbs_type,
                issued=issued,
            )
        )
    elif plan == "update_service":
        issued = ago(4 * 365 + rng.randint(0, 100))
        checks.append(
            _Check(
                CheckKind.DBS,
                issued + timedelta(days=10),
                dbs_type=dbs_type,
                issued=issued,
                update_service=True,
                status_on=[ago(rng.randint(30, 120))],
            )
        )
    else:
        issued = ago(start + 10)
        checks.append(
            _Check(CheckKind.DBS, ago(start - 15), dbs_type=dbs_type, issued=issued)
        )
    return checks


def _status(plan: str) -> str:
    return {
        "applied": HelperStatus.APPLIED,
        "vetting": HelperStatus.VETTING,
        "paused": HelperStatus.PAUSED,
        "left": HelperStatus.LEFT,
    }.get(plan, HelperStatus.ACTIVE)


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    today = timezone.localdate()
    now = timezone.now()
    coordinator = User.objects.filter(email="coordinator@riverside.example").first()
    Skill.objects.bulk_create(
        [Skill(locality=locality, name=name, description=text) for name, text in SKILLS]
    )
    skills = list(Skill.objects.filter(locality=locality).order_by("pk"))
    people = list(
        User.objects.filter(roles__locality=locality, roles__role=Role.HELPER)
        .distinct()
        .order_by("pk")
    )
    plans = [plan for plan, count in PLANS for _n in range(count)]
    rng.shuffle(plans)
    login = next((p for p in people if p.email == DEMO_LOGIN), None)
    if login is None:
        raise DemoLoadError("the demo helper", f"there is no person {DEMO_LOGIN}")
    ordered = [login] + [p for p in people if p is not login]
    core = _core_team(ordered[1:])

    profiles, planned = _profiles_create(
        locality,
        ordered,
        login,
        core,
        plans,
        coordinator,
        today=today,
        now=now,
        rng=rng,
    )
    fixed = {login.pk: (LOGIN_SKILLS, LOGIN_DAYS)} | {
        person.pk: spec for person, spec in zip(core, CORE_TEAM, strict=True)
    }
    _fixed_profiles(profiles, fixed)
    _parts_create(profiles, skills, fixed, today=today, rng=rng)
    _checks_create(
        locality, profiles, planned, coordinator, today=today, now=now, rng=rng
    )
    _history(profiles, planned, coordinator, locality)


def _core_team(people: list[User]) -> list[User]:
    """The people who will be the core team: those living nearest the middle
    of the locality (by their postcode), one for each place in CORE_TEAM."""
    positions = {
        p.postcode: (p.latitude, p.longitude)
        for p in Postcode.objects.filter(postcode__in={u.postcode for u in people})
    }
    placed = [u for u in people if u.postcode in positions]
    if len(placed) < len(CORE_TEAM):
        raise DemoLoadError(
            "the demo's core team of helpers",
            f"only {len(placed)} helpers have a postcode in the directory",
        )

    def off_centre(user: User) -> tuple[float, int]:
        lat, lon = positions[user.postcode]
        return ((lat - CENTRE[0]) ** 2 + ((lon - CENTRE[1]) * 0.62) ** 2, user.pk)

    return sorted(placed, key=off_centre)[: len(CORE_TEAM)]


def _fixed_profiles(
    profiles: list[HelperProfile], fixed: dict[int, tuple[Any, Any]]
) -> None:
    """The core team and the demo login take visits enough for the demo."""
    for profile in profiles:
        if profile.user_id not in fixed:
            continue
        if profile.status != HelperStatus.ACTIVE or not level_at_least(
            profile.vetting_level, VettingLevel.ENHANCED_BARRED
        ):
            raise DemoLoadError(
                f"the demo helper {profile.user.full_name}",
                "they were meant to be active and fully vetted",
            )
        profile.max_visits_per_week = 5
        if profile.user.email != DEMO_LOGIN:
            profile.travel_distance_m = CORE_TRAVEL_M
    HelperProfile.objects.bulk_update(
        profiles, ["max_visits_per_week", "travel_distance_m"]
    )


def _profiles_create(
    locality: Locality,
    ordered: list[User],
    login: User,
    core: list[User],
    plans: list[str],
    coordinator: Any,
    *,
    today: date,
    now: datetime,
    rng: random.Random,
) -> tuple[list[HelperProfile], list[tuple[str, list[_Check]]]]:
    """A helper record for each person, in order, with the checks planned
    for it: the vetting fields are worked out from the plan."""
    profiles: list[HelperProfile] = []
    planned: list[tuple[str, list[_Check]]] = []
    for index, person in enumerate(ordered):
        plan = (
            "barred_lapsing"
            if person is login
            else "barred"
            if person in core
            else plans[index % len(plans)]
        )
        checks = _checks_for(plan, today, rng)
        if plan == "paused":
            checks = _checks_for("enhanced", today, rng)
        facts = [check.facts() for check in checks]
        standing = vetting_standing(facts, today)
        lapsing = checks_lapsing(facts, today, within_days=None)
        status = _status(plan)
        first_check = min((check.on for check in checks), default=today)
        applied = now - timedelta(days=(today - first_check).days + rng.randint(7, 30))
        profile = _profile_new(
            person,
            locality,
            status,
            standing,
            lapsing,
            applied=applied,
            coordinator=coordinator,
            today=today,
            now=now,
            rng=rng,
        )
        profiles.append(profile)
        planned.append((plan, checks))
    HelperProfile.objects.bulk_create(profiles)
    profiles = list(
        HelperProfile.objects.filter(locality=locality).select_related("user")
    )
    by_user = {p.user_id: p for p in profiles}
    profiles = [by_user[person.pk] for person in ordered]
    return profiles, planned


def _profile_new(
    person: User,
    locality: Locality,
    status: str,
    standing: Any,
    lapsing: list[Any],
    *,
    applied: datetime,
    coordinator: Any,
    today: date,
    now: datetime,
    rng: random.Random,
) -> HelperProfile:
    """One helper record, not yet saved, with its derived vetting fields."""
    return HelperProfile(
        user=person,
        locality=locality,
        status=status,
        status_changed_at=now - timedelta(days=rng.randint(1, 30)),
        status_reason=rng.choice(PAUSE_REASONS)
        if status == HelperStatus.PAUSED
        else rng.choice(LEAVE_REASONS)
        if status == HelperStatus.LEFT
        else "",
        date_of_birth=date(
            rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)
        ),
        about="",
        pay_basis=PayBasis.PAID if rng.random() < 0.4 else PayBasis.VOLUNTEER,
        right_to_work=True,
        travel_distance_m=rng.choice([800, 1600, 1600, 3200, 4800]),
        travel_modes=sorted(
            rng.sample(TravelMode.values, rng.randint(1, 3)),
            key=TravelMode.values.index,
        ),
        max_visits_per_week=rng.randint(1, 5),
        applied_at=applied,
        application_channel=rng.choice(ApplicationChannel.values),
        approved_at=now - timedelta(days=rng.randint(1, 30))
        if status in {HelperStatus.ACTIVE, HelperStatus.PAUSED}
        else None,
        approved_by=coordinator
        if status in {HelperStatus.ACTIVE, HelperStatus.PAUSED}
        else None,
        vetting_level=standing.level,
        vetting_level_on=today,
        vetting_level_until=standing.until,
        basic_until=_ladder_value(standing.holds_until, VettingLevel.BASIC),
        enhanced_until=_ladder_value(standing.holds_until, VettingLevel.ENHANCED),
        enhanced_barred_until=_ladder_value(
            standing.holds_until, VettingLevel.ENHANCED_BARRED
        ),
        next_lapse_on=lapsing[0][1] if lapsing else None,
    )


def _parts_create(
    profiles: list[HelperProfile],
    skills: list[Skill],
    fixed: dict[int, tuple[Any, Any]],
    *,
    today: date,
    rng: random.Random,
) -> None:
    """Each helper's referees, skills, weekly times and some time away. Those
    in ``fixed`` (user id: skill positions, weekdays) have those skills, are
    free 9am to 5pm on those days and have no time away."""
    referees: list[Referee] = []
    held: list[HelperSkill] = []
    slots: list[AvailabilitySlot] = []
    away: list[AvailabilityException] = []
    for profile in profiles:
        for n, name in enumerate(rng.sample(REFEREE_NAMES, 2)):
            referees.append(
                Referee(
                    profile=profile,
                    full_name=name,
                    relationship=rng.choice(RELATIONSHIPS),
                    phone=f"0207946{rng.randint(0, 999):04d}" if n == 0 else "",
                    email="" if n == 0 else f"{name.split()[0].lower()}@example.com",
                )
            )
        if profile.user_id in fixed:
            positions, weekdays = fixed[profile.user_id]
            for position in positions:
                held.append(
                    HelperSkill(
                        profile=profile,
                        skill=skills[position],
                        level=rng.choice(SkillLevel.values),
                    )
                )
            for weekday in weekdays:
                slots.append(
                    AvailabilitySlot(
                        profile=profile,
                        weekday=weekday,
                        starts_at=time(9),
                        ends_at=time(17),
                    )
                )
            continue
        for skill in rng.sample(skills, rng.randint(1, 4)):
            held.append(
                HelperSkill(
                    profile=profile, skill=skill, level=rng.choice(SkillLevel.values)
                )
            )
        for weekday in sorted(rng.sample(range(7), rng.randint(1, 4))):
            start = rng.choice([9, 10, 13, 14])
            slots.append(
                AvailabilitySlot(
                    profile=profile,
                    weekday=weekday,
                    starts_at=time(start),
                    ends_at=time(start + rng.choice([2, 3])),
                )
            )
        if rng.random() < 0.15:
            first = today + timedelta(days=rng.randint(5, 60))
            away.append(
                AvailabilityException(
                    profile=profile,
                    starts_on=first,
                    ends_on=first + timedelta(days=rng.randint(3, 14)),
                    reason="Holiday",
                )
            )
    Referee.objects.bulk_create(referees)
    HelperSkill.objects.bulk_create(held)
    AvailabilitySlot.objects.bulk_create(slots)
    AvailabilityException.objects.bulk_create(away)


def _checks_create(
    locality: Locality,
    profiles: list[HelperProfile],
    planned: list[tuple[str, list[_Check]]],
    coordinator: Any,
    *,
    today: date,
    now: datetime,
    rng: random.Random,
) -> None:
    """The planned checks, DBS certificates and their status checks."""
    referee_ids: dict[int, list[int]] = {}
    for referee in Referee.objects.filter(profile__locality=locality).order_by("pk"):
        referee_ids.setdefault(referee.profile_id, []).append(referee.pk)

    checks: list[VettingCheck] = []
    certificates: list[tuple[int, _Check]] = []
    for profile, (_plan, planned_checks) in zip(profiles, planned, strict=True):
        for spec in planned_checks:
            checks.append(
                VettingCheck(
                    profile=profile,
                    kind=spec.kind,
                    outcome=spec.outcome,
                    checked_on=spec.on,
                    expires_on=check_expires_on(spec.facts(), today),
                    evidence_reference=_evidence(spec, rng),
                    documents_seen=["passport", "utility_bill"]
                    if spec.kind == CheckKind.IDENTITY
                    else [],
                    referee_id=referee_ids[profile.pk][spec.referee]
                    if spec.referee is not None
                    else None,
                    recorded_by=coordinator,
                    recorded_at=now,
                )
            )
            if spec.kind == CheckKind.DBS:
                certificates.append((len(checks) - 1, spec))
    VettingCheck.objects.bulk_create(checks)
    saved = list(VettingCheck.objects.filter(profile__locality=locality).order_by("pk"))
    dbs = DbsCertificate.objects.bulk_create(
        [
            DbsCertificate(
                check_record=saved[index],
                certificate_number=f"{rng.randint(0, 10**12 - 1):012d}",
                issued_on=spec.issued or spec.on,
                dbs_type=spec.dbs_type,
                role_applied_for="Neighbourhood Helper",
                update_service_consent=spec.update_service,
            )
            for index, spec in certificates
        ]
    )
    dbs = list(
        DbsCertificate.objects.filter(
            check_record__profile__locality=locality
        ).order_by("check_record_id")
    )
    DbsStatusCheck.objects.bulk_create(
        [
            DbsStatusCheck(
                certificate=certificate,
                checked_on=day,
                result=StatusResult.CURRENT,
                recorded_by=coordinator,
            )
            for certificate, (_index, spec) in zip(dbs, certificates, strict=True)
            for day in spec.status_on
        ]
    )


def _evidence(spec: _Check, rng: random.Random) -> str:
    if spec.kind in {CheckKind.INDUCTION, CheckKind.SAFEGUARDING}:
        return f"Course certificate {rng.randint(1000, 9999)}"
    if spec.kind == CheckKind.REFERENCE:
        return "Written reference, in the helper’s file"
    return ""


def _history(
    profiles: list[HelperProfile],
    planned: list[tuple[str, list[_Check]]],
    coordinator: Any,
    locality: Locality,
) -> None:
    """Audit events for the demo's records, so each has a history."""
    label_type = HelperProfile._meta.label_lower
    events = []
    for profile, (_plan, checks) in zip(profiles, planned, strict=True):
        label = f"{profile.user.full_name} (Neighbourhood Helper)"
        common = {
            "target_type": label_type,
            "target_id": str(profile.pk),
            "target_label": label,
            "locality": locality,
        }
        events.append(
            AuditEvent(
                created_at=profile.applied_at,
                actor=profile.user,
                action="helper_applied",
                data={"channel": profile.application_channel, "demo": True},
                **common,
            )
        )
        for check in checks:
            events.append(
                AuditEvent(
                    created_at=timezone.make_aware(
                        datetime.combine(check.on, time(11))
                    ),
                    actor=coordinator,
                    action="vetting_check_recorded",
                    data={"kind": check.kind, "outcome": check.outcome, "demo": True},
                    **common,
                )
            )
        if profile.approved_at:
            events.append(
                AuditEvent(
                    created_at=profile.approved_at,
                    actor=coordinator,
                    action="helper_approved",
                    data={"from": "vetting", "to": "active", "demo": True},
                    **common,
                )
            )
    AuditEvent.objects.bulk_create(events)
