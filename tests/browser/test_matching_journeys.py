"""Matching in Chromium: a coordinator builds a plan for every open request,
reviews it, sends the offers, and a decline is planned again."""

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_builds_reviews_and_sends_a_plan(page, demo, check_accessibility):
    from kith.help.models import HelpRequest, Visit
    from kith.matching.models import MatchingPlan, PlanItem

    open_before = HelpRequest.objects.filter(status="open").count()
    assert open_before, "the demo has open requests to plan"
    sign_in(page, "coordinator@riverside.example")
    page.get_by_role("link", name="Matching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching plans")
    expect(page.get_by_text("No plan has been built yet.")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Build a plan for all open requests").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan of")
    expect(page.locator(".govuk-summary-list .govuk-tag")).to_have_text(
        "Ready to review"
    )
    check_accessibility(page)
    plan = MatchingPlan.objects.get()
    assert plan.items.count() == open_before
    proposed = list(plan.items.filter(outcome="proposed").order_by("pk"))
    assert proposed, "the demo has helpers for some open requests"

    # Unticking every offer and sending: a clear message, nothing sent.
    for box in page.locator("input[name=items]").all():
        box.uncheck()
    page.get_by_role("button", name="Send the ticked offers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose at least one offer to send."
    )
    check_accessibility(page)
    assert not Visit.objects.filter(plan_item__isnull=False).exists()

    # Send all but the last.
    for box in page.locator("input[name=items]").all()[:-1]:
        box.check()
    page.get_by_role("button", name="Send the ticked offers").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent")
    expect(page.get_by_role("heading", name="What was sent")).to_be_visible()
    check_accessibility(page)
    plan.refresh_from_db()
    assert plan.status == "sent"
    outcomes = [i.outcome for i in plan.items.filter(pk__in=[p.pk for p in proposed])]
    assert outcomes.count("left") == 1
    assert outcomes.count("sent") + outcomes.count("failed") == len(proposed) - 1

    # A helper says no to one of the offers: it is planned again without
    # them (the worker runs the re-plan once the decline is committed).
    item = plan.items.filter(outcome=PlanItem.Outcome.SENT).first()
    assert item is not None, "at least one offer went out"
    from kith.help import services

    services.visit_decline(
        actor=item.helper.user, visit=item.visit, reason="I am away that week"
    )
    replan = MatchingPlan.objects.get(replans=item)
    assert replan.trigger == "decline"
    assert not replan.items.filter(helper=item.helper).exists()
    page.goto("/matching/")
    expect(
        page.get_by_text("Planned again after a helper said no").first
    ).to_be_visible()
    page.goto(replan.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan of")
    check_accessibility(page)
