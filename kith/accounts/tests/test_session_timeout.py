"""Sessions end after 30 minutes idle and 12 hours in all, for everyone
signed in; a warning comes first, and unsent answers are kept for the same
person only."""

import re
import time

import pytest
from django.urls import reverse

from kith.accounts.middleware import LAST_SEEN_SESSION_KEY, SIGNED_IN_AT_SESSION_KEY

pytestmark = pytest.mark.django_db

ROLES = ["member", "supporter", "helper", "coordinator"]
PAGE = "accounts:your_details"


def _signed_in(client, person, *, idle=0, signed_in_for=0):
    client.force_login(person)
    now = int(time.time())
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = now - idle
    session[SIGNED_IN_AT_SESSION_KEY] = now - signed_in_for
    session.save()


def _sign_in(client, person):
    response = client.post(
        reverse("accounts:sign_in"),
        {"email": person.email, "password": "a-long-test-password"},
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def _signed_out(client, response):
    return (
        response.status_code == 302
        and response["Location"].startswith(reverse("accounts:sign_in"))
        and "_auth_user_id" not in client.session
    )


@pytest.mark.parametrize("role", ROLES)
def test_everyone_is_signed_out_after_thirty_minutes_idle(client, testford, role):
    _signed_in(client, getattr(testford, role), idle=31 * 60)
    response = client.get(reverse(PAGE))
    assert _signed_out(client, response)
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not done anything for 30 minutes" in (
        page
    )


@pytest.mark.parametrize("role", ROLES)
def test_twenty_nine_minutes_idle_is_not_enough(client, testford, role):
    person = getattr(testford, role)
    _signed_in(client, person, idle=29 * 60)
    response = client.get(reverse(PAGE))
    assert response.status_code == 200 and person.email in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_everyone_is_signed_out_twelve_hours_after_signing_in(client, testford, role):
    _signed_in(client, getattr(testford, role), signed_in_for=12 * 3600 + 1)
    response = client.get(reverse(PAGE))
    assert _signed_out(client, response)
    page = client.get(response["Location"]).content.decode()
    assert "because you had been signed in for 12 hours" in page


@pytest.mark.parametrize("role", ROLES)
def test_busy_for_eleven_hours_stays_signed_in(client, testford, role):
    _signed_in(client, getattr(testford, role), signed_in_for=11 * 3600)
    assert client.get(reverse(PAGE)).status_code == 200


def test_the_limits_are_settings_read_on_every_request(client, testford, settings):
    _signed_in(client, testford.member, idle=90)
    assert client.get(reverse(PAGE)).status_code == 200
    settings.KITH_IDLE_SECONDS = 60
    _signed_in(client, testford.member, idle=90)
    assert _signed_out(client, client.get(reverse(PAGE)))
    settings.KITH_IDLE_SECONDS = 30 * 60
    settings.KITH_SESSION_MAX_SECONDS = 3600
    _signed_in(client, testford.member, signed_in_for=3601)
    assert _signed_out(client, client.get(reverse(PAGE)))


def test_a_new_sign_in_starts_the_twelve_hours(client, testford):
    _sign_in(client, testford.member)
    started = client.session[SIGNED_IN_AT_SESSION_KEY]
    assert abs(started - time.time()) < 60


def test_the_session_cookie_lasts_twelve_hours_not_fourteen_days(client, testford):
    testford.member.set_password("a-long-test-password")
    testford.member.save()
    response = client.post(
        reverse("accounts:sign_in"),
        {"email": testford.member.email, "password": "a-long-test-password"},
    )
    assert int(response.cookies["sessionid"]["max-age"]) == 12 * 3600


# --- the warning ----------------------------------------------------------------------


def _dialog(content):
    found = re.search(r"<dialog[^>]*>.*?</dialog>", content, re.S)
    return found.group(0) if found else ""


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_pages_carry_the_timeout_warning(client, testford, role):
    _signed_in(client, getattr(testford, role), idle=5 * 60)
    content = client.get(reverse(PAGE)).content.decode()
    dialog = _dialog(content)
    assert 'data-module="kith-timeout-warning"' in dialog
    assert "You will be signed out in 2 minutes." in dialog
    assert "Stay signed in" in dialog
    assert 'data-warning-seconds="120"' in dialog
    # This request restarted the idle time (it was 5 minutes, over a minute).
    idle_left = int(re.search(r'data-idle-left="(\d+)"', dialog).group(1))
    assert 1795 <= idle_left <= 1800
    session_left = int(re.search(r'data-session-left="(\d+)"', dialog).group(1))
    assert 12 * 3600 - 5 <= session_left <= 12 * 3600
    # Its script is a static file, with no inline script or style.
    assert "<script>" not in dialog and "style=" not in dialog
    assert re.search(r'<script src="[^"]*accounts/timeout-warning\.js" defer>', content)


def test_signed_out_pages_carry_no_warning(client, testford):
    content = client.get(reverse("accounts:sign_in")).content.decode()
    assert "kith-timeout-warning" not in content


def test_the_warning_script_is_served(client, testford):
    from django.contrib.staticfiles import finders

    path = finders.find("accounts/timeout-warning.js")
    with open(path, encoding="utf-8") as script:
        source = script.read()
    assert "showModal" in source and "X-Kith-Keep-Alive" in source


def test_stay_signed_in_restarts_the_idle_time(client, testford):
    _signed_in(client, testford.member, idle=28 * 60)
    response = client.post(
        reverse("accounts:session_keep_alive"), HTTP_X_KITH_KEEP_ALIVE="1"
    )
    assert response.status_code == 204
    assert abs(client.session[LAST_SEEN_SESSION_KEY] - time.time()) < 5
    # Without JavaScript the button is an ordinary form: back to the page.
    response = client.post(
        reverse("accounts:session_keep_alive"), {"next": reverse(PAGE)}
    )
    assert response.status_code == 302 and response["Location"] == reverse(PAGE)


@pytest.mark.parametrize(
    "next_page",
    ["999999", "core:home", "https://evil.example/", "//evil.example/", "/a\x00b"],
)
def test_stay_signed_in_goes_on_only_to_a_page_of_this_site(
    client, testford, next_page
):
    """Anything but a path here goes home: never another site, and never a
    string taken for a view's name (which raised NoReverseMatch)."""
    _signed_in(client, testford.member, idle=60)
    response = client.post(reverse("accounts:session_keep_alive"), {"next": next_page})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_stay_signed_in_is_too_late_once_signed_out(client, testford):
    _signed_in(client, testford.member, idle=31 * 60)
    response = client.post(
        reverse("accounts:session_keep_alive"), HTTP_X_KITH_KEEP_ALIVE="1"
    )
    assert _signed_out(client, response)


# --- unsent answers -------------------------------------------------------------


def test_answers_are_kept_for_the_same_person_only(client, testford):
    helper, supporter = testford.helper, testford.supporter
    client.force_login(helper)
    client.post(reverse("members:join_start"))
    response = client.post(
        reverse("members:join_step", args=["postcode"]), {"postcode": "se17 2aa"}
    )
    assert response["Location"] == reverse("members:join_step", args=["birth"])
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("members:join_step", args=["birth"]))
    assert _signed_out(client, response)
    assert (
        "carry on where you left off"
        in client.get(response["Location"]).content.decode()
    )
    # Someone else signs in on the same computer: none of it is theirs.
    _sign_in(client, supporter)
    response = client.get(reverse("members:join_step", args=["postcode"]))
    assert response["Location"] == reverse("members:join_start")
    kept = [key for key, _value in client.session.items() if "flow" in key]
    assert kept == []
    client.post(reverse("accounts:sign_out"))
    # The same person signs in again: they carry on where they were.
    _sign_in(client, helper)
    content = client.get(
        reverse("members:join_step", args=["postcode"])
    ).content.decode()
    assert 'value="se17 2aa"' in content
    assert client.get(reverse("members:join_step", args=["birth"])).status_code == 200
    # Given back once: signing out and in again does not bring them back twice.
    client.post(reverse("accounts:sign_out"))
    _sign_in(client, helper)
    response = client.get(reverse("members:join_step", args=["postcode"]))
    assert response["Location"] == reverse("members:join_start")


def test_answers_typed_before_signing_in_are_not_given_to_who_signs_in(
    client, testford
):
    """A visitor starts joining at a library computer and walks away; the
    next person signs in there and does not see what the visitor typed."""
    client.post(reverse("members:join_start"))
    client.post(
        reverse("members:join_step", args=["postcode"]), {"postcode": "se17 2aa"}
    )
    _sign_in(client, testford.member)
    response = client.get(reverse("members:join_step", args=["postcode"]))
    assert response["Location"] == reverse("members:join_start")
