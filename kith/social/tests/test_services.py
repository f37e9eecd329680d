"""The social part's services: introductions with double opt-in, follow-ups,
activities, places and the waiting list, lifts, reminders and feeds."""

from datetime import UTC, date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kith.core.errors import ApplicationError
from kith.notify.models import Message
from kith.social import selectors, services
from kith.social.models import Activity, Introduction, Occurrence, SignUp
from kith.social.tests import factories


def messages_to(person, template=None):
    found = Message.objects.filter(recipient=person)
    if template:
        found = found.filter(template=template)
    return list(found)


# --- introductions ------------------------------------------------------------


def test_only_members_who_consented_are_suggested_and_each_pair_once(
    testford, joan, pat
):
    refuser = factories.member(
        testford.locality, "Rita Refuser", interests=["Birdwatching"], consents=False
    )
    added = services.introductions_suggest(
        actor=testford.coordinator, locality=testford.locality
    )
    assert added == 1
    (suggestion,) = Introduction.objects.all()
    assert {suggestion.first_id, suggestion.second_id} == {joan.pk, pat.pk}
    assert refuser.pk not in (suggestion.first_id, suggestion.second_id)
    texts = [r["text"] for r in suggestion.reasons]
    assert "Both enjoy birdwatching." in texts
    assert "Both are usually free on Tuesday morning." in texts
    assert any(t.startswith("They live ") for t in texts)
    # Running again adds nothing.
    assert (
        services.introductions_suggest(
            actor=testford.coordinator, locality=testford.locality
        )
        == 0
    )


@pytest.mark.parametrize("role", ["member", "helper", "supporter", "council_officer"])
def test_only_coordinators_find_suggestions(testford, role):
    with pytest.raises(PermissionDenied):
        services.introductions_suggest(
            actor=testford.by_role(role), locality=testford.locality
        )


def _asked(testford, share_how="contact"):
    services.introductions_suggest(actor=None, locality=testford.locality)
    introduction = Introduction.objects.get()
    return services.introduction_ask(
        actor=testford.coordinator, introduction=introduction, share_how=share_how
    )


def test_double_opt_in_shares_first_names_and_contact_only_when_both_say_yes(
    testford, joan, pat
):
    introduction = _asked(testford)
    (asked,) = messages_to(joan.person, "introduction_asked")
    assert "Pat" not in str(asked.personalisation)
    assert "Both enjoy birdwatching." in asked.personalisation["why"]
    assert asked.channel == "sms"
    assert messages_to(pat.person, "introduction_asked")[0].channel == "email"

    services.introduction_answer(
        actor=joan.person, introduction=introduction, membership=joan, answer="yes"
    )
    view = selectors.introduction_get_for_member(
        actor=joan.person, membership=joan, pk=introduction.pk
    )
    assert view.other_name == "" and view.other_contact == {}
    assert messages_to(joan.person, "introduction_agreed") == []

    # Pat tells a coordinator on the phone.
    introduction = services.introduction_answer(
        actor=testford.coordinator,
        introduction=introduction,
        membership=pat,
        answer="yes",
    )
    assert introduction.status == Introduction.Status.AGREED
    (to_joan,) = messages_to(joan.person, "introduction_agreed")
    assert to_joan.personalisation["other_name"] == "Pat"
    assert "pat@example.com" in to_joan.personalisation["other_contact"]
    (to_pat,) = messages_to(pat.person, "introduction_agreed")
    assert to_pat.personalisation["other_name"] == "Joan"
    assert "07700900111" in to_pat.personalisation["other_contact"]
    view = selectors.introduction_get_for_member(
        actor=joan.person, membership=joan, pk=introduction.pk
    )
    assert view.other_name == "Pat" and view.other_contact["email"] == "pat@example.com"


def test_a_no_closes_it_and_the_other_is_never_told_who_or_why(testford, joan, pat):
    introduction = _asked(testford)
    services.introduction_answer(
        actor=joan.person, introduction=introduction, membership=joan, answer="yes"
    )
    services.introduction_answer(
        actor=pat.person, introduction=introduction, membership=pat, answer="no"
    )
    view = selectors.introduction_get_for_member(
        actor=joan.person, membership=joan, pk=introduction.pk
    )
    assert view.status == Introduction.Status.CLOSED
    assert view.other_name == "" and view.other_contact == {}
    assert [m.template for m in messages_to(joan.person)] == ["introduction_asked"]
    with pytest.raises(ApplicationError, match="not going ahead"):
        services.introduction_answer(
            actor=joan.person, introduction=introduction, membership=joan, answer="yes"
        )


def test_either_can_stop_at_any_time_and_nobody_else_may(testford, joan, pat):
    introduction = _asked(testford)
    with pytest.raises(PermissionDenied):
        services.introduction_answer(
            actor=pat.person, introduction=introduction, membership=joan, answer="no"
        )
    with pytest.raises(PermissionDenied):
        services.introduction_stop(actor=testford.member, introduction=introduction)
    services.introduction_answer(
        actor=joan.person, introduction=introduction, membership=joan, answer="yes"
    )
    services.introduction_answer(
        actor=pat.person, introduction=introduction, membership=pat, answer="yes"
    )
    stopped = services.introduction_stop(
        actor=pat.person, introduction=introduction, membership=pat, reason="moving"
    )
    assert stopped.status == Introduction.Status.CLOSED
    view = selectors.introduction_get_for_member(
        actor=joan.person, membership=joan, pk=introduction.pk
    )
    assert view.other_name == "" and view.other_contact == {}


def test_asking_checks_consent_again(testford, joan, pat):
    from tests.factories import ConsentFactory

    services.introductions_suggest(actor=None, locality=testford.locality)
    # A "no" recorded some other way than through the members' service.
    ConsentFactory(membership=pat, kind="introductions", given=False, how="phone")
    with pytest.raises(ApplicationError, match="no longer"):
        services.introduction_ask(
            actor=testford.coordinator,
            introduction=Introduction.objects.get(),
            share_how="contact",
        )


def test_withdrawing_consent_closes_introductions_not_yet_agreed(testford, joan, pat):
    from kith.members.services import consent_record

    asked = _asked(testford)
    consent_record(
        actor=testford.coordinator,
        membership=pat,
        kind="introductions",
        given=False,
        how="phone",
    )
    asked.refresh_from_db()
    assert asked.status == Introduction.Status.CLOSED
    assert asked.closed_reason == "A member no longer agrees to be introduced."
    # Joan sees only that it is not going ahead, never why.
    (mine,) = selectors.introductions_for_member(actor=joan.person, membership=joan)
    assert mine.status == Introduction.Status.CLOSED
    assert "agree" not in " ".join(mine.reasons)
    with pytest.raises(ApplicationError, match="not going ahead"):
        services.introduction_answer(
            actor=joan.person, introduction=asked, membership=joan, answer="yes"
        )


def test_a_first_meeting_with_a_helper_there(testford, joan, pat):
    introduction = _asked(testford, share_how="meeting")
    for membership in (joan, pat):
        introduction = services.introduction_answer(
            actor=membership.person,
            introduction=introduction,
            membership=membership,
            answer="yes",
        )
    assert messages_to(joan.person, "introduction_agreed") == []
    assert messages_to(joan.person, "introduction_meeting_to_arrange")
    when = timezone.now() + timedelta(days=4)
    services.introduction_meeting_arrange(
        actor=testford.coordinator,
        introduction=introduction,
        meeting_at=when,
        place="The Lido café",
        helper_present=True,
    )
    (meeting,) = messages_to(pat.person, "introduction_meeting")
    assert meeting.personalisation["other_name"] == "Joan"
    assert "Helper will be there" in meeting.personalisation["helper_text"]


def test_follow_up_is_asked_once_and_counted_as_a_connection(testford, joan, pat):
    introduction = _asked(testford)
    for membership in (joan, pat):
        services.introduction_answer(
            actor=membership.person,
            introduction=introduction,
            membership=membership,
            answer="yes",
        )
    assert services.introduction_follow_ups_queue() == 0
    later = timezone.now() + timedelta(weeks=3, hours=1)
    assert services.introduction_follow_ups_queue(now=later) == 1
    assert services.introduction_follow_ups_queue(now=later) == 0
    assert len(messages_to(joan.person, "introduction_follow_up")) == 1
    services.follow_up_record(
        actor=joan.person,
        introduction=introduction,
        membership=joan,
        met=True,
        meet_again="yes",
    )
    today = timezone.localdate()
    assert (
        selectors.connections_count(
            actor=testford.council_officer,
            locality=testford.locality,
            since=today - timedelta(days=7),
            until=today,
        )
        == 1
    )
    with pytest.raises(PermissionDenied):
        selectors.connections_count(
            actor=testford.member, locality=testford.locality, since=today, until=today
        )


# --- activities -----------------------------------------------------------------


def test_a_member_hosted_activity_waits_for_a_coordinator(testford, joan):
    from kith.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.get_or_create(
        user=joan.person, locality=testford.locality, role=Role.MEMBER
    )
    activity = factories.activity(testford, actor=joan.person, title="Knit and natter")
    assert activity.status == Activity.Status.PROPOSED
    assert activity.host_kind == Activity.HostKind.MEMBER
    assert not Occurrence.objects.filter(activity=activity).exists()
    with pytest.raises(PermissionDenied):
        services.activity_approve(actor=joan.person, activity=activity)
    services.activity_approve(actor=testford.coordinator, activity=activity)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.LISTED
    assert activity.occurrences.count() == 1
    assert messages_to(joan.person, "activity_approved")


def test_a_weekly_activity_keeps_its_local_time_across_the_clock_change():
    # The clocks go back on Sunday 31 October 2027.
    activity = Activity(
        starts_on=date(2027, 10, 19),
        start_time=time(10, 0),
        repeat="weekly",
        repeat_count=4,
        minutes=60,
    )
    starts = services.occurrence_starts(activity)
    assert [timezone.localtime(s).hour for s in starts] == [10, 10, 10, 10]
    # 10am is 9:00 UTC in summer time and 10:00 UTC after the clocks go back.
    assert [s.astimezone(UTC).hour for s in starts] == [9, 9, 10, 10]


def test_a_coordinators_activity_is_listed_at_once(testford):
    activity = factories.activity(testford, repeat="weekly", repeat_count=4)
    assert activity.status == Activity.Status.LISTED
    assert activity.host_kind == Activity.HostKind.COORDINATOR
    assert activity.occurrences.count() == 4


def test_signing_up_twice_or_past_the_limit_changes_nothing_and_says_why(
    testford, joan, pat
):
    occurrence = factories.activity(testford, places=1).occurrences.get()
    services.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)
    with pytest.raises(ApplicationError, match="already has a place"):
        services.sign_up_create(
            actor=joan.person, occurrence=occurrence, membership=joan
        )
    with pytest.raises(services.Full, match="All 1 places are taken"):
        services.sign_up_create(actor=pat.person, occurrence=occurrence, membership=pat)
    assert SignUp.objects.count() == 1
    waiting = services.sign_up_create(
        actor=pat.person, occurrence=occurrence, membership=pat, waiting_list=True
    )
    assert waiting.status == SignUp.Status.WAITING
    with pytest.raises(ApplicationError, match="already on the waiting list"):
        services.sign_up_create(
            actor=pat.person, occurrence=occurrence, membership=pat, waiting_list=True
        )


def test_when_someone_drops_out_the_first_waiting_gets_the_place_and_is_told(
    testford, joan, pat
):
    third = factories.member(testford.locality, "Sid Third", interests=["Cards"])
    occurrence = factories.activity(testford, places=1).occurrences.get()
    booked = services.sign_up_create(
        actor=joan.person, occurrence=occurrence, membership=joan
    )
    services.sign_up_create(
        actor=pat.person, occurrence=occurrence, membership=pat, waiting_list=True
    )
    services.sign_up_create(
        actor=third.person, occurrence=occurrence, membership=third, waiting_list=True
    )
    services.sign_up_cancel(actor=joan.person, sign_up=booked)
    statuses = dict(SignUp.objects.values_list("person_id", "status"))
    assert statuses == {
        joan.person_id: "cancelled",
        pat.person_id: "booked",
        third.person_id: "waiting",
    }
    (told,) = messages_to(pat.person, "activity_place_offered")
    assert told.personalisation["title"] == "Coffee morning"
    assert messages_to(third.person) == []
    with pytest.raises(ApplicationError, match="already given up"):
        services.sign_up_cancel(actor=joan.person, sign_up=booked)


def test_coordinators_and_supporters_sign_members_up_but_others_may_not(testford, joan):
    from kith.members.models import SupporterLink

    occurrence = factories.activity(testford).occurrences.get()
    with pytest.raises(PermissionDenied):
        services.sign_up_create(
            actor=testford.helper, occurrence=occurrence, membership=joan
        )
    SupporterLink.objects.create(
        membership=joan,
        supporter=testford.supporter,
        name="Sue",
        relationship="daughter",
        status="active",
        consent_how="phone",
    )
    made = services.sign_up_create(
        actor=testford.supporter, occurrence=occurrence, membership=joan
    )
    assert made.signed_up_by == testford.supporter
    assert messages_to(joan.person, "activity_booked")


def test_i_need_a_lift_asks_the_help_part_for_one(testford, joan):
    from kith.help.models import HelpRequest
    from kith.help.services import categories_create_defaults

    categories_create_defaults(locality=testford.locality)
    occurrence = factories.activity(testford).occurrences.get()
    made = services.sign_up_create(
        actor=joan.person, occurrence=occurrence, membership=joan, needs_lift=True
    )
    request = HelpRequest.objects.get()
    assert made.lift_request == request
    assert request.membership == joan
    assert request.category.name == "Lifts and appointments"
    assert "Coffee morning" in request.details
    services.sign_up_cancel(actor=joan.person, sign_up=made)
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.CANCELLED


def test_cancelling_an_activity_tells_everyone_signed_up_once(testford, joan, pat):
    activity = factories.activity(testford, places=1, repeat="weekly", repeat_count=3)
    first, second, _third = activity.occurrences.all()
    services.sign_up_create(actor=joan.person, occurrence=first, membership=joan)
    services.sign_up_create(actor=joan.person, occurrence=second, membership=joan)
    services.sign_up_create(
        actor=pat.person, occurrence=first, membership=pat, waiting_list=True
    )
    with pytest.raises(PermissionDenied):
        services.activity_cancel(actor=joan.person, activity=activity, reason="x")
    services.activity_cancel(
        actor=testford.coordinator, activity=activity, reason="The hall is closed."
    )
    assert len(messages_to(joan.person, "activity_cancelled")) == 1
    assert len(messages_to(pat.person, "activity_cancelled")) == 1
    assert not SignUp.objects.exclude(status="cancelled").exists()
    assert messages_to(pat.person, "activity_place_offered") == []


def test_the_host_records_who_came(testford, joan, pat):
    occurrence = factories.activity(testford).occurrences.get()
    came = services.sign_up_create(
        actor=joan.person, occurrence=occurrence, membership=joan
    )
    missed = services.sign_up_create(
        actor=pat.person, occurrence=occurrence, membership=pat
    )
    with pytest.raises(ApplicationError, match="once the activity has started"):
        services.attendance_record(
            actor=testford.coordinator, occurrence=occurrence, came={came.pk}
        )
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            actor=joan.person, occurrence=occurrence, came={came.pk}
        )
    services.attendance_record(
        actor=testford.coordinator, occurrence=occurrence, came={came.pk}
    )
    assert dict(SignUp.objects.values_list("pk", "attended")) == {
        came.pk: True,
        missed.pk: False,
    }


def test_reminders_go_the_day_before_once_each(testford, joan):
    tomorrow = timezone.localdate() + timedelta(days=1)
    occurrence = factories.activity(testford, starts_on=tomorrow).occurrences.get()
    services.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)
    assert services.activity_reminders_queue() == 1
    assert services.activity_reminders_queue() == 0
    (reminder,) = messages_to(joan.person, "activity_reminder")
    assert reminder.personalisation["activity"] == "Coffee morning"


def test_a_private_feed_address_can_be_reset(testford, joan):
    token = services.calendar_feed_reset(actor=joan.person, locality=testford.locality)
    assert selectors.feed_for_token(token).person == joan.person
    newer = services.calendar_feed_reset(actor=joan.person, locality=testford.locality)
    assert selectors.feed_for_token(token) is None
    assert selectors.feed_for_token(newer).person == joan.person


def test_free_times_are_the_members_or_a_coordinators_to_set(testford, joan, pat):
    services.free_times_set(
        actor=testford.coordinator, membership=joan, free_times=["mon_morning"]
    )
    assert selectors.free_times_of(joan) == ["mon_morning"]
    with pytest.raises(PermissionDenied):
        services.free_times_set(actor=pat.person, membership=joan, free_times=[])
    with pytest.raises(ApplicationError):
        services.free_times_set(actor=joan.person, membership=joan, free_times=["x"])


def test_suggestions_are_written_whole_and_read_back_the_same(testford, joan, pat):
    before = timezone.now()
    services.introductions_suggest(actor=None, locality=testford.locality)
    suggestion = Introduction.objects.get()
    assert suggestion.status == "suggested" and suggestion.share_how == "contact"
    assert before <= suggestion.created_at <= timezone.now()
    assert suggestion.created_at.tzinfo is not None
    assert isinstance(suggestion.reasons, list) and suggestion.reasons[0]["kind"]
    assert suggestion.first_answer == "" and not suggestion.helper_present


def test_a_member_with_enough_open_suggestions_gets_no_more(testford, joan, pat):
    from kith.social.scoring import Policy

    services.introductions_suggest(
        actor=None, locality=testford.locality, policy=Policy(per_member=1)
    )
    factories.member(testford.locality, "Third Birder", interests=["Birdwatching"])
    added = services.introductions_suggest(
        actor=None, locality=testford.locality, policy=Policy(per_member=1)
    )
    assert added == 0
    services.introduction_stop(
        actor=testford.coordinator, introduction=Introduction.objects.get()
    )
    assert (
        services.introductions_suggest(
            actor=None, locality=testford.locality, policy=Policy(per_member=1)
        )
        == 2
    )


def test_a_lift_that_cannot_be_asked_for_changes_nothing_and_says_why(testford, joan):
    from kith.help.models import HelpRequest
    from kith.help.services import categories_create_defaults

    occurrence = factories.activity(
        testford, starts_on=timezone.localdate() + timedelta(weeks=14)
    ).occurrences.get()
    with pytest.raises(ApplicationError, match="cannot arrange lifts") as no_lifts:
        services.sign_up_create(
            actor=joan.person, occurrence=occurrence, membership=joan, needs_lift=True
        )
    assert no_lifts.value.field == "needs_lift"
    categories_create_defaults(locality=testford.locality)
    with pytest.raises(ApplicationError, match="12 weeks ahead") as too_far:
        services.sign_up_create(
            actor=joan.person, occurrence=occurrence, membership=joan, needs_lift=True
        )
    assert "Sign up without a lift" in too_far.value.message
    assert not SignUp.objects.exists() and not HelpRequest.objects.exists()
    services.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)


def test_a_coordinator_proposes_an_activity_for_a_member_on_the_phone(
    testford, joan, pat
):
    activity = factories.activity(testford, title="Bridge club", host=joan.person)
    assert activity.host == joan.person and activity.host_kind == "member"
    assert activity.status == "listed" and activity.decided_by == testford.coordinator
    assert activity.occurrences.count() == 1
    with pytest.raises(PermissionDenied):
        factories.activity(
            testford, actor=pat.person, title="Not mine", host=joan.person
        )


def test_the_nightly_job_suggests_in_every_locality_once(
    testford, elsewhere, joan, pat
):
    assert services.introductions_suggest_all() == 1
    assert services.introductions_suggest_all() == 0
