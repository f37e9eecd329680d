"""Writes of volunteer tasks: what a project needs doing and how many
people, and people taking them on (or stepping back)."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kith.accounts.models import RoleAssignment, User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.projects.models import Project, TaskTaken, VolunteerTask
from kith.projects.services.common import _require_organiser

#: The most people one task may ask for.
MOST_PEOPLE = 100


@transaction.atomic
def task_add(
    *,
    actor: User,
    project: Project,
    title: str,
    people_needed: int,
    description: str = "",
) -> VolunteerTask:
    """Add a task to a published project (its organisers). Raises
    PermissionDenied or ApplicationError, changing nothing."""
    _require_organiser(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != Project.Status.PUBLISHED:
        raise ApplicationError(_("Tasks are only for published projects."))
    if not title.strip():
        raise ApplicationError(_("Say what needs doing."), field="title")
    if not 1 <= people_needed <= MOST_PEOPLE:
        raise ApplicationError(
            _("Enter a number of people between 1 and %(most)s.")
            % {"most": MOST_PEOPLE},
            field="people_needed",
        )
    task = VolunteerTask.objects.create(
        project=project,
        title=title.strip()[:150],
        description=description.strip(),
        people_needed=people_needed,
        added_by=actor,
    )
    audit_record(
        actor=actor,
        action="project_task_added",
        target=project,
        data={"task": task.pk, "people_needed": people_needed},
    )
    return task


def _person_for(actor: User, person: User | None, project: Project) -> User:
    """Who takes the task: the actor, or (staff from a paper sheet, acting for
    them) someone known to the circle."""
    person = person or actor
    if person.pk != actor.pk:
        if not has_perm(actor, Perm.PROJECTS_ENTER, project.locality):
            raise PermissionDenied
        if not RoleAssignment.objects.filter(
            user=person, locality=project.locality
        ).exists():
            raise PermissionDenied
    return person


@transaction.atomic
def task_take_on(
    *, actor: User, task: VolunteerTask, person: User | None = None
) -> TaskTaken:
    """Take on a task of an open project, while it still needs people. The
    task's row is locked, so two people taking its last place at once cannot
    both have it. Taking it on again returns the first record."""
    project = task.project
    require_perm(actor, Perm.PROJECTS_PROPOSE, project.locality)
    person = _person_for(actor, person, project)
    task = VolunteerTask.objects.select_for_update().get(pk=task.pk)
    project = Project.objects.get(pk=task.project_id)
    existing = task.taken.filter(person=person).first()
    if existing is not None:
        return existing
    if project.status != Project.Status.PUBLISHED:
        raise ApplicationError(_("This project is not taking volunteers now."))
    if task.done:
        raise ApplicationError(_("This task is done: thank you."))
    if task.taken.count() >= task.people_needed:
        raise ApplicationError(
            _("Enough people have taken this on already. Look at the other tasks.")
        )
    try:
        with transaction.atomic():
            taken = TaskTaken.objects.create(task=task, person=person, entered_by=actor)
    except IntegrityError:
        found = task.taken.filter(person=person).first()
        if found is None:
            raise
        return found
    audit_record(
        actor=actor,
        action="project_task_taken",
        target=project,
        on_behalf_of=person if person.pk != actor.pk else None,
        data={"task": task.pk},
    )
    return taken


@transaction.atomic
def task_step_back(
    *, actor: User, task: VolunteerTask, person: User | None = None
) -> None:
    """Give up a task one took on (or, for staff, someone's from a paper
    sheet). Stepping back when not on it changes nothing."""
    project = task.project
    require_perm(actor, Perm.PROJECTS_PROPOSE, project.locality)
    person = _person_for(actor, person, project)
    VolunteerTask.objects.select_for_update().filter(pk=task.pk).first()
    deleted, _rows = TaskTaken.objects.filter(task=task, person=person).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="project_task_left",
            target=project,
            on_behalf_of=person if person.pk != actor.pk else None,
            data={"task": task.pk},
        )


@transaction.atomic
def task_done(*, actor: User, task: VolunteerTask) -> VolunteerTask:
    """Mark a task done (its organisers): nobody else takes it on."""
    _require_organiser(actor, task.project)
    task = VolunteerTask.objects.select_for_update().get(pk=task.pk)
    if not task.done:
        task.done = True
        task.save(update_fields=["done", "updated_at"])
        audit_record(
            actor=actor,
            action="project_task_done",
            target=task.project,
            data={"task": task.pk},
        )
    return task
