from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kith.members.rules import (
    PlanFacts,
    age_on,
    eligible_plan_ids,
    one_year_after,
    pounds,
    renewal_reminder_due,
    youngest_age,
)


def test_age_counts_whole_years():
    assert age_on(date(1950, 6, 15), date(2026, 6, 14)) == 75
    assert age_on(date(1950, 6, 15), date(2026, 6, 15)) == 76
    assert age_on(date(1952, 2, 29), date(2026, 2, 28)) == 73


def test_eligibility_needs_the_locality_and_the_age():
    plans = [PlanFacts(1, 50, True), PlanFacts(2, 18, True), PlanFacts(3, 18, False)]
    on = date(2026, 11, 27)
    assert eligible_plan_ids(
        plans, born=date(1950, 1, 1), lives_in_locality=True, on=on
    ) == [1, 2]
    assert eligible_plan_ids(
        plans, born=date(2000, 1, 1), lives_in_locality=True, on=on
    ) == [2]
    assert (
        eligible_plan_ids(plans, born=date(1950, 1, 1), lives_in_locality=False, on=on)
        == []
    )
    assert eligible_plan_ids(plans, born=None, lives_in_locality=True, on=on) == []
    assert youngest_age(plans) == 18


def test_one_year_after_a_leap_day():
    assert one_year_after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert one_year_after(date(2025, 3, 1)) == date(2026, 3, 1)


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2200, 12, 31)))
def test_one_year_after_is_between_365_and_366_days(day):
    assert 365 <= (one_year_after(day) - day).days <= 366


@given(st.dates(), st.integers(min_value=-400, max_value=400))
def test_reminder_due_only_in_the_30_days_before(today, offset):
    renews = (
        today + timedelta(days=offset)
        if date.min + timedelta(days=400) < today < date.max - timedelta(days=400)
        else today
    )
    due = renewal_reminder_due(renews, today)
    assert due == (0 <= (renews - today).days <= 30)


def test_pounds():
    assert pounds(1000) == "£10"
    assert pounds(1250) == "£12.50"
    assert pounds(123456) == "£1,234.56"
