"""Pages of the social part: who may see and do what, and what they see."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from kith.social import services
from kith.social.models import Activity, Introduction, Occurrence, SignUp
from kith.social.tests import factories


def query_count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
    return len(captured)


# --- the calendar ---------------------------------------------------------------


def test_anyone_sees_this_week_and_next_with_filters(client, testford):
    soon = timezone.localdate() + timedelta(days=1)
    hall = factories.venue(testford, "St Mary's Hall", hearing_loop=True)
    pub = factories.venue(testford, "The Crown", hearing_loop=False, step_free=False)
    factories.activity(testford, title="Coffee morning", starts_on=soon, where=hall)
    factories.activity(testford, title="Quiz night", starts_on=soon, where=pub)
    factories.activity(
        testford, title="Far away", starts_on=soon + timedelta(days=20), where=hall
    )
    page = client.get(reverse("social:calendar")).content.decode()
    assert "Coffee morning" in page and "Quiz night" in page
    assert "Far away" not in page and "10 places left" in page
    page = client.get(
        reverse("social:calendar"), {"access": ["hearing_loop"]}
    ).content.decode()
    assert "Coffee morning" in page and "Quiz night" not in page
    partial = client.get(
        reverse("social:calendar"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Coffee morning" in partial and "<html" not in partial


def test_the_calendar_runs_the_same_queries_for_few_or_many(
    client, testford, joan, pat, django_assert_num_queries
):
    client.force_login(joan.person)
    soon = timezone.localdate() + timedelta(days=1)
    factories.activity(testford, starts_on=soon)
    url = reverse("social:calendar")
    query_count(client, url)
    few = query_count(client, url)
    for n in range(6):
        made = factories.activity(
            testford, title=f"Walk {n}", starts_on=soon, repeat="weekly", repeat_count=2
        )
        services.sign_up_create(
            actor=pat.person, occurrence=made.occurrences.first(), membership=pat
        )
    with django_assert_num_queries(few):
        assert "Walk 5" in client.get(url).content.decode()


def test_a_member_signs_up_and_cannot_sign_up_twice(client, testford, joan):
    occurrence = factories.activity(testford, places=1).occurrences.get()
    client.force_login(joan.person)
    page = client.get(
        reverse("social:occurrence", args=[occurrence.pk])
    ).content.decode()
    assert "Sign up" in page and "Step-free access" in page
    response = client.post(
        reverse("social:sign_up", args=[occurrence.pk]), {"membership": joan.pk}
    )
    made = SignUp.objects.get()
    assert response["Location"] == reverse("social:place", args=[made.pk])
    assert "You have a place" in client.get(response["Location"]).content.decode()
    page = client.post(
        reverse("social:sign_up", args=[occurrence.pk]), {"membership": joan.pk}
    ).content.decode()
    assert "already has a place. Nothing has changed." in page
    assert "govuk-error-summary" in page
    assert SignUp.objects.count() == 1


def test_a_full_date_offers_the_waiting_list(client, testford, joan, pat):
    occurrence = factories.activity(testford, places=1).occurrences.get()
    services.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)
    client.force_login(pat.person)
    page = client.get(reverse("social:sign_up", args=[occurrence.pk])).content.decode()
    assert "Join the waiting list" in page
    response = client.post(
        reverse("social:sign_up", args=[occurrence.pk]),
        {"membership": pat.pk, "waiting_list": "yes"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Number 1 on the waiting list" in page


def test_people_who_are_not_members_cannot_sign_up(client, testford):
    occurrence = factories.activity(testford).occurrences.get()
    client.force_login(testford.helper)
    response = client.get(reverse("social:sign_up", args=[occurrence.pk]))
    assert response.status_code == 403
    assert "Only members can sign up" in response.content.decode()


def test_only_the_host_and_coordinators_see_who_is_coming(client, testford, joan, pat):
    occurrence = factories.activity(testford).occurrences.get()
    services.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)
    url = reverse("social:occurrence", args=[occurrence.pk])
    client.force_login(pat.person)
    assert "Joan Walker" not in client.get(url).content.decode()
    client.force_login(testford.coordinator)
    assert "Joan Walker" in client.get(url).content.decode()
    client.force_login(pat.person)
    response = client.get(reverse("social:attendance", args=[occurrence.pk]))
    assert response.status_code == 403


# --- proposing and approving ---------------------------------------------------


def test_a_member_proposes_an_activity_and_a_coordinator_approves_it(
    client, testford, joan
):
    client.force_login(joan.person)
    response = client.get(reverse("social:propose_start"))
    assert response["Location"] == reverse("social:propose_step", args=["about"])
    day = timezone.localdate() + timedelta(days=5)
    steps = [
        ("about", {"title": "Knit and natter", "description": "Bring wool."}),
        (
            "when",
            {
                "starts_on_day": day.day,
                "starts_on_month": day.month,
                "starts_on_year": day.year,
                "start_time": "14:00",
                "minutes": 120,
                "repeat": "weekly",
                "repeat_count": 4,
            },
        ),
        (
            "where",
            {
                "venue": "new",
                "venue_name": "Joan's church hall",
                "venue_address": "2 Church Lane",
                "features": ["step_free", "seating"],
            },
        ),
        ("places", {"places": 8, "cost": "pounds", "cost_pounds": "1.50"}),
    ]
    for slug, data in steps:
        response = client.post(reverse("social:propose_step", args=[slug]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(reverse("social:propose_check")).content.decode()
    assert "Knit and natter" in page and "Every week" in page
    response = client.post(reverse("social:propose_check"))
    assert response["Location"] == reverse("social:propose_done")
    assert "sent for approval" in client.get(response["Location"]).content.decode()
    client.post(reverse("social:propose_check"))  # a second click adds nothing
    activity = Activity.objects.get()
    assert activity.status == "proposed" and activity.cost_pence == 150
    assert activity.venue.step_free and not activity.venue.hearing_loop
    # Not in the calendar yet, and not for other members to open.
    assert (
        "Knit and natter" not in client.get(reverse("social:calendar")).content.decode()
    )
    assert client.get(reverse("social:review")).status_code == 403

    client.force_login(testford.coordinator)
    page = client.get(reverse("social:review")).content.decode()
    assert "Knit and natter" in page
    client.post(reverse("social:approve", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == "listed" and activity.occurrences.count() == 4


def test_the_question_pages_say_what_is_wrong(client, testford, joan):
    client.force_login(joan.person)
    client.get(reverse("social:propose_start"))
    page = client.post(
        reverse("social:propose_step", args=["when"]),
        {"start_time": "10:00", "minutes": 60, "repeat": "weekly"},
    ).content.decode()
    assert "Enter date" in page and "Enter how many times it happens." in page


@pytest.mark.parametrize("role", ["member", "helper", "supporter", "council_officer"])
def test_only_coordinators_open_the_list_to_approve(client, testford, role):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("social:review")).status_code == 403


def test_cancelling_tells_everyone(client, testford, joan):
    activity = factories.activity(testford)
    services.sign_up_create(
        actor=joan.person, occurrence=activity.occurrences.get(), membership=joan
    )
    client.force_login(joan.person)
    assert client.get(reverse("social:cancel", args=[activity.pk])).status_code == 403
    client.force_login(testford.coordinator)
    page = client.post(
        reverse("social:cancel", args=[activity.pk]), {}
    ).content.decode()
    assert "Say why." in page
    response = client.post(
        reverse("social:cancel", args=[activity.pk]), {"reason": "The hall flooded."}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "cancelled"


# --- introductions --------------------------------------------------------------


def test_coordinators_find_and_read_suggestions(client, testford, joan, pat):
    client.force_login(testford.coordinator)
    client.post(reverse("social:introductions"))
    page = client.get(reverse("social:introductions")).content.decode()
    assert "Joan Walker" in page and "Both enjoy birdwatching." in page


def test_suggestions_list_runs_the_same_queries_for_few_or_many(
    client, testford, joan, pat, django_assert_num_queries
):
    client.force_login(testford.coordinator)
    services.introductions_suggest(actor=None, locality=testford.locality)
    url = reverse("social:introductions")
    query_count(client, url)
    few = query_count(client, url)
    for n in range(8):
        factories.member(
            testford.locality, f"Bird Lover {n}", interests=["Birdwatching"]
        )
    services.introductions_suggest(actor=None, locality=testford.locality)
    assert Introduction.objects.count() > 5
    with django_assert_num_queries(few):
        client.get(url)


@pytest.mark.parametrize("role", ["member", "helper", "supporter", "council_officer"])
def test_only_coordinators_see_suggestions(client, testford, role):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("social:introductions")).status_code == 403


def test_another_localitys_coordinator_cannot_open_an_introduction(
    client, testford, elsewhere, joan, pat
):
    services.introductions_suggest(actor=None, locality=testford.locality)
    introduction = Introduction.objects.get()
    client.force_login(elsewhere.coordinator)
    url = reverse("social:introduction", args=[introduction.pk])
    assert client.get(url).status_code == 404


def test_both_members_say_yes_and_only_then_see_each_other(client, testford, joan, pat):
    client.force_login(testford.coordinator)
    services.introductions_suggest(actor=None, locality=testford.locality)
    introduction = Introduction.objects.get()
    client.post(
        reverse("social:introduction", args=[introduction.pk]),
        {"action": "ask", "share_how": "contact"},
    )
    url = reverse("social:my_introduction", args=[introduction.pk])
    client.force_login(joan.person)
    page = client.get(url).content.decode()
    assert "Would you like to meet another member?" in page
    assert "Pat" not in page and "pat@example.com" not in page
    client.post(url, {"answer": "yes"})
    client.force_login(pat.person)
    assert "Joan" not in client.get(url).content.decode()
    client.post(url, {"answer": "yes"})
    page = client.get(url).content.decode()
    assert "Meet Joan" in page and "07700900111" in page
    client.force_login(testford.member)
    assert client.get(url).status_code == 403


# --- feeds ----------------------------------------------------------------------------


def _activity_across_the_clock_change(testford):
    """A weekly coffee morning at 10am over the October 2027 clock change
    (made directly: services rightly refuse dates more than 6 months ahead)."""
    activity = Activity.objects.create(
        locality=testford.locality,
        title="Coffee morning",
        description="Tea and cake.",
        venue=factories.venue(testford),
        host=testford.coordinator,
        host_kind="coordinator",
        proposed_by=testford.coordinator,
        status="listed",
        starts_on=date(2027, 10, 26),
        start_time=time(10, 0),
        minutes=120,
        repeat="weekly",
        repeat_count=2,
        places=10,
    )
    for start in services.occurrence_starts(activity):
        Occurrence.objects.create(
            activity=activity, starts_at=start, ends_at=start + timedelta(hours=2)
        )
    return activity


def test_the_public_feed_keeps_10am_at_10am_across_the_october_clock_change(
    client, testford, monkeypatch
):
    _activity_across_the_clock_change(testford)
    from kith.social import selectors

    monkeypatch.setattr(
        selectors.timezone,
        "now",
        lambda: timezone.make_aware(timezone.datetime(2027, 10, 20, 12)),
    )
    response = client.get(reverse("social:public_feed"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    events = calendar.walk("VEVENT")
    starts = [event.decoded("DTSTART") for event in events]
    assert [s.hour for s in starts] == [10, 10]
    assert [str(s.tzinfo) for s in starts] == ["Europe/London", "Europe/London"]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=1), timedelta(0)]
    assert b"DTSTART;TZID=Europe/London:20271026T100000" in response.content
    assert b"DTSTART;TZID=Europe/London:20271102T100000" in response.content
    assert all(event["SUMMARY"] == "Coffee morning" for event in events)


def test_a_private_feed_has_the_persons_activities_and_visits_and_can_be_reset(
    client, testford, joan
):
    occurrence = factories.activity(testford, title="Bingo").occurrences.get()
    factories.activity(testford, title="Not mine")
    services.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)
    client.force_login(joan.person)
    page = client.post(reverse("social:feed_address")).content.decode()
    address = page.split('<code id="feed-address">')[1].split("</code>")[0]
    client.logout()
    response = client.get(address)
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Bingo"]
    client.force_login(joan.person)
    client.post(reverse("social:feed_address"))
    client.logout()
    assert client.get(address).status_code == 404


def test_a_coordinator_on_the_phone_signs_a_member_up(client, testford, joan):
    occurrence = factories.activity(testford).occurrences.get()
    client.force_login(testford.coordinator)
    session = client.session
    session["kith_acting_for"] = joan.person_id
    session.save()
    page = client.get(reverse("social:sign_up", args=[occurrence.pk])).content.decode()
    assert "You are acting for Joan Walker" in page
    response = client.post(
        reverse("social:sign_up", args=[occurrence.pk]), {"membership": joan.pk}
    )
    assert response.status_code == 302
    made = SignUp.objects.get()
    assert made.person == joan.person and made.signed_up_by == testford.coordinator
    from kith.core.models import AuditEvent

    event = AuditEvent.objects.get(action="activity_signed_up")
    assert event.on_behalf_of_id == joan.person_id


def test_a_supporter_chooses_whom_to_sign_up(client, testford, joan):
    from kith.members.models import SupporterLink

    SupporterLink.objects.create(
        membership=joan,
        supporter=testford.supporter,
        name="Sue",
        relationship="daughter",
        status="active",
        consent_how="phone",
    )
    occurrence = factories.activity(testford).occurrences.get()
    client.force_login(testford.supporter)
    page = client.get(reverse("social:sign_up", args=[occurrence.pk])).content.decode()
    assert "Joan Walker" in page
    client.post(
        reverse("social:sign_up", args=[occurrence.pk]), {"membership": joan.pk}
    )
    assert SignUp.objects.get().person == joan.person


def test_the_host_records_who_came_on_the_page(client, testford, joan, pat):
    occurrence = factories.activity(testford).occurrences.get()
    came = services.sign_up_create(
        actor=joan.person, occurrence=occurrence, membership=joan
    )
    services.sign_up_create(actor=pat.person, occurrence=occurrence, membership=pat)
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(testford.coordinator)
    url = reverse("social:attendance", args=[occurrence.pk])
    page = client.get(url).content.decode()
    assert "Joan Walker" in page and "Pat Jones" in page
    client.post(url, {"came": [came.pk]})
    assert dict(SignUp.objects.values_list("person_id", "attended")) == {
        joan.person_id: True,
        pat.person_id: False,
    }


def test_a_first_meeting_is_arranged_and_a_follow_up_answered_on_the_pages(
    client, testford, joan, pat
):
    services.introductions_suggest(actor=None, locality=testford.locality)
    introduction = Introduction.objects.get()
    services.introduction_ask(
        actor=testford.coordinator, introduction=introduction, share_how="meeting"
    )
    client.force_login(testford.coordinator)
    url = reverse("social:introduction", args=[introduction.pk])
    for side in ("first", "second"):
        client.post(url, {"action": f"{side}_yes"})
    day = timezone.localdate() + timedelta(days=3)
    page = client.post(
        url, {"action": "meeting", "at": "11:00", "place": ""}
    ).content.decode()
    assert "Say where they will meet." in page
    client.post(
        url,
        {
            "action": "meeting",
            "day_day": day.day,
            "day_month": day.month,
            "day_year": day.year,
            "at": "11:00",
            "place": "The library café",
            "helper_present": "on",
        },
    )
    introduction.refresh_from_db()
    assert introduction.meeting_place == "The library café"
    assert introduction.helper_present
    client.force_login(joan.person)
    mine = reverse("social:my_introduction", args=[introduction.pk])
    page = client.get(mine).content.decode()
    assert "The library café" in page and "Helper will be there" in page
    client.post(mine, {"met": "yes", "meet_again": "yes"})
    assert introduction.follow_ups.get().met is True
    assert "Thank you for telling us" in client.get(mine).content.decode()


def test_members_set_when_they_are_free(client, testford, joan):
    client.force_login(joan.person)
    url = reverse("social:free_times")
    client.post(url, {"free_times": ["mon_morning", "fri_afternoon"]})
    from kith.social.selectors import free_times_of

    assert free_times_of(joan) == ["mon_morning", "fri_afternoon"]
    client.force_login(testford.helper)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [("council_officer", 200), ("coordinator", 200), ("member", 403), ("helper", 403)],
)
def test_the_councils_figures_page(client, testford, role, status):
    client.force_login(testford.by_role(role))
    response = client.get(reverse("social:figures"))
    assert response.status_code == status
    if status == 200:
        assert "Connections" in response.content.decode()


def test_the_list_to_approve_runs_the_same_queries_for_few_or_many(
    client, testford, joan, django_assert_num_queries
):
    factories.activity(testford, actor=joan.person, title="First")
    client.force_login(testford.coordinator)
    url = reverse("social:review")
    query_count(client, url)
    few = query_count(client, url)
    hall = factories.venue(testford, "Another Hall")
    for n in range(6):
        factories.activity(testford, actor=joan.person, title=f"Idea {n}", where=hall)
    with django_assert_num_queries(few):
        assert "Idea 5" in client.get(url).content.decode()


def test_who_is_coming_runs_the_same_queries_for_few_or_many(
    client, testford, joan, django_assert_num_queries
):
    occurrence = factories.activity(testford, places=50).occurrences.get()
    services.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)
    client.force_login(testford.coordinator)
    url = reverse("social:occurrence", args=[occurrence.pk])
    query_count(client, url)
    few = query_count(client, url)
    for n in range(8):
        member = factories.member(testford.locality, f"Guest {n}", interests=["Cards"])
        services.sign_up_create(
            actor=member.person,
            occurrence=occurrence,
            membership=member,
            needs_lift=False,
        )
    with django_assert_num_queries(few):
        assert "Guest 7" in client.get(url).content.decode()
