"""A coordinator opening a visit sees a coordinator's page naming the helper
and the member; every cancel and decline page says which request or visit
it is about."""

from django.urls import reverse
from django.utils import timezone

from kith.help.tests.test_services import arranged, ask
from tests.factories import VisitFactory


def _offered(circle):
    return VisitFactory(
        request=ask(circle, category="Shopping"),
        helper=circle.helper_profile,
        coordinator=circle.coordinator,
        offered=True,
    )


def test_a_coordinator_opening_an_offered_visit_sees_who_and_no_helper_buttons(
    client, circle
):
    visit = _offered(circle)
    client.force_login(circle.coordinator)
    page = client.get(reverse("help:visit", args=[visit.pk])).content.decode()
    assert "Yes, I can do it" not in page and "No, I cannot" not in page
    assert "Sam Helper" in page and "Joan Member" in page
    assert "Shopping for Joan Member with Sam Helper" in page
    assert "Sam Helper can do it" in page and "Sam Helper cannot do it" in page
    assert reverse("help:request", args=[visit.request_id]) in page


def test_the_helper_still_sees_their_own_page(client, circle):
    visit = _offered(circle)
    client.force_login(circle.helper_profile.user)
    page = client.get(reverse("help:visit", args=[visit.pk])).content.decode()
    assert "Yes, I can do it" in page and "No, I cannot" in page
    assert "Sam Helper can do it" not in page


def test_the_coordinators_accept_page_names_the_helper(client, circle):
    visit = _offered(circle)
    client.force_login(circle.coordinator)
    page = client.get(reverse("help:visit_accept", args=[visit.pk])).content.decode()
    assert "When will Sam Helper go?" in page and "Joan Member" in page


def test_the_decline_page_says_which_visit(client, circle):
    visit = _offered(circle)
    client.force_login(circle.coordinator)
    page = client.get(reverse("help:visit_decline", args=[visit.pk])).content.decode()
    for shown in ("Shopping", "Joan Member", "Sam Helper", "When the member is free"):
        assert shown in page, shown


def test_the_cancel_visit_page_says_which_visit_and_when(client, circle):
    visit = arranged(circle, category="Shopping")
    client.force_login(circle.coordinator)
    page = client.get(reverse("help:visit_cancel", args=[visit.pk])).content.decode()
    when = timezone.localtime(visit.starts_at).strftime("%A %-d %B")
    for shown in ("Shopping", "Joan Member", "Sam Helper", when):
        assert shown in page, shown


def test_the_cancel_request_page_says_which_request(client, circle):
    request = ask(circle, category="Shopping")
    client.force_login(circle.coordinator)
    page = client.get(
        reverse("help:request_cancel", args=[request.pk])
    ).content.decode()
    assert "Shopping" in page and "Joan Member" in page
    assert "When the member is free" in page


def test_large_print_printed_for_someone_else_is_titled_with_their_name(client, circle):
    client.force_login(circle.coordinator)
    page = client.get(
        reverse("notify:print_member_for", args=[circle.membership.pk])
    ).content.decode()
    assert "<title>Coming visits for Joan Member" in page
    week = client.get(
        reverse("notify:print_helper_week_for", args=[circle.helper_profile.pk])
    ).content.decode()
    assert "<title>Week of visits for Sam Helper" in week
    client.force_login(circle.membership.person)
    own = client.get(reverse("notify:print_member")).content.decode()
    assert "<title>Your coming visits" in own
