"""The time limits of UK GDPR article 12(3), as pure functions.

The ICO's guidance: a request is answered within one calendar month,
starting the day it is received, ending on the corresponding date of the
next month; when that month has no such date (received 31 January), on the
last day of the next month. It may be extended by two further months when
the request is complex or one of many, if the person is told within the
first month.
"""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month when it
    is shorter (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def answer_due(received_on: date) -> date:
    """The last day to answer a request received on ``received_on``."""
    return add_months(received_on, 1)


def longest_extension(received_on: date) -> date:
    """The latest an extended request may be answered: three months."""
    return add_months(received_on, 3)
