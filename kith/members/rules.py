"""Pure rules about membership: ages, eligibility, fees and renewal dates."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kith.core.money import pounds

__all__ = ["pounds"]

RENEWAL_NOTICE_DAYS = 30


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class PlanFacts:
    id: int
    minimum_age: int
    is_open: bool


def eligible_plan_ids(
    plans: Iterable[PlanFacts], *, born: date | None, lives_in_locality: bool, on: date
) -> list[int]:
    """The plans a person may join: they live at a postcode in the locality
    and are at least the plan's minimum age."""
    if not lives_in_locality or born is None:
        return []
    age = age_on(born, on)
    return [plan.id for plan in plans if plan.is_open and age >= plan.minimum_age]


def youngest_age(plans: Iterable[PlanFacts]) -> int | None:
    ages = [plan.minimum_age for plan in plans if plan.is_open]
    return min(ages) if ages else None


def one_year_after(day: date) -> date:
    """The same day next year; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def renewal_reminder_due(renews_on: date, today: date) -> bool:
    """A renewal reminder goes out from 30 days before the renewal date."""
    return today <= renews_on <= today + timedelta(days=RENEWAL_NOTICE_DAYS)
