"""A project sent back for changes: its proposer changes it through the same
question pages, starting from what they sent, and it waits for a check
again."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.urls import reverse

from kith.projects import services
from kith.projects.models import Project
from kith.projects.tests import factories


@pytest.fixture
def sent_back(testford):
    project = services.project_propose(
        actor=testford.member,
        locality=testford.locality,
        answers=factories.project_answers(),
    )
    return services.project_check(
        actor=testford.council_officer,
        project=project,
        quotes_checked=False,
        owner_permission=False,
        safeguarding_checked=False,
        insurance_checked=False,
        publish=False,
        reason="Please add a quote for the soil and a later closing date.",
    )


def test_the_proposer_changes_it_and_sends_it_again(client, testford, sent_back):
    client.force_login(testford.member)
    page = client.get(sent_back.get_absolute_url()).text
    change = reverse("projects:propose_start") + f"?change={sent_back.uuid}"
    assert change in page
    response = client.get(change)
    assert response.url == reverse("projects:propose_check")
    check = client.get(response.url).text
    assert "Elm Road community garden" in check and "Timber for raised beds" in check
    assert "Send it again" in check
    later = factories.today() + timedelta(days=90)
    client.post(
        reverse("projects:propose_step", args=["money"]) + "?change=1",
        {
            "target": "16,000",
            "funding_model": "keep",
            "deadline_day": str(later.day),
            "deadline_month": str(later.month),
            "deadline_year": str(later.year),
        },
    )
    sent = client.post(reverse("projects:propose_check"))
    assert sent.url == reverse("projects:propose_done")
    sent_back.refresh_from_db()
    assert sent_back.status == Project.Status.PROPOSED
    assert sent_back.target_pence == 1_600_000 and sent_back.deadline == later
    assert Project.objects.count() == 1
    assert sent_back.cost_items.count() == 2


@pytest.mark.parametrize("role", ["supporter", "helper", "organisation_editor"])
def test_nobody_else_changes_it(client, testford, sent_back, role):
    client.force_login(getattr(testford, role))
    response = client.get(
        reverse("projects:propose_start") + f"?change={sent_back.uuid}"
    )
    assert response.status_code == 404
    assert "propose_start" not in client.get(sent_back.get_absolute_url()).text


def test_a_project_not_sent_back_or_a_bad_address_is_not_found(client, testford):
    published = factories.published_project(testford)
    client.force_login(testford.member)
    for value in (str(published.uuid), str(uuid4()), "not-a-uuid", "%00"):
        response = client.get(reverse("projects:propose_start"), {"change": value})
        assert response.status_code == 404, value
