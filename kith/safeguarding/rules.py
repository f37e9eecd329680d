"""Pure rules of safeguarding: no database."""

from datetime import datetime, timedelta

#: Saturday and Sunday (``date.weekday()``).
WEEKEND = frozenset({5, 6})


def add_working_days(moment: datetime, days: int) -> datetime:
    """``moment`` moved on by ``days`` working days (Monday to Friday),
    keeping the time of day: raised on a Friday afternoon with one working
    day to acknowledge, a concern is due on Monday afternoon; raised on a
    Saturday, also on Monday. Bank holidays are not known and count as
    working days (ADR 0033)."""
    if days < 1:
        raise ValueError("At least one working day.")
    due = moment
    left = days
    while left:
        due += timedelta(days=1)
        if due.weekday() not in WEEKEND:
            left -= 1
    return due
