"""A member's home page puts what matters first: the next visit and who is
coming, their credits in hours, this week's activities, and introductions
waiting for their answer; each says so plainly when there is nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kith.credits import services as credits
from kith.help.models import Visit
from kith.helpers.tests.factories import active_helper
from kith.helpers.vetting import VettingLevel
from kith.site.selectors import member_home_for
from kith.social import services as social
from kith.social.models import Introduction
from kith.social.tests import factories as social_factories
from tests.factories import HelpRequestFactory, VisitFactory


@pytest.fixture
def joan(testford):
    return social_factories.member(
        testford.locality,
        "Joan Walker",
        interests=["Gardening", "Birdwatching"],
        free_times=["tue_morning"],
    )


@pytest.fixture
def sam(testford):
    return active_helper(
        testford, VettingLevel.ENHANCED_BARRED, full_name="Samuel Okafor"
    )


def _visit(testford, membership, helper, days, hour=10):
    request = HelpRequestFactory(membership=membership, category="Company")
    day = timezone.localdate() + timedelta(days=days)
    starts_at = timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time())
    ).replace(hour=hour)
    window = request.windows.first()
    type(window).objects.filter(pk=window.pk).update(
        starts_at=starts_at - timedelta(hours=2), ends_at=starts_at + timedelta(hours=4)
    )
    return VisitFactory(
        request=request,
        helper=helper,
        coordinator=testford.coordinator,
        confirmed=True,
        starts_at=starts_at,
    )


def _sign_up(testford, membership, days, title="Coffee morning"):
    activity = social_factories.activity(
        testford,
        title=title,
        starts_on=timezone.localdate() + timedelta(days=days),
    )
    occurrence = activity.occurrences.order_by("starts_at").first()
    return social.sign_up_create(
        actor=membership.person, occurrence=occurrence, membership=membership
    )


def _ask_introduction(testford, joan, n):
    other = social_factories.member(
        testford.locality, f"Other {n} Person", interests=["Gardening"]
    )
    first, second = sorted([joan, other], key=lambda m: m.pk)
    introduction = Introduction.objects.create(
        locality=testford.locality, first=first, second=second
    )
    return social.introduction_ask(
        actor=testford.coordinator, introduction=introduction, share_how="contact"
    )


def _home(client, person):
    client.force_login(person)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_member_sees_plainly_that_nothing_is_booked_yet(client, testford, joan):
    page = _home(client, joan.person)
    assert "Your next visit" in page and "You have no visits booked." in page
    assert "You have no credits at the moment." in page
    assert "You have not signed up for anything this week." in page
    assert "No introductions are waiting for your answer." in page
    # What matters comes before the list of things to do.
    assert page.index("Your next visit") < page.index("What you can do")


def test_a_member_sees_their_next_visit_credits_activities_and_introductions(
    client, testford, joan, sam
):
    later = _visit(testford, joan, sam, days=5, hour=14)
    _visit(testford, joan, sam, days=2, hour=10)
    credits.topup_record(
        actor=testford.coordinator,
        locality=testford.locality,
        member=joan.person,
        minutes=150,
        amount_pence=2250,
        method="cash",
        key="home-t1",
    )
    _sign_up(testford, joan, days=3, title="Coffee morning")
    _sign_up(testford, joan, days=12, title="Walk in the park")
    _ask_introduction(testford, joan, 1)
    page = _home(client, joan.person)
    day = timezone.localdate() + timedelta(days=2)
    # The helper's first name, the soonest visit's day and time, GOV.UK style.
    assert f"<strong>Samuel</strong> is coming on <strong>{day:%A} {day.day} " in page
    assert "at 10am</strong>: Company." in page
    assert "Okafor" not in page
    # Only the soonest: not the one three days later.
    later_day = timezone.localtime(later.starts_at)
    assert page.count("is coming on") == 1
    assert f"{later_day:%A} {later_day.day} " not in page.split("Your credits")[0]
    assert "You have 2 hours 30 minutes of help (2.5 credits)." in page
    assert "Coffee morning" in page and "Walk in the park" not in page
    assert "at 10am" in page.split("Your activities this week")[1]
    assert "We would like to introduce you to another member." in page
    assert "Say yes or no to the introduction" in page


def test_a_visit_not_yet_confirmed_or_someone_elses_is_not_shown(
    client, testford, joan, sam
):
    other = social_factories.member(testford.locality, "Pat Jones")
    _visit(testford, other, sam, days=1)
    request = HelpRequestFactory(membership=joan, category="Company")
    VisitFactory(request=request, helper=sam, coordinator=testford.coordinator)
    page = _home(client, joan.person)
    assert "You have no visits booked." in page and "Samuel" not in page
    assert Visit.objects.filter(status="offered").count() == 1


def test_only_members_get_the_summary(client, testford, joan):
    assert member_home_for(actor=testford.helper, locality=testford.locality) is None
    page = _home(client, testford.helper)
    assert "Your next visit" not in page and "What you can do" in page


def test_the_member_home_runs_the_same_queries_for_one_or_many(
    client, testford, joan, sam, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _visit(testford, joan, sam, days=2)
    _sign_up(testford, joan, days=1)
    _ask_introduction(testford, joan, 1)
    member_home_for(actor=joan.person, locality=testford.locality)  # settings made
    with CaptureQueriesContext(connection) as few:
        home = member_home_for(actor=joan.person, locality=testford.locality)
    assert home is not None and len(home.sign_ups) == 1
    for n in range(3):
        _visit(testford, joan, sam, days=3 + n)
        _sign_up(testford, joan, days=2 + n, title=f"Talk {n}")
        _ask_introduction(testford, joan, 2 + n)
    with django_assert_num_queries(len(few)):
        home = member_home_for(actor=joan.person, locality=testford.locality)
        assert len(home.sign_ups) == 4 and len(home.introductions_waiting) == 4
        assert home.next_visit.helper_first_name == "Samuel"
