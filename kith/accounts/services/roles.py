"""Roles in a locality, and acting on someone's behalf."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.models import (
    Role,
    RoleAssignment,
    User,
)
from kith.accounts.permissions import (
    Perm,
    forget_roles,
    require_perm,
)
from kith.accounts.selectors import can_act_for
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.places.models import Locality

# --- roles -------------------------------------------------------------------


@transaction.atomic
def role_grant(
    *, actor: User, user: User, locality: Locality, role: str
) -> RoleAssignment:
    """Give ``user`` a role in ``locality``. Granting one already held changes
    nothing."""
    require_perm(actor, Perm.ROLES_MANAGE, locality)
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), field="role")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, locality=locality, role=role, defaults={"granted_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="role_granted",
            target=user,
            locality=locality,
            data={"role": role},
        )
    forget_roles(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, user: User, locality: Locality, role: str) -> None:
    """Take a role away. The last administrator of a locality cannot be
    removed, so a locality is never left without one."""
    require_perm(actor, Perm.ROLES_MANAGE, locality)
    assignment = (
        RoleAssignment.objects.select_for_update()
        .filter(user=user, locality=locality, role=role)
        .first()
    )
    if assignment is None:
        raise ApplicationError(_("They do not have that role."), field="role")
    if role == Role.ADMIN:
        admins = RoleAssignment.objects.select_for_update().filter(
            locality=locality, role=Role.ADMIN
        )
        if admins.count() <= 1:
            raise ApplicationError(
                _("This is the locality’s only administrator. Add another one first."),
                field="role",
            )
    assignment.delete()
    forget_roles(user)
    audit_record(
        actor=actor,
        action="role_revoked",
        target=user,
        locality=locality,
        data={"role": role},
    )


# --- acting on behalf --------------------------------------------------------


@transaction.atomic
def acting_start(*, actor: User, person: User, locality: Locality) -> User:
    """Start acting for ``person`` (for example during a phone call)."""
    if not can_act_for(actor=actor, person=person, locality=locality):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="acting_started",
        target=person,
        on_behalf_of=person,
        locality=locality,
    )
    return person


@transaction.atomic
def acting_stop(*, actor: User, person: User, locality: Locality | None) -> None:
    audit_record(
        actor=actor,
        action="acting_stopped",
        target=person,
        on_behalf_of=person,
        locality=locality,
    )
