"""Pages: who may open them, what each person sees, and bad input."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kith.accounts.models import Role, User
from kith.core.models import AuditEvent
from kith.helpers import services
from kith.helpers.models import (
    DbsCertificate,
    HelperProfile,
    HelperStatus,
    VettingCheck,
)
from kith.helpers.tests.factories import active_helper, apply, days_ago, record, vet
from kith.helpers.vetting import CheckKind, DbsType, VettingLevel
from kith.notify.models import Message

pytestmark = pytest.mark.django_db

NOT_COORDINATORS = [
    Role.MEMBER,
    Role.SUPPORTER,
    Role.HELPER,
    Role.COUNCIL_OFFICER,
    Role.ORGANISATION_EDITOR,
    Role.ADMIN,
]


def today():
    return timezone.localdate()


def page(response):
    return response.content.decode()


# --- applying online ------------------------------------------------------------------


def _answer(client, slug, data, follow=False):
    return client.post(reverse("helpers:apply_step", args=[slug]), data, follow=follow)


def _apply_online(client, skills, *, name="Winifred Shaw", email="win@example.com"):
    response = client.post(reverse("helpers:apply_start"))
    assert response["Location"] == reverse("helpers:apply_step", args=["name"])
    answers = [
        ("name", {"full_name": name}),
        ("contact", {"email": email, "mobile": "", "phone": ""}),
        (
            "address",
            {
                "address_line_1": "3 Mill Lane",
                "town": "Testford",
                "postcode": "se172aa",
            },
        ),
        (
            "date-of-birth",
            {
                "date_of_birth_day": "4",
                "date_of_birth_month": "7",
                "date_of_birth_year": "1961",
            },
        ),
        ("about", {"about": "Retired gardener."}),
        ("skills", {"skills": [str(skills[0].pk), str(skills[2].pk)]}),
        (
            "skill-levels",
            {f"level_{skills[0].pk}": "expert", f"level_{skills[2].pk}": "some"},
        ),
        ("availability", {"times": ["0-morning", "3-afternoon"]}),
        ("visits", {"max_visits_per_week": "2"}),
        ("travel-distance", {"travel_distance_m": "1600"}),
        ("travel-modes", {"travel_modes": ["walk", "bike"]}),
        (
            "referee-1",
            {
                "full_name": "Ann Lee",
                "relationship": "Neighbour",
                "phone": "020 7946 0011",
                "email": "",
            },
        ),
        (
            "referee-2",
            {
                "full_name": "Bob Ray",
                "relationship": "Old manager",
                "phone": "",
                "email": "bob@example.com",
            },
        ),
        ("pay", {"pay_basis": "volunteer"}),
        ("right-to-work", {"right_to_work": "yes"}),
    ]
    for index, (slug, data) in enumerate(answers):
        response = _answer(client, slug, data)
        assert response.status_code == 302, (slug, page(response))
        following = (
            reverse("helpers:apply_step", args=[answers[index + 1][0]])
            if index + 1 < len(answers)
            else reverse("helpers:apply_check")
        )
        assert response["Location"] == following, slug
    return client.get(reverse("helpers:apply_check"))


def test_a_visitor_applies_online_from_start_to_finish(client, testford, skills):
    start = page(client.get(reverse("helpers:apply_start")))
    assert "Become a Neighbourhood Helper" in start and "Gardening" in start
    check = page(_apply_online(client, skills))
    assert "Check your answers before sending your application" in check
    assert "Winifred Shaw" in check and "SE17 2AA" in check
    assert "Gardening" in check and "Qualified, or a trade" in check
    assert "Monday morning (9am to midday)" in check
    assert "4 July 1961" in check and "Bob Ray" in check
    response = client.post(reverse("helpers:apply_check"))
    assert response["Location"] == reverse("helpers:apply_done")
    done = page(client.get(response["Location"]))
    assert "Application sent" in done and "within a week" in done
    person = User.objects.get(email="win@example.com")
    profile = HelperProfile.objects.get(user=person)
    assert profile.status == HelperStatus.APPLIED
    assert profile.skills.count() == 2 and profile.availability.count() == 2
    assert Message.objects.filter(
        template="helper_application_received", recipient=person
    ).exists()
    # A second click on "Send" creates nothing more.
    again = client.post(reverse("helpers:apply_check"))
    assert again["Location"] == reverse("helpers:apply_done")
    assert HelperProfile.objects.count() == 1 and User.objects.filter(
        email="win@example.com"
    ).count() == (1)


def _without_tokens(content):
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content)


def test_applying_with_someone_elses_email_gives_the_same_answer(
    client, testford, skills
):
    """A stranger learns nothing from the answer and changes nobody's record;
    the coordinator sees the likely duplicate and the owner is told."""
    from django.test import Client

    member = testford.member
    member_before = (member.full_name, member.email, member.postcode)
    fresh = Client()
    _apply_online(fresh, skills, name="Winifred Shaw", email="new@example.com")
    fresh_done = fresh.post(reverse("helpers:apply_check"), follow=True)
    _apply_online(client, skills, name="Winifred Shaw", email=member.email)
    taken_done = client.post(reverse("helpers:apply_check"), follow=True)
    assert _without_tokens(page(taken_done)) == _without_tokens(page(fresh_done))
    assert "Thank you for applying" in page(taken_done)
    assert member.full_name not in page(taken_done)
    member.refresh_from_db()
    assert (member.full_name, member.email, member.postcode) == member_before
    assert not HelperProfile.objects.filter(user=member).exists()
    assert Message.objects.filter(
        template="contact_details_given_by_someone", recipient=member
    ).exists()
    profile = HelperProfile.objects.get(
        user__full_name="Winifred Shaw", user__email=None
    )
    client.force_login(testford.coordinator)
    record = page(client.get(reverse("helpers:detail", args=[profile.pk])))
    assert "Possible duplicates" in record and member.full_name in record
    assert "the email address given when applying is theirs" in record
    # It was them after all (the coordinator phoned): merge into their record.
    duplicate = reverse("helpers:duplicate", args=[profile.pk, member.pk])
    assert member.full_name in page(client.get(duplicate))
    response = client.post(duplicate, {"decision": "keep_other"})
    assert response.status_code == 302, page(response)
    assert HelperProfile.objects.get(user=member).pk == profile.pk
    assert not User.objects.get(pk=profile.user_id).is_active


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("contact", {"email": "", "mobile": ""}, "Enter an email address or a mobile"),
        ("contact", {"email": "", "mobile": "12345"}, "Enter a UK mobile number"),
        ("contact", {"email": "not-an-email"}, "Enter an email address in the right"),
    ],
)
def test_contact_answers_are_checked(client, testford, skills, slug, data, message):
    client.post(reverse("helpers:apply_start"))
    _answer(client, "name", {"full_name": "Ann Other"})
    response = _answer(client, slug, data)
    assert response.status_code == 200
    content = page(response)
    assert "There is a problem" in content and message in content


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        (
            "date-of-birth",
            {
                "date_of_birth_day": "1",
                "date_of_birth_month": "1",
                "date_of_birth_year": "2999",
            },
            "Date of birth must be in the past",
        ),
        (
            "date-of-birth",
            {
                "date_of_birth_day": "31",
                "date_of_birth_month": "2",
                "date_of_birth_year": "1970",
            },
            "must be a real date",
        ),
        (
            "address",
            {"address_line_1": "1 Far Road", "postcode": "EW1 1AA"},
            "This postcode is not in the area Testford Circle covers",
        ),
        (
            "address",
            {"address_line_1": "1 Far Road", "postcode": "12345"},
            "Enter a real postcode",
        ),
        (
            "referee-1",
            {"full_name": "Ann", "relationship": "Friend", "phone": "123"},
            "Enter a UK phone number",
        ),
        (
            "referee-1",
            {"full_name": "Ann", "relationship": "Friend"},
            "Enter a phone number or an email address for the referee",
        ),
        ("visits", {"max_visits_per_week": "99"}, "from 1 to 14"),
        ("skills", {}, "Choose at least one thing you can help with"),
    ],
)
def test_bad_answers_get_a_message_next_to_the_field(
    client, testford, elsewhere, skills, slug, data, message
):
    client.post(reverse("helpers:apply_start"))
    response = _answer(client, slug, data)
    content = page(response)
    assert response.status_code == 200
    assert "There is a problem" in content and message in content
    assert "govuk-error-message" in content
    assert slug not in client.session["kith_flow_helper_apply"]["answers"]


def test_paid_helpers_need_the_right_to_work(client, testford, skills):
    client.post(reverse("helpers:apply_start"))
    _answer(client, "pay", {"pay_basis": "paid"})
    content = page(_answer(client, "right-to-work", {"right_to_work": "no"}))
    assert "To be paid you need the right to work in the UK" in content


def test_the_check_page_sends_you_back_to_an_unanswered_question(
    client, testford, skills
):
    client.post(reverse("helpers:apply_start"))
    _answer(client, "name", {"full_name": "Half Way"})
    response = client.get(reverse("helpers:apply_check"))
    assert response["Location"] == reverse("helpers:apply_step", args=["contact"])


def test_a_signed_in_member_skips_the_name_and_contact_questions(
    client, testford, skills
):
    client.force_login(testford.member)
    client.post(reverse("helpers:apply_start"))
    assert client.session["kith_flow_helper_apply"]["context"]["mode"] == "self"
    response = client.get(reverse("helpers:apply_step", args=["name"]))
    assert response.status_code == 404
    form = page(client.get(reverse("helpers:apply_step", args=["address"])))
    assert "What is your home address?" in form


def test_someone_who_applied_is_told_so(client, testford, skills):
    profile = apply(testford)
    client.force_login(profile.user)
    content = page(client.get(reverse("helpers:apply_start")))
    assert "You have already applied" in content


def test_a_coordinator_enters_an_application_for_someone_they_act_for(
    client, testford, skills
):
    client.force_login(testford.coordinator)
    client.post(reverse("accounts:acting_start", args=[testford.member.pk]))
    start = page(client.get(reverse("helpers:apply_start")))
    assert "You are acting for Member Testford" in start
    client.post(reverse("helpers:apply_start"))
    context = client.session["kith_flow_helper_apply"]["context"]
    assert context["mode"] == "for_person"
    assert context["person_id"] == testford.member.pk


# --- the coordinators' list -----------------------------------------------------------


def test_the_list_is_for_coordinators_only(client, testford, skills):
    apply(testford)
    client.force_login(testford.coordinator)
    assert client.get(reverse("helpers:list")).status_code == 200
    for role in NOT_COORDINATORS:
        client.force_login(testford.by_role(role))
        assert client.get(reverse("helpers:list")).status_code == 403, role
        assert client.get(reverse("helpers:export")).status_code == 403, role
        assert client.get(reverse("helpers:skills_list")).status_code == 403, role
    client.logout()
    assert client.get(reverse("helpers:list"))["Location"].startswith(
        reverse("accounts:sign_in")
    )


def test_the_list_shows_only_this_localitys_helpers(
    client, testford, elsewhere, skills
):
    ours = apply(testford, full_name="Ours Helper")
    client.force_login(elsewhere.coordinator)
    content = page(client.get(reverse("helpers:list")))
    assert "Ours Helper" not in content
    assert client.get(reverse("helpers:detail", args=[ours.pk])).status_code == 404


def test_the_list_filters(client, testford, skills):
    basic = active_helper(testford, VettingLevel.BASIC, full_name="Basic Betty")
    enhanced = active_helper(testford, VettingLevel.ENHANCED, full_name="Enhanced Ed")
    applicant = apply(testford, full_name="New Nora", skills={skills[2].pk: "some"})
    client.force_login(testford.coordinator)

    def names(**params):
        content = page(client.get(reverse("helpers:list"), params))
        return {
            name
            for name in ("Basic Betty", "Enhanced Ed", "New Nora")
            if name in content
        }

    assert names() == {"Basic Betty", "Enhanced Ed", "New Nora"}
    assert names(level="enhanced") == {"Enhanced Ed"}
    assert names(level="basic") == {"Basic Betty"}
    assert names(level="none") == {"New Nora"}
    assert names(status="applied") == {"New Nora"}
    assert names(skill=skills[2].pk) == {"New Nora"}
    assert names(ward=testford.ward.pk) == {"Basic Betty", "Enhanced Ed", "New Nora"}
    assert names(q="betty") == {"Basic Betty"}
    assert names(expiring="on") == set()
    assert basic.pk and enhanced.pk and applicant.pk


def test_filtering_by_level_is_right_on_the_day_a_check_lapses(
    client, testford, skills
):
    """The stored level was worked out yesterday, when the induction training
    still counted; no job has run since. Today the helper is not vetted."""
    from kith.helpers.services import _vetting_recompute

    done = today().replace(year=today().year - 1)  # counted until yesterday
    profile = active_helper(
        testford, VettingLevel.BASIC, full_name="Lapsed Lou", on=days_ago(30)
    )
    record(testford, profile, CheckKind.INDUCTION, on=done)
    profile.checks.filter(kind=CheckKind.INDUCTION).exclude(checked_on=done).update(
        withdrawn_at=timezone.now()
    )
    _vetting_recompute(profile, today() - timedelta(days=1))
    profile.refresh_from_db()
    assert profile.vetting_level == VettingLevel.BASIC  # as stored yesterday
    client.force_login(testford.coordinator)
    assert "Lapsed Lou" not in page(
        client.get(reverse("helpers:list"), {"level": "basic"})
    )
    content = page(client.get(reverse("helpers:list"), {"level": "none"}))
    assert "Lapsed Lou" in content and "Not yet vetted" in content


def test_the_list_shows_checks_running_out_soon(client, testford, skills):
    soon = today().replace(year=today().year - 1) + timedelta(days=10)
    profile = active_helper(testford, VettingLevel.BASIC, full_name="Soon Sam", on=soon)
    client.force_login(testford.coordinator)
    content = page(client.get(reverse("helpers:list"), {"expiring": "on"}))
    assert "Soon Sam" in content
    assert profile.next_lapse_on.strftime("%-d %b %Y") in content


def test_the_list_runs_the_same_queries_for_5_or_50_helpers(client, testford, skills):
    client.force_login(testford.coordinator)
    client.get(reverse("helpers:list"))  # warm the session

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("helpers:list"), {"page": 1})
            assert response.status_code == 200
        return len(captured)

    for _n in range(5):
        vet(testford, apply(testford), VettingLevel.BASIC)
    few = count()
    for _n in range(45):
        apply(testford)
    assert HelperProfile.objects.count() == 50
    assert count() == few


def test_the_htmx_search_returns_only_the_rows(client, testford, skills):
    apply(testford)
    client.force_login(testford.coordinator)
    content = page(client.get(reverse("helpers:list"), HTTP_HX_REQUEST="true"))
    assert "<table" in content and "<html" not in content


def test_the_csv_export_is_audited_and_safe_for_spreadsheets(client, testford, skills):
    active_helper(testford, VettingLevel.ENHANCED, full_name="=HYPERLINK(1)")
    apply(testford, full_name="Plain Person")
    client.force_login(testford.coordinator)
    response = client.get(reverse("helpers:export"), {"level": "enhanced"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Name" and len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][3] == "Enhanced"
    event = AuditEvent.objects.get(action="helpers_exported")
    assert event.actor == testford.coordinator and event.data["rows"] == 1
    assert event.data["filters"] == {"level": "enhanced"}


# --- one helper's page ----------------------------------------------------------------


def test_a_coordinator_sees_a_helpers_record_and_the_view_is_audited(
    client, testford, skills
):
    profile = active_helper(testford, VettingLevel.BASIC, full_name="Iris Wood")
    services.helper_pause(actor=profile.user, profile=profile, reason="Knee operation")
    client.force_login(testford.coordinator)
    content = page(client.get(reverse("helpers:detail", args=[profile.pk])))
    assert "Iris Wood" in content and "Paused" in content and "Basic" in content
    assert "Knee operation" in content
    assert "Helper paused" in content and "Helper approved" in content  # history
    assert "Referee A" in content and "Gardening" in content
    assert "Still needed for “Enhanced”" in content
    event = AuditEvent.objects.filter(action="helper_record_viewed").get()
    assert event.actor == testford.coordinator and event.target_id == str(profile.pk)


@pytest.mark.parametrize("role", NOT_COORDINATORS)
def test_nobody_else_opens_a_helpers_record(client, testford, skills, role):
    profile = apply(testford)
    client.force_login(testford.by_role(role))
    assert client.get(reverse("helpers:detail", args=[profile.pk])).status_code == 403
    for name in ("skills", "details", "availability", "time_away", "pause"):
        response = client.get(reverse(f"helpers:{name}", args=[profile.pk]))
        assert response.status_code == 403, name
    assert not AuditEvent.objects.filter(action="helper_record_viewed").exists()


def test_a_helper_sees_their_own_record_and_not_others(client, testford, skills):
    mine = active_helper(testford, VettingLevel.ENHANCED)
    other = apply(testford)
    client.force_login(mine.user)
    content = page(client.get(reverse("helpers:own_profile")))
    assert "Your helper record" in content and "Enhanced" in content
    assert "Active" in content and "Pause helping" in content
    assert "DBS certificate" in content
    # No DBS certificate numbers or history for the helper.
    number = DbsCertificate.objects.get(check_record__profile=mine).certificate_number
    assert number not in content
    assert client.get(reverse("helpers:detail", args=[mine.pk]))["Location"] == (
        reverse("helpers:own_profile")
    )
    assert client.get(reverse("helpers:detail", args=[other.pk])).status_code == 403
    assert client.get(reverse("helpers:list")).status_code == 403


def test_a_member_has_no_helper_record(client, testford):
    client.force_login(testford.member)
    response = client.get(reverse("helpers:own_profile"))
    assert response.status_code == 404
    assert "You are not a Neighbourhood Helper here" in page(response)


def test_a_helper_pauses_and_resumes(client, testford, skills):
    profile = active_helper(testford)
    client.force_login(profile.user)
    content = page(client.post(reverse("helpers:own_pause"), {"reason": ""}))
    assert "Enter the reason." in content
    response = client.post(reverse("helpers:own_pause"), {"reason": "On holiday"})
    assert response["Location"] == reverse("helpers:own_profile")
    content = page(client.get(response["Location"]))
    assert "You are paused" in content and "On holiday" in content
    client.post(reverse("helpers:own_resume"), {"reason": ""})
    profile.refresh_from_db()
    assert profile.status == HelperStatus.ACTIVE


def test_a_helper_changes_skills_times_and_holidays(client, testford, skills):
    profile = active_helper(testford)
    client.force_login(profile.user)
    response = client.post(
        reverse("helpers:own_skills"),
        {f"level_{skills[1].pk}": "good", f"level_{skills[0].pk}": ""},
    )
    assert response["Location"] == reverse("helpers:own_profile")
    assert [s.skill.name for s in profile.skills.all()] == ["Odd jobs"]
    content = page(client.post(reverse("helpers:own_skills"), {}))
    assert "Choose at least one thing you can help with" in content
    client.post(
        reverse("helpers:own_availability"),
        {"weekday": "5", "starts_at": "10:00", "ends_at": "12:30"},
    )
    assert profile.availability.filter(weekday=5).exists()
    content = page(
        client.post(
            reverse("helpers:own_availability"),
            {"weekday": "5", "starts_at": "12:00", "ends_at": "10:00"},
        )
    )
    assert "The end time must be after the start time" in content
    slot = profile.availability.get(weekday=5)
    client.post(reverse("helpers:own_availability"), {"remove": str(slot.pk)})
    assert not profile.availability.filter(weekday=5).exists()
    start = today() + timedelta(days=3)
    end = start + timedelta(days=7)
    client.post(
        reverse("helpers:own_time_away"),
        {
            "starts_on_day": start.day,
            "starts_on_month": start.month,
            "starts_on_year": start.year,
            "ends_on_day": end.day,
            "ends_on_month": end.month,
            "ends_on_year": end.year,
            "reason": "Holiday",
        },
    )
    assert profile.exceptions.get().reason == "Holiday"
    content = page(client.get(reverse("helpers:own_profile")))
    assert "Holiday" in content


def test_a_coordinator_changes_a_profile_for_the_helper(client, testford, skills):
    profile = apply(testford)
    client.force_login(testford.coordinator)
    response = client.post(
        reverse("helpers:details", args=[profile.pk]),
        {
            "travel_distance_m": "4800",
            "travel_modes": ["car"],
            "max_visits_per_week": "4",
            "pay_basis": "volunteer",
        },
    )
    assert response["Location"] == reverse("helpers:detail", args=[profile.pk])
    profile.refresh_from_db()
    assert profile.travel_distance_m == 4800
    event = AuditEvent.objects.get(action="helper_details_changed")
    assert event.on_behalf_of == profile.user
    content = page(
        client.post(
            reverse("helpers:address", args=[profile.pk]),
            {"address_line_1": "9 Far Road", "postcode": "EW1 1AA"},
        )
    )
    assert "This postcode is not in the area" in content


# --- vetting pages --------------------------------------------------------------------


def _date(prefix, day):
    return {
        f"{prefix}_day": day.day,
        f"{prefix}_month": day.month,
        f"{prefix}_year": day.year,
    }


def test_a_coordinator_records_checks_and_approves(client, testford, skills):
    profile = apply(testford)
    client.force_login(testford.coordinator)
    url = reverse("helpers:check_choose", args=[profile.pk])
    response = client.post(url, {"kind": "identity"})
    assert response["Location"] == reverse(
        "helpers:check_record", args=[profile.pk, "identity"]
    )
    form = page(client.get(response["Location"]))
    key = form.split('name="key" value="')[1].split('"')[0]
    data = {
        "key": key,
        "documents_seen": ["passport", "utility_bill"],
        "outcome": "passed",
        "evidence_reference": "Seen at the office",
        **_date("checked_on", today()),
    }
    response = client.post(response["Location"], data)
    assert response["Location"] == reverse("helpers:detail", args=[profile.pk])
    # The same form again (a double click) records nothing more.
    client.post(reverse("helpers:check_record", args=[profile.pk, "identity"]), data)
    assert VettingCheck.objects.filter(kind="identity").count() == 1
    for referee in profile.referees.all():
        client.post(
            reverse("helpers:check_record", args=[profile.pk, "reference"]),
            {
                "referee": referee.pk,
                "outcome": "passed",
                **_date("checked_on", today()),
            },
        )
    client.post(
        reverse("helpers:check_record", args=[profile.pk, "induction"]),
        {"outcome": "passed", **_date("checked_on", today())},
    )
    content = page(client.get(reverse("helpers:detail", args=[profile.pk])))
    assert "Approve" in content
    client.post(reverse("helpers:approve", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.status == HelperStatus.ACTIVE
    assert profile.vetting_level == VettingLevel.BASIC


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"certificate_number": "12345"}, "Enter the 12-digit certificate number"),
        ({"checked_on_year": "2999"}, "The date must be today or in the past"),
        ({"issued_on_year": "2999"}, "The date of issue must be today or in the past"),
        ({"dbs_type": ""}, "Choose the type of check"),
    ],
)
def test_bad_dbs_details_change_nothing(client, testford, skills, changes, message):
    profile = apply(testford)
    client.force_login(testford.coordinator)
    data = {
        "certificate_number": "001234567890",
        **_date("issued_on", today() - timedelta(days=20)),
        "dbs_type": "enhanced_barred",
        "role_applied_for": "Neighbourhood Helper",
        **_date("checked_on", today()),
        "outcome": "passed",
        "update_service_consent": "no",
    }
    data.update(changes)
    response = client.post(
        reverse("helpers:check_record", args=[profile.pk, "dbs"]), data
    )
    content = page(response)
    assert response.status_code == 200 and message in content
    assert "There is a problem" in content
    assert not VettingCheck.objects.exists()


def test_the_dbs_record_is_for_those_who_vet_and_every_view_is_audited(
    client, testford, skills
):
    profile = apply(testford)
    decided = today() - timedelta(days=3)
    check = services.vetting_check_record(
        actor=testford.coordinator,
        profile=profile,
        kind=CheckKind.DBS,
        outcome="passed",
        checked_on=decided,
        dbs=services.DbsDetails(
            "001234567890",
            decided,
            DbsType.ENHANCED_BARRED,
            update_service_consent=True,
            scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test"),
        ),
    )
    url = reverse("helpers:dbs_record", args=[check.pk])
    for role in NOT_COORDINATORS:
        client.force_login(testford.by_role(role))
        assert client.get(url).status_code == 403, role
        assert client.get(reverse("helpers:dbs_scan", args=[check.pk])).status_code == (
            403
        )
    client.force_login(profile.user)
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="dbs_").exists()
    client.force_login(testford.coordinator)
    content = page(client.get(url))
    assert (
        "001234567890" in content and "Enhanced with the adults’ barred list" in content
    )
    assert "will be deleted on" in content
    assert AuditEvent.objects.filter(action="dbs_record_viewed").count() == 1
    response = client.get(reverse("helpers:dbs_scan", args=[check.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="dbs_scan_viewed").count() == 1
    response = client.post(url, {**_date("checked_on", today()), "result": "current"})
    assert response["Location"] == url
    assert check.dbs.status_checks.count() == 1
    client.post(reverse("helpers:dbs_scan_delete", args=[check.pk]))
    check.dbs.refresh_from_db()
    assert not check.dbs.scan


def test_a_coordinator_of_another_locality_sees_no_dbs_record(
    client, testford, elsewhere, skills
):
    profile = apply(testford)
    check = record(testford, profile, CheckKind.DBS)
    client.force_login(elsewhere.coordinator)
    assert client.get(reverse("helpers:dbs_record", args=[check.pk])).status_code == 404


def test_withdrawing_a_check(client, testford, skills):
    profile = vet(testford, apply(testford), VettingLevel.BASIC)
    identity = profile.checks.get(kind=CheckKind.IDENTITY)
    client.force_login(testford.coordinator)
    url = reverse("helpers:check_withdraw", args=[identity.pk])
    assert "Enter the reason." in page(client.post(url, {"reason": ""}))
    client.post(url, {"reason": "Wrong person"})
    identity.refresh_from_db()
    assert identity.withdrawn_reason == "Wrong person"
    client.force_login(profile.user)
    assert client.get(url).status_code == 403


# --- duplicates and the skills list ---------------------------------------------------


def test_possible_duplicates_are_shown_and_merged(client, testford, skills):
    first = apply(testford, full_name="Doreen Hughes", email="", phone="02079460100")
    second = apply(testford, full_name="Doreen Hughes", email="", phone="02079460101")
    client.force_login(testford.coordinator)
    listing = page(client.get(reverse("helpers:list")))
    assert "Possible duplicates" in listing
    content = page(client.get(reverse("helpers:detail", args=[first.pk])))
    assert (
        "Possible duplicates" in content
        and "the same name and date of birth" in content
    )
    url = reverse("helpers:duplicate", args=[first.pk, second.user_id])
    assert "Are these the same person?" in page(client.get(url))
    response = client.post(url, {"decision": "keep_this"})
    assert response["Location"] == reverse("helpers:detail", args=[first.pk])
    assert not User.objects.get(pk=second.user_id).is_active
    # Sent twice: the second lands on the kept record and changes nothing.
    again = client.post(url, {"decision": "keep_this"})
    assert again["Location"] == reverse("helpers:detail", args=[first.pk])
    assert AuditEvent.objects.filter(action="helper_records_merged").count() == 1
    assert "Possible duplicates" not in page(client.get(reverse("helpers:list")))


def test_keeping_both_hides_the_warning(client, testford, skills):
    first = apply(testford, full_name="Doreen Hughes", email="", phone="02079460100")
    second = apply(testford, full_name="Doreen Hughes", email="", phone="02079460101")
    client.force_login(testford.coordinator)
    client.post(
        reverse("helpers:duplicate", args=[first.pk, second.user_id]),
        {"decision": "keep_both"},
    )
    content = page(client.get(reverse("helpers:detail", args=[first.pk])))
    assert "Possible duplicates" not in content


def test_the_skills_list_page(client, testford, skills):
    client.force_login(testford.coordinator)
    response = client.post(reverse("helpers:skills_list"), {"name": "Dog walking"})
    assert response["Location"] == reverse("helpers:skills_list")
    content = page(client.get(reverse("helpers:skills_list")))
    assert "Dog walking" in content
    content = page(client.post(reverse("helpers:skills_list"), {"name": ""}))
    assert "Enter the name of the skill." in content
    skill = skills[0]
    client.post(
        reverse("helpers:skill_edit", args=[skill.pk]),
        {"name": "Gardening", "description": "", "retired": "on"},
    )
    skill.refresh_from_db()
    assert skill.retired
    apply_page = page(client.get(reverse("helpers:apply_start")))
    assert "Gardening" not in apply_page
