"""Codes and links that let someone into an account are never stored or shown
in readable form outside the message sent to the person (issue 11, ADR 0016).
"""

import json
from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from kith.notify import services
from kith.notify.channels import local_path
from kith.notify.docs import example_values
from kith.notify.models import Call, Message, MessageSecret
from kith.notify.templates_text import SECRET_FIELDS, TEMPLATES, fields
from tests.inbox import received

ROLES = [
    "member",
    "supporter",
    "helper",
    "coordinator",
    "council_officer",
    "organisation_editor",
    "admin",
]

# A value no page would show by chance, for each secret field.
SECRET = {"code": "918273", "link": "https://testford.example/t/Zq7xSECRETtoken/"}


def _queue(template, person, locality):
    values = {
        **example_values(template),
        **{k: SECRET[k] for k in SECRET_FIELDS[template]},
    }
    return services.message_queue(
        to=person.email,
        channel="email",
        template=template,
        personalisation=values,
        recipient=person,
        locality=locality,
        urgent=True,
    )


def _row_text(message: Message) -> str:
    """Everything stored in the message's row, as text."""
    row = Message.objects.filter(pk=message.pk).values().get()
    return json.dumps(row, default=str)


def _staff_pages(client, message: Message) -> str:
    pages = [
        reverse("notify:messages"),
        reverse("notify:messages") + "?q=sign",
        reverse("notify:message", args=[message.pk]),
        reverse("notify:calls"),
        reverse("core:audit"),
    ]
    return "".join(client.get(url).content.decode() for url in pages)


def test_every_field_that_can_let_someone_in_is_kept_secret():
    """A new template with a code, a link or a token must say so."""
    risky = ("code", "link", "token", "password", "url")
    for template in TEMPLATES:
        for field in fields(template):
            if any(word in field for word in risky):
                assert field in SECRET_FIELDS.get(template, {}), (template, field)


@pytest.mark.parametrize("template", sorted(SECRET_FIELDS))
def test_a_secret_is_only_in_the_message_as_sent(template, testford, client):
    message = _queue(template, testford.member, testford.locality)
    secrets = [SECRET[key] for key in SECRET_FIELDS[template]]
    stored = _row_text(message)
    for secret in secrets:
        assert secret not in stored
    # Nor can it be worked out from the fingerprint of the values.
    values = {
        **example_values(template),
        **{k: SECRET[k] for k in SECRET_FIELDS[template]},
    }
    assert message.fingerprint != services._fingerprint(
        "email", message.to, template, values
    )
    for role in ROLES:
        client.force_login(testford.by_role(role))
        page = _staff_pages(client, message)
        for secret in secrets:
            assert secret not in page, role

    sent = received(message)
    for secret in secrets:
        assert secret in sent["body"]  # the person reads it
    assert not MessageSecret.objects.filter(message=message).exists()
    message.refresh_from_db()
    assert message.status == "sent"
    for secret in secrets:
        assert secret not in _row_text(message)
    client.force_login(testford.coordinator)
    detail = client.get(reverse("notify:message", args=[message.pk])).content.decode()
    assert "never shown here" in detail
    assert str(SECRET_FIELDS[template][next(iter(SECRET_FIELDS[template]))]) in detail


@pytest.mark.parametrize("template", sorted(SECRET_FIELDS))
def test_the_django_admin_never_shows_a_secret(template, testford, admin_client):
    message = _queue(template, testford.member, testford.locality)
    secrets = [SECRET[key] for key in SECRET_FIELDS[template]]
    pages = admin_client.get("/django-admin/notify/message/").content.decode()
    pages += admin_client.get(
        f"/django-admin/notify/message/{message.pk}/change/"
    ).content.decode()
    assert message.reference.hex[:8] in pages.replace("-", "")
    for secret in secrets:
        assert secret not in pages
    assert MessageSecret not in admin.site._registry


def test_two_codes_in_a_row_are_both_sent(testford):
    first = _queue("sign_in_code", testford.member, testford.locality)
    values = {**example_values("sign_in_code"), "code": "111222"}
    second = services.message_queue(
        to=testford.member.email,
        channel="email",
        template="sign_in_code",
        personalisation=values,
        recipient=testford.member,
        locality=testford.locality,
        urgent=True,
    )
    assert second.pk != first.pk
    assert "111222" in received(second)["body"]
    assert "918273" in received(first)["body"]


def test_a_failed_secret_is_forgotten_and_not_sent_another_way(testford, client):
    member = testford.member
    member.mobile = "07700900123"
    member.address_line_1 = "1 High Street"
    member.postcode = "SE17 2AA"
    member.save()
    message = _queue("sign_in_code", member, testford.locality)
    services.message_fail(
        message=message, error="Notify: permanent-failure", bad_detail=True
    )
    assert not MessageSecret.objects.exists()
    assert Message.objects.filter(template="sign_in_code").count() == 1
    call = Call.objects.get(message=message)
    assert "918273" not in call.summary
    client.force_login(testford.coordinator)
    page = client.get(reverse("notify:calls")).content.decode()
    assert member.full_name in page and "918273" not in page


def test_a_secret_kept_too_long_is_forgotten_and_its_words_never_sent(testford):
    message = _queue("password_reset", testford.member, testford.locality)
    MessageSecret.objects.filter(message=message).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    services.outbox_sweep()
    message.refresh_from_db()
    assert message.status == "failed"
    assert "no longer kept" in message.last_error
    assert not local_path(message).exists()


def test_the_provider_is_given_the_secret(testford, fake_notify):
    message = _queue("sign_in_code", testford.member, testford.locality)
    services.messages_send(message_ids=[message.pk])
    (sent,) = fake_notify.notifications
    assert sent["personalisation"]["code"] == "918273"
    assert not MessageSecret.objects.exists()


def test_a_phone_message_keeps_no_secret(testford):
    message = services.message_queue_for_person(
        person=testford.member,  # prefers the phone
        template="sign_in_code",
        personalisation={**example_values("sign_in_code"), "code": "918273"},
        locality=testford.locality,
    )
    assert message.channel == "phone"
    assert not MessageSecret.objects.exists()
    assert "918273" not in _row_text(message)


def test_messages_stored_before_keep_no_readable_secret(testford):
    """The migration that brought MessageSecret redacts older messages."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("kith.notify.migrations.0007_message_secret")
    old_sent, old_queued = (
        Message.objects.create(
            to=testford.member.email,
            channel="email",
            template="sign_in_code",
            personalisation={**example_values("sign_in_code"), "code": code},
            fingerprint="guessable",
            recipient=testford.member,
            locality=testford.locality,
            status=status,
            sent_at=timezone.now() if status == "sent" else None,
        )
        for code, status in (("918273", "sent"), ("564738", "queued"))
    )
    migration.redact_old_secrets(apps, None)
    for message in (old_sent, old_queued):
        message.refresh_from_db()
        assert message.personalisation["code"] == "[a sign-in code]"
        assert message.fingerprint == ""
    assert not MessageSecret.objects.filter(message=old_sent).exists()
    assert "564738" in received(old_queued)["body"]
