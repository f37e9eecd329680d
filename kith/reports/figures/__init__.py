"""The council's figures: activity by ward and month, outcomes and social
value, counted from every other part when asked and published only through
small-number suppression (kith/reports/suppression.py, ADR 0037).

Each table is one aggregate query grouped by ward (or kind) and month, so a
year of a large locality costs a few dozen queries whatever its size. Only
aggregates leave this module: no row here names a person.

The package: tables (the building blocks), activity, outcomes (and
social value); this module puts them together as the report and re-exports
their names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kith.reports.figures.activity import (  # noqa: F401
    MEASURES,
    F_started,
    M,
    VisitFigures,
    activity_tables,
    visit_figures,
    visits_in,
)
from kith.reports.figures.outcomes import (  # noqa: F401
    BAND_TITLES,
    MEASURE_TITLES,
    MeasureChange,
    Outcomes,
    SocialValue,
    outcomes,
    social_value,
)
from kith.reports.figures.region import (  # noqa: F401
    Region,
    localities_reported,
    region_for,
)
from kith.reports.figures.tables import (  # noqa: F401
    AGE_BANDS,
    DONE,
    MAX_MONTHS,
    NO_WARD,
    Measure,
    Period,
    Scope,
    Table,
    amount_table,
    kind_month_table,
    last_twelve_months,
    period_of,
    scope_for,
    ward_month_table,
    wards_of,
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
