"""A person sees where they are signed in and can sign other browsers out."""

import pytest
from django.test import Client
from django.urls import reverse

from kith.accounts.models import SignedInSession
from kith.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "accounts:security"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; rv:120.0) Gecko/20100101 Firefox/120.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605 Safari/604.1"


def _sign_in(client, person, agent):
    response = client.post(
        reverse("accounts:sign_in"),
        {"email": person.email, "password": "a-long-test-password"},
        headers={"user-agent": agent},
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_member_sees_both_browsers_and_signs_the_other_out(testford):
    laptop, phone = Client(), Client()
    _sign_in(laptop, testford.member, FIREFOX)
    _sign_in(phone, testford.member, PHONE)
    page = laptop.get(reverse(PAGE)).content.decode()
    assert "Firefox on Windows" in page and "Safari on iPhone" in page
    assert "This browser" in page
    other = SignedInSession.objects.get(user=testford.member, device="Safari on iPhone")
    response = laptop.post(reverse("accounts:session_end"), {"session": other.pk})
    assert response.status_code == 302
    # The phone is signed out; the laptop is not.
    assert phone.get(reverse(PAGE)).status_code == 302
    assert laptop.get(reverse(PAGE)).status_code == 200
    assert AuditEvent.objects.filter(
        action="session_ended", actor=testford.member
    ).exists()


def test_nobody_can_end_someone_elses_session(testford):
    theirs, mine = Client(), Client()
    _sign_in(theirs, testford.helper, FIREFOX)
    _sign_in(mine, testford.member, FIREFOX)
    row = SignedInSession.objects.get(user=testford.helper)
    mine.post(reverse("accounts:session_end"), {"session": row.pk})
    assert theirs.get(reverse(PAGE)).status_code == 200
    mine.post(reverse("accounts:session_end"), {"session": "not a number"})
    assert theirs.get(reverse(PAGE)).status_code == 200


def test_signing_out_everywhere_else_keeps_this_browser(testford):
    clients = [Client() for _n in range(3)]
    for client in clients:
        _sign_in(client, testford.member, FIREFOX)
    clients[0].post(reverse("accounts:session_end"), {"all": "others"})
    assert clients[0].get(reverse(PAGE)).status_code == 200
    assert all(c.get(reverse(PAGE)).status_code == 302 for c in clients[1:])
    assert SignedInSession.objects.filter(user=testford.member).count() == 1


def test_a_session_that_ended_leaves_the_list(testford):
    first, second = Client(), Client()
    _sign_in(first, testford.member, FIREFOX)
    _sign_in(second, testford.member, PHONE)
    second.post(reverse("accounts:sign_out"))
    page = first.get(reverse(PAGE)).content.decode()
    assert "Safari on iPhone" not in page


def test_the_owner_is_told_once_when_wrong_tries_lock_their_account(client, testford):
    from kith.accounts.services import ACCOUNT_REFUSE_AFTER
    from kith.notify.models import Message

    testford.member.contact_by = "email"
    testford.member.save()
    for _n in range(ACCOUNT_REFUSE_AFTER + 3):
        services_record(testford.member.email.upper())
    notices = Message.objects.filter(
        template="account_locked", recipient=testford.member
    )
    assert notices.count() == 1
    assert notices.get().to == testford.member.email
    assert AuditEvent.objects.filter(action="account_locked_notice").count() == 1


def test_wrong_tries_for_nobody_tell_nobody(testford):
    from kith.notify.models import Message

    for _n in range(15):
        services_record("nobody@nowhere.example")
    assert not Message.objects.filter(template="account_locked").exists()


def services_record(identifier):
    from kith.accounts.services import signin_attempt_record

    signin_attempt_record(identifier=identifier, ip_address="10.0.0.9", succeeded=False)
