"""Joining: the answers someone gives, the plans open to them, possible
duplicates and ``membership_join``.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import (
    ContactBy,
    PossibleDuplicate,
    Role,
    RoleAssignment,
    User,
)
from kith.accounts.permissions import forget_roles
from kith.accounts.services import (
    contact_details_check_unique,
    contact_details_claimed,
    contact_details_clean,
    contact_owner_tell,
    duplicate_flag,
    person_save_validated,
)
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members.models import (
    AccessNeed,
    Consent,
    Interest,
    Membership,
    MembershipPlan,
)
from kith.members.rules import pounds
from kith.members.selectors import plans_open_to
from kith.members.services.common import _is_coordinator, _locality_personalisation
from kith.notify.services import message_queue_for_person
from kith.places.models import Locality
from kith.places.selectors import postcode_ward
from kith.places.services import locality_require_open

#: Online applications with the same name, birth date and postcode within
#: this time are the same application sent twice.
REPEAT_WINDOW = timedelta(hours=24)


@dataclass
class JoinAnswers:
    """What a person tells us when they join, online or on the phone."""

    postcode: str
    date_of_birth: date
    full_name: str
    preferred_name: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    contact_by: str = ContactBy.PHONE
    contact_times: str = ""
    email: str = ""
    mobile: str = ""
    phone: str = ""
    plan_id: int = 0
    concession: bool = False
    access_needs: list[str] = field(default_factory=list)
    access_needs_notes: str = ""
    interest_ids: list[int] = field(default_factory=list)
    own_interests: str = ""
    emergency_name: str = ""
    emergency_phone: str = ""
    emergency_relationship: str = ""
    consent_introductions: bool = False
    consent_photographs: bool = False


def _find_duplicates(
    person: User, born: date, locality: Locality
) -> list[tuple[User, str]]:
    found: list[tuple[User, str]] = []
    same_person = Membership.objects.filter(
        locality=locality,
        date_of_birth=born,
        person__full_name__iexact=person.full_name,
    ).exclude(person=person)
    for membership in same_person.select_related("person"):
        found.append((membership.person, PossibleDuplicate.Reason.NAME_AND_BIRTH))
    numbers = [n for n in (person.mobile, person.phone) if n]
    if numbers:
        by_phone = User.objects.filter(
            Q(mobile__in=numbers) | Q(phone__in=numbers), roles__locality=locality
        ).exclude(pk=person.pk)
        for other in by_phone.distinct():
            if all(other.pk != known.pk for known, _r in found):
                found.append((other, PossibleDuplicate.Reason.PHONE))
    return found


def _join_answers_check(
    *, locality: Locality, answers: JoinAnswers, today: date
) -> tuple[dict[str, Any], MembershipPlan]:
    """Clean the contact details and check the answers: a birth date in the
    past, a plan open to them, and the detail their way of contact needs."""
    contact = contact_details_clean(
        {
            "full_name": answers.full_name,
            "preferred_name": answers.preferred_name,
            "email": answers.email,
            "mobile": answers.mobile,
            "phone": answers.phone,
            "address_line_1": answers.address_line_1,
            "address_line_2": answers.address_line_2,
            "town": answers.town,
            "postcode": answers.postcode,
        }
    )
    if answers.date_of_birth >= today:
        raise ApplicationError(
            _("Date of birth must be in the past."), field="date_of_birth"
        )
    plan = MembershipPlan.objects.filter(pk=answers.plan_id, locality=locality).first()
    eligible = plans_open_to(
        locality=locality,
        postcode=contact["postcode"],
        born=answers.date_of_birth,
        on=today,
    )
    if plan is None or plan not in eligible:
        raise ApplicationError(
            _(
                "This plan is not open to them. Phone %(phone)s and we will talk "
                "about what we can do."
            )
            % {"phone": locality.phone},
            field="plan",
        )
    details_needed: dict[str, tuple[str, str]] = {
        "email": ("email", _("Enter an email address, or choose another way.")),
        "sms": ("mobile", _("Enter a mobile number, or choose another way.")),
        "letter": (
            "address_line_1",
            _("Enter an address, or choose another way."),
        ),
    }
    needs_detail = details_needed.get(str(answers.contact_by))
    if needs_detail and not contact.get(needs_detail[0]):
        raise ApplicationError(needs_detail[1], field=needs_detail[0])
    return contact, plan


def _join_claimed_leave_off(
    contact: dict[str, Any], *, person: User | None
) -> dict[str, User]:
    """Online, the email address or mobile number already on someone else's
    record: left off ``contact`` (in place) and returned with its owner."""
    claimed = contact_details_claimed(
        contact, exclude_pk=person.pk if person is not None else None
    )
    for name in claimed:
        contact[name] = None
    return claimed


def _join_repeat_find(
    *, locality: Locality, answers: JoinAnswers, contact: dict[str, Any]
) -> Membership | None:
    """The same application sent within ``REPEAT_WINDOW``, if there is one."""
    return (
        Membership.objects.filter(
            locality=locality,
            date_of_birth=answers.date_of_birth,
            person__full_name__iexact=contact["full_name"],
            person__postcode=contact["postcode"],
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .exclude(status=Membership.Status.LEFT)
        .select_related("person")
        .first()
    )


def _join_person_save(
    *,
    actor: User | None,
    locality: Locality,
    answers: JoinAnswers,
    contact: dict[str, Any],
    person: User | None,
    phone_join: bool,
) -> User:
    """Make the new person's record, or bring someone known up to date."""
    if person is None:
        contact_details_check_unique(contact, exclude_pk=None)
        person = User(
            **contact, home_locality=locality, created_by=actor if phone_join else None
        )
        person.set_unusable_password()
    else:
        contact_details_check_unique(contact, exclude_pk=person.pk)
        for key, value in contact.items():
            if value or key in ("preferred_name",):
                setattr(person, key, value)
    person.contact_by = answers.contact_by
    person.contact_times = answers.contact_times.strip()
    person_save_validated(person)
    return person


def _join_membership_create(
    *,
    actor: User | None,
    locality: Locality,
    answers: JoinAnswers,
    person: User,
    plan: MembershipPlan,
    how: str,
    today: date,
) -> Membership:
    """The membership (``applied``) with its interests, the member role and
    the consents given."""
    phone_join = how != Membership.JoinedHow.ONLINE
    if (
        Membership.objects.filter(person=person, locality=locality)
        .exclude(status=Membership.Status.LEFT)
        .exists()
    ):
        raise ApplicationError(_("They are already a member of this circle."))
    valid_needs = [need for need in answers.access_needs if need in AccessNeed.values]
    membership = Membership.objects.create(
        person=person,
        locality=locality,
        plan=plan,
        concession=answers.concession,
        joined_how=how,
        joined_by=actor if phone_join else None,
        applied_on=today,
        ward=postcode_ward(postcode=person.postcode, locality=locality),
        date_of_birth=answers.date_of_birth,
        access_needs=valid_needs,
        access_needs_notes=answers.access_needs_notes.strip(),
        own_interests=answers.own_interests.strip(),
        emergency_name=answers.emergency_name.strip(),
        emergency_phone=answers.emergency_phone.strip(),
        emergency_relationship=answers.emergency_relationship.strip(),
    )
    membership.interests.set(
        Interest.objects.filter(locality=locality, pk__in=answers.interest_ids)
    )
    RoleAssignment.objects.get_or_create(
        user=person, locality=locality, role=Role.MEMBER, defaults={"granted_by": actor}
    )
    forget_roles(person)
    consent_how = Consent.How.ONLINE if not phone_join else Consent.How.PHONE
    for kind, given in (
        (Consent.Kind.INTRODUCTIONS, answers.consent_introductions),
        (Consent.Kind.PHOTOGRAPHS, answers.consent_photographs),
    ):
        Consent.objects.create(
            membership=membership,
            kind=kind,
            given=given,
            how=consent_how,
            recorded_by=actor if phone_join else person,
        )
    return membership


def _join_duplicates_flag(
    *,
    membership: Membership,
    person: User,
    answers: JoinAnswers,
    locality: Locality,
    claimed: dict[str, User],
) -> None:
    """Flag likely duplicates for a coordinator, and tell the owners of
    contact details already in use (ADR 0018)."""
    for other, reason in _find_duplicates(person, answers.date_of_birth, locality):
        duplicate_flag(locality=locality, person=person, other=other, reason=reason)
    for name, owner in claimed.items():
        # Someone elsewhere is not shown to this locality's coordinators.
        if RoleAssignment.objects.filter(user=owner, locality=locality).exists():
            duplicate_flag(
                locality=locality,
                person=person,
                other=owner,
                reason=PossibleDuplicate.Reason.EMAIL
                if name == "email"
                else PossibleDuplicate.Reason.PHONE,
            )
        contact_owner_tell(owner=owner, field=name, locality=locality, joining=True)


def _join_welcome(
    *, person: User, locality: Locality, plan: MembershipPlan, answers: JoinAnswers
) -> None:
    """The welcome message: a coordinator will phone to take the fee."""
    message_queue_for_person(
        person=person,
        template="welcome",
        personalisation={
            **_locality_personalisation(locality),
            "what_next": _(
                "A coordinator will phone you within 3 working days to welcome you "
                "and take your membership fee of %(fee)s."
            )
            % {"fee": pounds(plan.fee_for(concession=answers.concession))},
        },
        locality=locality,
    )


@transaction.atomic
def membership_join(
    *,
    actor: User | None,
    locality: Locality,
    answers: JoinAnswers,
    how: str,
    person: User | None = None,
) -> Membership:
    """A person joins the circle: online by themselves (``actor`` is None or
    the person), or by a coordinator on the phone (``how="phone"``), for a new
    person or for ``person``, someone already known.

    The membership starts as ``applied``: a coordinator then calls to welcome
    them and take the fee. The same online application sent twice within a day
    returns the first one; likely duplicates are flagged for a coordinator.

    Online, an email address or mobile number already on someone else's
    record is left off this one and never attaches the joining to that
    record: the answer is the same whatever is on file, the owner is told at
    that address or number, and a coordinator sees the likely duplicate
    (ADR 0018).
    """
    phone_join = how != Membership.JoinedHow.ONLINE
    if phone_join and not _is_coordinator(actor, locality):
        raise PermissionDenied
    # A paused or archived locality takes no new members (ADR 0041).
    locality_require_open(locality)
    today = timezone.localdate()
    contact, plan = _join_answers_check(locality=locality, answers=answers, today=today)
    if (
        person is None
        and not phone_join
        and actor is not None
        and actor.is_authenticated
    ):
        person = actor
    claimed: dict[str, User] = {}
    if not phone_join:
        claimed = _join_claimed_leave_off(contact, person=person)
    if person is None:
        repeat = _join_repeat_find(locality=locality, answers=answers, contact=contact)
        if repeat is not None:
            return repeat
    person = _join_person_save(
        actor=actor,
        locality=locality,
        answers=answers,
        contact=contact,
        person=person,
        phone_join=phone_join,
    )
    membership = _join_membership_create(
        actor=actor,
        locality=locality,
        answers=answers,
        person=person,
        plan=plan,
        how=how,
        today=today,
    )
    _join_duplicates_flag(
        membership=membership,
        person=person,
        answers=answers,
        locality=locality,
        claimed=claimed,
    )
    audit_record(
        actor=actor if phone_join else person,
        action="member_joined",
        target=membership,
        on_behalf_of=person if phone_join else None,
        locality=locality,
        data={"how": how, "plan": plan.name, "contact_in_use": sorted(claimed)},
    )
    _join_welcome(person=person, locality=locality, plan=plan, answers=answers)
    return membership
