from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kith.safeguarding.rules import add_working_days

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (
            datetime(2026, 12, 7, 10, 0, tzinfo=LONDON),
            1,
            datetime(2026, 12, 8, 10, 0, tzinfo=LONDON),
        ),  # Mon
        (
            datetime(2026, 12, 11, 15, 0, tzinfo=LONDON),
            1,
            datetime(2026, 12, 14, 15, 0, tzinfo=LONDON),
        ),  # Fri
        (
            datetime(2026, 12, 12, 9, 0, tzinfo=LONDON),
            1,
            datetime(2026, 12, 14, 9, 0, tzinfo=LONDON),
        ),  # Sat
        (
            datetime(2026, 12, 13, 9, 0, tzinfo=LONDON),
            1,
            datetime(2026, 12, 14, 9, 0, tzinfo=LONDON),
        ),  # Sun
        (
            datetime(2026, 12, 10, 9, 0, tzinfo=LONDON),
            3,
            datetime(2026, 12, 15, 9, 0, tzinfo=LONDON),
        ),  # Thu
    ],
)
def test_working_days_skip_the_weekend(start, days, due):
    assert add_working_days(start, days) == due


@given(
    st.datetimes(
        min_value=datetime(2020, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
        max_value=datetime(2035, 1, 1),  # noqa: DTZ001
        timezones=st.just(LONDON),
    ),
    st.integers(min_value=1, max_value=10),
)
def test_the_due_day_is_a_working_day_never_sooner_than_the_days_given(start, days):
    due = add_working_days(start, days)
    assert due.weekday() < 5
    assert (due - start).days >= days
    assert (due - start).days <= days + 2 + 2 * (days // 5)


def test_at_least_one_working_day():
    with pytest.raises(ValueError, match="working day"):
        add_working_days(datetime(2026, 12, 7, tzinfo=LONDON), 0)
