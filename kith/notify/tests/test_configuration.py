"""Notify's templates checked before the first send: ``manage.py
notify_check``, the administrators' warning, and messages Notify refuses
because of the configuration held on a page rather than failed."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kith.notify import services
from kith.notify.catalogue import template_id
from kith.notify.docs import example_values
from kith.notify.models import Call, Message, TemplateProblem

ROLES = [
    "member",
    "supporter",
    "helper",
    "coordinator",
    "council_officer",
    "organisation_editor",
]


def run_check():
    from io import StringIO

    out = StringIO()
    try:
        call_command("notify_check", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def make_wrong_type(fake, name="welcome", channel="sms"):
    fake.templates[template_id(name, channel)]["type"] = "email"


# --- notify_check -------------------------------------------------------------


@pytest.mark.django_db
def test_notify_check_passes_when_every_template_is_right(fake_notify):
    code, out = run_check()
    assert code == 0 and "Every Notify template Kith sends is right" in out
    assert not TemplateProblem.objects.exists()


@pytest.mark.django_db
def test_notify_check_catches_a_template_of_the_wrong_type(fake_notify):
    make_wrong_type(fake_notify)
    code, out = run_check()
    assert code == 1
    assert "welcome by sms: wrong_type" in out
    assert "is a email template in Notify" in out
    problem = TemplateProblem.objects.get()
    assert (problem.template, problem.channel, problem.kind) == (
        "welcome",
        "sms",
        "wrong_type",
    )


@pytest.mark.django_db
def test_notify_check_reports_ids_missing_from_settings_and_from_notify(
    fake_notify, settings
):
    ids = settings.NOTIFY_TEMPLATE_IDS
    del ids["welcome"]["letter"]
    del fake_notify.templates[ids["visit_reminder"]["email"]]
    code, out = run_check()
    assert code == 1
    assert "welcome by letter: missing: No template id" in out
    assert "visit_reminder by email: missing: Notify has no template" in out
    assert TemplateProblem.objects.count() == 2


@pytest.mark.django_db
def test_notify_check_reports_personalisation_fields_that_differ(fake_notify):
    template = fake_notify.templates[template_id("visit_reminder", "email")]
    for part in ("subject", "body"):
        template[part] = template[part].replace("((when))", "((date))")
    code, out = run_check()
    assert code == 1
    assert "Kith's wording has when, Notify's does not." in out
    assert "Notify's has date, which Kith does not send." in out


@pytest.mark.django_db
def test_a_text_message_template_needs_only_the_fields_of_the_message(fake_notify):
    # Text messages have no subject in Notify: its fields are not expected.
    template = fake_notify.templates[template_id("activity_approved", "sms")]
    assert template["subject"] == ""
    assert run_check()[0] == 0


@pytest.mark.django_db
def test_notify_check_with_notify_down_keeps_what_it_knew(fake_notify):
    TemplateProblem.objects.create(
        template="welcome", channel="sms", kind="wrong_type", source="check", detail="x"
    )
    fake_notify.mode = "down"
    code, out = run_check()
    assert code == 1 and "Could not read the templates" in out
    assert TemplateProblem.objects.count() == 1


@pytest.mark.django_db
def test_notify_check_fixed_clears_the_problems(fake_notify):
    make_wrong_type(fake_notify)
    assert run_check()[0] == 1
    fake_notify.templates[template_id("welcome", "sms")]["type"] = "sms"
    assert run_check()[0] == 0
    assert not TemplateProblem.objects.exists()


def test_notify_check_without_notify_has_nothing_to_check(db, settings):
    settings.NOTIFY_API_KEY = ""
    code, out = run_check()
    assert code == 0 and "NOTIFY_API_KEY is not set" in out


# --- refused sends ------------------------------------------------------------


def queue_welcome(person, locality=None):
    return services.message_queue_for_person(
        person=person,
        template="welcome",
        personalisation=example_values("welcome"),
        locality=locality,
    )


@pytest.mark.django_db(transaction=True)
def test_a_message_refused_for_a_wrong_type_template_is_held_not_failed(
    fake_notify, make_person, locality
):
    make_wrong_type(fake_notify)
    person = make_person(mobile="07700900400", email="joan@example.com")
    message = queue_welcome(person, locality)
    message.refresh_from_db()
    assert message.status == Message.Status.HELD
    assert "not suitable for sms notification" in message.last_error
    # Not the person's fault: no contact detail marked bad, no other channel
    # tried, nothing on the call list.
    person.refresh_from_db()
    assert person.bad_contact_details == []
    assert not Message.objects.filter(replaces=message).exists()
    assert not Call.objects.exists()
    problem = TemplateProblem.objects.get()
    assert (problem.template, problem.channel, problem.source) == (
        "welcome",
        "sms",
        "send",
    )


@pytest.mark.django_db(transaction=True)
def test_a_missing_template_id_holds_the_message_with_a_clear_error(
    fake_notify, make_person, settings
):
    del settings.NOTIFY_TEMPLATE_IDS["welcome"]
    message = queue_welcome(make_person(mobile="07700900401"))
    message.refresh_from_db()
    assert message.status == Message.Status.HELD
    assert "NOTIFY_TEMPLATE_IDS" in message.last_error
    assert TemplateProblem.objects.filter(template="welcome", channel="sms").exists()


@pytest.mark.django_db(transaction=True)
def test_held_messages_go_once_the_template_is_fixed(
    fake_notify, make_person, testford
):
    make_wrong_type(fake_notify)
    first = queue_welcome(make_person(mobile="07700900402"))
    second = queue_welcome(make_person(mobile="07700900403"))
    fake_notify.templates[template_id("welcome", "sms")]["type"] = "sms"
    released = services.held_messages_release(
        actor=testford.admin, locality=testford.locality
    )
    assert released == 2
    for message in (first, second):
        message.refresh_from_db()
        assert message.status == Message.Status.SENT
    assert not TemplateProblem.objects.exists()
    assert len(fake_notify.notifications) == 2


@pytest.mark.django_db
def test_only_an_administrator_may_release_held_messages(testford):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.held_messages_release(
            actor=testford.coordinator, locality=testford.locality
        )


# --- the warning and the page ---------------------------------------------------


@pytest.mark.django_db
def test_administrators_see_a_banner_and_a_message_while_a_template_is_wrong(
    client, testford, fake_notify
):
    make_wrong_type(fake_notify)
    run_check()
    client.force_login(testford.admin)
    page = client.get(reverse("core:home")).content.decode()
    assert "Some GOV.UK Notify templates are wrong." in page
    assert "so some messages cannot be sent" in page  # the message, once
    again = client.get(reverse("core:home")).content.decode()
    assert "Some GOV.UK Notify templates are wrong." in again
    assert "so some messages cannot be sent" not in again
    fake_notify.templates[template_id("welcome", "sms")]["type"] = "sms"
    run_check()
    fixed = client.get(reverse("core:home")).content.decode()
    assert "Some GOV.UK Notify templates are wrong." not in fixed


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_others_see_no_banner_and_cannot_open_the_page(client, testford, role):
    TemplateProblem.objects.create(
        template="welcome", channel="sms", kind="wrong_type", source="check", detail="x"
    )
    client.force_login(testford.by_role(role))
    page = client.get(reverse("core:home")).content.decode()
    assert "Some GOV.UK Notify templates are wrong." not in page
    assert client.get(reverse("notify:configuration")).status_code == 403
    assert client.post(reverse("notify:configuration_release")).status_code == 403
    assert client.post(reverse("notify:configuration_check")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_page_lists_problems_and_held_messages_and_releases_them(
    client, testford, fake_notify, make_person
):
    make_wrong_type(fake_notify)
    queue_welcome(make_person(mobile="07700900404"), testford.locality)
    client.force_login(testford.admin)
    page = client.get(reverse("notify:configuration")).content.decode()
    assert "Notify refused a message" in page
    assert "not suitable for sms notification" in page
    assert "07700900404" not in page  # counts only, no personal details
    assert "Send the held messages again" in page
    response = client.post(reverse("notify:configuration_check"), follow=True)
    assert "Checked: 1 templates are wrong." in response.content.decode()
    fake_notify.templates[template_id("welcome", "sms")]["type"] = "sms"
    response = client.post(reverse("notify:configuration_check"), follow=True)
    assert "every Notify template is right" in response.content.decode()
    response = client.post(reverse("notify:configuration_release"), follow=True)
    assert "1 held messages will be sent again." in response.content.decode()
    assert Message.objects.get().status == Message.Status.SENT
    assert "No messages are held." in response.content.decode()
