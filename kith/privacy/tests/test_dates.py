from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kith.privacy.dates import add_months, answer_due, longest_extension


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 3), date(2026, 4, 3)),
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 8, 31), date(2026, 9, 30)),
    ],
)
def test_a_request_is_due_on_the_same_date_next_month_or_the_months_last_day(
    received, due
):
    assert answer_due(received) == due


def test_an_extension_runs_to_three_months():
    assert longest_extension(date(2026, 11, 30)) == date(2027, 2, 28)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(0, 36),
)
def test_adding_months_lands_in_the_right_month_never_later_in_it(day, months):
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day <= day.day
    if later.day < day.day:
        # Only when the month is too short for the day.
        assert (
            later.replace(day=later.day) + (date(2000, 1, 2) - date(2000, 1, 1))
        ).month != later.month
