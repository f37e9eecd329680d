"""The measures' published wording, scoring and bands, and the statistics
the reports use: pure functions over plain numbers, no database.

The wording is the Office for National Statistics' as published (Open
Government Licence v3.0): the four personal wellbeing questions (ONS4,
"Personal well-being user guidance") and the national indicators of
loneliness ("Measuring loneliness: guidance for use of the national
indicators on surveys", 2018), which include the three-item UCLA scale as
the ONS words it. It is data here, copied into version 1 of each instrument
by a migration; a change of wording is a new version, never an edit.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from statistics import fmean

ONS4 = "ons4"
LONELINESS = "ons_loneliness"

LIFE_SATISFACTION = "life_satisfaction"
WORTHWHILE = "worthwhile"
HAPPINESS = "happiness"
ANXIETY = "anxiety"
LONELY_DIRECT = "lonely_direct"
UCLA_COMPANIONSHIP = "ucla_companionship"
UCLA_LEFT_OUT = "ucla_left_out"
UCLA_ISOLATED = "ucla_isolated"
UCLA_ITEMS = (UCLA_COMPANIONSHIP, UCLA_LEFT_OUT, UCLA_ISOLATED)
ONS4_ITEMS = (LIFE_SATISFACTION, WORTHWHILE, HAPPINESS, ANXIETY)

ZERO_TO_TEN = [(n, str(n)) for n in range(11)]
DIRECT_ANSWERS = [
    (1, "Often/always"),
    (2, "Some of the time"),
    (3, "Occasionally"),
    (4, "Hardly ever"),
    (5, "Never"),
]
#: The direct question's answer that counts as "often or always lonely".
OFTEN_OR_ALWAYS = 1
UCLA_ANSWERS = [(1, "Hardly ever or never"), (2, "Some of the time"), (3, "Often")]

OGL = "Open Government Licence v3.0"

#: The shipped instruments, version 1: code, title, source, introduction,
#: and items (key, text, answers).
SHIPPED: list[dict[str, object]] = [
    {
        "code": ONS4,
        "title": "ONS personal wellbeing (ONS4)",
        "source": "Office for National Statistics, Personal well-being user "
        "guidance; " + OGL,
        "introduction": (
            "Next I would like to ask you four questions about your feelings on "
            "aspects of your life. There are no right or wrong answers. For each "
            "of these questions I'd like you to give an answer on a scale of 0 to "
            "10, where 0 is \u201cnot at all\u201d and 10 is \u201ccompletely\u201d."
        ),
        "items": [
            (
                LIFE_SATISFACTION,
                "Overall, how satisfied are you with your life nowadays?",
                ZERO_TO_TEN,
            ),
            (
                WORTHWHILE,
                "Overall, to what extent do you feel that the things you do in "
                "your life are worthwhile?",
                ZERO_TO_TEN,
            ),
            (HAPPINESS, "Overall, how happy did you feel yesterday?", ZERO_TO_TEN),
            (
                ANXIETY,
                "On a scale where 0 is \u201cnot at all anxious\u201d and 10 is "
                "\u201ccompletely anxious\u201d, overall, how anxious did you "
                "feel yesterday?",
                ZERO_TO_TEN,
            ),
        ],
    },
    {
        "code": LONELINESS,
        "title": "ONS loneliness measures",
        "source": "Office for National Statistics, Measuring loneliness: guidance "
        "for use of the national indicators on surveys (2018), including the "
        "three-item UCLA loneliness scale as worded there; " + OGL,
        "introduction": (
            "The next questions are about how you feel about different aspects "
            "of your life. For each one, tell me how often you feel that way."
        ),
        "items": [
            (
                UCLA_COMPANIONSHIP,
                "How often do you feel that you lack companionship?",
                UCLA_ANSWERS,
            ),
            (UCLA_LEFT_OUT, "How often do you feel left out?", UCLA_ANSWERS),
            (
                UCLA_ISOLATED,
                "How often do you feel isolated from others?",
                UCLA_ANSWERS,
            ),
            (LONELY_DIRECT, "How often do you feel lonely?", DIRECT_ANSWERS),
        ],
    },
]


def ucla_total(answers: Mapping[str, int | None]) -> int | None:
    """The three-item UCLA score, 3 to 9, or None if any item is missing.
    Raises ValueError for an item scored outside 1 to 3."""
    values = [answers.get(key) for key in UCLA_ITEMS]
    if any(value is None for value in values):
        return None
    for value in values:
        if value not in (1, 2, 3):
            raise ValueError(f"A UCLA item is scored 1 to 3, not {value}.")
    return sum(v for v in values if v is not None)


def wellbeing_band(measure: str, score: int) -> str:
    """The ONS band of a 0 to 10 score. Life satisfaction, worthwhile and
    happiness: 0-4 low, 5-6 medium, 7-8 high, 9-10 very high. Anxiety: 0-1
    very low, 2-3 low, 4-5 medium, 6-10 high. Raises ValueError otherwise."""
    if not 0 <= score <= 10 or isinstance(score, bool):
        raise ValueError(f"A wellbeing score is 0 to 10, not {score}.")
    if measure == ANXIETY:
        if score <= 1:
            return "very_low"
        if score <= 3:
            return "low"
        if score <= 5:
            return "medium"
        return "high"
    if measure not in ONS4_ITEMS:
        raise ValueError(f"No ONS bands for {measure!r}.")
    if score <= 4:
        return "low"
    if score <= 6:
        return "medium"
    if score <= 8:
        return "high"
    return "very_high"


BANDS = {
    LIFE_SATISFACTION: ("low", "medium", "high", "very_high"),
    WORTHWHILE: ("low", "medium", "high", "very_high"),
    HAPPINESS: ("low", "medium", "high", "very_high"),
    ANXIETY: ("very_low", "low", "medium", "high"),
}

# Two-sided 95% critical values of Student's t, by degrees of freedom; 1.96
# beyond 30.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t95(df: int) -> float:
    return _T95[df - 1] if 1 <= df <= len(_T95) else 1.96


@dataclass(frozen=True)
class Estimate:
    """A mean or share with its 95% confidence interval and the number of
    people behind it."""

    value: float
    low: float
    high: float
    n: int


def mean_estimate(values: Sequence[float]) -> Estimate | None:
    """The mean with a t-based 95% interval; None for fewer than two values."""
    n = len(values)
    if n < 2:
        return None
    mean = fmean(values)
    # In floats: statistics.stdev works in exact fractions, far too slow for
    # tens of thousands of answers.
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t95(n - 1) * math.sqrt(variance) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def mean_estimate_counted(counts: Mapping[int, int]) -> Estimate | None:
    """``mean_estimate`` of values given as how many times each was seen
    (scores take a handful of values, so a year of 100,000 answers is a
    dozen sums); None for fewer than two values."""
    n = sum(counts.values())
    if n < 2:
        return None
    mean = math.fsum(value * times for value, times in counts.items()) / n
    variance = math.fsum(
        (value - mean) ** 2 * times for value, times in counts.items()
    ) / (n - 1)
    half = t95(n - 1) * math.sqrt(variance) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def share_estimate(yes: int, n: int) -> Estimate | None:
    """The share ``yes / n`` with a Wilson score 95% interval (good for small
    samples and shares near 0 or 1); None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= yes <= n:
        raise ValueError("The count must be between 0 and n.")
    z = 1.959964
    p = yes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # Rounding can put a bound a hair past the share itself at 0 or 1.
    return Estimate(
        p, max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)), n
    )


def wellbys(mean_change: float, people: int) -> float:
    """WELLBYs from a change in life satisfaction: one point on the 0 to 10
    scale for one person for one year is one WELLBY (HM Treasury Green Book
    wellbeing guidance). The change is taken to last a year."""
    return mean_change * people


# --- when surveys are due -----------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` moved on ``months`` months, kept within the month (31 January
    plus one month is the last day of February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def wave_due_on(started_on: date, wave: int, *, first: int, every: int) -> date:
    """The day wave ``wave`` is due: 0 (the baseline) on joining, 1 after
    ``first`` months, then every ``every`` months."""
    if wave < 0:
        raise ValueError("Waves start at 0, the baseline.")
    if wave == 0:
        return started_on
    return add_months(started_on, first + every * (wave - 1))


def wave_now(started_on: date, today: date, *, first: int, every: int) -> int | None:
    """The latest wave due by ``today`` (earlier ones missed are not asked
    again), or None before joining."""
    if today < started_on:
        return None
    wave = 0
    while wave_due_on(started_on, wave + 1, first=first, every=every) <= today:
        wave += 1
    return wave


# --- licensed instruments -----------------------------------------------------


@dataclass(frozen=True)
class ScoringRule:
    """An administrator's rule for a licensed instrument (the model
    ``InstrumentScoring`` holds it): ``items`` items each scored
    ``item_min`` to ``item_max``; a score needs ``min_answered`` of them;
    ``conversion`` maps each possible total to the published score (empty:
    the total is the score)."""

    items: int
    item_min: int
    item_max: int
    min_answered: int
    conversion: Mapping[int, float]


def parse_conversion(text: str, *, low: int, high: int) -> dict[int, float]:
    """A conversion table typed one line a total, ``total = score``, blank
    lines ignored. Empty text is no table. Raises ValueError, naming the
    line, for a line that does not read, a total outside ``low`` to
    ``high`` or given twice, or a table that misses a total in that range."""
    table: dict[int, float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        total, sep, score = line.partition("=")
        try:
            if not sep:
                raise ValueError
            key = int(total.strip())
            value = float(score.strip())
        except ValueError:
            raise ValueError(
                f"Line {number} should be a total, an equals sign and a score, "
                f"like {low} = {low}.00."
            ) from None
        if not math.isfinite(value):
            raise ValueError(f"Line {number}: the score must be a number.")
        if not low <= key <= high:
            raise ValueError(
                f"Line {number}: a total is from {low} to {high}, not {key}."
            )
        if key in table:
            raise ValueError(f"Line {number}: the total {key} is given twice.")
        table[key] = value
    missing = [key for key in range(low, high + 1) if key not in table]
    if table and missing:
        shown = ", ".join(str(m) for m in missing[:5])
        raise ValueError(
            f"The table needs a line for every total from {low} to {high}; "
            f"missing: {shown}{'…' if len(missing) > 5 else ''}."
        )
    return table


def licensed_score(rule: ScoringRule, values: Sequence[int | None]) -> float | None:
    """One survey's score under ``rule``: ``values`` holds each of the
    instrument's items' scores, None for an item not answered. Fewer than
    ``rule.min_answered`` answered gives None; fewer than all is prorated
    (the mean of those answered times the number of items, rounded half
    up, as the common scoring instructions do), then converted. Raises
    ValueError for more values than items or a score outside the range."""
    if len(values) > rule.items:
        raise ValueError(f"The instrument has {rule.items} items, not {len(values)}.")
    answered = [v for v in values if v is not None]
    for value in answered:
        if isinstance(value, bool) or not rule.item_min <= value <= rule.item_max:
            raise ValueError(
                f"An item is scored {rule.item_min} to {rule.item_max}, not {value}."
            )
    if not answered or len(answered) < rule.min_answered:
        return None
    if len(answered) == rule.items:
        total = sum(answered)
    else:
        # In exact fractions, so a half is always rounded up.
        total = math.floor(
            Fraction(sum(answered) * rule.items, len(answered)) + Fraction(1, 2)
        )
    if rule.conversion:
        return float(rule.conversion[total])
    return float(total)
