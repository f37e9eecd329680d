"""Safeguarding in Chromium: a helper raises a concern and the lead works it
to a referral; the lead stops a helper a concern held and records the duty
to refer to the DBS."""

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_helper_raises_a_concern_and_the_lead_works_it_to_a_referral(
    page, demo, check_accessibility
):
    sign_in(page, "helper@riverside.example")
    page.get_by_role("link", name="Safeguarding", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding")
    check_accessibility(page)
    page.get_by_role("link", name="Raise a concern").click()
    expect(page.locator(".govuk-warning-text").first).to_contain_text("call 999")
    check_accessibility(page)
    page.get_by_role("button", name="Send to the safeguarding lead").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say what was seen or said."
    )
    check_accessibility(page)
    page.get_by_label("Joan Adeyemi").check()
    page.get_by_label("What did you see or hear yourself?").fill(
        "Joan said her nephew took her bank card and she has no food."
    )
    page.get_by_label("Self-neglect").check()
    page.locator("#id_immediate_risk_1").check()  # No
    page.get_by_label("What would they like to happen? (optional)").fill(
        "To have her card back."
    )
    page.get_by_role("button", name="Send to the safeguarding lead").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "received by the safeguarding lead"
    )
    expect(page.get_by_text("About Joan Adeyemi: received on").first).to_be_visible()
    expect(page.get_by_text("bank card")).to_have_count(0)
    check_accessibility(page)

    sign_in(page, "safeguarding@riverside.example")
    page.get_by_role("link", name="Safeguarding", exact=True).click()
    page.get_by_role("link", name="Concerns to work on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding concerns")
    check_accessibility(page)
    page.locator("tr", has_text="Acknowledge by").filter(
        has_text="Joan Adeyemi"
    ).get_by_role("link").click()
    expect(page.get_by_text("took her bank card")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Acknowledged")
    page.get_by_label("Add a note").fill("Spoke to Joan; her card is with her nephew.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("note")
    page.locator("#id_referred_0").check()  # Yes
    page.get_by_role("button", name="Record the referral decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why you decided this."
    )
    check_accessibility(page)
    page.locator("#id_referred_0").check()
    page.locator("#id_rationale").fill("Possible financial abuse and neglect.")
    page.locator("#id_reference").fill("ASC-RV-2026-0201")
    page.get_by_role("button", name="Record the referral decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "referral decision"
    )
    expect(page.get_by_text("ASC-RV-2026-0201").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("What was the outcome?").fill(
        "Adult social care opened an enquiry; her card was returned."
    )
    page.get_by_label("In part").check()
    page.get_by_role("button", name="Close the concern").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("closed")
    check_accessibility(page)


def test_the_lead_stops_a_held_helper_and_records_the_duty_to_refer(
    page, demo, check_accessibility
):
    from kith.helpers.models import HelperProfile

    held = HelperProfile.objects.get(safeguarding_hold=True)
    name = held.user.full_name
    sign_in(page, "safeguarding@riverside.example")
    page.goto("/safeguarding/concerns/")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_text(f"{name} is paused")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("They must stop helping").check()
    page.locator("#id_reason").fill("She confirmed he took £40 from her purse.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-warning-text").last).to_contain_text(
        "Disclosure and Barring Service"
    )
    check_accessibility(page)
    page.locator("#id_dbs_referred_0").check()
    page.locator("#id_dbs_reason").fill("Removed for financial abuse of a member.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("duty to refer")
    expect(
        page.get_by_text("Referred to the Disclosure and Barring Service").first
    ).to_be_visible()
    check_accessibility(page)
    held.refresh_from_db()
    assert held.status == "left"
