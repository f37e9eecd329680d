"""Writes of the funds that pledge to projects, with their caps and budgets."""

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.money import pounds
from kith.core.services import audit_record
from kith.directory.models import Organisation
from kith.places.models import Locality
from kith.projects.models import Fund, Pledge
from kith.projects.services.common import (
    _clean,
    _same_locality,
)


@transaction.atomic
def fund_save(
    *,
    actor: User,
    locality: Locality,
    organisation: Organisation,
    name: str,
    cap_pence: int,
    cap_percent: int,
    budget_pence: int | None = None,
    fund: Fund | None = None,
) -> Fund:
    """Add or change a fund that pledges to projects (council officers), with
    its caps by amount and by share of a project's target, and its budget
    across all projects (None: no overall limit). A budget below what the
    fund has already pledged is refused."""
    require_perm(actor, Perm.PROJECTS_CHECK, locality)
    _same_locality(organisation, locality)
    if fund is not None:
        _same_locality(fund, locality)
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if not 1 <= cap_percent <= 100:
        raise ApplicationError(
            _("The share must be between 1% and 100%."), field="cap_percent"
        )
    if cap_pence <= 0:
        raise ApplicationError(_("Enter a cap more than £0."), field="cap")
    if budget_pence is not None:
        if budget_pence <= 0:
            raise ApplicationError(_("Enter a budget more than £0."), field="budget")
        pledged = (
            Pledge.objects.filter(fund=fund)
            .exclude(status=Pledge.Status.RELEASED)
            .aggregate(total=Sum("amount_pence", default=0))["total"]
            if fund is not None
            else 0
        )
        if budget_pence < pledged:
            raise ApplicationError(
                _(
                    "The budget cannot be less than the %(pledged)s the fund has "
                    "already pledged."
                )
                % {"pledged": pounds(pledged)},
                field="budget",
            )
    target = fund or Fund(locality=locality)
    target.organisation = organisation
    target.name = name.strip()
    target.cap_pence = cap_pence
    target.cap_percent = cap_percent
    target.budget_pence = budget_pence
    _clean(target)
    created = target.pk is None
    target.save()
    audit_record(
        actor=actor,
        action="fund_added" if created else "fund_changed",
        target=target,
        data={
            "cap_pence": cap_pence,
            "cap_percent": cap_percent,
            "budget_pence": budget_pence,
        },
    )
    return target
