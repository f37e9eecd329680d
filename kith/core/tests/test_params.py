"""Query parameters: whatever is typed after the ``?``, a default, never an error."""

from datetime import date

import pytest
from django.utils import timezone

from kith.core.params import choice_param, date_param, month_param


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-04", date(2026, 3, 4)),
        ("9999-12-31", None),
        ("0001-01-01", None),
        ("2026-02-31", None),
        ("", None),
        ("tomorrow", None),
        ("2026-03-04\x00", None),
        ("２０２６-03-04", None),
        ("9" * 10_000, None),
    ],
)
def test_a_date_out_of_range_or_malformed_gives_the_default(text, expected):
    assert date_param({"from": text}, "from") == expected
    assert date_param({}, "from", date(2026, 1, 1)) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-03", date(2026, 3, 1)), ("9999-12", None), ("2026-13", None), ("", None)],
)
def test_a_month_gives_its_first_day_or_this_months(text, expected):
    this_month = timezone.localdate().replace(day=1)
    assert month_param({"month": text}, "month") == (expected or this_month)


def test_a_choice_must_be_one_of_the_choices():
    assert choice_param({"kind": "helper"}, "kind", ["member", "helper"], "member") == (
        "helper"
    )
    assert choice_param({"kind": "x" * 10_000}, "kind", ["member"], "member") == (
        "member"
    )
