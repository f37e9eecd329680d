"""The council's figures: activity by ward and month, outcomes and social
value, counted from every other part when asked and published only through
small-number suppression (kith/reports/suppression.py, ADR 0037).

Each table is one aggregate query grouped by ward (or kind) and month, so a
year of a large locality costs a few dozen queries whatever its size. Only
aggregates leave this module: no row here names a person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, has_perm
from kith.budgeting.models import Result, Round, Voter
from kith.credits.models import Entry, TransferKind
from kith.directory.models import Signposting
from kith.help.models import HelpCategory, HelpRequest, Visit
from kith.members.models import FeePayment, Membership, MembershipPlan
from kith.notify.models import Channel, Message
from kith.places.models import Locality, Ward
from kith.projects.models import HoursGiven, Pledge
from kith.reports import scoring
from kith.reports.models import HelpValue, ProxyValue, Survey, SurveySettings
from kith.reports.suppression import THRESHOLD, Suppressed, suppress
from kith.social.models import Introduction, SignUp

NO_WARD = 0
MAX_MONTHS = 36
DONE = (Visit.Status.DONE, Visit.Status.SETTLED)
AGE_BANDS = (("50-64", 0, 64), ("65-74", 65, 74), ("75-84", 75, 84), ("85+", 85, 200))


# --- the period and wards asked for ------------------------------------------


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


# --- tables --------------------------------------------------------------------


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


M = Measure
MEASURES = {
    m.key: m
    for m in [
        M("members_joined", _("Members who joined"), _("members"),
          _("Memberships by the month they started, by the member's ward.")),
        M("members_renewed", _("Memberships renewed"), _("renewals"),
          _("Fee payments for a year after the first, by the month the year starts.")),
        M("members_left", _("Members who left"), _("members"),
          _("Memberships by the month they ended.")),
        M("members_by_age", _("Members by age band"), _("members"),
          _("Members active at the end of the period, by age then.")),
        M("members_by_plan", _("Members by plan"), _("members"),
          _("Members active at the end of the period, by membership plan.")),
        M("help_requests", _("Help requests"), _("requests"),
          _("Requests for help by the month they were made, by the member's ward.")),
        M("visits_done", _("Visits done"), _("visits"),
          _("Visits that happened, by the month of the visit.")),
        M("visits_cancelled", _("Visits cancelled"), _("visits"),
          _("Visits cancelled by either side.")),
        M("visits_no_show", _("Visits that did not happen"), _("visits"),
          _("Visits where someone did not turn up.")),
        M("visits_by_kind", _("Visits done by kind of help"), _("visits"),
          _("Visits that happened, by the kind of help.")),
        M("hours_of_help", _("Hours of help"), _("hours"),
          _("Time helpers gave on visits done (hidden where the visits are)."),
          people=False, unit="hours"),
        M("helpers_active", _("Helpers who made visits"), _("helpers"),
          _("Different helpers with a visit done, by the member's ward. Not "
            "added up: a helper may visit in several wards and months.")),
        M("credits_moved", _("Transfers of credits"), _("transfers"),
          _("Transfers in the credits ledger, by kind.")),
        M("credit_hours_moved", _("Credits moved (hours)"), _("hours"),
          _("Hours of credit moved by those transfers (hidden where they are)."),
          people=False, unit="hours"),
        M("introductions", _("Introductions agreed"), _("introductions"),
          _("Introductions both members agreed to, by the first member's ward.")),
        M("connections_kept", _("Connections made"), _("introductions"),
          _("Agreed introductions after which at least one of the two said they met.")),
        M("places_taken", _("Activity places taken"), _("places"),
          _("Places booked on activities, by the month of the activity.")),
        M("messages", _("Messages sent"), _("messages"),
          _("Messages by channel.")),
        M("signposting", _("Pointed to local services"), _("times"),
          _("Times a member was pointed to a service in the directory.")),
        M("project_time", _("Times volunteers gave time to projects"), _("records"),
          _("Records of time given on community projects, by the project's ward.")),
        M("project_hours", _("Hours given to projects"), _("hours"),
          _("Hours volunteers gave (hidden where the records are)."),
          people=False, unit="hours"),
        M("pledges", _("Pledges by sector"), _("pledges"),
          _("Pledges to community projects by the pledger's sector.")),
        M("pledged_pounds", _("Value pledged by sector (pounds)"), _("pounds"),
          _("Money and the value of goods pledged (hidden where the pledges are)."),
          people=False, unit="pounds"),
        M("budget_turnout", _("Local budget votes"), _("voters"),
          _("Ballots counted in rounds whose voting closed in the period.")),
        M("surveys", _("Wellbeing surveys answered"), _("surveys"),
          _("Surveys answered, by the month answered and the member's ward.")),
    ]
}  # fmt: skip


@dataclass
class VisitFigures:
    """Visits in the period by ward, kind of help, status and month: counts
    and minutes, from one query (the biggest table, read once)."""

    rows: dict[tuple[Any, Any, str, date], tuple[int, int]]

    def _pick(
        self, statuses: Iterable[str], by: str, index: int
    ) -> dict[tuple[Any, date], int]:
        wanted = set(statuses)
        found: dict[tuple[Any, date], int] = {}
        for (ward, category, status, month), values in self.rows.items():
            if status in wanted and values[index]:
                key = (ward if by == "ward" else category, month)
                found[key] = found.get(key, 0) + values[index]
        return found

    def counts(
        self, statuses: Iterable[str], *, by: str
    ) -> dict[tuple[Any, date], int]:
        return self._pick(statuses, by, 0)

    def minutes(
        self, statuses: Iterable[str], *, by: str
    ) -> dict[tuple[Any, date], int]:
        return self._pick(statuses, by, 1)


def visit_figures(scope: Scope, visits: QuerySet[Visit]) -> VisitFigures:
    period = scope.period
    bounds = _month_bounds(period, timed=True)
    columns: dict[str, Any] = {}
    for i in range(len(period.months)):
        within = Q(starts_at__gte=bounds[i], starts_at__lt=bounds[i + 1])
        columns[f"c{i}"] = Count("pk", filter=within)
        columns[f"s{i}"] = Sum("minutes", filter=within, default=0)
    grouped = (
        visits.values("request__membership__ward_id", "request__category_id", "status")
        .annotate(**columns)
        .order_by()
    )
    rows: dict[tuple[Any, Any, str, date], tuple[int, int]] = {}
    for row in grouped:
        for i, month in enumerate(period.months):
            if row[f"c{i}"]:
                key = (
                    row["request__membership__ward_id"] or NO_WARD,
                    row["request__category_id"],
                    row["status"],
                    month,
                )
                rows[key] = (row[f"c{i}"], row[f"s{i}"] or 0)
    return VisitFigures(rows)


def visits_in(scope: Scope) -> QuerySet[Visit]:
    """The visits of the period (by their time) for the wards chosen."""
    since, until = scope.period.bounds()
    visits = Visit.objects.filter(
        request__locality=scope.locality, starts_at__gte=since, starts_at__lt=until
    )
    if not scope.all_wards:
        visits = visits.filter(request__membership__ward_id__in=scope.ward_ids)
    return visits


def activity_tables(
    scope: Scope,
    counted: VisitFigures | None = None,
    only: Iterable[str] | None = None,
) -> list[Table]:
    """Every activity table for ``scope`` (or those in ``only``, and a few
    that cost nothing more), suppressed."""
    chosen = None if only is None else set(only)

    def want(*keys: str) -> bool:
        return chosen is None or any(key in chosen for key in keys)

    locality, period = scope.locality, scope.period
    since, until = period.bounds()
    wards = Q()
    member_wards = Q()
    if not scope.all_wards:
        wards = Q(ward_id__in=scope.ward_ids)
        member_wards = Q(membership__ward_id__in=scope.ward_ids)
    tables: list[Table] = []

    def add(key: str, counts: dict[Any, int], *, totals: bool = True) -> Table:
        table = ward_month_table(scope, MEASURES[key], counts, totals=totals)
        tables.append(table)
        return table

    members = Membership.objects.filter(locality=locality).filter(wards)
    add(
        "members_joined",
        _counts(
            period,
            members.filter(
                started_on__gte=period.start, started_on__lte=period.last_day
            ),
            "ward_id",
            "started_on",
        ),
    )
    renewals = FeePayment.objects.filter(
        membership__locality=locality,
        covers_from__gte=period.start,
        covers_from__lte=period.last_day,
        covers_from__gt=F_started(),
    ).filter(member_wards)
    if want("members_renewed"):
        add(
            "members_renewed",
            _counts(period, renewals, "membership__ward_id", "covers_from"),
        )
    if want("members_left"):
        left = members.filter(left_on__gte=period.start, left_on__lte=period.last_day)
        add("members_left", _counts(period, left, "ward_id", "left_on"))
    if want("members_by_age", "members_by_plan"):
        tables.extend(_member_profile_tables(scope, members))

    requests = HelpRequest.objects.filter(
        locality=locality, created_at__gte=since, created_at__lt=until
    ).filter(member_wards)
    add("help_requests", _counts(period, requests, "membership__ward_id", "created_at"))
    visits = visits_in(scope)
    ward = "request__membership__ward_id"
    done = visits.filter(status__in=DONE)
    counted = counted or visit_figures(scope, visits)
    done_counts = counted.counts(DONE, by="ward")
    done_table = add("visits_done", done_counts)
    add("visits_cancelled", counted.counts((Visit.Status.CANCELLED,), by="ward"))
    add("visits_no_show", counted.counts((Visit.Status.NO_SHOW,), by="ward"))
    minutes = counted.minutes(DONE, by="ward")
    # The same visits, so the same wards as the visits' table.
    tables.append(
        amount_table(
            MEASURES["hours_of_help"],
            done_table,
            [
                [minutes.get((w, m), 0) / 60 for m in period.months]
                for w, _l in _ward_rows(scope, done_counts)
            ],
        )
    )
    if want("helpers_active"):
        helpers = _counts(period, done, ward, "starts_at", distinct="helper_id")
        add("helpers_active", helpers, totals=False)
    categories = list(
        HelpCategory.objects.filter(locality=locality).order_by("position", "name")
    )
    tables.append(
        kind_month_table(
            scope,
            MEASURES["visits_by_kind"],
            [(c.pk, c.name) for c in categories],
            counted.counts(DONE, by="category"),
        )
    )
    if want("credits_moved", "credit_hours_moved"):
        tables.extend(_credit_tables(scope))

    introductions = Introduction.objects.filter(
        locality=locality,
        status=Introduction.Status.AGREED,
        agreed_at__gte=since,
        agreed_at__lt=until,
    )
    if not scope.all_wards:
        introductions = introductions.filter(first__ward_id__in=scope.ward_ids)
    add("introductions", _counts(period, introductions, "first__ward_id", "agreed_at"))
    if want("connections_kept"):
        kept = introductions.filter(follow_ups__met=True)
        add("connections_kept", _counts(period, kept, "first__ward_id", "agreed_at"))
    places = SignUp.objects.filter(
        occurrence__activity__locality=locality,
        status=SignUp.Status.BOOKED,
        occurrence__starts_at__gte=since,
        occurrence__starts_at__lt=until,
    )
    if not scope.all_wards:
        places = places.filter(occurrence__activity__venue__ward_id__in=scope.ward_ids)
    venue_ward = "occurrence__activity__venue__ward_id"
    add("places_taken", _counts(period, places, venue_ward, "occurrence__starts_at"))
    signposting = Signposting.objects.filter(
        locality=locality, at__gte=since, at__lt=until
    )
    if not scope.all_wards:
        signposting = signposting.filter(member__ward_id__in=scope.ward_ids)
    add("signposting", _counts(period, signposting, "member__ward_id", "at"))
    surveys = Survey.objects.filter(
        locality=locality,
        status=Survey.Status.ANSWERED,
        answered_on__gte=period.start,
        answered_on__lte=period.last_day,
    ).filter(member_wards)
    add("surveys", _counts(period, surveys, "membership__ward_id", "answered_on"))

    messages = Message.objects.filter(
        locality=locality, created_at__gte=since, created_at__lt=until
    )
    if want("messages"):
        tables.append(
            kind_month_table(
                scope,
                MEASURES["messages"],
                [(c.value, str(c.label)) for c in Channel],
                _counts(period, messages, "channel", "created_at"),
            )
        )
    if want("project_time", "project_hours", "pledges", "pledged_pounds"):
        tables.extend(_project_tables(scope))
    if want("budget_turnout"):
        tables.append(_budget_table(scope))
    return tables


def F_started() -> Any:
    from django.db.models import F

    return F("membership__started_on")


def _member_profile_tables(scope: Scope, members: QuerySet[Membership]) -> list[Table]:
    end = scope.period.last_day
    active = (
        members.filter(started_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
        .exclude(status=Membership.Status.APPLIED)
    )
    rows = [(ward.pk, ward.name) for ward in scope.wards]

    # The age band at the end of the period, worked out by the database
    # from the birthdays that start each band.
    def born_by(years: int) -> date:
        return scoring.add_months(end, -12 * years)

    under, unknown = "under_50", "not_known"
    band = Case(
        When(date_of_birth__isnull=True, then=Value(unknown)),
        When(date_of_birth__gt=born_by(50), then=Value(under)),
        *[
            When(date_of_birth__gt=born_by(high + 1), then=Value(name))
            for name, _low, high in AGE_BANDS[:-1]
        ],
        default=Value(AGE_BANDS[-1][0]),
        output_field=CharField(),
    )
    by_age: dict[tuple[int, str], int] = {}
    by_plan: dict[tuple[int, int], int] = {}
    seen_no_ward = False
    grouped = (
        active.annotate(band=band)
        .values("ward_id", "plan_id", "band")
        .annotate(n=Count("pk"))
        .values_list("ward_id", "plan_id", "band", "n")
        .order_by()
    )
    for ward_id, plan_id, age_band, n in grouped:
        ward_id = ward_id or NO_WARD
        seen_no_ward = seen_no_ward or ward_id == NO_WARD
        by_age[(ward_id, age_band)] = by_age.get((ward_id, age_band), 0) + n
        by_plan[(ward_id, plan_id)] = by_plan.get((ward_id, plan_id), 0) + n
    if scope.all_wards and seen_no_ward:
        rows.append((NO_WARD, _("Ward not known")))
    bands = [b for b, _l, _h in AGE_BANDS] + [under, unknown]
    band_labels = [b for b, _l, _h in AGE_BANDS] + [_("Under 50"), _("Not known")]
    plans = list(
        MembershipPlan.objects.filter(locality=scope.locality).values_list("pk", "name")
    )
    return [
        Table(
            MEASURES["members_by_age"],
            [label for _w, label in rows],
            band_labels,
            suppress([[by_age.get((w, b), 0) for b in bands] for w, _l in rows]),
        ),
        Table(
            MEASURES["members_by_plan"],
            [label for _w, label in rows],
            [name for _p, name in plans],
            suppress([[by_plan.get((w, p), 0) for p, _n in plans] for w, _l in rows]),
        ),
    ]


def _credit_tables(scope: Scope) -> list[Table]:
    period = scope.period
    entries = Entry.objects.filter(
        transfer__locality=scope.locality,
        transfer__occurred_on__gte=scope.period.start,
        transfer__occurred_on__lte=scope.period.last_day,
        minutes__gt=0,
    )
    kinds = [(k.value, str(k.label)) for k in TransferKind]
    counts = _counts(
        period,
        entries,
        "transfer__kind",
        "transfer__occurred_on",
        distinct="transfer_id",
    )
    count_table = kind_month_table(scope, MEASURES["credits_moved"], kinds, counts)
    minutes = _sums(
        period, entries, "transfer__kind", "transfer__occurred_on", "minutes"
    )
    hours = amount_table(
        MEASURES["credit_hours_moved"],
        count_table,
        [[minutes.get((k, m), 0) / 60 for m in scope.period.months] for k, _l in kinds],
    )
    return [count_table, hours]


def _project_tables(scope: Scope) -> list[Table]:
    period = scope.period
    given = HoursGiven.objects.filter(
        project__locality=scope.locality,
        given_on__gte=period.start,
        given_on__lte=period.last_day,
    )
    if not scope.all_wards:
        given = given.filter(project__ward_id__in=scope.ward_ids)
    counts = _counts(period, given, "project__ward_id", "given_on")
    table = ward_month_table(scope, MEASURES["project_time"], counts)
    minutes = _sums(period, given, "project__ward_id", "given_on", "minutes")
    hours = amount_table(
        MEASURES["project_hours"],
        table,
        [
            [minutes.get((w, m), 0) / 60 for m in period.months]
            for w, _l in _ward_rows(scope, counts)
        ],
    )
    since, until = period.bounds()
    pledges = Pledge.objects.filter(
        locality=scope.locality, created_at__gte=since, created_at__lt=until
    ).exclude(status=Pledge.Status.RELEASED)
    sectors = sorted(set(pledges.values_list("sector", flat=True)))
    kinds = [(s, s.replace("_", " ").capitalize()) for s in sectors]
    pledge_counts = kind_month_table(
        scope,
        MEASURES["pledges"],
        kinds,
        _counts(period, pledges, "sector", "created_at"),
    )
    pence = _sums(period, pledges, "sector", "created_at", "amount_pence")
    pounds = amount_table(
        MEASURES["pledged_pounds"],
        pledge_counts,
        [[pence.get((s, m), 0) / 100 for m in period.months] for s, _l in kinds],
    )
    return [table, hours, pledge_counts, pounds]


def _budget_table(scope: Scope) -> Table:
    since, until = scope.period.bounds()
    rounds = list(
        Round.objects.filter(
            locality=scope.locality, voting_closes__gte=since, voting_closes__lt=until
        ).order_by("voting_closes")
    )
    voters = dict(
        Voter.objects.filter(round__in=rounds, status=Voter.Status.VOTED)
        .values("round_id")
        .annotate(n=Count("pk"))
        .values_list("round_id", "n")
        .order_by()
    )
    spent = dict(
        Result.objects.filter(heading__round__in=rounds)
        .values("heading__round_id")
        .annotate(n=Sum("spent"))
        .values_list("heading__round_id", "n")
        .order_by()
    )
    labels = [f"{r.title} ({_('spent')} £{spent.get(r.pk, 0):,})" for r in rounds]
    return Table(
        MEASURES["budget_turnout"],
        labels,
        [_("Voters")],
        suppress([[voters.get(r.pk, 0)] for r in rounds], row_totals=False),
        row_totals=False,
    )


# --- outcomes ------------------------------------------------------------------


@dataclass
class MeasureChange:
    key: str
    title: str
    n: int
    baseline: scoring.Estimate | None
    follow_up: scoring.Estimate | None
    change: scoring.Estimate | None
    bands: list[tuple[str, float | None, float | None]] = field(default_factory=list)


@dataclass
class Outcomes:
    people: int | None  # None when fewer than THRESHOLD
    measures: list[MeasureChange]
    lonely_before: scoring.Estimate | None
    lonely_after: scoring.Estimate | None
    lonely_n: int | None
    answered: int | None
    declined: int | None

    @property
    def suppressed(self) -> bool:
        return self.people is None


MEASURE_TITLES = {
    scoring.LIFE_SATISFACTION: _("Life satisfaction"),
    scoring.WORTHWHILE: _("Feeling that what you do is worthwhile"),
    scoring.HAPPINESS: _("Happiness yesterday"),
    scoring.ANXIETY: _("Anxiety yesterday (lower is better)"),
    "ucla_total": _("Loneliness score, UCLA 3 to 9 (lower is better)"),
}
BAND_TITLES = {
    "very_low": _("Very low"),
    "low": _("Low"),
    "medium": _("Medium"),
    "high": _("High"),
    "very_high": _("Very high"),
}


def _hide(n: int) -> int | None:
    return n if n >= THRESHOLD else None


def outcomes(scope: Scope) -> Outcomes:
    """For members whose latest follow-up was answered in the period and
    who answered a baseline: each measure at baseline and follow-up, the
    change (paired), the ONS bands and the share often or always lonely,
    each with its 95% interval and the number of people behind it. Any
    figure from fewer than five people is withheld."""
    period = scope.period
    surveys = Survey.objects.filter(
        locality=scope.locality, status=Survey.Status.ANSWERED
    )
    if not scope.all_wards:
        surveys = surveys.filter(membership__ward_id__in=scope.ward_ids)
    fields = ["membership_id", "wave", "answered_on", *scoring.ONS4_ITEMS,
              "lonely_direct", "ucla_total"]  # fmt: skip
    baseline: dict[int, dict[str, Any]] = {}
    latest: dict[int, dict[str, Any]] = {}
    for row in surveys.filter(
        Q(wave=0) | Q(answered_on__gte=period.start, answered_on__lte=period.last_day)
    ).values(*fields):
        if row["wave"] == 0:
            baseline[row["membership_id"]] = row
        elif period.start <= row["answered_on"] <= period.last_day:
            held = latest.get(row["membership_id"])
            if held is None or held["wave"] < row["wave"]:
                latest[row["membership_id"]] = row
    pairs = [(baseline[m], latest[m]) for m in latest if m in baseline]
    in_period = Survey.objects.filter(
        locality=scope.locality,
        answered_on__gte=period.start,
        answered_on__lte=period.last_day,
    )
    if not scope.all_wards:
        in_period = in_period.filter(membership__ward_id__in=scope.ward_ids)
    status_counts = dict(
        in_period.values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
        .order_by()
    )
    # Published apart, never with a total of the two.
    answered = _hide(status_counts.get(Survey.Status.ANSWERED, 0))
    declined = _hide(status_counts.get(Survey.Status.DECLINED, 0))
    measures = []
    for key in [*scoring.ONS4_ITEMS, "ucla_total"]:
        both = [
            (b[key], f[key])
            for b, f in pairs
            if b[key] is not None and f[key] is not None
        ]
        n = len(both)
        change = MeasureChange(key, str(MEASURE_TITLES[key]), n, None, None, None)
        if n >= THRESHOLD:
            change.baseline = scoring.mean_estimate([float(b) for b, _f in both])
            change.follow_up = scoring.mean_estimate([float(f) for _b, f in both])
            change.change = scoring.mean_estimate([float(f - b) for b, f in both])
            if key in scoring.BANDS:
                change.bands = _bands(key, both)
        measures.append(change)
    lonely = [
        (b["lonely_direct"], f["lonely_direct"])
        for b, f in pairs
        if b["lonely_direct"] is not None and f["lonely_direct"] is not None
    ]
    before = after = None
    if len(lonely) >= THRESHOLD:
        yes_before = sum(1 for b, _f in lonely if b == scoring.OFTEN_OR_ALWAYS)
        yes_after = sum(1 for _b, f in lonely if f == scoring.OFTEN_OR_ALWAYS)
        # A share is published with its n, so a share from fewer than five
        # people (or all but fewer than five) would give a small count away.
        if _publishable(yes_before, len(lonely)):
            before = scoring.share_estimate(yes_before, len(lonely))
        if _publishable(yes_after, len(lonely)):
            after = scoring.share_estimate(yes_after, len(lonely))
    people = len(pairs)
    return Outcomes(
        people=_hide(people),
        measures=measures if people >= THRESHOLD else [],
        lonely_before=before,
        lonely_after=after,
        lonely_n=_hide(len(lonely)),
        answered=answered,
        declined=declined,
    )


def _publishable(yes: int, n: int) -> bool:
    return (yes == 0 or yes >= THRESHOLD) and (n - yes == 0 or n - yes >= THRESHOLD)


def _bands(
    key: str, both: list[tuple[int, int]]
) -> list[tuple[str, float | None, float | None]]:
    """Each band's count at baseline and at follow-up. The bands of one
    time add up to n, which is published, so a hidden band needs a second
    hidden band beside it: the rule's column totals do that."""
    names = scoring.BANDS[key]
    counted_before = Counter(scoring.wellbeing_band(key, b) for b, _f in both)
    counted_after = Counter(scoring.wellbeing_band(key, f) for _b, f in both)
    before = [counted_before[name] for name in names]
    after = [counted_after[name] for name in names]
    table = suppress(
        [[x, y] for x, y in zip(before, after, strict=True)], row_totals=False
    )
    return [
        (str(BAND_TITLES[name]), table.shown(i, 0), table.shown(i, 1))
        for i, name in enumerate(names)
    ]


# --- social value ---------------------------------------------------------------


@dataclass
class SocialValue:
    settings: SurveySettings
    wellbys: float | None
    pounds: float | None
    pounds_low: float | None
    pounds_high: float | None
    by_help: list[tuple[str, float | None, int, float | None]]  # kind, hours, p/h, £
    help_total: float | None
    proxies: list[ProxyValue]


def social_value(
    scope: Scope,
    found: Outcomes,
    tables: list[Table],
    counted: VisitFigures | None = None,
) -> SocialValue:
    """The change in life satisfaction in WELLBYs and pounds at the
    locality's Green Book values, and the commercial equivalent of the help
    given (hours of each kind of help at the council's price for it)."""
    from kith.reports.services import survey_settings_for

    settings = survey_settings_for(scope.locality)
    wellbys = pounds = low = high = None
    life = next((m for m in found.measures if m.key == scoring.LIFE_SATISFACTION), None)
    if life is not None and life.change is not None and not found.suppressed:
        wellbys = scoring.wellbys(life.change.value, life.n)
        pounds = wellbys * settings.wellby_pounds
        low = wellbys * settings.wellby_low_pounds
        high = wellbys * settings.wellby_high_pounds
    counted = counted or visit_figures(scope, visits_in(scope))
    counts: dict[Any, int] = {}
    for (category_id, _month), n in counted.counts(DONE, by="category").items():
        counts[category_id] = counts.get(category_id, 0) + n
    rows: dict[Any, int] = {}
    for (category_id, _month), n in counted.minutes(DONE, by="category").items():
        rows[category_id] = rows.get(category_id, 0) + n
    prices = {
        v.category_id: v.pence_per_hour
        for v in HelpValue.objects.filter(locality=scope.locality)
    }
    categories = HelpCategory.objects.filter(locality=scope.locality).order_by(
        "position", "name"
    )
    by_help = []
    total = 0.0
    for category in categories:
        hours = (rows.get(category.pk) or 0) / 60
        price = prices.get(category.pk, 0)
        value = hours * price / 100
        total += value
        hidden = counts.get(category.pk, 0) < THRESHOLD
        by_help.append(
            (category.name, None if hidden else hours, price, None if hidden else value)
        )
    return SocialValue(
        settings=settings,
        wellbys=wellbys,
        pounds=pounds,
        pounds_low=low,
        pounds_high=high,
        by_help=by_help,
        help_total=total if sum(counts.values()) >= THRESHOLD else None,
        proxies=list(ProxyValue.objects.filter(locality=scope.locality)),
    )


HEADLINE = (
    "members_joined",
    "help_requests",
    "visits_done",
    "hours_of_help",
    "introductions",
    "places_taken",
    "signposting",
    "surveys",
)


@dataclass
class Report:
    scope: Scope
    tables: list[Table]
    outcomes: Outcomes
    value: SocialValue

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def headline(self) -> list[tuple[str, float | None, str]]:
        """The dashboard's headline figures: (title, value, unit)."""
        keys = HEADLINE
        return [
            (self.table(k).measure.title, self.table(k).grand_total(),
             self.table(k).measure.unit)
            for k in keys
        ]  # fmt: skip


#: What the dashboard shows: its headline figures and its two charts.
DASHBOARD_TABLES = HEADLINE


def report_for(scope: Scope, only: Iterable[str] | None = None) -> Report:
    """Every figure for ``scope``: the activity tables (or just those in
    ``only``), outcomes and value."""
    counted = visit_figures(scope, visits_in(scope))
    tables = activity_tables(scope, counted, only)
    found = outcomes(scope)
    return Report(scope, tables, found, social_value(scope, found, tables, counted))
