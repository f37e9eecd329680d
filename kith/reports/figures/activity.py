"""Activity by ward and month from every part: members, help and visits,
credits, introductions and activities, messages, signposting, projects and
budgets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from kith.budgeting.models import Result, Round, Voter
from kith.credits.models import Entry, TransferKind
from kith.directory.models import Signposting
from kith.help.models import HelpCategory, HelpRequest, Visit
from kith.members.models import FeePayment, Membership, MembershipPlan
from kith.notify.models import Channel, Message
from kith.projects.models import HoursGiven, Pledge
from kith.reports import scoring
from kith.reports.figures.tables import (
    AGE_BANDS,
    DONE,
    NO_WARD,
    Measure,
    Scope,
    Table,
    _counts,
    _month_bounds,
    _sums,
    _ward_rows,
    amount_table,
    kind_month_table,
    ward_month_table,
)
from kith.reports.models import Survey, VisitMonth, VisitMonthRun
from kith.reports.suppression import suppress
from kith.social.models import Introduction, SignUp

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
    """Visits by ward, kind of help, status and month. Settled months come
    from last night's summary (``VisitMonth``, ADR 0044), a few hundred
    rows; the others (the last weeks, or months older than the summary)
    from ``visits`` in one query."""
    period = scope.period
    run = VisitMonthRun.objects.filter(locality=scope.locality).first()
    summarised = [
        month
        for month in period.months
        if run is not None and run.first_month <= month <= run.last_month
    ]
    rows: dict[tuple[Any, Any, str, date], tuple[int, int]] = {}
    if summarised:
        summary = VisitMonth.objects.filter(
            locality=scope.locality, month__in=summarised
        )
        if not scope.all_wards:
            summary = summary.filter(ward_id__in=scope.ward_ids)
        for ward, category, status, month, n, minutes in summary.values_list(
            "ward_id", "category_id", "status", "month", "visits", "minutes"
        ):
            key = (ward or NO_WARD, category, status, month)
            held = rows.get(key, (0, 0))
            rows[key] = (held[0] + n, held[1] + minutes)
    live = [month for month in period.months if month not in summarised]
    if not live:
        return VisitFigures(rows)
    bounds = _month_bounds(period, timed=True)
    index = {month: i for i, month in enumerate(period.months)}
    columns: dict[str, Any] = {}
    for month in live:
        i = index[month]
        within = Q(starts_at__gte=bounds[i], starts_at__lt=bounds[i + 1])
        columns[f"c{i}"] = Count("pk", filter=within)
        columns[f"s{i}"] = Sum("minutes", filter=within, default=0)
    grouped = (
        visits.filter(
            starts_at__gte=bounds[index[live[0]]],
            starts_at__lt=bounds[index[live[-1]] + 1],
        )
        .values("request__membership__ward_id", "request__category_id", "status")
        .annotate(**columns)
        .order_by()
    )
    for row in grouped:
        for month in live:
            i = index[month]
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
