"""The figures' building blocks: the period and wards asked about (Scope),
measures and tables, and the grouped counts and sums every table is made
of, suppressed before they leave (kith/reports/suppression.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    DateTimeField,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, has_perm
from kith.help.models import Visit
from kith.places.models import Locality, Ward
from kith.reports.suppression import Suppressed, suppress

NO_WARD = 0


MAX_MONTHS = 36


DONE = (Visit.Status.DONE, Visit.Status.SETTLED)


AGE_BANDS = (("50-64", 0, 64), ("65-74", 65, 74), ("75-84", 75, 84), ("85+", 85, 200))


@dataclass(frozen=True)
class Period:
    """Whole months, ``start`` to ``end`` inclusive (both firsts of months)."""

    start: date
    end: date

    @property
    def months(self) -> list[date]:
        found = []
        month = self.start
        while month <= self.end:
            found.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return found

    @property
    def last_day(self) -> date:
        return (self.end + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    def bounds(self) -> tuple[datetime, datetime]:
        """The local start of the first day and of the day after the last."""
        start = timezone.make_aware(datetime.combine(self.start, datetime.min.time()))
        end = timezone.make_aware(
            datetime.combine(self.last_day + timedelta(days=1), datetime.min.time())
        )
        return start, end

    def label(self) -> str:
        return f"{self.start:%B %Y} to {self.end:%B %Y}"


def period_of(start: date, end: date) -> Period:
    """The whole months from ``start`` to ``end``, in order, at most
    ``MAX_MONTHS``. Raises ValueError otherwise."""
    start, end = start.replace(day=1), end.replace(day=1)
    if end < start:
        raise ValueError(_("The end of the period must be after its start."))
    period = Period(start, end)
    if len(period.months) > MAX_MONTHS:
        raise ValueError(
            _("Choose a period of at most %(n)s months.") % {"n": MAX_MONTHS}
        )
    return period


def last_twelve_months(today: date) -> Period:
    end = today.replace(day=1)
    start = (end - timedelta(days=335)).replace(day=1)
    return Period(start, end)


@dataclass(frozen=True)
class Scope:
    """What is asked for: a locality, a period and some (or all) wards."""

    locality: Locality
    period: Period
    wards: tuple[Ward, ...]
    all_wards: bool

    @property
    def ward_ids(self) -> list[int]:
        return [ward.pk for ward in self.wards]


def scope_for(
    *, actor: Any, locality: Locality, period: Period, ward_ids: Iterable[int] = ()
) -> Scope:
    """The figures an actor may see: council officers and administrators of
    ``locality`` only (PermissionDenied otherwise). Wards of another
    locality are ignored; none chosen means all."""
    if not has_perm(actor, Perm.REPORTS_VIEW, locality):
        raise PermissionDenied
    every = list(Ward.objects.filter(locality=locality).order_by("name"))
    wanted = set(ward_ids)
    chosen = [ward for ward in every if ward.pk in wanted]
    return Scope(locality, period, tuple(chosen or every), all_wards=not chosen)


def wards_of(locality: Locality) -> list[Ward]:
    """The locality's wards, for the chooser (not personal)."""
    return list(Ward.objects.filter(locality=locality).order_by("name"))


@dataclass(frozen=True)
class Measure:
    """What a table counts, for its page, its CSV and the data dictionary."""

    key: str
    title: str
    counts: str  # what one unit is
    source: str  # where in Kith it is counted from
    people: bool = True  # a count of people or of their doings: suppressed
    unit: str = "count"  # count, hours or pounds


@dataclass
class Table:
    measure: Measure
    row_labels: list[str]
    column_labels: list[str]
    grid: Suppressed
    follows: str = ""
    row_totals: bool = True
    column_totals: bool = True

    @property
    def key(self) -> str:
        return self.measure.key

    def rows(self) -> list[tuple[str, list[float | None], bool]]:
        """(label, published cells with totals, is the totals row)."""
        if not self.grid.values:
            return []
        labels = list(self.row_labels)
        if self.column_totals:
            labels.append(_("All"))
        return [
            (
                label,
                [self.grid.shown(r, c) for c in range(len(self.grid.values[r]))],
                self.column_totals and r == len(labels) - 1,
            )
            for r, label in enumerate(labels)
        ]

    def headers(self) -> list[str]:
        return [*self.column_labels, *([_("Total")] if self.row_totals else [])]

    def grand_total(self) -> float | None:
        if not self.grid.values:
            return None
        last = len(self.grid.values) - 1
        return self.grid.shown(last, len(self.grid.values[last]) - 1)

    def column_total_row(self) -> list[float | None]:
        """The published total of each column (each month), for charts."""
        if not self.grid.values or not self.column_totals:
            return []
        last = len(self.grid.values) - 1
        return [self.grid.shown(last, c) for c in range(len(self.column_labels))]

    def row_total_column(self) -> list[tuple[str, float | None]]:
        """Each row's published total (each ward), for charts."""
        if not self.grid.values or not self.row_totals:
            return []
        return [
            (label, self.grid.shown(r, len(self.column_labels)))
            for r, label in enumerate(self.row_labels)
        ]


def _is_datetime(model: Any, path: str) -> bool:
    """Whether the field at the end of lookup ``path`` holds date and time."""
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return isinstance(field, DateTimeField)


def _month_bounds(period: Period, timed: bool) -> list[Any]:
    """The first of each month of ``period`` and of the month after (local
    midnights for a date and time field)."""
    firsts = [*period.months, period.last_day + timedelta(days=1)]
    if not timed:
        return firsts
    return [
        timezone.make_aware(datetime.combine(day, datetime.min.time()))
        for day in firsts
    ]


def _by_month(
    period: Period,
    queryset: QuerySet[Any],
    ward: str,
    when: str,
    aggregate: Callable[[Q], Any],
) -> dict[tuple[Any, date], float]:
    """One query: ``aggregate`` for each month of ``period``, by ``ward``.
    Months are conditional aggregates over the field's own values rather
    than a truncation of each row, so the database compares values it has
    indexed instead of calling a function per row (a Python function on
    SQLite), whatever the size of the table."""
    bounds = _month_bounds(period, _is_datetime(queryset.model, when))
    months = period.months
    columns = {
        f"m{i}": aggregate(
            Q(**{f"{when}__gte": bounds[i], f"{when}__lt": bounds[i + 1]})
        )
        for i in range(len(months))
    }
    found: dict[tuple[Any, date], float] = {}
    rows = queryset.values(ward).annotate(**columns).order_by()
    for row in rows:
        key = row[ward] or NO_WARD
        for i, month in enumerate(months):
            value = row[f"m{i}"] or 0
            if value:
                found[(key, month)] = found.get((key, month), 0) + value
    return found


def _counts(
    period: Period,
    queryset: QuerySet[Any],
    ward: str,
    when: str,
    *,
    distinct: str = "pk",
) -> dict[tuple[Any, date], int]:
    found = _by_month(
        period,
        queryset,
        ward,
        when,
        lambda q: Count(distinct, filter=q, distinct=distinct != "pk"),
    )
    return {key: int(value) for key, value in found.items()}


def _sums(
    period: Period, queryset: QuerySet[Any], ward: str, when: str, amount: str
) -> dict[tuple[Any, date], float]:
    return _by_month(
        period, queryset, ward, when, lambda q: Sum(amount, filter=q, default=0)
    )


def _ward_rows(
    scope: Scope, counts: dict[tuple[Any, date], Any]
) -> list[tuple[int, str]]:
    rows = [(ward.pk, ward.name) for ward in scope.wards]
    if scope.all_wards and any(key[0] == NO_WARD for key in counts):
        rows.append((NO_WARD, _("Ward not known")))
    return rows


def _month_label(month: date) -> str:
    return f"{month:%b %Y}"


def ward_month_table(
    scope: Scope,
    measure: Measure,
    counts: dict[tuple[Any, date], Any],
    *,
    totals: bool = True,
) -> Table:
    """A ward by month table, suppressed. ``totals`` False for counts of
    distinct people, whose totals are not the sums of their cells."""
    rows = _ward_rows(scope, counts)
    months = scope.period.months
    cells = [
        [counts.get((ward_id, month), 0) for month in months] for ward_id, _l in rows
    ]
    return Table(
        measure,
        [label for _id, label in rows],
        [_month_label(m) for m in months],
        suppress(cells, row_totals=totals, column_totals=totals),
        row_totals=totals,
        column_totals=totals,
    )


def amount_table(
    measure: Measure,
    follows: Table,
    cells: list[list[float]],
) -> Table:
    """Amounts (hours, pounds) laid out as ``follows``, hidden wherever its
    counts are hidden, so an amount never shows what a hidden count hid."""
    grid = [
        [round(v, 1) for v in row]
        for row in _with_totals_float(
            cells, row_totals=follows.row_totals, column_totals=follows.column_totals
        )
    ]
    return Table(
        measure,
        follows.row_labels,
        follows.column_labels,
        Suppressed(
            values=tuple(tuple(row) for row in grid),
            hidden=follows.grid.hidden,
            row_totals=follows.row_totals,
            column_totals=follows.column_totals,
        ),
        follows=follows.key,
        row_totals=follows.row_totals,
        column_totals=follows.column_totals,
    )


def _with_totals_float(
    cells: list[list[float]], *, row_totals: bool, column_totals: bool
) -> list[list[float]]:
    grid = [list(row) for row in cells]
    if row_totals:
        for row in grid:
            row.append(sum(row))
    if column_totals and grid:
        grid.append([sum(column) for column in zip(*grid, strict=True)])
    return grid


def kind_month_table(
    scope: Scope,
    measure: Measure,
    kinds: list[tuple[Any, str]],
    counts: dict[tuple[Any, date], int],
) -> Table:
    months = scope.period.months
    cells = [[counts.get((kind, month), 0) for month in months] for kind, _l in kinds]
    return Table(
        measure,
        [label for _k, label in kinds],
        [_month_label(m) for m in months],
        suppress(cells),
    )
