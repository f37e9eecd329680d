"""Licensed instruments: the administrator's scoring rule (sum of items,
prorating, a conversion table), checked at every boundary, and their
change between baseline and follow-up in the outcomes, withheld below
five people."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.core.models import AuditEvent
from kith.reports import figures, scoring, services
from kith.reports.models import Answer, Instrument, InstrumentItem, InstrumentScoring
from kith.reports.tests.world import members, survey

RULE = scoring.ScoringRule(
    items=7, item_min=1, item_max=5, min_answered=7, conversion={}
)


# --- the pure rule -----------------------------------------------------------------


def test_every_item_answered_gives_the_sum_at_both_ends():
    assert scoring.licensed_score(RULE, [1] * 7) == 7
    assert scoring.licensed_score(RULE, [5] * 7) == 35


def test_one_item_missing_below_the_minimum_gives_no_score():
    assert scoring.licensed_score(RULE, [5, 5, 5, 5, 5, 5, None]) is None
    assert scoring.licensed_score(RULE, [None] * 7) is None
    assert scoring.licensed_score(RULE, []) is None


def test_missing_items_are_prorated_half_up_at_the_minimum():
    rule = scoring.ScoringRule(items=4, item_min=0, item_max=3, min_answered=3,
                               conversion={})  # fmt: skip
    # 1 + 1 + 2 = 4 over 3 items, times 4 = 5.33: 5.
    assert scoring.licensed_score(rule, [1, 1, 2, None]) == 5
    # 1 + 2 + 2 = 5 over 3 items, times 4 = 6.67: 7.
    assert scoring.licensed_score(rule, [1, 2, 2, None]) == 7
    # Exactly a half is rounded up: 3 over 2 items, times 3 = 4.5: 5.
    half = scoring.ScoringRule(items=3, item_min=0, item_max=3, min_answered=2,
                               conversion={})  # fmt: skip
    assert scoring.licensed_score(half, [1, 2, None]) == 5
    assert scoring.licensed_score(half, [1, None, None]) is None


@pytest.mark.parametrize("bad", [0, 6, -1, True])
def test_a_score_outside_the_range_is_refused(bad):
    with pytest.raises(ValueError, match="scored 1 to 5"):
        scoring.licensed_score(RULE, [bad, 3, 3, 3, 3, 3, 3])


def test_more_values_than_items_is_refused():
    with pytest.raises(ValueError, match="7 items"):
        scoring.licensed_score(RULE, [3] * 8)


def test_a_conversion_table_gives_the_published_score():
    table = scoring.parse_conversion(
        "\n".join(f"{t} = {t * 1.5:.2f}" for t in range(7, 36)), low=7, high=35
    )
    rule = scoring.ScoringRule(items=7, item_min=1, item_max=5, min_answered=7,
                               conversion=table)  # fmt: skip
    assert scoring.licensed_score(rule, [1] * 7) == 10.5
    assert scoring.licensed_score(rule, [5] * 7) == 52.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("7 7.0", "Line 1 should be a total"),
        ("seven = 7", "Line 1 should be a total"),
        ("6 = 1\n7 = 2\n8 = 3", "Line 1: a total is from 7 to 8, not 6."),
        ("7 = 1\n7 = 2\n8 = 3", "Line 2: the total 7 is given twice."),
        ("7 = 1", "missing: 8."),
        ("7 = nan\n8 = 1", "Line 1: the score must be a number."),
    ],
)
def test_a_conversion_table_that_does_not_read_says_where(text, message):
    with pytest.raises(ValueError, match=message):
        scoring.parse_conversion(text, low=7, high=8)


def test_an_empty_table_is_no_table():
    assert scoring.parse_conversion("\n  \n", low=7, high=35) == {}


# A pure function: no deadline or slowness check, which a busy shared
# machine can fail without anything being wrong.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=7, max_size=7))
def test_a_score_is_always_within_the_range_of_totals(values):
    rule = scoring.ScoringRule(items=7, item_min=1, item_max=5, min_answered=5,
                               conversion={})  # fmt: skip
    found = scoring.licensed_score(rule, values)
    answered = [v for v in values if v is not None]
    if len(answered) < 5:
        assert found is None
    else:
        assert 7 <= found <= 35
        if len(answered) == 7:
            assert found == sum(answered)


# --- the rule an administrator sets ------------------------------------------------


def _licensed(items: int = 3, low: int = 1, high: int = 5) -> Instrument:
    instrument = Instrument.objects.create(
        code="licensed_scale", title="A licensed scale", source="Its publisher",
        licence_reference="Council licence 42",
    )  # fmt: skip
    for n in range(items):
        InstrumentItem.objects.create(
            instrument=instrument, position=n, key=f"item_{n}", text=f"Item {n}",
            answers=[[s, str(s)] for s in range(low, high + 1)],
        )  # fmt: skip
    return instrument


@pytest.mark.django_db
def test_a_rule_is_checked_against_the_instruments_items(testford):
    instrument = _licensed()
    admin = testford.admin
    admin.is_staff = True
    rule = InstrumentScoring(
        instrument=instrument, item_min=1, item_max=4, min_answered=3
    )
    with pytest.raises(ValidationError, match="outside the range"):
        services.instrument_scoring_save(actor=admin, scoring_rule=rule)
    rule.item_max = 5
    rule.min_answered = 4
    with pytest.raises(ValidationError, match="from 1 to 3"):
        services.instrument_scoring_save(actor=admin, scoring_rule=rule)
    rule.min_answered = 2
    rule.conversion = "3 = 0\n4 = 1"
    with pytest.raises(ValidationError, match="missing: 5, 6, 7, 8, 9"):
        services.instrument_scoring_save(actor=admin, scoring_rule=rule)
    rule.conversion = ""
    services.instrument_scoring_save(actor=admin, scoring_rule=rule)
    event = AuditEvent.objects.get(action="instrument_scoring_set")
    assert event.data["min_answered"] == 2 and event.data["item_max"] == 5


@pytest.mark.django_db
def test_the_ons_measures_need_no_rule(testford):
    ons4 = Instrument.objects.get(code="ons4")
    rule = InstrumentScoring(instrument=ons4, item_min=0, item_max=10, min_answered=4)
    with pytest.raises(ValidationError, match="scored by Kith"):
        rule.full_clean()


# --- in the outcomes --------------------------------------------------------------


def _answer(surveyed, instrument, values):
    items = list(instrument.items.order_by("position"))
    Answer.objects.bulk_create(
        [Answer(survey=surveyed, item=item, value=v)
         for item, v in zip(items, values, strict=True) if v is not None]
    )  # fmt: skip


def _scope(circle):
    return figures.scope_for(
        actor=circle.council_officer,
        locality=circle.locality,
        period=figures.period_of(date(2026, 1, 1), date(2026, 12, 1)),
    )


def _with_rule(instrument, **kwargs):
    return InstrumentScoring.objects.create(
        instrument=instrument, **({"item_min": 1, "item_max": 5, "min_answered": 2}
                                  | kwargs)
    )  # fmt: skip


@pytest.mark.django_db
def test_the_change_in_a_licensed_instrument_is_shown_like_the_others(testford):
    instrument = _licensed()
    _with_rule(instrument, higher_is_better=True)
    people = members(testford, testford.ward, 6, date(2025, 6, 1))
    for n, membership in enumerate(people):
        before = survey(testford, membership, 0, date(2025, 6, 1), life_satisfaction=5)
        after = survey(testford, membership, 1, date(2026, 2, 1), life_satisfaction=6)
        _answer(before, instrument, [2, 2, 2])  # 6
        # One missing item, prorated: (4 + 4) / 2 * 3 = 12; or all three, 13.
        _answer(after, instrument, [4, 4, None] if n % 2 else [4, 4, 5])
    found = figures.outcomes(_scope(testford))
    licensed = next(m for m in found.measures if m.key == "licensed_licensed_scale")
    assert licensed.title == "A licensed scale (licensed; higher is better)"
    assert licensed.n == 6
    assert licensed.baseline.value == 6
    assert licensed.follow_up.value == pytest.approx(12.5)
    assert licensed.change.value == pytest.approx(6.5)
    assert licensed.change.low < 6.5 < licensed.change.high


@pytest.mark.django_db
def test_a_licensed_change_from_fewer_than_five_is_withheld(testford):
    instrument = _licensed()
    _with_rule(instrument, min_answered=3)
    people = members(testford, testford.ward, 6, date(2025, 6, 1))
    for n, membership in enumerate(people):
        before = survey(testford, membership, 0, date(2025, 6, 1), life_satisfaction=5)
        after = survey(testford, membership, 1, date(2026, 2, 1), life_satisfaction=6)
        _answer(before, instrument, [2, 2, 2])
        # Two of six miss an item, below the minimum of 3: four people left.
        _answer(after, instrument, [4, 4, None] if n < 2 else [4, 4, 4])
    found = figures.outcomes(_scope(testford))
    licensed = next(m for m in found.measures if m.key == "licensed_licensed_scale")
    assert licensed.n == 4
    assert licensed.change is None and licensed.baseline is None
    # The ONS measures of the same six people are still shown.
    assert found.measures[0].change.value == pytest.approx(1.0)


@pytest.mark.django_db
def test_without_a_rule_a_licensed_instrument_is_not_scored(testford):
    instrument = _licensed()
    people = members(testford, testford.ward, 5, date(2025, 6, 1))
    for membership in people:
        _answer(
            survey(testford, membership, 0, date(2025, 6, 1)), instrument, [1, 1, 1]
        )
        _answer(
            survey(testford, membership, 1, date(2026, 2, 1)), instrument, [2, 2, 2]
        )
    keys = [m.key for m in figures.outcomes(_scope(testford)).measures]
    assert not any(key.startswith("licensed_") for key in keys)
