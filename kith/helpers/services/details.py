"""What an application or a profile says, and how each part of it is
checked: date of birth, postcode, skills, times, travel, pay and referees."""

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.phones import mobile_normalise, phone_normalise
from kith.core.errors import ApplicationError
from kith.helpers.models import (
    MAX_VISITS_PER_WEEK,
    TRAVEL_DISTANCES,
    PayBasis,
    Skill,
    SkillLevel,
    TravelMode,
)
from kith.helpers.services.common import _today
from kith.places.models import Locality
from kith.places.postcodes import postcode_normalise
from kith.places.selectors import postcode_ward

MINIMUM_AGE = 18


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


def _replace(details: ApplicationDetails, **changes: Any) -> ApplicationDetails:
    from dataclasses import replace

    return replace(details, **changes)


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


def referee_clean(details: RefereeDetails) -> RefereeDetails:
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
        cleaned = [referee_clean(referee) for referee in referees]
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
