"""No coordinator can sign in as someone else (issue 11): staff never read a
sign-in code or a link with a token, every message and audit event belongs to
its person's locality, and a coordinator can send a code without reading it.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kith.accounts.models import SignInCode
from kith.accounts.phones import mobile_normalise
from kith.core.models import AuditEvent
from kith.core.services import audit_record
from kith.members.models import Membership
from kith.members.services import supporter_invite
from kith.notify.models import Message, MessageSecret
from tests.factories import MembershipFactory
from tests.inbox import received_code, received_link

ROLES = [
    "member",
    "supporter",
    "helper",
    "coordinator",
    "council_officer",
    "organisation_editor",
    "admin",
]
STRANGER_IP = "203.0.113.77"


def _signed_out() -> Client:
    """A visitor on the sign-in pages, which serve every locality (here the
    first one, Testford)."""
    return Client(REMOTE_ADDR=STRANGER_IP)


def _ask_for_code_and_reset(person) -> tuple[Message, Message]:
    visitor = _signed_out()
    visitor.post(reverse("accounts:sign_in_code_request"), {"identifier": person.email})
    visitor.post(reverse("accounts:password_reset"), {"email": person.email})
    return (
        Message.objects.filter(template="sign_in_code", recipient=person).latest("pk"),
        Message.objects.filter(template="password_reset", recipient=person).latest(
            "pk"
        ),
    )


def _secret(message: Message, key: str) -> str:
    return MessageSecret.objects.get(message=message).values[key]


def _token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def _pages_staff_can_open(client, locality, person, messages) -> str:
    urls = [
        reverse("notify:messages"),
        reverse("notify:calls"),
        reverse("core:audit"),
        reverse("accounts:people") + "?q=" + person.full_name.split()[0],
        reverse("accounts:person", args=[person.pk]),
        reverse("members:list") + "?format=csv",
        reverse("helpers:export"),
        *[reverse("notify:message", args=[m.pk]) for m in messages],
    ]
    membership = Membership.objects.filter(person=person).first()
    if membership is not None:
        urls.append(reverse("members:member", args=[membership.pk]))
    return "".join(_text(client.get(url)) for url in urls)


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def membership(testford):
    return MembershipFactory(person=testford.member, locality=testford.locality)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_anyone_a_code_or_a_link_that_lets_someone_in(
    role, testford, membership, client
):
    member = testford.member
    code_message, reset_message = _ask_for_code_and_reset(member)
    invitation = supporter_invite(
        actor=member,
        membership=membership,
        name="Grace",
        relationship="daughter",
        email="grace@example.com",
        base_url="https://testford.example",
    )
    invite_message = Message.objects.get(template="supporter_invitation")
    code = _secret(code_message, "code")
    reset_token = _token_of(_secret(reset_message, "link"))
    secrets = [code, reset_token, invitation.token]
    messages = [code_message, reset_message, invite_message]

    client.force_login(testford.by_role(role))
    before = _pages_staff_can_open(client, testford.locality, member, messages)
    # Sent: the person reads them; staff still do not.
    assert received_code(code_message) == code
    assert reset_token in received_link(reset_message)
    assert invitation.token in received_link(invite_message)
    after = _pages_staff_can_open(client, testford.locality, member, messages)
    for secret in secrets:
        assert secret not in before and secret not in after, role
    if role == "coordinator":
        assert "Sign in code" in after and "Password reset" in after
        assert "[a sign-in code]" in after


def test_a_code_and_a_reset_belong_to_the_persons_locality_not_the_pages(
    testford, elsewhere, client
):
    supporter = elsewhere.supporter  # asks on Testford's pages
    code_message, reset_message = _ask_for_code_and_reset(supporter)
    assert code_message.locality == elsewhere.locality
    assert reset_message.locality == elsewhere.locality
    assert "Elsewhere Circle" in code_message.personalisation["locality_name"]

    client.force_login(testford.coordinator)
    listed = client.get(reverse("notify:messages")).content.decode()
    assert supporter.full_name not in listed and supporter.email not in listed
    for message in (code_message, reset_message):
        detail = client.get(reverse("notify:message", args=[message.pk]))
        assert detail.status_code == 404

    client.force_login(elsewhere.coordinator)
    listed = client.get(reverse("notify:messages")).content.decode()
    assert supporter.full_name in listed and "Sign in code" in listed
    detail = client.get(
        reverse("notify:message", args=[code_message.pk])
    ).content.decode()
    assert _secret(code_message, "code") not in detail


def test_the_audit_log_shows_a_coordinator_none_of_another_localitys_sign_ins(
    testford, elsewhere, client
):
    supporter = elsewhere.supporter
    code_message, _reset = _ask_for_code_and_reset(supporter)
    visitor = _signed_out()
    visitor.post(
        reverse("accounts:sign_in_code_request"), {"identifier": supporter.email}
    )
    code_message = Message.objects.filter(template="sign_in_code").latest("pk")
    visitor.post(
        reverse("accounts:sign_in_code"), {"code": received_code(code_message)}
    )
    assert visitor.session["_auth_user_id"] == str(supporter.pk)
    events = AuditEvent.objects.filter(target_id=str(supporter.pk))
    assert {"sign_in_code_sent", "password_reset_requested", "signed_in"} <= set(
        events.values_list("action", flat=True)
    )
    assert set(events.values_list("locality", flat=True)) == {elsewhere.locality.pk}

    client.force_login(testford.coordinator)
    page = client.get(reverse("core:audit")).content.decode()
    assert supporter.full_name not in page and STRANGER_IP not in page
    page = client.get(reverse("core:audit"), {"action": "signed_in"}).content.decode()
    assert supporter.full_name not in page

    client.force_login(elsewhere.coordinator)
    page = client.get(reverse("core:audit")).content.decode()
    assert supporter.full_name in page and STRANGER_IP in page
    # Who caused the code and the reset: someone on a signed-out page.
    assert "Someone not signed in" in page


def test_events_about_no_locality_are_for_administrators_only(testford, client):
    audit_record(actor=None, action="postcodes_imported", data={"rows": 3})
    assert AuditEvent.objects.get(action="postcodes_imported").locality is None
    client.force_login(testford.coordinator)
    assert (
        "Postcodes imported" not in client.get(reverse("core:audit")).content.decode()
    )
    client.force_login(testford.admin)
    assert "Postcodes imported" in client.get(reverse("core:audit")).content.decode()


def test_a_coordinator_sends_a_code_they_cannot_read(testford, client):
    member = testford.member
    member.mobile = mobile_normalise("07700 900456")
    member.save()
    client.force_login(testford.coordinator)
    page = client.get(reverse("accounts:person", args=[member.pk])).content.decode()
    assert "Send them a new sign-in code" in page
    response = client.post(
        reverse("accounts:sign_in_code_send_for", args=[member.pk]), follow=True
    )
    page = response.content.decode()
    assert "We have sent" in page and "by text message" in page
    message = Message.objects.get(template="sign_in_code")
    assert message.to == member.mobile
    assert message.locality == testford.locality
    code = _secret(message, "code")
    assert code not in page
    sent = AuditEvent.objects.get(action="sign_in_code_sent")
    assert sent.actor == testford.coordinator and sent.target_id == str(member.pk)
    assert SignInCode.objects.get().sent_by == testford.coordinator

    # The member, on the phone, types the code they received.
    visitor = _signed_out()
    page = visitor.get(reverse("accounts:sign_in_code_request")).content.decode()
    assert reverse("accounts:sign_in_code_have") in page
    response = visitor.post(
        reverse("accounts:sign_in_code_have"), {"identifier": "07700 900456"}
    )
    assert response["Location"] == reverse("accounts:sign_in_code")
    page = visitor.get(response["Location"]).content.decode()
    assert "Enter the 6-digit code we sent to 07700 900456" in page
    visitor.post(reverse("accounts:sign_in_code"), {"code": received_code(message)})
    assert visitor.session["_auth_user_id"] == str(member.pk)
    signed_in = AuditEvent.objects.get(action="signed_in")
    assert signed_in.data["code_sent_by"] == testford.coordinator.full_name
    audit = client.get(reverse("core:audit")).content.decode()
    assert f"with a code sent by {testford.coordinator.full_name}" in audit
    assert code not in audit


@pytest.mark.parametrize(
    "role", [r for r in ROLES if r not in ("coordinator", "admin")]
)
def test_only_staff_who_change_details_can_send_a_code(role, testford, client):
    client.force_login(testford.by_role(role))
    response = client.post(
        reverse("accounts:sign_in_code_send_for", args=[testford.member.pk])
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_coordinator_cannot_send_a_code_to_another_localitys_person(
    testford, elsewhere, client
):
    client.force_login(testford.coordinator)
    response = client.post(
        reverse("accounts:sign_in_code_send_for", args=[elsewhere.member.pk])
    )
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_no_code_for_someone_without_email_or_mobile(testford, client):
    member = testford.member
    member.email = None
    member.save()
    client.force_login(testford.coordinator)
    response = client.post(
        reverse("accounts:sign_in_code_send_for", args=[member.pk]), follow=True
    )
    assert "no working email address or mobile number" in response.content.decode()
    assert not Message.objects.exists()


def test_saying_you_have_a_code_sends_none_and_reveals_nothing(testford, client):
    answers = []
    for identifier in (testford.member.email, "nobody@example.com"):
        visitor = _signed_out()
        response = visitor.post(
            reverse("accounts:sign_in_code_have"), {"identifier": identifier}
        )
        page = visitor.get(response["Location"]).content.decode()
        wrong = visitor.post(reverse("accounts:sign_in_code"), {"code": "000000"})
        for text in (page, wrong.content.decode()):
            text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
            answers.append(text.replace(identifier, "ADDRESS"))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert "1 tries left" not in answers[1] and "4 tries left" in answers[1]
    assert not Message.objects.exists()
