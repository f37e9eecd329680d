"""People's rights in Chromium: a member's daughter asks for her mother's
data and the coordinator produces it; an erasure request waits on its
legal holds; an officer records a breach."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_produces_a_members_data_for_her_daughter(
    page, demo, check_accessibility
):
    from kith.members.models import Membership

    member = Membership.objects.filter(status="active").select_related("person").last()
    name = member.person.full_name
    sign_in(page, "coordinator@riverside.example")
    page.get_by_role("link", name="Data requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data requests")
    check_accessibility(page)
    page.get_by_role("link", name="Record a request").click()
    page.get_by_label("Whose data is it about?").fill(name)
    page.get_by_role("button", name="Find them").click()
    check_accessibility(page)
    page.get_by_role("link", name=name).first.click()
    check_accessibility(page)
    page.get_by_role("button", name="Record request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose what they are asking for."
    )
    check_accessibility(page)
    page.get_by_label("See their data (access)").check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("By phone").check()
    page.get_by_label("Asked by someone else for them (optional)").fill(
        "Her daughter, with written authority"
    )
    page.get_by_role("button", name="Record request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    check_accessibility(page)
    page.locator("#id_checked_on_day").fill("1")
    page.locator("#id_checked_on_month").fill("12")
    page.locator("#id_checked_on_year").fill("2026")
    page.get_by_label("How was their identity").fill(
        "Called the member back on the number we hold."
    )
    page.get_by_role("button", name="Record the check").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("identity check")
    check_accessibility(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download their data").click()
    data = download_info.value.path().read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert name in archive.read("summary.html").decode()


def test_an_officer_decides_a_breach_within_72_hours(page, demo, check_accessibility):
    sign_in(page, "council@riverside.example")
    page.get_by_role("link", name="Data breaches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data breaches")
    check_accessibility(page)
    # The newest breach, found yesterday, is not decided yet.
    page.locator("td a.govuk-link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data breach")
    expect(page.locator(".govuk-warning-text")).to_contain_text("ICO")
    check_accessibility(page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("decision")
    check_accessibility(page)
