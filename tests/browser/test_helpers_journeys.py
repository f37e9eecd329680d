"""Neighbourhood Helpers in Chromium: someone applies online, and a
coordinator vets them to the enhanced level and approves them. axe-core
checks every page reached."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kith.accounts.demo import DEMO_PASSWORD
from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _continue(page):
    page.get_by_role("button", name="Continue").click()


def _fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _apply_online(page, check, postcode):
    page.goto("/helpers/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Become a Neighbourhood Helper"
    )
    check(page)
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What is your name?")
    check(page)
    _continue(page)  # nothing typed: the error summary
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the full name")
    check(page)
    page.get_by_label("Full name").fill("Maisie Fairweather")
    _continue(page)

    page.get_by_label("Email address (optional)").fill("maisie@example.com")
    page.get_by_label("Mobile number (optional)").fill("07700 900 777")
    check(page)
    _continue(page)

    page.get_by_label("Address line 1").fill("12 Ferry Walk")
    page.get_by_label("Postcode").fill("SW1A 1AA")
    _continue(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "This postcode is not in the area"
    )
    check(page)
    page.get_by_label("Postcode").fill(postcode)
    _continue(page)

    _fill_date(page, "Date of birth", timezone.localdate().replace(year=1962))
    check(page)
    _continue(page)

    page.get_by_label("Tell us a little about yourself (optional)").fill(
        "I used to be a nurse."
    )
    check(page)
    _continue(page)

    page.get_by_label("Gardening").check()
    page.get_by_label("Help with phones and computers").check()
    check(page)
    _continue(page)

    page.get_by_role("group", name="Gardening").get_by_label("Experienced").check()
    page.get_by_role("group", name="Help with phones and computers").get_by_label(
        "Some experience"
    ).check()
    check(page)
    _continue(page)

    page.get_by_label("Tuesday morning (9am to midday)").check()
    page.get_by_label("Thursday afternoon (midday to 5pm)").check()
    check(page)
    _continue(page)

    page.get_by_label("How many visits could you make in a week, at most?").fill("3")
    check(page)
    _continue(page)

    page.get_by_label("Up to 1 mile").check()
    check(page)
    _continue(page)

    page.get_by_label("Walking").check()
    page.get_by_label("Bus, train or tube").check()
    check(page)
    _continue(page)

    for name, phone in (("Rita Okoro", "020 7946 0321"), ("Tom Hale", "020 7946 0322")):
        page.get_by_label("Their full name").fill(name)
        page.get_by_label("How do they know you?").fill("Neighbour")
        page.get_by_label("Their phone number").fill(phone)
        check(page)
        _continue(page)

    page.get_by_label("Volunteer, unpaid").check()
    check(page)
    _continue(page)
    page.get_by_label("Yes").check()
    check(page)
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your application"
    )
    expect(page.locator("main")).to_contain_text("Maisie Fairweather")
    expect(page.locator("main")).to_contain_text("Tuesday morning")
    check(page)
    page.get_by_role("button", name="Send application").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Application sent")
    expect(page.locator("main")).to_contain_text("within a week")
    check(page)


def _record(page, check, kind_label, fill):
    page.get_by_role("link", name="Record a check").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a check")
    check(page)
    page.get_by_label(kind_label, exact=True).check()
    _continue(page)
    check(page)
    fill(page)
    page.get_by_role("button", name="Save the check").click()
    expect(page.get_by_text("check has been recorded")).to_be_visible()
    check(page)


def test_someone_applies_online_and_a_coordinator_vets_and_approves_them(
    page, demo, check_accessibility
):
    from kith.helpers.models import HelperProfile, HelperStatus
    from kith.helpers.vetting import VettingLevel
    from kith.notify.models import Message
    from kith.places.models import Postcode

    postcode = Postcode.objects.filter(postcode__startswith="RV").first().postcode
    _apply_online(page, check_accessibility, postcode)
    profile = HelperProfile.objects.get(user__email="maisie@example.com")
    assert profile.status == HelperStatus.APPLIED
    assert Message.objects.filter(
        template="helper_application_received", recipient=profile.user
    ).exists()

    sign_in(page, "coordinator@riverside.example")
    page.goto("/helpers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neighbourhood Helpers")
    check_accessibility(page)
    page.get_by_label("Name, email, phone number, postcode or date of birth").fill(
        "Fairweather"
    )
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Maisie Fairweather").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maisie Fairweather")
    expect(page.locator("main")).to_contain_text("Applied")
    check_accessibility(page)

    today = timezone.localdate()

    def identity(page):
        page.get_by_label("Passport").check()
        page.get_by_label("Utility bill from the last 3 months").check()
        _fill_date(page, "Date of the check", today)
        page.get_by_label("Passed", exact=True).check()

    _record(page, check_accessibility, "Identity", identity)
    expect(page.locator("main")).to_contain_text("Being checked")

    for referee in ("Rita Okoro", "Tom Hale"):

        def reference(page, referee=referee):
            page.get_by_label(referee).check()
            _fill_date(page, "Date the reference was received", today)
            page.get_by_label("Passed", exact=True).check()

        _record(page, check_accessibility, "Reference", reference)

    def interview(page):
        _fill_date(page, "Date of the check", today)
        page.get_by_label("Passed", exact=True).check()

    _record(page, check_accessibility, "Interview", interview)

    for training in ("Induction training", "Safeguarding training"):

        def course(page):
            _fill_date(page, "Date the training was completed", today)
            page.get_by_label("Passed", exact=True).check()
            page.get_by_label("Evidence reference (optional)").fill("Course 2026-11")

        _record(page, check_accessibility, training, course)
        if training == "Induction training":
            expect(page.locator("main")).to_contain_text("Vetting level today: Basic")

    def dbs(page):
        page.get_by_label("Certificate number").fill("0012 3456 789")
        page.get_by_role("button", name="Save the check").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter the 12-digit certificate number"
        )
        check_accessibility(page)
        page.get_by_label("Certificate number").fill("001234567890")
        _fill_date(page, "Date of issue", today - timedelta(days=14))
        page.get_by_label("Enhanced", exact=True).check()
        _fill_date(page, "Date of the decision", today)
        page.get_by_label("Suitable: they can go ahead").check()
        page.get_by_role(
            "group", name="Are they on the DBS update service"
        ).get_by_label("No").check()

    _record(page, check_accessibility, "DBS certificate", dbs)
    expect(page.locator("main")).to_contain_text("Vetting level today: Enhanced")

    page.get_by_role("link", name="DBS record").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DBS certificate record")
    expect(page.locator("main")).to_contain_text("001234567890")
    check_accessibility(page)
    page.go_back()

    page.get_by_role("button", name="Approve Maisie Fairweather as a helper").click()
    expect(
        page.get_by_text("Maisie Fairweather is now an active helper")
    ).to_be_visible()
    check_accessibility(page)

    profile.refresh_from_db()
    assert profile.status == HelperStatus.ACTIVE
    assert profile.level_on() == VettingLevel.ENHANCED
    assert profile.checks.count() == 7
    assert len(check_accessibility.checked) >= 30


def test_a_helper_sees_their_record_and_pauses(page, demo, check_accessibility):
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill("helper@riverside.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/helpers/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your helper record")
    expect(page.locator("main")).to_contain_text("Enhanced with barred list")
    expect(page.locator("main")).to_contain_text("Runs out after")
    check_accessibility(page)
    page.get_by_role("link", name="Pause helping").click()
    check_accessibility(page)
    page.get_by_label("Reason").fill("Away visiting family")
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("main")).to_contain_text("You are paused")
    check_accessibility(page)
    for name in ("skills", "usual times", "time away", "travel, visits and pay"):
        page.get_by_role("link", name=f"Change {name}").click()
        check_accessibility(page)
        page.get_by_role("link", name="Back").click()


def test_coordinator_pages_are_accessible(page, demo, check_accessibility):
    from kith.helpers.models import HelperProfile

    sign_in(page, "coordinator@riverside.example")
    profile = HelperProfile.objects.filter(user__email="helper@riverside.example").get()
    for path in [
        "/helpers/?level=enhanced_barred",
        "/helpers/?expiring=on",
        "/helpers/skills/",
        f"/helpers/{profile.pk}/",
        f"/helpers/{profile.pk}/skills/",
        f"/helpers/{profile.pk}/times/",
        f"/helpers/{profile.pk}/time-away/",
        f"/helpers/{profile.pk}/leave/",
        f"/helpers/{profile.pk}/referees/add/",
        "/helpers/apply/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        check_accessibility(page)
