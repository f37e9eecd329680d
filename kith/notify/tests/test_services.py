"""The outbox against the local channel and a fake GOV.UK Notify server."""

import json
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from kith.core.models import AuditEvent
from kith.notify import channels, services
from kith.notify.models import Channel, Message

# Real commits: messages are sent when the event's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


def queue(person, template="welcome", locality=None, **values):
    return services.message_queue_for_person(
        person=person,
        template=template,
        personalisation={
            "locality_name": "Testford Circle",
            "locality_phone": "020 7946 0999",
            "what_next": values.pop("what_next", "We will phone you."),
            **values,
        },
        locality=locality,
    )


def at_local(hour, minute=0, days=0):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def after_all_backoff():
    return timezone.now() + timedelta(days=2)


# --- queueing and the local channel ------------------------------------------


def test_a_message_is_written_to_the_outbox_folder_after_commit(make_person, settings):
    from django.db import transaction

    person = make_person(email="joan@example.com", contact_by="email")
    with transaction.atomic():
        message = queue(person)
        assert not list(settings.KITH_OUTBOX_DIR.glob("*.json"))
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 1
    written = json.loads(next(settings.KITH_OUTBOX_DIR.glob("*.json")).read_text())
    assert written["to"] == "joan@example.com"
    assert written["subject"] == "Welcome to Testford Circle"
    assert written["body"].startswith(f"Dear {person.display_name},")


def test_a_rolled_back_event_sends_nothing(make_person, settings):
    from django.db import transaction

    person = make_person(email="joan@example.com", contact_by="email")

    def event_that_fails():
        with transaction.atomic():
            queue(person)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        event_that_fails()
    assert not Message.objects.exists()
    assert not list(settings.KITH_OUTBOX_DIR.glob("*.json"))


def test_messages_queued_together_are_sent_by_one_task(make_person):
    from django.db import connection, transaction

    people = [make_person(email=f"p{n}@example.com") for n in range(5)]
    with transaction.atomic():
        for person in people:
            queue(person, what_next=f"for {person.pk}")
        assert len(connection.run_on_commit) == 1
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_a_key_makes_queueing_idempotent(make_person):
    person = make_person(mobile="07700900001")
    first = services.message_queue_for_person(
        person=person,
        template="visit_reminder",
        personalisation={"when": "x", "category": "y", "other_name": "z"},
        key="visit_reminder:1:1",
    )
    again = services.message_queue_for_person(
        person=person,
        template="visit_reminder",
        personalisation={"when": "changed", "category": "y", "other_name": "z"},
        key="visit_reminder:1:1",
    )
    assert again.pk == first.pk and Message.objects.count() == 1


def test_the_same_message_within_the_window_is_queued_once(make_person, settings):
    person = make_person(email="joan@example.com", contact_by="email")
    first = queue(person)
    assert queue(person).pk == first.pk
    assert queue(person, what_next="Something else.").pk != first.pk
    window = services.rules().dedupe_seconds
    Message.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(seconds=window + 1)
    )
    assert queue(person).pk != first.pk


def test_an_unknown_template_is_a_programming_error(make_person):
    with pytest.raises(KeyError):
        queue(make_person(), template="no_such_template")


def test_channel_follows_preference_then_falls_back(make_person):
    texts = make_person(mobile="07700900002", contact_by="sms")
    emails = make_person(mobile="07700900003", contact_by="email")
    letters = make_person(
        email=None,
        contact_by="email",
        address_line_1="9 Wharf Road",
        town="Testford",
        postcode="SE17 2AA",
    )
    phone = make_person(email=None, contact_by="phone", phone="020 7946 0300")
    nothing = make_person(email=None, contact_by="email")
    assert queue(texts).channel == Channel.SMS
    assert queue(emails).channel == Channel.EMAIL
    letter = queue(letters)
    assert letter.channel == Channel.LETTER and letter.to.endswith("SE17 2AA")
    phoned = queue(phone)
    assert phoned.channel == Channel.PHONE and phoned.status == Message.Status.QUEUED
    assert queue(nothing).channel == Channel.PHONE


# --- quiet hours, rate limits, order -----------------------------------------


def test_texts_wait_for_the_morning_unless_urgent(make_person, settings):
    settings.KITH_NOTIFY_QUIET_FROM_HOUR = 21
    settings.KITH_NOTIFY_QUIET_UNTIL_HOUR = 8
    person = make_person(mobile="07700900004")
    late = at_local(22, 30)
    message = Message.objects.create(
        to=person.mobile,
        channel="sms",
        template="welcome",
        personalisation={
            "name": "J",
            "locality_name": "T",
            "what_next": "",
            "locality_phone": "1",
        },
        recipient=person,
        created_at=late,
        next_attempt_at=late,
    )
    assert services.messages_send(message_ids=[message.pk], now=late) == 0
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert timezone.localtime(message.next_attempt_at).hour == 8
    assert message.next_attempt_at.date() >= late.date()
    Message.objects.filter(pk=message.pk).update(urgent=True, next_attempt_at=late)
    assert services.messages_send(message_ids=[message.pk], now=late) == 1


def test_an_urgent_text_does_not_wait_behind_one_held_for_the_morning(
    make_person, settings
):
    hour = timezone.localtime().hour  # quiet hours now, whenever this runs
    settings.KITH_NOTIFY_QUIET_FROM_HOUR = hour
    settings.KITH_NOTIFY_QUIET_UNTIL_HOUR = (hour + 1) % 24
    person = make_person(mobile="07700900012")
    news = queue(person)
    code = services.message_queue(
        to=person.mobile,
        channel="sms",
        template="sign_in_code",
        personalisation={
            "code": "123456",
            "service_name": "Testford Circle",
            "locality_name": "Testford Circle",
            "locality_phone": "020 7946 0999",
        },
        recipient=person,
        urgent=True,
    )
    news.refresh_from_db()
    code.refresh_from_db()
    assert news.status == "queued" and code.status == "sent"


def test_a_person_gets_no_more_than_the_rate_limit(make_person, settings):
    settings.KITH_NOTIFY_RATE_LIMIT = 3
    person = make_person(email="busy@example.com", contact_by="email")
    messages = [queue(person, what_next=f"news {n}") for n in range(5)]
    statuses = [m.status for m in Message.objects.order_by("pk")]
    assert statuses == ["sent", "sent", "sent", "queued", "queued"]
    later = timezone.now() + timedelta(hours=2)
    assert services.outbox_sweep(now=later) == 2
    assert Message.objects.get(pk=messages[-1].pk).status == "sent"


def test_messages_to_one_person_go_in_order_behind_a_failure(make_person, fake_notify):
    person = make_person(mobile="07700900005")
    fake_notify.fail_next = 1
    first = queue(person, what_next="first")
    second = queue(person, what_next="second")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "queued" and first.attempts == 1
    assert second.status == "queued" and second.attempts == 0  # waits its turn
    services.outbox_sweep(now=after_all_backoff())
    assert [n["personalisation"]["what_next"] for n in fake_notify.notifications] == [
        "first",
        "second",
    ]


# --- GOV.UK Notify -------------------------------------------------------------


def test_notify_gets_the_template_id_personalisation_and_reference(
    make_person, fake_notify, settings
):
    person = make_person(mobile="07700900006")
    message = queue(person)
    message.refresh_from_db()
    sent = fake_notify.notifications[0]
    assert sent["type"] == "sms" and sent["to"] == "07700900006"
    assert sent["template_id"] == settings.NOTIFY_TEMPLATE_IDS["welcome"]["sms"]
    assert sent["reference"] == str(message.reference)
    assert sent["personalisation"]["name"] == person.display_name
    assert message.status == "sent" and message.provider_reference == sent["id"]


@pytest.mark.parametrize("mode", ["down"])
def test_temporary_failures_retry_with_backoff_then_fail_and_alert(
    make_person, fake_notify, settings, mode
):
    settings.KITH_NOTIFY_MAX_ATTEMPTS = 3
    fake_notify.mode = mode
    person = make_person(mobile="07700900007")
    message = queue(person)
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    assert message.last_error.startswith("503" if mode == "down" else "429")
    # Not due yet: the sweep leaves it alone.
    services.outbox_sweep()
    message.refresh_from_db()
    assert message.attempts == 1
    now = timezone.now()
    for _ in range(3):
        now += timedelta(hours=2)
        services.outbox_sweep(now=now)
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 3
    assert AuditEvent.objects.filter(action="message_failed").exists()
    person.refresh_from_db()
    assert person.bad_contact_details == []  # not the number's fault


def test_backoff_grows_and_is_jittered(settings):
    rules = services.rules()
    waits = [services.backoff(n, rules).total_seconds() for n in (1, 2, 3, 4, 5)]
    assert all(rules.backoff_seconds / 2 <= w for w in waits)
    assert max(services.backoff(6, rules).total_seconds() for _ in range(50)) > 60
    assert len({services.backoff(3, rules) for _ in range(10)}) > 1


def test_a_timeout_after_notify_accepted_is_not_sent_twice(make_person, fake_notify):
    fake_notify.mode = "slow"
    fake_notify.delay = 1.0  # the client waits 0.5 seconds
    person = make_person(mobile="07700900008")
    message = queue(person)
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    fake_notify.mode = "ok"
    fake_notify.delay = 0
    services.outbox_sweep(now=after_all_backoff())
    message.refresh_from_db()
    assert message.status == "sent"
    assert fake_notify.references() == [str(message.reference)]


def test_a_number_not_in_use_is_marked_bad_and_the_next_channel_tried(
    make_person, fake_notify
):
    fake_notify.mode = "bad_number"
    person = make_person(mobile="07700900009", email="joan@example.com")
    message = queue(person)
    message.refresh_from_db()
    assert message.status == "failed" and "Not a UK mobile" in message.last_error
    person.refresh_from_db()
    assert person.bad_contact_details == ["mobile"]
    fallback = Message.objects.get(replaces=message)
    assert fallback.channel == "email" and fallback.status == "sent"
    assert [n["type"] for n in fake_notify.notifications] == ["email"]
    assert AuditEvent.objects.filter(
        action="message_failed", data__contact_detail_marked_bad=True
    ).exists()


def test_a_failed_message_goes_straight_onto_the_call_list(make_person, fake_notify):
    from kith.notify.models import Call
    from tests.factories import LocalityFactory

    fake_notify.mode = "bad_number"
    person = make_person(mobile="07700900013", email=None, phone="020 7946 0303")
    message = queue(person, locality=LocalityFactory())
    call = Call.objects.get(message=message)
    assert call.reason == "failed_message" and call.person == person
    assert "Welcome to Testford Circle, by text message" in call.summary
    assert "Not a UK mobile number" in call.summary


def test_with_no_channel_left_the_message_goes_to_the_call_list(
    make_person, fake_notify
):
    fake_notify.mode = "bad_number"
    person = make_person(mobile="07700900010", email=None, phone="020 7946 0301")
    message = queue(person)
    fallback = Message.objects.get(replaces=message)
    assert fallback.channel == "phone" and fallback.to == "020 7946 0301"


def test_a_letter_address_is_checked_before_sending(make_person, fake_notify):
    person = make_person(
        email=None,
        contact_by="letter",
        address_line_1="9 Wharf Road",
        postcode="NOTACODE",
        phone="020 7946 0302",
    )
    message = queue(person)
    message.refresh_from_db()
    assert message.status == "failed"
    assert "real UK postcode" in message.last_error
    assert fake_notify.notifications == []


def test_letter_address_rules():
    check = channels.letter_address_problem
    assert check(["Joan Smith", "9 Wharf Road", "SE17 2AA"]) is None
    assert "at least 3" in check(["Joan Smith", "SE17 2AA"])
    assert "no more than 7" in check([*"abcdefg", "SE17 2AA"])
    assert "postcode" in check(["Joan", "9 Wharf Road", "Testford"])
    assert "cannot start" in check(["Joan", "(9) Wharf Road", "SE17 2AA"])


def test_a_letter_goes_to_notify_with_address_lines(make_person, fake_notify):
    person = make_person(
        email=None,
        contact_by="letter",
        full_name="Joan Smith",
        address_line_1="9 Wharf Road",
        town="Testford",
        postcode="SE17 2AA",
    )
    queue(person)
    sent = fake_notify.notifications[0]
    assert sent["type"] == "letter"
    assert sent["personalisation"]["address_line_1"] == "Joan Smith"
    assert sent["personalisation"]["address_line_4"] == "SE17 2AA"


def test_a_missing_template_id_holds_the_message_with_a_clear_error(
    make_person, fake_notify, settings
):
    settings.NOTIFY_TEMPLATE_IDS = {}
    message = queue(make_person(mobile="07700900011"))
    message.refresh_from_db()
    assert message.status == "held" and "NOTIFY_TEMPLATE_IDS" in message.last_error


# --- fault injection -----------------------------------------------------------


def test_notify_down_for_a_while_then_every_message_arrives_once_in_order(
    make_person, fake_notify
):
    from django.db import transaction

    people = [make_person(mobile=f"0770090010{n}") for n in range(4)]
    fake_notify.mode = "down"
    queued = []
    for round_ in range(5):
        with transaction.atomic():
            for person in people:
                queued.append(queue(person, what_next=f"news {round_}"))
    now = timezone.now()
    for _ in range(3):  # still down: retries fail
        now += timedelta(hours=2)
        services.outbox_sweep(now=now)
    assert fake_notify.notifications == []
    assert not Message.objects.filter(status="failed").exists()
    fake_notify.mode = "ok"
    now += timedelta(hours=2)
    services.outbox_sweep(now=now)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    references = fake_notify.references()
    assert sorted(references) == sorted(str(m.reference) for m in queued)
    assert len(references) == len(set(references))
    for person in people:
        received = [
            n["personalisation"]["what_next"]
            for n in fake_notify.notifications
            if n["to"] == person.mobile
        ]
        assert received == [f"news {n}" for n in range(5)]


def test_with_notify_down_a_batch_stops_after_a_few_tries(make_person, fake_notify):
    from django.db import transaction

    fake_notify.mode = "down"
    people = [make_person(mobile=f"0770090030{n}") for n in range(8)]
    with transaction.atomic():
        for person in people:
            queue(person)
    assert fake_notify.requests == services.PROVIDER_DOWN_AFTER
    attempts = sorted(Message.objects.values_list("attempts", flat=True))
    assert attempts == [0] * 5 + [1] * 3  # the rest were not tried at all
    # Nor does the sweep try them all while Notify is still down.
    fake_notify.requests = 0
    services.outbox_sweep(now=after_all_backoff())
    assert fake_notify.requests <= 2 * services.PROVIDER_DOWN_AFTER
    fake_notify.mode = "ok"
    services.outbox_sweep(now=after_all_backoff() + timedelta(days=1))
    assert len(fake_notify.references()) == 8
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_a_worker_that_died_mid_send_is_recovered_without_duplicates(
    make_person, fake_notify, settings
):
    person = make_person(mobile="07700900200")
    other = make_person(mobile="07700900201")
    arrived = queue(person)
    lost = queue(other)
    # As if a worker had claimed both and died: one reached Notify, one not.
    Message.objects.filter(pk__in=[arrived.pk, lost.pk]).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1), sent_at=None
    )
    fake_notify.notifications = [
        n for n in fake_notify.notifications if n["reference"] == str(arrived.reference)
    ]
    services.outbox_sweep()
    assert sorted(fake_notify.references()) == sorted(
        [str(arrived.reference), str(lost.reference)]
    )
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


# --- receipts --------------------------------------------------------------------


def test_receipts_mark_delivered_or_fail_and_fall_back(make_person, fake_notify):
    person = make_person(mobile="07700900300", email="joan@example.com")
    message = queue(person)
    message.refresh_from_db()
    services.delivery_receipt_record(
        payload={"id": message.provider_reference, "status": "delivered"}
    )
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at
    second = queue(person, what_next="again")
    second.refresh_from_db()
    services.delivery_receipt_record(
        payload={"reference": str(second.reference), "status": "permanent-failure"}
    )
    second.refresh_from_db()
    person.refresh_from_db()
    assert second.status == "failed" and person.bad_contact_details == ["mobile"]
    assert Message.objects.get(replaces=second).channel == "email"
    assert services.delivery_receipt_record(payload={"id": "unknown"}) is None
