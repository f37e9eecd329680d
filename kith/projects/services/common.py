"""What the projects services share: model validation as an
ApplicationError, the same-locality check, and who acts for a project or an
organisation."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.directory.models import Organisation
from kith.places.models import Locality
from kith.projects.models import (
    Project,
)


def _validation_error(exc: ValidationError) -> ApplicationError:
    """The first message of a model's ``full_clean`` as an ApplicationError."""
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.error_dict.items()))
        return ApplicationError(
            errors[0].messages[0], field=None if name == "__all__" else name
        )
    return ApplicationError(exc.messages[0])


def _clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        raise _validation_error(exc) from None


def _same_locality(obj: Any, locality: Locality) -> None:
    if obj is not None and obj.locality_id != locality.pk:
        raise PermissionDenied


def _may_speak_for(actor: User, organisation: Organisation) -> bool:
    """An organisation's editors act for it, and so do staff entering for it."""
    return organisation.editors.filter(pk=actor.pk).exists() or has_perm(
        actor, Perm.PROJECTS_ENTER, organisation.locality
    )


def is_organiser(actor: Any, project: Project) -> bool:
    """The person who proposed the project (or entered it), the editors of
    the organisation that proposed it, or staff who enter paper forms and
    sheets."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and (
            actor.pk in (project.proposer_id, project.entered_by_id)
            or has_perm(actor, Perm.PROJECTS_ENTER, project.locality)
            or (
                project.organisation is not None
                and project.organisation.editors.filter(pk=actor.pk).exists()
            )
        )
    )


def _require_organiser(actor: Any, project: Project) -> None:
    if not is_organiser(actor, project):
        raise PermissionDenied
