"""Every demo role signs in and every page it can reach passes axe-core."""

import pyotp
import pytest
from playwright.sync_api import expect

from kith.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_authenticator_secret
from kith.accounts.models import STAFF_ROLES
from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_pages_are_accessible(page, demo, check_accessibility):
    for path in [
        "/",
        "/sign-in/",
        "/sign-in/code/",
        "/sign-in/code/have/",
        "/password/reset/",
        "/accessibility/",
        "/privacy/",
        "/contact/",
        "/no-such-page/",
    ]:
        page.goto(path)
        check_accessibility(page)
    # An error summary is accessible too.
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)


@pytest.mark.parametrize(
    "login", DEMO_LOGINS, ids=[login.role for login in DEMO_LOGINS]
)
def test_each_demo_role_signs_in_and_every_page_it_reaches_is_accessible(
    page, demo, login, check_accessibility
):
    page.goto("/")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Email address").fill(login.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if login.role in STAFF_ROLES:
        page.wait_for_url("**/sign-in/authenticator/")
        check_accessibility(page)
        code = pyotp.TOTP(demo_authenticator_secret(login.email)).now()
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    check_accessibility(page)

    # Visit every page reachable in two clicks (at most 20), checking each.
    seen = {"/"}
    queue = [(href, 1) for href in _links(page)]
    assert queue, "a signed-in person has somewhere to go"
    while queue and len(seen) < 20:
        href, depth = queue.pop(0)
        if href in seen:
            continue
        seen.add(href)
        response = page.goto(href)
        assert response.status == 200, href
        check_accessibility(page)
        if depth < 2:
            queue.extend((link, depth + 1) for link in _links(page) if link not in seen)
    # The last page may be one for printing, without the header.
    page.goto("/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()


def _links(page) -> list[str]:
    found = page.locator(
        ".govuk-service-navigation__link[href], main a.govuk-link[href], main "
        "a.govuk-button[href]"
    ).evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return sorted(
        {
            h
            for h in found
            if h.startswith("/") and "page=" not in h and "django-admin" not in h
        }
    )


def test_a_coordinator_finds_a_member_and_acts_for_them(
    page, demo, check_accessibility
):
    from kith.accounts.models import Role, User

    member = (
        User.objects.filter(roles__role=Role.MEMBER, email__isnull=True)
        .order_by("pk")
        .first()
    )
    sign_in(page, "coordinator@riverside.example")
    page.get_by_role("link", name="People").first.click()
    page.get_by_label("Name, email, phone number or postcode").fill(member.full_name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=member.full_name).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(member.full_name)
    check_accessibility(page)
    page.get_by_role("button", name=f"Act for {member.display_name}").click()
    banner = page.get_by_role("region", name="Acting for someone")
    expect(banner).to_contain_text(f"You are acting for {member.full_name}")
    check_accessibility(page)
    page.get_by_role("link", name="Audit log").first.click()
    expect(banner).to_be_visible()
    expect(page.locator("table")).to_contain_text("Acting started")
    check_accessibility(page)
    banner.get_by_role("button").click()
    expect(page.get_by_role("region", name="Acting for someone")).to_have_count(0)


def test_a_coordinator_adds_a_person_with_no_contact_details(
    page, demo, check_accessibility
):
    sign_in(page, "coordinator@riverside.example")
    page.goto("/people/add/")
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the full name")
    check_accessibility(page)
    page.get_by_label("Member", exact=True).check()
    page.get_by_label("Full name").fill("Winifred Shaw")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Winifred Shaw")
    expect(page.get_by_text("Winifred Shaw has been added")).to_be_visible()


def test_a_new_member_of_staff_sets_up_an_authenticator(
    page, demo, check_accessibility
):
    from kith.accounts.models import Authenticator, User

    Authenticator.objects.filter(user__email="council@riverside.example").delete()
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill("council@riverside.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Set up your authenticator app"
    )
    check_accessibility(page)
    secret = User.objects.get(email="council@riverside.example").authenticator.secret
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Save your recovery codes"
    )
    check_accessibility(page)
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
