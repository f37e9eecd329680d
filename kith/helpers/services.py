"""Writes about Neighbourhood Helpers: applying, vetting, profiles, status,
skills lists, duplicates, and the daily jobs (levels, reminders, DBS scans).

Every function checks permission, validates, writes an audit event and owns
its transaction. Each raises ApplicationError (nothing changed; the message
says why, and ``field`` names the form field it belongs to) or
PermissionDenied. Functions run by the system (the daily jobs) take no actor
and record the system as the actor.
"""

import contextlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kith.accounts.models import Role, RoleAssignment, User
from kith.accounts.permissions import Perm, forget_roles, has_perm, require_perm
from kith.accounts.phones import mobile_normalise, phone_normalise
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import (
    MAX_VISITS_PER_WEEK,
    TRAVEL_DISTANCES,
    ApplicationChannel,
    AvailabilityException,
    AvailabilitySlot,
    CheckOutcome,
    DbsCertificate,
    DbsStatusCheck,
    DuplicateDecision,
    HelperProfile,
    HelperSkill,
    HelperStatus,
    IdentityDocument,
    PayBasis,
    Referee,
    Skill,
    SkillLevel,
    StatusResult,
    TravelMode,
    VettingCheck,
    VettingReminder,
    dbs_scan_storage,
)
from kith.helpers.vetting import (
    NEVER,
    REMINDER_DAYS,
    CheckFacts,
    CheckKind,
    DbsType,
    VettingLevel,
    check_expires_on,
    checks_lapsing,
    level_at_least,
    missing_for,
    vetting_standing,
)
from kith.places.models import Locality
from kith.places.postcodes import postcode_normalise
from kith.places.selectors import postcode_ward

log = logging.getLogger(__name__)

MINIMUM_AGE = 18
#: A scanned DBS certificate is deleted this many days after the decision:
#: always inside the 6 months the DBS Code of Practice allows.
SCAN_KEEP_DAYS = 180
#: Online applications with the same name, date of birth and contact within
#: this time are the same application sent twice (say from a second tab).
REPEAT_WINDOW = timedelta(hours=24)
SCAN_MAX_BYTES = 5 * 1024 * 1024
SCAN_EXTENSIONS = frozenset({".pdf", ".jpg", ".jpeg", ".png"})
#: How a check is named in the reminder message ("The ... check for ...").
CHECK_NAMES = {
    CheckKind.IDENTITY: gettext_lazy("identity"),
    CheckKind.REFERENCE: gettext_lazy("reference"),
    CheckKind.INTERVIEW: gettext_lazy("interview"),
    CheckKind.INDUCTION: gettext_lazy("induction training"),
    CheckKind.SAFEGUARDING: gettext_lazy("safeguarding training"),
    CheckKind.DBS: gettext_lazy("DBS"),
}
STATUS_ORDER = [
    HelperStatus.LEFT,
    HelperStatus.APPLIED,
    HelperStatus.VETTING,
    HelperStatus.PAUSED,
    HelperStatus.ACTIVE,
]


def _today() -> date:
    return timezone.localdate()


def _long_date(day: date) -> str:
    """``3 May 2027``, in the language of the message."""
    return date_format(day, "j F Y")


# --- permission helpers ---------------------------------------------------------------


def _may_manage(actor: Any, locality: Locality) -> bool:
    return has_perm(actor, Perm.HELPERS_MANAGE, locality)


def _require_self_or_manage(actor: Any, profile: HelperProfile) -> None:
    """A helper may change their own profile; coordinators anyone's here."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if actor.pk == profile.user_id and has_perm(
        actor, Perm.OWN_RECORD, profile.locality
    ):
        return
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)


def _behalf(actor: Any, profile: HelperProfile) -> User | None:
    return profile.user if actor is not None and actor.pk != profile.user_id else None


def _lock(profile: HelperProfile) -> HelperProfile:
    return (
        HelperProfile.objects.select_for_update()
        .select_related("user", "locality")
        .get(pk=profile.pk)
    )


# --- vetting: from checks to the stored level -----------------------------------------


def _checks_counted(profile: HelperProfile) -> list[VettingCheck]:
    """The checks the rules look at: every one not withdrawn."""
    return list(
        VettingCheck.objects.filter(profile=profile, withdrawn_at__isnull=True)
        .select_related("dbs")
        .prefetch_related("dbs__status_checks")
        .order_by("checked_on", "pk")
    )


def profile_facts(checks: Iterable[VettingCheck]) -> list[CheckFacts]:
    return [check.facts() for check in checks]


def _ladder_value(
    holds_until: Mapping[VettingLevel, date | None], level: VettingLevel
) -> date | None:
    """The stored form: empty when not reached, NEVER when it never lapses."""
    if level not in holds_until:
        return None
    until = holds_until[level]
    return NEVER if until is None else until


def _vetting_recompute(profile: HelperProfile, today: date) -> tuple[str, str]:
    """Store what the vetting rules say about ``profile`` on ``today``: its
    level, the ladder of how long each level holds, the next check to lapse,
    and each check's last day. Returns (old level, new level)."""
    checks = _checks_counted(profile)
    facts = profile_facts(checks)
    standing = vetting_standing(facts, today)
    lapsing = checks_lapsing(facts, today, within_days=None)
    for check, fact in zip(checks, facts, strict=True):
        expires = check_expires_on(fact, today)
        if check.expires_on != expires:
            check.expires_on = expires
            check.save(update_fields=["expires_on"])
    old = profile.vetting_level
    profile.vetting_level = standing.level
    profile.vetting_level_on = today
    profile.vetting_level_until = standing.until
    profile.basic_until = _ladder_value(standing.holds_until, VettingLevel.BASIC)
    profile.enhanced_until = _ladder_value(standing.holds_until, VettingLevel.ENHANCED)
    profile.enhanced_barred_until = _ladder_value(
        standing.holds_until, VettingLevel.ENHANCED_BARRED
    )
    profile.next_lapse_on = lapsing[0][1] if lapsing else None
    profile.save(
        update_fields=[
            "vetting_level",
            "vetting_level_on",
            "vetting_level_until",
            "basic_until",
            "enhanced_until",
            "enhanced_barred_until",
            "next_lapse_on",
            "updated_at",
        ]
    )
    return old, standing.level


def vetting_missing(
    *, profile: HelperProfile, level: str, on: date | None = None
) -> list[str]:
    """What is still needed for ``profile`` to reach ``level`` (see
    ``vetting.missing_for``)."""
    return missing_for(profile_facts(_checks_counted(profile)), on or _today(), level)


# --- applying -------------------------------------------------------------------------


@dataclass(frozen=True)
class RefereeDetails:
    full_name: str
    relationship: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ApplicationDetails:
    """Everything an application says. The contact fields are used only for
    someone not yet known (a visitor, or a person a coordinator enters);
    the address for everyone."""

    date_of_birth: date
    skills: Mapping[int, str]
    availability: Sequence[tuple[int, time, time]]
    max_visits_per_week: int
    travel_distance_m: int
    travel_modes: Sequence[str]
    referees: Sequence[RefereeDetails]
    pay_basis: str
    right_to_work: bool
    about: str = ""
    full_name: str = ""
    preferred_name: str = ""
    email: str = ""
    mobile: str = ""
    phone: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _validate_date_of_birth(born: date) -> None:
    today = _today()
    if born >= today:
        raise ApplicationError(
            _("Date of birth must be in the past."), field="date_of_birth"
        )
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < MINIMUM_AGE:
        raise ApplicationError(
            _("You must be 18 or over to be a Neighbourhood Helper."),
            field="date_of_birth",
        )
    if age > 110:
        raise ApplicationError(
            _("Check the year of birth: it must be a real date of birth."),
            field="date_of_birth",
        )


def postcode_in_locality(raw: str, locality: Locality) -> str:
    """The normalised postcode, if it lies in one of the locality's wards.
    Raises ApplicationError (field ``postcode``) otherwise."""
    try:
        postcode = postcode_normalise(raw)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], field="postcode") from exc
    if postcode_ward(postcode=postcode, locality=locality) is None:
        raise ApplicationError(
            _(
                "This postcode is not in the area %(name)s covers. Check it, or "
                "phone us on %(phone)s."
            )
            % {"name": locality.name, "phone": locality.phone},
            field="postcode",
        )
    return postcode


def _validate_skills(locality: Locality, levels: Mapping[int, str]) -> dict[int, str]:
    if not levels:
        raise ApplicationError(
            _("Choose at least one thing you can help with."), field="skills"
        )
    known = set(
        Skill.objects.filter(
            locality=locality, retired=False, pk__in=list(levels)
        ).values_list("pk", flat=True)
    )
    cleaned: dict[int, str] = {}
    for skill_id, level in levels.items():
        if skill_id not in known:
            raise ApplicationError(
                _("Choose from the things on the list."), field="skills"
            )
        if level not in SkillLevel.values:
            raise ApplicationError(
                _("Choose how much experience you have."), field="skills"
            )
        cleaned[int(skill_id)] = level
    return cleaned


def _validate_availability(
    slots: Sequence[tuple[int, time, time]],
) -> list[tuple[int, time, time]]:
    if not slots:
        raise ApplicationError(
            _("Choose at least one time you could usually help."),
            field="availability",
        )
    cleaned = []
    for weekday, starts_at, ends_at in slots:
        if weekday not in range(7) or starts_at >= ends_at:
            raise ApplicationError(
                _("The end time must be after the start time."), field="ends_at"
            )
        cleaned.append((weekday, starts_at, ends_at))
    return sorted(set(cleaned))


def _validate_travel(
    distance_m: int, modes: Sequence[str], max_visits: int
) -> tuple[int, list[str], int]:
    if distance_m not in {value for value, _label in TRAVEL_DISTANCES}:
        raise ApplicationError(
            _("Choose how far you will travel."), field="travel_distance_m"
        )
    if not modes or any(mode not in TravelMode.values for mode in modes):
        raise ApplicationError(_("Choose how you will travel."), field="travel_modes")
    if not (1 <= int(max_visits) <= MAX_VISITS_PER_WEEK):
        raise ApplicationError(
            _("Enter a number of visits from 1 to %(most)d.")
            % {"most": MAX_VISITS_PER_WEEK},
            field="max_visits_per_week",
        )
    ordered = [mode for mode in TravelMode.values if mode in set(modes)]
    return distance_m, ordered, int(max_visits)


def _validate_pay(pay_basis: str, right_to_work: bool) -> None:
    if pay_basis not in PayBasis.values:
        raise ApplicationError(
            _("Choose whether you want to be paid or to volunteer."), field="pay_basis"
        )
    if pay_basis == PayBasis.PAID and not right_to_work:
        raise ApplicationError(
            _(
                "To be paid you need the right to work in the UK. You can still "
                "volunteer: go back and choose to volunteer."
            ),
            field="right_to_work",
        )


def clean_referee(details: RefereeDetails) -> RefereeDetails:
    """Normalise one referee's contact details; raise ApplicationError."""
    name = details.full_name.strip()
    if not name:
        raise ApplicationError(_("Enter the referee’s full name."), field="full_name")
    email = details.email.strip().lower()
    phone = details.phone.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ApplicationError(
                _("Enter an email address in the right form, like name@example.com."),
                field="email",
            ) from exc
    if phone:
        try:
            phone = phone_normalise(phone)
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0], field="phone") from exc
    if not email and not phone:
        raise ApplicationError(
            _("Enter a phone number or an email address for the referee."),
            field="phone",
        )
    return RefereeDetails(
        full_name=name,
        relationship=details.relationship.strip()[:150],
        email=email,
        phone=phone,
    )


def _validate_referees(
    referees: Sequence[RefereeDetails], own_contacts: set[str]
) -> list[RefereeDetails]:
    """Two referees, cleaned. Errors name the field ``referees``."""
    if len(referees) != 2:
        raise ApplicationError(_("Give the details of two referees."), field="referees")
    try:
        cleaned = [clean_referee(referee) for referee in referees]
    except ApplicationError as error:
        raise ApplicationError(error.message, field="referees") from error
    first, second = cleaned
    if first.full_name.lower() == second.full_name.lower() or (
        {first.email, first.phone} - {""}
    ) & ({second.email, second.phone} - {""}):
        raise ApplicationError(
            _("Your two referees must be two different people."), field="referees"
        )
    for referee in cleaned:
        if ({referee.email, referee.phone} - {""}) & own_contacts:
            raise ApplicationError(
                _("A referee must be someone else, not you."), field="referees"
            )
    return cleaned


def _own_contacts(person: User | None, details: ApplicationDetails | None) -> set[str]:
    """The applicant's own email and phone numbers, in every stored form."""
    found: set[str] = set()
    if details is not None:
        found |= {details.email.strip().lower(), details.phone.strip()}
        for raw in (details.mobile, details.phone):
            for normalise in (mobile_normalise, phone_normalise):
                with contextlib.suppress(ValidationError):
                    found.add(normalise(raw))
    if person is not None:
        found |= {(person.email or "").lower(), person.phone}
        if person.mobile:
            found |= {person.mobile, "0" + person.mobile[3:]}
    return found - {""}


def _find_known_person(details: ApplicationDetails) -> tuple[User | None, str]:
    """Someone already known by the email address or mobile number given."""
    email = details.email.strip().lower()
    if email:
        found = User.objects.filter(email__iexact=email).first()
        if found is not None:
            return found, "email"
    if details.mobile.strip():
        try:
            mobile = mobile_normalise(details.mobile)
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0], field="mobile") from exc
        found = User.objects.filter(mobile=mobile).first()
        if found is not None:
            return found, "mobile"
    return None, ""


def _visitor_contacts(details: ApplicationDetails) -> tuple[str, str]:
    """A visitor's email address and mobile number, normalised. Raises
    ApplicationError naming the field at fault."""
    from kith.accounts.services import contact_details_clean

    cleaned = contact_details_clean({"email": details.email, "mobile": details.mobile})
    return cleaned["email"] or "", cleaned["mobile"] or ""


def _visitor_repeat(
    locality: Locality, details: ApplicationDetails, email: str, mobile: str
) -> HelperProfile | None:
    """The same online application sent again within a day: the same name,
    date of birth and email or mobile, whether or not that email or mobile
    was left off the record because someone else has it."""
    contact = Q()
    if email:
        contact |= Q(user__email=email) | Q(application_data__email=email)
    if mobile:
        contact |= Q(user__mobile=mobile) | Q(application_data__mobile=mobile)
    if not contact:
        return None
    return (
        HelperProfile.objects.filter(
            contact,
            locality=locality,
            application_channel=ApplicationChannel.ONLINE,
            applied_at__gte=timezone.now() - REPEAT_WINDOW,
            date_of_birth=details.date_of_birth,
            user__full_name__iexact=details.full_name.strip(),
        )
        .exclude(status=HelperStatus.LEFT)
        .order_by("pk")
        .first()
    )


def _create_person_for_visitor(
    locality: Locality, details: ApplicationDetails, leave_out: Iterable[str] = ()
) -> User:
    """A visitor applying online becomes a new person with the helper role,
    always: never someone already known (ADR 0018). Contact details in
    ``leave_out`` belong to someone else and are not stored on the record.
    They are the actor of their own record's creation."""
    from kith.accounts.services import (
        contact_details_check_unique,
        contact_details_clean,
        person_save_validated,
    )

    cleaned = contact_details_clean(
        {
            "full_name": details.full_name,
            "preferred_name": details.preferred_name,
            "email": "" if "email" in leave_out else details.email,
            "mobile": "" if "mobile" in leave_out else details.mobile,
            "phone": details.phone,
            "address_line_1": details.address_line_1,
            "address_line_2": details.address_line_2,
            "town": details.town,
            "postcode": details.postcode,
        }
    )
    contact_details_check_unique(cleaned, exclude_pk=None)
    person = User(**cleaned, home_locality=locality)
    person.set_unusable_password()
    person_save_validated(person)
    RoleAssignment.objects.create(user=person, locality=locality, role=Role.HELPER)
    audit_record(
        actor=person,
        action="person_created",
        target=person,
        locality=locality,
        data={
            "role": Role.HELPER,
            "self_registered": True,
            "with_email": bool(person.email),
            "with_mobile": bool(person.mobile),
        },
    )
    return person


def _address_changes(person: User, details: ApplicationDetails) -> dict[str, str]:
    wanted = {
        "address_line_1": details.address_line_1.strip(),
        "address_line_2": details.address_line_2.strip(),
        "town": details.town.strip(),
        "postcode": details.postcode,
    }
    return {
        name: value for name, value in wanted.items() if getattr(person, name) != value
    }


def _write_profile_parts(
    profile: HelperProfile,
    skills: Mapping[int, str],
    slots: Sequence[tuple[int, time, time]],
    referees: Sequence[RefereeDetails],
) -> None:
    HelperSkill.objects.filter(profile=profile).delete()
    HelperSkill.objects.bulk_create(
        [
            HelperSkill(profile=profile, skill_id=skill_id, level=level)
            for skill_id, level in skills.items()
        ]
    )
    AvailabilitySlot.objects.filter(profile=profile).delete()
    AvailabilitySlot.objects.bulk_create(
        [
            AvailabilitySlot(
                profile=profile, weekday=weekday, starts_at=start, ends_at=end
            )
            for weekday, start, end in slots
        ]
    )
    known = {
        name.lower() for name in profile.referees.values_list("full_name", flat=True)
    }
    for referee in referees:
        if referee.full_name.lower() not in known:
            Referee.objects.create(
                profile=profile,
                full_name=referee.full_name,
                relationship=referee.relationship,
                email=referee.email,
                phone=referee.phone,
            )


def helper_apply(
    *,
    actor: Any,
    locality: Locality,
    details: ApplicationDetails,
    person: User | None = None,
    key: str | None = None,
) -> HelperProfile:
    """Record an application to be a Neighbourhood Helper.

    Who may apply for whom:

    - a visitor (``actor`` None or signed out), giving a name and an email
      address or mobile number. A new person is always created with the
      helper role: an application never attaches itself to someone already
      known. An email or mobile already on someone else's record is left off
      the new one (kept in ``application_data`` for a coordinator, who sees
      the likely duplicate and may merge), and its owner is told at that
      address or number. The answer is the same whatever is on file;
    - a signed-in person, for themselves;
    - a coordinator (HELPERS_MANAGE), for a person they may act for, or for a
      new person they enter (at least one way to contact them).

    Sending the same application again (``key``), or applying again while an
    application or helper record stands, changes nothing and returns the
    record. Someone who left is reopened as applied. The person gets the
    "helper_application_received" message, written to the outbox in this
    transaction and sent once it commits.

    Raises ApplicationError naming the field at fault, or PermissionDenied.
    """
    for attempt in range(2):
        try:
            return _helper_apply(
                actor=actor, locality=locality, details=details, person=person, key=key
            )
        except IntegrityError:
            # The same application arrived twice at once: the other one won.
            if key:
                existing = HelperProfile.objects.filter(application_key=key).first()
                if existing is not None:
                    return existing
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@transaction.atomic
def _helper_apply(
    *,
    actor: Any,
    locality: Locality,
    details: ApplicationDetails,
    person: User | None,
    key: str | None,
) -> HelperProfile:
    if key:
        existing = HelperProfile.objects.filter(application_key=key).first()
        if existing is not None:
            return existing
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    coordinator = signed_in and _may_manage(actor, locality)
    if not signed_in:
        if person is not None:
            raise PermissionDenied
        mode = "visitor"
    elif coordinator and (person is None or person.pk != actor.pk):
        mode = "for_person" if person is not None else "new_person"
    else:
        if person is not None and person.pk != actor.pk:
            raise PermissionDenied
        person = actor
        mode = "self"
    if mode == "for_person":
        from kith.accounts.services import can_act_for

        if person is None or not can_act_for(
            actor=actor, person=person, locality=locality
        ):
            raise PermissionDenied

    # Validate everything before writing anything.
    if mode in {"visitor", "new_person"}:
        if not details.full_name.strip():
            raise ApplicationError(_("Enter your full name."), field="full_name")
        if mode == "visitor" and not (details.email.strip() or details.mobile.strip()):
            raise ApplicationError(
                _("Enter an email address or a mobile number, so we can reach you."),
                field="email",
            )
        if mode == "new_person" and not (
            details.email.strip() or details.mobile.strip() or details.phone.strip()
        ):
            raise ApplicationError(
                _("Enter at least one way to contact them: email, mobile or phone."),
                field="email",
            )
    if not details.address_line_1.strip():
        raise ApplicationError(
            _("Enter the first line of the address."), field="address_line_1"
        )
    postcode = postcode_in_locality(details.postcode, locality)
    details = _replace(details, postcode=postcode)
    _validate_date_of_birth(details.date_of_birth)
    skills = _validate_skills(locality, details.skills)
    slots = _validate_availability(details.availability)
    distance, modes, max_visits = _validate_travel(
        details.travel_distance_m, details.travel_modes, details.max_visits_per_week
    )
    _validate_pay(details.pay_basis, details.right_to_work)
    matched_by = ""
    claimed: dict[str, User] = {}
    if mode == "new_person":
        known, matched_by = _find_known_person(details)
        if known is not None:
            person = known
    elif mode == "visitor":
        from kith.accounts.services import contact_details_claimed

        email, mobile = _visitor_contacts(details)
        repeat = _visitor_repeat(locality, details, email, mobile)
        if repeat is not None:
            audit_record(
                actor=repeat.user,
                action="helper_application_repeated",
                target=repeat,
                locality=locality,
                data={"channel": ApplicationChannel.ONLINE, "matched_by": ""},
            )
            return repeat
        claimed = contact_details_claimed(
            {"email": email, "mobile": mobile}, exclude_pk=None
        )
        details = _replace(details, email=email, mobile=mobile)
    referees = _validate_referees(details.referees, _own_contacts(person, details))

    # The person.
    if person is None and mode == "visitor":
        person = _create_person_for_visitor(locality, details, leave_out=claimed)
    elif person is None:
        from kith.accounts.services import person_create

        person = person_create(
            actor=actor,
            locality=locality,
            role=Role.HELPER,
            full_name=details.full_name,
            preferred_name=details.preferred_name,
            email=details.email or None,
            mobile=details.mobile or None,
            phone=details.phone,
            address_line_1=details.address_line_1,
            address_line_2=details.address_line_2,
            town=details.town,
            postcode=postcode,
        )
    elif mode in {"self", "for_person"}:
        changes = _address_changes(person, details)
        if changes:
            from kith.accounts.services import person_update_contact

            person = person_update_contact(
                actor=actor, person=person, locality=locality, **changes
            )
    if person is None:  # pragma: no cover - every branch above sets it
        raise PermissionDenied
    _assignment, role_created = RoleAssignment.objects.get_or_create(
        user=person,
        locality=locality,
        role=Role.HELPER,
        defaults={"granted_by": actor if signed_in else None},
    )
    forget_roles(person)
    application_data: dict[str, Any] = {}
    if matched_by or claimed:
        application_data = {
            **({"matched_by": matched_by} if matched_by else {}),
            **({"contact_in_use": sorted(claimed)} if claimed else {}),
            "full_name": details.full_name.strip(),
            "email": details.email.strip(),
            "mobile": details.mobile.strip(),
            "phone": details.phone.strip(),
            "address": [
                line
                for line in (
                    details.address_line_1.strip(),
                    details.address_line_2.strip(),
                    details.town.strip(),
                    postcode,
                )
                if line
            ],
        }
    channel = (
        ApplicationChannel.PHONE
        if mode in {"for_person", "new_person"}
        else ApplicationChannel.ONLINE
    )
    audit_actor = actor if signed_in else person
    profile = (
        HelperProfile.objects.select_for_update()
        .filter(user=person, locality=locality)
        .first()
    )
    now = timezone.now()
    if profile is not None and profile.status != HelperStatus.LEFT:
        audit_record(
            actor=audit_actor,
            action="helper_application_repeated",
            target=profile,
            locality=locality,
            data={"channel": channel, "matched_by": matched_by},
        )
        return profile
    fields = {
        "date_of_birth": details.date_of_birth,
        "about": details.about.strip()[:1000],
        "pay_basis": details.pay_basis,
        "right_to_work": details.right_to_work,
        "travel_distance_m": distance,
        "travel_modes": modes,
        "max_visits_per_week": max_visits,
        "applied_at": now,
        "application_channel": channel,
        "application_key": key or None,
        "application_data": application_data,
        "status": HelperStatus.APPLIED,
        "status_changed_at": now,
        "status_reason": "",
    }
    action = "helper_applied"
    if profile is None:
        profile = HelperProfile(user=person, locality=locality, **fields)
    else:
        action = "helper_reapplied"
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.approved_at = None
        profile.approved_by = None
    profile.full_clean(exclude=["user", "locality", "application_key"])
    with transaction.atomic():
        profile.save()
    _write_profile_parts(profile, skills, slots, referees)
    _vetting_recompute(profile, _today())
    audit_record(
        actor=audit_actor,
        action=action,
        target=profile,
        on_behalf_of=person if signed_in and actor.pk != person.pk else None,
        locality=locality,
        data={
            "channel": channel,
            "mode": mode,
            "matched_by": matched_by,
            "contact_in_use": sorted(claimed),
            "role_granted": role_created,
            "pay_basis": details.pay_basis,
        },
    )
    from kith.accounts.services import contact_owner_tell

    for name, owner in claimed.items():
        contact_owner_tell(owner=owner, field=name, locality=locality, joining=False)
    from kith.notify.services import message_queue_for_person

    message_queue_for_person(
        person=person,
        template="helper_application_received",
        personalisation={
            "locality_name": locality.name,
            "locality_phone": locality.phone,
        },
        locality=locality,
    )
    return profile


def _replace(details: ApplicationDetails, **changes: Any) -> ApplicationDetails:
    from dataclasses import replace

    return replace(details, **changes)


# --- status ---------------------------------------------------------------------------


def _set_status(profile: HelperProfile, status: str, *, reason: str = "") -> str:
    old = profile.status
    profile.status = status
    profile.status_changed_at = timezone.now()
    profile.status_reason = reason
    return old


@transaction.atomic
def helper_approve(*, actor: Any, profile: HelperProfile) -> HelperProfile:
    """Make an applicant active. Needs at least the basic vetting level on the
    day. Approving someone already active changes nothing."""
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)
    profile = _lock(profile)
    if profile.status == HelperStatus.ACTIVE:
        return profile
    if profile.status not in (HelperStatus.APPLIED, HelperStatus.VETTING):
        raise ApplicationError(
            _("Only someone who has applied or is being checked can be approved.")
        )
    _vetting_recompute(profile, _today())
    if not level_at_least(profile.vetting_level, VettingLevel.BASIC):
        raise ApplicationError(
            _(
                "They cannot be approved yet: they need the basic checks first "
                "(identity, two references and induction training)."
            )
        )
    old = _set_status(profile, HelperStatus.ACTIVE)
    profile.approved_at = timezone.now()
    profile.approved_by = actor
    profile.save()
    audit_record(
        actor=actor,
        action="helper_approved",
        target=profile,
        locality=profile.locality,
        data={"from": old, "to": profile.status, "level": profile.vetting_level},
    )
    return profile


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ApplicationError(_("Enter the reason."), field="reason")
    if len(reason) > 300:
        raise ApplicationError(
            _("The reason must be 300 characters or fewer."), field="reason"
        )
    return reason


@transaction.atomic
def helper_pause(*, actor: Any, profile: HelperProfile, reason: str) -> HelperProfile:
    """Stop offering an active helper visits for a while, with a reason.
    The helper or a coordinator may pause; pausing twice changes nothing."""
    _require_self_or_manage(actor, profile)
    reason = _clean_reason(reason, required=True)
    profile = _lock(profile)
    if profile.status == HelperStatus.PAUSED:
        return profile
    if profile.status != HelperStatus.ACTIVE:
        raise ApplicationError(_("Only an active helper can be paused."))
    old = _set_status(profile, HelperStatus.PAUSED, reason=reason)
    profile.save()
    audit_record(
        actor=actor,
        action="helper_paused",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data={"from": old, "to": profile.status, "reason": reason},
    )
    return profile


@transaction.atomic
def helper_resume(
    *, actor: Any, profile: HelperProfile, reason: str = ""
) -> HelperProfile:
    """Make a paused helper active again. Resuming twice changes nothing."""
    _require_self_or_manage(actor, profile)
    reason = _clean_reason(reason, required=False)
    profile = _lock(profile)
    if profile.status == HelperStatus.ACTIVE:
        return profile
    if profile.status != HelperStatus.PAUSED:
        raise ApplicationError(_("Only a paused helper can start again."))
    old = _set_status(profile, HelperStatus.ACTIVE, reason=reason)
    profile.save()
    audit_record(
        actor=actor,
        action="helper_resumed",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data={"from": old, "to": profile.status, "reason": reason},
    )
    return profile


@transaction.atomic
def helper_leave(*, actor: Any, profile: HelperProfile, reason: str) -> HelperProfile:
    """Record that someone is no longer a helper (they stopped, or were not
    accepted), with a reason. Coordinators only."""
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)
    reason = _clean_reason(reason, required=True)
    profile = _lock(profile)
    if profile.status == HelperStatus.LEFT:
        return profile
    old = _set_status(profile, HelperStatus.LEFT, reason=reason)
    profile.save()
    audit_record(
        actor=actor,
        action="helper_left",
        target=profile,
        locality=profile.locality,
        data={"from": old, "to": profile.status, "reason": reason},
    )
    return profile


# --- vetting checks -------------------------------------------------------------------


@dataclass(frozen=True)
class DbsDetails:
    certificate_number: str
    issued_on: date
    dbs_type: str
    role_applied_for: str = "Neighbourhood Helper"
    update_service_consent: bool = False
    scan: UploadedFile | None = None


def _clean_dbs(details: DbsDetails, decided_on: date, today: date) -> DbsDetails:
    number = "".join(details.certificate_number.split()).replace("-", "")
    if not (len(number) == 12 and number.isdigit()):
        raise ApplicationError(
            _("Enter the 12-digit certificate number, like 001234567890."),
            field="certificate_number",
        )
    if details.issued_on > today:
        raise ApplicationError(
            _("The date of issue must be today or in the past."), field="issued_on"
        )
    if details.issued_on > decided_on:
        raise ApplicationError(
            _("The date of issue must be on or before the date of the decision."),
            field="issued_on",
        )
    if details.dbs_type not in DbsType.values:
        raise ApplicationError(_("Choose the type of check."), field="dbs_type")
    role = details.role_applied_for.strip()
    if not role:
        raise ApplicationError(
            _("Enter the role the certificate was for."), field="role_applied_for"
        )
    scan = details.scan
    if scan is not None:
        if Path(scan.name or "").suffix.lower() not in SCAN_EXTENSIONS:
            raise ApplicationError(
                _("The scanned copy must be a PDF, JPG or PNG file."), field="scan"
            )
        if (scan.size or 0) > SCAN_MAX_BYTES:
            raise ApplicationError(
                _("The scanned copy must be smaller than 5MB."), field="scan"
            )
        if (today - decided_on).days >= SCAN_KEEP_DAYS:
            raise ApplicationError(
                _(
                    "A scanned copy cannot be kept: the decision was made more than "
                    "6 months ago."
                ),
                field="scan",
            )
    return DbsDetails(
        certificate_number=number,
        issued_on=details.issued_on,
        dbs_type=details.dbs_type,
        role_applied_for=role[:150],
        update_service_consent=details.update_service_consent,
        scan=scan,
    )


@transaction.atomic
def vetting_check_record(
    *,
    actor: Any,
    profile: HelperProfile,
    kind: str,
    outcome: str,
    checked_on: date,
    evidence_reference: str = "",
    documents_seen: Sequence[str] = (),
    referee: Referee | None = None,
    dbs: DbsDetails | None = None,
    key: str | None = None,
) -> VettingCheck:
    """Record one check of a helper, then store their new vetting level.

    The date is the day the check was done (for a DBS certificate, the day
    of the decision) and cannot be in the future. An identity check says which
    documents were seen; a reference names one of the helper's referees; a
    DBS check carries only what the DBS Code of Practice allows
    (``DbsDetails``). The first check moves an applicant to ``vetting``.
    Sending the same form twice (``key``) records it once.
    """
    require_perm(actor, Perm.VETTING_RECORD, profile.locality)
    if key:
        existing = VettingCheck.objects.filter(submission_key=key).first()
        if existing is not None:
            if existing.profile_id != profile.pk:
                raise PermissionDenied
            return existing
    profile = _lock(profile)
    today = _today()
    if kind not in CheckKind.values:
        raise ApplicationError(_("Choose the check."), field="kind")
    if outcome not in CheckOutcome.values:
        raise ApplicationError(_("Choose the outcome."), field="outcome")
    if checked_on > today:
        raise ApplicationError(
            _("The date must be today or in the past."), field="checked_on"
        )
    if checked_on < profile.date_of_birth:
        raise ApplicationError(
            _("The date must be after their date of birth."), field="checked_on"
        )
    if profile.status == HelperStatus.LEFT:
        raise ApplicationError(
            _("They have left. Their record must be reopened before more checks.")
        )
    documents = list(dict.fromkeys(documents_seen))
    if kind == CheckKind.IDENTITY:
        if not documents or any(
            doc not in IdentityDocument.values for doc in documents
        ):
            raise ApplicationError(
                _("Choose the documents you saw."), field="documents_seen"
            )
    elif documents:
        raise ApplicationError(_("Documents are recorded only for identity."))
    if kind == CheckKind.REFERENCE:
        if referee is None or referee.profile_id != profile.pk:
            raise ApplicationError(_("Choose the referee."), field="referee")
    elif referee is not None:
        raise ApplicationError(_("Only a reference has a referee."))
    if kind == CheckKind.DBS:
        if dbs is None:
            raise ApplicationError(_("Enter the certificate’s details."))
        dbs = _clean_dbs(dbs, checked_on, today)
    elif dbs is not None:
        raise ApplicationError(_("Only a DBS check has certificate details."))
    evidence = (evidence_reference or "").strip()
    if len(evidence) > 200:
        raise ApplicationError(
            _("The evidence reference must be 200 characters or fewer."),
            field="evidence_reference",
        )
    check = VettingCheck.objects.create(
        profile=profile,
        kind=kind,
        outcome=outcome,
        checked_on=checked_on,
        evidence_reference=evidence,
        documents_seen=documents,
        referee=referee,
        recorded_by=actor,
        submission_key=key or None,
    )
    certificate = None
    if dbs is not None:
        certificate = DbsCertificate(
            check_record=check,
            certificate_number=dbs.certificate_number,
            issued_on=dbs.issued_on,
            dbs_type=dbs.dbs_type,
            role_applied_for=dbs.role_applied_for,
            update_service_consent=dbs.update_service_consent,
        )
        certificate.full_clean(exclude=["check_record", "scan"])
        certificate.save()
    if profile.status == HelperStatus.APPLIED:
        _set_status(profile, HelperStatus.VETTING)
        profile.save(update_fields=["status", "status_changed_at", "status_reason"])
    old_level, new_level = _vetting_recompute(profile, today)
    check.refresh_from_db(fields=["expires_on"])
    audit_record(
        actor=actor,
        action="vetting_check_recorded",
        target=profile,
        locality=profile.locality,
        data={
            "check": check.pk,
            "kind": kind,
            "outcome": outcome,
            "checked_on": checked_on.isoformat(),
            "level_from": old_level,
            "level_to": new_level,
            "with_scan": bool(dbs and dbs.scan),
        },
    )
    if certificate is not None and dbs is not None and dbs.scan is not None:
        # Written last, so nothing after it can fail and leave a stray copy.
        certificate.scan.save(dbs.scan.name or "scan", dbs.scan, save=False)
        certificate.save(update_fields=["scan"])
    return check


@transaction.atomic
def vetting_check_withdraw(
    *, actor: Any, check: VettingCheck, reason: str
) -> VettingCheck:
    """Strike out a check recorded in error, with a reason. It no longer
    counts; a DBS check's scanned copy is deleted. Withdrawing twice changes
    nothing."""
    profile = check.profile
    require_perm(actor, Perm.VETTING_RECORD, profile.locality)
    reason = _clean_reason(reason, required=True)
    profile = _lock(profile)
    check = VettingCheck.objects.select_for_update().get(pk=check.pk)
    if check.withdrawn_at is not None:
        return check
    check.withdrawn_at = timezone.now()
    check.withdrawn_by = actor
    check.withdrawn_reason = reason
    check.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    certificate = DbsCertificate.objects.filter(check_record=check).first()
    if certificate is not None and certificate.scan:
        _scan_delete(certificate)
    old_level, new_level = _vetting_recompute(profile, _today())
    audit_record(
        actor=actor,
        action="vetting_check_withdrawn",
        target=profile,
        locality=profile.locality,
        data={
            "check": check.pk,
            "kind": check.kind,
            "reason": reason,
            "level_from": old_level,
            "level_to": new_level,
        },
    )
    return check


@transaction.atomic
def dbs_status_check_record(
    *, actor: Any, certificate: DbsCertificate, checked_on: date, result: str
) -> DbsStatusCheck:
    """Record a DBS update service status check, made with the helper's
    consent. A check with no new information keeps the certificate current for
    a year; one with new information ends it that day. Recording the same day
    twice with the same result changes nothing."""
    require_perm(actor, Perm.VETTING_RECORD, certificate.check_record.profile.locality)
    certificate = DbsCertificate.objects.select_related(
        "check_record__profile__locality"
    ).get(pk=certificate.pk)
    check = certificate.check_record
    profile = check.profile
    if not certificate.update_service_consent:
        raise ApplicationError(
            _(
                "They have not agreed to status checks, so none can be recorded. "
                "Record their consent first."
            )
        )
    if check.withdrawn_at is not None:
        raise ApplicationError(_("This check was withdrawn."))
    if result not in StatusResult.values:
        raise ApplicationError(_("Choose the result."), field="result")
    today = _today()
    if checked_on > today:
        raise ApplicationError(
            _("The date must be today or in the past."), field="checked_on"
        )
    if checked_on < certificate.issued_on:
        raise ApplicationError(
            _("The date must be on or after the certificate’s date of issue."),
            field="checked_on",
        )
    profile = _lock(profile)
    existing = DbsStatusCheck.objects.filter(
        certificate=certificate, checked_on=checked_on
    ).first()
    if existing is not None:
        if existing.result == result:
            return existing
        raise ApplicationError(
            _("A status check on that day is already recorded."), field="checked_on"
        )
    status = DbsStatusCheck.objects.create(
        certificate=certificate,
        checked_on=checked_on,
        result=result,
        recorded_by=actor,
    )
    old_level, new_level = _vetting_recompute(profile, today)
    audit_record(
        actor=actor,
        action="dbs_status_check_recorded",
        target=profile,
        locality=profile.locality,
        data={
            "check": check.pk,
            "checked_on": checked_on.isoformat(),
            "result": result,
            "level_from": old_level,
            "level_to": new_level,
        },
    )
    return status


@transaction.atomic
def dbs_consent_set(
    *, actor: Any, certificate: DbsCertificate, consent: bool
) -> DbsCertificate:
    """Record that the helper agreed (or no longer agrees) to update service
    status checks."""
    profile = certificate.check_record.profile
    require_perm(actor, Perm.VETTING_RECORD, profile.locality)
    profile = _lock(profile)
    certificate = DbsCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.update_service_consent == consent:
        return certificate
    certificate.update_service_consent = consent
    certificate.save(update_fields=["update_service_consent"])
    old_level, new_level = _vetting_recompute(profile, _today())
    audit_record(
        actor=actor,
        action="dbs_update_service_consent_changed",
        target=profile,
        locality=profile.locality,
        data={
            "check": certificate.check_record_id,
            "consent": consent,
            "level_from": old_level,
            "level_to": new_level,
        },
    )
    return certificate


def _scan_delete(certificate: DbsCertificate) -> None:
    name = certificate.scan.name
    if name:
        with contextlib.suppress(FileNotFoundError):
            dbs_scan_storage.delete(name)
    certificate.scan = ""
    certificate.scan_deleted_at = timezone.now()
    certificate.save(update_fields=["scan", "scan_deleted_at"])


@transaction.atomic
def dbs_scan_delete(*, actor: Any, certificate: DbsCertificate) -> DbsCertificate:
    """Delete a scanned DBS certificate now. Deleting twice changes nothing."""
    profile = certificate.check_record.profile
    require_perm(actor, Perm.VETTING_RECORD, profile.locality)
    certificate = DbsCertificate.objects.select_for_update().get(pk=certificate.pk)
    if not certificate.scan:
        return certificate
    _scan_delete(certificate)
    audit_record(
        actor=actor,
        action="dbs_scan_deleted",
        target=profile,
        locality=profile.locality,
        data={"check": certificate.check_record_id, "why": "by_hand"},
    )
    return certificate


def dbs_scans_purge(*, today: date | None = None) -> int:
    """Delete every scanned DBS certificate whose decision was made
    SCAN_KEEP_DAYS or more ago, and any stray file no record points to.
    Safe to run any number of times; returns how many scans it deleted."""
    today = today or _today()
    cutoff = today - timedelta(days=SCAN_KEEP_DAYS)
    due = list(
        DbsCertificate.objects.exclude(scan="")
        .filter(check_record__checked_on__lte=cutoff)
        .values_list("pk", flat=True)
    )
    deleted = 0
    for pk in due:
        with transaction.atomic():
            certificate = (
                DbsCertificate.objects.select_for_update()
                .select_related("check_record__profile__locality")
                .filter(pk=pk)
                .exclude(scan="")
                .first()
            )
            if certificate is None:
                continue
            _scan_delete(certificate)
            profile = certificate.check_record.profile
            audit_record(
                actor=None,
                action="dbs_scan_deleted",
                target=profile,
                locality=profile.locality,
                data={"check": certificate.check_record_id, "why": "six_months"},
            )
            deleted += 1
    _stray_scans_delete()
    return deleted


def _stray_scans_delete() -> None:
    """Files left by an upload whose transaction failed: a day old and
    pointed to by no record."""
    try:
        _dirs, files = dbs_scan_storage.listdir("")
    except FileNotFoundError:
        return
    known = set(DbsCertificate.objects.exclude(scan="").values_list("scan", flat=True))
    day_ago = timezone.now() - timedelta(days=1)
    for name in files:
        if name in known:
            continue
        try:
            if dbs_scan_storage.get_modified_time(name) < day_ago:
                dbs_scan_storage.delete(name)
                log.info("Deleted a stray DBS scan file %s", name)
        except FileNotFoundError:
            continue


# --- daily jobs: levels and reminders -------------------------------------------------


def vetting_levels_refresh(*, today: date | None = None) -> int:
    """Store the level of every helper whose level or next check has lapsed
    since it was last worked out. Lists are right without it (they read the
    stored ladder); this keeps the stored level and the next expiry current.
    Safe to run any number of times; returns how many records it updated."""
    today = today or _today()
    stale = list(
        HelperProfile.objects.filter(
            Q(vetting_level_until__lt=today)
            | Q(next_lapse_on__lt=today)
            | Q(vetting_level_on__isnull=True)
        ).values_list("pk", flat=True)
    )
    for pk in stale:
        with transaction.atomic():
            profile = (
                HelperProfile.objects.select_for_update()
                .select_related("locality", "user")
                .get(pk=pk)
            )
            old, new = _vetting_recompute(profile, today)
            if old != new:
                audit_record(
                    actor=None,
                    action="vetting_level_changed",
                    target=profile,
                    locality=profile.locality,
                    data={"from": old, "to": new, "on": today.isoformat()},
                )
    return len(stale)


def _coordinators(locality: Locality) -> list[User]:
    return list(
        User.objects.filter(
            roles__locality=locality, roles__role=Role.COORDINATOR, is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def vetting_reminders_send(*, today: date | None = None) -> int:
    """For each check that lapses within REMINDER_DAYS with nothing to take
    over, queue "vetting_check_lapsing" to the helper and to the locality's
    coordinators, once per check and expiry date (a unique VettingReminder):
    running it again sends nothing twice. Levels are refreshed first.
    Returns how many reminders were recorded."""
    today = today or _today()
    vetting_levels_refresh(today=today)
    profiles = (
        HelperProfile.objects.exclude(status=HelperStatus.LEFT)
        .filter(
            next_lapse_on__gte=today,
            next_lapse_on__lt=today + timedelta(days=REMINDER_DAYS),
        )
        .select_related("user", "locality")
        .order_by("pk")
    )
    coordinators: dict[int, list[User]] = {}
    sent = 0
    for profile in profiles.iterator(chunk_size=200):
        checks = {check.pk: check for check in _checks_counted(profile)}
        facts = profile_facts(checks.values())
        for fact, expires in checks_lapsing(facts, today, REMINDER_DAYS):
            if fact.id is None:  # pragma: no cover - facts from the database
                continue
            try:
                with transaction.atomic():
                    _reminder, created = VettingReminder.objects.get_or_create(
                        check_record_id=fact.id, expires_on=expires
                    )
                    if not created:
                        continue
                    if profile.locality_id not in coordinators:
                        coordinators[profile.locality_id] = _coordinators(
                            profile.locality
                        )
                    _reminder_queue(
                        profile,
                        checks[fact.id],
                        expires,
                        coordinators[profile.locality_id],
                    )
                    sent += 1
            except IntegrityError:
                continue  # another worker recorded it at the same moment
    return sent


def _reminder_queue(
    profile: HelperProfile,
    check: VettingCheck,
    expires: date,
    coordinators: list[User],
) -> None:
    from kith.notify.services import message_queue_for_person

    locality = profile.locality
    personalisation = {
        "check_name": str(CHECK_NAMES.get(CheckKind(check.kind), check.kind)),
        "helper_name": profile.user.full_name,
        "expiry_date": _long_date(expires),
        "locality_name": locality.name,
        "locality_phone": locality.phone,
    }
    recipients = [profile.user] + [c for c in coordinators if c.pk != profile.user_id]
    for person in recipients:
        message_queue_for_person(
            person=person,
            template="vetting_check_lapsing",
            personalisation=personalisation,
            locality=locality,
        )
    audit_record(
        actor=None,
        action="vetting_reminder_sent",
        target=profile,
        locality=locality,
        data={
            "check": check.pk,
            "kind": check.kind,
            "expires_on": expires.isoformat(),
            "recipients": len(recipients),
        },
    )


# --- the profile ----------------------------------------------------------------------


@transaction.atomic
def helper_skills_set(
    *, actor: Any, profile: HelperProfile, levels: Mapping[int, str]
) -> HelperProfile:
    """Set what a helper can do, each with a level, from the locality's list.
    A skill since retired may be kept but not newly added."""
    _require_self_or_manage(actor, profile)
    profile = _lock(profile)
    current = {hs.skill_id: hs for hs in HelperSkill.objects.filter(profile=profile)}
    if not levels:
        raise ApplicationError(
            _("Choose at least one thing you can help with."), field="skills"
        )
    new_ids = [skill_id for skill_id in levels if skill_id not in current]
    if new_ids:
        _validate_skills(profile.locality, {k: levels[k] for k in new_ids})
    for level in levels.values():
        if level not in SkillLevel.values:
            raise ApplicationError(
                _("Choose how much experience you have."), field="skills"
            )
    removed = [skill_id for skill_id in current if skill_id not in levels]
    changed = []
    HelperSkill.objects.filter(profile=profile, skill_id__in=removed).delete()
    for skill_id, level in levels.items():
        existing = current.get(skill_id)
        if existing is None:
            HelperSkill.objects.create(profile=profile, skill_id=skill_id, level=level)
            changed.append(skill_id)
        elif existing.level != level:
            existing.level = level
            existing.save(update_fields=["level"])
            changed.append(skill_id)
    if changed or removed:
        names = dict(
            Skill.objects.filter(pk__in=list(levels) + removed).values_list(
                "pk", "name"
            )
        )
        audit_record(
            actor=actor,
            action="helper_skills_changed",
            target=profile,
            on_behalf_of=_behalf(actor, profile),
            locality=profile.locality,
            data={
                "skills": {names[k]: v for k, v in sorted(levels.items())},
                "removed": sorted(names[k] for k in removed),
            },
        )
    return profile


@transaction.atomic
def helper_details_update(
    *,
    actor: Any,
    profile: HelperProfile,
    travel_distance_m: int,
    travel_modes: Sequence[str],
    max_visits_per_week: int,
    pay_basis: str,
) -> HelperProfile:
    """Change how far and how a helper travels, how many visits a week they
    will make, and whether they are paid or volunteer."""
    _require_self_or_manage(actor, profile)
    profile = _lock(profile)
    distance, modes, visits = _validate_travel(
        travel_distance_m, travel_modes, max_visits_per_week
    )
    _validate_pay(pay_basis, profile.right_to_work)
    wanted = {
        "travel_distance_m": distance,
        "travel_modes": modes,
        "max_visits_per_week": visits,
        "pay_basis": pay_basis,
    }
    changed = sorted(k for k, v in wanted.items() if getattr(profile, k) != v)
    if not changed:
        return profile
    for name in changed:
        setattr(profile, name, wanted[name])
    profile.save()
    audit_record(
        actor=actor,
        action="helper_details_changed",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data={"fields": changed},
    )
    return profile


@transaction.atomic
def helper_address_change(
    *,
    actor: Any,
    profile: HelperProfile,
    address_line_1: str,
    address_line_2: str = "",
    town: str = "",
    postcode: str,
) -> User:
    """Change a helper's home address: their postcode must be in the
    locality, as it is where visits are found from."""
    _require_self_or_manage(actor, profile)
    if not address_line_1.strip():
        raise ApplicationError(
            _("Enter the first line of the address."), field="address_line_1"
        )
    normalised = postcode_in_locality(postcode, profile.locality)
    from kith.accounts.services import person_update_contact

    return person_update_contact(
        actor=actor,
        person=profile.user,
        locality=profile.locality,
        address_line_1=address_line_1,
        address_line_2=address_line_2,
        town=town,
        postcode=normalised,
    )


@transaction.atomic
def availability_slot_add(
    *, actor: Any, profile: HelperProfile, weekday: int, starts_at: time, ends_at: time
) -> AvailabilitySlot:
    """Add a time in the week the helper can usually help. Adding the same
    time twice changes nothing."""
    _require_self_or_manage(actor, profile)
    if weekday not in range(7):
        raise ApplicationError(_("Choose a day."), field="weekday")
    if ends_at <= starts_at:
        raise ApplicationError(
            _("The end time must be after the start time."), field="ends_at"
        )
    slot, created = AvailabilitySlot.objects.get_or_create(
        profile=profile, weekday=weekday, starts_at=starts_at, ends_at=ends_at
    )
    if created:
        audit_record(
            actor=actor,
            action="helper_availability_added",
            target=profile,
            on_behalf_of=_behalf(actor, profile),
            locality=profile.locality,
            data={"slot": str(slot)},
        )
    return slot


@transaction.atomic
def availability_slot_remove(
    *, actor: Any, profile: HelperProfile, slot_id: int
) -> None:
    """Remove a weekly time. Removing one already gone changes nothing."""
    _require_self_or_manage(actor, profile)
    slot = AvailabilitySlot.objects.filter(profile=profile, pk=slot_id).first()
    if slot is None:
        return
    label = str(slot)
    slot.delete()
    audit_record(
        actor=actor,
        action="helper_availability_removed",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data={"slot": label},
    )


@transaction.atomic
def availability_exception_add(
    *,
    actor: Any,
    profile: HelperProfile,
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> AvailabilityException:
    """Add days the helper cannot help (a holiday). The last day cannot be in
    the past; adding the same days twice changes nothing."""
    _require_self_or_manage(actor, profile)
    if ends_on < starts_on:
        raise ApplicationError(
            _("The last day must be the same as or after the first day."),
            field="ends_on",
        )
    if ends_on < _today():
        raise ApplicationError(
            _("The last day must be today or in the future."), field="ends_on"
        )
    if (ends_on - starts_on).days > 366:
        raise ApplicationError(_("Add a time away of a year or less."), field="ends_on")
    reason = (reason or "").strip()[:150]
    exception, created = AvailabilityException.objects.get_or_create(
        profile=profile,
        starts_on=starts_on,
        ends_on=ends_on,
        defaults={"reason": reason},
    )
    if created:
        audit_record(
            actor=actor,
            action="helper_time_away_added",
            target=profile,
            on_behalf_of=_behalf(actor, profile),
            locality=profile.locality,
            data={"from": starts_on.isoformat(), "to": ends_on.isoformat()},
        )
    return exception


@transaction.atomic
def availability_exception_remove(
    *, actor: Any, profile: HelperProfile, exception_id: int
) -> None:
    _require_self_or_manage(actor, profile)
    exception = AvailabilityException.objects.filter(
        profile=profile, pk=exception_id
    ).first()
    if exception is None:
        return
    data = {
        "from": exception.starts_on.isoformat(),
        "to": exception.ends_on.isoformat(),
    }
    exception.delete()
    audit_record(
        actor=actor,
        action="helper_time_away_removed",
        target=profile,
        on_behalf_of=_behalf(actor, profile),
        locality=profile.locality,
        data=data,
    )


@transaction.atomic
def referee_add(
    *, actor: Any, profile: HelperProfile, details: RefereeDetails
) -> Referee:
    """Add a referee (for example when one cannot be reached). Coordinators
    only. Adding the same name twice changes nothing."""
    require_perm(actor, Perm.HELPERS_MANAGE, profile.locality)
    cleaned = clean_referee(details)
    if ({cleaned.email, cleaned.phone} - {""}) & _own_contacts(profile.user, None):
        raise ApplicationError(
            _("A referee must be someone else, not the helper."), field="full_name"
        )
    existing = Referee.objects.filter(
        profile=profile, full_name__iexact=cleaned.full_name
    ).first()
    if existing is not None:
        return existing
    referee = Referee.objects.create(
        profile=profile,
        full_name=cleaned.full_name,
        relationship=cleaned.relationship,
        email=cleaned.email,
        phone=cleaned.phone,
    )
    audit_record(
        actor=actor,
        action="helper_referee_added",
        target=profile,
        locality=profile.locality,
        data={"referee": referee.pk},
    )
    return referee


# --- the locality's skills list -------------------------------------------------------


def _clean_skill_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("Enter the name of the skill."), field="name")
    if len(name) > 80:
        raise ApplicationError(
            _("The name must be 80 characters or fewer."), field="name"
        )
    return name


@transaction.atomic
def skill_add(
    *, actor: Any, locality: Locality, name: str, description: str = ""
) -> Skill:
    """Add a skill to the locality's list. Adding one already offered changes
    nothing; one no longer offered must be changed to offer it again."""
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    name = _clean_skill_name(name)
    existing = Skill.objects.filter(locality=locality, name__iexact=name).first()
    if existing is not None:
        if existing.retired:
            raise ApplicationError(
                _(
                    "“%(name)s” is on the list but no longer offered. Change it "
                    "to offer it again."
                )
                % {"name": existing.name},
                field="name",
            )
        return existing
    skill = Skill.objects.create(
        locality=locality, name=name, description=(description or "").strip()[:200]
    )
    audit_record(
        actor=actor,
        action="skill_added",
        target=skill,
        locality=locality,
        data={"name": name},
    )
    return skill


@transaction.atomic
def skill_update(
    *, actor: Any, skill: Skill, name: str, description: str, retired: bool
) -> Skill:
    """Rename, describe, retire or bring back a skill on the locality's list."""
    require_perm(actor, Perm.HELPERS_MANAGE, skill.locality)
    name = _clean_skill_name(name)
    if (
        Skill.objects.filter(locality=skill.locality, name__iexact=name)
        .exclude(pk=skill.pk)
        .exists()
    ):
        raise ApplicationError(
            _("Another skill on the list already has that name."), field="name"
        )
    wanted = {
        "name": name,
        "description": (description or "").strip()[:200],
        "retired": bool(retired),
    }
    changed = sorted(k for k, v in wanted.items() if getattr(skill, k) != v)
    if not changed:
        return skill
    for key in changed:
        setattr(skill, key, wanted[key])
    skill.save()
    audit_record(
        actor=actor,
        action="skill_changed",
        target=skill,
        locality=skill.locality,
        data={"fields": changed, "retired": skill.retired},
    )
    return skill


# --- possible duplicates --------------------------------------------------------------


def _pair(a: User, b: User) -> tuple[User, User]:
    return (a, b) if a.pk < b.pk else (b, a)


def _require_both_here(locality: Locality, *people: User) -> None:
    for person in people:
        if not RoleAssignment.objects.filter(user=person, locality=locality).exists():
            raise PermissionDenied


@transaction.atomic
def duplicate_keep_both(
    *, actor: Any, locality: Locality, person: User, other: User
) -> DuplicateDecision:
    """Record that two records that looked alike are two different people:
    they stop being shown as possible duplicates. Deciding twice changes
    nothing."""
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    if person.pk == other.pk:
        raise ApplicationError(_("Choose two different records."))
    _require_both_here(locality, person, other)
    first, second = _pair(person, other)
    decision, created = DuplicateDecision.objects.get_or_create(
        locality=locality, first=first, second=second, defaults={"decided_by": actor}
    )
    if created:
        for one, two in ((first, second), (second, first)):
            profile = HelperProfile.objects.filter(user=one, locality=locality).first()
            audit_record(
                actor=actor,
                action="possible_duplicate_kept",
                target=profile or one,
                locality=locality,
                data={"other_person": two.pk},
            )
    return decision


@transaction.atomic
def helper_merge(
    *, actor: Any, locality: Locality, keep: User, merge: User
) -> HelperProfile:
    """Merge ``merge`` into ``keep``: two records of one person.

    The helper role and record, checks, referees, skills and times move to
    ``keep``; contact details ``keep`` lacks are copied from ``merge``, whose
    account is then closed. ``merge`` may hold no role but helper (its other
    records belong to other parts): merge the other way round instead.
    Raises ApplicationError or PermissionDenied.
    """
    require_perm(actor, Perm.HELPERS_MANAGE, locality)
    if keep.pk == merge.pk:
        raise ApplicationError(_("Choose two different records."))
    _require_both_here(locality, keep, merge)
    keep = User.objects.select_for_update().get(pk=keep.pk)
    merge = User.objects.select_for_update().get(pk=merge.pk)
    if merge.is_superuser or merge.is_staff:
        raise PermissionDenied
    merge_roles = list(RoleAssignment.objects.filter(user=merge))
    if any(
        assignment.locality_id != locality.pk or assignment.role != Role.HELPER
        for assignment in merge_roles
    ):
        raise ApplicationError(
            _(
                "The record to merge away holds other roles. Keep that record and "
                "merge the other one into it instead."
            )
        )
    if not keep.is_active:
        raise ApplicationError(_("The record to keep is closed."))
    kept_profile = (
        HelperProfile.objects.select_for_update()
        .filter(user=keep, locality=locality)
        .first()
    )
    merged_profile = (
        HelperProfile.objects.select_for_update()
        .filter(user=merge, locality=locality)
        .first()
    )
    if merged_profile is None and kept_profile is None:
        raise ApplicationError(_("Neither record is a Neighbourhood Helper here."))

    # Contact details the kept record lacks.
    copied = []
    for name in ("email", "mobile", "phone", "preferred_name"):
        if not getattr(keep, name) and getattr(merge, name):
            copied.append(name)
    has_address = bool(keep.address_line_1 or keep.postcode)
    if not has_address and (merge.address_line_1 or merge.postcode):
        copied += ["address_line_1", "address_line_2", "town", "postcode"]
    values = {name: getattr(merge, name) for name in copied}
    merge.email = None
    merge.mobile = None
    merge.is_active = False
    merge.set_unusable_password()
    merge.save(update_fields=["email", "mobile", "is_active", "password"])
    for name, value in values.items():
        setattr(keep, name, value)
    if copied:
        keep.save(update_fields=copied)

    RoleAssignment.objects.get_or_create(
        user=keep, locality=locality, role=Role.HELPER, defaults={"granted_by": actor}
    )
    RoleAssignment.objects.filter(user=merge).delete()
    forget_roles(keep)
    forget_roles(merge)

    if kept_profile is None:
        if merged_profile is None:  # pragma: no cover - checked above
            raise ApplicationError(_("Neither record is a Neighbourhood Helper here."))
        merged_profile.user = keep
        merged_profile.save(update_fields=["user", "updated_at"])
        kept_profile = merged_profile
        moved = {"profile": merged_profile.pk}
    elif merged_profile is not None:
        VettingCheck.objects.filter(profile=merged_profile).update(profile=kept_profile)
        known = {
            n.lower() for n in kept_profile.referees.values_list("full_name", flat=True)
        }
        for referee in Referee.objects.filter(profile=merged_profile):
            if referee.full_name.lower() in known:
                # Its references now belong to the kept record's referee.
                same = kept_profile.referees.get(full_name__iexact=referee.full_name)
                VettingCheck.objects.filter(referee=referee).update(referee=same)
                referee.delete()
            else:
                referee.profile = kept_profile
                referee.save(update_fields=["profile"])
        have = set(kept_profile.skills.values_list("skill_id", flat=True))
        HelperSkill.objects.filter(profile=merged_profile).exclude(
            skill_id__in=have
        ).update(profile=kept_profile)
        for slot in AvailabilitySlot.objects.filter(profile=merged_profile):
            AvailabilitySlot.objects.get_or_create(
                profile=kept_profile,
                weekday=slot.weekday,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
            )
        for away in AvailabilityException.objects.filter(profile=merged_profile):
            AvailabilityException.objects.get_or_create(
                profile=kept_profile,
                starts_on=away.starts_on,
                ends_on=away.ends_on,
                defaults={"reason": away.reason},
            )
        if STATUS_ORDER.index(HelperStatus(merged_profile.status)) > STATUS_ORDER.index(
            HelperStatus(kept_profile.status)
        ):
            kept_profile.status = merged_profile.status
            kept_profile.status_changed_at = timezone.now()
            kept_profile.status_reason = merged_profile.status_reason
            kept_profile.approved_at = merged_profile.approved_at
            kept_profile.approved_by = merged_profile.approved_by
            kept_profile.save()
        moved = {"profile": merged_profile.pk, "into": kept_profile.pk}
        merged_profile.delete()
    else:
        moved = {}
    _vetting_recompute(kept_profile, _today())
    audit_record(
        actor=actor,
        action="helper_records_merged",
        target=kept_profile,
        locality=locality,
        data={"merged_person": merge.pk, "copied": copied, **moved},
    )
    audit_record(
        actor=actor,
        action="person_merged_into_another",
        target=merge,
        locality=locality,
        data={"kept_person": keep.pk},
    )
    return kept_profile
