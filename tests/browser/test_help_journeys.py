"""Help in Chromium: from asking to a settled, rated visit on the statement."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kith.accounts.demo import DEMO_PASSWORD
from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_asking_to_a_settled_rated_visit(page, demo, check_accessibility):
    from kith.help.models import HelpRequest, Visit

    day = timezone.localdate() + timedelta(days=3)
    # The member asks for help.
    sign_in(page, "member@riverside.example")
    page.get_by_role("link", name="Ask for help").first.click()
    page.get_by_label("Gardening").check()
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What needs doing?").fill("Cut back the roses by the gate")
    page.get_by_label("At home").check()
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("On particular days and times").check()
    group = page.locator(".govuk-inset-text").first
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    group.get_by_label("From").select_option("10:00")
    group.get_by_label("Until").select_option("14:00")
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("1 hour", exact=True).check()
    page.get_by_label("Just once").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("No rush: within a week or two").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you send")
    check_accessibility(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Request sent")
    check_accessibility(page)
    request = HelpRequest.objects.get(details="Cut back the roses by the gate")
    from kith.helpers.models import HelperProfile, HelperSkill

    sam = HelperProfile.objects.get(user__email="helper@riverside.example")
    if request.category.skill_id:
        HelperSkill.objects.get_or_create(
            profile=sam, skill_id=request.category.skill_id, defaults={"level": "good"}
        )
    # ...and is free that day, so the shortlist suggests him.
    sam.availability.all().delete()
    sam.availability.create(weekday=day.weekday(), starts_at=time(9), ends_at=time(17))

    # The coordinator offers it to the demo helper.
    sign_in(page, "coordinator@riverside.example")
    page.goto(f"/help/requests/{request.pk}/")
    check_accessibility(page)
    expect(page.locator("#shortlist")).to_have_text("Offer to a helper")
    page.get_by_role("button", name="Offer to Sam Okafor").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Offered to Sam Okafor"
    )
    visit = Visit.objects.get(request=request)

    # A helper who is not assigned cannot see the visit or the address.
    other = (
        HelperProfile.objects.filter(status="active")
        .exclude(user__email="helper@riverside.example")
        .select_related("user")
        .first()
    )
    assert other is not None

    # The helper accepts.
    sign_in(page, "helper@riverside.example")
    page.goto("/help/visits/")
    check_accessibility(page)
    page.goto(f"/help/visits/{visit.pk}/")
    expect(page.get_by_text("Shown here from the day before")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Yes, I can do it").click()
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Time you will arrive").select_option("11:00")
    check_accessibility(page)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("A coordinator will confirm it")).to_be_visible()

    # The coordinator confirms it to the member.
    sign_in(page, "coordinator@riverside.example")
    page.goto(f"/help/requests/{request.pk}/")
    page.get_by_role("button", name="Confirm to the member").click()
    expect(
        page.get_by_text("Confirmed. The member and the helper have been told.")
    ).to_be_visible()

    # The visit happens (we move it into the past) and the helper records it.
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )
    sign_in(page, "helper@riverside.example")
    page.goto(f"/help/visits/{visit.pk}/")
    expect(page.locator(".govuk-summary-list")).to_contain_text(
        "RV"
    )  # the address shows now
    page.get_by_role("link", name="Record the visit as done").click()
    page.get_by_label("How long did it take?").select_option("60")
    check_accessibility(page)
    page.get_by_role("button", name="Save").click()
    assert Visit.objects.get(pk=visit.pk).status == "settled"

    # The other helper still cannot see it.
    page.context.clear_cookies()
    from django.contrib.auth import get_user_model

    other_user = get_user_model().objects.get(pk=other.user_id)
    other_user.email = "other.helper@riverside.example"
    other_user.set_password(DEMO_PASSWORD)
    other_user.save()
    sign_in(page, "other.helper@riverside.example")
    response = page.goto(f"/help/visits/{visit.pk}/")
    assert response.status == 404

    # The member rates it and sees it on their statement.
    sign_in(page, "member@riverside.example")
    page.goto(f"/help/requests/{request.pk}/")
    page.get_by_role("link", name="Say how it went").click()
    page.get_by_label("Very well", exact=True).check()
    check_accessibility(page)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("main")).to_contain_text("Rated 5 out of 5")
    check_accessibility(page)
    page.goto("/credits/")
    expect(page.locator("main")).to_contain_text("gardening with Sam")
    check_accessibility(page)
