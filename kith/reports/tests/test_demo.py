"""The demo locality's surveys and figures: a year with outcomes."""

import pytest
from django.utils import timezone

from kith.accounts.models import User
from kith.core.demo import DemoLoadError
from kith.notify.models import Call
from kith.places.models import Locality
from kith.reports import demo as reports_demo
from kith.reports import figures
from kith.reports.models import HelpValue, ProxyValue, Survey
from kith.site.demo import demo_load


def test_the_demo_shows_a_year_of_figures_with_outcomes(db):
    demo_load()
    locality = Locality.objects.get(slug="riverside")
    officer = User.objects.get(email="council@riverside.example")
    assert Survey.objects.filter(wave=0, status="answered").count() > 100
    assert Survey.objects.filter(wave__gte=1, status="answered").count() > 50
    assert Survey.objects.filter(status="declined").exists()
    assert Survey.objects.filter(how="online").exists()
    assert HelpValue.objects.filter(locality=locality).exists()
    # One proxy value in use and one retired, both labelled as made up.
    proxies = ProxyValue.objects.filter(locality=locality)
    assert [p.retired_at is None for p in proxies.order_by("outcome")] == [True, False]
    assert all("(demo)" in p.outcome for p in proxies)
    # Surveys due are on the coordinators' call list.
    assert Call.objects.filter(reason=Call.Reason.SURVEY_DUE, done=False).exists()
    scope = figures.scope_for(
        actor=officer,
        locality=locality,
        period=figures.last_twelve_months(timezone.localdate()),
    )
    report = figures.report_for(scope)
    assert not report.outcomes.suppressed
    life = report.outcomes.measures[0]
    assert life.n >= 20 and life.change is not None and life.change.value > 0
    assert report.value.pounds is not None and report.value.pounds > 0
    assert report.table("members_joined").grand_total()
    assert report.table("visits_done").grand_total()


def test_a_refused_survey_stops_the_demo(db, monkeypatch):
    def refuse(**kwargs):
        from kith.core.errors import ApplicationError

        raise ApplicationError("No survey is due for this member now.")

    monkeypatch.setattr(reports_demo.services, "survey_record", refuse)
    with pytest.raises(DemoLoadError, match="reports"):
        demo_load()
    assert not Locality.objects.exists()
