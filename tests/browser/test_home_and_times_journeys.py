"""What new users found (issue 13), in Chromium with axe-core: a member's
home page shows what matters first; a helper reaches a past visit and says
how it went from "Recent visits"; the helper's statement reads in date
order; and every time is written one way (10am, 2:30pm, midday)."""

import itertools
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOV_UK_TIME = r"(\d{1,2}(:\d{2})?(am|pm)|midday|midnight)"
OTHER_TIMES = re.compile(r"\b\d{1,2}:\d{2}\b(?!\s*(am|pm))|a\.m\.|p\.m\.")


def _other_time_formats(page) -> list[str]:
    text = page.locator("main").inner_text()
    return [m.group(0) for m in OTHER_TIMES.finditer(text)]


def _credits(text: str) -> float:
    return float(text.split()[0]) if text.strip() else 0.0


def test_home_recent_visits_statement_and_times(page, demo, check_accessibility):
    from kith.help.models import Visit
    from kith.helpers.models import HelperProfile
    from kith.members.models import Membership
    from tests.factories import HelpRequestFactory, VisitFactory

    membership = Membership.objects.get(person__email="member@riverside.example")
    sam = HelperProfile.objects.get(user__email="helper@riverside.example")
    request = HelpRequestFactory(membership=membership, category="Company")
    due = VisitFactory(request=request, helper=sam, confirmed=True)
    # Its time has passed and Sam has not yet said how it went.
    Visit.objects.filter(pk=due.pk).update(
        starts_at=timezone.now() - timedelta(hours=26)
    )

    # The member sees what matters first, then what they can do.
    sign_in(page, "member@riverside.example")
    main = page.locator("main")
    headings = main.get_by_role("heading", level=2).all_inner_texts()
    for heading in (
        "Your next visit",
        "Your credits",
        "Your activities this week",
        "Introductions",
    ):
        assert headings.index(heading) < headings.index("What you can do")
    visit_text = main.locator("h2:has-text('Your next visit') + p").inner_text()
    assert re.search(
        rf"is coming on \w+day \d+ \w+ at {GOV_UK_TIME}", visit_text
    ) or visit_text.startswith("You have no visits booked.")
    expect(main).to_contain_text(
        re.compile(r"You have .* of help|no credits|overdrawn")
    )
    assert _other_time_formats(page) == []
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()

    # The helper finds the past visit under "Recent visits" and says how it went.
    sign_in(page, "helper@riverside.example")
    page.goto("/help/visits/")
    expect(page.get_by_role("heading", name="Recent visits")).to_be_visible()
    assert _other_time_formats(page) == []
    check_accessibility(page)
    page.locator(f'a[href="/help/visits/{due.pk}/done/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the visit")
    check_accessibility(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Thank you. The visit has been recorded.")).to_be_visible()
    due.refresh_from_db()
    assert due.status in ("done", "settled")
    page.goto("/help/visits/")
    recent = page.locator("h2:has-text('Recent visits') + ul")
    expect(recent.locator(f'a[href="/help/visits/{due.pk}/"]')).to_be_visible()
    expect(recent.locator(f'a[href="/help/visits/{due.pk}/done/"]')).to_have_count(0)
    recent.locator(f'a[href="/help/visits/{due.pk}/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Company")
    assert _other_time_formats(page) == []
    check_accessibility(page)

    # The helper's statement reads down the page: each balance is the one
    # below it plus what came in, less what went out.
    page.goto("/credits/helper/")
    rows = page.locator("tbody tr")
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    for row, below in itertools.pairwise(cells):
        moved = _credits(row[2]) - _credits(row[3])
        assert _credits(row[4]) == pytest.approx(_credits(below[4]) + moved), cells
    check_accessibility(page)
