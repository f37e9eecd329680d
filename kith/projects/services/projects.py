"""Writes of projects: proposing one (with its cost items), a council
officer's check, and resubmitting after changes were asked for."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.directory.models import Organisation
from kith.places.models import Locality
from kith.projects.models import (
    Asset,
    CostItem,
    Project,
)
from kith.projects.services.common import (
    _clean,
    _may_speak_for,
    _same_locality,
)


@dataclass(frozen=True)
class CostLine:
    description: str
    amount_pence: int
    quote_from: str = ""


@dataclass(frozen=True)
class ProjectAnswers:
    title: str
    what: str
    why: str
    who_for: str
    target_pence: int
    funding_model: str
    deadline: date
    where: str = ""
    asset: Asset | None = None
    permissions_needed: str = ""
    milestones: str = ""
    involves_people_at_risk: bool = False
    organisation: Organisation | None = None
    group_name: str = ""
    cost_items: list[CostLine] = field(default_factory=list)


#: Letters and digits nobody mixes up when typing from a poster.
SHORT_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _short_code() -> str:
    import secrets

    while True:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _n in range(6))
        if not Project.objects.filter(short_code=code).exists():
            return code


@transaction.atomic
def project_propose(
    *,
    actor: User,
    locality: Locality,
    answers: ProjectAnswers,
    proposer: User | None = None,
    submission_key: str | None = None,
) -> Project:
    """Propose a project, for oneself, for an organisation one edits, or (a
    coordinator or officer, on the phone) for ``proposer``. It waits for a
    council officer's check. The same submission sent twice returns the
    first project."""
    require_perm(actor, Perm.PROJECTS_PROPOSE, locality)
    proposer = proposer or actor
    if proposer.pk != actor.pk and not (
        has_perm(actor, Perm.PROJECTS_ENTER, locality)
        and has_perm(proposer, Perm.PROJECTS_PROPOSE, locality)
    ):
        raise PermissionDenied
    if submission_key:
        existing = Project.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.entered_by_id != actor.pk:
                raise PermissionDenied
            return existing
    _same_locality(answers.asset, locality)
    _same_locality(answers.organisation, locality)
    if answers.organisation is not None and not _may_speak_for(
        proposer if proposer.pk != actor.pk else actor, answers.organisation
    ):
        raise PermissionDenied
    if answers.deadline <= timezone.localdate():
        raise ApplicationError(
            _("The date pledges close must be in the future."), field="deadline"
        )
    if answers.funding_model not in Project.FundingModel.values:
        raise ApplicationError(_("Choose a funding model."), field="funding_model")
    project = Project(
        locality=locality,
        title=answers.title.strip(),
        what=answers.what.strip(),
        why=answers.why.strip(),
        who_for=answers.who_for.strip(),
        where=answers.where.strip(),
        asset=answers.asset,
        ward=answers.asset.ward if answers.asset else None,
        permissions_needed=answers.permissions_needed.strip(),
        milestones=answers.milestones.strip(),
        involves_people_at_risk=answers.involves_people_at_risk,
        proposer=proposer,
        organisation=answers.organisation,
        group_name=answers.group_name.strip()[:150],
        entered_by=actor,
        target_pence=answers.target_pence,
        funding_model=answers.funding_model,
        deadline=answers.deadline,
        submission_key=submission_key,
        short_code=_short_code(),
    )
    _clean(project, exclude=["submission_key"])
    project.save()
    CostItem.objects.bulk_create(
        [
            CostItem(
                project=project,
                description=line.description.strip()[:200],
                amount_pence=line.amount_pence,
                quote_from=line.quote_from.strip()[:200],
            )
            for line in answers.cost_items
            if line.description.strip()
        ]
    )
    audit_record(
        actor=actor,
        action="project_proposed",
        target=project,
        on_behalf_of=proposer if proposer.pk != actor.pk else None,
        locality=locality,
    )
    return project


@transaction.atomic
def project_check(
    *,
    actor: User,
    project: Project,
    quotes_checked: bool,
    owner_permission: bool,
    safeguarding_checked: bool,
    insurance_checked: bool,
    publish: bool,
    reason: str,
) -> Project:
    """A council officer's check: publish the project (every item on the
    checklist ticked; safeguarding only if it involves children or adults at
    risk) or ask for changes, saying what."""
    require_perm(actor, Perm.PROJECTS_CHECK, project.locality)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in (Project.Status.PROPOSED, Project.Status.CHANGES):
        raise ApplicationError(_("This project has already been checked."))
    project.quotes_checked = quotes_checked
    project.owner_permission = owner_permission
    project.safeguarding_checked = safeguarding_checked
    project.insurance_checked = insurance_checked
    project.checked_by = actor
    if publish:
        missing = [
            label
            for label, done in (
                (_("the quotes"), quotes_checked),
                (_("the owner's permission"), owner_permission),
                (
                    _("safeguarding"),
                    safeguarding_checked or not project.involves_people_at_risk,
                ),
                (_("insurance"), insurance_checked),
            )
            if not done
        ]
        if missing:
            raise ApplicationError(
                _("Check %(items)s before publishing.") % {"items": ", ".join(missing)},
                field="publish",
            )
        if project.deadline < timezone.localdate():
            raise ApplicationError(
                _("The date pledges close has passed: ask for a new one."),
                field="publish",
            )
        project.status = Project.Status.PUBLISHED
        project.published_at = timezone.now()
        project.changes_reason = ""
    else:
        if not reason.strip():
            raise ApplicationError(_("Say what needs to change."), field="reason")
        project.status = Project.Status.CHANGES
        project.changes_reason = reason.strip()
    project.save()
    audit_record(
        actor=actor,
        action="project_published" if publish else "project_changes_asked",
        target=project,
        data={"reason": project.changes_reason},
    )
    return project


PROJECT_TEXTS = (
    "title",
    "what",
    "why",
    "who_for",
    "where",
    "permissions_needed",
    "milestones",
    "group_name",
)


@transaction.atomic
def project_resubmit(
    *, actor: User, project: Project, answers: ProjectAnswers
) -> Project:
    """The proposer changes a project an officer sent back, and it waits for a
    check again."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if actor.pk not in (project.proposer_id, project.entered_by_id):
        raise PermissionDenied
    if project.status != Project.Status.CHANGES:
        raise ApplicationError(
            _("Only a project sent back for changes can be changed.")
        )
    if answers.deadline <= timezone.localdate():
        raise ApplicationError(
            _("The date pledges close must be in the future."), field="deadline"
        )
    _same_locality(answers.asset, project.locality)
    for name in PROJECT_TEXTS:
        setattr(project, name, getattr(answers, name).strip())
    project.asset = answers.asset
    project.ward = answers.asset.ward if answers.asset else None
    project.involves_people_at_risk = answers.involves_people_at_risk
    project.target_pence = answers.target_pence
    project.funding_model = answers.funding_model
    project.deadline = answers.deadline
    project.status = Project.Status.PROPOSED
    _clean(project, exclude=["submission_key"])
    project.save()
    if answers.cost_items:
        project.cost_items.all().delete()
        CostItem.objects.bulk_create(
            [
                CostItem(
                    project=project,
                    description=line.description,
                    amount_pence=line.amount_pence,
                    quote_from=line.quote_from,
                )
                for line in answers.cost_items
            ]
        )
    audit_record(actor=actor, action="project_resubmitted", target=project)
    return project
