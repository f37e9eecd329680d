"""The measures: wording, scoring and bands at every boundary, statistics."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.reports import scoring


def test_the_shipped_wording_is_the_published_wording():
    ons4, loneliness = scoring.SHIPPED
    assert [text for _key, text, _answers in ons4["items"]] == [
        "Overall, how satisfied are you with your life nowadays?",
        "Overall, to what extent do you feel that the things you do in your life "
        "are worthwhile?",
        "Overall, how happy did you feel yesterday?",
        "On a scale where 0 is \u201cnot at all anxious\u201d and 10 is "
        "\u201ccompletely anxious\u201d, overall, how anxious did you feel yesterday?",
    ]
    assert [text for _key, text, _answers in loneliness["items"]] == [
        "How often do you feel that you lack companionship?",
        "How often do you feel left out?",
        "How often do you feel isolated from others?",
        "How often do you feel lonely?",
    ]
    assert [words for _score, words in scoring.DIRECT_ANSWERS] == [
        "Often/always",
        "Some of the time",
        "Occasionally",
        "Hardly ever",
        "Never",
    ]
    assert scoring.UCLA_ANSWERS == [
        (1, "Hardly ever or never"),
        (2, "Some of the time"),
        (3, "Often"),
    ]


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "low"), (4, "low"), (5, "medium"), (6, "medium"), (7, "high"),
     (8, "high"), (9, "very_high"), (10, "very_high")],
)  # fmt: skip
@pytest.mark.parametrize(
    "measure", [scoring.LIFE_SATISFACTION, scoring.WORTHWHILE, scoring.HAPPINESS]
)
def test_positive_measures_band_at_every_boundary(measure, score, band):
    assert scoring.wellbeing_band(measure, score) == band


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "very_low"), (1, "very_low"), (2, "low"), (3, "low"), (4, "medium"),
     (5, "medium"), (6, "high"), (10, "high")],
)  # fmt: skip
def test_anxiety_bands_at_every_boundary(score, band):
    assert scoring.wellbeing_band(scoring.ANXIETY, score) == band


@pytest.mark.parametrize("score", [-1, 11])
def test_a_score_off_the_scale_is_refused(score):
    with pytest.raises(ValueError, match="0 to 10"):
        scoring.wellbeing_band(scoring.HAPPINESS, score)


def test_no_bands_for_an_unknown_measure():
    with pytest.raises(ValueError, match="No ONS bands"):
        scoring.wellbeing_band("ucla_total", 5)


@given(st.lists(st.sampled_from([1, 2, 3]), min_size=3, max_size=3))
def test_ucla_total_is_3_to_9_and_the_sum(values):
    answers = dict(zip(scoring.UCLA_ITEMS, values, strict=True))
    total = scoring.ucla_total(answers)
    assert total == sum(values)
    assert 3 <= total <= 9


@pytest.mark.parametrize("missing", scoring.UCLA_ITEMS)
def test_a_missing_ucla_item_gives_no_total(missing):
    answers = dict.fromkeys(scoring.UCLA_ITEMS, 3)
    answers[missing] = None
    assert scoring.ucla_total(answers) is None
    del answers[missing]
    assert scoring.ucla_total(answers) is None


@pytest.mark.parametrize("bad", [0, 4])
def test_a_ucla_item_off_its_scale_is_refused(bad):
    answers = dict.fromkeys(scoring.UCLA_ITEMS, 2)
    answers[scoring.UCLA_LEFT_OUT] = bad
    with pytest.raises(ValueError, match="1 to 3"):
        scoring.ucla_total(answers)


def test_waves_baseline_six_months_then_yearly():
    joined = date(2025, 1, 31)
    due = [scoring.wave_due_on(joined, w, first=6, every=12) for w in range(4)]
    assert due == [date(2025, 1, 31), date(2025, 7, 31), date(2026, 7, 31),
                   date(2027, 7, 31)]  # fmt: skip
    assert scoring.wave_due_on(joined, 1, first=1, every=12) == date(2025, 2, 28)
    assert scoring.wave_now(joined, date(2025, 1, 30), first=6, every=12) is None
    assert scoring.wave_now(joined, joined, first=6, every=12) == 0
    assert scoring.wave_now(joined, date(2025, 7, 30), first=6, every=12) == 0
    assert scoring.wave_now(joined, date(2025, 7, 31), first=6, every=12) == 1
    assert scoring.wave_now(joined, date(2026, 8, 1), first=6, every=12) == 2
    with pytest.raises(ValueError, match="Waves"):
        scoring.wave_due_on(joined, -1, first=6, every=12)


def test_mean_estimate_uses_t_for_small_samples():
    found = scoring.mean_estimate([1.0, 2.0, 3.0])
    assert found is not None
    assert found.value == 2.0 and found.n == 3
    assert found.high - found.value == pytest.approx(4.303 * 1.0 / 3**0.5)
    assert scoring.mean_estimate([1.0]) is None


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_share_interval_contains_the_share_and_stays_in_0_to_1(pair):
    yes, n = pair
    found = scoring.share_estimate(yes, n)
    assert found is not None
    assert 0.0 <= found.low <= found.value <= found.high <= 1.0


def test_no_share_of_nobody():
    assert scoring.share_estimate(0, 0) is None
    with pytest.raises(ValueError, match="between"):
        scoring.share_estimate(3, 2)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-10, 10), min_size=0, max_size=60))
def test_a_mean_from_counts_is_the_mean_of_the_values(values):
    from collections import Counter

    direct = scoring.mean_estimate([float(v) for v in values])
    counted = scoring.mean_estimate_counted(Counter(values))
    if direct is None:
        assert counted is None
    else:
        assert counted.n == direct.n
        for a, b in [(counted.value, direct.value), (counted.low, direct.low),
                     (counted.high, direct.high)]:  # fmt: skip
            assert a == pytest.approx(b, abs=1e-9)
