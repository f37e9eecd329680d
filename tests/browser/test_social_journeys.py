"""Activities and introductions in Chromium: signing up for a coffee
morning, hosting an activity a coordinator approves, and two members
introduced who both say yes. axe-core checks each page."""

import pytest
from django.db.models import Q
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_up_for_a_coffee_morning_with_a_lift(
    page, demo, check_accessibility
):
    from kith.social.models import SignUp

    sign_in(page, "member@riverside.example")
    page.get_by_role("link", name="Activities").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Activities and introductions"
    )
    check_accessibility(page)
    page.get_by_role("link", name="See what’s on").click()
    check_accessibility(page)
    # Filter, without JavaScript's help: the form works as a plain GET.
    page.get_by_label("Hearing loop").check()
    page.get_by_role("button", name="Show activities").click()
    expect(page.locator("#weeks")).to_contain_text("Coffee morning")
    expect(page.locator("#weeks")).not_to_contain_text("Walk round the park")
    page.get_by_role("link", name="Coffee morning").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coffee morning")
    expect(page.locator("main")).to_contain_text("Hearing loop")
    check_accessibility(page)
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("I need a lift there and back").check()
    check_accessibility(page)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".govuk-panel")).to_contain_text("You have a place")
    expect(page.locator("main")).to_contain_text("We have asked for a lift")
    check_accessibility(page)
    # "Give up the place below" has something below it.
    page.get_by_role("link", name="Give up the place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give up this place?")
    check_accessibility(page)
    page.go_back()
    # The demo's member may already be down for a project's work day.
    mine = SignUp.objects.filter(
        person__email="member@riverside.example",
        occurrence__activity__title="Coffee morning",
    )
    made = mine.get()
    assert made.status == "booked" and made.lift_request is not None

    # Signing up again changes nothing and says why.
    page.goto(f"/social/dates/{made.occurrence_id}/sign-up/")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "already has a place. Nothing has changed."
    )
    check_accessibility(page)
    assert mine.count() == 1


def test_a_member_hosts_an_activity_that_a_coordinator_approves(
    page, demo, check_accessibility
):
    from datetime import timedelta

    from django.utils import timezone

    from kith.social.models import Activity

    day = timezone.localdate() + timedelta(days=4)
    sign_in(page, "member@riverside.example")
    page.goto("/social/")
    page.get_by_role("link", name="Host an activity").click()
    page.get_by_label("What is the activity called?").fill("Scrabble club")
    page.get_by_label("What happens?").fill("Friendly games of Scrabble, all levels.")
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Starts at").select_option("14:00")
    page.get_by_label("2 hours").check()
    page.get_by_label("Every week").check()
    page.get_by_label("If it repeats: how many times?").fill("6")
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Riverside Library, 40 High Street").check()
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("How many people can come?").fill("8")
    page.get_by_label("Free").check()
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you send")
    check_accessibility(page)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-panel")).to_contain_text("sent for approval")
    check_accessibility(page)
    activity = Activity.objects.get(title="Scrabble club")
    assert activity.status == "proposed" and activity.host_kind == "member"

    sign_in(page, "coordinator@riverside.example")
    page.goto("/social/activities/to-approve/")
    check_accessibility(page)
    page.get_by_role("button", name="Approve Scrabble club").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Scrabble club is approved"
    )
    check_accessibility(page)
    activity.refresh_from_db()
    assert activity.status == "listed" and activity.occurrences.count() == 6
    page.goto("/social/activities/")
    expect(page.locator("#weeks")).to_contain_text("Scrabble club")


def test_two_members_are_introduced_and_both_say_yes(page, demo, check_accessibility):
    from kith.social.models import Introduction

    joan = Q(first__person__email="member@riverside.example") | Q(
        second__person__email="member@riverside.example"
    )
    introduction = (
        Introduction.objects.filter(joan, status="suggested")
        .select_related("first__person", "second__person")
        .order_by("-score")
        .first()
    )
    other = (
        introduction.second
        if introduction.first.person.email == "member@riverside.example"
        else introduction.first
    )

    sign_in(page, "coordinator@riverside.example")
    page.goto("/social/introductions/")
    check_accessibility(page)
    page.goto(f"/social/introductions/{introduction.pk}/")
    expect(page.locator("main")).to_contain_text("Why they might get on")
    check_accessibility(page)
    page.get_by_label("Share first names and contact details").check()
    page.get_by_role("button", name="Ask them both").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Asked.")
    check_accessibility(page)

    sign_in(page, "member@riverside.example")
    page.goto("/social/")
    # The demo asked her about another member already: answer this one.
    page.locator(
        f'main a[href="/social/introductions/yours/{introduction.pk}/"]'
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Would you like to meet another member?"
    )
    expect(page.locator("main")).not_to_contain_text(other.person.full_name)
    check_accessibility(page)
    page.get_by_label("Yes, introduce us").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator("main")).to_contain_text("We are waiting to hear")
    check_accessibility(page)

    # The other member says yes on the phone.
    sign_in(page, "coordinator@riverside.example")
    page.goto(f"/social/introductions/{introduction.pk}/")
    page.get_by_role("button", name=f"{other.person.display_name} said yes").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Yes")
    check_accessibility(page)

    sign_in(page, "member@riverside.example")
    page.goto(f"/social/introductions/yours/{introduction.pk}/")
    first_name = other.person.preferred_name or other.person.full_name.split()[0]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Meet {first_name}")
    check_accessibility(page)
    introduction.refresh_from_db()
    assert introduction.status == "agreed"


def test_the_other_social_pages_pass_axe(page, demo, check_accessibility):
    from datetime import timedelta

    from django.utils import timezone

    from kith.social.models import Activity, Occurrence

    # A member: their introductions, free times and calendar address.
    sign_in(page, "member@riverside.example")
    for path in ("/social/introductions/yours/", "/social/free-times/"):
        page.goto(path)
        check_accessibility(page)
    page.goto("/social/calendar-address/")
    check_accessibility(page)
    page.get_by_role("button", name="Make my address").click()
    expect(page.locator("#feed-address")).to_contain_text("/social/calendar/")
    check_accessibility(page)
    address = page.locator("#feed-address").inner_text()
    response = page.request.get(address)
    assert response.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.body()

    # A coordinator: who is coming, who came, cancelling, not listing.
    coffee = Activity.objects.get(title="Coffee morning")
    first = coffee.occurrences.order_by("starts_at").first()
    Occurrence.objects.filter(pk=first.pk).update(
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    sign_in(page, "coordinator@riverside.example")
    page.goto(f"/social/dates/{first.pk}/")
    expect(page.get_by_role("heading", name="Who is coming")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Record who came").click()
    check_accessibility(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Who came has been recorded"
    )
    film = Activity.objects.get(title="Film afternoon")
    page.goto(f"/social/activities/{film.pk}/do-not-list/")
    page.get_by_role("button", name="Do not list it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why.")
    check_accessibility(page)
    page.goto(f"/social/activities/{coffee.pk}/cancel/")
    check_accessibility(page)
    page.goto("/social/")
    check_accessibility(page)
