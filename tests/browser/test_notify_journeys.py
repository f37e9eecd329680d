"""The outbox in Chromium: the coordinator's call list and messages sent,
and the large-print pages for members and helpers."""

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_works_through_the_call_list(page, demo, check_accessibility):
    from kith.notify.models import Call

    sign_in(page, "coordinator@riverside.example")
    page.get_by_role("link", name="Call list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call list")
    check_accessibility(page)
    open_calls = Call.objects.filter(done=False).count()
    assert open_calls > 0
    page.get_by_role("link", name="Record the call").first.click()
    check_accessibility(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose how the call went."
    )
    check_accessibility(page)
    page.get_by_label("Spoke to them").check()
    page.get_by_label("Note (optional)").fill("Happy with the time.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is recorded")
    expect(page.get_by_role("heading", name="Done today")).to_be_visible()
    check_accessibility(page)
    assert Call.objects.filter(done=False).count() == open_calls - 1

    page.get_by_role("link", name="Messages sent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages sent")
    check_accessibility(page)
    page.get_by_label("Status").select_option("queued")
    page.get_by_role("button", name="Filter").click()
    check_accessibility(page)
    page.locator("td a.govuk-link").first.click()
    expect(page.get_by_role("heading", name="What they received")).to_be_visible()
    check_accessibility(page)


def test_large_print_pages_for_a_member_and_a_helper(page, demo, check_accessibility):
    sign_in(page, "member@riverside.example")
    page.get_by_role("link", name="Your membership").first.click()
    page.get_by_role("link", name="coming visits and credits in large print").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coming visits for")
    expect(page.get_by_role("heading", name="Your credits")).to_be_visible()
    expect(page.locator("nav")).to_have_count(0)
    page.wait_for_load_state()  # the large print stylesheet has arrived
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('li, p')).fontSize)"
    )
    assert size >= 16 * 96 / 72  # at least 16pt on screen
    page.emulate_media(media="print")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 16 * 96 / 72 - 0.5
    page.emulate_media(media="screen")
    check_accessibility(page)
    page.goto("/notify/print/activities/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Activities in")
    check_accessibility(page)

    sign_in(page, "helper@riverside.example")
    page.get_by_role("link", name="Helper profile").first.click()
    page.get_by_role("link", name="week of visits in large print").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("the week from")
    check_accessibility(page)


def test_an_administrator_is_warned_of_a_wrong_notify_template(
    page, demo, check_accessibility
):
    from kith.notify.models import Message, TemplateProblem

    TemplateProblem.objects.create(
        template="welcome",
        channel="sms",
        kind=TemplateProblem.Kind.REFUSED,
        source=TemplateProblem.Source.SEND,
        detail="400 email template is not suitable for sms notification",
    )
    Message.objects.create(
        to="07700900999", channel="sms", template="welcome", status="held"
    )
    sign_in(page, "admin@riverside.example")
    banner = page.get_by_role("region", name="Messages cannot all be sent")
    expect(banner).to_contain_text("Some GOV.UK Notify templates are wrong.")
    check_accessibility(page)
    banner.get_by_role("link", name="See Notify configuration problems").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Notify configuration problems"
    )
    expect(page.locator("table").first).to_contain_text("not suitable for sms")
    check_accessibility(page)
    page.get_by_role("button", name="Send the held messages again").click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text(
        "1 held messages will be sent again."
    )
    check_accessibility(page)
