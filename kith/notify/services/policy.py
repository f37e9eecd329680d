"""The outbox's rules (attempts, backoff, quiet hours, rate limits, leases),
read from settings when they are needed."""

import logging
from dataclasses import dataclass

from django.conf import settings

log = logging.getLogger("kith.notify.services")


@dataclass(frozen=True)
class OutboxRules:
    """The outbox's limits, read from settings when they are needed."""

    max_attempts: int
    backoff_seconds: float
    backoff_cap_seconds: float
    quiet_from: int
    quiet_until: int
    rate_limit: int
    rate_window_seconds: int
    dedupe_seconds: int
    lease_seconds: float
    batch: int


def rules() -> OutboxRules:
    return OutboxRules(
        max_attempts=getattr(settings, "KITH_NOTIFY_MAX_ATTEMPTS", 8),
        backoff_seconds=getattr(settings, "KITH_NOTIFY_BACKOFF_SECONDS", 30),
        backoff_cap_seconds=getattr(settings, "KITH_NOTIFY_BACKOFF_CAP_SECONDS", 3600),
        quiet_from=getattr(settings, "KITH_NOTIFY_QUIET_FROM_HOUR", 21),
        quiet_until=getattr(settings, "KITH_NOTIFY_QUIET_UNTIL_HOUR", 8),
        rate_limit=getattr(settings, "KITH_NOTIFY_RATE_LIMIT", 10),
        rate_window_seconds=getattr(settings, "KITH_NOTIFY_RATE_WINDOW_SECONDS", 3600),
        dedupe_seconds=getattr(settings, "KITH_NOTIFY_DEDUPE_SECONDS", 600),
        lease_seconds=lease_seconds(),
        batch=getattr(settings, "KITH_NOTIFY_BATCH", 100),
    )


def lease_seconds() -> float:
    """How long a sender holds a message it is sending before the sweep may
    take it back (KITH_NOTIFY_LEASE_SECONDS, default 60). The sender renews
    its leases while it works, so this is how long a dead worker's messages
    wait, not how long a batch may take. Never less than three times
    NOTIFY_TIMEOUT_SECONDS: one request to Notify must end well within it."""
    wanted = float(getattr(settings, "KITH_NOTIFY_LEASE_SECONDS", 60))
    timeout = float(getattr(settings, "NOTIFY_TIMEOUT_SECONDS", 10))
    return max(wanted, 3 * timeout)
