"""Writes of quotes: the files (a PDF, or a photo of a paper quote) attached
to a project for the council officer's check (ADR 0035)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.projects.models import Project, Quote
from kith.projects.photos import quote_clean
from kith.projects.services.common import _require_organiser

#: A project holds at most this many quotes: enough for every cost item
#: twice over, few enough that nobody fills the database by accident.
MOST_QUOTES = 20

#: Quotes may be attached until the project is closed or done.
QUOTE_STATES = (
    Project.Status.PROPOSED,
    Project.Status.CHANGES,
    Project.Status.PUBLISHED,
)


@transaction.atomic
def quote_add(*, actor: User, project: Project, upload: Any, description: str) -> Quote:
    """Attach a quote to a project. Only its organisers (who proposed or
    entered it, and staff who enter for people) may, while it is proposed,
    sent back for changes or open; the file is checked by ``quote_clean``.
    Raises PermissionDenied or ApplicationError, changing nothing."""
    _require_organiser(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in QUOTE_STATES:
        raise ApplicationError(
            _("Quotes can no longer be attached: the project is %(status)s.")
            % {"status": project.get_status_display().lower()}
        )
    if not description.strip():
        raise ApplicationError(_("Say what the quote is for."), field="description")
    if project.quotes.count() >= MOST_QUOTES:
        raise ApplicationError(
            _("A project can have at most %(most)s quotes. Remove one first.")
            % {"most": MOST_QUOTES},
            field="quote",
        )
    clean = quote_clean(upload)
    quote = Quote.objects.create(
        locality=project.locality,
        project=project,
        description=description.strip()[:200],
        data=clean.data,
        file_format=clean.file_format,
        size=len(clean.data),
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="project_quote_added",
        target=project,
        data={"quote": quote.pk, "format": quote.file_format, "size": quote.size},
    )
    return quote


@transaction.atomic
def quote_remove(*, actor: User, quote: Quote) -> None:
    """Remove a quote attached by mistake, before the project is published
    (after that, the officer checked it: it stays). Removing one already
    gone changes nothing."""
    project = Project.objects.select_for_update().get(pk=quote.project_id)
    _require_organiser(actor, project)
    if project.status not in (Project.Status.PROPOSED, Project.Status.CHANGES):
        raise ApplicationError(
            _("A quote cannot be removed once the project is published.")
        )
    deleted, _rows = Quote.objects.filter(pk=quote.pk).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="project_quote_removed",
            target=project,
            data={"quote": quote.pk, "description": quote.description},
        )
