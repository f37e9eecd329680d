"""The one way Kith writes CSV files: every export goes through here.

A spreadsheet opened from a CSV runs a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula, so a name typed as
``=HYPERLINK(...)`` would become a link (or worse) on a coordinator's
computer. As OWASP recommends, such text cells get a single quote in front,
which the spreadsheet shows as plain text. Numbers that Kith itself writes
(minutes, counts) are left as numbers.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will show it, never run it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal | date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file that hands back what is written, for streaming line by line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The rows as CSV lines, each cell made safe, after a byte order mark
    so that Excel reads the file as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_response(
    rows: Iterable[Sequence[Any]], *, filename: str
) -> StreamingHttpResponse:
    """A CSV download of ``rows`` (the header first), streamed as written."""
    response = StreamingHttpResponse(
        csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
