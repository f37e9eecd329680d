"""Writes of pledges: making one (within a fund's caps), recording it
received, and closing a project's funding by its funding model (ADR 0030)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.directory.models import Organisation
from kith.projects import rules
from kith.projects.models import (
    RESIDENT,
    Fund,
    Pledge,
    Project,
)
from kith.projects.services.common import (
    _clean,
    _may_speak_for,
    _same_locality,
)


@dataclass(frozen=True)
class PledgeAnswers:
    kind: str
    amount_pence: int = 0
    minutes: int = 0
    description: str = ""
    release_if_missed: bool = False


@transaction.atomic
def pledge_make(
    *,
    actor: User,
    project: Project,
    answers: PledgeAnswers,
    person: User | None = None,
    organisation: Organisation | None = None,
    fund: Fund | None = None,
    on_paper: bool = False,
    submission_key: str | None = None,
) -> Pledge:
    """Record a pledge of money, materials (with their value) or time, from a
    person (a resident) or an organisation (its sector), or from a fund
    within its caps. Staff enter paper pledges for others (``on_paper``).

    Refused, changing nothing, with the reason: a project not open, after
    the deadline, an amount over a fund's cap or over what is left of its
    budget. The project's row is locked, so two pledges from one fund at
    once cannot both pass the cap; then the fund's, for its budget."""
    locality = project.locality
    require_perm(actor, Perm.PROJECTS_PROPOSE, locality)
    if submission_key:
        existing = Pledge.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.entered_by_id != actor.pk:
                raise PermissionDenied
            return existing
    if fund is not None:
        _same_locality(fund, locality)
        if not (
            fund.managers.filter(pk=actor.pk).exists()
            or has_perm(actor, Perm.PROJECTS_CHECK, locality)
        ):
            raise PermissionDenied
        organisation = fund.organisation
        person = None
    elif organisation is not None:
        _same_locality(organisation, locality)
        if not _may_speak_for(actor, organisation):
            raise PermissionDenied
        person = None
    else:
        person = person or actor
        if person.pk != actor.pk and not has_perm(actor, Perm.PROJECTS_ENTER, locality):
            raise PermissionDenied
    if on_paper and not has_perm(actor, Perm.PROJECTS_ENTER, locality):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    refusal = rules.pledge_refusal(
        status=project.status, deadline=project.deadline, today=timezone.localdate()
    )
    if refusal:
        raise ApplicationError(refusal)
    if answers.kind not in Pledge.Kind.values:
        raise ApplicationError(_("Choose what you are pledging."), field="kind")
    if answers.kind == Pledge.Kind.TIME:
        if not 0 < answers.minutes <= 1000 * 60:
            raise ApplicationError(
                _("Enter the hours you can give, up to 1,000."), field="hours"
            )
        amount, minutes = 0, answers.minutes
    else:
        if answers.amount_pence <= 0:
            raise ApplicationError(
                _("Enter an amount more than £0.")
                if answers.kind == Pledge.Kind.MONEY
                else _("Enter what the materials are worth, more than £0."),
                field="amount",
            )
        amount, minutes = answers.amount_pence, 0
    if answers.kind == Pledge.Kind.MATERIALS and not answers.description.strip():
        raise ApplicationError(_("Say what the materials are."), field="description")
    if fund is not None:
        if answers.kind != Pledge.Kind.MONEY:
            raise ApplicationError(_("A fund pledges money."), field="kind")
        already = (
            project.pledges.filter(fund=fund)
            .exclude(status=Pledge.Status.RELEASED)
            .aggregate(total=Sum("amount_pence", default=0))["total"]
        )
        refused = rules.fund_refusal(
            amount_pence=amount,
            target_pence=project.target_pence,
            cap_pence=fund.cap_pence,
            cap_percent=fund.cap_percent,
            already_pence=already,
        )
        if refused:
            raise ApplicationError(refused, field="amount")
        # The fund's row is locked too (always after the project's), so two
        # pledges from one fund to two projects at once cannot both pass its
        # budget.
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
        spent = (
            Pledge.objects.filter(fund=fund)
            .exclude(status=Pledge.Status.RELEASED)
            .aggregate(total=Sum("amount_pence", default=0))["total"]
        )
        refused = rules.fund_budget_refusal(
            amount_pence=amount, budget_pence=fund.budget_pence, pledged_pence=spent
        )
        if refused:
            raise ApplicationError(refused, field="amount")
    pledge = Pledge(
        locality=locality,
        project=project,
        kind=answers.kind,
        amount_pence=amount,
        minutes=minutes,
        description=answers.description.strip()[:200],
        person=person,
        organisation=organisation,
        fund=fund,
        sector=organisation.sector if organisation is not None else RESIDENT,
        release_if_missed=answers.release_if_missed,
        entered_by=actor,
        on_paper=on_paper,
        submission_key=submission_key,
    )
    _clean(pledge, exclude=["submission_key"])
    try:
        with transaction.atomic():
            pledge.save()
    except IntegrityError:
        # The same submission, sent twice at once: the first one made it.
        existing = Pledge.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    audit_record(
        actor=actor,
        action="pledge_made",
        target=pledge,
        on_behalf_of=person if person is not None and person.pk != actor.pk else None,
        locality=locality,
        data={
            "kind": pledge.kind,
            "amount_pence": amount,
            "minutes": minutes,
            "on_paper": on_paper,
            "organisation": organisation.pk if organisation else None,
            "fund": fund.pk if fund else None,
        },
    )
    return pledge


@transaction.atomic
def pledge_received(*, actor: User, pledge: Pledge, received_on: date) -> Pledge:
    """Record that the money or materials pledged arrived (collected outside
    Kith). Recording it again keeps the first date."""
    require_perm(actor, Perm.PROJECTS_CHECK, pledge.locality)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.status == Pledge.Status.RECEIVED:
        return pledge
    if pledge.status == Pledge.Status.RELEASED:
        raise ApplicationError(_("This pledge was released: nothing is collected."))
    if received_on > timezone.localdate():
        raise ApplicationError(
            _("The date received cannot be in the future."), field="received_on"
        )
    pledge.status = Pledge.Status.RECEIVED
    pledge.received_on = received_on
    pledge.save(update_fields=["status", "received_on", "updated_at"])
    audit_record(
        actor=actor,
        action="pledge_received",
        target=pledge,
        data={"received_on": received_on.isoformat()},
    )
    return pledge


@transaction.atomic
def project_funding_close(
    *, actor: User | None, project: Project, today: date | None = None
) -> Project:
    """After the deadline, apply the funding model: all or nothing releases
    every pledge if the target was missed (and closes the project); keep what
    you raise releases only the pledges of partners who asked. Time pledges
    are never released: people still come to work days. Closing again
    changes nothing."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.outcome != Project.Outcome.OPEN:
        return project
    if project.status != Project.Status.PUBLISHED:
        return project
    if project.deadline >= (today or timezone.localdate()):
        raise ApplicationError(_("Pledges are still open for this project."))
    counted = list(
        project.pledges.exclude(kind=Pledge.Kind.TIME)
        .exclude(status=Pledge.Status.RELEASED)
        .order_by("pk")
    )
    outcome = rules.funding_outcome(
        funding_model=project.funding_model,
        target_pence=project.target_pence,
        pledges=[
            rules.PledgeLine(p.amount_pence, release_if_missed=p.release_if_missed)
            for p in counted
        ],
    )
    released = [counted[i].pk for i in outcome.released]
    Pledge.objects.filter(pk__in=released).update(
        status=Pledge.Status.RELEASED, updated_at=timezone.now()
    )
    project.outcome = (
        Project.Outcome.REACHED if outcome.reached else Project.Outcome.MISSED
    )
    if (
        not outcome.reached
        and project.funding_model == Project.FundingModel.ALL_OR_NOTHING
    ):
        project.status = Project.Status.CLOSED
    project.save(update_fields=["outcome", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="project_funding_closed",
        target=project,
        data={
            "reached": outcome.reached,
            "counted_pence": outcome.counted_pence,
            "released": released,
        },
    )
    return project


def projects_funding_close_due(*, today: date | None = None) -> int:
    """The nightly job: close the funding of every published project whose
    deadline has passed. Returns how many were closed now."""
    today = today or timezone.localdate()
    count = 0
    for pk in Project.objects.filter(
        status=Project.Status.PUBLISHED,
        outcome=Project.Outcome.OPEN,
        deadline__lt=today,
    ).values_list("pk", flat=True):
        project_funding_close(
            actor=None, project=Project.objects.get(pk=pk), today=today
        )
        count += 1
    return count
