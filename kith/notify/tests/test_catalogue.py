"""A Notify template id per template name and channel: every pair Kith can
send reaches the fake Notify with a template of its own type, and the old
shape (one id per name) is refused when Kith starts."""

import pytest
from django.core import checks

from kith.notify import services
from kith.notify.catalogue import sendable, sendable_channels, template_id
from kith.notify.checks import notify_template_ids_check
from kith.notify.docs import example_values, notify_doc
from kith.notify.models import Message
from kith.notify.templates_text import TEMPLATES

ADDRESS = {"email": "joan@example.com", "sms": "07700900123"}
LETTER = "Joan Smith\n9 Wharf Road\nTestford\nSE17 2AA"


def test_every_template_is_sendable_by_at_least_one_channel():
    pairs = sendable()
    assert {name for name, _channel in pairs} == set(TEMPLATES)
    assert ("welcome", "letter") in pairs
    assert ("sign_in_code", "letter") not in pairs


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("template", "channel"), sendable())
def test_each_name_and_channel_reaches_notify_with_a_template_of_its_type(
    template, channel, fake_notify
):
    message = services.message_queue(
        to=ADDRESS.get(channel, LETTER),
        channel=channel,
        template=template,
        personalisation=example_values(template),
    )
    message.refresh_from_db()
    assert message.status == Message.Status.SENT, message.last_error
    [sent] = fake_notify.notifications
    assert sent["type"] == channel
    assert sent["template_id"] == template_id(template, channel)
    assert fake_notify.templates[sent["template_id"]]["type"] == channel


@pytest.mark.django_db(transaction=True)
def test_a_template_cannot_be_queued_by_a_channel_it_is_not_sent_by(fake_notify):
    with pytest.raises(ValueError, match="not sent by letter"):
        services.message_queue(
            to=LETTER,
            channel="letter",
            template="sign_in_code",
            personalisation=example_values("sign_in_code"),
        )


@pytest.mark.django_db(transaction=True)
def test_a_person_who_prefers_letters_gets_a_password_reset_by_email_or_a_call(
    make_person, fake_notify
):
    person = make_person(
        contact_by="letter",
        email="joan@example.com",
        address_line_1="9 Wharf Road",
        town="Testford",
        postcode="SE17 2AA",
    )
    message = services.message_queue_for_person(
        person=person,
        template="password_reset",
        personalisation=example_values("password_reset"),
    )
    assert message.channel == "email"
    assert sendable_channels("password_reset") == ("email",)


def _errors(settings, ids):
    settings.NOTIFY_TEMPLATE_IDS = ids
    return [e for e in notify_template_ids_check() if e.level >= checks.ERROR]


def test_the_old_shape_of_one_id_per_name_is_refused_with_a_clear_message(settings):
    [error] = _errors(settings, {"welcome": "f33517ff-2a88-4f6e-b855-c550268ce08a"})
    assert "one id per channel" in error.msg
    assert '{"welcome": {"email": "<id>"' in error.msg
    assert error.id == "kith.notify.E001"


def test_the_check_runs_with_django_system_checks(settings):
    settings.NOTIFY_TEMPLATE_IDS = {"welcome": "f33517ff"}
    found = checks.run_checks()
    assert any(e.id == "kith.notify.E001" for e in found)


@pytest.mark.parametrize(
    ("ids", "words"),
    [
        (["welcome"], "must be a JSON object"),
        ({"welcom": {"email": "x"}}, "not one of Kith's templates"),
        ({"sign_in_code": {"letter": "x"}}, "only by email, sms"),
        ({"welcome": {"email": 3}}, "must be a template id"),
    ],
)
def test_other_wrong_shapes_are_refused(settings, ids, words):
    [error] = _errors(settings, ids)
    assert words in error.msg


def test_the_new_shape_passes_even_with_some_ids_missing(settings):
    assert _errors(settings, {"welcome": {"email": "a", "sms": "b"}}) == []
    assert _errors(settings, {}) == []


def test_the_doc_lists_every_name_and_channel_and_the_shape():
    text = notify_doc()
    assert f"{len(sendable())} Notify templates in all." in text
    assert "| `sign_in_code` | yes | yes | no |" in text
    assert '"password_reset": {"email": "..."}' in text
