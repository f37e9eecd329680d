from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kith.accounts.models import SignInAttempt, User
from kith.members import services as member_services
from kith.members.models import Membership
from kith.privacy.models import Anonymisation
from kith.privacy.retention import retention_apply

pytestmark = pytest.mark.django_db


def _done(outcomes):
    return {outcome.rule.code: outcome.done for outcome in outcomes}


def _left_long_ago(circle, years=3):
    member_services.membership_leave(
        actor=circle.coordinator, membership=circle.membership, credits_choice="circle"
    )
    Membership.objects.filter(pk=circle.membership.pk).update(
        left_on=timezone.localdate() - timedelta(days=365 * years)
    )


def test_a_member_who_left_recently_is_kept(circle):
    member_services.membership_leave(
        actor=circle.coordinator, membership=circle.membership, credits_choice="circle"
    )
    assert _done(retention_apply(dry_run=False))["former_members"] == 0
    assert User.objects.get(pk=circle.joan.pk).full_name == "Joan Privacy"


def test_the_dry_run_says_what_the_real_run_does_and_a_second_run_nothing(circle):
    _left_long_ago(circle)
    old = timezone.now() - timedelta(days=200)
    SignInAttempt.objects.create(identifier="someone@example.com", created_at=old)
    SignInAttempt.objects.create(identifier="someone@example.com")
    dry = _done(retention_apply(dry_run=True))
    assert User.objects.get(pk=circle.joan.pk).full_name == "Joan Privacy"
    assert SignInAttempt.objects.count() == 2
    real = _done(retention_apply(dry_run=False))
    assert dry == real
    assert real["former_members"] == 1 and real["sign_in_attempts"] == 1
    joan = User.objects.get(pk=circle.joan.pk)
    assert joan.full_name.startswith("Erased person") and joan.phone == ""
    assert Anonymisation.objects.get(person=joan).rule == "former_members"
    assert SignInAttempt.objects.count() == 1
    assert set(_done(retention_apply(dry_run=False)).values()) == {0}


def test_a_council_may_keep_former_members_longer(circle, settings):
    _left_long_ago(circle, years=3)
    settings.KITH_RETENTION_MONTHS = {"former_members": 48}
    assert _done(retention_apply(dry_run=False))["former_members"] == 0


def test_staff_are_never_anonymised_by_the_schedule(circle):
    _left_long_ago(circle)
    from tests.factories import RoleFactory

    RoleFactory(user=circle.joan, locality=circle.locality, role="coordinator")
    assert _done(retention_apply(dry_run=False))["former_members"] == 0


def test_only_the_dpos_people_see_the_retention_page(client, circle):
    client.force_login(circle.coordinator)
    assert client.get(reverse("privacy:retention")).status_code == 403
    client.force_login(circle.admin)
    page = client.get(reverse("privacy:retention")).content.decode()
    assert "People who left the circle" in page
