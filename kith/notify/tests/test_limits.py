"""GOV.UK Notify's limits: a token bucket shared by every worker through the
database keeps requests under the limit a minute; a daily count per channel
holds messages over the day's limit for the next day (telling the
coordinators); a 429 slows the bucket and never counts as a failed try."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kith.notify import limits, services
from kith.notify.docs import example_values
from kith.notify.models import DailySendCount, Message, RateBucket


class Clock:
    """timezone.now, time.monotonic and time.sleep on one made-up clock."""

    def __init__(self):
        self.now = timezone.now()
        self.start = self.now

    def __call__(self):
        return self.now

    def monotonic(self):
        return (self.now - self.start).total_seconds()

    def sleep(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    found = Clock()
    monkeypatch.setattr(timezone, "now", found)
    monkeypatch.setattr(limits.time, "monotonic", found.monotonic)
    monkeypatch.setattr(limits.time, "sleep", found.sleep)
    monkeypatch.setattr(limits, "_local", type(limits._local)())
    return found


@pytest.mark.django_db
def test_the_bucket_never_lets_more_than_the_limit_through_in_any_minute(
    settings, clock
):
    settings.KITH_NOTIFY_REQUESTS_PER_MINUTE = 120
    settings.KITH_NOTIFY_BURST = 20
    times = []
    for _ in range(700):
        limits.request_slot(max_wait=60)
        times.append(clock.monotonic())
        clock.now += timedelta(milliseconds=5)  # a fast worker
    busiest = max(sum(1 for t in times if start <= t < start + 60) for start in times)
    assert busiest <= 120
    # ...and it does not hold back much more than it must.
    minutes = times[-1] / 60
    assert len(times) / minutes > 0.8 * 120


@pytest.mark.django_db
def test_the_bucket_is_shared_through_the_database(settings, clock):
    settings.KITH_NOTIFY_REQUESTS_PER_MINUTE = 60
    settings.KITH_NOTIFY_BURST = 5
    for _ in range(5):
        limits.request_slot()
    # Another worker (no tokens of its own) finds the bucket empty.
    limits._local.tokens = 0
    with pytest.raises(limits.NoRequestSlot):
        limits.request_slot(max_wait=0)
    assert RateBucket.objects.get().tokens < 1


@pytest.mark.django_db(transaction=True)
def test_a_429_slows_the_bucket_and_never_counts_as_a_failed_try(
    fake_notify, make_person, settings
):
    settings.KITH_NOTIFY_MAX_ATTEMPTS = 2
    fake_notify.mode = "rate_limited"
    person = make_person(mobile="07700900500")
    message = services.message_queue_for_person(
        person=person, template="welcome", personalisation=example_values("welcome")
    )
    now = timezone.now()
    for _ in range(4):
        now += timedelta(minutes=5)
        services.outbox_sweep(now=now)
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 0
    bucket = RateBucket.objects.get()
    assert bucket.slowed_until is not None and bucket.slowed_until > timezone.now()
    fake_notify.mode = "ok"
    RateBucket.objects.update(tokens=10)
    services.outbox_sweep(now=now + timedelta(minutes=5))
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1
    assert fake_notify.references() == [str(message.reference)]


def _letters(make_person, count, locality=None):
    people = [
        make_person(
            contact_by="letter",
            full_name=f"Person {n}",
            address_line_1=f"{n} Wharf Road",
            town="Testford",
            postcode="SE17 2AA",
        )
        for n in range(count)
    ]
    with transaction.atomic():
        return [
            services.message_queue_for_person(
                person=person,
                template="monthly_letter",
                personalisation=example_values("monthly_letter"),
                locality=locality,
            )
            for person in people
        ]


@pytest.mark.django_db(transaction=True)
def test_a_batch_over_the_daily_limit_is_spread_over_the_next_days(
    fake_notify, make_person, settings, monkeypatch
):
    settings.KITH_NOTIFY_DAILY_LETTERS = 4  # 3 for batches, 1 kept for urgent
    queued = _letters(make_person, 7)
    assert len(fake_notify.notifications) == 3
    assert DailySendCount.objects.get(channel="letter").count == 3
    waiting = Message.objects.filter(status="queued")
    assert waiting.count() == 4
    tomorrow = limits.next_day_start(timezone.now())
    assert {m.next_attempt_at for m in waiting} == {tomorrow}
    assert {m.waiting_for for m in waiting} == {"daily_limit"}
    # The sweep today sends none of them.
    services.outbox_sweep()
    assert len(fake_notify.notifications) == 3
    # Tomorrow 3 more, the day after the last.
    for day, expected in ((1, 6), (2, 7)):
        later = timezone.now() + timedelta(days=day)
        monkeypatch.setattr(limits, "today", lambda later=later: later.date())
        services.outbox_sweep(now=limits.next_day_start(later) - timedelta(days=1))
        assert len(fake_notify.notifications) == expected
    assert sorted(fake_notify.references()) == sorted(str(m.reference) for m in queued)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Message.objects.values_list("waiting_for", flat=True)) == {""}


@pytest.mark.django_db(transaction=True)
def test_urgent_messages_keep_a_share_of_the_day(fake_notify, make_person, settings):
    settings.KITH_NOTIFY_DAILY_TEXTS = 2  # 1 for batches, 1 kept for urgent
    people = [make_person(mobile=f"0770090060{n}") for n in range(3)]
    with transaction.atomic():
        for person in people[:2]:
            services.message_queue_for_person(
                person=person,
                template="welcome",
                personalisation=example_values("welcome"),
            )
    assert len(fake_notify.notifications) == 1
    code = services.message_queue(
        to=people[2].mobile,
        channel="sms",
        template="sign_in_code",
        personalisation=example_values("sign_in_code"),
        urgent=True,
    )
    code.refresh_from_db()
    assert code.status == "sent"


@pytest.mark.django_db(transaction=True)
def test_coordinators_are_told_when_a_batch_will_finish_later(
    client, fake_notify, make_person, settings, testford
):
    settings.KITH_NOTIFY_DAILY_LETTERS = 4
    _letters(make_person, 7, locality=testford.locality)
    client.force_login(testford.coordinator)
    day = limits.today() + timedelta(days=2)
    for name in ("notify:messages", "notify:calls"):
        page = client.get(reverse(name)).content.decode()
        assert "Some messages will go later than usual." in page
        assert f"4 letters waiting: the last should go by {day:%A} {day.day}" in page
