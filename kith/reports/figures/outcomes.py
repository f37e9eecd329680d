"""Outcomes (baseline against follow-up surveys: changes, ONS bands, 95%
intervals) and social value (WELLBYs, commercial equivalents, proxies)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Q,
)
from django.utils.translation import gettext as _

from kith.help.models import HelpCategory
from kith.reports import scoring
from kith.reports.figures.activity import (
    VisitFigures,
    visit_figures,
    visits_in,
)
from kith.reports.figures.tables import (
    DONE,
    Scope,
    Table,
)
from kith.reports.models import (
    Answer,
    HelpValue,
    InstrumentItem,
    InstrumentScoring,
    ProxyValue,
    Survey,
    SurveySettings,
)
from kith.reports.suppression import THRESHOLD, suppress


@dataclass
class MeasureChange:
    key: str
    title: str
    n: int
    baseline: scoring.Estimate | None
    follow_up: scoring.Estimate | None
    change: scoring.Estimate | None
    bands: list[tuple[str, float | None, float | None]] = field(default_factory=list)


@dataclass
class Outcomes:
    people: int | None  # None when fewer than THRESHOLD
    measures: list[MeasureChange]
    lonely_before: scoring.Estimate | None
    lonely_after: scoring.Estimate | None
    lonely_n: int | None
    answered: int | None
    declined: int | None

    @property
    def suppressed(self) -> bool:
        return self.people is None


MEASURE_TITLES = {
    scoring.LIFE_SATISFACTION: _("Life satisfaction"),
    scoring.WORTHWHILE: _("Feeling that what you do is worthwhile"),
    scoring.HAPPINESS: _("Happiness yesterday"),
    scoring.ANXIETY: _("Anxiety yesterday (lower is better)"),
    "ucla_total": _("Loneliness score, UCLA 3 to 9 (lower is better)"),
}


BAND_TITLES = {
    "very_low": _("Very low"),
    "low": _("Low"),
    "medium": _("Medium"),
    "high": _("High"),
    "very_high": _("Very high"),
}


def _hide(n: int) -> int | None:
    return n if n >= THRESHOLD else None


def outcomes(scope: Scope) -> Outcomes:
    """For members whose latest follow-up was answered in the period and
    who answered a baseline: each measure at baseline and follow-up, the
    change (paired), the ONS bands and the share often or always lonely,
    each with its 95% interval and the number of people behind it. Any
    figure from fewer than five people is withheld."""
    period = scope.period
    surveys = Survey.objects.filter(
        locality=scope.locality, status=Survey.Status.ANSWERED
    )
    if not scope.all_wards:
        surveys = surveys.filter(membership__ward_id__in=scope.ward_ids)
    scores = [*scoring.ONS4_ITEMS, "lonely_direct", "ucla_total"]
    # Tuples, not dicts: a year of a large locality is 100,000 rows.
    at = {name: i for i, name in enumerate(scores, start=2)}
    baseline: dict[int, tuple[Any, ...]] = {}
    latest: dict[int, tuple[Any, ...]] = {}
    # Two queries, each a range of the covering index "survey_outcomes"
    # (one "wave 0 or in the period" would read every survey by its row).
    for row in surveys.filter(wave=0).values_list("membership_id", "wave", *scores):
        baseline[row[0]] = row
    for row in surveys.filter(
        wave__gt=0, answered_on__gte=period.start, answered_on__lte=period.last_day
    ).values_list("membership_id", "wave", *scores):
        if row[0] not in baseline:
            continue
        held = latest.get(row[0])
        if held is None or held[1] < row[1]:
            latest[row[0]] = row
    pairs = [(baseline[m], latest[m]) for m in latest if m in baseline]
    in_period = Survey.objects.filter(
        locality=scope.locality,
        answered_on__gte=period.start,
        answered_on__lte=period.last_day,
    )
    if not scope.all_wards:
        in_period = in_period.filter(membership__ward_id__in=scope.ward_ids)
    status_counts = dict(
        in_period.values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
        .order_by()
    )
    # Published apart, never with a total of the two.
    answered = _hide(status_counts.get(Survey.Status.ANSWERED, 0))
    declined = _hide(status_counts.get(Survey.Status.DECLINED, 0))
    measures = []
    for key in [*scoring.ONS4_ITEMS, "ucla_total"]:
        i = at[key]
        # How many people had each (baseline, follow-up) pair of scores: at
        # most 121 pairs, from which every figure below is exact.
        both = Counter(
            (b[i], f[i]) for b, f in pairs if b[i] is not None and f[i] is not None
        )
        n = sum(both.values())
        change = MeasureChange(key, str(MEASURE_TITLES[key]), n, None, None, None)
        if n >= THRESHOLD:
            at_baseline: Counter[int] = Counter()
            at_follow_up: Counter[int] = Counter()
            moved: Counter[int] = Counter()
            for (b, f), times in both.items():
                at_baseline[b] += times
                at_follow_up[f] += times
                moved[f - b] += times
            change.baseline = scoring.mean_estimate_counted(at_baseline)
            change.follow_up = scoring.mean_estimate_counted(at_follow_up)
            change.change = scoring.mean_estimate_counted(moved)
            if key in scoring.BANDS:
                change.bands = _bands(key, at_baseline, at_follow_up)
        measures.append(change)
    measures += licensed_changes(scope)
    lonely = [
        (b[at["lonely_direct"]], f[at["lonely_direct"]])
        for b, f in pairs
        if b[at["lonely_direct"]] is not None and f[at["lonely_direct"]] is not None
    ]
    before = after = None
    if len(lonely) >= THRESHOLD:
        yes_before = sum(1 for b, _f in lonely if b == scoring.OFTEN_OR_ALWAYS)
        yes_after = sum(1 for _b, f in lonely if f == scoring.OFTEN_OR_ALWAYS)
        # A share is published with its n, so a share from fewer than five
        # people (or all but fewer than five) would give a small count away.
        if _publishable(yes_before, len(lonely)):
            before = scoring.share_estimate(yes_before, len(lonely))
        if _publishable(yes_after, len(lonely)):
            after = scoring.share_estimate(yes_after, len(lonely))
    people = len(pairs)
    return Outcomes(
        people=_hide(people),
        measures=measures if people >= THRESHOLD else [],
        lonely_before=before,
        lonely_after=after,
        lonely_n=_hide(len(lonely)),
        answered=answered,
        declined=declined,
    )


def _licensed_scores(
    scope: Scope, rules: list[InstrumentScoring]
) -> dict[tuple[str, int], list[tuple[int, Any, float]]]:
    """Each answered survey's score on each licensed instrument with a
    rule, by (instrument code, membership): (wave, answered on, score).
    Read from the answers (the rule may be set after they were given);
    only the baselines and the surveys answered in the period, so one
    query of those surveys' answers to licensed items."""
    period = scope.period
    rule_of = {rule.instrument_id: rule for rule in rules}
    code_of = {rule.instrument_id: rule.instrument.code for rule in rules}
    items: dict[int, list[int]] = {}
    for item_id, instrument_id in (
        InstrumentItem.objects.filter(instrument_id__in=list(rule_of))
        .order_by("instrument_id", "position", "pk")
        .values_list("pk", "instrument_id")
    ):
        items.setdefault(instrument_id, []).append(item_id)
    instrument_of_item = {i: inst for inst, ids in items.items() for i in ids}
    answers = Answer.objects.filter(
        item_id__in=list(instrument_of_item),
        survey__locality=scope.locality,
        survey__status=Survey.Status.ANSWERED,
    ).filter(
        Q(survey__wave=0)
        | Q(
            survey__answered_on__gte=period.start,
            survey__answered_on__lte=period.last_day,
        )
    )
    if not scope.all_wards:
        answers = answers.filter(survey__membership__ward_id__in=scope.ward_ids)
    given: dict[tuple[int, int], dict[int, int]] = {}
    about: dict[int, tuple[int, int, Any]] = {}
    for survey_id, membership_id, wave, day, item_id, value in answers.values_list(
        "survey_id",
        "survey__membership_id",
        "survey__wave",
        "survey__answered_on",
        "item_id",
        "value",
    ):
        instrument_id = instrument_of_item[item_id]
        given.setdefault((survey_id, instrument_id), {})[item_id] = value
        about[survey_id] = (membership_id, wave, day)
    pure: dict[int, scoring.ScoringRule] = {}
    for instrument_id, ids in items.items():
        try:
            pure[instrument_id] = rule_of[instrument_id].rule(len(ids))
        except ValueError:
            # Items added since the table was entered: not scored, not guessed.
            continue
    found: dict[tuple[str, int], list[tuple[int, Any, float]]] = {}
    for (survey_id, instrument_id), values in given.items():
        if instrument_id not in pure:
            continue
        ids = items[instrument_id]
        try:
            score = scoring.licensed_score(
                pure[instrument_id], [values.get(i) for i in ids]
            )
        except ValueError:
            # An answer outside a range narrowed since: the survey is left
            # unscored, not guessed.
            score = None
        if score is None:
            continue
        membership_id, wave, day = about[survey_id]
        found.setdefault((code_of[instrument_id], membership_id), []).append(
            (wave, day, score)
        )
    return found


def licensed_changes(scope: Scope) -> list[MeasureChange]:
    """The change in each licensed instrument that has a scoring rule, for
    members with a baseline score and a follow-up score answered in the
    period (their latest), as the ONS measures: means with 95% intervals
    and the number of people, withheld below five. Versions of one
    instrument (one code) are compared with each other, each scored by its
    own rule."""
    rules = list(
        InstrumentScoring.objects.filter(instrument__shipped=False)
        .select_related("instrument")
        .order_by("instrument__code", "instrument__version")
    )
    if not rules:
        return []
    period = scope.period
    titles: dict[str, str] = {}
    for rule in rules:  # the newest version's title and direction
        better = (
            _("higher is better") if rule.higher_is_better else _("lower is better")
        )
        titles[rule.instrument.code] = _("%(title)s (licensed; %(better)s)") % {
            "title": rule.instrument.title,
            "better": better,
        }
    pairs: dict[str, list[tuple[float, float]]] = {code: [] for code in titles}
    for (code, _membership), scored in _licensed_scores(scope, rules).items():
        baseline = [score for wave, _day, score in scored if wave == 0]
        follow_ups = [
            (wave, score)
            for wave, day, score in scored
            if wave > 0 and period.start <= day <= period.last_day
        ]
        if baseline and follow_ups:
            pairs[code].append((baseline[0], max(follow_ups)[1]))
    changes = []
    for code, title in titles.items():
        both = pairs[code]
        change = MeasureChange(f"licensed_{code}", title, len(both), None, None, None)
        if len(both) >= THRESHOLD:
            change.baseline = scoring.mean_estimate([b for b, _f in both])
            change.follow_up = scoring.mean_estimate([f for _b, f in both])
            change.change = scoring.mean_estimate([f - b for b, f in both])
        changes.append(change)
    return changes


def _publishable(yes: int, n: int) -> bool:
    return (yes == 0 or yes >= THRESHOLD) and (n - yes == 0 or n - yes >= THRESHOLD)


def _bands(
    key: str, before_counts: Counter[int], after_counts: Counter[int]
) -> list[tuple[str, float | None, float | None]]:
    """Each band's count at baseline and at follow-up (from how many had
    each score). The bands of one time add up to n, which is published, so
    a hidden band needs a second hidden band beside it: the rule's column
    totals do that."""
    names = scoring.BANDS[key]
    counted_before: Counter[str] = Counter()
    counted_after: Counter[str] = Counter()
    for score, times in before_counts.items():
        counted_before[scoring.wellbeing_band(key, score)] += times
    for score, times in after_counts.items():
        counted_after[scoring.wellbeing_band(key, score)] += times
    before = [counted_before[name] for name in names]
    after = [counted_after[name] for name in names]
    table = suppress(
        [[x, y] for x, y in zip(before, after, strict=True)], row_totals=False
    )
    return [
        (str(BAND_TITLES[name]), table.shown(i, 0), table.shown(i, 1))
        for i, name in enumerate(names)
    ]


@dataclass
class SocialValue:
    settings: SurveySettings
    wellbys: float | None
    pounds: float | None
    pounds_low: float | None
    pounds_high: float | None
    by_help: list[tuple[str, float | None, int, float | None]]  # kind, hours, p/h, £
    help_total: float | None
    proxies: list[ProxyValue]


def social_value(
    scope: Scope,
    found: Outcomes,
    tables: list[Table],
    counted: VisitFigures | None = None,
) -> SocialValue:
    """The change in life satisfaction in WELLBYs and pounds at the
    locality's Green Book values, and the commercial equivalent of the help
    given (hours of each kind of help at the council's price for it)."""
    from kith.reports.services import survey_settings_for

    settings = survey_settings_for(scope.locality)
    wellbys = pounds = low = high = None
    life = next((m for m in found.measures if m.key == scoring.LIFE_SATISFACTION), None)
    if life is not None and life.change is not None and not found.suppressed:
        wellbys = scoring.wellbys(life.change.value, life.n)
        pounds = wellbys * settings.wellby_pounds
        low = wellbys * settings.wellby_low_pounds
        high = wellbys * settings.wellby_high_pounds
    counted = counted or visit_figures(scope, visits_in(scope))
    counts: dict[Any, int] = {}
    for (category_id, _month), n in counted.counts(DONE, by="category").items():
        counts[category_id] = counts.get(category_id, 0) + n
    rows: dict[Any, int] = {}
    for (category_id, _month), n in counted.minutes(DONE, by="category").items():
        rows[category_id] = rows.get(category_id, 0) + n
    prices = {
        v.category_id: v.pence_per_hour
        for v in HelpValue.objects.filter(locality=scope.locality)
    }
    categories = HelpCategory.objects.filter(locality=scope.locality).order_by(
        "position", "name"
    )
    by_help = []
    total = 0.0
    for category in categories:
        hours = (rows.get(category.pk) or 0) / 60
        price = prices.get(category.pk, 0)
        value = hours * price / 100
        total += value
        hidden = counts.get(category.pk, 0) < THRESHOLD
        by_help.append(
            (category.name, None if hidden else hours, price, None if hidden else value)
        )
    return SocialValue(
        settings=settings,
        wellbys=wellbys,
        pounds=pounds,
        pounds_low=low,
        pounds_high=high,
        by_help=by_help,
        help_total=total if sum(counts.values()) >= THRESHOLD else None,
        proxies=list(
            ProxyValue.objects.filter(locality=scope.locality, retired_at__isnull=True)
        ),
    )
