"""GOV.UK Notify's own limits, kept by every worker together through the
database (docs/deploy.md, "GOV.UK Notify").

- Requests a minute per API key (3,000 by default,
  ``KITH_NOTIFY_REQUESTS_PER_MINUTE``): a token bucket in one database row
  (``RateBucket``). It holds at most ``KITH_NOTIFY_BURST`` tokens and refills
  so that, burst included, no 60 seconds see more requests than the limit.
  Every request to Notify takes a token: sends, look-ups by reference,
  template reads. A 429 from Notify empties the bucket and halves its rate for
  a minute.
- Messages a day per channel (250,000 emails, 250,000 texts, 20,000 letters
  by default, ``KITH_NOTIFY_DAILY_EMAILS``/``_TEXTS``/``_LETTERS``), counted
  per UK day (``DailySendCount``) as messages are claimed for sending. The
  last ``URGENT_SHARE`` of each day's allowance is kept for urgent messages
  (sign-in codes), so a large batch cannot lock people out; what does not fit
  waits for the next day, and the next, spreading the batch out.
"""

import math
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kith.notify.models import DailySendCount, RateBucket

BUCKET = "notify"
#: Share of each day's allowance kept for urgent messages.
URGENT_SHARE = 0.05
#: How long a 429 from Notify halves the bucket's rate.
SLOW_SECONDS = 60
#: A worker takes tokens a few at a time, and uses them within this long.
LOCAL_SECONDS = 1.0


class NoRequestSlot(Exception):
    """No token within the time the caller can wait; ``wait`` says how long
    until one would come."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"Waiting for GOV.UK Notify's rate limit ({wait:.1f} s)")
        self.wait = wait


@dataclass(frozen=True)
class Limits:
    per_minute: int
    burst: int
    daily: dict[str, int]

    @property
    def per_second(self) -> float:
        # Tokens taken may be used up to LOCAL_SECONDS later, so refill over
        # a little more than a minute: burst + a minute's refill <= the limit
        # in any 60 seconds.
        return (self.per_minute - self.burst) / (60 + 2 * LOCAL_SECONDS)


def limits() -> Limits:
    per_minute = max(2, int(getattr(settings, "KITH_NOTIFY_REQUESTS_PER_MINUTE", 3000)))
    burst = int(getattr(settings, "KITH_NOTIFY_BURST", 50))
    return Limits(
        per_minute=per_minute,
        burst=max(1, min(burst, per_minute // 2)),
        daily={
            "email": int(getattr(settings, "KITH_NOTIFY_DAILY_EMAILS", 250_000)),
            "sms": int(getattr(settings, "KITH_NOTIFY_DAILY_TEXTS", 250_000)),
            "letter": int(getattr(settings, "KITH_NOTIFY_DAILY_LETTERS", 20_000)),
        },
    )


# --- requests a minute ---------------------------------------------------------

_local = threading.local()


def _local_take() -> bool:
    tokens = getattr(_local, "tokens", 0)
    if tokens > 0 and time.monotonic() < getattr(_local, "until", 0.0):
        _local.tokens = tokens - 1
        return True
    _local.tokens = 0
    return False


def _bucket() -> None:
    if not RateBucket.objects.filter(name=BUCKET).exists():
        try:
            with transaction.atomic():
                RateBucket.objects.create(
                    name=BUCKET, tokens=limits().burst, refilled_at=timezone.now()
                )
        except IntegrityError:
            pass  # another worker made it first


def _take(want: int) -> tuple[int, float]:
    """Take up to ``want`` tokens: how many were taken, and if none, how
    long until one comes."""
    found = limits()
    _bucket()
    with transaction.atomic():
        bucket = RateBucket.objects.select_for_update().get(name=BUCKET)
        now = timezone.now()  # read under the lock, so time only moves on
        rate = found.per_second
        if bucket.slowed_until and now < bucket.slowed_until:
            rate /= 2
        elapsed = max(0.0, (now - bucket.refilled_at).total_seconds())
        tokens = min(float(found.burst), bucket.tokens + elapsed * rate)
        taken = min(want, math.floor(tokens)) if tokens >= 1 else 0
        tokens -= taken
        RateBucket.objects.filter(pk=bucket.pk).update(
            tokens=tokens, refilled_at=max(now, bucket.refilled_at)
        )
    return taken, 0.0 if taken else (1 - tokens) / rate


def request_slot(max_wait: float = 5.0) -> None:
    """Wait for a token to make one request to Notify. Raises NoRequestSlot
    when none would come within ``max_wait`` seconds (then the caller puts
    its work back, without counting it as a try)."""
    if _local_take():
        return
    want = max(1, min(10, limits().burst // 5))
    deadline = time.monotonic() + max_wait
    while True:
        taken, wait = _take(want)
        if taken:
            _local.tokens = taken - 1
            _local.until = time.monotonic() + LOCAL_SECONDS
            return
        if time.monotonic() + wait > deadline:
            raise NoRequestSlot(wait)
        time.sleep(wait)


def slow_down() -> None:
    """Notify answered 429: empty the bucket and halve its rate for a while."""
    _local.tokens = 0
    _bucket()
    now = timezone.now()
    RateBucket.objects.filter(name=BUCKET).update(
        tokens=0, refilled_at=now, slowed_until=now + timedelta(seconds=SLOW_SECONDS)
    )


# --- messages a day ------------------------------------------------------------


def today() -> date:
    return timezone.localdate()


def next_day_start(moment: datetime) -> datetime:
    """Midnight at the start of the next UK day, when Notify's daily counts
    start again."""
    local = timezone.localtime(moment)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1)


def _cap(channel: str) -> int | None:
    return limits().daily.get(channel)


def daily_reserve(channel: str, *, urgent: int, others: int) -> tuple[int, int]:
    """Count ``urgent`` and ``others`` messages of ``channel`` against
    today's allowance, as far as it goes: how many of each may be sent.
    Others may not use the share kept for urgent messages. Call it inside
    the caller's transaction."""
    cap = _cap(channel)
    if cap is None or urgent + others == 0:
        return urgent, others
    day = today()
    DailySendCount.objects.bulk_create(
        [DailySendCount(day=day, channel=channel)], ignore_conflicts=True
    )
    row = DailySendCount.objects.select_for_update().get(day=day, channel=channel)
    free = max(0, cap - row.count)
    free_for_others = max(0, cap - math.ceil(cap * URGENT_SHARE) - row.count)
    may_urgent = min(urgent, free)
    may_others = min(others, free - may_urgent, free_for_others)
    if may_urgent + may_others:
        DailySendCount.objects.filter(pk=row.pk).update(
            count=row.count + may_urgent + may_others
        )
    return may_urgent, may_others


def daily_give_back(channel: str, count: int = 1) -> None:
    """A claimed message was put back unsent: it does not count today."""
    from django.db.models import F

    if _cap(channel) is None:
        return
    DailySendCount.objects.filter(
        day=today(), channel=channel, count__gte=count
    ).update(count=F("count") - count)


def days_to_clear(channel: str, waiting: int) -> int:
    """Days (counting today as 0) until ``waiting`` messages of ``channel``
    held back by the daily limit have gone, at the allowance for others."""
    cap = _cap(channel)
    if not cap or waiting <= 0:
        return 0
    per_day = max(1, cap - math.ceil(cap * URGENT_SHARE))
    return math.ceil(waiting / per_day)
