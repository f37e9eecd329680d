"""Hooks that help runs for the parts above it."""

from django.urls import reverse

from kith.help.hooks import request_page_extras
from kith.help.tests.test_services import ask


def test_a_coordinators_request_page_shows_what_the_parts_above_add(client, circle):
    request = ask(circle)
    asked = []

    def extras(*, actor, help_request):
        asked.append((actor, help_request))
        return {"shortlist": None}

    client.force_login(circle.coordinator)
    with request_page_extras.connected(extras):
        response = client.get(reverse("help:request", args=[request.pk]))
    assert response.status_code == 200
    assert asked == [(circle.coordinator, request)]


def test_a_members_request_page_asks_nothing_of_the_parts_above(client, circle):
    request = ask(circle)
    asked = []
    client.force_login(circle.membership.person)
    with request_page_extras.connected(lambda **kwargs: asked.append(kwargs) or {}):
        response = client.get(reverse("help:request", args=[request.pk]))
    assert response.status_code == 200
    assert asked == []


def test_matching_adds_its_shortlist():
    from kith.matching.selectors import request_page_shortlist

    assert request_page_shortlist in request_page_extras.receivers
