"""The member_page_sections hook: what the parts above add to a member's
record (the directory adds the services the member was pointed to; its own
tests check that end to end)."""

from django.template import Template
from django.urls import reverse

from kith.members.hooks import member_page_sections
from tests.factories import MembershipFactory


def test_a_section_from_above_shows_on_the_record_and_none_adds_nothing(
    client, testford
):
    membership = MembershipFactory(locality=testford.locality, status="active")
    seen = []

    def section(*, actor, membership):
        seen.append((actor, membership))
        return {
            "template": Template("<p>From above: {{ section.words }}</p>"),
            "words": "a lunch club",
        }

    client.force_login(testford.coordinator)
    with (
        member_page_sections.connected(section),
        member_page_sections.connected(lambda **kwargs: None),
    ):
        page = client.get(reverse("members:member", args=[membership.pk]))
    assert "From above: a lunch club" in page.content.decode()
    assert seen == [(testford.coordinator, membership)]
