"""The shared factories build what the app would make, in each state."""

import pytest

from kith.credits.tests.factories import assert_ledger_balances
from kith.help.models import HelpRequest, Visit
from kith.helpers.models import HelperStatus
from kith.helpers.vetting import VettingLevel
from kith.members.models import Consent, Membership
from tests.factories import (
    HelperProfileFactory,
    HelpRequestFactory,
    MembershipFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", ["applied", "active", "lapsed", "left"])
def test_a_membership_in_each_state_passes_the_models_checks(testford, state):
    membership = MembershipFactory(locality=testford.locality, **{state: True})
    membership.full_clean()
    assert membership.status == state
    assert membership.person.roles.filter(
        locality=testford.locality, role="member"
    ).exists()
    assert (membership.started_on is None) == (state == "applied")


def test_a_concession_member_who_consents_to_introductions(testford):
    membership = MembershipFactory(
        locality=testford.locality, on_concession=True, consents_to_introductions=True
    )
    assert membership.concession
    consent = Consent.objects.get(membership=membership, kind="introductions")
    assert consent.given


def test_memberships_in_one_locality_share_its_plan(testford):
    one = MembershipFactory(locality=testford.locality)
    two = MembershipFactory(locality=testford.locality)
    assert one.plan == two.plan
    assert Membership.objects.filter(locality=testford.locality).count() == 2


@pytest.mark.parametrize("state", ["applied", "active", "paused", "left"])
def test_a_helper_in_each_state_passes_the_models_checks(testford, state):
    profile = HelperProfileFactory(locality=testford.locality, **{state: True})
    profile.full_clean()
    assert profile.status == state


def test_a_helper_vetted_through_the_checks_has_the_level_the_rules_give(testford):
    profile = HelperProfileFactory(
        locality=testford.locality, active=True, vetted_to=VettingLevel.ENHANCED
    )
    assert profile.status == HelperStatus.ACTIVE
    assert profile.vetting_level == VettingLevel.ENHANCED
    assert profile.checks.count() == 6


@pytest.mark.parametrize(
    "state", ["offered", "accepted", "confirmed", "settled", "declined"]
)
def test_a_visit_reached_through_the_services_is_in_that_state(testford, state):
    member = MembershipFactory(
        locality=testford.locality,
        plan__name="With credits",
        plan__joining_credits=2,
        joining_credits=True,
    )
    visit = VisitFactory(request__membership=member, **{state: True})
    assert Visit.objects.get(pk=visit.pk).status == state
    assert visit.request.events.exists()
    if state == "settled":
        assert visit.settled_minutes == 60
        assert_ledger_balances(testford.locality)


def test_a_done_visit_the_member_cannot_pay_for_waits_to_be_settled(testford):
    member = MembershipFactory(locality=testford.locality)
    visit = VisitFactory(request__membership=member, done=True)
    assert visit.status == Visit.Status.DONE and visit.actual_minutes == 60
    assert "Not settled yet" in visit.request.events.last().text


def test_a_cancelled_visit_and_a_cancelled_request(testford):
    member = MembershipFactory(locality=testford.locality)
    visit = VisitFactory(request__membership=member, cancelled=True)
    assert visit.status == Visit.Status.CANCELLED and visit.cancel_reason
    request = HelpRequestFactory(membership=member, cancelled=True)
    assert request.status == HelpRequest.Status.CANCELLED
