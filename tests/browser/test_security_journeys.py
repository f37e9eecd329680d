"""Pages, htmx swaps and GOV.UK Frontend's scripts under the real
Content-Security-Policy: Chromium enforces it and reports what it refuses."""

import re

import pytest
from playwright.sync_api import expect

from kith.core.middleware import CONTENT_SECURITY_POLICY
from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_errors(page) -> list[str]:
    """Console errors and script errors: a refused script shows as one."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(f"console: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    return found


def _htmx_response(path: str):
    return lambda response: (
        response.request.headers.get("hx-request") == "true" and path in response.url
    )


def test_pages_and_htmx_break_no_content_security_policy(
    page, demo, check_accessibility, csp_violations
):
    errors = record_errors(page)

    response = page.goto("/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    # GOV.UK Frontend started from files: the class set before drawing and
    # the skip link's component initialised by the module.
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    expect(page.locator(".govuk-skip-link")).to_have_attribute(
        "data-govuk-skip-link-init", ""
    )

    sign_in(page, "coordinator@riverside.example")
    # htmx searches as the coordinator types, swapping in the results.
    page.goto("/people/")
    with page.expect_response(_htmx_response("/people/")):
        page.get_by_label("Name, email, phone number or postcode").fill("Adeyemi")
    expect(page.locator("#people-results")).to_contain_text("Joan Adeyemi")
    expect(page).to_have_url(re.compile(r"q=Adeyemi"))
    # htmx keeps no copy of the page it swapped out in the tab's storage,
    # where the next person at a shared computer could read it.
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
    check_accessibility(page)

    page.goto("/helpers/")
    with page.expect_response(_htmx_response("/helpers/")):
        page.get_by_label("Name, email, phone number, postcode or date of birth").fill(
            "Okafor"
        )
    expect(page.locator("#helper-results")).to_contain_text("Sam Okafor")

    sign_in(page, "member@riverside.example")
    for path in ["/help/ask/", "/members/me/", "/social/activities/"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert response.headers["cache-control"].count("no-store") == 1, path

    # A large print page: its styles and its print button come from files.
    page.goto("/notify/print/activities/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Activities")
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
    )
    assert size >= 24 * 96 / 72
    expect(page.locator("[data-kith-print]")).to_be_visible()

    assert csp_violations == []
    assert errors == []

    # The recorder hears a refusal: an inline script added to the page.
    page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'),"
        " {textContent: 'window.ranInline = true'}))"
    )
    assert page.evaluate("window.ranInline") is None
    for _ in range(100):  # the browser reports it a moment later
        if any("script-src" in violation for violation in csp_violations):
            break
        page.wait_for_timeout(50)
    assert any("script-src" in violation for violation in csp_violations)
    csp_violations.clear()  # the one refusal this journey caused on purpose
