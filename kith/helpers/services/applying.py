"""Applying to be a Neighbourhood Helper: online, for oneself, or entered
by a coordinator (``helper_apply``)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import Role, RoleAssignment, User
from kith.accounts.permissions import forget_roles
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import (
    ApplicationChannel,
    AvailabilitySlot,
    HelperProfile,
    HelperSkill,
    HelperStatus,
    Referee,
)
from kith.helpers.services.applicants import (
    _applicant_person,
    _find_known_person,
    _visitor_check,
)
from kith.helpers.services.common import _may_manage, _today
from kith.helpers.services.details import (
    ApplicationDetails,
    RefereeDetails,
    _own_contacts,
    _replace,
    _validate_availability,
    _validate_date_of_birth,
    _validate_pay,
    _validate_referees,
    _validate_skills,
    _validate_travel,
    postcode_in_locality,
)
from kith.helpers.services.levels import _vetting_recompute
from kith.places.models import Locality
from kith.places.services import locality_require_open


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


@dataclass(frozen=True)
class _Checked:
    """An application's answers once checked, ready to write."""

    skills: dict[int, str]
    slots: list[tuple[int, time, time]]
    distance: int
    modes: list[str]
    max_visits: int


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
    mode, person = _application_mode(actor, locality, person, signed_in=signed_in)
    # A paused or archived locality takes no new helpers (ADR 0041).
    locality_require_open(locality)

    # Validate everything before writing anything.
    details, checked = _application_check(mode, locality, details)
    matched_by = ""
    claimed: dict[str, User] = {}
    if mode == "new_person":
        known, matched_by = _find_known_person(details)
        if known is not None:
            person = known
    elif mode == "visitor":
        repeat, claimed, details = _visitor_check(locality, details)
        if repeat is not None:
            return repeat
    referees = _validate_referees(details.referees, _own_contacts(person, details))

    person = _applicant_person(actor, locality, details, mode, person, claimed)
    role_created = _helper_role_grant(person, locality, actor if signed_in else None)
    channel = _application_channel(mode)
    audit_actor = actor if signed_in else person
    profile = (
        HelperProfile.objects.select_for_update()
        .filter(user=person, locality=locality)
        .first()
    )
    if profile is not None and profile.status != HelperStatus.LEFT:
        return _application_repeated(
            profile,
            actor=audit_actor,
            locality=locality,
            channel=channel,
            matched_by=matched_by,
        )
    profile, action = _application_save(
        profile,
        person=person,
        locality=locality,
        details=details,
        checked=checked,
        fields={
            "application_channel": channel,
            "application_key": key or None,
            "application_data": _application_data(details, matched_by, claimed),
        },
    )
    _write_profile_parts(profile, checked.skills, checked.slots, referees)
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
    _application_acknowledge(person, locality, claimed)
    return profile


def _helper_role_grant(person: User, locality: Locality, granted_by: Any) -> bool:
    """Give the person the helper role here; True if they did not have it."""
    _assignment, created = RoleAssignment.objects.get_or_create(
        user=person,
        locality=locality,
        role=Role.HELPER,
        defaults={"granted_by": granted_by},
    )
    forget_roles(person)
    return created


def _application_channel(mode: str) -> str:
    """By phone when a coordinator enters it, else online."""
    return (
        ApplicationChannel.PHONE
        if mode in {"for_person", "new_person"}
        else ApplicationChannel.ONLINE
    )


def _application_repeated(
    profile: HelperProfile,
    *,
    actor: Any,
    locality: Locality,
    channel: str,
    matched_by: str,
) -> HelperProfile:
    """Applying again while an application or helper record stands changes
    nothing: it is recorded, and the record returned."""
    audit_record(
        actor=actor,
        action="helper_application_repeated",
        target=profile,
        locality=locality,
        data={"channel": channel, "matched_by": matched_by},
    )
    return profile


def _application_mode(
    actor: Any, locality: Locality, person: User | None, *, signed_in: bool
) -> tuple[str, User | None]:
    """Who is applying for whom: ``visitor``, ``self``, ``for_person`` (a
    coordinator for someone they may act for) or ``new_person`` (a
    coordinator entering someone). Raises PermissionDenied."""
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
    return mode, person


def _application_check(
    mode: str, locality: Locality, details: ApplicationDetails
) -> tuple[ApplicationDetails, _Checked]:
    """Check every answer but the referees, in the order of the questions.
    Returns the details with the postcode normalised. Raises
    ApplicationError naming the field at fault."""
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
    return details, _Checked(skills, slots, distance, modes, max_visits)


def _application_data(
    details: ApplicationDetails, matched_by: str, claimed: Mapping[str, User]
) -> dict[str, Any]:
    """What the application said, kept for a coordinator when it was matched
    to someone known or gave contact details already in use; else empty."""
    if not (matched_by or claimed):
        return {}
    return {
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
                details.postcode,
            )
            if line
        ],
    }


def _application_save(
    profile: HelperProfile | None,
    *,
    person: User,
    locality: Locality,
    details: ApplicationDetails,
    checked: _Checked,
    fields: Mapping[str, Any],
) -> tuple[HelperProfile, str]:
    """Write a new helper record, or reopen the record of someone who left.
    Returns the record and the audit action."""
    now = timezone.now()
    values = {
        "date_of_birth": details.date_of_birth,
        "about": details.about.strip()[:1000],
        "pay_basis": details.pay_basis,
        "right_to_work": details.right_to_work,
        "travel_distance_m": checked.distance,
        "travel_modes": checked.modes,
        "max_visits_per_week": checked.max_visits,
        "applied_at": now,
        **fields,
        "status": HelperStatus.APPLIED,
        "status_changed_at": now,
        "status_reason": "",
    }
    action = "helper_applied"
    if profile is None:
        profile = HelperProfile(user=person, locality=locality, **values)
    else:
        action = "helper_reapplied"
        for name, value in values.items():
            setattr(profile, name, value)
        profile.approved_at = None
        profile.approved_by = None
    profile.full_clean(exclude=["user", "locality", "application_key"])
    with transaction.atomic():
        profile.save()
    return profile, action


def _application_acknowledge(
    person: User, locality: Locality, claimed: Mapping[str, User]
) -> None:
    """Tell the owners of contact details given again, and queue the
    "helper_application_received" message to the applicant."""
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
