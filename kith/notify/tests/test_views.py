"""The outbox's pages: who may see them, and what they show."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from kith.help import jobs
from kith.help.tests.conftest import circle  # noqa: F401 - a fixture
from kith.help.tests.test_services import arranged
from kith.notify.models import Call, Message


def _print_styles(page: str) -> str:
    """The large print stylesheet the page links to (styles are in files: the
    Content-Security-Policy refuses inline ones)."""
    href = re.search(r'<link rel="stylesheet" href="([^"]+print[^"]*)"', page)
    assert href, "the page links a print stylesheet"
    path = finders.find(href.group(1).removeprefix(settings.STATIC_URL))
    return Path(path).read_text()


ROLES = [
    "member",
    "supporter",
    "helper",
    "coordinator",
    "council_officer",
    "organisation_editor",
    "admin",
]


def test_messages_sent_lists_and_shows_each_message(client, circle):  # noqa: F811
    arranged(circle)
    client.force_login(circle.coordinator)
    page = client.get(reverse("notify:messages")).content.decode()
    assert "Messages sent" in page and "Visit confirmed" in page
    message = Message.objects.get(
        template="visit_confirmed", recipient=circle.membership.person
    )
    page = client.get(reverse("notify:message", args=[message.pk])).content.decode()
    assert "Your visit is booked" in page and "Dear Joan" in page
    filtered = client.get(reverse("notify:messages"), {"status": "failed"})
    assert "No messages match" in filtered.content.decode()


def test_messages_list_runs_the_same_queries_for_many_rows(
    client,
    circle,  # noqa: F811
    django_assert_max_num_queries,
):
    client.force_login(circle.coordinator)
    for number in range(30):
        Message.objects.create(
            to=f"person{number}@example.com",
            channel="email",
            template="welcome",
            locality=circle.locality,
            recipient=circle.member,
        )
    with django_assert_max_num_queries(14):  # 2 for messages held back by limits
        response = client.get(reverse("notify:messages"))
    assert response.content.decode().count("person") >= 1


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_see_messages_and_the_call_list(client, circle, role):  # noqa: F811
    client.force_login(circle.by_role(role))
    allowed = role == "coordinator"
    for name in ("notify:messages", "notify:calls"):
        response = client.get(reverse(name))
        assert response.status_code == (200 if allowed else 403), (role, name)


def test_messages_of_another_locality_are_not_found(client, circle, elsewhere):  # noqa: F811
    message = Message.objects.create(
        to="x@example.com",
        channel="email",
        template="welcome",
        locality=elsewhere.locality,
    )
    client.force_login(circle.coordinator)
    assert client.get(reverse("notify:message", args=[message.pk])).status_code == 404


def test_a_coordinator_records_a_call(client, circle):  # noqa: F811
    arranged(circle)
    jobs.call_list_prepare()
    client.force_login(circle.coordinator)
    page = client.get(reverse("notify:calls")).content.decode()
    assert "Joan Member" in page and "Record the call" in page
    call = Call.objects.filter(reason="message").first()
    url = reverse("notify:call", args=[call.pk])
    page = client.post(url, {}).content.decode()
    assert "There is a problem" in page and "Choose how the call went." in page
    response = client.post(url, {"outcome": "spoke", "note": "Happy with Tuesday"})
    assert response["Location"] == reverse("notify:calls")
    page = client.get(reverse("notify:calls")).content.decode()
    assert "Done today" in page and "Happy with Tuesday" in page


def test_a_helper_cannot_record_a_call(client, circle):  # noqa: F811
    arranged(circle)
    jobs.call_list_prepare()
    call = Call.objects.first()
    client.force_login(circle.helper_profile.user)
    response = client.post(reverse("notify:call", args=[call.pk]), {"outcome": "spoke"})
    assert response.status_code == 403


def test_a_member_prints_their_visits_and_balance_in_large_print(client, circle):  # noqa: F811
    arranged(circle)
    client.force_login(circle.membership.person)
    response = client.get(reverse("notify:print_member"))
    page = response.content.decode()
    assert "Coming visits for Joan Member" in page and "Sam Helper" in page
    assert "Your credits" in page and "@media print" in _print_styles(page)
    assert "govuk-service-navigation" not in page  # no menus on paper
    assert "font-size: 16pt" in _print_styles(page)


def test_print_pages_for_someone_else_need_the_right_role(client, circle):  # noqa: F811
    arranged(circle)
    membership_url = reverse("notify:print_member_for", args=[circle.membership.pk])
    week_url = reverse("notify:print_helper_week_for", args=[circle.helper_profile.pk])
    client.force_login(circle.helper_profile.user)
    assert client.get(membership_url).status_code == 403
    page = client.get(reverse("notify:print_helper_week")).content.decode()
    assert "Visits for Sam Helper" in page and "Joan" in page
    assert "9 Wharf Road" not in page  # no address on the week's sheet
    client.force_login(circle.membership.person)
    assert client.get(week_url).status_code == 403
    client.force_login(circle.coordinator)
    assert client.get(membership_url).status_code == 200
    assert client.get(week_url).status_code == 200


def test_receipts_need_the_token(client, circle, settings):  # noqa: F811
    message = Message.objects.create(
        to="joan@example.com",
        channel="email",
        template="welcome",
        status="sent",
        sent_at=timezone.now(),
        locality=circle.locality,
    )
    url = reverse("notify:receipts")
    body = json.dumps({"reference": str(message.reference), "status": "delivered"})
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert client.post(url, body, content_type="application/json").status_code == 401
    settings.NOTIFY_CALLBACK_TOKEN = "s3cret-token-from-notify"
    wrong = client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert wrong.status_code == 401
    response = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer s3cret-token-from-notify",
    )
    assert response.json() == {"found": True}
    message.refresh_from_db()
    assert message.status == "delivered"
    bad = client.post(
        url,
        "[]",
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer s3cret-token-from-notify",
    )
    assert bad.status_code == 400


def test_the_months_activities_print_for_anyone_signed_in(client, circle):  # noqa: F811
    client.force_login(circle.membership.person)
    page = client.get(reverse("notify:print_activities"), {"month": "2027-03"})
    text = page.content.decode()
    assert "Activities in March 2027" in text and "@media print" in _print_styles(text)
    client.logout()
    assert client.get(reverse("notify:print_activities")).status_code == 302


def test_the_call_list_runs_the_same_queries_for_many_calls(
    client,
    circle,  # noqa: F811
    django_assert_max_num_queries,
):
    from tests.factories import UserFactory

    for number in range(25):
        Call.objects.create(
            key=f"test:{number}",
            locality=circle.locality,
            person=UserFactory(phone="020 7946 0400"),
            day=timezone.localdate(),
            reason="message",
            summary="Your visit is booked",
        )
    client.force_login(circle.coordinator)
    with django_assert_max_num_queries(14):  # 2 for messages held back by limits
        page = client.get(reverse("notify:calls")).content.decode()
    assert "25 calls to make" in page


def test_the_call_list_pages_the_calls_and_counts_those_done(
    client,
    circle,  # noqa: F811
):
    from tests.factories import UserFactory

    now = timezone.now()
    for number in range(75):
        done = number >= 55
        Call.objects.create(
            key=f"many:{number}",
            locality=circle.locality,
            person=UserFactory(full_name=f"Caller {number:02}", phone="020 7946 0400"),
            day=timezone.localdate(),
            reason="message",
            summary="Your visit is booked",
            done=done,
            outcome="spoke" if done else "",
            called_at=now if done else None,
            called_by=circle.coordinator if done else None,
        )
    client.force_login(circle.coordinator)
    first = client.get(reverse("notify:calls")).content.decode()
    assert "55 calls to make" in first
    assert first.count("Record the call") == 50
    assert "Page 1 of 2" in first
    assert "The latest 20 of 20 calls." not in first
    second = client.get(reverse("notify:calls") + "?page=2").content.decode()
    assert second.count("Record the call") == 5
    assert "Caller 54" in second and "Caller 00" not in second
    # Twenty done today are all shown; more are counted.
    Call.objects.filter(key="many:0").update(
        done=True, outcome="spoke", called_at=now, called_by=circle.coordinator
    )
    page = client.get(reverse("notify:calls")).content.decode()
    assert "The latest 20 of 21 calls." in page
