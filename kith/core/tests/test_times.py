"""Times and dates the GOV.UK way, in Europe/London, whatever the season."""

from datetime import UTC, date, datetime, time

import pytest
from django.template import Context, Template

from kith.core.times import clock_text, day_text, span_text, when_text


@pytest.mark.parametrize(
    ("at", "written"),
    [
        (time(10, 0), "10am"),
        (time(14, 30), "2:30pm"),
        (time(12, 0), "midday"),
        (time(0, 0), "midnight"),
        (time(12, 5), "12:05pm"),
        (time(0, 30), "12:30am"),
        (time(23, 59), "11:59pm"),
        (time(9, 5), "9:05am"),
        (time(13, 0), "1pm"),
    ],
)
def test_a_time_is_written_the_gov_uk_way(at, written):
    assert clock_text(at) == written
    assert Template("{{ at|clock }}").render(Context({"at": at})) == written


@pytest.mark.parametrize(
    ("utc", "written"),
    [
        # British Summer Time: an hour ahead of UTC.
        (datetime(2026, 7, 1, 9, 0, tzinfo=UTC), "10am"),
        (datetime(2026, 7, 1, 3, 48, tzinfo=UTC), "4:48am"),
        (datetime(2026, 6, 30, 23, 0, tzinfo=UTC), "midnight"),
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "12:30am"),
        # Greenwich Mean Time: the same as UTC.
        (datetime(2026, 1, 15, 9, 0, tzinfo=UTC), "9am"),
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "midday"),
        # Either side of the clocks going forward (29 March 2026, 1am UTC).
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "12:30am"),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "2:30am"),
    ],
)
def test_a_moment_is_shown_in_london_time_not_utc(utc, written):
    assert clock_text(utc) == written
    assert Template("{{ at|clock }}").render(Context({"at": utc})) == written


def test_nothing_shows_as_nothing():
    assert clock_text(None) == ""
    assert Template("[{{ at|clock }}]").render(Context({"at": None})) == "[]"


def test_dates_are_written_in_full():
    assert day_text(date(2026, 12, 8)) == "Tuesday 8 December 2026"
    assert day_text(date(2026, 12, 8), weekday=False) == "8 December 2026"
    assert day_text(date(2026, 12, 8), year=False) == "Tuesday 8 December"
    # 11:30pm UTC on 30 June is already 1 July in London.
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert day_text(late) == "Wednesday 1 July 2026"


def test_when_and_spans_read_as_one_phrase():
    moment = datetime(2026, 3, 3, 10, 30, tzinfo=UTC)
    assert when_text(moment) == "Tuesday 3 March at 10:30am"
    assert when_text(moment, year=True) == "Tuesday 3 March 2026 at 10:30am"
    summer = datetime(2026, 7, 7, 9, 0, tzinfo=UTC)
    assert when_text(summer) == "Tuesday 7 July at 10am"
    start = datetime(2026, 7, 7, 9, 0, tzinfo=UTC)
    assert span_text(start, start.replace(hour=15)) == "Tuesday 7 July, 10am to 4pm"
    assert span_text(start, datetime(2026, 7, 8, 8, 0, tzinfo=UTC)) == (
        "Tuesday 7 July, 10am to Wednesday 8 July, 9am"
    )
