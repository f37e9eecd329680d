"""The demo locality, as each demo login finds it the moment it is loaded.

README.md's demo section promises what each login can do at once; these
tests check each promise through the real selectors, services and pages.
The demo is loaded once for the module (it takes a few seconds) inside a
transaction that is rolled back at the end.
"""

from datetime import datetime, time, timedelta

import pytest
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from kith.accounts.models import User
from kith.credits.models import Account, Entry
from kith.help import selectors, services
from kith.help.models import HelpCategory, HelpRequest, Visit
from kith.help.selectors import dashboard_for, member_contact_for_helper
from kith.helpers.models import HelperProfile
from kith.matching.selectors import shortlist_for
from kith.members.models import Membership
from kith.places.models import Locality
from kith.site.demo import DEMO_SLUG, demo_load

CONTACT_WINDOW = timedelta(hours=24)


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo, db):
    class Demo:
        locality = Locality.objects.get(slug=DEMO_SLUG)
        joan = User.objects.get(email="member@riverside.example")
        grace = User.objects.get(email="supporter@riverside.example")
        sam = User.objects.get(email="helper@riverside.example")
        priya = User.objects.get(email="coordinator@riverside.example")
        membership = Membership.objects.get(person__email="member@riverside.example")
        helper = HelperProfile.objects.get(user__email="helper@riverside.example")

    return Demo


def _coming(membership):
    return list(
        Visit.objects.filter(
            request__membership=membership,
            status=Visit.Status.CONFIRMED,
            starts_at__gt=timezone.now(),
        ).select_related("helper__user", "request__category")
    )


def test_the_member_has_a_confirmed_visit_tomorrow_and_one_next_week(client, demo):
    today = timezone.localdate()
    coming = selectors.coming_visits_for_member(
        actor=demo.joan, membership=demo.membership
    )
    days = {timezone.localtime(v.starts_at).date() - today: v for v in coming}
    assert timedelta(days=1) in days, days
    assert any(timedelta(days=2) <= day <= timedelta(days=8) for day in days), days
    tomorrow = days[timedelta(days=1)]
    assert tomorrow.helper == demo.helper

    # Her help page says who is coming, with a link to each visit.
    client.force_login(demo.joan)
    page = client.get(reverse("help:home")).content.decode()
    for visit in coming:
        assert reverse("help:request", args=[visit.request_id]) in page
        assert visit.helper.user.display_name in page


def test_the_helper_has_an_offer_to_answer_and_sees_the_address_of_a_visit_soon(
    client, demo
):
    client.force_login(demo.sam)
    page = client.get(reverse("help:my_visits")).content.decode()
    offers = Visit.objects.filter(helper=demo.helper, status=Visit.Status.OFFERED)
    assert offers.exists()
    offers_section = page.split("Offers waiting for your answer")[1].split(
        "Coming visits"
    )[0]
    for offer in offers:
        assert reverse("help:visit", args=[offer.pk]) in offers_section
    # The offer can be answered: the accept page shows the member's times.
    offer = offers.first()
    assert client.get(reverse("help:visit_accept", args=[offer.pk])).status_code == 200

    now = timezone.now()
    soon = [
        v
        for v in Visit.objects.filter(helper=demo.helper, status=Visit.Status.CONFIRMED)
        if v.starts_at - CONTACT_WINDOW <= now <= v.starts_at + CONTACT_WINDOW
    ]
    assert soon, "no confirmed visit within the address window"
    visit = soon[0]
    contact = member_contact_for_helper(actor=demo.sam, visit=visit)
    assert contact is not None
    page = client.get(reverse("help:visit", args=[visit.pk])).content.decode()
    assert visit.request.membership.person.address_line_1 in page
    # A visit further off does not show the address.
    later = (
        Visit.objects.filter(
            helper=demo.helper,
            status=Visit.Status.CONFIRMED,
            starts_at__gt=now + CONTACT_WINDOW,
        )
        .exclude(request__membership__person__address_line_1=contact.address_lines[0])
        .first()
    )
    if later is not None:
        page = client.get(reverse("help:visit", args=[later.pk])).content.decode()
        assert later.request.membership.person.address_line_1 not in page


def test_the_supporter_sees_the_members_coming_visits(client, demo):
    coming = _coming(demo.membership)
    assert len(coming) >= 2
    seen = selectors.coming_visits_for_member(
        actor=demo.grace, membership=demo.membership
    )
    assert {v.pk for v in seen} == {v.pk for v in coming}
    client.force_login(demo.grace)
    page = client.get(reverse("help:home")).content.decode()
    assert demo.joan.full_name in page
    for visit in coming:
        assert reverse("help:request", args=[visit.request_id]) in page


def test_the_dashboard_shows_a_realistic_day(client, demo):
    board = dashboard_for(actor=demo.priya, locality=demo.locality)
    assert 2 <= board["open"].count <= 8
    assert board["offered"].count >= 2
    assert board["to_confirm"].count
    assert board["unsettled"].count == 0
    assert board["low_credit"].count == 0
    client.force_login(demo.priya)
    page = client.get(reverse("help:dashboard")).content.decode()
    assert "not settled" not in page
    # Every past visit was settled through the ledger.
    assert not Visit.objects.filter(status=Visit.Status.DONE).exists()
    assert Visit.objects.filter(status=Visit.Status.SETTLED).count() >= 30


def test_the_demo_ledger_balances_and_no_account_is_below_its_limit(demo):
    assert Entry.objects.aggregate(total=Sum("minutes"))["total"] == 0
    for account in Account.objects.filter(locality=demo.locality):
        total = account.entries.aggregate(total=Sum("minutes"))["total"] or 0
        assert account.balance_minutes == total, account
        if account.floor_minutes is not None:
            assert account.balance_minutes >= account.floor_minutes, account
    assert not Account.objects.filter(
        locality=demo.locality, kind__in=["member", "helper"], balance_minutes__lt=0
    ).exists()


def test_every_kind_of_help_finds_a_helper_on_every_day_next_week(demo):
    """A request by the demo member for any kind of help, on any day next
    week (9am to 5pm, the usual length), has a helper meeting every rule of
    the matching shortlist, hard and soft."""
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    missing = []
    for category in HelpCategory.objects.filter(locality=demo.locality):
        for offset in range(7):
            day = monday + timedelta(days=offset)
            request = services.request_create(
                actor=demo.joan,
                membership=demo.membership,
                category=category,
                details="Anything",
                minutes=category.usual_minutes,
                windows=[
                    services.Window(
                        timezone.make_aware(datetime.combine(day, time(9))),
                        timezone.make_aware(datetime.combine(day, time(17))),
                    )
                ],
            )
            shortlist = shortlist_for(actor=demo.priya, request=request)
            # A suggestion meets every rule of the shortlist; the help part
            # must also let it be offered (vetting on the day, skills).
            offerable = [
                entry.helper
                for entry in shortlist.suggestions
                if services.helper_unsuitable_reason(
                    helper=entry.helper, request=request
                )
                is None
            ]
            if not offerable:
                missing.append((category.name, f"{day:%A}", shortlist.cannot_place))
            HelpRequest.objects.filter(pk=request.pk).delete()
    assert missing == []


def test_the_readme_promises_hold_for_the_member_and_the_helper(client, demo):
    from kith.social.models import Introduction
    from kith.social.selectors import introductions_for_member

    # The member: a visit to rate and an introduction to answer.
    past = Visit.objects.filter(
        request__membership=demo.membership, status=Visit.Status.SETTLED
    ).first()
    assert past is not None
    client.force_login(demo.joan)
    feedback = client.get(reverse("help:visit_feedback", args=[past.pk]))
    assert feedback.status_code == 200
    asked = [
        view
        for view in introductions_for_member(
            actor=demo.joan, membership=demo.membership
        )
        if view.introduction.status == Introduction.Status.ASKED
    ]
    assert asked

    # The helper: yesterday's visit to record as done, then settled.
    visit = Visit.objects.get(
        helper=demo.helper,
        status=Visit.Status.CONFIRMED,
        starts_at__lt=timezone.now(),
    )
    client.force_login(demo.sam)
    assert client.get(reverse("help:visit_done", args=[visit.pk])).status_code == 200
    done = services.visit_done(
        actor=demo.sam, visit=visit, actual_minutes=visit.minutes + 15
    )
    done.refresh_from_db()
    assert done.status == Visit.Status.SETTLED
