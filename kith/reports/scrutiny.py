"""The six-monthly report for the council's scrutiny committee, as a PDF
drawn with fpdf2 from the same figures as the printable page (pure Python,
so it needs no system library: ADR 0038)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF

from kith.reports import figures, presentation

METHOD = (
    "Activity is counted from Kith's own records of members, help requests and "
    "visits, the credits ledger, introductions, activities, messages, the "
    "directory, community projects and local budgets. Wellbeing is measured with "
    "the ONS personal wellbeing questions and the ONS loneliness measures, asked "
    "when members join, after six months and then yearly, online, on paper or by "
    "phone; outcomes compare each member's latest follow-up with their answers "
    "when they joined. Intervals are 95% confidence intervals."
)
CAVEATS = (
    "Figures under 5, and figures that would let one be worked out by "
    "subtraction, are hidden ('fewer than 5'). Outcomes describe only the "
    "members who answered both surveys, who may differ from those who did not; "
    "the change is not compared with people outside the circle, so not all of "
    "it is due to the circle. The wellbeing value assumes the change lasts one "
    "year."
)


def _text(value: Any) -> str:
    """fpdf2's core fonts are Latin-1: keep to it (a pound sign is fine)."""
    return (
        str(value)
        .replace("\u2013", "-")
        .replace("\u2014", "-")
        .replace("\u2018", "'")
        .replace("\u2019", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(
            0, 6, _text(f"{self.report_title} - page {self.page_no()}"), align="C"
        )


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)


def _para(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _rows(pdf: FPDF, header: list[str], rows: list[list[str]]) -> None:
    pdf.set_font("Helvetica", size=8)
    with pdf.table(
        text_align="LEFT", first_row_as_headings=True, line_height=4.5
    ) as table:
        for row in [header, *rows]:
            line = table.row()
            for cell in row:
                line.cell(_text(cell))
    pdf.set_font("Helvetica", size=10)
    pdf.ln(2)


def _bars(pdf: FPDF, chart: presentation.Chart | None) -> None:
    if chart is None or not chart.bars:
        return
    left, width, height = pdf.l_margin, pdf.epw, 40.0
    top = pdf.get_y() + 2
    if top + height + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
        top = pdf.get_y() + 2
    scale_x, scale_y = width / chart.width, height / chart.height
    pdf.set_draw_color(0)
    pdf.line(left, top + height, left + width, top + height)
    pdf.set_font("Helvetica", size=6)
    for bar in chart.bars:
        x = left + bar.x * scale_x
        if not bar.hidden and bar.height > 0:
            pdf.set_fill_color(29, 112, 184)
            pdf.rect(
                x,
                top + height - bar.height * scale_y,
                bar.width * scale_x,
                bar.height * scale_y,
                style="F",
            )
        pdf.set_xy(x - 1, top + height - bar.height * scale_y - 4)
        pdf.cell(
            bar.width * scale_x + 2,
            3,
            _text("<5" if bar.hidden else bar.text),
            align="C",
        )
        pdf.set_xy(x - 1, top + height + 1)
        pdf.cell(bar.width * scale_x + 2, 3, _text(bar.label[:8]), align="C")
    pdf.set_xy(left, top + height + 6)
    pdf.set_font("Helvetica", size=10)


def _table(pdf: FPDF, table: figures.Table) -> None:
    _heading(pdf, table.measure.title)
    _bars(pdf, presentation.month_chart(table) or presentation.ward_chart(table))
    header = [_("Ward or kind"), *table.headers()]
    rows = [
        [label, *[presentation.shown(v, table.measure.unit) for v in cells]]
        for label, cells, _total in table.rows()
    ]
    if len(header) > 8:
        # Too wide for A4 portrait: the totals only (months are in the CSV).
        header = [header[0], header[-1]]
        rows = [[row[0], row[-1]] for row in rows]
    _rows(pdf, header, rows)


SCRUTINY_TABLES = [
    "members_joined",
    "visits_done",
    "hours_of_help",
    "introductions",
    "places_taken",
    "surveys",
]


def scrutiny_pdf(report: figures.Report) -> bytes:
    """The scrutiny report as a PDF: period, method, headline figures,
    charts and tables, outcomes, social value and caveats."""
    scope = report.scope
    title = _("%(locality)s: report to the scrutiny committee") % {
        "locality": scope.locality.name
    }
    pdf = _Pdf(_text(title))
    pdf.set_title(_text(title))
    pdf.set_author(_text(scope.locality.council_name))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, _text(title), new_x="LMARGIN", new_y="NEXT")
    wards = (
        _("every ward")
        if scope.all_wards
        else ", ".join(ward.name for ward in scope.wards)
    )
    _para(pdf, f"{scope.period.label()}; {wards}.")
    _heading(pdf, _("Method"))
    _para(pdf, METHOD)
    _heading(pdf, _("Headline figures"))
    _rows(
        pdf,
        [_("What"), _("In the period")],
        [[t, presentation.shown(v, u)] for t, v, u in report.headline()],
    )
    for key in SCRUTINY_TABLES:
        _table(pdf, report.table(key))
    _heading(pdf, _("Wellbeing and loneliness"))
    out = report.outcomes
    if out.suppressed:
        _para(pdf, _("Fewer than 5 members answered a baseline and a follow-up."))
    else:
        _para(
            pdf,
            _("%(n)s members answered a baseline and a follow-up.") % {"n": out.people},
        )
        rows = []
        for m in out.measures:
            if m.change is None or m.baseline is None or m.follow_up is None:
                rows.append([m.title, presentation.HIDDEN, "", "", ""])
                continue
            rows.append(
                [
                    m.title,
                    str(m.n),
                    f"{m.baseline.value:.2f}",
                    f"{m.follow_up.value:.2f}",
                    f"{m.change.value:.2f} ({m.change.low:.2f} to {m.change.high:.2f})",
                ]
            )
        _rows(
            pdf,
            [
                _("Measure"),
                _("People"),
                _("Joined"),
                _("Follow-up"),
                _("Change (95% interval)"),
            ],
            rows,
        )
    answered = presentation.shown(out.answered)
    declined = presentation.shown(out.declined)
    _para(
        pdf,
        _("Who answered: %(a)s surveys answered and %(d)s declined in the period.")
        % {"a": answered, "d": declined},
    )
    _heading(pdf, _("Social value"))
    value = report.value
    if value.pounds is None:
        _para(pdf, _("No wellbeing value: fewer than 5 members' changes."))
    else:
        _para(
            pdf,
            _(
                "%(w).1f WELLBYs, worth £%(p)s (£%(lo)s to £%(hi)s) at %(year)s "
                "prices. Source: %(source)s."
            )
            % {
                "w": value.wellbys,
                "p": f"{value.pounds:,.0f}",
                "lo": f"{value.pounds_low:,.0f}",
                "hi": f"{value.pounds_high:,.0f}",
                "year": value.settings.wellby_price_year,
                "source": value.settings.wellby_source,
            },
        )
    _rows(
        pdf,
        [_("Kind of help"), _("Hours"), _("Value")],
        [
            [
                kind,
                presentation.shown(hours, "hours"),
                presentation.shown(pounds, "pounds"),
            ]
            for kind, hours, _price, pounds in value.by_help
        ],
    )
    _heading(pdf, _("Caveats"))
    _para(pdf, CAVEATS)
    return bytes(pdf.output())
