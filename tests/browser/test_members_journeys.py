"""Members in Chromium: joining online, joining by phone, and a supporter."""

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in
from tests.inbox import received_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _continue(page):
    page.get_by_role("button", name="Continue").click()


def _answer_joining_questions(page, check, name, phone_number):
    from kith.places.models import Postcode

    postcode = (
        Postcode.objects.filter(postcode__startswith="RV1").order_by("postcode").first()
    )
    page.get_by_label("Postcode").fill(postcode.postcode.lower().replace(" ", ""))
    check(page)
    _continue(page)
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("7")
    page.get_by_label("Year").fill("1946")
    check(page)
    _continue(page)
    page.get_by_label("Full name").fill(name)
    _continue(page)
    page.get_by_label("Address line 1").fill("12 Ferry Walk")
    page.get_by_label("Town or city").fill("Riverside")
    check(page)
    _continue(page)
    page.get_by_label("Phone call").check()
    _continue(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a phone number")
    check(page)
    page.get_by_label("Phone number (optional)").fill(phone_number)
    _continue(page)
    page.get_by_label("Full membership").check()
    page.locator("fieldset", has_text="Pension Credit").get_by_label("Yes").check()
    check(page)
    _continue(page)
    page.get_by_label("Hearing").check()
    check(page)
    _continue(page)
    page.get_by_label("Gardening").check()
    check(page)
    _continue(page)
    check(page)
    _continue(page)
    page.locator("fieldset", has_text="introduce you").get_by_label("Yes").check()
    page.locator("fieldset", has_text="photographs").get_by_label("No").check()
    check(page)
    _continue(page)


def test_a_person_joins_online(page, demo, check_accessibility):
    page.goto("/")
    page.get_by_role("button", name="Join the circle").click()
    check_accessibility(page)
    page.get_by_role("button", name="Start now").click()
    _answer_joining_questions(
        page, check_accessibility, "Edna Fairweather", "020 7946 0555"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before joining"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("Edna Fairweather")
    expect(page.locator(".govuk-summary-list")).to_contain_text("14 July 1946")
    check_accessibility(page)
    page.get_by_role("button", name="Confirm and send").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Application sent")
    expect(
        page.get_by_text("A coordinator will phone you within 3 working days")
    ).to_be_visible()
    check_accessibility(page)
    from kith.members.models import Membership

    membership = Membership.objects.get(person__full_name="Edna Fairweather")
    assert membership.joined_how == "online" and membership.concession


def test_a_coordinator_joins_someone_by_phone_acting_for_them(
    page, demo, check_accessibility
):
    sign_in(page, "coordinator@riverside.example")
    page.get_by_role("link", name="Members").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Join someone by phone").first.click()
    check_accessibility(page)
    page.get_by_role("button", name="Start now").click()
    _answer_joining_questions(
        page, check_accessibility, "Albert Quayle", "020 7946 0556"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Read the answers back to them"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Confirm and send").click()
    banner = page.get_by_role("region", name="Acting for someone")
    expect(banner).to_contain_text("You are acting for Albert Quayle")
    check_accessibility(page)
    page.get_by_role("link", name="Open their membership record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Albert Quayle")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("By phone")
    check_accessibility(page)
    page.get_by_role("link", name="Welcome and take the fee").click()
    page.get_by_label("Cash").check()
    check_accessibility(page)
    page.get_by_role("button", name="Record fee").click()
    expect(page.get_by_text("the membership is active")).to_be_visible()

    # Next time Albert phones, the number he calls from finds him, written
    # any way, and the list says enough to tell him from another Albert.
    for typed in ("+44 20 7946 0556", "0044 20 7946 0556", "14 July 1946"):
        page.get_by_role("link", name="Members").first.click()
        page.get_by_label("Name, email, phone number, postcode or date of birth").fill(
            typed
        )
        page.get_by_role("button", name="Filter").click()
        rows = page.locator("tbody .govuk-table__row")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Albert Quayle")
        expect(rows.first).to_contain_text("born 14 July 1946")
        expect(rows.first).to_contain_text("020 7946 0556")
    check_accessibility(page)


def test_a_supporter_is_invited_and_accepts(page, demo, check_accessibility):
    from kith.accounts.models import User
    from kith.notify.models import Message

    User.objects.create_user(
        email="ruth@example.com",
        password="long-enough-password",
        full_name="Ruth Adeyemi",
    )
    sign_in(page, "member@riverside.example")
    page.get_by_role("link", name="Your membership").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Invite a supporter").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Their name").fill("Ruth Adeyemi")
    page.get_by_label("Who are they to the member?").fill("granddaughter")
    page.get_by_label("Their email address").fill("ruth@example.com")
    page.get_by_label("See the member’s coming visits").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("We have sent Ruth Adeyemi an invitation")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    link = received_link(
        Message.objects.filter(template="supporter_invitation").latest("created_at")
    )
    path = "/" + link.split("/", 3)[3]
    page.goto("/sign-in/?next=" + path)
    page.get_by_label("Email address").fill("ruth@example.com")
    page.get_by_label("Password").fill("long-enough-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "would like you to be their supporter"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Yes, I will be their supporter").click()
    expect(page.get_by_text("You are now a supporter of Joan")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Joan Adeyemi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Joan Adeyemi")
    check_accessibility(page)


def test_someone_with_no_account_accepts_an_invitation_with_a_code(
    page, demo, check_accessibility
):
    from kith.notify.models import Message
    from tests.inbox import received_code

    sign_in(page, "member@riverside.example")
    page.get_by_role("link", name="Your membership").first.click()
    page.get_by_role("link", name="Invite a supporter").click()
    page.get_by_label("Their name").fill("Tom Adeyemi")
    page.get_by_label("Who are they to the member?").fill("grandson")
    page.get_by_label("Their email address").fill("tom.adeyemi@example.com")
    page.get_by_label("See the member’s credits").check()
    check_accessibility(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("We have sent Tom Adeyemi an invitation")).to_be_visible()
    tom = page.get_by_role("row").filter(has_text="Tom Adeyemi")
    expect(tom.get_by_role("cell", name="see credits", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    link = received_link(
        Message.objects.filter(template="supporter_invitation").latest("created_at")
    )
    page.goto("/" + link.split("/", 3)[3])
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "would like you to be their supporter"
    )
    expect(page.get_by_text("see their credits")).to_be_visible()
    expect(page.get_by_text("t•••@example.com")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    check_accessibility(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Yes, I will be their supporter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "That code is not right"
    )
    check_accessibility(page)
    code = received_code(
        Message.objects.filter(template="contact_code").latest("created_at")
    )
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Yes, I will be their supporter").click()
    expect(page.get_by_text("You are now a supporter of Joan")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Joan Adeyemi").click()
    expect(page.get_by_role("heading", level=2, name="Their credits")).to_be_visible()
    expect(page.get_by_role("heading", name="Coming visits")).to_have_count(0)
    check_accessibility(page)
    page.get_by_role("link", name="Their credits statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("credits")
    check_accessibility(page)
