"""Every CSV export is safe to open in a spreadsheet.

A name, phone number or email typed as a formula (``=HYPERLINK(...)``,
``+44 ...``) must reach the spreadsheet as text, never run.
"""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

import kith
from kith.core.csv import safe_cell

HOSTILE = {
    "full_name": '=HYPERLINK("http://evil.example","Click")',
    "preferred_name": "@SUM(1+1)",
    "phone": "+44 20 7946 0000",
    "postcode": "-2+3",
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700 900000", "'+44 7700 900000"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Joan Smith", "Joan Smith"),
        ("", ""),
        (None, ""),
        (-5, -5),  # a number Kith writes stays a number
        (150, 150),
    ],
)
def test_a_cell_that_starts_like_a_formula_is_quoted(value, expected):
    assert safe_cell(value) == expected


def test_every_csv_in_kith_is_written_by_the_shared_writer():
    """An export written another way would skip the quoting."""
    root = Path(kith.__file__).parent
    shared = root / "core" / "csv.py"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path != shared
        and "tests" not in path.parts
        and re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert offenders == []


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_every_export_quotes_formulas(client, db):
    from kith.accounts.models import User
    from kith.site.demo import demo_load

    demo_load()
    User.objects.update(**HOSTILE)
    coordinator = User.objects.get(email="coordinator@riverside.example")
    client.force_login(coordinator)
    today = timezone.localdate()
    start = today - timedelta(days=365)
    period = {
        "start_day": start.day,
        "start_month": start.month,
        "start_year": start.year,
        "end_day": today.day,
        "end_month": today.month,
        "end_year": today.year,
        "format": "csv",
    }
    exports = {
        "members": client.get(reverse("members:list"), {"format": "csv"}),
        "helpers": client.get(reverse("helpers:export")),
        "payroll": client.get(reverse("credits:payroll"), period),
    }
    for name, response in exports.items():
        rows = _rows(response)
        assert len(rows) > 1, f"the {name} export has no rows to check"
        cells = [cell for row in rows[1:] for cell in row]
        assert f"'{HOSTILE['full_name']}" in cells, name
        unsafe = [c for c in cells if c[:1] in {"=", "+", "-", "@", "\t", "\r"}]
        assert unsafe == [], name
