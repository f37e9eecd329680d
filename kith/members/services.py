"""Writes about members: joining, renewing, leaving, profiles, consents,
notes, duplicates and supporters.

Every function checks permission, validates, audits and owns its transaction;
each raises ApplicationError (nothing changed, the message says why) or
PermissionDenied. Messages go out through the notify outbox after commit.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from kith.accounts.models import ContactBy, Role, RoleAssignment, User
from kith.accounts.permissions import Perm, forget_roles, has_perm, require_perm
from kith.accounts.services import (
    contact_details_check_unique,
    contact_details_claimed,
    contact_details_clean,
    contact_owner_tell,
    person_save_validated,
)
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members.models import (
    AccessNeed,
    Consent,
    CoordinatorNote,
    FeePayment,
    Interest,
    Membership,
    MembershipPlan,
    PossibleDuplicate,
    RenewalReminder,
    SupporterLink,
)
from kith.members.rules import (
    PlanFacts,
    eligible_plan_ids,
    one_year_after,
    pounds,
    renewal_reminder_due,
)
from kith.notify.services import message_queue, message_queue_for_person
from kith.places.models import Locality
from kith.places.selectors import postcode_ward

SUPPORTER_INVITATION_DAYS = 14
#: Online applications with the same name, birth date and postcode within
#: this time are the same application sent twice.
REPEAT_WINDOW = timedelta(hours=24)


def _locality_personalisation(locality: Locality) -> dict[str, str]:
    return {"locality_name": locality.name, "locality_phone": locality.phone}


def _is_coordinator(actor: Any, locality: Locality) -> bool:
    return has_perm(actor, Perm.MEMBERS_MANAGE, locality)


# --- plans and interests -----------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    actor: User,
    locality: Locality,
    plan: MembershipPlan | None = None,
    name: str,
    yearly_fee_pence: int,
    concession_fee_pence: int,
    minimum_age: int,
    joining_credits: int,
    description: str = "",
    is_open: bool = True,
) -> MembershipPlan:
    """Add a membership plan, or change one."""
    require_perm(actor, Perm.PLANS_MANAGE, locality)
    if plan is not None and plan.locality_id != locality.pk:
        raise PermissionDenied
    if concession_fee_pence > yearly_fee_pence:
        raise ApplicationError(
            _("The concession fee must not be more than the yearly fee."),
            field="concession_fee",
        )
    name = name.strip()
    clash = MembershipPlan.objects.filter(locality=locality, name__iexact=name)
    if plan is not None:
        clash = clash.exclude(pk=plan.pk)
    if clash.exists():
        raise ApplicationError(
            _("There is already a plan with this name."), field="name"
        )
    plan = plan or MembershipPlan(locality=locality)
    for key, value in {
        "name": name,
        "yearly_fee_pence": yearly_fee_pence,
        "concession_fee_pence": concession_fee_pence,
        "minimum_age": minimum_age,
        "joining_credits": joining_credits,
        "description": description.strip(),
        "is_open": is_open,
    }.items():
        setattr(plan, key, value)
    created = plan.pk is None
    plan.save()
    audit_record(
        actor=actor,
        action="plan_created" if created else "plan_changed",
        target=plan,
        locality=locality,
    )
    return plan


@transaction.atomic
def interest_add(*, actor: User, locality: Locality, name: str) -> Interest:
    require_perm(actor, Perm.PLANS_MANAGE, locality)
    name = name.strip()
    if not name:
        raise ApplicationError(_("Enter the interest."), field="name")
    if Interest.objects.filter(locality=locality, name__iexact=name).exists():
        raise ApplicationError(_("This interest is already on the list."), field="name")
    interest = Interest.objects.create(locality=locality, name=name)
    audit_record(
        actor=actor, action="interest_added", target=interest, locality=locality
    )
    return interest


# --- joining ----------------------------------------------------------------------


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


def plans_open_to(
    *, locality: Locality, postcode: str, born: date | None, on: date | None = None
) -> list[MembershipPlan]:
    """The plans someone living at ``postcode`` and born on ``born`` may join."""
    on = on or timezone.localdate()
    plans = list(MembershipPlan.objects.filter(locality=locality, is_open=True))
    lives_here = postcode_ward(postcode=postcode, locality=locality) is not None
    ids = eligible_plan_ids(
        [PlanFacts(p.pk, p.minimum_age, p.is_open) for p in plans],
        born=born,
        lives_in_locality=lives_here,
        on=on,
    )
    return [plan for plan in plans if plan.pk in ids]


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
    today = timezone.localdate()
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

    if (
        person is None
        and not phone_join
        and actor is not None
        and actor.is_authenticated
    ):
        person = actor
    claimed: dict[str, User] = {}
    if not phone_join:
        claimed = contact_details_claimed(
            contact, exclude_pk=person.pk if person is not None else None
        )
        for name in claimed:
            contact[name] = None
    if person is None:
        repeat = (
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
        if repeat is not None:
            return repeat
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
    for other, reason in _find_duplicates(person, answers.date_of_birth, locality):
        PossibleDuplicate.objects.get_or_create(
            membership=membership, other=other, defaults={"reason": reason}
        )
    for name, owner in claimed.items():
        # Someone elsewhere is not shown to this locality's coordinators.
        if RoleAssignment.objects.filter(user=owner, locality=locality).exists():
            PossibleDuplicate.objects.get_or_create(
                membership=membership,
                other=owner,
                defaults={
                    "reason": PossibleDuplicate.Reason.EMAIL
                    if name == "email"
                    else PossibleDuplicate.Reason.PHONE
                },
            )
        contact_owner_tell(owner=owner, field=name, locality=locality, joining=True)
    audit_record(
        actor=actor if phone_join else person,
        action="member_joined",
        target=membership,
        on_behalf_of=person if phone_join else None,
        locality=locality,
        data={"how": how, "plan": plan.name, "contact_in_use": sorted(claimed)},
    )
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
    return membership


# --- the membership year ------------------------------------------------------


def _lock(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("plan", "person")
        .get(pk=membership.pk)
    )


@transaction.atomic
def membership_activate(
    *, actor: User, membership: Membership, method: str, reference: str = ""
) -> Membership:
    """Welcome an applicant: record the fee (or that it was waived) and start
    their year."""
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    membership = _lock(membership)
    if membership.status != Membership.Status.APPLIED:
        raise ApplicationError(_("This membership has already been started."))
    if method not in FeePayment.Method.values:
        raise ApplicationError(_("Choose how the fee was paid."), field="method")
    if (
        method not in (FeePayment.Method.CASH, FeePayment.Method.WAIVED)
        and not reference.strip()
    ):
        raise ApplicationError(
            _("Enter the payment reference, so it can be found later."),
            field="reference",
        )
    today = timezone.localdate()
    renews_on = one_year_after(today)
    FeePayment.objects.create(
        membership=membership,
        amount_pence=0 if method == FeePayment.Method.WAIVED else membership.fee_pence,
        method=method,
        reference=reference.strip(),
        covers_from=today,
        covers_to=renews_on - timedelta(days=1),
        recorded_by=actor,
    )
    membership.status = Membership.Status.ACTIVE
    membership.started_on = today
    membership.renews_on = renews_on
    membership.save(update_fields=["status", "started_on", "renews_on", "updated_at"])
    from kith.credits.services import joining_credits_grant

    joining_credits_grant(actor=actor, membership=membership)
    audit_record(
        actor=actor,
        action="membership_started",
        target=membership,
        on_behalf_of=membership.person,
        locality=membership.locality,
        data={"method": method, "renews_on": renews_on.isoformat()},
    )
    return membership


@transaction.atomic
def membership_renew(
    *, actor: User, membership: Membership, method: str, reference: str = ""
) -> Membership:
    """Record the next year's fee. A lapsed membership starts again today."""
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    membership = _lock(membership)
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.LAPSED):
        raise ApplicationError(_("Only a current or lapsed membership can be renewed."))
    if method not in FeePayment.Method.values:
        raise ApplicationError(_("Choose how the fee was paid."), field="method")
    if (
        method not in (FeePayment.Method.CASH, FeePayment.Method.WAIVED)
        and not reference.strip()
    ):
        raise ApplicationError(
            _("Enter the payment reference, so it can be found later."),
            field="reference",
        )
    today = timezone.localdate()
    start = membership.renews_on or today
    if membership.status == Membership.Status.LAPSED or start < today:
        start = today
    if start > today + timedelta(days=60):
        raise ApplicationError(
            _("This membership has already been renewed for next year.")
        )
    try:
        with transaction.atomic():
            FeePayment.objects.create(
                membership=membership,
                amount_pence=0
                if method == FeePayment.Method.WAIVED
                else membership.fee_pence,
                method=method,
                reference=reference.strip(),
                covers_from=start,
                covers_to=one_year_after(start) - timedelta(days=1),
                recorded_by=actor,
            )
    except IntegrityError as exc:
        raise ApplicationError(_("This year's fee has already been recorded.")) from exc
    membership.status = Membership.Status.ACTIVE
    membership.renews_on = one_year_after(start)
    membership.save(update_fields=["status", "renews_on", "updated_at"])
    audit_record(
        actor=actor,
        action="membership_renewed",
        target=membership,
        on_behalf_of=membership.person,
        locality=membership.locality,
        data={"method": method, "renews_on": membership.renews_on.isoformat()},
    )
    return membership


def memberships_lapse(*, on: date | None = None) -> int:
    """Memberships whose year ended without a renewal lapse. Safe to run any
    number of times a day; returns how many lapsed now."""
    on = on or timezone.localdate()
    count = 0
    due = Membership.objects.filter(status=Membership.Status.ACTIVE, renews_on__lte=on)
    for membership_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            membership = Membership.objects.select_for_update().get(pk=membership_id)
            if (
                membership.status != Membership.Status.ACTIVE
                or not membership.renews_on
            ):
                continue
            if membership.renews_on > on:
                continue
            membership.status = Membership.Status.LAPSED
            membership.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=None,
                action="membership_lapsed",
                target=membership,
                locality=membership.locality_id,
            )
            count += 1
    return count


def renewal_reminders_queue(*, on: date | None = None) -> int:
    """Queue a renewal message to each active member whose year ends within
    30 days. Each year's reminder is queued once, however often this runs or
    if it stopped half-way; returns how many were queued now."""
    on = on or timezone.localdate()
    count = 0
    due = Membership.objects.filter(
        status=Membership.Status.ACTIVE,
        renews_on__gte=on,
        renews_on__lte=on + timedelta(days=30),
    ).select_related("person", "plan", "locality")
    for membership in due:
        assert membership.renews_on is not None  # noqa: S101 - filtered above
        if not renewal_reminder_due(membership.renews_on, on):
            continue
        with transaction.atomic():
            _reminder, created = RenewalReminder.objects.get_or_create(
                membership=membership, renews_on=membership.renews_on
            )
            if not created:
                continue
            message_queue_for_person(
                person=membership.person,
                template="membership_renewal",
                personalisation={
                    **_locality_personalisation(membership.locality),
                    "renewal_date": membership.renews_on.strftime("%-d %B %Y"),
                    "fee": pounds(membership.fee_pence),
                },
                locality=membership.locality,
            )
            audit_record(
                actor=None,
                action="renewal_reminder_queued",
                target=membership,
                locality=membership.locality,
            )
            count += 1
    return count


@transaction.atomic
def membership_leave(
    *,
    actor: User,
    membership: Membership,
    credits_choice: str,
    credits_to: Membership | None = None,
    reason: str = "",
) -> Membership:
    """A member leaves. What happens to their remaining credits is asked and
    recorded: refunded, given to the circle, or given to another member."""
    locality = membership.locality
    if actor.pk != membership.person_id:
        require_perm(actor, Perm.MEMBERS_MANAGE, locality)
    membership = _lock(membership)
    if membership.status == Membership.Status.LEFT:
        raise ApplicationError(_("They have already left."))
    if credits_choice not in Membership.LeavingCredits.values:
        raise ApplicationError(
            _("Choose what should happen to their remaining credits."),
            field="credits_choice",
        )
    if credits_choice == Membership.LeavingCredits.MEMBER:
        if credits_to is None:
            raise ApplicationError(
                _("Choose the member to give the credits to."), field="credits_to"
            )
        if (
            credits_to.pk == membership.pk
            or credits_to.locality_id != membership.locality_id
            or credits_to.status
            not in (Membership.Status.ACTIVE, Membership.Status.APPLIED)
        ):
            raise ApplicationError(
                _("Choose a current member of this circle."), field="credits_to"
            )
    membership.status = Membership.Status.LEFT
    membership.left_on = timezone.localdate()
    membership.leaving_credits = credits_choice
    membership.leaving_credits_to = (
        credits_to if credits_choice == Membership.LeavingCredits.MEMBER else None
    )
    membership.leaving_reason = reason.strip()
    membership.save()
    # Their remaining credits go where they chose, in this transaction.
    from kith.credits.services import leaving_credits_move

    leaving_credits_move(actor=actor, membership=membership)
    SupporterLink.objects.filter(
        membership=membership,
        status__in=[SupporterLink.Status.ACTIVE, SupporterLink.Status.INVITED],
    ).update(status=SupporterLink.Status.ENDED, ended_at=timezone.now(), ended_by=actor)
    RoleAssignment.objects.filter(
        user_id=membership.person_id, locality=locality, role=Role.MEMBER
    ).delete()
    forget_roles(membership.person)
    audit_record(
        actor=actor,
        action="member_left",
        target=membership,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=locality,
        data={"credits": credits_choice},
    )
    return membership


# --- profile, consents and notes -------------------------------------------------


PROFILE_FIELDS = (
    "date_of_birth",
    "access_needs",
    "access_needs_notes",
    "own_interests",
    "emergency_name",
    "emergency_phone",
    "emergency_relationship",
)


def _require_member_or_coordinator(actor: User, membership: Membership) -> None:
    if actor.pk == membership.person_id and has_perm(
        actor, Perm.OWN_RECORD, membership.locality
    ):
        return
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)


@transaction.atomic
def profile_update(
    *,
    actor: User,
    membership: Membership,
    interest_ids: list[int] | None = None,
    contact_by: str | None = None,
    contact_times: str | None = None,
    **changes: Any,
) -> Membership:
    """Change what the circle knows about a member: their needs, interests,
    emergency contact and how to contact them. The member or a coordinator."""
    _require_member_or_coordinator(actor, membership)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    membership = _lock(membership)
    born = changes.get("date_of_birth")
    if born is not None and born >= timezone.localdate():
        raise ApplicationError(
            _("Date of birth must be in the past."), field="date_of_birth"
        )
    if "access_needs" in changes:
        changes["access_needs"] = [
            n for n in changes["access_needs"] if n in AccessNeed.values
        ]
    if changes.get("emergency_phone"):
        from django.core.exceptions import ValidationError

        from kith.accounts.phones import phone_normalise

        try:
            changes["emergency_phone"] = phone_normalise(changes["emergency_phone"])
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0], field="emergency_phone") from exc
    changed = []
    for key, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(membership, key) != value:
            setattr(membership, key, value)
            changed.append(key)
    if changed:
        membership.save()
    if interest_ids is not None:
        wanted = set(
            Interest.objects.filter(
                locality=membership.locality, pk__in=interest_ids
            ).values_list("pk", flat=True)
        )
        if wanted != set(membership.interests.values_list("pk", flat=True)):
            membership.interests.set(wanted)
            changed.append("interests")
    person = membership.person
    if contact_by is not None and contact_by != person.contact_by:
        if contact_by not in ContactBy.values:
            raise ApplicationError(
                _("Choose how they like to be contacted."), field="contact_by"
            )
        needs = {
            "email": person.email,
            "sms": person.mobile,
            "letter": person.address_line_1,
        }
        if contact_by in needs and not needs[contact_by]:
            raise ApplicationError(
                _("Add that contact detail first, then choose it."), field="contact_by"
            )
        person.contact_by = contact_by
        person.save(update_fields=["contact_by"])
        changed.append("contact_by")
    if contact_times is not None and contact_times.strip() != person.contact_times:
        person.contact_times = contact_times.strip()
        person.save(update_fields=["contact_times"])
        changed.append("contact_times")
    if changed:
        audit_record(
            actor=actor,
            action="member_profile_changed",
            target=membership,
            on_behalf_of=person if actor.pk != person.pk else None,
            locality=membership.locality,
            data={"fields": sorted(changed)},
        )
    return membership


def memberships_ward_refresh(*, person: User) -> None:
    """Place a person's memberships in the wards their postcode lies in, after
    a move. Runs inside the caller's transaction."""
    for membership in Membership.objects.filter(person=person).select_related(
        "locality"
    ):
        ward = postcode_ward(postcode=person.postcode, locality=membership.locality)
        if ward != membership.ward:
            membership.ward = ward
            membership.save(update_fields=["ward", "updated_at"])


@transaction.atomic
def consent_record(
    *,
    actor: User,
    membership: Membership,
    kind: str,
    given: bool,
    how: str,
    service: str = "",
) -> Consent:
    """Record a member's answer to a consent question, with when and how it
    was given. The member, or a coordinator who asked them."""
    _require_member_or_coordinator(actor, membership)
    if kind not in Consent.Kind.values:
        raise ApplicationError(_("Choose what they are agreeing to."), field="kind")
    if how not in Consent.How.values:
        raise ApplicationError(_("Choose how they gave their answer."), field="how")
    if kind == Consent.Kind.SHARING and not service.strip():
        raise ApplicationError(_("Enter the name of the service."), field="service")
    consent = Consent.objects.create(
        membership=membership,
        kind=kind,
        given=given,
        how=how,
        service=service.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="consent_recorded",
        target=membership,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=membership.locality,
        data={"kind": kind, "given": given, "how": how, "service": service.strip()},
    )
    if kind == Consent.Kind.INTRODUCTIONS and not given:
        # Introductions waiting on them end now (social builds on members).
        from kith.social.services import introductions_close_on_consent_withdrawn

        introductions_close_on_consent_withdrawn(actor=actor, membership=membership)
    return consent


@transaction.atomic
def note_add(*, actor: User, membership: Membership, text: str) -> CoordinatorNote:
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    if not text.strip():
        raise ApplicationError(_("Enter the note."), field="text")
    note = CoordinatorNote.objects.create(
        membership=membership, author=actor, text=text.strip()
    )
    audit_record(
        actor=actor,
        action="member_note_added",
        target=membership,
        locality=membership.locality,
    )
    return note


# --- duplicates ---------------------------------------------------------------------


@transaction.atomic
def duplicate_decide(
    *, actor: User, duplicate: PossibleDuplicate, merge: bool
) -> PossibleDuplicate:
    """Settle a possible duplicate. Merging keeps the person who was known
    first: the newer record's roles, membership and missing contact details
    move to them, and the newer account is closed (nothing is deleted)."""
    membership = duplicate.membership
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    duplicate = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.decision != PossibleDuplicate.Decision.OPEN:
        raise ApplicationError(_("This has already been decided."))
    if merge:
        _merge_people(
            actor=actor,
            keep=duplicate.other,
            drop=membership.person,
            locality=membership.locality,
        )
    duplicate.decision = (
        PossibleDuplicate.Decision.MERGED if merge else PossibleDuplicate.Decision.KEPT
    )
    duplicate.decided_by = actor
    duplicate.decided_at = timezone.now()
    duplicate.save()
    audit_record(
        actor=actor,
        action="duplicate_merged" if merge else "duplicate_kept",
        target=membership,
        locality=membership.locality,
        data={"other": duplicate.other_id},
    )
    return duplicate


def _merge_people(*, actor: User, keep: User, drop: User, locality: Locality) -> None:
    if keep.pk == drop.pk:
        return
    keep = User.objects.select_for_update().get(pk=keep.pk)
    drop = User.objects.select_for_update().get(pk=drop.pk)
    released = {"email": drop.email, "mobile": drop.mobile}
    drop.email = None
    drop.mobile = None
    drop.is_active = False
    drop.save(update_fields=["email", "mobile", "is_active"])
    for name in ("email", "mobile"):
        if not getattr(keep, name) and released[name]:
            setattr(keep, name, released[name])
    for name in (
        "preferred_name",
        "phone",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
    ):
        if not getattr(keep, name) and getattr(drop, name):
            setattr(keep, name, getattr(drop, name))
    keep.save()
    for assignment in RoleAssignment.objects.filter(user=drop):
        RoleAssignment.objects.get_or_create(
            user=keep,
            locality=assignment.locality,
            role=assignment.role,
            defaults={"granted_by": actor},
        )
    RoleAssignment.objects.filter(user=drop).delete()
    kept_current = Membership.objects.filter(person=keep, locality=locality).exclude(
        status=Membership.Status.LEFT
    )
    for membership in Membership.objects.filter(person=drop):
        if membership.locality_id == locality.pk and kept_current.exists():
            membership.status = Membership.Status.LEFT
            membership.left_on = timezone.localdate()
            membership.leaving_reason = _("Merged into %(name)s’s record.") % {
                "name": keep.full_name
            }
            membership.save()
            CoordinatorNote.objects.create(
                membership=kept_current.first(),  # type: ignore[misc]
                author=actor,
                text=_(
                    "A second application from the same person was merged into this "
                    "record."
                ),
            )
        else:
            membership.person = keep
            membership.save(update_fields=["person", "updated_at"])
    forget_roles(keep)
    forget_roles(drop)


# --- supporters ---------------------------------------------------------------------


def _token_digest(token: str) -> str:
    return salted_hmac("kith.members.supporter", token, algorithm="sha256").hexdigest()


@dataclass
class Invitation:
    link: SupporterLink
    token: str


@transaction.atomic
def supporter_invite(
    *,
    actor: User,
    membership: Membership,
    name: str,
    relationship: str,
    email: str = "",
    mobile: str = "",
    share_visits: bool = True,
    ask_for_help: bool = True,
    get_notifications: bool = False,
    base_url: str = "",
) -> Invitation:
    """The member (or a coordinator for them) invites a relative or friend to
    be their supporter. Inviting records the member's consent; the supporter
    gets a link (by email or text) to accept within 14 days."""
    _require_member_or_coordinator(actor, membership)
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.APPLIED):
        raise ApplicationError(_("Only a current member can have supporters."))
    if not name.strip():
        raise ApplicationError(_("Enter their name."), field="name")
    if not relationship.strip():
        raise ApplicationError(
            _("Enter who they are to the member, like ‘daughter’."),
            field="relationship",
        )
    contact = contact_details_clean({"email": email, "mobile": mobile})
    if not contact.get("email") and not contact.get("mobile"):
        raise ApplicationError(
            _(
                "Enter their email address or mobile number, so we can send the "
                "invitation."
            ),
            field="email",
        )
    if not (share_visits or ask_for_help or get_notifications):
        raise ApplicationError(
            _("Choose at least one thing the supporter can do."), field="share_visits"
        )
    token = secrets.token_urlsafe(24)
    by_member = actor.pk == membership.person_id
    link = SupporterLink.objects.create(
        membership=membership,
        name=name.strip(),
        relationship=relationship.strip(),
        email=contact.get("email") or "",
        mobile=contact.get("mobile") or "",
        share_visits=share_visits,
        ask_for_help=ask_for_help,
        get_notifications=get_notifications,
        consent_how=Consent.How.ONLINE if by_member else Consent.How.PHONE,
        token_hash=_token_digest(token),
        invited_by=actor,
    )
    accept_url = base_url + reverse("members:supporter_accept", args=[link.pk, token])
    message_queue(
        to=link.email or link.mobile,
        channel="email" if link.email else "sms",
        template="supporter_invitation",
        personalisation={
            **_locality_personalisation(membership.locality),
            "name": link.name,
            "member_name": membership.person.display_name,
            "link": accept_url,
        },
        locality=membership.locality,
    )
    audit_record(
        actor=actor,
        action="supporter_invited",
        target=membership,
        on_behalf_of=membership.person if not by_member else None,
        locality=membership.locality,
        data={"link": link.pk, "relationship": link.relationship},
    )
    return Invitation(link=link, token=token)


def supporter_link_for_token(*, link_id: int, token: str) -> SupporterLink:
    """The invitation a link is for. Raises ApplicationError when the link is
    wrong, used, withdrawn or more than 14 days old."""
    link = (
        SupporterLink.objects.select_related(
            "membership__person", "membership__locality"
        )
        .filter(pk=link_id)
        .first()
    )
    if (
        link is None
        or not link.token_hash
        or not constant_time_compare(_token_digest(token), link.token_hash)
    ):
        raise ApplicationError(
            _("This invitation link is not right. Check you copied all of it.")
        )
    if link.status != SupporterLink.Status.INVITED:
        raise ApplicationError(
            _("This invitation has already been answered or withdrawn.")
        )
    if link.created_at < timezone.now() - timedelta(days=SUPPORTER_INVITATION_DAYS):
        raise ApplicationError(
            _("This invitation is more than 14 days old. Ask for a new one.")
        )
    return link


@transaction.atomic
def supporter_accept(
    *, user: User, link_id: int, token: str, accept: bool = True
) -> SupporterLink:
    """The invited person accepts (or declines) with their own account."""
    link = supporter_link_for_token(link_id=link_id, token=token)
    link = SupporterLink.objects.select_for_update().get(pk=link.pk)
    membership = link.membership
    if user.pk == membership.person_id:
        raise ApplicationError(_("You cannot be your own supporter."))
    if (
        accept
        and SupporterLink.objects.filter(
            membership=membership, supporter=user, status=SupporterLink.Status.ACTIVE
        ).exists()
    ):
        raise ApplicationError(_("You are already a supporter of this member."))
    link.token_hash = ""
    if accept:
        link.status = SupporterLink.Status.ACTIVE
        link.supporter = user
        link.accepted_at = timezone.now()
        RoleAssignment.objects.get_or_create(
            user=user, locality=membership.locality, role=Role.SUPPORTER
        )
        forget_roles(user)
    else:
        link.status = SupporterLink.Status.DECLINED
    link.save()
    audit_record(
        actor=user,
        action="supporter_accepted" if accept else "supporter_declined",
        target=membership,
        locality=membership.locality,
        data={"link": link.pk},
    )
    return link


@transaction.atomic
def supporter_accept_by_phone(
    *, actor: User, link: SupporterLink, person: User
) -> SupporterLink:
    """A coordinator records that an invited supporter accepted on the phone."""
    membership = link.membership
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    link = SupporterLink.objects.select_for_update().get(pk=link.pk)
    if link.status != SupporterLink.Status.INVITED:
        raise ApplicationError(
            _("This invitation has already been answered or withdrawn.")
        )
    if person.pk == membership.person_id:
        raise ApplicationError(
            _("A member cannot be their own supporter."), field="person"
        )
    link.status = SupporterLink.Status.ACTIVE
    link.supporter = person
    link.accepted_at = timezone.now()
    link.token_hash = ""
    link.save()
    RoleAssignment.objects.get_or_create(
        user=person,
        locality=membership.locality,
        role=Role.SUPPORTER,
        defaults={"granted_by": actor},
    )
    forget_roles(person)
    audit_record(
        actor=actor,
        action="supporter_accepted",
        target=membership,
        on_behalf_of=person,
        locality=membership.locality,
        data={"link": link.pk, "how": "phone"},
    )
    return link


@transaction.atomic
def supporter_end(*, actor: User, link: SupporterLink) -> SupporterLink:
    """End a supporter's access at once: the member, a coordinator, or the
    supporter may do it, without giving a reason."""
    membership = link.membership
    is_member = actor.pk == membership.person_id
    is_supporter = link.supporter_id is not None and actor.pk == link.supporter_id
    if not (is_member or is_supporter):
        require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    link = SupporterLink.objects.select_for_update().get(pk=link.pk)
    if link.status not in (SupporterLink.Status.ACTIVE, SupporterLink.Status.INVITED):
        raise ApplicationError(_("This supporter has already stopped."))
    link.status = SupporterLink.Status.ENDED
    link.ended_at = timezone.now()
    link.ended_by = actor
    link.token_hash = ""
    link.save()
    if (
        link.supporter_id
        and not SupporterLink.objects.filter(
            supporter_id=link.supporter_id,
            membership__locality=membership.locality,
            status=SupporterLink.Status.ACTIVE,
        ).exists()
    ):
        RoleAssignment.objects.filter(
            user_id=link.supporter_id, locality=membership.locality, role=Role.SUPPORTER
        ).delete()
    audit_record(
        actor=actor,
        action="supporter_ended",
        target=membership,
        on_behalf_of=membership.person if not (is_member or is_supporter) else None,
        locality=membership.locality,
        data={"link": link.pk},
    )
    return link
