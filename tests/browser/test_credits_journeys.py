"""Credits in Chromium: a coordinator records a member's top-up on the phone
and the member sees it on their statement, with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_records_a_top_up_and_the_member_sees_it(
    page,
    demo,
    check_accessibility,
):
    from kith.accounts.models import User

    member = User.objects.get(email="member@riverside.example")

    sign_in(page, "coordinator@riverside.example")
    page.goto("/credits/accounts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Credits")
    check_accessibility(page)
    page.get_by_label("Name").fill(member.full_name)
    page.get_by_role("button", name="Search").click()
    # The demo has two people of that name: choose by the record.
    page.locator(f'a[href="/credits/members/{member.pk}/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{member.full_name}’s credits"
    )
    check_accessibility(page)
    page.get_by_role("link", name="Record a top-up").click()
    check_accessibility(page)

    # Nothing filled in: the error summary says what to do, and nothing moves.
    page.get_by_role("button", name="Record top-up").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter how many credits they bought.")
    expect(summary).to_contain_text("Enter how much was paid.")
    check_accessibility(page)

    page.get_by_label("How many credits did they buy?").fill("3")
    page.get_by_label("How much was paid, in pounds?").fill("28.50")
    page.get_by_label("Cheque").check()
    page.get_by_label("Payment reference").fill("100234")
    page.get_by_role("button", name="Record top-up").click()
    expect(
        page.get_by_text(f"3 credits added to {member.full_name}’s credits.")
    ).to_be_visible()
    expect(page.locator("table")).to_contain_text("Credits bought by cheque")
    check_accessibility(page)
    page.get_by_role("link", name="Credits bought by cheque").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Credits bought")
    expect(page.locator(".govuk-summary-list")).to_contain_text("£28.50 (100234)")
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "member@riverside.example")
    page.goto("/credits/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your credits")
    first_line = page.locator("tbody tr").first
    expect(first_line).to_contain_text("Credits bought by cheque")
    expect(first_line).to_contain_text("3 credits")
    expect(page.locator("#balance")).to_contain_text("credits")
    check_accessibility(page)
    # The member's own statement never shows the payment reference.
    expect(page.locator("main")).not_to_contain_text("100234")


def test_every_credits_page_passes_axe(
    page,
    demo,
    check_accessibility,
):
    from kith.credits.models import Transfer

    topup = Transfer.objects.filter(kind="topup").order_by("pk").first()
    sign_in(page, "coordinator@riverside.example")
    for path in ("/credits/accounts/?kind=helper", "/credits/accounts/?low=on"):
        page.goto(path)
        check_accessibility(page)
    page.goto(f"/credits/transfers/{topup.pk}/reverse/")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Why is this being put right?").fill("Entered twice")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to reverse this transfer?"
    )
    check_accessibility(page)
    page.goto("/credits/payroll/")
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "council@riverside.example")
    page.goto("/credits/grants/")
    check_accessibility(page)
    page.get_by_role("link", name="Grant credits").first.click()
    page.get_by_role("button", name="Grant credits").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "admin@riverside.example")
    page.goto("/credits/settings/")
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "helper@riverside.example")
    page.goto("/credits/helper/")
    check_accessibility(page)
    page.goto("/credits/helper/give/")
    check_accessibility(page)
    assert len(check_accessibility.checked) >= 10
