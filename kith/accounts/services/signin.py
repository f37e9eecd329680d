"""Slowing down guessing: failed sign-in attempts, throttling and recording sign-ins."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kith.accounts.models import (
    SignInAttempt,
    SignInCode,
    User,
)
from kith.core.errors import ApplicationError
from kith.core.services import audit_record

# Slowing down guessing: failures since the last success, within the window.
THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_SLOW_AFTER = 3  # then wait 2, 4, 8 ... seconds between tries
ACCOUNT_REFUSE_AFTER = 10  # then refused until the window has passed
ADDRESS_SLOW_AFTER = 20
ADDRESS_REFUSE_AFTER = 100
MAX_WAIT_SECONDS = 120


def _digest(purpose: str, value: str) -> str:
    return salted_hmac(
        f"kith.accounts.{purpose}", value, algorithm="sha256"
    ).hexdigest()


# --- slowing down guessing ---------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    wait_seconds: int
    refused: bool


def _throttle_for(
    failures: int, last_failure: Any, slow_after: int, refuse_after: int
) -> Throttle:
    now = timezone.now()
    if failures >= refuse_after:
        wait = THROTTLE_WINDOW - (now - last_failure)
        return Throttle(wait_seconds=max(1, int(wait.total_seconds())), refused=True)
    if failures >= slow_after:
        delay = min(MAX_WAIT_SECONDS, 2 ** (failures - slow_after + 1))
        remaining = delay - (now - last_failure).total_seconds()
        if remaining > 0:
            return Throttle(wait_seconds=int(remaining) + 1, refused=False)
    return Throttle(wait_seconds=0, refused=False)


def signin_throttle_check(
    *, identifier: str, ip_address: str | None, slow_down: bool = True
) -> None:
    """Refuse a sign-in attempt that comes too soon after failures for the same
    account or from the same address.

    ``slow_down=False`` skips the growing waits for the account (but not the
    refusal): a one-time code has its own limit of 5 tries, and someone
    mistyping it should see how many tries are left, not a wait.

    Raises ApplicationError (code ``throttled``) saying how long to wait.
    """
    key = _digest("identifier", identifier.strip().lower())
    since = timezone.now() - THROTTLE_WINDOW
    account_slow_after = ACCOUNT_SLOW_AFTER if slow_down else ACCOUNT_REFUSE_AFTER
    checks = [(Q(identifier=key), account_slow_after, ACCOUNT_REFUSE_AFTER)]
    if ip_address:
        checks.append(
            (Q(ip_address=ip_address), ADDRESS_SLOW_AFTER, ADDRESS_REFUSE_AFTER)
        )
    for scope, slow_after, refuse_after in checks:
        attempts = SignInAttempt.objects.filter(scope, created_at__gte=since)
        last_success = attempts.filter(succeeded=True).aggregate(at=Max("created_at"))[
            "at"
        ]
        failures = attempts.filter(succeeded=False)
        if last_success:
            failures = failures.filter(created_at__gt=last_success)
        summary = failures.aggregate(last=Max("created_at"))
        count = failures.count()
        if not count:
            continue
        throttle = _throttle_for(count, summary["last"], slow_after, refuse_after)
        if throttle.refused:
            minutes = max(1, round(throttle.wait_seconds / 60))
            raise ApplicationError(
                _(
                    "There have been too many tries to sign in. For your safety, "
                    "try again in %(minutes)d minutes."
                )
                % {"minutes": minutes},
                code="throttled",
            )
        if throttle.wait_seconds:
            raise ApplicationError(
                _("Please wait %(seconds)d seconds before trying again.")
                % {"seconds": throttle.wait_seconds},
                code="throttled",
            )


def signin_identifier_digest(identifier: str) -> str:
    """How a sign-in attempt records what was typed: never the email or
    phone number itself, only a keyed digest of it."""
    return _digest("identifier", identifier.strip().lower())


def signin_attempt_record(
    *, identifier: str, ip_address: str | None, succeeded: bool
) -> None:
    """Record a sign-in attempt. The failure that locks an account (the
    ``ACCOUNT_REFUSE_AFTER``-th in the window) also tells its owner, by the
    way they like to be contacted, once per lock."""
    digest = signin_identifier_digest(identifier)
    attempt = SignInAttempt.objects.create(
        identifier=digest, ip_address=ip_address, succeeded=succeeded
    )
    if not succeeded:
        _lock_notice(identifier, digest, attempt)


def _lock_notice(identifier: str, digest: str, attempt: SignInAttempt) -> None:
    from kith.accounts.selectors import user_find_by_identifier
    from kith.notify.services import message_queue_for_person

    since = attempt.created_at - THROTTLE_WINDOW
    attempts = SignInAttempt.objects.filter(identifier=digest, created_at__gte=since)
    last_success = attempts.filter(succeeded=True).aggregate(at=Max("created_at"))["at"]
    failures = attempts.filter(succeeded=False)
    if last_success:
        failures = failures.filter(created_at__gt=last_success)
    if failures.count() != ACCOUNT_REFUSE_AFTER:
        return
    person = user_find_by_identifier(identifier)
    if person is None:
        return
    locality = person.own_locality()
    message_queue_for_person(
        person=person,
        template="account_locked",
        personalisation={
            "service_name": locality.name if locality else "Kith",
            "locality_name": locality.name if locality else "Kith",
            "locality_phone": locality.phone if locality else "",
            "tries": ACCOUNT_REFUSE_AFTER,
            "minutes": round(THROTTLE_WINDOW.total_seconds() / 60),
        },
        locality=locality,
        urgent=True,
        key=f"account_locked:{person.pk}:{attempt.pk}",
    )
    audit_record(
        actor=None,
        action="account_locked_notice",
        target=person,
        locality=locality,
        data={"tries": ACCOUNT_REFUSE_AFTER},
    )


def signin_record(*, user: User, method: str) -> None:
    """Audit a completed sign-in, in the person's own locality. A sign-in
    with a code that a coordinator sent says who sent it."""
    data: dict[str, Any] = {"method": method}
    if method == "code":
        used = (
            SignInCode.objects.filter(user=user, used_at__isnull=False)
            .select_related("sent_by")
            .order_by("-used_at", "-pk")
            .first()
        )
        if used is not None and used.sent_by is not None:
            data["code_sent_by"] = used.sent_by.full_name
            data["code_sent_by_id"] = used.sent_by_id
    audit_record(
        actor=user,
        action="signed_in",
        target=user,
        locality=user.own_locality(),
        data=data,
    )
