"""A supporter sees exactly what the member agreed to, on every page they can
reach, and nothing more (kith.members.access, ADR 0021).

One world: Joan, a member with credits, a request she asked herself with a
confirmed visit, a request her supporter asked for her, a place at an
activity she booked and one her supporter booked. Then, for each set of
things Joan may have allowed, every page a supporter can reach is opened
and checked for what it shows and what it must not."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from kith.credits.services import topup_record
from kith.members.models import SupporterLink
from kith.social.services import sign_up_create
from kith.social.tests import factories as social_factories
from tests.factories import (
    HelpRequestFactory,
    MembershipFactory,
    SupporterLinkFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

ASK = "ask_for_help"
VISITS = "share_visits"
CREDITS = "see_credits"
NOTIFY = "get_notifications"

ALLOWED_SETS = {
    "ask only": {ASK},
    "visits only": {VISITS},
    "credits only": {CREDITS},
    "messages only": {NOTIFY},
    "ask and visits": {ASK, VISITS},
    "visits and credits": {VISITS, CREDITS},
    "everything": {ASK, VISITS, CREDITS, NOTIFY},
}


@dataclass
class World:
    link: SupporterLink
    joan_request: object
    their_request: object
    joan_place: object
    their_place: object
    helper_name: str


# Words that only the thing they stand for puts on a page.
JOAN_ASKED = "Weed the front bed"
THEY_ASKED = "Collect a prescription"
JOAN_BOOKED = "Tuesday bowls"
THEY_BOOKED = "Thursday choir"
BALANCE = 'id="balance"'
PRINTED_CREDITS = "of help in credits"


@pytest.fixture
def world(testford):
    supporter = UserFactory(full_name="Dee Daughter")
    joan = MembershipFactory(
        locality=testford.locality, person=UserFactory(full_name="Joan Walker")
    )
    topup_record(
        actor=testford.coordinator,
        locality=testford.locality,
        member=joan.person,
        minutes=180,
        amount_pence=2700,
        method="cash",
        key="t1",
    )
    link = SupporterLinkFactory(membership=joan, supporter=supporter, everything=True)
    joan_request = HelpRequestFactory(
        membership=joan, category="Gardening", details=JOAN_ASKED
    )
    visit = VisitFactory(request=joan_request, confirmed=True)
    their_request = HelpRequestFactory(
        membership=joan, category="Shopping", details=THEY_ASKED, actor=supporter
    )
    places = []
    for title, booker in ((JOAN_BOOKED, joan.person), (THEY_BOOKED, supporter)):
        activity = social_factories.activity(
            testford,
            title=title,
            starts_on=timezone.localdate() + timedelta(days=5),
        )
        places.append(
            sign_up_create(
                actor=booker,
                occurrence=activity.occurrences.get(),
                membership=joan,
            )
        )
    return World(
        link=link,
        joan_request=joan_request,
        their_request=their_request,
        joan_place=places[0],
        their_place=places[1],
        # As the page writes it (an apostrophe in a name is escaped).
        helper_name=escape(visit.helper.user.display_name),
    )


def _allow(link, allowed):
    for field in (ASK, VISITS, CREDITS, NOTIFY):
        setattr(link, field, field in allowed)
    link.save()


def _get(client, name, *args):
    response = client.get(reverse(name, args=args))
    return response.status_code, response.content.decode()


@pytest.fixture(params=list(ALLOWED_SETS), ids=list(ALLOWED_SETS))
def allowed(request, world, client):
    chosen = ALLOWED_SETS[request.param]
    _allow(world.link, chosen)
    client.force_login(world.link.supporter)
    return chosen


def test_the_supporters_page_of_the_member(client, world, allowed):
    status, page = _get(client, "members:supporting_member", world.link.pk)
    assert status == 200
    assert ("Coming visits" in page) is (VISITS in allowed)
    assert (world.helper_name in page) is (VISITS in allowed)
    assert (BALANCE in page) is (CREDITS in allowed)
    assert ("see their credits" in page) is (CREDITS in allowed)
    assert (reverse("credits:supporting", args=[world.link.pk]) in page) is (
        CREDITS in allowed
    )
    assert JOAN_ASKED not in page and THEY_ASKED not in page


def test_the_help_page(client, world, allowed):
    status, page = _get(client, "help:home")
    assert status == 200
    follows = bool(allowed & {ASK, VISITS})
    assert ("Joan Walker" in page) is follows
    joan_url = reverse("help:request", args=[world.joan_request.pk])
    their_url = reverse("help:request", args=[world.their_request.pk])
    # All her requests and visits only with "see visits"; with "ask for help"
    # alone, only what the supporter asked.
    assert (joan_url in page) is (VISITS in allowed)
    assert (world.helper_name in page) is (VISITS in allowed)
    assert (their_url in page) is follows
    assert (reverse("help:ask_start") in page) is (ASK in allowed)
    assert BALANCE not in page


def test_a_request_joan_asked_and_its_timeline(client, world, allowed):
    status, page = _get(client, "help:request", world.joan_request.pk)
    if VISITS in allowed:
        assert status == 200
        assert JOAN_ASKED in page and world.helper_name in page
    else:
        assert status == 403
        assert JOAN_ASKED not in page and world.helper_name not in page


def test_a_request_the_supporter_asked(client, world, allowed):
    status, page = _get(client, "help:request", world.their_request.pk)
    if allowed & {ASK, VISITS}:
        assert status == 200
        assert THEY_ASKED in page
    else:
        assert status == 403
        assert THEY_ASKED not in page


def test_cancelling_a_request_joan_asked(client, world, allowed):
    url = reverse("help:request_cancel", args=[world.joan_request.pk])
    response = client.post(url, {"reason": "Not needed"})
    world.joan_request.refresh_from_db()
    if {ASK, VISITS} <= allowed:
        assert response.status_code == 302
        assert world.joan_request.status == "cancelled"
    else:
        assert response.status_code == 403
        assert world.joan_request.status != "cancelled"


def test_the_credits_page(client, world, allowed):
    status, page = _get(client, "credits:supporting", world.link.pk)
    if CREDITS in allowed:
        assert status == 200
        assert BALANCE in page and "Credits bought with cash" in page
    else:
        assert status == 403
        assert BALANCE not in page
    assert JOAN_ASKED not in page


def test_the_large_print_page(client, world, allowed):
    status, page = _get(client, "notify:print_member_for", world.link.membership_id)
    if allowed & {VISITS, CREDITS}:
        assert status == 200
        assert (world.helper_name in page) is (VISITS in allowed)
        assert (PRINTED_CREDITS in page) is (CREDITS in allowed)
    else:
        assert status == 403
        assert world.helper_name not in page and PRINTED_CREDITS not in page


def test_the_activities_page(client, world, allowed):
    status, page = _get(client, "social:home")
    assert status == 200
    # Places come with being allowed to sign her up; all of them only when
    # she also shares her coming visits.
    assert (THEY_BOOKED in page) is (ASK in allowed)
    assert (JOAN_BOOKED in page) is ({ASK, VISITS} <= allowed)


@pytest.mark.parametrize("whose", ["joan", "theirs"])
def test_a_place_at_an_activity(client, world, allowed, whose):
    place = world.joan_place if whose == "joan" else world.their_place
    title = JOAN_BOOKED if whose == "joan" else THEY_BOOKED
    status, page = _get(client, "social:place", place.pk)
    shown = ASK in allowed and (whose == "theirs" or VISITS in allowed)
    assert (status == 200) is shown
    assert (title in page) is shown
    if not shown:
        assert status == 404


def test_an_ended_link_shows_nothing_anywhere(client, world):
    _allow(world.link, ALLOWED_SETS["everything"])
    world.link.status = "ended"
    world.link.save()
    client.force_login(world.link.supporter)
    assert _get(client, "members:supporting_member", world.link.pk)[0] == 404
    assert _get(client, "credits:supporting", world.link.pk)[0] == 404
    assert _get(client, "help:request", world.their_request.pk)[0] == 403
    assert _get(client, "notify:print_member_for", world.link.membership_id)[0] == 403
    page = _get(client, "help:home")[1]
    assert THEY_ASKED not in page and "Joan Walker" not in page


def test_a_supporter_who_may_see_visits_is_told_of_a_confirmed_visit(client, testford):
    """Grace, allowed to see coming visits, was told 'No visits are booked'
    while her mother's visit was confirmed: the page never looked."""
    link = SupporterLinkFactory(
        membership=MembershipFactory(locality=testford.locality), visits_only=True
    )
    client.force_login(link.supporter)
    url = reverse("members:supporting_member", args=[link.pk])
    assert "No visits are booked." in client.get(url).content.decode()
    visit = VisitFactory(
        request=HelpRequestFactory(membership=link.membership), confirmed=True
    )
    page = client.get(url).content.decode()
    assert "No visits are booked." not in page
    assert escape(visit.helper.user.display_name) in page
    assert reverse("help:request", args=[visit.request_id]) in page
