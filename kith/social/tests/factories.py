"""Builders for the social part's tests: members who may be introduced,
venues and activities. Members are made by the shared factories (joining
has its own tests); introductions and sign-ups only ever go through the services."""

import itertools
from datetime import date, time, timedelta

from django.utils import timezone

from kith.members.models import Interest, Membership
from kith.places.models import Postcode
from kith.social import services
from kith.social.models import SocialProfile
from tests.factories import MembershipFactory, MembershipPlanFactory, UserFactory

_numbers = itertools.count(1)


def interest(locality, name) -> Interest:
    found, _created = Interest.objects.get_or_create(locality=locality, name=name)
    return found


def member(
    locality,
    full_name=None,
    *,
    interests=(),
    consents=True,
    latitude=51.49,
    longitude=-0.09,
    needs=(),
    free_times=(),
    status="active",
    mobile=None,
    email=None,
    contact_by="phone",
) -> Membership:
    """An active member at their own postcode, who did (or did not) consent
    to be introduced."""
    n = next(_numbers)
    postcode = f"SC{n % 90 + 1} {n % 9 + 1}{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}"
    Postcode.objects.update_or_create(
        postcode=postcode,
        defaults={"latitude": latitude, "longitude": longitude, "ward_code": "X"},
    )
    person = UserFactory(
        email=email or f"social-member{n}@example.com",
        full_name=full_name or f"Member {n} Smith",
        mobile=mobile,
        postcode=postcode,
        contact_by=contact_by,
        phone=f"020 7946 {n:04d}",
    )
    today = timezone.localdate()
    membership = MembershipFactory(
        person=person,
        locality=locality,
        plan=MembershipPlanFactory(locality=locality, name="Full"),
        status=status,
        started_on=today - timedelta(days=30),
        renews_on=today + timedelta(days=300),
        access_needs=list(needs),
        interests=interests,
        introductions=consents,
    )
    if free_times:
        SocialProfile.objects.create(membership=membership, free_times=list(free_times))
    return membership


def venue(circle, name="St Mary's Hall", **features):
    defaults = {"step_free": True, "accessible_toilet": True, "hearing_loop": True}
    defaults.update(features)
    return services.venue_save(
        actor=circle.coordinator,
        locality=circle.locality,
        answers=services.VenueAnswers(
            name=name, address="1 Church Street", postcode="SE17 2AA", **defaults
        ),
    )


def activity(
    circle,
    *,
    actor=None,
    title="Coffee morning",
    places=10,
    starts_on: date | None = None,
    at=time(10, 0),
    repeat="once",
    repeat_count=1,
    where=None,
    host=None,
    **extra,
):
    return services.activity_propose(
        actor=actor or circle.coordinator,
        locality=circle.locality,
        venue=where or venue(circle),
        host=host,
        answers=services.ActivityAnswers(
            title=title,
            description="Tea, coffee and cake, and a chat.",
            starts_on=starts_on or timezone.localdate() + timedelta(days=3),
            start_time=at,
            minutes=120,
            places=places,
            repeat=repeat,
            repeat_count=repeat_count,
            **extra,
        ),
    )
