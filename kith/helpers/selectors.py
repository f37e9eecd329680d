"""Reads of Neighbourhood Helpers' records, scoped to the person asking.

A helper sees their own record; coordinators (HELPERS_MANAGE) see every
helper of their locality, and each time they open one it is audited; DBS
records need VETTING_RECORD, and every view of one is audited. Anyone else is
refused (PermissionDenied); a record outside the locality is not found
(Http404).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import RoleAssignment, User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.accounts.search import person_search_q, search_terms
from kith.accounts.selectors import duplicates_decided
from kith.core.models import AuditEvent
from kith.core.services import audit_record
from kith.helpers.models import (
    AvailabilityException,
    AvailabilitySlot,
    DbsCertificate,
    HelperProfile,
    HelperSkill,
    HelperStatus,
    Referee,
    Skill,
    VettingCheck,
)
from kith.helpers.vetting import LEVELS, REMINDER_DAYS, CheckKind, VettingLevel
from kith.places.models import Locality, Postcode, Ward

PROFILE_TYPE = HelperProfile._meta.label_lower


def _today() -> date:
    return timezone.localdate()


# --- levels in SQL --------------------------------------------------------------------


def _holds(level: str, day: date) -> Q:
    """The stored ladder says the helper is at ``level`` or above on ``day``."""
    column = {
        VettingLevel.BASIC: "basic_until",
        VettingLevel.ENHANCED: "enhanced_until",
        VettingLevel.ENHANCED_BARRED: "enhanced_barred_until",
    }[VettingLevel(level)]
    return Q(**{f"{column}__gte": day})


def level_filter(level: str, day: date) -> Q:
    """Helpers whose vetting level on ``day`` is exactly ``level``. Right on
    the day a check lapses, with no job having run (see HelperProfile)."""
    if level == VettingLevel.NONE:
        return ~_holds(VettingLevel.BASIC, day)
    condition = _holds(level, day)
    if level != VettingLevel.ENHANCED_BARRED:
        above = LEVELS[LEVELS.index(VettingLevel(level)) + 1]
        condition &= ~_holds(above, day)
    return condition


def level_at_least_filter(level: str, day: date) -> Q:
    """Helpers at ``level`` or above on ``day``."""
    if level == VettingLevel.NONE:
        return Q()
    return _holds(level, day)


def with_level_today(queryset: QuerySet[HelperProfile], day: date) -> QuerySet:
    """Annotate ``level_today``: the level on ``day``, worked out in SQL."""
    return queryset.annotate(
        level_today=Case(
            When(
                _holds(VettingLevel.ENHANCED_BARRED, day), then=Value("enhanced_barred")
            ),
            When(_holds(VettingLevel.ENHANCED, day), then=Value("enhanced")),
            When(_holds(VettingLevel.BASIC, day), then=Value("basic")),
            default=Value("none"),
            output_field=CharField(),
        )
    )


def _ward_name() -> Subquery:
    ward_code = Postcode.objects.filter(postcode=OuterRef(OuterRef("user__postcode")))
    return Subquery(
        Ward.objects.filter(
            locality=OuterRef("locality"),
            ons_code=Subquery(ward_code.values("ward_code")[:1]),
        ).values("name")[:1]
    )


# --- one helper -----------------------------------------------------------------------


def _profile_queryset(locality: Locality) -> QuerySet[HelperProfile]:
    return HelperProfile.objects.filter(locality=locality).select_related(
        "user", "locality", "approved_by"
    )


def helper_profile_get_for(
    *, actor: Any, locality: Locality, pk: int, audit: bool = True
) -> HelperProfile:
    """One helper's record. A helper may open their own; coordinators any in
    their locality, and each time they do it is audited
    ("helper_record_viewed"). Raises Http404 or PermissionDenied."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    profile = (
        _profile_queryset(locality)
        .annotate(ward_name=_ward_name())
        .filter(pk=pk)
        .first()
    )
    if profile is not None and profile.user_id == actor.pk:
        return profile
    if not has_perm(actor, Perm.HELPERS_MANAGE, locality):
        raise PermissionDenied
    if profile is None:
        raise Http404
    if audit:
        audit_record(
            actor=actor,
            action="helper_record_viewed",
            target=profile,
            locality=locality,
        )
    return profile


def helper_profile_own(*, actor: Any, locality: Locality) -> HelperProfile | None:
    """The signed-in person's own helper record here, if they have one."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if not has_perm(actor, Perm.OWN_RECORD, locality):
        return None
    return (
        _profile_queryset(locality)
        .annotate(ward_name=_ward_name())
        .filter(user=actor)
        .first()
    )


def helper_profile_of(*, person: Any, locality: Locality) -> HelperProfile | None:
    """The person's helper record in the locality whatever its status (one
    who has left included), or None. Not audited: for the person's own pages
    and for services acting for them."""
    return HelperProfile.objects.filter(user=person, locality=locality).first()


def helper_profile_in(*, locality: Locality, pk: Any) -> HelperProfile | None:
    """The helper record with this id in the locality, whatever its status,
    or None. The caller (a service) checks what may be done with it."""
    return HelperProfile.objects.filter(pk=pk, locality=locality).first()


def helper_profile_for_edit(
    *, actor: Any, locality: Locality, pk: int | None
) -> HelperProfile:
    """The record a change is about: one's own (``pk`` None) or, for
    coordinators, any in the locality. Not audited as a view: the change is.
    Raises Http404 or PermissionDenied."""
    if pk is None:
        own = helper_profile_own(actor=actor, locality=locality)
        if own is None:
            raise Http404
        return own
    return helper_profile_get_for(actor=actor, locality=locality, pk=pk, audit=False)


def vetting_checks_for(*, actor: Any, profile: HelperProfile) -> QuerySet[VettingCheck]:
    """A helper's checks, newest first, withdrawn ones too. The helper and
    coordinators may see them; DBS details come from dbs_certificate_get_for."""
    _require_own_or_manage(actor, profile)
    return (
        VettingCheck.objects.filter(profile=profile)
        .select_related("referee", "recorded_by", "withdrawn_by", "dbs")
        .order_by("-checked_on", "-pk")
    )


def _require_own_or_manage(actor: Any, profile: HelperProfile) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if actor.pk == profile.user_id:
        return
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)


def check_get_for(*, actor: Any, locality: Locality, pk: int) -> VettingCheck:
    """One check, for those who record checks. Raises Http404 or
    PermissionDenied."""
    require_perm(actor, Perm.VETTING_RECORD, locality)
    check = (
        VettingCheck.objects.filter(pk=pk, profile__locality=locality)
        .select_related("profile__user", "profile__locality", "referee", "dbs")
        .first()
    )
    if check is None:
        raise Http404
    return check


def dbs_certificate_get_for(
    *, actor: Any, locality: Locality, check_pk: int, purpose: str = "viewed"
) -> DbsCertificate:
    """A DBS certificate record, for those who record checks; every view is
    audited ("dbs_record_viewed", or "dbs_scan_viewed" for the scanned copy).
    Raises Http404 or PermissionDenied."""
    require_perm(actor, Perm.VETTING_RECORD, locality)
    certificate = (
        DbsCertificate.objects.filter(
            check_record__pk=check_pk, check_record__profile__locality=locality
        )
        .select_related(
            "check_record__profile__user",
            "check_record__profile__locality",
            "check_record__recorded_by",
        )
        .prefetch_related("status_checks__recorded_by")
        .first()
    )
    if certificate is None:
        raise Http404
    audit_record(
        actor=actor,
        action="dbs_scan_viewed" if purpose == "scan" else "dbs_record_viewed",
        target=certificate.check_record.profile,
        locality=locality,
        data={"check": check_pk},
    )
    return certificate


def helper_history_for(
    *, actor: Any, profile: HelperProfile, limit: int = 100
) -> list[AuditEvent]:
    """What happened to a helper's record, newest first: its audit events
    other than views. Coordinators only."""
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)
    return list(
        AuditEvent.objects.filter(target_type=PROFILE_TYPE, target_id=str(profile.pk))
        .exclude(action__endswith="_viewed")
        .select_related("actor", "on_behalf_of")
        .order_by("-created_at", "-id")[:limit]
    )


def vetting_checks_shown_for(
    *, actor: Any, profile: HelperProfile
) -> list[VettingCheck]:
    """A helper's checks as their record shows them (see vetting_checks_for),
    each DBS certificate with its status checks in ``status_checks_list``:
    they are needed to know how long a certificate counts."""
    checks = list(vetting_checks_for(actor=actor, profile=profile))
    for check in checks:
        if check.kind == CheckKind.DBS and hasattr(check, "dbs"):
            check.dbs.status_checks_list = list(  # type: ignore[attr-defined]
                check.dbs.status_checks.all()
            )
    return checks


# The parts of one helper's record. ``profile`` comes from one of the
# selectors above, which decided whether the actor may see it.


def helper_skills_of(*, profile: HelperProfile) -> QuerySet[HelperSkill]:
    """What the helper can do, by the skill's name."""
    return profile.skills.select_related("skill").order_by("skill__name")


def skill_levels_of(*, profile: HelperProfile) -> dict[int, str]:
    """Each skill the helper offers, with their level: skill id -> level."""
    return {hs.skill_id: hs.level for hs in profile.skills.all()}


def availability_slots_of(*, profile: HelperProfile) -> QuerySet[AvailabilitySlot]:
    """The times in the week the helper can usually help."""
    return profile.availability.all()


def time_away_of(
    *, profile: HelperProfile, today: date
) -> QuerySet[AvailabilityException]:
    """The helper's time away that has not yet ended."""
    return AvailabilityException.objects.filter(profile=profile, ends_on__gte=today)


def referees_of(*, profile: HelperProfile) -> QuerySet[Referee]:
    return profile.referees.all()


def referee_of(*, profile: HelperProfile, pk: Any) -> Referee | None:
    """One of the helper's referees, or None if ``pk`` is not one of theirs."""
    return profile.referees.filter(pk=pk).first()


def helper_application_sent(*, locality: Locality, pk: int) -> HelperProfile | None:
    """The record an application just sent made, for the page that says it
    was sent. The caller knows ``pk`` from its own session, so it is the
    applicant (or the coordinator who sent it) asking."""
    return (
        HelperProfile.objects.filter(pk=pk, locality=locality)
        .select_related("user")
        .first()
    )


# --- the list -------------------------------------------------------------------------


@dataclass(frozen=True)
class HelperFilters:
    query: str = ""
    ward: Ward | None = None
    status: str = ""
    skill: Skill | None = None
    level: str = ""
    expiring: bool = False


def helpers_search_for(
    *,
    actor: Any,
    locality: Locality,
    filters: HelperFilters | None = None,
    today: date | None = None,
) -> QuerySet[HelperProfile]:
    """The locality's helpers, filtered, by name. Coordinators only.

    Each row carries ``ward_name`` and ``level_today`` (worked out in SQL from
    the stored ladder, so right on the day a check lapses) and its skills: the
    same few queries for any number of helpers.
    """
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    filters = filters or HelperFilters()
    today = today or _today()
    helpers = HelperProfile.objects.filter(locality=locality)
    terms = search_terms(filters.query)
    if terms.born is not None:
        helpers = helpers.filter(date_of_birth=terms.born)
    helpers = helpers.filter(person_search_q(terms.texts, "user__"))
    if filters.ward is not None:
        helpers = helpers.filter(
            user__postcode__in=Postcode.objects.filter(
                ward_code=filters.ward.ons_code
            ).values("postcode")
        )
    if filters.status:
        helpers = helpers.filter(status=filters.status)
    if filters.skill is not None:
        helpers = helpers.filter(
            Exists(
                HelperSkill.objects.filter(profile=OuterRef("pk"), skill=filters.skill)
            )
        )
    if filters.level:
        helpers = helpers.filter(level_filter(filters.level, today))
    if filters.expiring:
        helpers = helpers.filter(
            next_lapse_on__gte=today,
            next_lapse_on__lt=today + timedelta(days=REMINDER_DAYS),
        ).exclude(status=HelperStatus.LEFT)
    helpers = with_level_today(helpers, today).annotate(ward_name=_ward_name())
    return (
        helpers.select_related("user")
        .prefetch_related(
            Prefetch(
                "skills",
                queryset=HelperSkill.objects.select_related("skill").order_by(
                    "skill__name"
                ),
            )
        )
        .order_by("user__full_name", "pk")
    )


def helpers_export_for(
    *,
    actor: Any,
    locality: Locality,
    filters: HelperFilters | None = None,
    today: date | None = None,
) -> Iterator[HelperProfile]:
    """Every helper matching the filters, for a CSV file, read in chunks.
    Coordinators only; the caller audits the export."""
    found = helpers_search_for(
        actor=actor, locality=locality, filters=filters, today=today
    )
    return found.iterator(chunk_size=500)


def skills_for(
    *,
    locality: Locality,
    include_retired: bool = False,
    only: Iterable[int] | None = None,
) -> QuerySet[Skill]:
    """The locality's skills list (``only`` these, if given). Not personal
    data: anyone may read it."""
    skills = Skill.objects.filter(locality=locality)
    if not include_retired:
        skills = skills.filter(retired=False)
    skills = skills.order_by(Lower("name"), "pk")
    if only is not None:
        skills = skills.filter(pk__in=list(only))
    return skills


def skills_with_counts_for(*, actor: Any, locality: Locality) -> QuerySet[Skill]:
    """The whole skills list, with how many helpers (not counting those who
    left) offer each. Coordinators only."""
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    return skills_for(locality=locality, include_retired=True).annotate(
        helper_count=Count(
            "helpers", filter=~Q(helpers__profile__status=HelperStatus.LEFT)
        )
    )


def skill_get_for(*, actor: Any, locality: Locality, pk: int) -> Skill:
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    skill = Skill.objects.filter(locality=locality, pk=pk).first()
    if skill is None:
        raise Http404
    return skill


# --- possible duplicates --------------------------------------------------------------


@dataclass
class DuplicateCandidate:
    """Another person in the locality who may be the same as this one, found
    as the page is drawn (accounts.PossibleDuplicate keeps what was decided)."""

    person: User
    reasons: list[str] = field(default_factory=list)
    profile: HelperProfile | None = None


def _phone_forms(person: User) -> set[str]:
    forms = set()
    if person.mobile:
        forms |= {person.mobile, "0" + person.mobile[3:]}
    if person.phone:
        forms.add(person.phone)
        if person.phone.startswith("07"):
            forms.add("+44" + person.phone[1:])
    return forms


def _decided_pairs(locality: Locality, people: list[int]) -> set[tuple[int, int]]:
    return duplicates_decided(locality=locality, people=people)


def possible_duplicates_for(
    *, actor: Any, profile: HelperProfile
) -> list[DuplicateCandidate]:
    """People in the locality who may be the same person as this helper:
    the same name and date of birth, the same name and postcode, or the same
    phone number. Pairs a coordinator decided to keep apart are left out.
    Coordinators only."""
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)
    locality = profile.locality
    person = profile.user
    in_locality = User.objects.filter(
        pk__in=RoleAssignment.objects.filter(locality=locality).values("user_id"),
        is_active=True,
    ).exclude(pk=person.pk)
    name = person.full_name.strip()
    phones = _phone_forms(person)
    match = Q(
        pk__in=HelperProfile.objects.filter(
            locality=locality, date_of_birth=profile.date_of_birth
        )
        .annotate(name=Lower("user__full_name"))
        .filter(name=name.lower())
        .values("user_id")
    )
    if person.postcode:
        match |= Q(full_name__iexact=name, postcode=person.postcode)
    if phones:
        match |= Q(mobile__in=phones) | Q(phone__in=phones)
    # Contact details given online that were already someone else's: left
    # off this record, kept with the application (ADR 0018).
    given = profile.application_data or {}
    in_use = set(given.get("contact_in_use") or [])
    given_email = given.get("email", "") if "email" in in_use else ""
    given_mobile = given.get("mobile", "") if "mobile" in in_use else ""
    if given_email:
        match |= Q(email__iexact=given_email)
    if given_mobile:
        match |= Q(mobile=given_mobile)
    candidates = list(
        in_locality.filter(match).prefetch_related(
            Prefetch(
                "helper_profiles",
                queryset=HelperProfile.objects.filter(locality=locality),
                to_attr="profiles_here",
            )
        )
    )
    decided = _decided_pairs(locality, [person.pk])
    found = []
    for other in candidates:
        pair = (min(person.pk, other.pk), max(person.pk, other.pk))
        if pair in decided:
            continue
        other_profile = other.profiles_here[0] if other.profiles_here else None
        reasons = []
        if (
            other_profile is not None
            and other.full_name.strip().lower() == name.lower()
            and other_profile.date_of_birth == profile.date_of_birth
        ):
            reasons.append("name_and_date_of_birth")
        if person.postcode and (
            other.full_name.strip().lower() == name.lower()
            and other.postcode == person.postcode
        ):
            reasons.append("name_and_postcode")
        if phones & _phone_forms(other):
            reasons.append("phone")
        if given_email and (other.email or "").lower() == given_email.lower():
            reasons.append("email_given")
        if given_mobile and other.mobile == given_mobile:
            reasons.append("mobile_given")
        if reasons:
            found.append(
                DuplicateCandidate(person=other, reasons=reasons, profile=other_profile)
            )
    return found


def possible_duplicates_in(
    *, actor: Any, locality: Locality, limit: int = 10
) -> list[tuple[HelperProfile, HelperProfile]]:
    """Pairs of helper records in the locality with the same name and date of
    birth, not yet decided: for the panel on the list. Coordinators only; a
    fixed number of queries."""
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    keys = list(
        HelperProfile.objects.filter(locality=locality, user__is_active=True)
        .exclude(status=HelperStatus.LEFT)
        .annotate(name=Lower("user__full_name"))
        .values("name", "date_of_birth")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name", "date_of_birth")[: limit * 2]
    )
    if not keys:
        return []
    match = Q()
    for key in keys:
        match |= Q(name=key["name"], date_of_birth=key["date_of_birth"])
    profiles = list(
        HelperProfile.objects.filter(locality=locality, user__is_active=True)
        .exclude(status=HelperStatus.LEFT)
        .annotate(name=Lower("user__full_name"))
        .filter(match)
        .select_related("user")
        .order_by("name", "date_of_birth", "pk")
    )
    decided = _decided_pairs(locality, [p.user_id for p in profiles])
    pairs: list[tuple[HelperProfile, HelperProfile]] = []
    for index, first in enumerate(profiles):
        for second in profiles[index + 1 :]:
            if (first.name, first.date_of_birth) != (
                second.name,
                second.date_of_birth,
            ):
                continue
            pair = (
                min(first.user_id, second.user_id),
                max(first.user_id, second.user_id),
            )
            if pair not in decided:
                pairs.append((first, second))
    return pairs[:limit]


def person_in_locality(*, actor: Any, locality: Locality, pk: int) -> User:
    """Someone holding a role in the locality, for the duplicates page.
    Coordinators only."""
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    person = (
        User.objects.filter(pk=pk, roles__locality=locality)
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=RoleAssignment.objects.filter(locality=locality),
                to_attr="roles_here",
            ),
            Prefetch(
                "helper_profiles",
                queryset=HelperProfile.objects.filter(locality=locality),
                to_attr="profiles_here",
            ),
        )
        .distinct()
        .first()
    )
    if person is None:
        raise Http404
    return person


def merged_into(
    *, actor: Any, locality: Locality, profile_pk: int, person_pk: int
) -> HelperProfile | None:
    """The record kept when this helper record or this person was merged into
    another, if they were: so that sending the merge form twice lands on the
    kept record. Coordinators only."""
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    event = (
        AuditEvent.objects.filter(locality=locality, action="helper_records_merged")
        .filter(Q(data__merged_person=person_pk) | Q(data__profile=profile_pk))
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None:
        return None
    return HelperProfile.objects.filter(
        locality=locality, pk=int(event.target_id)
    ).first()
