"""The Community Right to Bid's dates, as the law and GOV.UK's guidance
count them."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kith.projects import dates


def test_a_listing_made_on_3_march_2025_ends_on_2_march_2030():
    assert dates.listing_ends(date(2025, 3, 3)) == date(2030, 3, 2)


def test_a_listing_made_on_29_february_ends_on_27_february_five_years_on():
    # 29 February 2028 + 5 years is 28 February 2033 (no 29th): the day before.
    assert dates.listing_ends(date(2028, 2, 29)) == date(2033, 2, 27)


def test_a_listing_made_on_1_march_of_a_leap_year_ends_on_the_last_of_february():
    assert dates.listing_ends(date(2028, 3, 1)) == date(2033, 2, 28)
    assert dates.listing_ends(date(2027, 3, 1)) == date(2032, 2, 29)


def test_unsuccessful_nominations_are_shown_for_five_years():
    assert dates.unsuccessful_shown_until(date(2025, 3, 3)) == date(2030, 3, 2)


def test_a_decision_is_due_eight_weeks_after_receipt():
    assert dates.decision_due(date(2025, 1, 6)) == date(2025, 3, 3)
    # Across the end of February in a leap year.
    assert dates.decision_due(date(2028, 1, 10)) == date(2028, 3, 6)


def test_the_interim_moratorium_is_six_weeks_from_the_notice():
    found = dates.moratorium_dates(date(2025, 6, 2))
    assert found.interim_ends == date(2025, 7, 14)
    assert found.full_ends is None
    assert found.protected_ends == date(2026, 12, 2)
    assert not found.may_dispose_on(date(2025, 7, 14))
    assert found.may_dispose_on(date(2025, 7, 15))


def test_a_written_request_to_bid_brings_the_full_six_month_moratorium():
    found = dates.moratorium_dates(date(2025, 6, 2), bid_requested_on=date(2025, 7, 1))
    assert found.full_ends == date(2025, 12, 2)
    assert not found.may_dispose_on(date(2025, 12, 2))
    assert found.may_dispose_on(date(2025, 12, 3))


def test_a_request_after_the_interim_moratorium_does_not_count():
    found = dates.moratorium_dates(date(2025, 6, 2), bid_requested_on=date(2025, 7, 15))
    assert found.full_ends is None
    on_the_last_day = dates.moratorium_dates(
        date(2025, 6, 2), bid_requested_on=date(2025, 7, 14)
    )
    assert on_the_last_day.full_ends == date(2025, 12, 2)


def test_a_request_before_the_notice_is_a_mistake():
    with pytest.raises(ValueError, match="before the notice"):
        dates.moratorium_dates(date(2025, 6, 2), bid_requested_on=date(2025, 6, 1))


def test_months_from_the_end_of_a_month_end_on_the_shorter_months_last_day():
    found = dates.moratorium_dates(date(2025, 8, 31), bid_requested_on=date(2025, 9, 1))
    assert found.full_ends == date(2026, 2, 28)
    assert found.protected_ends == date(2027, 2, 28)
    leap = dates.moratorium_dates(date(2027, 8, 31), bid_requested_on=date(2027, 9, 1))
    assert leap.full_ends == date(2028, 2, 29)


def test_the_protected_period_is_eighteen_months_from_the_notice():
    assert dates.moratorium_dates(date(2024, 2, 29)).protected_ends == date(2025, 8, 29)
    assert dates.moratorium_dates(date(2025, 1, 31)).protected_ends == date(2026, 7, 31)


def test_a_notice_in_the_protected_period_starts_no_new_moratorium():
    first = date(2025, 6, 2)
    assert dates.notice_starts_moratorium(first, earlier_notices=[])
    assert not dates.notice_starts_moratorium(
        date(2026, 12, 2), earlier_notices=[first]
    )
    assert dates.notice_starts_moratorium(date(2026, 12, 3), earlier_notices=[first])
    # A notice inside the first one's protected period does not start a
    # protected period of its own.
    assert dates.notice_starts_moratorium(
        date(2026, 12, 3), earlier_notices=[first, date(2026, 1, 5)]
    )


def test_the_periods_are_settings(settings):
    settings.KITH_ACV_PROTECTED_MONTHS = 24
    settings.KITH_ACV_DECISION_WEEKS = 10
    periods = dates.ACVPeriods.from_settings()
    assert periods.protected_months == 24
    assert dates.decision_due(date(2025, 1, 6), periods) == date(2025, 3, 17)
    assert dates.moratorium_dates(date(2025, 1, 1), periods=periods).protected_ends == (
        date(2027, 1, 1)
    )


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_every_period_ends_after_it_starts_and_in_the_right_month(day):
    found = dates.moratorium_dates(day, bid_requested_on=day)
    assert day < found.interim_ends < found.full_ends < found.protected_ends
    months = (found.protected_ends.year - day.year) * 12 + (
        found.protected_ends.month - day.month
    )
    assert months == 18
    listing = dates.listing_ends(day)
    assert listing + timedelta(days=1) == dates.add_years(day, 5)
