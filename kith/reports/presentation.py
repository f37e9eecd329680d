"""The figures as people and programs read them: bar charts drawn on the
server (SVG, so they need no JavaScript), CSV rows and JSON, every one from
the same suppressed tables (ADR 0037)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kith.reports import figures
from kith.reports.suppression import THRESHOLD

HIDDEN = "fewer than 5"
AREAS: dict[str, tuple[str, list[str]]] = {
    "members": (
        "Members",
        ["members_joined", "members_renewed", "members_left", "members_by_age",
         "members_by_plan"],
    ),
    "help": (
        "Help and visits",
        ["help_requests", "visits_done", "visits_cancelled", "visits_no_show",
         "visits_by_kind", "hours_of_help", "helpers_active", "credits_moved",
         "credit_hours_moved"],
    ),
    "connections": (
        "Connections and activities",
        ["introductions", "connections_kept", "places_taken", "signposting",
         "messages"],
    ),
    "community": (
        "Community projects and local budgets",
        ["project_time", "project_hours", "pledges", "pledged_pounds",
         "budget_turnout"],
    ),
    "outcomes": ("Wellbeing and loneliness", ["surveys"]),
    "value": ("Social value", []),
}  # fmt: skip


def shown(value: float | None, unit: str = "count") -> str:
    """A published figure as text: "fewer than 5" where it is hidden."""
    if value is None:
        return _(HIDDEN)
    if unit == "pounds":
        return f"£{value:,.0f}"
    if unit == "hours" or not float(value).is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    x: float
    y: float
    width: float
    height: float
    hidden: bool


@dataclass(frozen=True)
class Chart:
    """A bar chart laid out for an SVG ``width`` by ``height`` (plus room
    for labels). A hidden figure has no bar, and says so."""

    title: str
    bars: list[Bar]
    width: int
    height: int
    label_y: float
    value_y_offset: float

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height + 48}"


def bar_chart(
    title: str, points: list[tuple[str, float | None]], *, unit: str = "count"
) -> Chart:
    """Bars for ``points`` (label, published value or None)."""
    width, height = 640, 200
    top = max([v for _l, v in points if v is not None] or [1]) or 1
    count = max(len(points), 1)
    slot = width / count
    bars = []
    for i, (label, value) in enumerate(points):
        bar_height = 0.0 if value is None else height * value / top
        bars.append(
            Bar(
                label=label,
                text=shown(value, unit),
                x=i * slot + slot * 0.15,
                y=height - bar_height + 16,
                width=slot * 0.7,
                height=bar_height,
                hidden=value is None,
            )
        )
    return Chart(title, bars, width, height, height + 32, 12)


def month_chart(table: figures.Table) -> Chart | None:
    totals = table.column_total_row()
    if not totals:
        return None
    return bar_chart(
        table.measure.title,
        list(zip(table.column_labels, totals, strict=True)),
        unit=table.measure.unit,
    )


def ward_chart(table: figures.Table) -> Chart | None:
    totals = table.row_total_column()
    if not totals:
        return None
    return bar_chart(table.measure.title, totals, unit=table.measure.unit)


# --- CSV and JSON ----------------------------------------------------------------


def csv_rows(table: figures.Table) -> list[list[Any]]:
    """The table as CSV rows: a header, then each row with its total; a
    hidden figure is the text "fewer than 5"."""
    rows: list[list[Any]] = [[_("Ward or kind"), *table.headers()]]
    for label, cells, _total in table.rows():
        rows.append([label, *[HIDDEN if v is None else v for v in cells]])
    return rows


def _estimate(found: Any) -> dict[str, float] | None:
    if found is None:
        return None
    return {
        "value": round(found.value, 4),
        "ci95_low": round(found.low, 4),
        "ci95_high": round(found.high, 4),
        "n": found.n,
    }


def report_json(report: figures.Report) -> dict[str, Any]:
    """Every figure of ``report`` as JSON, suppressed as on the pages: a
    hidden figure is null, and ``hidden_means`` says why."""
    scope = report.scope
    out = report.outcomes
    value = report.value
    return {
        "locality": scope.locality.name,
        "period": {
            "start": scope.period.start.isoformat(),
            "end": scope.period.last_day.isoformat(),
        },
        "wards": [{"name": w.name, "ons_code": w.ons_code} for w in scope.wards],
        "hidden_means": f"fewer than {THRESHOLD}, or would reveal a figure under "
        f"{THRESHOLD} by subtraction (ADR 0037)",
        "tables": [
            {
                "key": t.key,
                "title": t.measure.title,
                "unit": t.measure.unit,
                "columns": t.headers(),
                "rows": [
                    {"label": label, "values": cells, "is_total": total}
                    for label, cells, total in t.rows()
                ],
            }
            for t in report.tables
        ],
        "outcomes": {
            "people_with_baseline_and_follow_up": out.people,
            "surveys_answered": out.answered,
            "surveys_declined": out.declined,
            "measures": [
                {
                    "key": m.key,
                    "title": m.title,
                    "baseline": _estimate(m.baseline),
                    "follow_up": _estimate(m.follow_up),
                    "change": _estimate(m.change),
                    "bands": [
                        {"band": b, "baseline": x, "follow_up": y}
                        for b, x, y in m.bands
                    ],
                }
                for m in out.measures
            ],
            "often_or_always_lonely": {
                "baseline": _estimate(out.lonely_before),
                "follow_up": _estimate(out.lonely_after),
            },
        },
        "social_value": {
            "wellbys": value.wellbys,
            "pounds": value.pounds,
            "pounds_low": value.pounds_low,
            "pounds_high": value.pounds_high,
            "wellby_pounds": value.settings.wellby_pounds,
            "wellby_price_year": value.settings.wellby_price_year,
            "wellby_source": value.settings.wellby_source,
            "help_commercial_equivalent": [
                {
                    "kind": kind,
                    "hours": hours,
                    "pence_per_hour": price,
                    "pounds": pounds,
                }
                for kind, hours, price, pounds in value.by_help
            ],
            "help_commercial_total_pounds": value.help_total,
        },
    }
