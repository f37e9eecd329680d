"""Last night's count of visits by month (ADR 0044)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from kith.help.models import Visit
from kith.places.models import Locality
from kith.reports import scoring
from kith.reports.models import (
    VisitMonth,
    VisitMonthRun,
)

# --- last night's count of visits by month ----------------------------------------

#: A month is counted into the summary once this many days have passed
#: since it ended, when late records of its visits have mostly come in.
SETTLE_DAYS = 7
#: How many settled months the summary keeps: the longest period asked.
SUMMARY_MONTHS = 36


def _local_midnight(day: date) -> Any:
    return timezone.make_aware(datetime.combine(day, time.min))


def visit_months_refresh(*, locality: Locality, today: date | None = None) -> int:
    """Count ``locality``'s visits afresh for each of the last 36 settled
    months (ended at least ``SETTLE_DAYS`` days ago) by the member's ward,
    kind of help and status, and replace its summary with them in one
    transaction. A system job (no actor): it writes counts, not anyone's
    data. Run twice, it makes the same rows. Returns the rows made."""
    today = today or timezone.localdate()
    settled = (today - timedelta(days=SETTLE_DAYS)).replace(day=1)
    last = scoring.add_months(settled, -1)
    first = scoring.add_months(last, -(SUMMARY_MONTHS - 1))
    rows = []
    month = first
    while month <= last:
        after = scoring.add_months(month, 1)
        # One month at a time: each query reads one month's visits by its
        # index on the time, so memory stays small however large the year.
        for row in (
            Visit.objects.filter(
                request__locality=locality,
                starts_at__gte=_local_midnight(month),
                starts_at__lt=_local_midnight(after),
            )
            .values("request__membership__ward_id", "request__category_id", "status")
            .annotate(n=Count("pk"), total=Sum("minutes", default=0))
            .order_by()
        ):
            rows.append(
                VisitMonth(
                    locality=locality,
                    month=month,
                    ward_id=row["request__membership__ward_id"],
                    category_id=row["request__category_id"],
                    status=row["status"],
                    visits=row["n"],
                    minutes=row["total"] or 0,
                )
            )
        month = after
    with transaction.atomic():
        VisitMonth.objects.filter(locality=locality).delete()
        VisitMonth.objects.bulk_create(rows, batch_size=2000)
        VisitMonthRun.objects.update_or_create(
            locality=locality,
            defaults={
                "first_month": first,
                "last_month": last,
                "made_at": timezone.now(),
            },
        )
    return len(rows)


def visit_months_refresh_all(*, today: date | None = None) -> int:
    """The nightly job: every locality's summary. Returns the rows made."""
    return sum(
        visit_months_refresh(locality=locality, today=today)
        for locality in Locality.objects.order_by("pk")
    )
