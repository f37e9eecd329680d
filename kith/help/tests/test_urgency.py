"""A request's urgency follows its dates: what was asked for, but never less
than the last time the member gave makes it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kith.core.models import AuditEvent
from kith.help.models import HelpRequest, Urgency
from kith.help.services import request_create, requests_urgency_follow_dates
from kith.help.tests.conftest import tomorrow_window
from kith.help.urgency import urgency_for_dates

TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("asked", "days_ahead", "expected"),
    [
        (Urgency.ROUTINE, 0, Urgency.URGENT),
        (Urgency.ROUTINE, 1, Urgency.URGENT),
        (Urgency.ROUTINE, 2, Urgency.SOON),
        (Urgency.ROUTINE, 7, Urgency.SOON),
        (Urgency.ROUTINE, 8, Urgency.ROUTINE),
        (Urgency.SOON, 20, Urgency.SOON),
        (Urgency.URGENT, 20, Urgency.URGENT),
        (Urgency.SOON, 1, Urgency.URGENT),
    ],
)
def test_urgency_is_the_more_urgent_of_asked_and_dates(asked, days_ahead, expected):
    assert (
        urgency_for_dates(
            asked=asked, last_day=TODAY + timedelta(days=days_ahead), today=TODAY
        )
        == expected
    )


def _ask(circle, *, days, urgency=Urgency.ROUTINE):
    return request_create(
        actor=circle.coordinator,
        membership=circle.membership,
        category=circle.categories["Shopping"],
        details="A big shop.",
        minutes=60,
        windows=[tomorrow_window(days=days)],
        urgency=urgency,
    )


def test_no_rush_for_tomorrow_is_recorded_as_urgent(circle):
    assert _ask(circle, days=1).urgency == Urgency.URGENT


def test_no_rush_for_four_days_away_is_recorded_as_soon(circle):
    assert _ask(circle, days=4).urgency == Urgency.SOON


def test_no_rush_for_three_weeks_away_stays_no_rush(circle):
    assert _ask(circle, days=21).urgency == Urgency.ROUTINE


def test_a_lift_for_an_activity_in_three_days_is_not_no_rush(testford):
    from kith.help.services import categories_create_defaults
    from kith.social import services as social_services
    from kith.social.tests import factories as social_factories
    from tests.factories import MembershipFactory

    categories_create_defaults(locality=testford.locality)
    joan = MembershipFactory(locality=testford.locality)
    occurrence = social_factories.activity(
        testford, starts_on=timezone.localdate() + timedelta(days=3)
    ).occurrences.get()
    social_services.sign_up_create(
        actor=joan.person, occurrence=occurrence, membership=joan, needs_lift=True
    )
    assert HelpRequest.objects.get().urgency == Urgency.SOON


def test_each_night_requests_get_more_urgent_as_their_dates_draw_near(circle):
    request = _ask(circle, days=10)
    assert request.urgency == Urgency.ROUTINE
    today = timezone.localdate()

    assert requests_urgency_follow_dates(today=today) == 0
    assert requests_urgency_follow_dates(today=today + timedelta(days=3)) == 1
    request.refresh_from_db()
    assert request.urgency == Urgency.SOON
    assert requests_urgency_follow_dates(today=today + timedelta(days=9)) == 1
    request.refresh_from_db()
    assert request.urgency == Urgency.URGENT
    assert (
        AuditEvent.objects.filter(
            action="help_request_urgency_raised", target_id=str(request.pk)
        ).count()
        == 2
    )
    assert "Now urgent" in request.events.order_by("-pk").first().text


def test_the_nightly_job_leaves_arranged_requests_alone(circle):
    request = _ask(circle, days=10)
    HelpRequest.objects.filter(pk=request.pk).update(status=HelpRequest.Status.ARRANGED)
    later = timezone.localdate() + timedelta(days=9)
    assert requests_urgency_follow_dates(today=later) == 0
