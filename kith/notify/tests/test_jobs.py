"""The outbox's scheduled jobs: each queues everything once, however often
it runs."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kith.core.errors import ApplicationError
from kith.help import jobs
from kith.help.tests.conftest import circle  # noqa: F401 - a fixture
from kith.help.tests.test_services import arranged, ask
from kith.notify import services
from kith.notify.models import Call, Channel, Message
from kith.social import jobs as social_jobs


def test_visit_reminders_go_to_both_sides_the_day_before_once(circle):  # noqa: F811
    visit = arranged(circle)
    assert jobs.visit_reminders_queue() == 2
    assert jobs.visit_reminders_queue() == 0
    reminders = Message.objects.filter(template="visit_reminder")
    assert {m.recipient for m in reminders} == {
        circle.membership.person,
        circle.helper_profile.user,
    }
    member_reminder = reminders.get(recipient=circle.membership.person)
    assert member_reminder.channel == Channel.PHONE  # Joan prefers the phone
    assert member_reminder.personalisation["other_name"] == "Sam Helper"
    # Nothing for a visit two days away.
    assert (
        jobs.visit_reminders_queue(today=timezone.localdate() - timedelta(days=1)) == 0
    )
    assert visit.status == "confirmed"


def test_a_job_that_stopped_half_way_finishes_the_rest_when_run_again(
    circle,  # noqa: F811
):
    arranged(circle)
    jobs.visit_reminders_queue()
    # As if it had stopped after the member's reminder: the helper's is missing.
    Message.objects.filter(
        template="visit_reminder", recipient=circle.helper_profile.user
    ).delete()
    assert jobs.visit_reminders_queue() == 1
    assert Message.objects.filter(template="visit_reminder").count() == 2


def test_the_call_list_has_messages_visits_to_confirm_and_failures(circle):  # noqa: F811
    from kith.help import services as help_services

    arranged(circle)  # queues "visit confirmed" by phone for Joan
    request = ask(circle)
    visit = help_services.visit_offer(
        actor=circle.coordinator, request=request, helper=circle.helper_profile
    )
    help_services.visit_accept(
        actor=circle.helper_profile.user,
        visit=visit,
        starts_at=request.windows.first().starts_at + timedelta(hours=1),
    )
    failed = Message.objects.create(
        to="07700900999",
        channel="sms",
        template="welcome",
        recipient=circle.helper_profile.user,
        locality=circle.locality,
        status="failed",
        failed_at=timezone.now(),
        last_error="400 phone_number Not a UK mobile number",
        personalisation={
            "name": "Sam",
            "locality_name": "T",
            "locality_phone": "1",
            "what_next": "",
        },
    )
    added = jobs.call_list_prepare()
    assert jobs.call_list_prepare() == 0
    reasons = sorted(Call.objects.values_list("reason", flat=True))
    assert added == len(reasons)
    assert "visit_to_confirm" in reasons and "failed_message" in reasons
    assert "message" in reasons
    failure = Call.objects.get(reason="failed_message")
    assert failure.message == failed and "Not a UK mobile" in failure.summary


def test_recording_a_call_passes_the_message_on(circle):  # noqa: F811
    arranged(circle)
    jobs.call_list_prepare()
    call = Call.objects.filter(reason="message").first()
    with pytest.raises(PermissionDenied):
        services.call_record(
            actor=circle.helper_profile.user, call=call, outcome="spoke"
        )
    with pytest.raises(ApplicationError):
        services.call_record(actor=circle.coordinator, call=call, outcome="shouted")
    services.call_record(actor=circle.coordinator, call=call, outcome="no_answer")
    call.refresh_from_db()
    assert not call.done and call.message.status == "queued"
    services.call_record(
        actor=circle.coordinator, call=call, outcome="spoke", note="All fine"
    )
    call.refresh_from_db()
    assert call.done and call.called_by == circle.coordinator
    assert call.message.status == "delivered"
    # Passed on: it does not come back on the list.
    assert jobs.call_list_prepare() == 0


def test_a_low_balance_is_told_once_a_week(circle):  # noqa: F811
    arranged(circle)
    assert jobs.low_credit_reminders_queue() == 1
    assert jobs.low_credit_reminders_queue() == 0
    message = Message.objects.get(template="low_credit_balance")
    assert message.recipient == circle.membership.person
    next_week = timezone.localdate() + timedelta(days=7)
    assert jobs.low_credit_reminders_queue(today=next_week) == 1


def test_members_who_prefer_letters_get_one_letter_a_month(circle):  # noqa: F811
    person = circle.membership.person
    person.contact_by = "letter"
    person.postcode = "SE17 2AA"
    person.save()
    arranged(circle)
    assert social_jobs.monthly_letters_queue() == 1
    assert social_jobs.monthly_letters_queue() == 0
    letter = Message.objects.get(template="monthly_letter")
    assert letter.channel == Channel.LETTER and letter.to.endswith("SE17 2AA")
    assert (
        "Sam Helper" in letter.personalisation["visits"]
        or (
            # the visit is tomorrow: next month when run on the last day
            letter.personalisation["visits"]
        )
    )
    next_month = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(
        day=1
    )
    assert social_jobs.monthly_letters_queue(today=next_month) == 1
