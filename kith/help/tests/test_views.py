from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kith.accounts.models import Role
from kith.help import services
from kith.help.models import HelpRequest, Visit
from kith.help.tests.test_services import arranged, ask


def test_a_member_asks_for_help_through_the_question_pages(client, circle):
    client.force_login(circle.membership.person)
    response = client.get(reverse("help:ask_start"))
    assert response["Location"] == reverse("help:ask_step", args=["kind"])
    company = circle.categories["Company"]
    day = timezone.localdate() + timedelta(days=2)
    steps = [
        ("kind", {"category": company.pk}),
        ("what", {"details": "A chat over tea", "where": "home"}),
        (
            "when",
            {
                "when": "times",
                "day_1_day": day.day,
                "day_1_month": day.month,
                "day_1_year": day.year,
                "from_1": "10:00",
                "to_1": "12:00",
            },
        ),
        ("length", {"minutes": 60, "repeat_weeks": 1}),
        ("notes", {"urgency": "soon", "notes_for_helper": "Please knock loudly"}),
    ]
    for slug, data in steps:
        response = client.post(reverse("help:ask_step", args=[slug]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(reverse("help:ask_check")).content.decode()
    assert "A chat over tea" in page and "Please knock loudly" in page
    response = client.post(reverse("help:ask_check"))
    assert response["Location"] == reverse("help:ask_done")
    page = client.get(response["Location"]).content.decode()
    assert "Request sent" in page and "within 2 working days" in page
    # A second click sends nothing more.
    client.post(reverse("help:ask_check"))
    request = HelpRequest.objects.get()
    assert request.windows.count() == 1 and request.urgency == "soon"


def test_the_when_page_checks_the_times(client, circle):
    client.force_login(circle.membership.person)
    client.get(reverse("help:ask_start"))
    page = client.post(
        reverse("help:ask_step", args=["when"]),
        {"when": "times", "from_1": "12:00", "to_1": "10:00"},
    ).content.decode()
    assert "Enter the day" in page and "must be after the time from" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COORDINATOR, 200),
        (Role.MEMBER, 403),
        (Role.HELPER, 403),
        (Role.ADMIN, 403),
        (Role.COUNCIL_OFFICER, 403),
    ],
)
def test_dashboard_by_role(client, circle, role, status):
    client.force_login(circle.by_role(role))
    assert client.get(reverse("help:dashboard")).status_code == status


def test_a_helper_not_on_the_visit_cannot_see_it_or_the_address(client, circle):
    visit = arranged(circle)
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=timezone.now() + timedelta(hours=2)
    )
    client.force_login(circle.basic_helper.user)
    assert client.get(reverse("help:visit", args=[visit.pk])).status_code == 404
    assert (
        client.get(reverse("help:request", args=[visit.request_id])).status_code == 403
    )
    client.force_login(circle.helper_profile.user)
    page = client.get(reverse("help:visit", args=[visit.pk])).content.decode()
    assert "9 Wharf Road" in page


def test_the_assigned_helper_sees_no_address_days_before(client, circle):
    visit = arranged(circle)
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(circle.helper_profile.user)
    page = client.get(reverse("help:visit", args=[visit.pk])).content.decode()
    assert "9 Wharf Road" not in page and "Shown here from the day before" in page


def test_the_coordinator_offers_from_the_request_page(client, circle):
    request = ask(circle, category="Shopping")
    client.force_login(circle.coordinator)
    page = client.get(reverse("help:request", args=[request.pk])).content.decode()
    assert (
        "<strong>Bea Basic</strong>: Vetting is basic; this needs enhanced with" in page
    )
    client.post(
        reverse("help:offer", args=[request.pk]), {"helper": circle.basic_helper.pk}
    )
    assert not Visit.objects.exists()
    client.post(
        reverse("help:offer", args=[request.pk]), {"helper": circle.helper_profile.pk}
    )
    assert Visit.objects.get().helper == circle.helper_profile


@pytest.mark.parametrize("helper", ["", "sam", "12abc", "-1", "9" * 30, "1\x00", None])
def test_offering_to_no_real_helper_says_choose_a_helper(client, circle, helper):
    request = ask(circle)
    client.force_login(circle.coordinator)
    data = {} if helper is None else {"helper": helper}
    response = client.post(reverse("help:offer", args=[request.pk]), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Choose a helper." in page
    assert not Visit.objects.exists()


def test_a_member_sees_their_request_but_not_anothers(client, circle, elsewhere):
    request = ask(circle)
    client.force_login(circle.membership.person)
    assert client.get(reverse("help:request", args=[request.pk])).status_code == 200
    client.force_login(elsewhere.coordinator)
    assert client.get(reverse("help:request", args=[request.pk])).status_code == 403


def test_helper_answers_an_offer_on_their_pages(client, circle):
    request = ask(circle)
    visit = services.visit_offer(
        actor=circle.coordinator, request=request, helper=circle.helper_profile
    )
    client.force_login(circle.helper_profile.user)
    page = client.get(reverse("help:my_visits")).content.decode()
    assert "Offers waiting for your answer" in page and "Company" in page
    start = request.windows.first().starts_at
    local = timezone.localtime(start)
    response = client.post(
        reverse("help:visit_accept", args=[visit.pk]),
        {
            "day_day": local.day,
            "day_month": local.month,
            "day_year": local.year,
            "start": local.strftime("%H:%M"),
        },
    )
    assert response.status_code == 302
    assert Visit.objects.get().status == "accepted"


def _dashboard_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("help:dashboard"))
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_dashboard_costs_the_same_however_busy_and_pages_the_rest(client, circle):
    from kith.help.selectors import DASHBOARD_ROWS

    client.force_login(circle.coordinator)
    ask(circle, urgency="routine", details="The first")
    _dashboard_queries(client)  # signing in writes to the session once
    quiet, _ = _dashboard_queries(client)
    for n in range(DASHBOARD_ROWS + 3):
        ask(circle, urgency="soon", details=f"Busy {n}")
    busy, page = _dashboard_queries(client)
    assert busy == quiet
    count = DASHBOARD_ROWS + 4
    assert page.count('href="/help/requests/') == DASHBOARD_ROWS
    assert f"See all {count}" in page
    # The one asked first, with no rush, sorts after every sooner request.
    assert "The first" not in page
    listed = client.get(reverse("help:dashboard_section", args=["open"]))
    text = listed.content.decode()
    assert f"{count} in all." in text
    assert text.count('href="/help/requests/') == count


def test_offers_waiting_on_the_dashboard_cost_the_same_however_many(client, circle):
    from kith.help.selectors import DASHBOARD_ROWS
    from kith.helpers.models import MAX_VISITS_PER_WEEK

    client.force_login(circle.coordinator)
    helper = circle.helper_profile
    helper.max_visits_per_week = MAX_VISITS_PER_WEEK
    helper.save()
    offered = []
    for n in range(DASHBOARD_ROWS + 3):
        request = ask(circle, details=f"Offered {n}")
        offered.append(
            services.visit_offer(
                actor=circle.coordinator, request=request, helper=helper
            )
        )
        if n == 0:
            _dashboard_queries(client)
            quiet, page = _dashboard_queries(client)
            assert page.count("offered to") == 1
    busy, page = _dashboard_queries(client)

    assert busy == quiet
    # The oldest offers first, as many as the dashboard shows, and the count.
    assert page.count("offered to") == DASHBOARD_ROWS
    links = [f'href="/help/requests/{v.request_id}/"' for v in offered]
    assert all(link in page for link in links[:DASHBOARD_ROWS])
    assert not any(link in page for link in links[DASHBOARD_ROWS:])
    assert f"See all {DASHBOARD_ROWS + 3}" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.COORDINATOR, 200), (Role.MEMBER, 403), (Role.HELPER, 403)],
)
def test_each_dashboard_list_is_for_coordinators(client, circle, role, status):
    from kith.help.selectors import DashboardSection

    client.force_login(circle.by_role(role))
    for section in DashboardSection:
        page = client.get(reverse("help:dashboard_section", args=[section.value]))
        assert page.status_code == status
    missing = client.get(reverse("help:dashboard_section", args=["nothing"]))
    assert missing.status_code == 404


def test_a_helper_reaches_past_visits_and_the_record_form_from_recent_visits(
    client, circle
):
    from tests.factories import VisitFactory

    done = VisitFactory(
        request=ask(circle),
        helper=circle.helper_profile,
        coordinator=circle.coordinator,
        done=True,
        actual_minutes=45,
    )
    due = arranged(circle)
    coming = arranged(circle, category="Gardening")
    # The confirmed visit's time has passed, but the helper has not yet said
    # how it went.
    Visit.objects.filter(pk=due.pk).update(starts_at=timezone.now() - timedelta(days=1))
    client.force_login(circle.helper_profile.user)
    page = client.get(reverse("help:my_visits")).content.decode()
    coming_part, recent_part = page.split("Recent visits")
    assert reverse("help:visit", args=[coming.pk]) in coming_part
    assert reverse("help:visit", args=[due.pk]) not in coming_part
    assert reverse("help:visit", args=[done.pk]) in recent_part
    assert reverse("help:visit", args=[due.pk]) in recent_part
    assert reverse("help:visit_done", args=[due.pk]) in recent_part
    assert reverse("help:visit_done", args=[done.pk]) not in recent_part
    assert "Say how the visit went" in recent_part and "45 minutes" in recent_part
    # The links lead somewhere the helper may go.
    assert client.get(reverse("help:visit", args=[done.pk])).status_code == 200
    form = client.get(reverse("help:visit_done", args=[due.pk]))
    assert form.status_code == 200 and "How long did it take?" in form.content.decode()


def test_a_helpers_visits_page_loads_only_the_recent_visits_it_shows(client, circle):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kith.help.selectors import RECENT_SHOWN, helper_visits_for

    Visit.objects.all().delete()
    start = timezone.now() - timedelta(days=400)
    done = []
    for n in range(RECENT_SHOWN + 5):
        visit = services.visit_offer(
            actor=circle.coordinator, request=ask(circle), helper=circle.helper_profile
        )
        Visit.objects.filter(pk=visit.pk).update(
            status=Visit.Status.DONE, starts_at=start + timedelta(days=n)
        )
        done.append(visit.pk)
    with CaptureQueriesContext(connection) as queries:
        found = helper_visits_for(
            actor=circle.helper_profile.user, helper=circle.helper_profile
        )
    # Latest first, only as many as are shown, in a fixed number of queries.
    assert [r.visit.pk for r in found.recent] == done[::-1][:RECENT_SHOWN]
    assert found.offers == [] and found.coming == []
    assert len(queries) <= 4
    # ... and the visits long past are left in the database.
    assert any(f"LIMIT {RECENT_SHOWN}" in q["sql"] for q in queries.captured_queries)
