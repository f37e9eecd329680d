"""Membership plans and interests, kept by coordinators."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members.models import Interest, MembershipPlan
from kith.places.models import Locality


@transaction.atomic
def plan_save(
    *,
    actor: User,
    locality: Locality,
    plan: MembershipPlan | None = None,
    name: str,
    yearly_fee_pence: int,
    concession_fee_pence: int,
    minimum_age: int,
    joining_credits: int,
    description: str = "",
    is_open: bool = True,
) -> MembershipPlan:
    """Add a membership plan, or change one."""
    require_perm(actor, Perm.PLANS_MANAGE, locality)
    if plan is not None and plan.locality_id != locality.pk:
        raise PermissionDenied
    if concession_fee_pence > yearly_fee_pence:
        raise ApplicationError(
            _("The concession fee must not be more than the yearly fee."),
            field="concession_fee",
        )
    name = name.strip()
    clash = MembershipPlan.objects.filter(locality=locality, name__iexact=name)
    if plan is not None:
        clash = clash.exclude(pk=plan.pk)
    if clash.exists():
        raise ApplicationError(
            _("There is already a plan with this name."), field="name"
        )
    plan = plan or MembershipPlan(locality=locality)
    for key, value in {
        "name": name,
        "yearly_fee_pence": yearly_fee_pence,
        "concession_fee_pence": concession_fee_pence,
        "minimum_age": minimum_age,
        "joining_credits": joining_credits,
        "description": description.strip(),
        "is_open": is_open,
    }.items():
        setattr(plan, key, value)
    created = plan.pk is None
    plan.save()
    audit_record(
        actor=actor,
        action="plan_created" if created else "plan_changed",
        target=plan,
        locality=locality,
    )
    return plan


@transaction.atomic
def interest_add(*, actor: User, locality: Locality, name: str) -> Interest:
    require_perm(actor, Perm.PLANS_MANAGE, locality)
    name = name.strip()
    if not name:
        raise ApplicationError(_("Enter the interest."), field="name")
    if Interest.objects.filter(locality=locality, name__iexact=name).exists():
        raise ApplicationError(_("This interest is already on the list."), field="name")
    interest = Interest.objects.create(locality=locality, name=name)
    audit_record(
        actor=actor, action="interest_added", target=interest, locality=locality
    )
    return interest
