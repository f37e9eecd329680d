"""Pausing, archiving and bringing back a locality (ADR 0041)."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kith.accounts.models import Role
from kith.accounts.permissions import Perm, forget_roles, has_perm, roles_of
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.members.models import Membership, RenewalReminder
from kith.members.services import memberships_lapse, renewal_reminders_queue
from kith.notify import services as notify_services
from kith.notify.models import Message
from kith.places.models import Locality
from kith.places.selectors import locality_for_request
from kith.places.services import locality_require_open, locality_status_change
from tests.factories import (
    HelpRequestFactory,
    LocalityFactory,
    MembershipFactory,
    RoleFactory,
    UserFactory,
    person_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def _post_status(client, locality, status, reason="Funding gap until April"):
    url = reverse("core:locality_status", args=[locality.slug])
    page = client.get(url).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page)[1]
    return client.post(url, {"status": status, "reason": reason, "submission_key": key})


def test_pausing_is_audited_with_its_reason_and_shown_on_every_page(client, superuser):
    locality = LocalityFactory(name="Riverside", phone="020 7946 0000")
    client.force_login(superuser)
    response = _post_status(client, locality, "paused")
    assert response.status_code == 302
    # A second click asks for what is already so: nothing more is recorded.
    _post_status(client, locality, "paused")
    locality.refresh_from_db()
    assert locality.status == "paused"
    assert locality.status_reason == "Funding gap until April"
    (event,) = AuditEvent.objects.filter(action="locality_paused")
    assert event.actor == superuser
    assert event.data == {
        "from": "active",
        "to": "paused",
        "reason": "Funding gap until April",
    }
    member = MembershipFactory(locality=locality).person
    client.force_login(member)
    home = client.get("/").content.decode()
    assert "Riverside is paused just now." in home
    assert "phone 020 7946 0000" in home


def test_a_reason_is_needed_and_an_unknown_status_refused(client, superuser):
    locality = LocalityFactory()
    client.force_login(superuser)
    no_reason = _post_status(client, locality, "paused", reason="  ")
    assert no_reason.status_code == 400
    assert "Say why" in no_reason.content.decode()
    unknown = _post_status(client, locality, "deleted")
    assert unknown.status_code == 400
    assert "Select a valid choice" in unknown.content.decode()
    locality.refresh_from_db()
    assert locality.status == "active"
    assert not AuditEvent.objects.filter(action__startswith="locality_").exists()


def test_only_a_superuser_changes_a_status_even_through_the_service():
    locality = LocalityFactory()
    admin = person_with_role(Role.ADMIN, locality)
    with pytest.raises(PermissionDenied):
        locality_status_change(
            actor=admin, locality=locality, status="archived", reason="Closing down"
        )
    locality.refresh_from_db()
    assert locality.status == "active"


def test_a_paused_locality_takes_nothing_new_but_keeps_what_is_arranged(superuser):
    locality = LocalityFactory(name="Riverside", phone="020 7946 0000")
    membership = MembershipFactory(locality=locality)
    arranged = HelpRequestFactory(membership=membership)
    locality_status_change(
        actor=superuser, locality=locality, status="paused", reason="Funding gap"
    )
    with pytest.raises(ApplicationError, match="Riverside is paused just now"):
        HelpRequestFactory(membership=membership)
    with pytest.raises(ApplicationError, match="phone 020 7946 0000"):
        locality_require_open(locality.pk)
    arranged.refresh_from_db()
    assert arranged.status == "open"
    # Unpaused, it takes requests again.
    locality_status_change(
        actor=superuser, locality=locality, status="active", reason="Funded again"
    )
    assert HelpRequestFactory(membership=membership).pk
    assert AuditEvent.objects.filter(action="locality_unpaused").count() == 1


def test_renewal_reminders_and_lapsing_wait_while_a_locality_is_paused(superuser):
    today = timezone.localdate()
    paused = LocalityFactory()
    working = LocalityFactory()
    for locality in (paused, working):
        MembershipFactory(locality=locality, renews_on=today + timedelta(days=10))
        MembershipFactory(
            locality=locality,
            started_on=today - timedelta(days=400),
            renews_on=today - timedelta(days=1),
        )
    locality_status_change(
        actor=superuser, locality=paused, status="paused", reason="Funding gap"
    )
    assert renewal_reminders_queue(on=today) == 1
    assert set(
        RenewalReminder.objects.values_list("membership__locality", flat=True)
    ) == {working.pk}
    assert memberships_lapse(on=today) == 1
    assert set(
        Membership.objects.filter(status="lapsed").values_list("locality", flat=True)
    ) == {working.pk}


def test_an_archived_localitys_people_keep_no_role_there(client, superuser):
    archived = LocalityFactory(name="Old Town")
    other = LocalityFactory(name="New Town")
    coordinator = person_with_role(Role.COORDINATOR, archived)
    also_elsewhere = person_with_role(Role.COORDINATOR, archived)
    RoleFactory(user=also_elsewhere, locality=other, role=Role.MEMBER)
    locality_status_change(
        actor=superuser, locality=archived, status="archived", reason="Closed"
    )
    assert roles_of(coordinator) == {}
    assert not has_perm(coordinator, Perm.PEOPLE_VIEW, archived)
    forget_roles(also_elsewhere)
    assert set(roles_of(also_elsewhere)) == {other.pk}
    # Signed in, the coordinator can do nothing there.
    client.force_login(coordinator)
    assert client.get(reverse("core:audit")).status_code == 403
    # The archived locality is no one's default, but its own address still
    # says it has closed; the superuser still acts there.
    assert locality_for_request(host="", held=[], chosen_id=None) == other
    archived.domain = "oldtown.example"
    archived.save()
    assert (
        locality_for_request(host="oldtown.example", held=[], chosen_id=None)
        == archived
    )
    assert has_perm(superuser, Perm.PEOPLE_VIEW, archived)


def test_an_archived_locality_publishes_no_open_referral_feed(client, superuser):
    locality = LocalityFactory()
    assert client.get(reverse("openreferral:services")).status_code == 200
    locality_status_change(
        actor=superuser, locality=locality, status="archived", reason="Closed"
    )
    assert client.get(reverse("openreferral:services")).status_code == 404


def test_bringing_back_an_archived_locality_needs_a_reason(client, superuser):
    locality = LocalityFactory()
    coordinator = person_with_role(Role.COORDINATOR, locality)
    locality_status_change(
        actor=superuser, locality=locality, status="archived", reason="Closed"
    )
    client.force_login(superuser)
    page = client.get(reverse("core:locality_status", args=[locality.slug]))
    assert "Bring it back, working in full" in page.content.decode()
    assert _post_status(client, locality, "active", reason="").status_code == 400
    assert (
        _post_status(
            client, locality, "active", reason="Reopened by council"
        ).status_code
        == 302
    )
    locality.refresh_from_db()
    assert locality.status == "active"
    (event,) = AuditEvent.objects.filter(action="locality_unarchived")
    assert event.data["reason"] == "Reopened by council"
    forget_roles(coordinator)
    assert roles_of(coordinator) == {locality.pk: frozenset({Role.COORDINATOR})}


def test_texts_keep_the_localitys_own_quiet_hours(settings):
    settings.KITH_NOTIFY_QUIET_FROM_HOUR = 0
    settings.KITH_NOTIFY_QUIET_UNTIL_HOUR = 0
    quiet = LocalityFactory(quiet_from_hour=20, quiet_until_hour=9)
    usual = LocalityFactory()
    evening = timezone.make_aware(datetime.combine(timezone.localdate(), time(22)))
    person = UserFactory(mobile="07700900123", contact_by="sms")
    made = {}
    for locality in (quiet, usual):
        made[locality.pk] = Message.objects.create(
            to=f"0770090012{locality.pk % 10}",
            channel="sms",
            template="welcome",
            personalisation={
                "name": "J",
                "locality_name": "T",
                "what_next": "",
                "locality_phone": "1",
            },
            recipient=person if locality == usual else None,
            locality=locality,
            created_at=evening,
            next_attempt_at=evening,
        )
    notify_services.messages_send(
        message_ids=[m.pk for m in made.values()], now=evening
    )
    held, sent = made[quiet.pk], made[usual.pk]
    held.refresh_from_db()
    sent.refresh_from_db()
    assert held.status == "queued"
    assert timezone.localtime(held.next_attempt_at).hour == 9
    assert sent.status == "sent"
    assert Locality.objects.get(pk=quiet.pk).quiet_until_hour == 9


def test_a_superuser_goes_to_an_archived_locality_and_sees_it_closed(client, superuser):
    LocalityFactory(name="New Town")
    archived = LocalityFactory(name="Old Town")
    locality_status_change(
        actor=superuser, locality=archived, status="archived", reason="Closed"
    )
    client.force_login(superuser)
    assert "Old Town has closed" not in client.get("/").content.decode()
    enter = reverse("core:locality_enter", args=[archived.slug])
    assert client.get(enter).status_code == 405
    assert client.post(enter).status_code == 302
    home = client.get("/").content.decode()
    assert "Old Town has closed." in home
    # Someone else cannot use the same door.
    coordinator = person_with_role(Role.COORDINATOR, LocalityFactory())
    client.force_login(coordinator)
    assert client.post(enter).status_code == 403


def test_the_status_command_needs_a_superuser_and_a_reason(superuser):
    from django.core.management import CommandError, call_command

    locality = LocalityFactory(slug="riverside")
    with pytest.raises(CommandError, match="Say why"):
        call_command(
            "locality_status",
            "--actor",
            superuser.email,
            "--locality",
            "riverside",
            "--status",
            "paused",
            "--reason",
            "",
        )
    call_command(
        "locality_status",
        "--actor",
        superuser.email,
        "--locality",
        "riverside",
        "--status",
        "paused",
        "--reason",
        "Funding gap",
    )
    locality.refresh_from_db()
    assert locality.status == "paused"
    with pytest.raises(CommandError, match="No locality has the short name"):
        call_command(
            "locality_status",
            "--actor",
            superuser.email,
            "--locality",
            "nowhere",
            "--status",
            "active",
            "--reason",
            "Funding back",
        )
