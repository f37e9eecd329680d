"""Writes of a project's updates with photos, and marking it done with its
"what we did" story."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.projects.models import (
    Photo,
    Project,
    Update,
)
from kith.projects.photos import photo_clean
from kith.projects.services.common import (
    _require_organiser,
)


@dataclass(frozen=True)
class PhotoUpload:
    upload: Any
    description: str
    before_after: str = ""


@transaction.atomic
def update_post(
    *,
    actor: User,
    project: Project,
    words: str,
    photos: list[PhotoUpload] | None = None,
    kind: str = Update.Kind.UPDATE,
) -> Update:
    """Post news on the project page, with photos (each checked and
    re-encoded, ``photo_clean``). Every photo needs a description."""
    _require_organiser(actor, project)
    if project.status not in (Project.Status.PUBLISHED, Project.Status.DONE):
        raise ApplicationError(_("Updates are only for published projects."))
    if not words.strip():
        raise ApplicationError(_("Say what happened."), field="words")
    cleaned = []
    for photo in photos or []:
        if not photo.description.strip():
            raise ApplicationError(
                _("Say what the photo shows."), field="photo_description"
            )
        cleaned.append((photo, photo_clean(photo.upload)))
    update = Update.objects.create(
        project=project, kind=kind, words=words.strip(), posted_by=actor
    )
    Photo.objects.bulk_create(
        [
            Photo(
                locality=project.locality,
                update=update,
                image=clean.data,
                width=clean.width,
                height=clean.height,
                description=photo.description.strip()[:200],
                before_after=photo.before_after,
                uploaded_by=actor,
            )
            for photo, clean in cleaned
        ]
    )
    audit_record(
        actor=actor,
        action="project_update_posted",
        target=project,
        data={"kind": kind, "photos": len(cleaned)},
    )
    return update


@transaction.atomic
def project_done(
    *,
    actor: User,
    project: Project,
    story: str,
    people_served: int | None,
    done_on: date,
    before: PhotoUpload | None = None,
    after: PhotoUpload | None = None,
) -> Project:
    """Mark a published project done, with its "what we did" story and a
    before and an after photo. Its figures then count as done."""
    _require_organiser(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != Project.Status.PUBLISHED:
        raise ApplicationError(_("Only a published project can be marked done."))
    if done_on > timezone.localdate():
        raise ApplicationError(_("The day cannot be in the future."), field="done_on")
    if people_served is not None and people_served < 0:
        raise ApplicationError(_("Enter a number of people."), field="people_served")
    photos = [
        PhotoUpload(p.upload, p.description, when)
        for p, when in ((before, Photo.When.BEFORE), (after, Photo.When.AFTER))
        if p is not None
    ]
    update_post(
        actor=actor, project=project, words=story, photos=photos, kind=Update.Kind.STORY
    )
    project.status = Project.Status.DONE
    project.done_on = done_on
    project.people_served = people_served
    project.save(update_fields=["status", "done_on", "people_served", "updated_at"])
    audit_record(actor=actor, action="project_done", target=project)
    return project
