"""Reports in Chromium: a council officer opens the dashboard for two wards
and downloads a table as CSV and the scrutiny report as a PDF; a coordinator
records a member's wellbeing survey by phone. axe-core checks each page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_opens_the_dashboard_for_two_wards_and_downloads(
    page, demo, check_accessibility
):
    from kith.places.models import Ward

    wards = list(Ward.objects.filter(locality__slug="riverside").order_by("name")[:2])
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=300)).replace(day=1)
    sign_in(page, "council@riverside.example")
    page.get_by_role("link", name="Reports").first.click()
    expect(page.locator("h1")).to_have_text("Reports")
    check_accessibility(page)
    page.get_by_text("Choose the period and wards").click()
    page.get_by_label("First month").fill(f"{start:%Y-%m}")
    page.get_by_label("Last month").fill(f"{today:%Y-%m}")
    for ward in wards:
        page.get_by_label(ward.name, exact=True).check()
    check_accessibility(page)
    page.get_by_role("button", name="Show the figures").click()
    main = page.locator("main")
    expect(main).to_contain_text(f"{wards[0].name}, {wards[1].name}.")
    expect(main).to_contain_text("Headline figures")
    expect(page.locator("svg.kith-chart").first).to_be_visible()
    check_accessibility(page)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download “Visits done” as CSV").click()
    body = open(csv_download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert body.splitlines()[0].startswith("Ward or kind,")
    assert wards[0].name in body and wards[1].name in body

    page.get_by_role("link", name="Wellbeing and loneliness").click()
    expect(main).to_contain_text("Wellbeing before and after")
    check_accessibility(page)
    page.get_by_role("link", name="Six-monthly report for scrutiny").click()
    expect(main).to_contain_text("Caveats")
    check_accessibility(page)
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download as PDF").click()
    with open(pdf_download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_a_coordinator_records_a_survey_by_phone(page, demo, check_accessibility):
    from kith.reports.models import Instrument, Survey

    items = {
        item.key: item.pk
        for instrument in Instrument.objects.filter(shipped=True)
        for item in instrument.items.all()
    }
    before = Survey.objects.filter(how="phone").count()
    sign_in(page, "coordinator@riverside.example")
    page.get_by_role("link", name="Surveys").first.click()
    expect(page.locator("h1")).to_have_text("Wellbeing surveys due")
    check_accessibility(page)
    page.get_by_role("link", name="Record answers").first.click()
    expect(page.locator("main")).to_contain_text(
        "Overall, how satisfied are you with your life nowadays?"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Save the answers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose how the member answered."
    )
    check_accessibility(page)
    page.get_by_label("By phone").check()
    for key, value in [("life_satisfaction", 7), ("worthwhile", 8), ("happiness", 6),
                       ("anxiety", 2), ("lonely_direct", 3), ("ucla_companionship", 1),
                       ("ucla_left_out", 2), ("ucla_isolated", 1)]:  # fmt: skip
        page.locator(f"input[name=item_{items[key]}][value='{value}']").check()
    page.get_by_role("button", name="Save the answers").click()
    expect(page.locator("main")).to_contain_text("is saved")
    check_accessibility(page)
    assert Survey.objects.filter(how="phone").count() == before + 1
    latest = Survey.objects.filter(how="phone").order_by("-pk").first()
    assert (latest.life_satisfaction, latest.ucla_total) == (7, 4)
