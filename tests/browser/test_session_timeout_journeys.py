"""The GOV.UK timeout warning in Chromium: shown before someone signed in is
signed out, "Stay signed in" keeps them signed in, and doing nothing signs
them out. The limits are settings, shortened here so the journey is quick."""

import pytest
from playwright.sync_api import expect

from kith.accounts.demo import DEMO_LOGINS
from kith.accounts.models import Role
from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _member_email():
    return next(login.email for login in DEMO_LOGINS if login.role == Role.MEMBER)


def test_the_warning_comes_and_stay_signed_in_keeps_them_signed_in(
    page, demo, settings, check_accessibility
):
    sign_in(page, _member_email())
    # Warned 2 minutes before 2 minutes and 4 seconds idle: within 4 seconds.
    settings.KITH_IDLE_SECONDS = 124
    page.goto("/account/")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("You will be signed out in 2 minutes.")
    check_accessibility(page)
    with page.expect_response("**/stay-signed-in/") as answer:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()
    # Still signed in, on the same page.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/sign-in/" not in page.url


def test_doing_nothing_signs_them_out(page, demo, settings):
    sign_in(page, _member_email())
    settings.KITH_IDLE_SECONDS = 6
    settings.KITH_TIMEOUT_WARNING_SECONDS = 4
    page.goto("/account/")
    expect(page.get_by_role("dialog")).to_be_visible(timeout=10_000)
    page.wait_for_url("**/sign-in/**", timeout=20_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out because you had not done anything"
    )
