"""The dates of the Community Right to Bid (Localism Act 2011, Part 5,
Chapter 3), as pure functions over plain dates.

Every period is an argument with the law's length as its default, and the
callers pass the locality's settings (``ACVPeriods.from_settings``), so a
change in the law is a change of setting, not of code (ADR 0029).

How a period is counted, as GOV.UK's guidance does: a listing of N years
made on day D ends on the day before the same day N years later ("a
listing made on 3 March 2025 ends on 2 March 2030"); the moratoria and the
protected period run *to* D + the period ("six weeks from the date of
notification"), so their last day is D + the period. A month later than
31 August is the last day of February (28 or 29).

- listing: from D, ends on (D + 5 years) - 1 day;
- unsuccessful nomination kept on the public list: the same, 5 years;
- decision due: within 8 weeks of receipt, so by D + 8 weeks;
- interim moratorium: ends D + 6 weeks;
- full moratorium (if a group asks in writing to bid): ends D + 6 months;
- protected period: ends D + 18 months; a new disposal notice given before
  it ends starts no new moratorium.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day if it is shorter
    (31 August + 6 months is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    return add_months(day, 12 * years)


@dataclass(frozen=True)
class ACVPeriods:
    """The lengths of the periods. The defaults are the law's in 2025."""

    decision_weeks: int = 8
    listing_years: int = 5
    unsuccessful_years: int = 5
    interim_weeks: int = 6
    full_months: int = 6
    protected_months: int = 18

    @classmethod
    def from_settings(cls) -> "ACVPeriods":
        """The periods in force: Django settings ``KITH_ACV_*`` (read now, not
        at import), falling back to the law's."""
        from django.conf import settings

        names = {
            "decision_weeks": "KITH_ACV_DECISION_WEEKS",
            "listing_years": "KITH_ACV_LISTING_YEARS",
            "unsuccessful_years": "KITH_ACV_UNSUCCESSFUL_YEARS",
            "interim_weeks": "KITH_ACV_INTERIM_WEEKS",
            "full_months": "KITH_ACV_FULL_MONTHS",
            "protected_months": "KITH_ACV_PROTECTED_MONTHS",
        }
        default = cls()
        return cls(
            **{
                field: int(getattr(settings, name, getattr(default, field)))
                for field, name in names.items()
            }
        )


def decision_due(received_on: date, periods: ACVPeriods = ACVPeriods()) -> date:
    """The last day to decide a nomination received on ``received_on``."""
    return received_on + timedelta(weeks=periods.decision_weeks)


def listing_ends(listed_on: date, periods: ACVPeriods = ACVPeriods()) -> date:
    """The last day of a listing made on ``listed_on`` (3 March 2025 →
    2 March 2030)."""
    return add_years(listed_on, periods.listing_years) - timedelta(days=1)


def unsuccessful_shown_until(
    decided_on: date, periods: ACVPeriods = ACVPeriods()
) -> date:
    """The last day an unsuccessful nomination stays on the public list."""
    return add_years(decided_on, periods.unsuccessful_years) - timedelta(days=1)


@dataclass(frozen=True)
class Moratorium:
    """The dates that follow an owner's notice of disposal on ``notified_on``.

    ``full_ends`` is None unless a community group asked in writing to be
    treated as a bidder within the interim moratorium."""

    notified_on: date
    interim_ends: date
    full_ends: date | None
    protected_ends: date

    def may_dispose_on(self, day: date) -> bool:
        """Whether the owner may sell on ``day``: after the moratorium that
        applies, or after none."""
        last = self.full_ends or self.interim_ends
        return day > last


def moratorium_dates(
    notified_on: date,
    *,
    bid_requested_on: date | None = None,
    periods: ACVPeriods = ACVPeriods(),
) -> Moratorium:
    """The interim moratorium, the full one if a group asked in writing to bid
    by the end of the interim one (a later request does not count), and the
    protected period."""
    interim_ends = notified_on + timedelta(weeks=periods.interim_weeks)
    full_ends = None
    if bid_requested_on is not None:
        if bid_requested_on < notified_on:
            raise ValueError("A request to bid cannot come before the notice.")
        if bid_requested_on <= interim_ends:
            full_ends = add_months(notified_on, periods.full_months)
    return Moratorium(
        notified_on=notified_on,
        interim_ends=interim_ends,
        full_ends=full_ends,
        protected_ends=add_months(notified_on, periods.protected_months),
    )


def notice_starts_moratorium(
    notified_on: date,
    *,
    earlier_notices: list[date],
    periods: ACVPeriods = ACVPeriods(),
) -> bool:
    """Whether a notice given on ``notified_on`` starts a new moratorium: not
    if it falls within the protected period of an earlier notice that did."""
    started: list[date] = []
    for earlier in sorted(earlier_notices):
        if earlier >= notified_on:
            break
        if not any(
            earlier <= add_months(first, periods.protected_months) for first in started
        ):
            started.append(earlier)
    return not any(
        notified_on <= add_months(first, periods.protected_months) for first in started
    )
