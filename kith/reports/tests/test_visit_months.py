"""Last night's count of visits by month: the same figures as counting the
visits, made again the same, and the unsettled months counted live."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from kith.help.models import Visit
from kith.reports import figures, services
from kith.reports.models import VisitMonth, VisitMonthRun
from kith.reports.tests.world import members, second_ward, visits_done

pytestmark = pytest.mark.django_db


def _scope(circle, wards=()):
    return figures.scope_for(
        actor=circle.council_officer,
        locality=circle.locality,
        period=figures.period_of(date(2026, 1, 1), date(2026, 6, 1)),
        ward_ids=[w.pk for w in wards],
    )


def test_the_summary_gives_the_figures_the_visits_give(testford, elsewhere):
    south = second_ward(testford)
    north_member = members(testford, testford.ward, 1, date(2025, 1, 1))[0]
    south_member = members(testford, south, 1, date(2025, 1, 1))[0]
    visits_done(testford, north_member, 6, date(2026, 2, 27), minutes=90)
    visits_done(testford, south_member, 5, date(2026, 3, 31), minutes=60)
    # Half past midnight on 1 May in British Summer Time is still 30 April
    # in UTC: local time decides its month, in the count as live.
    visits_done(testford, south_member, 2, date(2026, 5, 1), minutes=30)
    Visit.objects.filter(starts_at__date=date(2026, 5, 1)).update(
        starts_at=timezone.make_aware(datetime.combine(date(2026, 5, 1), time(0, 30)))
    )
    other = members(elsewhere, elsewhere.ward, 1, date(2025, 1, 1))[0]
    visits_done(elsewhere, other, 7, date(2026, 3, 3))
    for wards in [(), (south,)]:
        scope = _scope(testford, wards)
        live = figures.visit_figures(scope, figures.visits_in(scope))
        assert live.counts(figures.DONE, by="ward")[(south.pk, date(2026, 5, 1))] == 2
        services.visit_months_refresh(
            locality=testford.locality, today=date(2026, 6, 20)
        )
        summarised = figures.visit_figures(scope, figures.visits_in(scope))
        assert summarised.rows == live.rows
        VisitMonth.objects.all().delete()
        VisitMonthRun.objects.all().delete()
    assert VisitMonth.objects.count() == 0


def test_made_again_it_is_the_same_and_covers_settled_months(testford):
    member = members(testford, testford.ward, 1, date(2025, 1, 1))[0]
    visits_done(testford, member, 5, date(2026, 5, 20))
    made = services.visit_months_refresh(
        locality=testford.locality, today=date(2026, 6, 8)
    )
    again = services.visit_months_refresh(
        locality=testford.locality, today=date(2026, 6, 8)
    )
    assert made == again == VisitMonth.objects.count() == 1
    run = VisitMonthRun.objects.get()
    # 8 June: May ended a week ago, so it is the last month settled.
    assert (run.first_month, run.last_month) == (date(2023, 6, 1), date(2026, 5, 1))
    # On 7 June it was not yet.
    services.visit_months_refresh(locality=testford.locality, today=date(2026, 6, 7))
    assert VisitMonthRun.objects.get().last_month == date(2026, 4, 1)
    assert VisitMonth.objects.count() == 0


def test_a_month_after_the_summary_is_counted_live(testford):
    member = members(testford, testford.ward, 1, date(2025, 1, 1))[0]
    visits_done(testford, member, 5, date(2026, 4, 10))
    services.visit_months_refresh(locality=testford.locality, today=date(2026, 6, 1))
    # A visit recorded after last night's count, in a month it covers, is
    # counted at the next; one in a later month at once.
    visits_done(testford, member, 1, date(2026, 4, 11))
    visits_done(testford, member, 5, date(2026, 6, 2))
    counted = figures.visit_figures(
        _scope(testford), figures.visits_in(_scope(testford))
    )
    by_month = counted.counts(figures.DONE, by="ward")
    assert by_month[(testford.ward.pk, date(2026, 4, 1))] == 5
    assert by_month[(testford.ward.pk, date(2026, 6, 1))] == 5


def test_the_nightly_job_counts_every_locality(testford, elsewhere):
    from kith.reports.jobs import visit_months

    for circle in (testford, elsewhere):
        member = members(circle, circle.ward, 1, date(2024, 1, 1))[0]
        visits_done(
            circle, member, 5, timezone.localdate().replace(day=1) - timedelta(days=40)
        )
    assert visit_months() == "2 rows"
    assert VisitMonthRun.objects.count() == 2
