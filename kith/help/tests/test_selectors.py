from datetime import timedelta

import pytest
from django.utils import timezone

from kith.help import selectors
from kith.help.models import HelpSettings, Visit
from tests.factories import LocalityFactory, VisitFactory

pytestmark = pytest.mark.django_db


def starting_in(visit: Visit, delta: timedelta) -> Visit:
    Visit.objects.filter(pk=visit.pk).update(starts_at=timezone.now() + delta)
    visit.refresh_from_db()
    return visit


def test_help_settings_are_the_defaults_until_saved_and_reading_saves_nothing():
    locality = LocalityFactory()
    found = selectors.help_settings_for(locality=locality)
    assert (found.late_cancellation_hours, found.late_cancellation_minutes) == (24, 30)
    assert not HelpSettings.objects.filter(locality=locality).exists()
    HelpSettings.objects.create(
        locality=locality, late_cancellation_hours=2, late_cancellation_minutes=15
    )
    found = selectors.help_settings_for(locality=locality)
    assert (found.late_cancellation_hours, found.late_cancellation_minutes) == (2, 15)


def test_cancelling_a_confirmed_visit_is_late_within_the_localitys_hours():
    visit = starting_in(VisitFactory(confirmed=True), timedelta(hours=3))
    assert selectors.visit_cancel_is_late(visit=visit)
    assert not selectors.visit_cancel_is_late(
        visit=starting_in(visit, timedelta(days=3))
    )
    HelpSettings.objects.update_or_create(
        locality=visit.request.locality, defaults={"late_cancellation_hours": 2}
    )
    assert not selectors.visit_cancel_is_late(
        visit=starting_in(visit, timedelta(hours=3))
    )


def test_only_a_confirmed_visit_can_be_cancelled_late():
    visit = starting_in(VisitFactory(accepted=True), timedelta(hours=3))
    assert not selectors.visit_cancel_is_late(visit=visit)
