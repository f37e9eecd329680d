"""Participatory budgeting in Chromium: a resident proposes and an officer
checks, a resident votes online with a code, a coordinator enters a stack of
paper ballots, and an officer closes the box, counts and publishes. axe-core
checks each page."""

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _round(title):
    from kith.budgeting.models import Round

    return Round.objects.get(title=title)


def test_a_resident_proposes_and_an_officer_checks(page, demo, check_accessibility):
    from kith.accounts.models import User
    from kith.places.models import Postcode

    youth = _round("Riverside Youth Fund")
    member = User.objects.get(email="member@riverside.example")
    postcode = Postcode.objects.filter(postcode__startswith="RV").first().postcode
    sign_in(page, "member@riverside.example")
    page.get_by_role("link", name="Local budgets").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Riverside Youth Fund").click()
    check_accessibility(page)
    page.get_by_role("link", name="Propose an idea").click()
    # One question a page (the round has one heading, so none to choose).
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Name of your idea").fill("Climbing wall")
    page.get_by_label("What would the money pay for?").fill("A small climbing wall.")
    page.get_by_role("button", name="Continue").click()
    check_accessibility(page)
    page.get_by_label("Somewhere else, or nowhere in particular").check()
    page.get_by_label("Where is it?").fill("The youth club")
    page.get_by_role("button", name="Continue").click()
    if "Is it part of a community project?" in page.locator("h1").inner_text():
        check_accessibility(page)
        page.get_by_label("No, or I do not know").check()
        page.get_by_role("button", name="Continue").click()
    page.get_by_label("What do you think it would cost").fill("3000")
    page.get_by_role("button", name="Continue").click()
    check_accessibility(page)
    page.get_by_label("Full name").fill(member.full_name)
    page.get_by_label("Postcode").fill(postcode)
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1950")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_contain_text("Check before you send")
    check_accessibility(page)
    page.get_by_role("button", name="Send the idea").click()
    expect(page.locator("main")).to_contain_text("Your idea is proposal 3")
    check_accessibility(page)

    sign_in(page, "council@riverside.example")
    page.goto(youth.get_absolute_url())
    page.get_by_role("link", name="Check Climbing wall").click()
    check_accessibility(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Yes").check()
    page.get_by_label("Reason").fill("The youth club has room for it.")
    page.get_by_label("Cost in pounds").fill("3200")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("The youth club has room for it.")
    proposal = youth.proposals.get(title="Climbing wall")
    assert (proposal.feasibility, proposal.cost) == ("feasible", 3200)


def test_a_resident_votes_online_with_a_code(page, demo, check_accessibility):
    from kith.budgeting.models import Ballot
    from kith.notify.models import Message
    from kith.places.models import Postcode
    from tests.inbox import received_code

    parks = _round("Riverside Parks Fund")
    postcode = Postcode.objects.filter(postcode__startswith="RV").first().postcode
    page.goto(parks.get_absolute_url())
    check_accessibility(page)
    page.get_by_role("link", name="Vote online").click()
    page.get_by_label("Email address or mobile number").fill("nell@example.com")
    check_accessibility(page)
    page.get_by_role("button", name="Send me a code").click()
    code = received_code(
        Message.objects.filter(template="contact_code").order_by("pk").last()
    )
    page.get_by_label("Full name").fill("Nell Carter")
    page.get_by_label("Postcode").fill(postcode)
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("1948")
    page.get_by_label("Wildflower meadow").check()
    page.get_by_label("Outdoor gym").check()
    page.get_by_label("The 6-digit code we sent you").fill(code)
    check_accessibility(page)
    page.get_by_role("button", name="Send my vote").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Your vote is in")
    check_accessibility(page)
    assert Ballot.objects.filter(round=parks, channel="online").count() == 1


def test_staff_enter_papers_then_an_officer_counts_and_publishes(
    page, demo, check_accessibility
):
    from kith.budgeting.demo import _move
    from kith.places.models import Postcode

    parks = _round("Riverside Parks Fund")
    postcodes = list(
        Postcode.objects.filter(postcode__startswith="RV").values_list(
            "postcode", flat=True
        )[:3]
    )
    sign_in(page, "coordinator@riverside.example")
    page.goto(parks.get_absolute_url())
    page.get_by_role("link", name="Enter paper or phone ballots").click()
    check_accessibility(page)
    papers = [
        (101, "Ann Bell", ["Outdoor gym"]),
        (102, "Cal Dunn", ["Wildflower meadow", "New goal posts"]),
        # Over £10,000: recorded as spoiled, not corrected.
        (103, "Eve Ford", ["Outdoor gym", "Pond dipping platform", "New goal posts"]),
    ]
    for (number, name, chosen), postcode in zip(papers, postcodes, strict=True):
        page.get_by_label("Paper number").fill(str(number))
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Postcode").fill(postcode)
        page.get_by_label("Day").fill("1")
        page.get_by_label("Month").fill("1")
        page.get_by_label("Year").fill("1950")
        for title in chosen:
            page.get_by_label(title).check()
        page.get_by_role("button", name="Enter this ballot").click()
        expect(page.locator("main")).to_contain_text(f"paper {number}")
    expect(page.locator("main")).to_contain_text(
        "Recorded paper 103 as spoiled: The projects chosen cost more than the amount."
    )
    check_accessibility(page)

    _move(parks, "counting")
    sign_in(page, "council@riverside.example")
    page.goto(parks.get_absolute_url())
    page.get_by_role("link", name="Close the ballot box").click()
    check_accessibility(page)
    page.get_by_role("button", name="Close the ballot box").click()
    page.get_by_role("link", name="Count the votes").click()
    page.get_by_role("button", name="Count the votes").click()
    expect(page.locator("main")).to_contain_text("Not published yet")
    check_accessibility(page)
    page.goto(parks.get_absolute_url())
    page.get_by_role("link", name="Publish the results").click()
    page.get_by_role("button", name="Publish the results").click()
    expect(page.locator("main")).to_contain_text("spent")
    expect(page.locator("main")).to_contain_text("1 spoiled")
    check_accessibility(page)
    # News of a winning proposal, until it is delivered.
    page.get_by_role("link", name="Post an update").first.click()
    check_accessibility(page)
    page.get_by_role("button", name="Publish the update").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Under way").check()
    page.get_by_label("What has happened?").fill("The equipment is ordered.")
    page.get_by_role("button", name="Publish the update").click()
    expect(page.locator("main")).to_contain_text("The equipment is ordered.")

    page.context.clear_cookies()
    page.goto(parks.get_absolute_url())
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    expect(page.locator("main")).to_contain_text("The equipment is ordered.")
    check_accessibility(page)
