"""Volunteer tasks: what needs doing and how many people, taking one on
(never past the number needed), stepping back, who may do what."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.projects import selectors, services
from kith.projects.models import TaskTaken, VolunteerTask
from kith.projects.tests import factories


def _task(circle, project, people=2):
    return services.task_add(
        actor=circle.member,
        project=project,
        title="Water the beds in August",
        description="Twice a week while people are away.",
        people_needed=people,
    )


def test_an_organiser_adds_a_task_and_people_take_it_on_until_it_is_full(testford):
    project = factories.published_project(testford)
    task = _task(testford, project, people=2)
    services.task_take_on(actor=testford.supporter, task=task)
    services.task_take_on(actor=testford.helper, task=task)
    with pytest.raises(ApplicationError, match="Enough people"):
        services.task_take_on(actor=testford.organisation_editor, task=task)
    assert task.taken.count() == 2
    # Taking it on twice is one record; stepping back frees the place.
    services.task_take_on(actor=testford.helper, task=task)
    assert task.taken.count() == 2
    services.task_step_back(actor=testford.helper, task=task)
    services.task_take_on(actor=testford.organisation_editor, task=task)
    assert set(task.taken.values_list("person", flat=True)) == {
        testford.supporter.pk,
        testford.organisation_editor.pk,
    }
    assert AuditEvent.objects.filter(action="project_task_taken").count() == 3
    # The people who took it on can have their time recorded.
    people = selectors.volunteers_to_record(project=project)
    assert testford.supporter in people


def test_a_task_needs_words_a_number_and_a_published_project(testford):
    proposed = services.project_propose(
        actor=testford.member,
        locality=testford.locality,
        answers=factories.project_answers(),
    )
    with pytest.raises(ApplicationError, match="only for published"):
        _task(testford, proposed)
    project = factories.published_project(testford, title="Open")
    with pytest.raises(ApplicationError, match="Say what needs doing"):
        services.task_add(
            actor=testford.member, project=project, title=" ", people_needed=1
        )
    with pytest.raises(ApplicationError, match="between 1 and 100"):
        services.task_add(
            actor=testford.member, project=project, title="Dig", people_needed=0
        )
    assert not VolunteerTask.objects.exists()


@pytest.mark.parametrize("role", ["helper", "supporter", "organisation_editor"])
def test_only_organisers_add_tasks_or_mark_them_done(testford, role):
    project = factories.published_project(testford)
    with pytest.raises(PermissionDenied):
        services.task_add(
            actor=getattr(testford, role), project=project, title="Dig", people_needed=1
        )
    task = _task(testford, project)
    with pytest.raises(PermissionDenied):
        services.task_done(actor=getattr(testford, role), task=task)
    task.refresh_from_db()
    assert not task.done


def test_a_done_task_or_a_closed_project_takes_nobody(testford):
    project = factories.published_project(testford)
    task = _task(testford, project)
    services.task_done(actor=testford.coordinator, task=task)
    with pytest.raises(ApplicationError, match="done"):
        services.task_take_on(actor=testford.helper, task=task)
    other = _task(testford, project)
    project.status = "closed"
    project.save()
    with pytest.raises(ApplicationError, match="not taking volunteers"):
        services.task_take_on(actor=testford.helper, task=other)
    assert not TaskTaken.objects.exists()


def test_only_staff_put_someone_else_down_for_a_task(testford):
    project = factories.published_project(testford)
    task = _task(testford, project)
    with pytest.raises(PermissionDenied):
        services.task_take_on(actor=testford.member, task=task, person=testford.helper)
    taken = services.task_take_on(
        actor=testford.coordinator, task=task, person=testford.helper
    )
    assert taken.person == testford.helper and taken.entered_by == testford.coordinator


def test_the_project_page_offers_tasks_by_role(client, testford):
    project = factories.published_project(testford)
    task = _task(testford, project, people=1)
    take = reverse("projects:task_take_on", args=[project.uuid, task.uuid])
    # The public sees the task and how many it needs, not who took it on.
    page = client.get(project.get_absolute_url()).text
    assert "Water the beds in August" in page and take not in page
    # A member takes it on from the page.
    client.force_login(testford.supporter)
    assert take in client.get(project.get_absolute_url()).text
    response = client.post(take, follow=True)
    assert "Thank you for taking on: Water the beds in August." in response.text
    assert "You have taken this on." in response.text
    # It is full now: another person is told so, and nothing changes.
    client.force_login(testford.helper)
    page = client.get(project.get_absolute_url()).text
    assert take not in page and "Enough people" in page
    refused = client.post(take, follow=True)
    assert "Enough people have taken this on already." in refused.text
    assert task.taken.count() == 1
    # The organiser sees who took it on, and can add tasks.
    client.force_login(testford.member)
    page = client.get(project.get_absolute_url()).text
    assert testford.supporter.full_name in page
    assert reverse("projects:task_add", args=[project.uuid]) in page


def test_the_add_task_page_by_role(client, testford):
    project = factories.published_project(testford)
    url = reverse("projects:task_add", args=[project.uuid])
    client.force_login(testford.helper)
    assert client.get(url).status_code == 404
    client.force_login(testford.member)
    bad = client.post(url, {"title": "Dig", "people_needed": "0"})
    assert "Ensure this value is greater than or equal to 1." in bad.text
    assert not VolunteerTask.objects.exists()
    good = client.post(url, {"title": "Dig", "people_needed": "3"})
    assert good.status_code == 302
    assert VolunteerTask.objects.get().people_needed == 3
