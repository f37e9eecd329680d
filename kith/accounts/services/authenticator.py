"""The authenticator app and recovery codes (staff's second factor)."""

import secrets

import pyotp
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from kith.accounts.models import (
    Authenticator,
    RecoveryCode,
    RoleAssignment,
    User,
)
from kith.accounts.permissions import (
    Perm,
    require_perm,
)
from kith.accounts.services.signin import _digest
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.places.models import Locality

RECOVERY_CODE_COUNT = 10
# --- authenticator app (staff) -----------------------------------------------


@transaction.atomic
def authenticator_begin(*, user: User) -> Authenticator:
    """Start setting up an authenticator app: a new secret, not yet trusted.
    Raises ApplicationError if one is already set up."""
    existing = Authenticator.objects.select_for_update().filter(user=user).first()
    if existing and existing.confirmed_at:
        raise ApplicationError(_("An authenticator app is already set up."))
    if existing:
        return existing
    return Authenticator.objects.create(user=user, secret=pyotp.random_base32())


def _totp_step(secret: str, code: str, last_used_step: int) -> int | None:
    """The time step that ``code`` matches (allowing one step of clock drift),
    or None. A step already used does not match again."""
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        step = current + offset
        if step > last_used_step and constant_time_compare(
            totp.generate_otp(step), code
        ):
            return step
    return None


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        RecoveryCode.objects.create(user=user, code_hash=_digest("recovery", code))
    return codes


@transaction.atomic
def authenticator_confirm(*, user: User, code: str) -> list[str]:
    """Trust the authenticator once it shows a right code. Returns the new
    recovery codes, to be shown once and never again."""
    authenticator = Authenticator.objects.select_for_update().filter(user=user).first()
    if authenticator is None:
        raise ApplicationError(_("Start again: set up your authenticator app."))
    if authenticator.confirmed_at:
        raise ApplicationError(_("An authenticator app is already set up."))
    step = _totp_step(
        authenticator.secret, _only_digits(code), authenticator.last_used_step
    )
    if step is None:
        raise ApplicationError(
            _("That code is not right. Enter the 6-digit code your app shows now."),
            field="code",
        )
    authenticator.confirmed_at = timezone.now()
    authenticator.last_used_step = step
    authenticator.save()
    codes = _new_recovery_codes(user)
    audit_record(
        actor=user,
        action="authenticator_set_up",
        target=user,
        locality=user.own_locality(),
    )
    return codes


def _only_digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def second_factor_verify(*, user: User, code: str) -> str:
    """Check a code from the authenticator app, or a recovery code.

    Returns ``"authenticator"`` or ``"recovery_code"``; raises ApplicationError
    when neither matches. A recovery code works once.
    """
    with transaction.atomic():
        authenticator = (
            Authenticator.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if authenticator is None:
            raise ApplicationError(_("Set up your authenticator app first."))
        typed = (code or "").strip().lower()
        digits = _only_digits(typed)
        if len(digits) == 6 and len(typed.replace(" ", "")) == 6:
            step = _totp_step(
                authenticator.secret, digits, authenticator.last_used_step
            )
            if step is not None:
                authenticator.last_used_step = step
                authenticator.save(update_fields=["last_used_step"])
                return "authenticator"
        else:
            digest = _digest("recovery", typed.replace(" ", ""))
            recovery = (
                RecoveryCode.objects.select_for_update()
                .filter(user=user, code_hash=digest, used_at__isnull=True)
                .first()
            )
            if recovery is not None:
                recovery.used_at = timezone.now()
                recovery.save(update_fields=["used_at"])
                left = RecoveryCode.objects.filter(
                    user=user, used_at__isnull=True
                ).count()
                audit_record(
                    actor=user,
                    action="recovery_code_used",
                    target=user,
                    locality=user.own_locality(),
                    data={"left": left},
                )
                return "recovery_code"
    raise ApplicationError(
        _(
            "That code is not right. Enter the 6-digit code your app shows now, or a "
            "recovery code."
        ),
        field="code",
    )


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes for oneself; the old ones stop working."""
    if not Authenticator.objects.filter(
        user=actor, confirmed_at__isnull=False
    ).exists():
        raise ApplicationError(_("Set up your authenticator app first."))
    codes = _new_recovery_codes(actor)
    audit_record(
        actor=actor,
        action="recovery_codes_regenerated",
        target=actor,
        locality=actor.own_locality(),
    )
    return codes


@transaction.atomic
def authenticator_reset(*, actor: User, user: User, locality: Locality) -> None:
    """For someone who lost their phone and their recovery codes: they set up
    a new authenticator at their next sign-in."""
    require_perm(actor, Perm.ROLES_MANAGE, locality)
    if not RoleAssignment.objects.filter(user=user, locality=locality).exists():
        raise PermissionDenied
    Authenticator.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(
        actor=actor, action="authenticator_reset", target=user, locality=locality
    )


def demo_authenticator_code(*, user: User) -> str | None:
    """The current code of a demo account's authenticator, shown on the
    sign-in page only in a development demo (KITH_DEMO with KITH_DEBUG; the
    demo server runs with Django's DEBUG off, to show Kith's own error
    pages)."""
    if not (
        getattr(settings, "KITH_DEVELOPMENT", False)
        and getattr(settings, "KITH_DEMO", False)
    ):
        return None
    authenticator = Authenticator.objects.filter(
        user=user, confirmed_at__isnull=False
    ).first()
    if authenticator is None or not (user.email or "").endswith("@riverside.example"):
        return None
    return pyotp.TOTP(authenticator.secret).now()
