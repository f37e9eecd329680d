"""Accepting a supporter invitation with no account: a one-time code sent to
the address on the invitation, then yes (the account is made) or no
(ADR 0021)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kith.accounts.models import ContactCode, Role, RoleAssignment, User
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.members import services
from kith.members.models import SupporterLink
from kith.notify.models import Message
from tests.factories import MembershipFactory, UserFactory
from tests.inbox import received, received_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def iris(testford):
    return MembershipFactory(
        locality=testford.locality, person=UserFactory(full_name="Iris Bennett")
    )


def _invite(iris, **contact):
    contact = contact or {"email": "grace@example.com"}
    return services.supporter_invite(
        actor=iris.person,
        membership=iris,
        name="Grace Bennet",
        relationship="daughter",
        share_visits=True,
        ask_for_help=False,
        **contact,
    )


def _urls(invitation):
    args = [invitation.link.pk, invitation.token]
    return (
        reverse("members:supporter_accept", args=args),
        reverse("members:supporter_accept_code", args=args),
    )


def _code_messages():
    return Message.objects.filter(template="contact_code").order_by("pk")


def _ask_for_code(client, invitation, **extra):
    accept_url, code_url = _urls(invitation)
    response = client.post(accept_url, {"answer": "send_code", **extra})
    assert response.status_code == 302 and response["Location"] == code_url
    return received_code(_code_messages().last())


def test_someone_with_no_account_accepts_with_a_code_and_their_account_is_made(
    client, iris
):
    invitation = _invite(iris)
    accept_url, code_url = _urls(invitation)
    page = client.get(accept_url).content.decode()
    assert "Send me a code" in page
    assert "g•••@example.com" in page and "grace@example.com" not in page
    code = _ask_for_code(client, invitation)
    message = _code_messages().get()
    assert message.to == "grace@example.com"
    # Staff see words in the code's place, never the code (ADR 0016).
    assert code not in str(message.personalisation)
    assert code in received(message)["body"]
    page = client.get(code_url).content.decode()
    assert "Enter your code" in page and 'value="Grace Bennet"' in page

    response = client.post(
        code_url, {"code": code, "full_name": "Grace Bennett", "answer": "accept"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:supporting")
    grace = User.objects.get(email="grace@example.com")
    assert grace.full_name == "Grace Bennett" and not grace.has_usable_password()
    assert grace.home_locality == iris.locality
    link = SupporterLink.objects.get()
    assert link.status == "active" and link.supporter == grace
    assert RoleAssignment.objects.filter(
        user=grace, locality=iris.locality, role=Role.SUPPORTER
    ).exists()
    # Signed in as the new supporter, who sees Iris.
    assert "Iris Bennett" in client.get(reverse("members:supporting")).content.decode()
    accepted = AuditEvent.objects.get(action="supporter_accepted")
    assert accepted.actor == grace and accepted.data["how"] == "code"
    assert AuditEvent.objects.filter(action="person_created", actor=grace).exists()
    assert AuditEvent.objects.filter(action="supporter_invitation_code_sent").exists()
    # The link is spent.
    assert client.get(accept_url).status_code == 400


def test_the_code_goes_only_where_the_invitation_went(client, iris):
    invitation = _invite(iris)
    _ask_for_code(client, invitation, to="someone.else@example.com")
    assert list(_code_messages().values_list("to", flat=True)) == ["grace@example.com"]


def test_an_invitation_by_text_sends_the_code_by_text(client, iris):
    invitation = _invite(iris, mobile="07700 900 982")
    accept_url, code_url = _urls(invitation)
    assert "ending 982" in client.get(accept_url).content.decode()
    code = _ask_for_code(client, invitation)
    message = _code_messages().get()
    assert message.channel == "sms" and message.to == "+447700900982"
    client.post(code_url, {"code": code, "full_name": "Grace", "answer": "accept"})
    assert SupporterLink.objects.get().supporter.mobile == "+447700900982"


def test_saying_no_with_a_code_makes_no_account(client, iris):
    invitation = _invite(iris)
    code = _ask_for_code(client, invitation)
    response = client.post(_urls(invitation)[1], {"code": code, "answer": "decline"})
    assert response["Location"] == reverse("core:home")
    assert SupporterLink.objects.get().status == "declined"
    assert not User.objects.filter(email="grace@example.com").exists()
    assert AuditEvent.objects.filter(action="supporter_declined").exists()


def test_a_wrong_code_changes_nothing_and_five_end_it(client, iris):
    invitation = _invite(iris)
    code = _ask_for_code(client, invitation)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    code_url = _urls(invitation)[1]
    page = client.post(
        code_url, {"code": wrong, "full_name": "Grace", "answer": "accept"}
    ).content.decode()
    assert "That code is not right" in page and "4 tries left" in page
    for _try in range(4):
        page = client.post(
            code_url, {"code": wrong, "full_name": "Grace", "answer": "accept"}
        ).content.decode()
    assert "no longer works" in page and "Send me a new code" in page
    # Even the right code no longer works.
    client.post(code_url, {"code": code, "full_name": "Grace", "answer": "accept"})
    assert SupporterLink.objects.get().status == "invited"
    assert not User.objects.filter(email="grace@example.com").exists()


def test_accepting_needs_a_name_and_keeps_the_code_for_the_next_try(client, iris):
    invitation = _invite(iris)
    code = _ask_for_code(client, invitation)
    code_url = _urls(invitation)[1]
    page = client.post(
        code_url, {"code": code, "full_name": " ", "answer": "accept"}
    ).content.decode()
    assert "Enter your full name." in page
    client.post(code_url, {"code": code, "full_name": "Grace", "answer": "accept"})
    assert SupporterLink.objects.get().status == "active"


def test_someone_who_has_an_account_with_that_address_signs_in_first(client, iris):
    UserFactory(email="grace@example.com")
    invitation = _invite(iris)
    accept_url, code_url = _urls(invitation)
    page = client.get(accept_url).content.decode()
    assert "You already have an account" in page and "Send me a code" not in page
    response = client.post(accept_url, {"answer": "send_code"})
    assert response.status_code == 200 and not _code_messages().exists()
    # Nothing is attached to that account without signing in (ADR 0018).
    assert client.get(code_url)["Location"] == accept_url
    assert SupporterLink.objects.get().status == "invited"


def test_an_account_made_with_the_address_after_the_code_was_sent_stops_it(
    client, iris
):
    invitation = _invite(iris)
    code = _ask_for_code(client, invitation)
    UserFactory(email="grace@example.com")
    page = client.post(
        _urls(invitation)[1], {"code": code, "full_name": "Grace", "answer": "accept"}
    ).content.decode()
    assert "Sign in first" in page
    assert SupporterLink.objects.get().status == "invited"
    assert User.objects.filter(email="grace@example.com").count() == 1


def test_a_code_for_one_invitation_does_not_answer_another(iris):
    first = _invite(iris)
    second = _invite(iris)
    sent = services.supporter_invitation_code_send(
        link_id=first.link.pk, token=first.token
    )
    code = received_code(_code_messages().get())
    with pytest.raises(ApplicationError) as refused:
        services.supporter_accept_with_code(
            link_id=second.link.pk,
            token=second.token,
            code_id=sent.pk,
            code=code,
            accept=True,
            full_name="Grace",
        )
    assert refused.value.code == "expired"
    assert SupporterLink.objects.get(pk=second.link.pk).status == "invited"


def test_codes_for_an_invitation_are_limited_each_hour(client, iris):
    invitation = _invite(iris)
    accept_url = _urls(invitation)[0]
    for _sent in range(5):
        client.post(accept_url, {"answer": "send_code"})
    page = client.post(accept_url, {"answer": "send_code"}).content.decode()
    assert "We have sent 5 codes" in page
    assert _code_messages().count() == 5
    assert ContactCode.objects.count() == 5


@pytest.mark.parametrize("how", ["expired", "withdrawn", "answered"])
def test_an_invitation_that_no_longer_works_says_so_clearly(client, iris, how):
    invitation = _invite(iris)
    code = _ask_for_code(client, invitation)
    link = invitation.link
    if how == "expired":
        SupporterLink.objects.filter(pk=link.pk).update(
            created_at=timezone.now() - timedelta(days=15)
        )
        expected = "more than 14 days old"
    elif how == "withdrawn":
        services.supporter_end(actor=iris.person, link=link)
        expected = "already been answered or withdrawn"
    else:
        services.supporter_accept(
            user=UserFactory(), link_id=link.pk, token=invitation.token
        )
        expected = "already been answered or withdrawn"
    accept_url, code_url = _urls(invitation)
    for url in (accept_url, code_url):
        response = client.get(url)
        assert response.status_code == 400
        assert expected in response.content.decode()
    response = client.post(
        code_url, {"code": code, "full_name": "Grace", "answer": "accept"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="grace@example.com").exists()
