"""A message is held by one sender at a time: a lease the sender renews while
it works through a slow batch, checked at the moment of sending, so the sweep
never sends a live worker's messages a second time. And a "delivered"
receipt completes the record of a message Kith was still retrying."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from kith.notify import channels, services
from kith.notify.docs import example_values
from kith.notify.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = 30


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.KITH_NOTIFY_LEASE_SECONDS = LEASE
    # What the threshold was before leases, so the old sweep would act too.
    settings.KITH_NOTIFY_SENDING_STALE_SECONDS = LEASE


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    found = Clock()
    monkeypatch.setattr(timezone, "now", found)
    return found


def queue_batch(count, start=0):
    with transaction.atomic():
        return [
            services.message_queue(
                to=f"0770090{number:04d}",
                channel="sms",
                template="welcome",
                personalisation=example_values("welcome"),
            )
            for number in range(start, start + count)
        ]


def test_a_slow_batch_is_not_sent_twice_by_the_sweep(fake_notify, clock, monkeypatch):
    """Notify answers slowly: the batch takes far longer than a lease, and
    the sweep runs (as in another worker) while each message is in flight."""
    real_deliver = channels.deliver
    sweeping = []

    def slow_deliver(message):
        clock.now += timedelta(seconds=LEASE * 0.6)
        if not sweeping:
            sweeping.append(True)
            services.outbox_sweep()
            sweeping.pop()
        return real_deliver(message)

    monkeypatch.setattr(channels, "deliver", slow_deliver)
    queued = queue_batch(6)
    references = fake_notify.references()
    assert sorted(references) == sorted(str(m.reference) for m in queued)
    assert len(references) == len(set(references)) == 6
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_a_message_whose_lease_was_taken_over_is_not_sent(
    fake_notify, clock, monkeypatch
):
    real_deliver = channels.deliver
    taken = []

    def deliver(message):
        if not taken:
            # The worker stalls past its lease; meanwhile the sweep gave the
            # second message to another sender.
            clock.now += timedelta(seconds=LEASE + 1)
            second = Message.objects.exclude(pk=message.pk).get()
            Message.objects.filter(pk=second.pk).update(
                lease_token="another",
                lease_expires_at=clock.now + timedelta(seconds=LEASE),
            )
            taken.append(second)
        return real_deliver(message)

    monkeypatch.setattr(channels, "deliver", deliver)
    first, second = queue_batch(2)
    assert fake_notify.references() == [str(first.reference)]
    second.refresh_from_db()
    assert second.status == "sending" and second.lease_token == "another"


def test_a_send_whose_lease_lapsed_asks_notify_by_reference_first(
    fake_notify, clock, monkeypatch
):
    real_deliver = channels.deliver
    lapsed = []

    def deliver(message):
        if not lapsed:
            # The worker stalled: the second message's lease ran out, and an
            # earlier send of it had reached Notify after all.
            clock.now += timedelta(seconds=LEASE + 1)
            second = Message.objects.exclude(pk=message.pk).get()
            fake_notify.notifications.append(
                {"id": "earlier-id", "reference": str(second.reference), "to": ""}
            )
            lapsed.append(second)
        return real_deliver(message)

    monkeypatch.setattr(channels, "deliver", deliver)
    _first, second = queue_batch(2)
    second.refresh_from_db()
    assert second.status == "sent" and second.provider_reference == "earlier-id"
    assert fake_notify.references().count(str(second.reference)) == 1


def test_a_dead_workers_messages_wait_one_lease_not_five_minutes(fake_notify, settings):
    settings.KITH_NOTIFY_LEASE_SECONDS = 45
    [message] = queue_batch(1)
    fake_notify.notifications.clear()
    # As a worker that died just after claiming it.
    claimed = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        status="sending",
        sent_at=None,
        lease_token="dead",
        lease_expires_at=claimed + timedelta(seconds=45),
    )
    services.outbox_sweep(now=claimed + timedelta(seconds=44))
    message.refresh_from_db()
    assert message.status == "sending" and fake_notify.notifications == []
    services.outbox_sweep(now=claimed + timedelta(seconds=46))
    message.refresh_from_db()
    assert message.status == "sent"
    assert fake_notify.references() == [str(message.reference)]


def test_the_lease_is_never_shorter_than_three_notify_timeouts(settings):
    settings.KITH_NOTIFY_LEASE_SECONDS = 5
    settings.NOTIFY_TIMEOUT_SECONDS = 10
    assert services.rules().lease_seconds == 30


def test_a_delivered_receipt_during_retries_completes_the_record(fake_notify):
    fake_notify.mode = "down"
    [message] = queue_batch(1)
    message.refresh_from_db()
    assert message.status == "queued" and "503" in message.last_error
    assert message.sent_at is None and message.provider_reference == ""
    # Notify had accepted it after all, and says so.
    services.delivery_receipt_record(
        payload={
            "id": "5f2c0a2e-notify-id",
            "reference": str(message.reference),
            "status": "delivered",
            "sent_at": "2026-12-07T10:00:01.000000Z",
            "completed_at": "2026-12-07T10:00:05.000000Z",
        }
    )
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.provider_reference == "5f2c0a2e-notify-id"
    assert message.sent_at is not None and message.sent_at.second == 1
    assert message.delivered_at is not None
    assert message.last_error == ""
    fake_notify.mode = "ok"
    services.outbox_sweep(now=timezone.now() + timedelta(days=1))
    assert fake_notify.notifications == []  # not sent again
