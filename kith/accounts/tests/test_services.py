from datetime import timedelta

import pyotp
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kith.accounts import services
from kith.accounts.models import (
    Authenticator,
    RecoveryCode,
    Role,
    RoleAssignment,
    SignInCode,
    User,
)
from kith.accounts.permissions import forget_roles
from kith.core.context import RequestContext, request_context
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.notify.models import Message
from tests.inbox import received_code

# --- adding and changing people ---------------------------------------------


def test_a_coordinator_adds_a_person_with_no_contact_details(testford):
    person = services.person_create(
        actor=testford.coordinator,
        locality=testford.locality,
        full_name="Doreen Hughes",
    )
    assert person.email is None and person.mobile is None
    assert not person.has_usable_password()
    assert RoleAssignment.objects.filter(user=person, role=Role.MEMBER).exists()
    event = AuditEvent.objects.get(action="person_created")
    assert event.actor == testford.coordinator
    assert event.target_id == str(person.pk)
    assert event.locality == testford.locality


def test_contact_details_are_normalised(testford):
    person = services.person_create(
        actor=testford.coordinator,
        locality=testford.locality,
        full_name="  Doreen Hughes ",
        email="Doreen@Example.COM",
        mobile="07700 900 123",
        phone="020 7946 0001",
        postcode="se17 2aa",
    )
    assert person.full_name == "Doreen Hughes"
    assert person.email == "doreen@example.com"
    assert person.mobile == "+447700900123"
    assert person.phone == "02079460001"
    assert person.postcode == "SE17 2AA"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"postcode": "SE17"}, "postcode", "Enter a real postcode"),
        ({"mobile": "0123"}, "mobile", "Enter a UK mobile number"),
        ({"phone": "phone me"}, "phone", "Enter a UK phone number"),
        ({"full_name": "   "}, "full_name", "Enter the person’s full name"),
        ({"email": "not-an-email"}, "email", "valid email"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    testford, fields, field, message
):
    before = User.objects.count()
    arguments = {"full_name": "Doreen Hughes", **fields}
    with pytest.raises(ApplicationError) as raised:
        services.person_create(
            actor=testford.coordinator, locality=testford.locality, **arguments
        )
    assert raised.value.field == field
    assert message in raised.value.message
    assert User.objects.count() == before
    assert not AuditEvent.objects.filter(action="person_created").exists()


def test_an_email_in_use_in_any_case_is_refused(testford):
    with pytest.raises(ApplicationError) as raised:
        services.person_create(
            actor=testford.coordinator,
            locality=testford.locality,
            full_name="Someone Else",
            email=testford.member.email.upper(),
        )
    assert raised.value.field == "email"


@pytest.mark.parametrize(
    "role",
    [
        Role.MEMBER,
        Role.SUPPORTER,
        Role.HELPER,
        Role.COUNCIL_OFFICER,
        Role.ORGANISATION_EDITOR,
    ],
)
def test_only_coordinators_and_admins_add_people(testford, role):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=testford.by_role(role), locality=testford.locality, full_name="X Y"
        )


def test_a_coordinator_cannot_add_staff_but_an_admin_can(testford):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=testford.coordinator,
            locality=testford.locality,
            full_name="New Coordinator",
            role=Role.COORDINATOR,
        )
    person = services.person_create(
        actor=testford.admin,
        locality=testford.locality,
        full_name="New Coordinator",
        role=Role.COORDINATOR,
    )
    assert RoleAssignment.objects.filter(user=person, role=Role.COORDINATOR).exists()


def test_staff_cannot_add_people_to_another_locality(testford, elsewhere):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=testford.coordinator, locality=elsewhere.locality, full_name="X Y"
        )


def test_a_person_changes_their_own_details(testford):
    member = services.person_contact_update(
        actor=testford.member,
        person=testford.member,
        locality=testford.locality,
        town="Testford",
    )
    assert member.town == "Testford"
    event = AuditEvent.objects.get(action="contact_details_changed")
    assert event.data == {"fields": ["town"]}
    assert event.on_behalf_of is None


def test_a_coordinator_changes_a_members_details_and_the_audit_says_for_whom(testford):
    services.person_contact_update(
        actor=testford.coordinator,
        person=testford.member,
        locality=testford.locality,
        phone="020 7946 0002",
    )
    event = AuditEvent.objects.get(action="contact_details_changed")
    assert event.actor == testford.coordinator
    assert event.on_behalf_of == testford.member


def test_changing_nothing_writes_nothing(testford):
    services.person_contact_update(
        actor=testford.member,
        person=testford.member,
        locality=testford.locality,
        full_name=testford.member.full_name,
    )
    assert not AuditEvent.objects.filter(action="contact_details_changed").exists()


@pytest.mark.parametrize("role", [Role.HELPER, Role.SUPPORTER, Role.COUNCIL_OFFICER])
def test_others_cannot_change_someones_details(testford, role):
    with pytest.raises(PermissionDenied):
        services.person_contact_update(
            actor=testford.by_role(role),
            person=testford.member,
            locality=testford.locality,
            town="X",
        )


def test_a_coordinator_cannot_change_details_of_someone_in_another_locality(
    testford, elsewhere
):
    with pytest.raises(PermissionDenied):
        services.person_contact_update(
            actor=testford.coordinator,
            person=elsewhere.member,
            locality=testford.locality,
            town="X",
        )


# --- roles -------------------------------------------------------------------


def test_an_admin_grants_and_revokes_roles(testford):
    services.role_grant(
        actor=testford.admin,
        user=testford.member,
        locality=testford.locality,
        role=Role.HELPER,
    )
    services.role_grant(
        actor=testford.admin,
        user=testford.member,
        locality=testford.locality,
        role=Role.HELPER,
    )
    assert (
        RoleAssignment.objects.filter(user=testford.member, role=Role.HELPER).count()
        == 1
    )
    assert AuditEvent.objects.filter(action="role_granted").count() == 1
    services.role_revoke(
        actor=testford.admin,
        user=testford.member,
        locality=testford.locality,
        role=Role.HELPER,
    )
    assert not RoleAssignment.objects.filter(
        user=testford.member, role=Role.HELPER
    ).exists()
    assert AuditEvent.objects.filter(action="role_revoked").count() == 1


def test_the_last_admin_cannot_be_removed(testford):
    with pytest.raises(ApplicationError, match="only administrator"):
        services.role_revoke(
            actor=testford.admin,
            user=testford.admin,
            locality=testford.locality,
            role=Role.ADMIN,
        )
    assert RoleAssignment.objects.filter(user=testford.admin, role=Role.ADMIN).exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.COUNCIL_OFFICER, Role.MEMBER])
def test_only_admins_manage_roles(testford, role):
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=testford.by_role(role),
            user=testford.member,
            locality=testford.locality,
            role=Role.ADMIN,
        )


# --- acting on behalf --------------------------------------------------------


def test_a_coordinator_acts_for_a_member_and_every_write_says_so(testford):
    services.acting_start(
        actor=testford.coordinator, person=testford.member, locality=testford.locality
    )
    with request_context(
        RequestContext(ip_address="203.0.113.9", acting_for_id=testford.member.pk)
    ):
        other = services.person_create(
            actor=testford.coordinator,
            locality=testford.locality,
            full_name="Her Neighbour",
        )
    event = AuditEvent.objects.get(action="person_created")
    assert event.actor == testford.coordinator
    assert event.on_behalf_of == testford.member
    assert event.ip_address == "203.0.113.9"
    assert other.created_by == testford.coordinator
    assert AuditEvent.objects.filter(
        action="acting_started", on_behalf_of=testford.member
    ).exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN, Role.COUNCIL_OFFICER])
def test_nobody_acts_for_staff(testford, role):
    with pytest.raises(PermissionDenied):
        services.acting_start(
            actor=testford.coordinator,
            person=testford.by_role(role),
            locality=testford.locality,
        )


@pytest.mark.parametrize(
    "role", [Role.MEMBER, Role.HELPER, Role.SUPPORTER, Role.COUNCIL_OFFICER, Role.ADMIN]
)
def test_only_coordinators_act_for_people(testford, role):
    with pytest.raises(PermissionDenied):
        services.acting_start(
            actor=testford.by_role(role),
            person=testford.helper,
            locality=testford.locality,
        )


def test_a_coordinator_cannot_act_for_someone_in_another_locality(testford, elsewhere):
    with pytest.raises(PermissionDenied):
        services.acting_start(
            actor=testford.coordinator,
            person=elsewhere.member,
            locality=elsewhere.locality,
        )


def test_losing_the_role_ends_the_right_to_act(testford):
    from kith.accounts.selectors import acting_for_resolve

    assert (
        acting_for_resolve(actor=testford.coordinator, person_id=testford.member.pk)
        == testford.member
    )
    RoleAssignment.objects.filter(user=testford.coordinator).delete()
    forget_roles(testford.coordinator)
    assert (
        acting_for_resolve(actor=testford.coordinator, person_id=testford.member.pk)
        is None
    )


# --- slowing down guessing ---------------------------------------------------


def _fail(identifier, ip="198.51.100.1", times=1, ago=None):
    for _n in range(times):
        services.signin_attempt_record(
            identifier=identifier, ip_address=ip, succeeded=False
        )
    if ago is not None:
        from kith.accounts.models import SignInAttempt

        SignInAttempt.objects.update(created_at=timezone.now() - ago)


def test_a_few_failures_are_not_slowed(db):
    _fail("a@example.com", times=2)
    services.signin_throttle_check(
        identifier="a@example.com", ip_address="198.51.100.1"
    )


def test_repeated_failures_for_an_account_are_slowed_then_refused(db):
    _fail("a@example.com", times=3)
    with pytest.raises(ApplicationError, match="wait") as raised:
        services.signin_throttle_check(
            identifier="A@example.com", ip_address="198.51.100.2"
        )
    assert raised.value.code == "throttled"
    _fail("a@example.com", times=7, ago=timedelta(minutes=1))
    with pytest.raises(ApplicationError, match="too many tries"):
        services.signin_throttle_check(
            identifier="a@example.com", ip_address="198.51.100.3"
        )


def test_the_wait_is_over_after_the_window(db):
    _fail("a@example.com", times=12, ago=timedelta(minutes=16))
    services.signin_throttle_check(
        identifier="a@example.com", ip_address="198.51.100.1"
    )


def test_a_success_clears_earlier_failures(db):
    _fail("a@example.com", times=5, ago=timedelta(minutes=2))
    services.signin_attempt_record(
        identifier="a@example.com", ip_address="198.51.100.1", succeeded=True
    )
    services.signin_throttle_check(
        identifier="a@example.com", ip_address="198.51.100.1"
    )


def test_many_failures_from_one_address_are_refused_whatever_the_account(db):
    for n in range(100):
        services.signin_attempt_record(
            identifier=f"p{n}@example.com", ip_address="198.51.100.7", succeeded=False
        )
    with pytest.raises(ApplicationError, match="too many tries"):
        services.signin_throttle_check(
            identifier="new@example.com", ip_address="198.51.100.7"
        )
    services.signin_throttle_check(
        identifier="new@example.com", ip_address="198.51.100.8"
    )


def test_attempts_do_not_keep_the_typed_identifier(db):
    from kith.accounts.models import SignInAttempt

    _fail("secret.person@example.com")
    assert "secret" not in SignInAttempt.objects.get().identifier


# --- sign-in codes ------------------------------------------------------------


def _code_from_outbox(message: Message) -> str:
    return received_code(message)


def test_a_code_is_sent_by_email_and_signs_in_once(testford):
    sign_in_code = services.signin_code_send(identifier=testford.member.email)
    message = Message.objects.get(template="sign_in_code")
    assert message.to == testford.member.email and message.channel == "email"
    code = _code_from_outbox(message)
    assert len(code) == 6 and code.isdigit()
    assert code not in sign_in_code.code_hash
    user = services.signin_code_verify(
        code_id=sign_in_code.pk, code=code, locality=testford.locality
    )
    assert user == testford.member
    with pytest.raises(ApplicationError) as raised:
        services.signin_code_verify(
            code_id=sign_in_code.pk, code=code, locality=testford.locality
        )
    assert raised.value.code == "used"


def test_a_code_is_sent_by_text_to_a_mobile(testford):
    testford.member.mobile = "+447700900555"
    testford.member.save()
    services.signin_code_send(identifier="07700 900555")
    message = Message.objects.get(template="sign_in_code")
    assert message.channel == "sms" and message.to == "+447700900555"


def test_no_code_for_an_unknown_address(testford):
    assert services.signin_code_send(identifier="nobody@example.com") is None
    assert not Message.objects.exists()


def test_five_wrong_tries_kill_the_code_and_say_what_to_do(testford):
    sign_in_code = services.signin_code_send(identifier=testford.member.email)
    right = _code_from_outbox(Message.objects.get())
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ApplicationError) as raised:
            services.signin_code_verify(
                code_id=sign_in_code.pk, code=wrong, locality=testford.locality
            )
        assert (
            raised.value.code == "wrong"
            and f"{left} tries left" in raised.value.message
        )
    with pytest.raises(ApplicationError) as raised:
        services.signin_code_verify(
            code_id=sign_in_code.pk, code=wrong, locality=testford.locality
        )
    assert raised.value.code == "dead"
    assert "020 7946 0999" in raised.value.message
    with pytest.raises(ApplicationError) as raised:
        services.signin_code_verify(
            code_id=sign_in_code.pk, code=right, locality=testford.locality
        )
    assert raised.value.code == "dead"


def test_a_code_expires_after_ten_minutes(testford):
    sign_in_code = services.signin_code_send(identifier=testford.member.email)
    code = _code_from_outbox(Message.objects.get())
    SignInCode.objects.filter(pk=sign_in_code.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ApplicationError) as raised:
        services.signin_code_verify(
            code_id=sign_in_code.pk, code=code, locality=testford.locality
        )
    assert raised.value.code == "expired"


def test_a_new_code_stops_the_old_one(testford):
    first = services.signin_code_send(identifier=testford.member.email)
    first_code = _code_from_outbox(Message.objects.get())
    services.signin_code_send(identifier=testford.member.email)
    with pytest.raises(ApplicationError) as raised:
        services.signin_code_verify(
            code_id=first.pk, code=first_code, locality=testford.locality
        )
    assert raised.value.code == "dead"


def test_codes_per_hour_are_limited(testford):
    for _n in range(services.SIGN_IN_CODES_PER_HOUR):
        assert services.signin_code_send(identifier=testford.member.email)
    assert services.signin_code_send(identifier=testford.member.email) is None


# --- authenticator app --------------------------------------------------------


def test_setting_up_an_authenticator_gives_recovery_codes(testford):
    person = testford.member
    authenticator = services.authenticator_begin(user=person)
    with pytest.raises(ApplicationError):
        services.authenticator_confirm(
            user=person,
            code="123456"
            if pyotp.TOTP(authenticator.secret).now() != "123456"
            else "654321",
        )
    codes = services.authenticator_confirm(
        user=person, code=pyotp.TOTP(authenticator.secret).now()
    )
    assert len(codes) == services.RECOVERY_CODE_COUNT == len(set(codes))
    assert (
        RecoveryCode.objects.filter(user=person).count() == services.RECOVERY_CODE_COUNT
    )
    assert all(
        code not in rc.code_hash for rc in RecoveryCode.objects.all() for code in codes
    )
    with pytest.raises(ApplicationError, match="already set up"):
        services.authenticator_begin(user=person)


def test_a_code_from_the_app_works_once(testford):
    totp = testford.totp(testford.coordinator)
    code = totp.now()
    assert (
        services.second_factor_verify(user=testford.coordinator, code=code)
        == "authenticator"
    )
    with pytest.raises(ApplicationError):
        services.second_factor_verify(user=testford.coordinator, code=code)


def test_a_recovery_code_works_once(testford):
    Authenticator.objects.filter(user=testford.coordinator).delete()
    authenticator = services.authenticator_begin(user=testford.coordinator)
    codes = services.authenticator_confirm(
        user=testford.coordinator, code=pyotp.TOTP(authenticator.secret).now()
    )
    assert (
        services.second_factor_verify(user=testford.coordinator, code=codes[0].upper())
        == "recovery_code"
    )
    with pytest.raises(ApplicationError):
        services.second_factor_verify(user=testford.coordinator, code=codes[0])
    assert AuditEvent.objects.filter(action="recovery_code_used").count() == 1


def test_an_admin_resets_a_lost_authenticator(testford):
    services.authenticator_reset(
        actor=testford.admin, user=testford.coordinator, locality=testford.locality
    )
    assert not Authenticator.objects.filter(user=testford.coordinator).exists()
    with pytest.raises(PermissionDenied):
        services.authenticator_reset(
            actor=testford.coordinator,
            user=testford.council_officer,
            locality=testford.locality,
        )


def test_the_demo_code_is_never_shown_outside_a_development_demo(testford, settings):
    settings.DEBUG = False
    settings.KITH_DEVELOPMENT = False
    settings.KITH_DEMO = True
    assert services.demo_authenticator_code(user=testford.coordinator) is None
    settings.DEBUG = True
    assert services.demo_authenticator_code(user=testford.coordinator) is None


def test_the_demo_code_is_shown_on_the_demo_server_without_django_debug(
    testford, settings
):
    # The demo server runs with Django's DEBUG off, to show Kith's own 404
    # and 500 pages; it is still a development demo.
    settings.DEBUG = False
    settings.KITH_DEVELOPMENT = True
    settings.KITH_DEMO = True
    testford.coordinator.email = "coordinator@riverside.example"
    testford.coordinator.save()
    code = services.demo_authenticator_code(user=testford.coordinator)
    assert code is not None and len(code) == 6
