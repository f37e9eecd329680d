"""Who is applying: someone already known, a visitor (their contact
details, and the same application sent twice), or someone new, created."""

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment, User
from kith.accounts.phones import mobile_normalise
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import ApplicationChannel, HelperProfile, HelperStatus
from kith.helpers.services.details import ApplicationDetails, _replace
from kith.places.models import Locality

#: Online applications with the same name, date of birth and contact within
#: this time are the same application sent twice (say from a second tab).
REPEAT_WINDOW = timedelta(hours=24)


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


def _visitor_check(
    locality: Locality, details: ApplicationDetails
) -> tuple[HelperProfile | None, dict[str, User], ApplicationDetails]:
    """A visitor's contact details: the same application sent again (which
    is recorded and returned, changing nothing), else the contact details
    already on someone else's record, and the details with the email and
    mobile normalised."""
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
        return repeat, {}, details
    claimed = contact_details_claimed(
        {"email": email, "mobile": mobile}, exclude_pk=None
    )
    return None, claimed, _replace(details, email=email, mobile=mobile)


def _applicant_person(
    actor: Any,
    locality: Locality,
    details: ApplicationDetails,
    mode: str,
    person: User | None,
    claimed: Mapping[str, User],
) -> User:
    """The person applying: a visitor or someone new is created; someone
    known has their address brought up to date."""
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
            postcode=details.postcode,
        )
    elif mode in {"self", "for_person"}:
        changes = _address_changes(person, details)
        if changes:
            from kith.accounts.services import person_contact_update

            person = person_contact_update(
                actor=actor, person=person, locality=locality, **changes
            )
    if person is None:  # pragma: no cover - every branch above sets it
        raise PermissionDenied
    return person
