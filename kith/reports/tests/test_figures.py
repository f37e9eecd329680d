"""The council's figures: counted right, suppressed, scoped to the officer."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from kith.reports import figures
from kith.reports.tests.test_suppression import recoverable
from kith.reports.tests.world import members, second_ward, survey, visits_done

pytestmark = pytest.mark.django_db
YEAR = figures.Period(date(2026, 1, 1), date(2026, 12, 1))


def _scope(circle, wards=()):
    return figures.scope_for(
        actor=circle.council_officer,
        locality=circle.locality,
        period=YEAR,
        ward_ids=[w.pk for w in wards],
    )


def test_members_joined_by_ward_and_month_with_small_numbers_hidden(testford):
    south = second_ward(testford)
    members(testford, testford.ward, 7, date(2026, 3, 4))
    members(testford, testford.ward, 6, date(2026, 4, 4))
    members(testford, south, 2, date(2026, 3, 9))
    table = figures.report_for(_scope(testford)).table("members_joined")
    assert table.row_labels == ["Testford Circle North", "Testford South"]
    rows = {label: cells for label, cells, _total in table.rows()}
    assert rows["Testford South"][2] is None  # 2: fewer than 5
    # With two wards, North's 7 would give South's 2 away from March's total.
    assert rows["Testford Circle North"][2] is None
    # A zero is fewer than 5 too, so April's 6 goes to protect South's 0.
    assert rows["Testford Circle North"][3] is None
    assert rows["All"][-1] == 15
    assert recoverable(table.grid) == []


def test_visits_and_hours_follow_the_same_hidden_cells(testford):
    south = second_ward(testford)
    north_member = members(testford, testford.ward, 1, date(2025, 1, 1))[0]
    south_member = members(testford, south, 1, date(2025, 1, 1))[0]
    visits_done(testford, north_member, 6, date(2026, 5, 5), minutes=90)
    visits_done(testford, south_member, 3, date(2026, 5, 6))
    report = figures.report_for(_scope(testford))
    visits = report.table("visits_done")
    hours = report.table("hours_of_help")
    assert visits.grid.hidden == hours.grid.hidden
    assert hours.grid.values[0][4] == 9.0
    assert visits.grid.shown(0, 4) is None  # hidden to protect South's 3
    assert recoverable(visits.grid) == []
    kinds = report.table("visits_by_kind")
    assert kinds.grid.values[-1][-1] == 9


def test_choosing_wards_counts_only_them(testford):
    south = second_ward(testford)
    members(testford, testford.ward, 5, date(2026, 3, 4))
    members(testford, south, 8, date(2026, 3, 4))
    table = figures.report_for(_scope(testford, [south])).table("members_joined")
    assert table.row_labels == ["Testford South"]
    assert table.grand_total() == 8


def test_outcomes_pair_baseline_and_follow_up(testford):
    people = members(testford, testford.ward, 6, date(2025, 6, 1))
    for n, membership in enumerate(people):
        survey(testford, membership, 0, date(2025, 6, 1), life_satisfaction=4,
               anxiety=6, lonely_direct=1, ucla_total=8)  # fmt: skip
        survey(testford, membership, 1, date(2026, 1, 10), life_satisfaction=6 + n % 2,
               anxiety=3, lonely_direct=1 if n == 0 else 3, ucla_total=5)  # fmt: skip
    found = figures.outcomes(_scope(testford))
    assert found.people == 6
    life = found.measures[0]
    assert life.n == 6
    assert life.baseline.value == 4
    assert life.change.value == pytest.approx(2.5)
    assert life.change.low < 2.5 < life.change.high
    assert {b: (x, y) for b, x, y in life.bands}["Low"] == (6, None)
    # 1 of 6 often lonely after: a small count, so the share is withheld.
    assert found.lonely_before.value == 1.0
    assert found.lonely_after is None
    value = figures.social_value(_scope(testford), found, [])
    assert value.wellbys == pytest.approx(15.0)
    assert value.pounds == pytest.approx(15.0 * 13000)
    assert (value.pounds_low, value.pounds_high) == (150000, 240000)


def test_outcomes_of_fewer_than_five_people_are_withheld(testford):
    people = members(testford, testford.ward, 4, date(2025, 6, 1))
    for membership in people:
        survey(testford, membership, 0, date(2025, 6, 1), life_satisfaction=4)
        survey(testford, membership, 1, date(2026, 2, 1), life_satisfaction=8)
    found = figures.outcomes(_scope(testford))
    assert found.suppressed and found.measures == []
    assert figures.social_value(_scope(testford), found, []).wellbys is None


@pytest.mark.parametrize("role", ["member", "helper", "coordinator", "supporter"])
def test_only_officers_and_administrators_see_figures(testford, role):
    with pytest.raises(PermissionDenied):
        figures.scope_for(
            actor=testford.by_role(role), locality=testford.locality, period=YEAR
        )


def test_an_officer_sees_only_their_own_localities(testford, elsewhere):
    with pytest.raises(PermissionDenied):
        figures.scope_for(
            actor=testford.council_officer, locality=elsewhere.locality, period=YEAR
        )
    other_ward = elsewhere.ward
    scope = _scope(testford, [other_ward])
    assert other_ward not in scope.wards and scope.all_wards


def test_a_period_is_whole_months_and_at_most_three_years():
    assert figures.period_of(date(2026, 1, 15), date(2026, 3, 2)).months == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    ]  # fmt: skip
    with pytest.raises(ValueError, match="after its start"):
        figures.period_of(date(2026, 3, 1), date(2026, 1, 1))
    with pytest.raises(ValueError, match="at most 36"):
        figures.period_of(date(2020, 1, 1), date(2026, 1, 1))


def test_age_bands_at_the_end_of_the_period_at_every_boundary(testford):
    from tests.factories import MembershipFactory

    born = {
        date(1977, 1, 1): "Under 50",  # 49 on 31 December 2026
        date(1976, 12, 31): "50-64",  # 50 that day
        date(1962, 1, 1): "50-64",  # 64
        date(1961, 12, 31): "65-74",
        date(1952, 1, 1): "65-74",
        date(1951, 12, 31): "75-84",
        date(1942, 1, 1): "75-84",
        date(1941, 12, 31): "85+",
        None: "Not known",
    }
    for day in born:
        for _n in range(5):
            MembershipFactory(
                locality=testford.locality,
                ward=testford.ward,
                started_on=date(2026, 1, 1),
                date_of_birth=day,
            )
    table = figures.report_for(_scope(testford)).table("members_by_age")
    counts = dict(zip(table.headers(), table.rows()[0][1], strict=True))
    assert counts == {
        "50-64": 10, "65-74": 10, "75-84": 10, "85+": 5, "Under 50": 5,
        "Not known": 5, "Total": 45,
    }  # fmt: skip
