"""The local directory in Chromium: an organisation editor adds a service
and a coordinator publishes it; an editor changes a published entry, which
waits for a check; a resident, not signed in, finds a lunch
club near their postcode; a coordinator points a member to a service.
axe-core checks each page."""

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_adds_a_service_and_a_coordinator_publishes_it(
    page, demo, check_accessibility
):
    from kith.directory.models import Service

    sign_in(page, "editor@riverside.example")
    page.get_by_role("link", name="Your organisation").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Riverside Age Concern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Age Concern")
    check_accessibility(page)
    page.get_by_role("link", name="Add a service").click()
    # A missing answer is shown in the error summary, and nothing is saved.
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter name of the service."
    )
    check_accessibility(page)
    page.get_by_label("Name of the service").fill("Seated yoga")
    page.get_by_label("What it is, in plain words").fill(
        "Gentle yoga on a chair. Wear comfortable clothes."
    )
    page.get_by_label("Exercise", exact=True).check()
    page.get_by_label("Just turn up").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seated yoga")
    check_accessibility(page)
    page.get_by_role("link", name="Add when it runs").click()
    page.get_by_label("Thursday").check()
    page.get_by_label("Opens at").select_option("10:00")
    page.get_by_label("Closes at").select_option("11:00")
    check_accessibility(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Thursdays 10am to 11am")
    page.get_by_role("link", name="Add a cost").click()
    page.get_by_label("Free").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a place").click()
    page.get_by_label("Age Concern Centre").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Send for a check").click()
    expect(page.locator("main")).to_contain_text("Waiting for a check")
    check_accessibility(page)
    service = Service.objects.get(name="Seated yoga")
    assert service.review_state == "waiting"

    # Not public until checked.
    page.context.clear_cookies()
    page.goto(f"/directory/services/{service.uuid}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Seated yoga")

    sign_in(page, "coordinator@riverside.example")
    page.get_by_role("link", name="Directory checks").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Seated yoga").click()
    check_accessibility(page)
    page.get_by_role("button", name="It is right: publish it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Seated yoga is published."
    )
    service.refresh_from_db()
    assert service.review_state == "published"
    assert service.checked_by.email == "coordinator@riverside.example"

    page.context.clear_cookies()
    page.goto(f"/directory/services/{service.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Seated yoga")
    expect(page.locator("main")).to_contain_text("Last checked on")
    check_accessibility(page)


def test_an_editor_changes_a_published_entry_and_it_waits_for_a_check(
    page, demo, check_accessibility
):
    from kith.directory.models import Service

    live = Service.objects.get(name="Befriending by phone", draft_of__isnull=True)
    sign_in(page, "editor@riverside.example")
    page.goto(f"/directory/entries/{live.pk}/")
    check_accessibility(page)
    page.get_by_role("button", name="Change this entry").click()
    expect(page.locator("main")).to_contain_text("Changes to a published entry")
    check_accessibility(page)
    page.get_by_role("link", name="Change Mondays").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change when it runs")
    expect(page.get_by_label("Monday")).to_be_checked()
    check_accessibility(page)
    # A bad change is refused with the reason, and nothing is saved.
    page.get_by_label("Opens at").select_option("17:00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The closing time must be after the opening time."
    )
    check_accessibility(page)
    page.get_by_label("Friday").uncheck()
    page.get_by_label("Opens at").select_option("09:00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Mondays and Wednesdays 9am to 4pm")
    page.get_by_role("button", name="Send for a check").click()
    expect(page.locator("main")).to_contain_text("Waiting for a check")

    # The public still sees the checked entry.
    page.context.clear_cookies()
    page.goto(f"/directory/services/{live.uuid}/")
    expect(page.locator("main")).to_contain_text(
        "Mondays, Wednesdays and Fridays 10am to 4pm"
    )

    sign_in(page, "coordinator@riverside.example")
    page.get_by_role("link", name="Directory checks").first.click()
    page.get_by_role("link", name="Befriending by phone").click()
    expect(page.locator("main")).to_contain_text("Mondays and Wednesdays 9am to 4pm")
    check_accessibility(page)
    page.get_by_role("button", name="It is right: publish it").click()
    page.context.clear_cookies()
    page.goto(f"/directory/services/{live.uuid}/")
    expect(page.locator("main")).to_contain_text("Mondays and Wednesdays 9am to 4pm")
    check_accessibility(page)


def test_a_resident_finds_a_lunch_club_near_their_postcode(
    page, demo, check_accessibility
):
    from kith.directory.models import Location

    postcode = Location.objects.get(name="Mill Green Community Centre").postcode
    page.goto("/")
    page.get_by_role("link", name="Find local services").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find local services")
    check_accessibility(page)
    page.get_by_label("What do you need?").select_option(label="Lunch clubs")
    page.get_by_label("Postcode").fill(postcode.lower())
    page.get_by_role("button", name="Search").click()
    first = page.locator("main h3").first
    expect(first).to_have_text("Friday lunch")
    expect(page.locator("main")).to_contain_text("0.0 km away")
    check_accessibility(page)
    # A postcode nobody knows says so.
    page.get_by_label("Postcode").fill("SW9 9ZZ")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "We do not know the postcode SW9 9ZZ"
    )
    check_accessibility(page)
    page.go_back()
    page.get_by_role("link", name="Friday lunch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Friday lunch")
    expect(page.locator("main")).to_contain_text("Fridays 12 noon to 2pm")
    expect(page.locator("main")).to_contain_text("£3.00")
    check_accessibility(page)
    page.goto("/directory/print/?term=lunch-clubs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lunch clubs")
    check_accessibility(page)


def test_a_coordinator_signposts_a_member(page, demo, check_accessibility):
    from kith.directory.models import Signposting
    from kith.members.models import Membership

    joan = Membership.objects.get(person__email="member@riverside.example")
    sign_in(page, "coordinator@riverside.example")
    page.goto(f"/members/{joan.pk}/")
    expect(page.locator("main")).to_contain_text("Services they were pointed to")
    page.get_by_role("link", name="Point them to a service").click()
    check_accessibility(page)
    page.get_by_label("Which service?").select_option(
        label="Befriending by phone (Riverside Age Concern) — takes referrals"
    )
    page.get_by_label("Note").fill("Would like a weekly call.")
    page.get_by_label("Also send the service a referral, by email or letter").check()
    page.get_by_role("button", name="Record it").click()
    expect(page.locator("main")).to_contain_text("Befriending by phone")
    expect(page.locator("main")).to_contain_text("Would like a weekly call.")
    check_accessibility(page)
    made = Signposting.objects.get(service__name="Befriending by phone")
    assert made.referred
    assert made.message.to == "befriending@ageconcern-riverside.example"
