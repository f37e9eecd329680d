"""Reads of the social part, each allowed and refused by role."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from kith.members.models import SupporterLink
from kith.social import selectors, services
from kith.social.models import Introduction
from kith.social.tests import factories


@pytest.fixture
def booked(testford, joan):
    occurrence = factories.activity(testford).occurrences.get()
    return services.sign_up_create(
        actor=joan.person, occurrence=occurrence, membership=joan
    )


def test_who_is_coming_is_for_the_host_and_coordinators(testford, joan, pat, booked):
    occurrence = booked.occurrence
    assert list(
        selectors.people_at(actor=testford.coordinator, occurrence=occurrence)
    ) == [booked]
    for refused in (pat.person, joan.person, testford.helper, testford.council_officer):
        with pytest.raises(PermissionDenied):
            selectors.people_at(actor=refused, occurrence=occurrence)


def test_a_members_places_are_theirs_their_supporters_and_coordinators(
    testford, joan, pat, booked
):
    for allowed in (joan.person, testford.coordinator):
        assert list(selectors.sign_ups_for(actor=allowed, membership=joan)) == [booked]
    with pytest.raises(PermissionDenied):
        selectors.sign_ups_for(actor=pat.person, membership=joan)
    with pytest.raises(PermissionDenied):
        selectors.sign_ups_for(actor=testford.supporter, membership=joan)
    SupporterLink.objects.create(
        membership=joan,
        supporter=testford.supporter,
        name="Sue",
        relationship="daughter",
        status="active",
        consent_how="phone",
    )
    assert list(selectors.sign_ups_for(actor=testford.supporter, membership=joan))
    locality = testford.locality
    assert selectors.sign_up_get_for(
        actor=testford.supporter, locality=locality, pk=booked.pk
    )
    with pytest.raises(Http404):
        selectors.sign_up_get_for(actor=pat.person, locality=locality, pk=booked.pk)


def test_a_proposed_activity_is_for_its_host_and_coordinators(testford, joan, pat):
    activity = factories.activity(testford, actor=joan.person, title="Knit")
    locality = testford.locality
    for allowed in (joan.person, testford.coordinator):
        assert selectors.activity_get_for(
            actor=allowed, locality=locality, pk=activity.pk
        )
    with pytest.raises(Http404):
        selectors.activity_get_for(actor=pat.person, locality=locality, pk=activity.pk)
    assert list(selectors.hosted_by(actor=joan.person, locality=locality)) == [activity]
    assert list(selectors.hosted_by(actor=pat.person, locality=locality)) == []
    assert list(
        selectors.activities_to_review(actor=testford.coordinator, locality=locality)
    ) == [activity]
    with pytest.raises(PermissionDenied):
        selectors.activities_to_review(actor=joan.person, locality=locality)


def test_another_locality_sees_none_of_this_ones_activities(testford, elsewhere):
    activity = factories.activity(testford)
    with pytest.raises(Http404):
        selectors.activity_get_for(
            actor=elsewhere.coordinator, locality=elsewhere.locality, pk=activity.pk
        )
    assert not selectors.calendar(
        locality=elsewhere.locality, start=timezone.localdate()
    ).exists()


def test_introductions_are_for_coordinators_and_asked_members_only(
    testford, elsewhere, joan, pat
):
    services.introductions_suggest(actor=None, locality=testford.locality)
    introduction = Introduction.objects.get()
    locality = testford.locality
    assert (
        selectors.introductions_for_coordinators(
            actor=testford.coordinator, locality=locality
        ).get()
        == introduction
    )
    for refused in (joan.person, testford.helper, testford.council_officer):
        with pytest.raises(PermissionDenied):
            selectors.introductions_for_coordinators(actor=refused, locality=locality)
    with pytest.raises(PermissionDenied):
        selectors.introduction_get_for_coordinator(
            actor=elsewhere.coordinator, locality=locality, pk=introduction.pk
        )
    # A suggestion nobody has asked about yet is not shown to the members.
    assert selectors.introductions_for_member(actor=joan.person, membership=joan) == []
    services.introduction_ask(
        actor=testford.coordinator, introduction=introduction, share_how="contact"
    )
    (view,) = selectors.introductions_for_member(actor=joan.person, membership=joan)
    assert view.other_name == "" and view.other_contact == {}
    assert all("hearing" not in reason for reason in view.reasons)
    with pytest.raises(PermissionDenied):
        selectors.introductions_for_member(actor=pat.person, membership=joan)
    with pytest.raises(Http404):
        selectors.introduction_get_for_member(
            actor=joan.person, membership=joan, pk=introduction.pk + 1
        )


def test_health_reasons_are_for_coordinators_only(testford):
    first = factories.member(
        testford.locality, "Hattie Hear", interests=["Music"], needs=["hearing"]
    )
    second = factories.member(
        testford.locality, "Harry Hear", interests=["Music"], needs=["hearing"]
    )
    services.introductions_suggest(actor=None, locality=testford.locality)
    introduction = Introduction.objects.get()
    assert any("hearing loss" in r["text"] for r in introduction.reasons)
    services.introduction_ask(
        actor=testford.coordinator, introduction=introduction, share_how="contact"
    )
    for membership in (first, second):
        (view,) = selectors.introductions_for_member(
            actor=membership.person, membership=membership
        )
        assert not any("hearing" in text for text in view.reasons)


def test_a_private_feed_has_only_the_persons_own_things(testford, joan, pat, booked):
    other = factories.activity(testford, title="Pat's outing").occurrences.get()
    services.sign_up_create(actor=pat.person, occurrence=other, membership=pat)
    token = services.calendar_feed_reset(actor=joan.person, locality=testford.locality)
    feed = selectors.feed_for_token(token)
    titles = [item.title for item in selectors.private_feed_items(feed=feed)]
    assert titles == ["Coffee morning"]
    assert selectors.feed_for_token("not-a-token") is None
    assert selectors.feed_for_token("") is None


def test_connections_are_counted_for_the_council_and_coordinators(testford):
    today = timezone.localdate()
    for allowed in (testford.council_officer, testford.coordinator):
        assert (
            selectors.connections_count(
                actor=allowed,
                locality=testford.locality,
                since=today - timedelta(days=30),
                until=today,
            )
            == 0
        )
    for refused in (testford.member, testford.helper, testford.supporter):
        with pytest.raises(PermissionDenied):
            selectors.connections_count(
                actor=refused, locality=testford.locality, since=today, until=today
            )


def test_monthly_figures_count_connections_and_who_came(testford, joan, pat, booked):
    services.introductions_suggest(actor=None, locality=testford.locality)
    introduction = services.introduction_ask(
        actor=testford.coordinator,
        introduction=Introduction.objects.get(),
        share_how="contact",
    )
    for membership in (joan, pat):
        services.introduction_answer(
            actor=membership.person,
            introduction=introduction,
            membership=membership,
            answer="yes",
        )
    services.follow_up_record(
        actor=pat.person,
        introduction=introduction,
        membership=pat,
        met=True,
        meet_again="not_sure",
    )
    (this_month, *earlier) = selectors.monthly_figures(
        actor=testford.council_officer, locality=testford.locality
    )
    assert this_month.month == timezone.localdate().replace(day=1)
    assert (this_month.introductions_agreed, this_month.connections) == (1, 1)
    assert len(earlier) == 5
    with pytest.raises(PermissionDenied):
        selectors.monthly_figures(actor=joan.person, locality=testford.locality)
