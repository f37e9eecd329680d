"""The sweep: retries that are due, texts held over quiet hours, messages a
dead worker left half-sent."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from kith.notify import channels
from kith.notify.models import (
    Channel,
    Message,
)
from kith.notify.services.policy import log, rules
from kith.notify.services.sending import _send, secrets_forget


def outbox_recover(*, now: datetime | None = None) -> int:
    """Messages left "sending" by a worker that died (its lease ran out
    without being renewed): ask the channel whether each arrived; mark it
    sent if so, queue it again if not. A sender that renews the lease
    meanwhile keeps the message. Returns how many were recovered."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=rules().lease_seconds)
    count = 0
    for message in Message.objects.filter(
        Q(lease_expires_at__lte=now)
        | Q(lease_expires_at__isnull=True, claimed_at__lte=stale),
        status=Message.Status.SENDING,
    ).order_by("pk"):
        try:
            found = channels.find(message)
        except channels.ChannelUnavailable as exc:
            log.warning("Cannot check message %s yet: %s", message.pk, exc)
            continue
        # Only while the lease is still the lapsed one we saw.
        unchanged = Message.objects.filter(
            pk=message.pk,
            status=Message.Status.SENDING,
            lease_token=message.lease_token,
            lease_expires_at=message.lease_expires_at,
        )
        if found is not None:
            count += unchanged.update(
                status=Message.Status.SENT,
                sent_at=now,
                provider_reference=found,
                last_error="",
                lease_token="",
                lease_expires_at=None,
            )
            secrets_forget(message_ids=[message.pk])
        else:
            count += unchanged.update(
                status=Message.Status.QUEUED,
                next_attempt_at=now,
                lease_token="",
                lease_expires_at=None,
            )
    return count


def outbox_sweep(*, now: datetime | None = None) -> int:
    """The outbox's safety net, run every minute by the scheduler: recover
    messages a dead worker left, then send every message that is due (retries
    after their backoff, texts held over quiet hours, anything whose task was
    lost). Returns how many were sent."""
    now = now or timezone.now()
    outbox_recover(now=now)
    secrets_forget(now=now)
    due = list(
        Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
        .exclude(channel=Channel.PHONE)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    size = rules().batch
    sent = 0
    for start in range(0, len(due), size):
        count, provider_down = _send(due[start : start + size], now)
        sent += count
        if provider_down:
            break  # try again at the next sweep
    return sent
