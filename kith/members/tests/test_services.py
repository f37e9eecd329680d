from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kith.accounts.models import PossibleDuplicate, Role, RoleAssignment, User
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.members import services
from kith.members.models import (
    Consent,
    FeePayment,
    Membership,
    RenewalReminder,
    SupporterLink,
)
from kith.notify.models import Message
from tests.inbox import received_link


def answers(**overrides):
    values = {
        "postcode": "se17 2aa",
        "date_of_birth": date(1948, 3, 27),
        "full_name": "Iris Bennett",
        "address_line_1": "4 Mill Lane",
        "town": "Testford",
        "contact_by": "phone",
        "phone": "020 7946 0100",
        "plan_id": 0,
        "consent_introductions": True,
        "consent_photographs": False,
    }
    values.update(overrides)
    return services.JoinAnswers(**values)


@pytest.fixture
def joined(testford, plans):
    return services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(plan_id=plans["full"].pk),
        how="online",
    )


# --- joining ------------------------------------------


def test_joining_online_creates_the_person_membership_consents_and_welcome(
    joined, testford
):
    person = joined.person
    assert joined.status == Membership.Status.APPLIED
    assert joined.joined_how == "online" and joined.joined_by is None
    assert person.postcode == "SE17 2AA" and person.phone == "02079460100"
    assert not person.has_usable_password()
    assert joined.ward == testford.ward
    assert RoleAssignment.objects.filter(user=person, role=Role.MEMBER).exists()
    kinds = {c.kind: c.given for c in joined.consents.all()}
    assert kinds == {"introductions": True, "photographs": False}
    assert all(c.how == "online" for c in joined.consents.all())
    welcome = Message.objects.get(template="welcome")
    assert welcome.recipient == person and welcome.channel == "phone"
    assert "£30" in welcome.personalisation["what_next"]
    event = AuditEvent.objects.get(action="member_joined")
    assert event.actor == person and event.on_behalf_of is None


def test_joining_by_phone_says_so_and_who_took_it(testford, plans):
    membership = services.membership_join(
        actor=testford.coordinator,
        locality=testford.locality,
        answers=answers(plan_id=plans["full"].pk),
        how="phone",
    )
    assert (
        membership.joined_how == "phone"
        and membership.joined_by == testford.coordinator
    )
    assert all(c.how == "phone" for c in membership.consents.all())
    event = AuditEvent.objects.get(action="member_joined")
    assert (event.actor, event.on_behalf_of) == (
        testford.coordinator,
        membership.person,
    )


@pytest.mark.parametrize(
    "role", [Role.HELPER, Role.MEMBER, Role.COUNCIL_OFFICER, Role.SUPPORTER]
)
def test_only_coordinators_join_people_by_phone(testford, plans, role):
    with pytest.raises(PermissionDenied):
        services.membership_join(
            actor=testford.by_role(role),
            locality=testford.locality,
            answers=answers(plan_id=plans["full"].pk),
            how="phone",
        )


def test_joining_by_phone_for_someone_already_known_uses_their_record(testford, plans):
    person = User.objects.create(full_name="Known Person")
    membership = services.membership_join(
        actor=testford.coordinator,
        locality=testford.locality,
        answers=answers(full_name="Known Person", plan_id=plans["full"].pk),
        how="phone",
        person=person,
    )
    assert membership.person == person
    assert User.objects.filter(full_name="Known Person").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"postcode": "SW1A 1AA"}, "plan"),  # outside the locality
        ({"date_of_birth": date(2010, 1, 1)}, "plan"),  # too young for any plan
        ({"postcode": "nonsense"}, "postcode"),
        ({"phone": "12"}, "phone"),
        ({"contact_by": "email", "email": ""}, "email"),
        ({"full_name": ""}, "full_name"),
    ],
)
def test_bad_or_ineligible_answers_change_nothing(testford, plans, overrides, field):
    before = (User.objects.count(), Membership.objects.count(), Message.objects.count())
    with pytest.raises(ApplicationError) as raised:
        services.membership_join(
            actor=None,
            locality=testford.locality,
            answers=answers(plan_id=plans["full"].pk, **overrides),
            how="online",
        )
    assert raised.value.field == field
    assert (
        User.objects.count(),
        Membership.objects.count(),
        Message.objects.count(),
    ) == before


def test_the_minimum_age_is_per_plan(testford, plans):
    today = timezone.localdate()
    forty = today.replace(year=today.year - 40, day=min(today.day, 28))
    with pytest.raises(ApplicationError):
        services.membership_join(
            actor=None,
            locality=testford.locality,
            answers=answers(date_of_birth=forty, plan_id=plans["full"].pk),
            how="online",
        )
    membership = services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(date_of_birth=forty, plan_id=plans["young"].pk),
        how="online",
    )
    assert membership.plan == plans["young"]


def test_the_same_application_sent_twice_makes_one_person(joined, testford, plans):
    again = services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(plan_id=plans["full"].pk),
        how="online",
    )
    assert again.pk == joined.pk
    assert User.objects.filter(full_name="Iris Bennett").count() == 1
    assert Message.objects.filter(template="welcome").count() == 1


def test_a_likely_duplicate_is_flagged_for_a_coordinator(joined, testford, plans):
    later = timezone.now() + timedelta(days=2)
    Membership.objects.filter(pk=joined.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    second = services.membership_join(
        actor=testford.coordinator,
        locality=testford.locality,
        answers=answers(
            plan_id=plans["full"].pk, postcode="SE17 2AA", phone="020 7946 0101"
        ),
        how="phone",
    )
    assert later  # the first application was days ago
    flag = PossibleDuplicate.objects.get(second=second.person)
    assert flag.first == joined.person and flag.reason == "name_birth"


def test_the_same_phone_number_is_flagged(joined, testford, plans):
    Membership.objects.filter(pk=joined.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    second = services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(full_name="Iris B", plan_id=plans["full"].pk),
        how="online",
    )
    assert PossibleDuplicate.objects.get(second=second.person).reason == "phone"


@pytest.mark.parametrize("given", ["email", "mobile"])
def test_joining_online_with_someone_elses_contact_never_touches_their_record(
    testford, plans, given
):
    """The same answer whatever is on file: a new person without the other
    person's contact, flagged for a coordinator, and the owner told."""
    helper = testford.helper
    helper.mobile = "+447700900321"
    helper.save()
    before = (helper.full_name, helper.email, helper.mobile, helper.postcode)
    typed = (
        {"email": helper.email.upper(), "contact_by": "email"}
        if given == "email"
        else {"mobile": "07700 900321", "contact_by": "sms"}
    )
    membership = services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(plan_id=plans["full"].pk, **typed),
        how="online",
    )
    helper.refresh_from_db()
    assert (helper.full_name, helper.email, helper.mobile, helper.postcode) == before
    assert not Membership.objects.filter(person=helper).exists()
    assert not RoleAssignment.objects.filter(user=helper, role=Role.MEMBER).exists()
    person = membership.person
    assert person != helper and person.full_name == "Iris Bennett"
    assert person.email is None and person.mobile is None
    flag = PossibleDuplicate.objects.get(second=membership.person)
    assert flag.first == helper
    assert flag.reason == ("email" if given == "email" else "phone")
    told = Message.objects.get(template="contact_details_given_by_someone")
    assert told.recipient == helper
    assert told.to == (helper.email if given == "email" else helper.mobile)
    assert not Message.objects.filter(template="welcome", recipient=helper).exists()


def test_someone_elsewhere_is_told_but_not_shown_to_this_circle(
    testford, elsewhere, plans
):
    stranger = elsewhere.member
    membership = services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(plan_id=plans["full"].pk, email=stranger.email),
        how="online",
    )
    assert membership.person != stranger
    assert not PossibleDuplicate.objects.filter(first=stranger).exists()
    assert not PossibleDuplicate.objects.filter(second=stranger).exists()
    told = Message.objects.get(template="contact_details_given_by_someone")
    assert told.recipient == stranger and told.locality == elsewhere.locality


def test_merging_a_duplicate_keeps_the_first_person_and_loses_nothing(
    joined, testford, plans
):
    Membership.objects.filter(pk=joined.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    second = services.membership_join(
        actor=testford.coordinator,
        locality=testford.locality,
        answers=answers(plan_id=plans["full"].pk, mobile="07700 900 777", phone=""),
        how="phone",
    )
    duplicate = PossibleDuplicate.objects.get(second=second.person)
    services.duplicate_decide(
        actor=testford.coordinator, duplicate=duplicate, merge=True
    )
    dropped = User.objects.get(pk=second.person_id)
    kept = User.objects.get(pk=joined.person_id)
    assert not dropped.is_active
    assert kept.mobile == "+447700900777"
    second.refresh_from_db()
    assert second.status == "left" and "Merged" in second.leaving_reason
    assert AuditEvent.objects.filter(action="duplicate_merged").exists()
    with pytest.raises(ApplicationError):
        services.duplicate_decide(
            actor=testford.coordinator, duplicate=duplicate, merge=False
        )


def test_keeping_both_records_the_decision(joined, testford, plans):
    Membership.objects.filter(pk=joined.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    second = services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(full_name="Iris B", plan_id=plans["full"].pk),
        how="online",
    )
    duplicate = PossibleDuplicate.objects.get(second=second.person)
    services.duplicate_decide(
        actor=testford.coordinator, duplicate=duplicate, merge=False
    )
    duplicate.refresh_from_db()
    assert duplicate.decision == "kept" and duplicate.decided_by == testford.coordinator
    assert User.objects.get(pk=second.person_id).is_active


# --- the membership year ------------------------------------------


def test_welcoming_records_the_fee_and_starts_the_year(joined, testford):
    with pytest.raises(ApplicationError) as raised:
        services.membership_activate(
            actor=testford.coordinator, membership=joined, method="cheque"
        )
    assert raised.value.field == "reference"
    membership = services.membership_activate(
        actor=testford.coordinator,
        membership=joined,
        method="cheque",
        reference="000123",
    )
    today = timezone.localdate()
    assert membership.status == "active" and membership.started_on == today
    assert (
        membership.renews_on == today.replace(year=today.year + 1) or today.month == 2
    )
    payment = FeePayment.objects.get()
    assert payment.amount_pence == 3000 and payment.reference == "000123"
    with pytest.raises(ApplicationError):
        services.membership_activate(
            actor=testford.coordinator, membership=joined, method="cash"
        )
    assert FeePayment.objects.count() == 1


def test_a_concession_pays_the_concession_fee(testford, plans):
    membership = services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(plan_id=plans["full"].pk, concession=True),
        how="online",
    )
    services.membership_activate(
        actor=testford.coordinator, membership=membership, method="cash"
    )
    assert FeePayment.objects.get().amount_pence == 1000


def test_renewal_reminders_are_queued_once_30_days_before(joined, testford):
    services.membership_activate(
        actor=testford.coordinator, membership=joined, method="waived"
    )
    renews = Membership.objects.get(pk=joined.pk).renews_on
    assert services.renewal_reminders_queue(on=renews - timedelta(days=31)) == 0
    assert services.renewal_reminders_queue(on=renews - timedelta(days=30)) == 1
    assert services.renewal_reminders_queue(on=renews - timedelta(days=30)) == 0
    assert services.renewal_reminders_queue(on=renews - timedelta(days=10)) == 0
    assert RenewalReminder.objects.count() == 1
    assert Message.objects.filter(template="membership_renewal").count() == 1


def test_an_unrenewed_membership_lapses_and_renewing_restarts_it(joined, testford):
    services.membership_activate(
        actor=testford.coordinator, membership=joined, method="waived"
    )
    # A year has passed.
    today = timezone.localdate()
    year_ago = today - timedelta(days=366)
    FeePayment.objects.update(covers_from=year_ago, covers_to=today - timedelta(days=2))
    Membership.objects.filter(pk=joined.pk).update(
        started_on=year_ago, renews_on=today - timedelta(days=1)
    )
    renews = today - timedelta(days=1)
    assert services.memberships_lapse(on=renews - timedelta(days=1)) == 0
    assert services.memberships_lapse(on=renews) == 1
    assert services.memberships_lapse(on=renews) == 0
    membership = Membership.objects.get(pk=joined.pk)
    assert membership.status == "lapsed"
    renewed = services.membership_renew(
        actor=testford.coordinator, membership=membership, method="cash"
    )
    assert renewed.status == "active" and renewed.renews_on > timezone.localdate()


def test_renewing_twice_for_the_same_year_is_refused(joined, testford):
    services.membership_activate(
        actor=testford.coordinator, membership=joined, method="waived"
    )
    membership = Membership.objects.get(pk=joined.pk)
    Membership.objects.filter(pk=joined.pk).update(
        renews_on=timezone.localdate() + timedelta(days=10)
    )
    membership.refresh_from_db()
    services.membership_renew(
        actor=testford.coordinator, membership=membership, method="cash"
    )
    with pytest.raises(ApplicationError):
        services.membership_renew(
            actor=testford.coordinator, membership=membership, method="cash"
        )


def test_leaving_records_what_happens_to_credits(joined, testford, plans):
    other = services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(
            full_name="Other Person", phone="020 7946 0200", plan_id=plans["full"].pk
        ),
        how="online",
    )
    with pytest.raises(ApplicationError) as raised:
        services.membership_leave(
            actor=testford.coordinator, membership=joined, credits_choice="member"
        )
    assert raised.value.field == "credits_to"
    with pytest.raises(ApplicationError):
        services.membership_leave(
            actor=testford.coordinator,
            membership=joined,
            credits_choice="member",
            credits_to=joined,
        )
    left = services.membership_leave(
        actor=testford.coordinator,
        membership=joined,
        credits_choice="member",
        credits_to=other,
        reason="Moving away",
    )
    assert left.status == "left" and left.leaving_credits_to == other and left.left_on
    assert not RoleAssignment.objects.filter(
        user=joined.person, role=Role.MEMBER
    ).exists()
    with pytest.raises(ApplicationError):
        services.membership_leave(
            actor=testford.coordinator, membership=left, credits_choice="refund"
        )


def test_a_member_may_leave_by_themselves(joined):
    services.membership_leave(
        actor=joined.person, membership=joined, credits_choice="circle"
    )


def test_others_cannot_make_a_member_leave(joined, testford):
    with pytest.raises(PermissionDenied):
        services.membership_leave(
            actor=testford.helper, membership=joined, credits_choice="circle"
        )


# --- profile, consents, notes ------------------------------------------


def test_consents_keep_their_history(joined, testford):
    services.consent_record(
        actor=joined.person,
        membership=joined,
        kind="photographs",
        given=True,
        how="online",
    )
    services.consent_record(
        actor=testford.coordinator,
        membership=joined,
        kind="sharing",
        given=True,
        how="phone",
        service="Age UK",
    )
    assert joined.consents.filter(kind="photographs").count() == 2
    from kith.members.selectors import current_consents

    current = current_consents(
        Membership.objects.prefetch_related("consents").get(pk=joined.pk)
    )
    assert current["photographs"].given is True
    assert current["sharing:age uk"].service == "Age UK"
    with pytest.raises(ApplicationError) as raised:
        services.consent_record(
            actor=joined.person,
            membership=joined,
            kind="sharing",
            given=True,
            how="online",
        )
    assert raised.value.field == "service"


def test_profile_changes_are_checked_and_audited(joined, testford):
    with pytest.raises(ApplicationError):
        services.profile_update(
            actor=joined.person, membership=joined, date_of_birth=date(2099, 1, 1)
        )
    with pytest.raises(ApplicationError) as raised:
        services.profile_update(
            actor=joined.person, membership=joined, contact_by="email"
        )
    assert raised.value.field == "contact_by"
    services.profile_update(
        actor=testford.coordinator,
        membership=joined,
        access_needs=["hearing", "nonsense"],
        emergency_name="Sam",
        emergency_phone="07700 900 555",
    )
    joined.refresh_from_db()
    assert (
        joined.access_needs == ["hearing"] and joined.emergency_phone == "07700900555"
    )
    event = AuditEvent.objects.get(action="member_profile_changed")
    assert event.on_behalf_of == joined.person


def test_notes_are_for_coordinators_only(joined, testford):
    services.note_add(
        actor=testford.coordinator, membership=joined, text="Prefers mornings."
    )
    for role in (Role.MEMBER, Role.HELPER, Role.COUNCIL_OFFICER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.note_add(actor=testford.by_role(role), membership=joined, text="x")
    with pytest.raises(PermissionDenied):
        services.note_add(actor=joined.person, membership=joined, text="x")


# --- supporters ------------------------------------------


def test_a_member_invites_a_supporter_who_accepts_and_later_is_ended(joined, testford):
    invitation = services.supporter_invite(
        actor=joined.person,
        membership=joined,
        name="Grace",
        relationship="daughter",
        email="grace@example.com",
        base_url="https://circle.example",
    )
    message = Message.objects.get(template="supporter_invitation")
    assert message.to == "grace@example.com"
    assert invitation.token in received_link(message)
    assert invitation.token not in str(message.personalisation)
    assert invitation.link.consent_how == "online"
    grace = User.objects.create(full_name="Grace", email="grace@example.com")
    link = services.supporter_accept(
        user=grace, link_id=invitation.link.pk, token=invitation.token
    )
    assert link.status == "active" and link.supporter == grace
    assert RoleAssignment.objects.filter(user=grace, role=Role.SUPPORTER).exists()
    with pytest.raises(ApplicationError):
        services.supporter_accept(
            user=grace, link_id=invitation.link.pk, token=invitation.token
        )
    services.supporter_end(actor=joined.person, link=link)
    assert SupporterLink.objects.get(pk=link.pk).status == "ended"
    assert not RoleAssignment.objects.filter(user=grace, role=Role.SUPPORTER).exists()


def test_an_invitation_needs_a_way_to_reach_them(joined):
    with pytest.raises(ApplicationError) as raised:
        services.supporter_invite(
            actor=joined.person,
            membership=joined,
            name="Grace",
            relationship="daughter",
        )
    assert raised.value.field == "email"


def test_a_wrong_or_old_token_does_not_work(joined):
    invitation = services.supporter_invite(
        actor=joined.person,
        membership=joined,
        name="Grace",
        relationship="daughter",
        mobile="07700 900 444",
    )
    grace = User.objects.create(full_name="Grace")
    with pytest.raises(ApplicationError, match="not right"):
        services.supporter_accept(user=grace, link_id=invitation.link.pk, token="wrong")
    SupporterLink.objects.filter(pk=invitation.link.pk).update(
        created_at=timezone.now() - timedelta(days=15)
    )
    with pytest.raises(ApplicationError, match="14 days"):
        services.supporter_accept(
            user=grace, link_id=invitation.link.pk, token=invitation.token
        )


def test_a_coordinator_invites_for_a_member_and_records_acceptance_by_phone(
    joined, testford
):
    invitation = services.supporter_invite(
        actor=testford.coordinator,
        membership=joined,
        name="Grace",
        relationship="daughter",
        email="g@example.com",
    )
    assert invitation.link.consent_how == "phone"
    grace = User.objects.create(full_name="Grace")
    services.supporter_accept_by_phone(
        actor=testford.coordinator, link=invitation.link, person=grace
    )
    assert SupporterLink.objects.get(pk=invitation.link.pk).status == "active"


@pytest.mark.parametrize("role", [Role.HELPER, Role.COUNCIL_OFFICER, Role.SUPPORTER])
def test_strangers_cannot_invite_or_end_supporters(joined, testford, role):
    with pytest.raises(PermissionDenied):
        services.supporter_invite(
            actor=testford.by_role(role),
            membership=joined,
            name="X",
            relationship="friend",
            email="x@example.com",
        )
    invitation = services.supporter_invite(
        actor=joined.person,
        membership=joined,
        name="Grace",
        relationship="daughter",
        email="g@example.com",
    )
    with pytest.raises(PermissionDenied):
        services.supporter_end(actor=testford.by_role(role), link=invitation.link)


def test_consent_kinds_are_known():
    assert set(Consent.Kind.values) == {"introductions", "photographs", "sharing"}


def test_the_daily_job_is_safe_to_run_twice(joined, testford):
    from django.core.management import call_command

    services.membership_activate(
        actor=testford.coordinator, membership=joined, method="waived"
    )
    Membership.objects.filter(pk=joined.pk).update(
        renews_on=timezone.localdate() + timedelta(days=5)
    )
    call_command("memberships_daily")
    call_command("memberships_daily")
    assert Message.objects.filter(template="membership_renewal").count() == 1


def test_welcoming_issues_the_joining_credits_once(joined, testford):
    from kith.credits.services import balance_minutes

    services.membership_activate(
        actor=testford.coordinator, membership=joined, method="cash"
    )
    assert balance_minutes(person=joined.person, locality=testford.locality) == 2 * 60
