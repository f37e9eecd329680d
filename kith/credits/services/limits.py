"""Limits and settings: an account's overdraft and the locality's credit
settings.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.credits.models import Account, AccountKind, CreditSettings
from kith.credits.services.accounts import credit_settings_for
from kith.credits.words import describe_minutes
from kith.places.models import Locality


@transaction.atomic
def account_overdraft_set(
    *, actor: User, account: Account, overdraft_minutes: int | None
) -> Account:
    """Let one member go further below nothing than the locality allows (or
    less far), or go back to the locality's limit (None). Refused if they are
    already further overdrawn than the new limit."""
    require_perm(actor, Perm.CREDITS_MANAGE, account.locality)
    if account.kind != AccountKind.MEMBER:
        raise ApplicationError(_("Only members’ accounts have an overdraft."))
    if overdraft_minutes is not None and not 0 <= overdraft_minutes <= 6000:
        raise ApplicationError(
            _("Enter an overdraft between 0 and 100 hours."), field="overdraft"
        )
    account = Account.objects.select_for_update().get(pk=account.pk)
    limit = (
        overdraft_minutes
        if overdraft_minutes is not None
        else credit_settings_for(account.locality).overdraft_limit_minutes
    )
    if account.balance_minutes < -limit:
        raise ApplicationError(
            _("They are already %(owed)s overdrawn. Top them up first.")
            % {"owed": describe_minutes(account.balance_minutes)},
            field="overdraft",
        )
    Account.objects.filter(pk=account.pk).update(
        floor_minutes=-limit, overdraft_override_minutes=overdraft_minutes
    )
    account.floor_minutes, account.overdraft_override_minutes = (
        -limit,
        overdraft_minutes,
    )
    audit_record(
        actor=actor,
        action="credits_overdraft_set",
        target=account,
        on_behalf_of=account.person,
        locality=account.locality,
        data={"overdraft_minutes": overdraft_minutes},
    )
    return account


@transaction.atomic
def credit_settings_update(
    *,
    actor: User,
    locality: Locality,
    minutes_per_credit: int,
    overdraft_limit_minutes: int,
) -> CreditSettings:
    """Change what a credit is worth and how far members may go below
    nothing. Refused if a member is already further overdrawn than the new
    limit allows (top them up or give them their own limit first)."""
    require_perm(actor, Perm.LOCALITY_MANAGE, locality)
    if not 15 <= minutes_per_credit <= 480:
        raise ApplicationError(
            _("A credit must be between 15 minutes and 8 hours."),
            field="minutes_per_credit",
        )
    if not 0 <= overdraft_limit_minutes <= 6000:
        raise ApplicationError(
            _("Enter an overdraft between 0 and 100 hours."),
            field="overdraft_limit_minutes",
        )
    settings_row = credit_settings_for(locality)
    settings_row = CreditSettings.objects.select_for_update().get(pk=settings_row.pk)
    members = Account.objects.select_for_update().filter(
        locality=locality,
        kind=AccountKind.MEMBER,
        overdraft_override_minutes__isnull=True,
    )
    too_low = [a for a in members if a.balance_minutes < -overdraft_limit_minutes]
    if too_low:
        raise ApplicationError(
            _(
                "%(count)d members are more overdrawn than that. Top them up "
                "or give them their own limit first."
            )
            % {"count": len(too_low)},
            field="overdraft_limit_minutes",
        )
    members.update(floor_minutes=-overdraft_limit_minutes)
    before = {
        "minutes_per_credit": settings_row.minutes_per_credit,
        "overdraft_limit_minutes": settings_row.overdraft_limit_minutes,
    }
    settings_row.minutes_per_credit = minutes_per_credit
    settings_row.overdraft_limit_minutes = overdraft_limit_minutes
    settings_row.save()
    audit_record(
        actor=actor,
        action="credit_settings_changed",
        target=settings_row,
        locality=locality,
        data={
            "before": before,
            "after": {
                "minutes_per_credit": minutes_per_credit,
                "overdraft_limit_minutes": overdraft_limit_minutes,
            },
        },
    )
    return settings_row
