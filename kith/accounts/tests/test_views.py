import re
import time

import pytest
from django.urls import reverse

from kith.accounts.models import Authenticator, Role
from kith.core.models import AuditEvent
from kith.notify.models import Message
from tests.inbox import received_code, received_link

PASSWORD = "a-long-test-password"


def _sign_in(client, email, password=PASSWORD, follow=False):
    return client.post(
        reverse("accounts:sign_in"),
        {"email": email, "password": password},
        follow=follow,
    )


# --- signing in -----------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.MEMBER, Role.SUPPORTER, Role.HELPER, Role.ORGANISATION_EDITOR]
)
def test_people_who_are_not_staff_sign_in_with_a_password(client, testford, role):
    response = _sign_in(client, testford.by_role(role).email.upper())
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert f"Hello, {testford.by_role(role).display_name}" in page
    assert AuditEvent.objects.filter(
        action="signed_in", actor=testford.by_role(role)
    ).exists()


def test_a_wrong_password_says_so_at_the_top_and_signs_nobody_in(client, testford):
    response = _sign_in(client, testford.member.email, "not-the-password")
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "There is a problem" in page
        and "email address or password is not right" in page
    )
    assert "_auth_user_id" not in client.session


def test_empty_fields_get_messages_next_to_them(client, testford):
    page = client.post(
        reverse("accounts:sign_in"), {"email": "", "password": ""}
    ).content.decode()
    assert "Enter your email address." in page and "Enter your password." in page
    assert 'href="#id_email"' in page


def test_repeated_failures_are_slowed_down(client, testford):
    for _n in range(3):
        _sign_in(client, testford.member.email, "wrong-password-x")
    page = _sign_in(client, testford.member.email).content.decode()
    assert "wait" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.COUNCIL_OFFICER, Role.ADMIN])
def test_staff_also_enter_a_code_from_their_authenticator(client, testford, role):
    person = testford.by_role(role)
    response = _sign_in(client, person.email)
    assert response["Location"] == reverse("accounts:second_factor")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:audit")).status_code == 302  # not signed in yet
    page = client.post(
        reverse("accounts:second_factor"), {"code": "000000"}
    ).content.decode()
    assert "That code is not right" in page
    response = client.post(
        reverse("accounts:second_factor"), {"code": testford.totp(person).now()}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_staff_set_up_an_authenticator_on_first_sign_in(client, testford):
    import pyotp

    Authenticator.objects.filter(user=testford.coordinator).delete()
    response = _sign_in(client, testford.coordinator.email)
    assert response["Location"] == reverse("accounts:authenticator_setup")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "Key:" in page
    secret = Authenticator.objects.get(user=testford.coordinator).secret
    response = client.post(
        reverse("accounts:authenticator_setup"), {"code": pyotp.TOTP(secret).now()}
    )
    assert response["Location"] == reverse("accounts:recovery_codes")
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"\b[0-9a-f]{5}-[0-9a-f]{5}\b", page)
    assert len(codes) == 10
    # Shown once only.
    assert client.get(reverse("accounts:recovery_codes"))["Location"] == reverse(
        "accounts:security"
    )


def test_the_second_step_expires(client, testford):
    _sign_in(client, testford.coordinator.email)
    session = client.session
    session["kith_pending_at"] = int(time.time()) - 3600
    session.save()
    response = client.post(
        reverse("accounts:second_factor"),
        {"code": testford.totp(testford.coordinator).now()},
    )
    assert response["Location"] == reverse("accounts:sign_in")


def test_sign_in_with_a_code_from_start_to_finish(client, testford):
    response = client.post(
        reverse("accounts:sign_in_code_request"), {"identifier": testford.member.email}
    )
    assert response["Location"] == reverse("accounts:sign_in_code")
    code = received_code(Message.objects.get(template="sign_in_code"))
    response = client.post(reverse("accounts:sign_in_code"), {"code": code})
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(testford.member.pk)


def test_a_code_for_an_unknown_address_looks_the_same_and_dies_after_five_tries(
    client, testford
):
    client.post(
        reverse("accounts:sign_in_code_request"), {"identifier": "nobody@example.com"}
    )
    page = client.get(reverse("accounts:sign_in_code")).content.decode()
    assert "If nobody@example.com belongs to an account" in page
    for left in (4, 3, 2, 1):
        page = client.post(
            reverse("accounts:sign_in_code"), {"code": "123456"}
        ).content.decode()
        assert f"{left} tries left" in page
    page = client.post(
        reverse("accounts:sign_in_code"), {"code": "123456"}
    ).content.decode()
    assert "no longer works" in page and "Ask for a new code" in page


def test_password_reset_by_email_link(client, testford):
    client.post(reverse("accounts:password_reset"), {"email": testford.member.email})
    message = Message.objects.get(template="password_reset")
    link = received_link(message)
    path = link.split("testserver", 1)[1]
    page = client.post(
        path, {"new_password": "short", "new_password_again": "short"}
    ).content.decode()
    assert "too short" in page
    page = client.post(
        path, {"new_password": "password123", "new_password_again": "password123"}
    ).content.decode()
    assert "too common" in page or "data breach" in page
    response = client.post(
        path,
        {
            "new_password": "three random words",
            "new_password_again": "three random words",
        },
    )
    assert response["Location"] == reverse("accounts:sign_in")
    assert (
        _sign_in(client, testford.member.email, "three random words")["Location"] == "/"
    )
    # The link works once.
    assert client.get(path).status_code == 400


def test_password_reset_says_the_same_for_an_unknown_address(client, testford):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.com"}, follow=True
    )
    assert "If nobody@example.com belongs to an account" in response.content.decode()
    assert not Message.objects.exists()


def test_sign_out(client, testford):
    client.force_login(testford.member)
    response = client.post(reverse("accounts:sign_out"), follow=True)
    assert "You have signed out" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_are_signed_out_after_thirty_minutes_idle(client, testford):
    client.force_login(testford.coordinator)
    assert client.get(reverse("accounts:people")).status_code == 200
    session = client.session
    session["kith_last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("accounts:people"))
    assert (
        response.status_code == 302
        and reverse("accounts:sign_in") in response["Location"]
    )
    assert "_auth_user_id" not in client.session


def test_the_django_admin_signs_in_through_kith(client, testford):
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


# --- who may open which page ------------------------------------------------------

STAFF_PAGES = ["accounts:people", "accounts:person_create", "core:audit"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.MEMBER, set()),
        (Role.SUPPORTER, set()),
        (Role.HELPER, set()),
        (Role.ORGANISATION_EDITOR, set()),
        (Role.COUNCIL_OFFICER, set()),
        (Role.COORDINATOR, {"accounts:people", "accounts:person_create", "core:audit"}),
        (Role.ADMIN, {"accounts:people", "accounts:person_create", "core:audit"}),
    ],
)
def test_staff_pages_by_role(client, testford, role, allowed):
    client.force_login(testford.by_role(role))
    for name in STAFF_PAGES:
        status = client.get(reverse(name)).status_code
        assert status == (200 if name in allowed else 403), (role, name, status)


@pytest.mark.parametrize("role", [Role.COUNCIL_OFFICER, Role.COORDINATOR, Role.ADMIN])
def test_wards_page_for_those_who_plan(client, testford, role):
    client.force_login(testford.by_role(role))
    page = client.get(reverse("places:wards")).content.decode()
    assert testford.ward.name in page


@pytest.mark.parametrize(
    "role", [Role.MEMBER, Role.HELPER, Role.SUPPORTER, Role.ORGANISATION_EDITOR]
)
def test_wards_page_refused_to_others(client, testford, role):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("places:wards")).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, testford):
    for name in [*STAFF_PAGES, "accounts:your_details", "places:wards"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:sign_in")
        )


def test_a_member_cannot_open_someone_elses_record(client, testford):
    client.force_login(testford.member)
    assert (
        client.get(reverse("accounts:person", args=[testford.helper.pk])).status_code
        == 403
    )


def test_a_coordinator_cannot_open_a_record_in_another_locality(
    client, testford, elsewhere
):
    client.force_login(testford.coordinator)
    assert (
        client.get(reverse("accounts:person", args=[elsewhere.member.pk])).status_code
        == 404
    )


# --- people, records and acting ---------------------------------------------------


def test_opening_a_record_is_audited(client, testford):
    client.force_login(testford.coordinator)
    page = client.get(
        reverse("accounts:person", args=[testford.member.pk])
    ).content.decode()
    assert testford.member.full_name in page
    event = AuditEvent.objects.get(action="person_record_viewed")
    assert event.actor == testford.coordinator and event.target_id == str(
        testford.member.pk
    )


def test_people_search_finds_by_name_and_postcode(client, testford):
    testford.member.postcode = "SE17 2AA"
    testford.member.save()
    client.force_login(testford.coordinator)
    page = client.get(reverse("accounts:people"), {"q": "se172aa"}).content.decode()
    assert testford.member.full_name in page and testford.helper.full_name not in page
    page = client.get(
        reverse("accounts:people"), {"q": testford.helper.full_name.split()[0]}
    ).content.decode()
    assert testford.helper.full_name in page


def test_people_search_with_htmx_returns_only_the_rows(client, testford):
    client.force_login(testford.coordinator)
    page = client.get(
        reverse("accounts:people"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<table" in page and "<html" not in page


def test_people_list_runs_the_same_queries_for_few_or_many(
    client, testford, django_assert_num_queries
):
    from tests.scenarios import UserFactory

    client.force_login(testford.coordinator)
    client.get(reverse("accounts:people"))  # warm the session

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accounts:people")).status_code == 200
        return len(captured)

    few = count()
    for _n in range(30):
        person = UserFactory()
        person.roles.create(locality=testford.locality, role=Role.MEMBER)
    assert count() == few


def test_adding_a_person_on_the_phone(client, testford):
    client.force_login(testford.coordinator)
    page = client.get(reverse("accounts:person_create")).content.decode()
    assert (
        "Coordinator"
        not in re.sub(r"<h1.*?</h1>", "", page)
        .split("What are they joining as?")[1]
        .split("</fieldset>")[0]
    )
    response = client.post(
        reverse("accounts:person_create"),
        {"role": Role.MEMBER, "full_name": "Iris Bennett", "postcode": "nonsense"},
    )
    assert "Enter a real postcode" in response.content.decode()
    response = client.post(
        reverse("accounts:person_create"),
        {"role": Role.MEMBER, "full_name": "Iris Bennett"},
        follow=True,
    )
    assert "Iris Bennett has been added" in response.content.decode()


def test_acting_for_a_member_shows_a_banner_on_every_page_until_stopped(
    client, testford
):
    client.force_login(testford.coordinator)
    client.post(reverse("accounts:acting_start", args=[testford.member.pk]))
    for path in [
        "/",
        reverse("accounts:people"),
        reverse("core:audit"),
        reverse("core:contact"),
    ]:
        page = client.get(path).content.decode()
        assert f"You are acting for {testford.member.full_name}" in page, path
        assert "Stop acting for" in page
    client.post(
        reverse("accounts:person_edit", args=[testford.member.pk]),
        {"full_name": testford.member.full_name, "town": "Testford"},
    )
    event = AuditEvent.objects.get(action="contact_details_changed")
    assert (event.actor, event.on_behalf_of) == (testford.coordinator, testford.member)
    client.post(reverse("accounts:acting_stop"))
    assert "You are acting for" not in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="acting_stopped").exists()


def test_a_helper_cannot_start_acting(client, testford):
    client.force_login(testford.helper)
    assert (
        client.post(
            reverse("accounts:acting_start", args=[testford.member.pk])
        ).status_code
        == 403
    )


def test_admin_grants_a_role_from_the_record(client, testford):
    client.force_login(testford.admin)
    client.post(
        reverse("accounts:role_change", args=[testford.member.pk, "grant"]),
        {"role": Role.HELPER},
    )
    assert testford.member.roles.filter(role=Role.HELPER).exists()
    client.force_login(testford.coordinator)
    response = client.post(
        reverse("accounts:role_change", args=[testford.member.pk, "grant"]),
        {"role": Role.ADMIN},
    )
    assert response.status_code == 403


def test_changing_your_own_details(client, testford):
    client.force_login(testford.member)
    page = client.post(
        reverse("accounts:your_details_edit"), {"full_name": "X", "mobile": "123"}
    ).content.decode()
    assert "Enter a UK mobile number" in page
    testford.member.refresh_from_db()
    assert testford.member.full_name != "X"
    response = client.post(
        reverse("accounts:your_details_edit"),
        {"full_name": "Joan Smith", "mobile": "07700 900 321", "postcode": "se17 2aa"},
        follow=True,
    )
    page = response.content.decode()
    assert (
        "Your details have been saved" in page
        and "07700 900321" in page
        and "SE17 2AA" in page
    )


def test_audit_log_filters(client, testford):
    client.force_login(testford.coordinator)
    client.get(reverse("accounts:person", args=[testford.member.pk]))
    page = client.get(
        reverse("core:audit"), {"action": "person_record_viewed"}
    ).content.decode()
    assert "Person record viewed" in page and testford.member.full_name in page
    page = client.get(
        reverse("core:audit"), {"date_from": "32/13/2026"}
    ).content.decode()
    assert "There is a problem" in page


def test_audit_log_shows_only_this_locality(client, testford, elsewhere):
    client.force_login(elsewhere.coordinator)
    client.get(reverse("accounts:person", args=[elsewhere.member.pk]))
    client.force_login(testford.coordinator)
    page = client.get(reverse("core:audit")).content.decode()
    assert elsewhere.member.full_name not in page
