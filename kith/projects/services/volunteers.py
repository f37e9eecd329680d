"""Writes of volunteering: the locality's setting for time credits, work
days in the social calendar, and the time people gave."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import RoleAssignment, User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.credits.services import volunteering_credits_earn
from kith.places.models import Locality
from kith.projects.models import (
    HoursGiven,
    Project,
    ProjectSettings,
    WorkDay,
)
from kith.projects.services.common import (
    _require_organiser,
)
from kith.social.services import (
    ActivityAnswers,
    VenueAnswers,
    activity_propose,
    venue_save,
)


def project_settings_for(locality: Locality) -> ProjectSettings:
    """The locality's project settings, made with the defaults if new."""
    found, _created = ProjectSettings.objects.get_or_create(locality=locality)
    return found


@transaction.atomic
def project_settings_update(
    *, actor: User, locality: Locality, volunteering_earns_credits: bool
) -> ProjectSettings:
    """Decide whether volunteering on a project earns time credits here."""
    require_perm(actor, Perm.LOCALITY_MANAGE, locality)
    found = project_settings_for(locality)
    found.volunteering_earns_credits = volunteering_earns_credits
    found.save()
    audit_record(
        actor=actor,
        action="project_settings_changed",
        target=None,
        locality=locality,
        data={"volunteering_earns_credits": volunteering_earns_credits},
    )
    return found


@dataclass(frozen=True)
class WorkDayAnswers:
    starts_on: date
    start_time: Any
    minutes: int
    places: int
    description: str = ""


@transaction.atomic
def work_day_add(*, actor: User, project: Project, answers: WorkDayAnswers) -> WorkDay:
    """Add a work day to a published project: an activity in the social
    calendar (through social's own services, so sign-up, the waiting list
    and reminders work as for any activity), at the project's land or
    building. A member's work day waits for a coordinator, as any activity
    a member proposes does."""
    _require_organiser(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != Project.Status.PUBLISHED:
        raise ApplicationError(_("Work days are only for published projects."))
    asset = project.asset
    venue = venue_save(
        actor=actor,
        locality=project.locality,
        answers=VenueAnswers(
            name=(asset.name if asset else project.where or project.title)[:120],
            address=(asset.address if asset else project.where) or project.title,
            postcode=asset.postcode if asset else "",
        ),
    )
    activity = activity_propose(
        actor=actor,
        locality=project.locality,
        venue=venue,
        answers=ActivityAnswers(
            title=(_("Work day: %(title)s") % {"title": project.title})[:120],
            description=answers.description.strip() or project.what,
            starts_on=answers.starts_on,
            start_time=answers.start_time,
            minutes=answers.minutes,
            places=answers.places,
        ),
    )
    work_day = WorkDay.objects.create(project=project, activity=activity)
    audit_record(
        actor=actor,
        action="project_work_day_added",
        target=project,
        data={"activity": activity.pk},
    )
    return work_day


@transaction.atomic
def hours_record(
    *,
    actor: User,
    project: Project,
    person: User,
    given_on: date,
    minutes: int,
    work_day: WorkDay | None = None,
    on_paper: bool = False,
) -> HoursGiven:
    """Record the time someone gave (from a work day's register or a paper
    sign-up sheet). Recording the same person on the same day again changes
    the time rather than adding another line. If the locality's setting
    says so, the volunteer earns time credits through the ledger, once per
    record (idempotent by its key); a change of time is not re-credited."""
    _require_organiser(actor, project)
    if on_paper and not has_perm(actor, Perm.PROJECTS_ENTER, project.locality):
        raise PermissionDenied
    if work_day is not None and work_day.project_id != project.pk:
        raise PermissionDenied
    if not RoleAssignment.objects.filter(
        user=person, locality=project.locality
    ).exists():
        raise ApplicationError(
            _("Only people known to the circle can be recorded."), field="person"
        )
    if not 0 < minutes <= 24 * 60:
        raise ApplicationError(_("Enter between 1 minute and 24 hours."), field="hours")
    if given_on > timezone.localdate():
        raise ApplicationError(_("The day cannot be in the future."), field="given_on")
    if project.status not in (Project.Status.PUBLISHED, Project.Status.DONE):
        raise ApplicationError(_("Time is only recorded for published projects."))
    given, created = HoursGiven.objects.select_for_update().get_or_create(
        project=project,
        person=person,
        given_on=given_on,
        defaults={
            "minutes": minutes,
            "work_day": work_day,
            "recorded_by": actor,
            "on_paper": on_paper,
        },
    )
    if not created:
        given.minutes = minutes
        given.recorded_by = actor
        given.save(update_fields=["minutes", "recorded_by", "updated_at"])
    audit_record(
        actor=actor,
        action="project_hours_recorded",
        target=project,
        on_behalf_of=person if person.pk != actor.pk else None,
        data={"minutes": minutes, "on": given_on.isoformat(), "on_paper": on_paper},
    )
    if created and project_settings_for(project.locality).volunteering_earns_credits:
        volunteering_credits_earn(
            actor=actor,
            locality=project.locality,
            person=person,
            minutes=minutes,
            key=str(given.pk),
            description=str(_("Volunteering: %(title)s") % {"title": project.title})[
                :120
            ],
            occurred_on=given_on,
        )
    return given
