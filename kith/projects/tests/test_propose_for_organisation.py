"""An organisation's editor proposes a project for their organisation, and
the organisation's other editors organise it with them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kith.projects import services
from kith.projects.models import Project
from kith.projects.tests import factories


def _date(prefix, day):
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


ANSWERS = {
    "about": {
        "title": "Riverside lunch club garden",
        "what": "Raised beds by the hall.",
        "why": "Fresh food for the lunch club.",
        "who_for": "Lunch club members.",
    },
    "where": {"asset": "", "where": "Behind the church hall"},
    "money": {"target": "2000", "funding_model": "keep"},
    "costs": {"item_1": "Timber", "cost_1": "2000", "quote_1": "Barnet Timber"},
    "permissions": {
        "permissions_needed": "The church's permission.",
        "milestones": "",
        "involves_people_at_risk": "no",
    },
}


def _answer_all(client, who):
    ANSWERS["money"].update(_date("deadline", factories.today() + timedelta(days=30)))
    for slug, data in [("who", who), *ANSWERS.items()]:
        if slug == "who" and who is None:
            continue
        response = client.post(reverse("projects:propose_step", args=[slug]), data)
        assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def charity(testford):
    found = factories.organisation(testford, "Riverside Age Concern", "voluntary")
    found.editors.add(testford.organisation_editor)
    return found


def test_an_editor_proposes_for_their_organisation(client, testford, charity):
    client.force_login(testford.organisation_editor)
    start = client.get(reverse("projects:propose_start"))
    assert start.url == reverse("projects:propose_step", args=["who"])
    page = client.get(start.url).text
    assert "Riverside Age Concern" in page and "as a resident" in page
    _answer_all(client, {"organisation": str(charity.pk)})
    check = client.get(reverse("projects:propose_check")).text
    assert "Riverside Age Concern" in check
    client.post(reverse("projects:propose_check"))
    project = Project.objects.get()
    assert project.organisation == charity
    assert project.proposer == testford.organisation_editor
    # Another editor of the organisation organises it too.
    colleague = testford.member
    charity.editors.add(colleague)
    assert services.is_organiser(colleague, project)
    client.force_login(colleague)
    page = client.get(project.get_absolute_url()).text
    assert "Proposed by Riverside Age Concern." in page
    assert reverse("projects:quote_add", args=[project.uuid]) in page
    assert "Riverside lunch club garden" in client.get(reverse("projects:home")).text


def test_an_editor_may_still_propose_as_a_resident(client, testford, charity):
    client.force_login(testford.organisation_editor)
    client.get(reverse("projects:propose_start"))
    _answer_all(client, {"organisation": "self"})
    client.post(reverse("projects:propose_check"))
    assert Project.objects.get().organisation is None


def test_someone_who_edits_no_organisation_is_not_asked(client, testford, charity):
    client.force_login(testford.member)
    start = client.get(reverse("projects:propose_start"))
    assert start.url == reverse("projects:propose_step", args=["about"])
    assert client.get(reverse("projects:propose_step", args=["who"])).status_code in (
        200,
        302,
    )
    # An organisation they do not edit is not a valid answer.
    response = client.post(
        reverse("projects:propose_step", args=["who"]),
        {"organisation": str(charity.pk)},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    _answer_all(client, None)
    client.post(reverse("projects:propose_check"))
    assert Project.objects.get().organisation is None


def test_the_service_refuses_an_organisation_one_does_not_edit(testford, charity):
    with pytest.raises(PermissionDenied):
        services.project_propose(
            actor=testford.member,
            locality=testford.locality,
            answers=factories.project_answers(organisation=charity),
        )
    assert not Project.objects.exists()


def test_residents_propose_together_under_their_groups_name(client, testford):
    client.force_login(testford.member)
    client.get(reverse("projects:propose_start"))
    ANSWERS["about"]["group_name"] = "Neighbours of Elm Road"
    try:
        _answer_all(client, None)
    finally:
        del ANSWERS["about"]["group_name"]
    check = client.get(reverse("projects:propose_check")).text
    assert "Neighbours of Elm Road" in check
    client.post(reverse("projects:propose_check"))
    project = Project.objects.get()
    assert project.group_name == "Neighbours of Elm Road"
    assert project.organisation is None
    page = client.get(project.get_absolute_url()).text
    assert "Proposed by Neighbours of Elm Road, a group of residents." in page
