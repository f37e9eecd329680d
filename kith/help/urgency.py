"""How urgent a help request is: what was asked for, but never less than its
dates make it. A lift to an activity on Tuesday cannot wait "a week or two".
A pure rule, used when a request is made and each night as its dates draw
near.
"""

from datetime import date, timedelta

from kith.help.models import Urgency

_RANK = {Urgency.ROUTINE: 0, Urgency.SOON: 1, Urgency.URGENT: 2}

#: "Soon: in the next few days" covers up to a week ahead; "Urgent: today or
#: tomorrow" is what it says.
SOON_DAYS = 7
URGENT_DAYS = 1


def urgency_for_dates(*, asked: str, last_day: date, today: date) -> str:
    """The more urgent of ``asked`` and what the last day the help can be
    given (``last_day``, the local date the last free time ends) implies:
    today or tomorrow is urgent, within a week is soon."""
    if last_day <= today + timedelta(days=URGENT_DAYS):
        implied = Urgency.URGENT
    elif last_day <= today + timedelta(days=SOON_DAYS):
        implied = Urgency.SOON
    else:
        implied = Urgency.ROUTINE
    return max(asked, implied, key=lambda u: _RANK.get(Urgency(u), 0))
