"""The regional view: the headline figures of each locality a person holds
the reports permission in, side by side for one period. Each locality's
figures are its own report, suppressed on its own (ADR 0037); no total
across localities is published, as adding figures suppressed in one
locality to another's could give a hidden one away."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, has_perm, roles_of
from kith.places.models import Locality
from kith.reports.figures.outcomes import Outcomes
from kith.reports.figures.tables import Period, scope_for

#: The permissions that let a person open members' records in a locality:
#: only there does the regional view point them to it.
RECORD_PERMS = (Perm.PEOPLE_VIEW, Perm.MEMBERS_MANAGE)


@dataclass(frozen=True)
class Column:
    """One locality's figures: values in the order of ``Region.rows``."""

    locality: Locality
    values: list[tuple[float | None, str]]  # (published value, unit)
    opens_records: bool


@dataclass(frozen=True)
class Region:
    period: Period
    rows: list[str]
    columns: list[Column]

    def table(self) -> list[tuple[str, list[tuple[float | None, str]]]]:
        """Each row's title with its value in each locality."""
        return [
            (title, [column.values[i] for column in self.columns])
            for i, title in enumerate(self.rows)
        ]


def localities_reported(actor: Any) -> list[Locality]:
    """The localities whose reports ``actor`` may see, by name: only those
    they hold a role with the reports permission in."""
    if actor.is_superuser and actor.is_active:
        found = Locality.objects.all()
    else:
        found = Locality.objects.filter(pk__in=list(roles_of(actor)))
    return [
        locality
        for locality in found.order_by("name", "pk")
        if has_perm(actor, Perm.REPORTS_VIEW, locality)
    ]


def _life_satisfaction(found: Outcomes) -> float | None:
    for measure in found.measures:
        if measure.key == "life_satisfaction" and measure.change is not None:
            return round(measure.change.value, 2)
    return None


def region_for(*, actor: Any, locality: Locality, period: Period) -> Region:
    """The headline figures for ``period`` of every locality ``actor``
    holds the reports permission in, each with all its wards. Asked from
    ``locality``, where they must hold it too (PermissionDenied), so the
    page is refused to everyone else there."""
    from kith.reports.figures import HEADLINE, report_for

    if not has_perm(actor, Perm.REPORTS_VIEW, locality):
        raise PermissionDenied
    rows: list[str] = []
    columns = []
    for each in localities_reported(actor):
        report = report_for(
            scope_for(actor=actor, locality=each, period=period), only=HEADLINE
        )
        headline = report.headline()
        outcome_people = report.outcomes.people
        values: list[tuple[float | None, str]] = [
            (value, unit) for _title, value, unit in headline
        ]
        values.append((outcome_people, "count"))
        values.append((_life_satisfaction(report.outcomes), "change"))
        if not rows:
            rows = [title for title, _value, _unit in headline]
            rows.append(_("Members with a baseline and a follow-up survey"))
            rows.append(_("Mean change in life satisfaction (0 to 10)"))
        columns.append(
            Column(
                locality=each,
                values=values,
                opens_records=any(has_perm(actor, p, each) for p in RECORD_PERMS),
            )
        )
    return Region(period, rows, columns)
