"""Services: applying, vetting, status, profiles, the daily jobs, duplicates."""

import os
import time as clock
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment, User
from kith.core.context import RequestContext, request_context
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.helpers import services
from kith.helpers.models import (
    AvailabilitySlot,
    CheckOutcome,
    DbsCertificate,
    DbsStatusCheck,
    HelperProfile,
    HelperStatus,
    PayBasis,
    Referee,
    StatusResult,
    VettingCheck,
    VettingReminder,
    dbs_scan_storage,
)
from kith.helpers.services import DbsDetails, RefereeDetails
from kith.helpers.tests.factories import (
    active_helper,
    apply,
    days_ago,
    details,
    record,
    skills_for,
    vet,
)
from kith.helpers.vetting import CheckKind, DbsType, VettingLevel
from kith.notify.models import Message

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def counts():
    return (
        User.objects.count(),
        HelperProfile.objects.count(),
        VettingCheck.objects.count(),
        AuditEvent.objects.count(),
        Message.objects.count(),
    )


# --- applying -------------------------------------------------------------------------


def test_a_visitor_applies_online_and_becomes_a_person_with_the_helper_role(
    testford, skills
):
    profile = services.helper_apply(
        actor=None,
        locality=testford.locality,
        details=details(
            testford.locality,
            full_name="Nia Price",
            email="Nia.Price@Example.com",
            mobile="07700 900 555",
            skills={skills[0].pk: "good", skills[1].pk: "some"},
        ),
        key="key-1",
    )
    person = profile.user
    assert person.full_name == "Nia Price"
    assert person.email == "nia.price@example.com" and person.mobile == "+447700900555"
    assert person.postcode == "SE17 2AA" and not person.has_usable_password()
    assert RoleAssignment.objects.filter(
        user=person, locality=testford.locality, role=Role.HELPER
    ).exists()
    assert profile.status == HelperStatus.APPLIED
    assert profile.application_channel == "online"
    assert profile.vetting_level == VettingLevel.NONE
    assert {(s.skill.name, s.level) for s in profile.skills.all()} == {
        ("Gardening", "good"),
        ("Odd jobs", "some"),
    }
    assert profile.availability.count() == 2 and profile.referees.count() == 2
    created = AuditEvent.objects.get(action="person_created", target_id=str(person.pk))
    assert created.actor == person and created.data["self_registered"]
    applied = AuditEvent.objects.get(action="helper_applied")
    assert applied.target_id == str(profile.pk) and applied.data["mode"] == "visitor"
    message = Message.objects.get(template="helper_application_received")
    assert message.recipient == person
    assert message.personalisation["locality_name"] == "Testford Circle"
    assert message.personalisation["name"] == "Nia Price"


def test_sending_the_same_application_twice_creates_one_person(testford, skills):
    kwargs = {
        "actor": None,
        "locality": testford.locality,
        "details": details(testford.locality, email="twice@example.com"),
        "key": "same-key",
    }
    first = services.helper_apply(**kwargs)
    before = counts()
    assert services.helper_apply(**kwargs) == first
    assert counts() == before
    # Without the key (a second browser tab), the email finds the same person.
    kwargs["key"] = "another-key"
    again = services.helper_apply(**kwargs)
    assert again == first
    assert User.objects.filter(email="twice@example.com").count() == 1
    assert Message.objects.filter(template="helper_application_received").count() == 1
    assert AuditEvent.objects.filter(action="helper_application_repeated").exists()


@pytest.mark.parametrize("given", ["email", "mobile"])
def test_a_visitor_using_someone_elses_contact_gets_a_new_record_not_theirs(
    testford, skills, given
):
    member = testford.member
    member.mobile = "+447700900123"
    member.save()
    before = (
        member.full_name,
        member.email,
        member.mobile,
        member.postcode,
        set(RoleAssignment.objects.filter(user=member).values_list("role", flat=True)),
    )
    typed = (
        {"email": member.email.upper(), "mobile": ""}
        if given == "email"
        else {"email": "", "mobile": "07700 900123"}
    )
    profile = services.helper_apply(
        actor=None,
        locality=testford.locality,
        details=details(testford.locality, full_name="Someone Else", **typed),
    )
    member.refresh_from_db()
    # The member's record is untouched: no helper role, no application.
    assert (
        member.full_name,
        member.email,
        member.mobile,
        member.postcode,
        set(RoleAssignment.objects.filter(user=member).values_list("role", flat=True)),
    ) == before
    assert not HelperProfile.objects.filter(user=member).exists()
    # The application is on a new person, without the other person's contact.
    applicant = profile.user
    assert applicant != member and applicant.full_name == "Someone Else"
    assert applicant.email is None and applicant.mobile is None
    assert profile.application_data["contact_in_use"] == [given]
    assert profile.application_data["full_name"] == "Someone Else"
    # The owner is told at their own address or number, nobody else is.
    told = Message.objects.get(template="contact_details_given_by_someone")
    assert told.recipient == member
    assert told.to == (member.email if given == "email" else member.mobile)
    assert told.channel == ("email" if given == "email" else "sms")
    assert not Message.objects.filter(
        template="helper_application_received", recipient=member
    ).exists()
    # A coordinator sees the likely duplicate on the new record.
    from kith.helpers.selectors import possible_duplicates_for

    found = possible_duplicates_for(actor=testford.coordinator, profile=profile)
    assert [(d.person, d.reasons) for d in found] == [(member, [f"{given}_given"])]


def test_a_visitor_sending_the_same_application_twice_with_a_taken_email(
    testford, skills
):
    kwargs = {
        "actor": None,
        "locality": testford.locality,
        "details": details(
            testford.locality, full_name="Someone Else", email=testford.member.email
        ),
    }
    first = services.helper_apply(**kwargs, key="tab-1")
    before = counts()
    assert services.helper_apply(**kwargs, key="tab-2") == first
    assert counts()[:3] == before[:3]


def test_a_signed_in_member_applies_for_themselves(testford, skills):
    member = testford.member
    profile = services.helper_apply(
        actor=member, locality=testford.locality, details=details(testford.locality)
    )
    member.refresh_from_db()
    assert profile.user == member
    assert member.postcode == "SE17 2AA" and member.address_line_1 == "1 Test Street"
    assert profile.application_channel == "online"
    assert set(
        RoleAssignment.objects.filter(user=member).values_list("role", flat=True)
    ) == {Role.MEMBER, Role.HELPER}
    assert AuditEvent.objects.filter(
        action="contact_details_changed", target_id=str(member.pk)
    ).exists()


def test_a_coordinator_applies_for_someone_they_are_acting_for(testford, skills):
    member = testford.member
    with request_context(RequestContext(acting_for_id=member.pk)):
        profile = services.helper_apply(
            actor=testford.coordinator,
            locality=testford.locality,
            person=member,
            details=details(testford.locality),
        )
    assert profile.user == member and profile.application_channel == "phone"
    event = AuditEvent.objects.get(action="helper_applied")
    assert event.actor == testford.coordinator and event.on_behalf_of == member


def test_a_coordinator_enters_a_new_person_with_only_a_landline(testford, skills):
    profile = apply(testford, email="", phone="020 7946 0555", full_name="Iris Wood")
    assert profile.user.phone == "02079460555" and profile.user.email is None
    assert profile.user.created_by == testford.coordinator
    with pytest.raises(ApplicationError) as error:
        apply(testford, email="", phone="")
    assert error.value.field == "email"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": date(2999, 1, 1)}, "date_of_birth"),
        ({"date_of_birth": date(2020, 1, 1)}, "date_of_birth"),
        ({"postcode": "EW1 1AA"}, "postcode"),
        ({"postcode": "not a postcode"}, "postcode"),
        ({"postcode": "ZZ9 9ZZ"}, "postcode"),
        ({"mobile": "12345"}, "mobile"),
        ({"full_name": "  "}, "full_name"),
        ({"address_line_1": ""}, "address_line_1"),
        ({"skills": {}}, "skills"),
        ({"availability": []}, "availability"),
        ({"travel_modes": []}, "travel_modes"),
        ({"travel_distance_m": 42}, "travel_distance_m"),
        ({"max_visits_per_week": 0}, "max_visits_per_week"),
        ({"pay_basis": PayBasis.PAID, "right_to_work": False}, "right_to_work"),
        (
            {
                "referees": [
                    RefereeDetails(full_name="Ann Lee", phone="12"),
                    RefereeDetails(full_name="Bob Lee", phone="02079460002"),
                ]
            },
            "referees",
        ),
        (
            {
                "referees": [
                    RefereeDetails(full_name="Ann Lee", phone="02079460002"),
                    RefereeDetails(full_name="ann lee", email="ann@example.com"),
                ]
            },
            "referees",
        ),
        (
            {
                "email": "me@example.com",
                "referees": [
                    RefereeDetails(full_name="Me Again", email="ME@example.com"),
                    RefereeDetails(full_name="Bob Lee", phone="02079460002"),
                ],
            },
            "referees",
        ),
        (
            {
                "referees": [
                    RefereeDetails(full_name="No Contact"),
                    RefereeDetails(full_name="Bob Lee", phone="02079460002"),
                ]
            },
            "referees",
        ),
    ],
)
def test_bad_applications_say_which_field_and_change_nothing(
    testford, elsewhere, skills, overrides, field
):
    before = counts()
    with pytest.raises(ApplicationError) as error:
        services.helper_apply(
            actor=None,
            locality=testford.locality,
            details=details(testford.locality, **overrides),
        )
    assert error.value.field == field
    assert counts() == before


def test_a_visitor_must_give_an_email_or_a_mobile(testford, skills):
    with pytest.raises(ApplicationError) as error:
        services.helper_apply(
            actor=None,
            locality=testford.locality,
            details=details(testford.locality, email="", phone="02079460000"),
        )
    assert error.value.field == "email"


def test_a_skill_from_another_locality_is_refused(testford, elsewhere, skills):
    theirs = skills_for(elsewhere.locality)[0]
    with pytest.raises(ApplicationError) as error:
        apply(testford, skills={theirs.pk: "good"})
    assert error.value.field == "skills"


def test_nobody_applies_for_someone_else_without_the_right(testford, skills):
    with pytest.raises(PermissionDenied):
        services.helper_apply(
            actor=testford.member,
            locality=testford.locality,
            person=testford.supporter,
            details=details(testford.locality),
        )
    with pytest.raises(PermissionDenied):
        services.helper_apply(
            actor=None,
            locality=testford.locality,
            person=testford.member,
            details=details(testford.locality),
        )
    # A coordinator cannot apply for another member of staff.
    with pytest.raises(PermissionDenied):
        services.helper_apply(
            actor=testford.coordinator,
            locality=testford.locality,
            person=testford.admin,
            details=details(testford.locality),
        )


def test_someone_who_left_can_apply_again(testford, skills):
    profile = apply(testford)
    services.helper_leave(actor=testford.coordinator, profile=profile, reason="Moved")
    again = services.helper_apply(
        actor=profile.user,
        locality=testford.locality,
        details=details(testford.locality),
    )
    assert again.pk == profile.pk and again.status == HelperStatus.APPLIED
    assert AuditEvent.objects.filter(action="helper_reapplied").exists()


# --- vetting checks -------------------------------------------------------------------


def test_each_check_is_recorded_with_who_when_and_the_level_follows(testford, skills):
    profile = apply(testford)
    identity = record(testford, profile, CheckKind.IDENTITY, evidence_reference="X1")
    profile.refresh_from_db()
    assert profile.status == HelperStatus.VETTING
    assert identity.recorded_by == testford.coordinator
    assert identity.documents_seen == ["passport"] and identity.expires_on is None
    record(testford, profile, CheckKind.REFERENCE)
    record(testford, profile, CheckKind.REFERENCE)
    record(testford, profile, CheckKind.INTERVIEW)
    induction = record(testford, profile, CheckKind.INDUCTION, on=days_ago(10))
    assert induction.expires_on == days_ago(10).replace(
        year=days_ago(10).year + 1
    ) - timedelta(days=1)
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.BASIC
    assert profile.vetting_level_until == induction.expires_on
    record(testford, profile, CheckKind.SAFEGUARDING)
    record(testford, profile, CheckKind.DBS, dbs_type=DbsType.ENHANCED)
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.ENHANCED
    record(testford, profile, CheckKind.DBS, dbs_type=DbsType.ENHANCED_BARRED)
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.ENHANCED_BARRED
    assert profile.level_on() == VettingLevel.ENHANCED_BARRED
    events = AuditEvent.objects.filter(action="vetting_check_recorded")
    assert events.count() == 8
    last = events.order_by("-id").first()
    assert last.data["level_from"] == "enhanced" and last.data["level_to"] == (
        "enhanced_barred"
    )
    # The certificate number never goes into the audit trail.
    number = DbsCertificate.objects.order_by("-pk").first().certificate_number
    assert all(number not in str(event.data) for event in AuditEvent.objects.all())


def test_the_same_check_form_sent_twice_records_one_check(testford, skills):
    profile = apply(testford)
    kwargs = {
        "actor": testford.coordinator,
        "profile": profile,
        "kind": CheckKind.INTERVIEW,
        "outcome": CheckOutcome.PASSED,
        "checked_on": today(),
        "key": "check-key",
    }
    first = services.vetting_check_record(**kwargs)
    assert services.vetting_check_record(**kwargs) == first
    assert VettingCheck.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        (CheckKind.INTERVIEW, {"checked_on": date(2999, 1, 1)}, "checked_on"),
        (CheckKind.IDENTITY, {"documents_seen": []}, "documents_seen"),
        (CheckKind.IDENTITY, {"documents_seen": ["library_card"]}, "documents_seen"),
        (CheckKind.REFERENCE, {"referee": None}, "referee"),
        (CheckKind.INTERVIEW, {"outcome": "maybe"}, "outcome"),
        (
            CheckKind.DBS,
            {"dbs": DbsDetails("12345678901", date(2025, 1, 1), DbsType.ENHANCED)},
            "certificate_number",
        ),
        (
            CheckKind.DBS,
            {"dbs": DbsDetails("12345678901X", date(2025, 1, 1), DbsType.ENHANCED)},
            "certificate_number",
        ),
        (
            CheckKind.DBS,
            {"dbs": DbsDetails("123456789012", date(2999, 1, 1), DbsType.ENHANCED)},
            "issued_on",
        ),
        (
            CheckKind.DBS,
            {"dbs": DbsDetails("123456789012", date(2025, 1, 1), "basic")},
            "dbs_type",
        ),
    ],
)
def test_bad_checks_say_which_field_and_change_nothing(
    testford, skills, kind, extra, field
):
    profile = apply(testford)
    before = counts()
    arguments = {
        "actor": testford.coordinator,
        "profile": profile,
        "kind": kind,
        "outcome": CheckOutcome.PASSED,
        "checked_on": today(),
    }
    arguments.update(extra)
    with pytest.raises(ApplicationError) as error:
        services.vetting_check_record(**arguments)
    assert error.value.field == field
    assert counts() == before


def test_a_reference_must_name_this_helpers_referee(testford, skills):
    profile, other = apply(testford), apply(testford)
    with pytest.raises(ApplicationError):
        record(testford, profile, CheckKind.REFERENCE, referee=other.referees.first())


def test_dbs_numbers_may_be_typed_with_spaces(testford, skills):
    profile = apply(testford)
    check = record(
        testford,
        profile,
        CheckKind.DBS,
        dbs=DbsDetails("0012 3456 7890", days_ago(30), DbsType.ENHANCED_BARRED),
    )
    assert check.dbs.certificate_number == "001234567890"
    assert check.expires_on == days_ago(30).replace(
        year=days_ago(30).year + 3
    ) - timedelta(days=1)


@pytest.mark.parametrize(
    "role", [Role.MEMBER, Role.SUPPORTER, Role.HELPER, Role.COUNCIL_OFFICER, Role.ADMIN]
)
def test_only_coordinators_record_checks(testford, skills, role):
    profile = apply(testford)
    with pytest.raises(PermissionDenied):
        services.vetting_check_record(
            actor=testford.by_role(role),
            profile=profile,
            kind=CheckKind.INTERVIEW,
            outcome=CheckOutcome.PASSED,
            checked_on=today(),
        )


def test_a_coordinator_of_another_locality_records_nothing(testford, elsewhere, skills):
    profile = apply(testford)
    with pytest.raises(PermissionDenied):
        services.vetting_check_record(
            actor=elsewhere.coordinator,
            profile=profile,
            kind=CheckKind.INTERVIEW,
            outcome=CheckOutcome.PASSED,
            checked_on=today(),
        )
    with pytest.raises(PermissionDenied):
        services.helper_approve(actor=elsewhere.coordinator, profile=profile)


def test_withdrawing_a_check_recorded_in_error_lowers_the_level(testford, skills):
    profile = vet(testford, apply(testford), VettingLevel.BASIC)
    identity = profile.checks.get(kind=CheckKind.IDENTITY)
    with pytest.raises(ApplicationError):
        services.vetting_check_withdraw(
            actor=testford.coordinator, check=identity, reason=""
        )
    services.vetting_check_withdraw(
        actor=testford.coordinator, check=identity, reason="Wrong person"
    )
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.NONE
    again = services.vetting_check_withdraw(
        actor=testford.coordinator, check=identity, reason="Again"
    )
    assert again.withdrawn_reason == "Wrong person"
    assert AuditEvent.objects.filter(action="vetting_check_withdrawn").count() == 1


def test_a_later_failed_dbs_takes_the_level_down(testford, skills):
    profile = vet(testford, apply(testford), VettingLevel.ENHANCED, on=days_ago(5))
    record(testford, profile, CheckKind.DBS, outcome=CheckOutcome.FAILED)
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.BASIC


# --- the DBS update service -----------------------------------------------------------


def test_status_checks_keep_an_old_certificate_current(testford, skills):
    profile = vet(testford, apply(testford), VettingLevel.BASIC)
    record(testford, profile, CheckKind.SAFEGUARDING)
    issued = today().replace(year=today().year - 4)
    check = record(
        testford,
        profile,
        CheckKind.DBS,
        dbs=DbsDetails(
            "111122223333", issued, DbsType.ENHANCED, update_service_consent=True
        ),
        on=issued,
    )
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.BASIC  # more than 3 years old
    status = services.dbs_status_check_record(
        actor=testford.coordinator,
        certificate=check.dbs,
        checked_on=days_ago(2),
        result=StatusResult.CURRENT,
    )
    profile.refresh_from_db()
    check.refresh_from_db()
    assert profile.vetting_level == VettingLevel.ENHANCED
    assert check.expires_on == days_ago(2).replace(
        year=days_ago(2).year + 1
    ) - timedelta(days=1)
    # The same status check twice is recorded once.
    again = services.dbs_status_check_record(
        actor=testford.coordinator,
        certificate=check.dbs,
        checked_on=days_ago(2),
        result=StatusResult.CURRENT,
    )
    assert again == status and DbsStatusCheck.objects.count() == 1
    services.dbs_status_check_record(
        actor=testford.coordinator,
        certificate=check.dbs,
        checked_on=today(),
        result=StatusResult.CHANGED,
    )
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.BASIC


def test_no_status_check_without_consent(testford, skills):
    profile = apply(testford)
    check = record(testford, profile, CheckKind.DBS)
    with pytest.raises(ApplicationError):
        services.dbs_status_check_record(
            actor=testford.coordinator,
            certificate=check.dbs,
            checked_on=today(),
            result=StatusResult.CURRENT,
        )
    services.dbs_consent_set(
        actor=testford.coordinator, certificate=check.dbs, consent=True
    )
    with pytest.raises(ApplicationError) as error:
        services.dbs_status_check_record(
            actor=testford.coordinator,
            certificate=check.dbs,
            checked_on=today() + timedelta(days=1),
            result=StatusResult.CURRENT,
        )
    assert error.value.field == "checked_on"


# --- scanned DBS certificates ---------------------------------------------------------


def _scan(name="certificate.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF" + b"x" * size, "application/pdf")


def _dbs_with_scan(testford, profile, decided_on):
    return record(
        testford,
        profile,
        CheckKind.DBS,
        on=decided_on,
        dbs=DbsDetails(
            "123412341234", decided_on, DbsType.ENHANCED_BARRED, scan=_scan()
        ),
    )


def test_a_scan_is_kept_privately_under_a_random_name(testford, skills, settings):
    check = _dbs_with_scan(testford, apply(testford), today())
    name = check.dbs.scan.name
    assert name.endswith(".pdf") and "certificate" not in name
    path = settings.KITH_PRIVATE_DIR / "dbs-scans" / name
    assert path.read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match="no URL"):
        dbs_scan_storage.url(name)


@pytest.mark.parametrize(
    ("upload", "decided_days_ago"),
    [
        (SimpleUploadedFile("c.exe", b"MZ"), 0),
        (SimpleUploadedFile("c.pdf", b"x" * (5 * 1024 * 1024 + 1)), 0),
        (SimpleUploadedFile("c.pdf", b"%PDF"), 200),
    ],
)
def test_scans_that_cannot_be_kept_are_refused(
    testford, skills, upload, decided_days_ago
):
    profile = apply(testford)
    decided = days_ago(decided_days_ago)
    with pytest.raises(ApplicationError) as error:
        record(
            testford,
            profile,
            CheckKind.DBS,
            on=decided,
            dbs=DbsDetails("123412341234", decided, DbsType.ENHANCED, scan=upload),
        )
    assert error.value.field == "scan"
    assert not DbsCertificate.objects.exists()


def test_scans_are_deleted_within_six_months_of_the_decision(testford, skills):
    decided = days_ago(100)
    check = _dbs_with_scan(testford, apply(testford), decided)
    name = check.dbs.scan.name
    assert services.dbs_scans_purge(today=decided + timedelta(days=179)) == 0
    assert dbs_scan_storage.exists(name)
    assert services.dbs_scans_purge(today=decided + timedelta(days=180)) == 1
    check.dbs.refresh_from_db()
    assert not check.dbs.scan and check.dbs.scan_deleted_at is not None
    assert not dbs_scan_storage.exists(name)
    # 180 days is always inside 6 months (the shortest 6 months have 181 days).
    assert services.SCAN_KEEP_DAYS < 181
    # Running it again changes nothing.
    assert services.dbs_scans_purge(today=decided + timedelta(days=181)) == 0
    event = AuditEvent.objects.get(action="dbs_scan_deleted")
    assert event.actor is None and event.data["why"] == "six_months"
    # The rest of the DBS record stays.
    assert check.dbs.certificate_number == "123412341234"


def test_withdrawing_a_dbs_check_deletes_its_scan(testford, skills):
    check = _dbs_with_scan(testford, apply(testford), today())
    name = check.dbs.scan.name
    services.vetting_check_withdraw(
        actor=testford.coordinator, check=check, reason="Wrong helper"
    )
    assert not dbs_scan_storage.exists(name)


def test_the_purge_removes_stray_files_older_than_a_day(testford, skills):
    dbs_scan_storage.save("stray.pdf", SimpleUploadedFile("stray.pdf", b"%PDF"))
    path = dbs_scan_storage.path("stray.pdf")
    services.dbs_scans_purge()
    assert dbs_scan_storage.exists("stray.pdf")  # might be an upload in progress
    old = clock.time() - 2 * 86400
    os.utime(path, (old, old))
    services.dbs_scans_purge()
    assert not dbs_scan_storage.exists("stray.pdf")


# --- status ---------------------------------------------------------------------------


def test_approval_needs_at_least_the_basic_level(testford, skills):
    profile = apply(testford)
    record(testford, profile, CheckKind.IDENTITY)
    with pytest.raises(ApplicationError, match="basic checks"):
        services.helper_approve(actor=testford.coordinator, profile=profile)
    profile.refresh_from_db()
    assert profile.status == HelperStatus.VETTING
    vet(testford, profile, VettingLevel.BASIC)
    approved = services.helper_approve(actor=testford.coordinator, profile=profile)
    assert approved.status == HelperStatus.ACTIVE
    assert approved.approved_by == testford.coordinator
    assert services.helper_approve(
        actor=testford.coordinator, profile=profile
    ).approved_at == (approved.approved_at)
    assert AuditEvent.objects.filter(action="helper_approved").count() == 1


def test_a_helper_pauses_and_resumes_themselves_with_a_reason(testford, skills):
    profile = active_helper(testford)
    helper = profile.user
    with pytest.raises(ApplicationError) as error:
        services.helper_pause(actor=helper, profile=profile, reason="  ")
    assert error.value.field == "reason"
    paused = services.helper_pause(actor=helper, profile=profile, reason="Holiday")
    assert paused.status == HelperStatus.PAUSED and paused.status_reason == "Holiday"
    assert services.helper_pause(
        actor=helper, profile=profile, reason="Again"
    ).status_reason == ("Holiday")
    resumed = services.helper_resume(actor=helper, profile=profile)
    assert resumed.status == HelperStatus.ACTIVE
    events = AuditEvent.objects.filter(action__in=["helper_paused", "helper_resumed"])
    assert [e.action for e in events.order_by("id")] == [
        "helper_paused",
        "helper_resumed",
    ]
    assert events.first().on_behalf_of is None


def test_a_coordinator_pauses_a_helper_for_them(testford, skills):
    profile = active_helper(testford)
    services.helper_pause(actor=testford.coordinator, profile=profile, reason="Ill")
    event = AuditEvent.objects.get(action="helper_paused")
    assert event.on_behalf_of == profile.user


def test_only_the_helper_or_a_coordinator_may_pause(testford, skills):
    profile = active_helper(testford)
    for role in (Role.MEMBER, Role.HELPER, Role.COUNCIL_OFFICER):
        with pytest.raises(PermissionDenied):
            services.helper_pause(
                actor=testford.by_role(role), profile=profile, reason="No"
            )


def test_an_applicant_cannot_be_paused_and_left_is_final(testford, skills):
    profile = apply(testford)
    with pytest.raises(ApplicationError):
        services.helper_pause(actor=testford.coordinator, profile=profile, reason="x")
    services.helper_leave(actor=testford.coordinator, profile=profile, reason="Moved")
    with pytest.raises(ApplicationError):
        services.helper_approve(actor=testford.coordinator, profile=profile)
    with pytest.raises(ApplicationError):
        record(testford, profile, CheckKind.INTERVIEW)
    with pytest.raises(PermissionDenied):
        services.helper_leave(actor=profile.user, profile=profile, reason="x")


# --- lapses and reminders -------------------------------------------------------------


def test_the_level_drops_on_the_day_a_check_lapses(testford, skills):
    lapses_on = today() + timedelta(days=1)
    done = lapses_on.replace(year=lapses_on.year - 1)
    profile = vet(testford, apply(testford), VettingLevel.BASIC, on=done)
    assert profile.vetting_level == VettingLevel.BASIC
    assert profile.vetting_level_until == today()
    assert profile.level_on(lapses_on) == VettingLevel.NONE
    assert services.vetting_levels_refresh(today=lapses_on) == 1
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.NONE
    event = AuditEvent.objects.get(action="vetting_level_changed")
    assert event.data == {"from": "basic", "to": "none", "on": lapses_on.isoformat()}
    assert services.vetting_levels_refresh(today=lapses_on) == 0


def test_reminders_go_to_the_helper_and_coordinators_once(testford, skills):
    done = today().replace(year=today().year - 1) + timedelta(days=20)
    profile = active_helper(testford, VettingLevel.ENHANCED)
    training = record(testford, profile, CheckKind.SAFEGUARDING, on=done)
    # The newer safeguarding training covers it: nothing to say.
    assert services.vetting_reminders_send() == 0
    newer = profile.checks.exclude(pk=training.pk).get(kind=CheckKind.SAFEGUARDING)
    services.vetting_check_withdraw(
        actor=testford.coordinator, check=newer, reason="Recorded in error"
    )
    assert services.vetting_reminders_send() == 1
    reminder = VettingReminder.objects.get()
    assert reminder.check_record == training
    assert reminder.expires_on == training.expires_on
    messages = Message.objects.filter(template="vetting_check_lapsing")
    assert {m.recipient for m in messages} == {profile.user, testford.coordinator}
    message = messages.first()
    assert message.personalisation["check_name"] == "safeguarding training"
    assert message.personalisation["helper_name"] == profile.user.full_name
    # Again, the same day or the next: nothing twice.
    assert services.vetting_reminders_send() == 0
    assert services.vetting_reminders_send(today=today() + timedelta(days=1)) == 0
    assert Message.objects.filter(template="vetting_check_lapsing").count() == 2


def test_no_reminder_more_than_thirty_days_ahead_or_for_those_who_left(
    testford, skills
):
    far = today().replace(year=today().year - 1) + timedelta(days=45)
    profile = vet(testford, apply(testford), VettingLevel.BASIC, on=far)
    assert services.vetting_reminders_send() == 0
    services.helper_leave(actor=testford.coordinator, profile=profile, reason="Gone")
    assert services.vetting_reminders_send(today=today() + timedelta(days=20)) == 0


# --- the profile ----------------------------------------------------------------------


def test_a_helper_changes_their_skills_and_details(testford, skills):
    profile = active_helper(testford)
    services.helper_skills_set(
        actor=profile.user,
        profile=profile,
        levels={skills[1].pk: "expert", skills[2].pk: "some"},
    )
    assert {(s.skill.name, s.level) for s in profile.skills.all()} == {
        ("Odd jobs", "expert"),
        ("Phones and computers", "some"),
    }
    with pytest.raises(ApplicationError):
        services.helper_skills_set(actor=profile.user, profile=profile, levels={})
    services.helper_details_update(
        actor=profile.user,
        profile=profile,
        travel_distance_m=3200,
        travel_modes=["car", "walk"],
        max_visits_per_week=5,
        pay_basis=PayBasis.PAID,
    )
    profile.refresh_from_db()
    assert profile.travel_modes == ["walk", "car"] and profile.max_visits_per_week == 5
    event = AuditEvent.objects.get(action="helper_details_changed")
    assert event.data["fields"] == [
        "max_visits_per_week",
        "pay_basis",
        "travel_distance_m",
        "travel_modes",
    ]


def test_to_be_paid_a_helper_needs_the_right_to_work(testford, skills):
    profile = apply(testford, right_to_work=False)
    with pytest.raises(ApplicationError) as error:
        services.helper_details_update(
            actor=testford.coordinator,
            profile=profile,
            travel_distance_m=1600,
            travel_modes=["walk"],
            max_visits_per_week=2,
            pay_basis=PayBasis.PAID,
        )
    assert error.value.field == "right_to_work"


def test_weekly_times_and_time_away(testford, skills):
    profile = apply(testford)
    slot = services.availability_slot_add(
        actor=testford.coordinator,
        profile=profile,
        weekday=4,
        starts_at=time(10),
        ends_at=time(12),
    )
    assert (
        services.availability_slot_add(
            actor=testford.coordinator,
            profile=profile,
            weekday=4,
            starts_at=time(10),
            ends_at=time(12),
        )
        == slot
    )
    with pytest.raises(ApplicationError) as error:
        services.availability_slot_add(
            actor=testford.coordinator,
            profile=profile,
            weekday=4,
            starts_at=time(12),
            ends_at=time(10),
        )
    assert error.value.field == "ends_at"
    services.availability_slot_remove(
        actor=testford.coordinator, profile=profile, slot_id=slot.pk
    )
    assert not AvailabilitySlot.objects.filter(pk=slot.pk).exists()
    away = services.availability_exception_add(
        actor=profile.user,
        profile=profile,
        starts_on=today(),
        ends_on=today() + timedelta(days=7),
        reason="Holiday",
    )
    assert away.reason == "Holiday"
    for starts, ends in [
        (today(), today() - timedelta(days=1)),
        (days_ago(9), days_ago(2)),
    ]:
        with pytest.raises(ApplicationError) as error:
            services.availability_exception_add(
                actor=profile.user, profile=profile, starts_on=starts, ends_on=ends
            )
        assert error.value.field == "ends_on"


def test_a_home_address_must_be_in_the_locality(testford, elsewhere, skills):
    profile = apply(testford)
    with pytest.raises(ApplicationError) as error:
        services.helper_address_change(
            actor=profile.user,
            profile=profile,
            address_line_1="2 Far Road",
            postcode="EW1 1AA",
        )
    assert error.value.field == "postcode"
    person = services.helper_address_change(
        actor=profile.user,
        profile=profile,
        address_line_1="2 Near Road",
        postcode="se17 2aa",
    )
    assert person.address_line_1 == "2 Near Road"


def test_someone_else_cannot_change_a_helpers_profile(testford, elsewhere, skills):
    profile = apply(testford)
    for actor in (testford.member, testford.helper, elsewhere.coordinator, None):
        with pytest.raises(PermissionDenied):
            services.availability_exception_add(
                actor=actor, profile=profile, starts_on=today(), ends_on=today()
            )


def test_a_coordinator_adds_a_referee(testford, skills):
    profile = apply(testford)
    referee = services.referee_add(
        actor=testford.coordinator,
        profile=profile,
        details=RefereeDetails(full_name="Carol King", phone="020 7946 0777"),
    )
    assert referee.phone == "02079460777"
    assert (
        services.referee_add(
            actor=testford.coordinator,
            profile=profile,
            details=RefereeDetails(full_name="carol king", phone="020 7946 0777"),
        )
        == referee
    )
    with pytest.raises(PermissionDenied):
        services.referee_add(
            actor=profile.user,
            profile=profile,
            details=RefereeDetails(full_name="Dan", phone="020 7946 0778"),
        )


# --- the skills list ------------------------------------------------------------------


def test_the_skills_list(testford, elsewhere):
    skill = services.skill_add(
        actor=testford.coordinator, locality=testford.locality, name="  Dog  walking "
    )
    assert skill.name == "Dog walking"
    assert (
        services.skill_add(
            actor=testford.coordinator, locality=testford.locality, name="dog walking"
        )
        == skill
    )
    services.skill_update(
        actor=testford.coordinator,
        skill=skill,
        name="Dog walking",
        description="",
        retired=True,
    )
    with pytest.raises(ApplicationError, match="no longer offered"):
        services.skill_add(
            actor=testford.coordinator, locality=testford.locality, name="Dog Walking"
        )
    other = services.skill_add(
        actor=testford.coordinator, locality=testford.locality, name="Shopping"
    )
    with pytest.raises(ApplicationError) as error:
        services.skill_update(
            actor=testford.coordinator,
            skill=other,
            name="dog walking",
            description="",
            retired=False,
        )
    assert error.value.field == "name"
    # Each locality keeps its own list.
    services.skill_add(
        actor=elsewhere.coordinator, locality=elsewhere.locality, name="Dog walking"
    )
    for role in (Role.MEMBER, Role.HELPER, Role.COUNCIL_OFFICER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.skill_add(
                actor=testford.by_role(role), locality=testford.locality, name="X"
            )


# --- duplicates -----------------------------------------------------------------------


def _twice(testford):
    """The same person entered twice on the phone, with no email or mobile."""
    first = apply(testford, full_name="Doreen Hughes", email="", phone="02079460100")
    second = apply(testford, full_name="Doreen Hughes", email="", phone="02079460101")
    return first, second


def test_merging_two_records_of_one_person(testford, skills):
    first, second = _twice(testford)
    record(testford, first, CheckKind.IDENTITY)
    record(testford, second, CheckKind.REFERENCE)
    record(testford, second, CheckKind.REFERENCE)
    kept = services.helper_merge(
        actor=testford.coordinator,
        locality=testford.locality,
        keep=first.user,
        merge=second.user,
    )
    assert kept.pk == first.pk
    assert kept.checks.count() == 3 and kept.referees.count() == 4
    gone = User.objects.get(pk=second.user_id)
    assert not gone.is_active and not RoleAssignment.objects.filter(user=gone).exists()
    assert not HelperProfile.objects.filter(pk=second.pk).exists()
    event = AuditEvent.objects.get(action="helper_records_merged")
    assert event.data["merged_person"] == gone.pk


def test_a_member_record_is_never_merged_away(testford, skills):
    profile = apply(testford)
    with pytest.raises(ApplicationError, match="other roles"):
        services.helper_merge(
            actor=testford.coordinator,
            locality=testford.locality,
            keep=profile.user,
            merge=testford.member,
        )
    # The other way round works: the member keeps their record.
    kept = services.helper_merge(
        actor=testford.coordinator,
        locality=testford.locality,
        keep=testford.member,
        merge=profile.user,
    )
    assert kept.user == testford.member
    assert testford.member.email  # unchanged
    assert RoleAssignment.objects.filter(
        user=testford.member, role=Role.HELPER
    ).exists()


def test_keeping_both_is_recorded_once(testford, skills):
    first, second = _twice(testford)
    decision = services.duplicate_keep_both(
        actor=testford.coordinator,
        locality=testford.locality,
        person=second.user,
        other=first.user,
    )
    assert decision.first_id < decision.second_id
    services.duplicate_keep_both(
        actor=testford.coordinator,
        locality=testford.locality,
        person=first.user,
        other=second.user,
    )
    assert AuditEvent.objects.filter(action="possible_duplicate_kept").count() == 2
    with pytest.raises(PermissionDenied):
        services.duplicate_keep_both(
            actor=testford.helper,
            locality=testford.locality,
            person=first.user,
            other=second.user,
        )


def test_a_referee_must_be_someone_else(testford, skills):
    profile = apply(testford, email="", phone="02079460300")
    with pytest.raises(ApplicationError):
        services.referee_add(
            actor=testford.coordinator,
            profile=profile,
            details=RefereeDetails(full_name="Also Me", phone="020 7946 0300"),
        )
    assert Referee.objects.filter(profile=profile).count() == 2


# --- background tasks and commands ----------------------------------------------------


def test_the_daily_jobs_run_as_tasks_and_commands(testford, skills):
    from io import StringIO

    from django.core.management import call_command

    from kith.helpers import tasks

    done = today().replace(year=today().year - 1) + timedelta(days=10)
    profile = vet(testford, apply(testford), VettingLevel.BASIC, on=done)
    check = _dbs_with_scan(testford, profile, days_ago(10))
    result = tasks.vetting_reminders_task.enqueue()
    assert result.return_value == 1
    assert tasks.vetting_reminders_task.enqueue().return_value == 0
    out = StringIO()
    call_command("vetting_reminders", stdout=out)
    assert out.getvalue().strip() == "0 reminder(s) sent."
    later = (today() + timedelta(days=180)).isoformat()
    assert tasks.dbs_scans_purge_task.enqueue(later).return_value == 1
    check.dbs.refresh_from_db()
    assert not check.dbs.scan
    call_command("dbs_scans_purge", "--date", later, stdout=out)
    assert "0 scanned certificate(s) deleted." in out.getvalue()
    lapsed = (today() + timedelta(days=11)).isoformat()
    call_command("vetting_levels_refresh", "--date", lapsed, stdout=out)
    assert "1 helper record(s) updated." in out.getvalue()
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.NONE
    daily = tasks.helpers_daily_task.enqueue(lapsed).return_value
    assert daily == {"levels": 0, "reminders": 0, "scans": 0}
