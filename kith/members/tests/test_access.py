"""Who may act for a member (kith.members.access): the one rule that help,
social and every later part use."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from kith.accounts.models import Role, RoleAssignment
from kith.accounts.permissions import Perm, forget_roles
from kith.members import services
from kith.members.access import (
    ActingAs,
    SupporterMay,
    acting_as,
    is_supporter_of,
    may_act_for,
    memberships_actor_may_act_for,
    require_may_act_for,
)
from kith.members.models import Membership, SupporterLink

pytestmark = pytest.mark.django_db

# What help asks: the member, a coordinator with help_manage, a supporter
# allowed to ask for help.
ASKING = {
    "coordinator_perm": Perm.HELP_MANAGE,
    "supporter_may": SupporterMay.ASK_FOR_HELP,
}


def _join(circle, plans, name, postcode="SE17 2AA"):
    membership = services.membership_join(
        actor=None,
        locality=circle.locality,
        answers=services.JoinAnswers(
            postcode=postcode,
            date_of_birth=date(1944, 2, 2),
            full_name=name,
            address_line_1="9 Wharf Road",
            town="Testford",
            contact_by="phone",
            phone="020 7946 0300",
            plan_id=plans["full"].pk,
        ),
        how="online",
    )
    return services.membership_activate(
        actor=circle.coordinator, membership=membership, method="cash"
    )


@pytest.fixture
def joan(testford, plans):
    return _join(testford, plans, "Joan Member")


def _link(membership, supporter, status="active", **allowed):
    return SupporterLink.objects.create(
        membership=membership,
        supporter=supporter,
        name=supporter.full_name,
        relationship="son",
        status=status,
        consent_how="online",
        **allowed,
    )


def test_the_member_may_act_for_themself(joan):
    assert acting_as(actor=joan.person, membership=joan, **ASKING) == ActingAs.MEMBER
    assert may_act_for(actor=joan.person, membership=joan)


def test_the_member_counts_only_while_they_hold_the_permission_asked(joan):
    assert may_act_for(actor=joan.person, membership=joan, member_perm=Perm.OWN_RECORD)
    RoleAssignment.objects.filter(user=joan.person).delete()
    forget_roles(joan.person)
    assert not may_act_for(
        actor=joan.person, membership=joan, member_perm=Perm.OWN_RECORD
    )
    # without a permission asked for, being the member is enough
    assert may_act_for(actor=joan.person, membership=joan)


def test_an_active_supporter_may_act_only_as_far_as_the_member_allowed(testford, joan):
    _link(joan, testford.supporter, ask_for_help=True, share_visits=False)
    assert acting_as(actor=testford.supporter, membership=joan, **ASKING) == (
        ActingAs.SUPPORTER
    )
    assert not may_act_for(
        actor=testford.supporter,
        membership=joan,
        supporter_may=SupporterMay.SEE_VISITS,
    )
    assert may_act_for(
        actor=testford.supporter,
        membership=joan,
        supporter_may=(SupporterMay.SEE_VISITS, SupporterMay.ASK_FOR_HELP),
    )
    assert may_act_for(
        actor=testford.supporter, membership=joan, supporter_may=SupporterMay.ANYTHING
    )


def test_a_supporter_not_allowed_anything_still_counts_for_any_active_link(
    testford, joan
):
    _link(joan, testford.supporter, ask_for_help=False, share_visits=False)
    assert not may_act_for(actor=testford.supporter, membership=joan, **ASKING)
    assert is_supporter_of(actor=testford.supporter, membership=joan)
    assert may_act_for(
        actor=testford.supporter, membership=joan, supporter_may=SupporterMay.ANYTHING
    )


def test_supporters_count_only_where_the_caller_lets_them(testford, joan):
    _link(joan, testford.supporter, ask_for_help=True)
    assert not may_act_for(
        actor=testford.supporter, membership=joan, coordinator_perm=Perm.HELP_MANAGE
    )


@pytest.mark.parametrize("status", ["invited", "ended", "declined"])
def test_an_invited_ended_or_declined_supporter_may_not_act(testford, joan, status):
    _link(joan, testford.supporter, status=status, ask_for_help=True)
    for may in SupporterMay:
        assert not may_act_for(
            actor=testford.supporter, membership=joan, supporter_may=may
        )
    with pytest.raises(PermissionDenied):
        require_may_act_for(actor=testford.supporter, membership=joan, **ASKING)


def test_a_supporter_of_another_member_may_not_act_for_this_one(testford, plans, joan):
    other = _join(testford, plans, "Olive Other")
    _link(other, testford.supporter, ask_for_help=True, share_visits=True)
    assert may_act_for(actor=testford.supporter, membership=other, **ASKING)
    assert not may_act_for(
        actor=testford.supporter, membership=joan, supporter_may=SupporterMay.ANYTHING
    )


def test_a_coordinator_of_the_locality_acts_as_staff(testford, joan):
    assert acting_as(actor=testford.coordinator, membership=joan, **ASKING) == (
        ActingAs.COORDINATOR
    )
    assert require_may_act_for(
        actor=testford.coordinator, membership=joan, coordinator_perm=Perm.HELP_MANAGE
    ) == (ActingAs.COORDINATOR)
    # a caller that names no staff permission lets no staff through
    assert not may_act_for(actor=testford.coordinator, membership=joan)


def test_a_coordinator_who_also_supports_the_member_acts_as_staff(testford, joan):
    _link(joan, testford.coordinator, ask_for_help=True)
    assert acting_as(actor=testford.coordinator, membership=joan, **ASKING) == (
        ActingAs.COORDINATOR
    )


def test_a_coordinator_of_another_locality_may_not_act(elsewhere, joan):
    assert not may_act_for(actor=elsewhere.coordinator, membership=joan, **ASKING)
    with pytest.raises(PermissionDenied):
        require_may_act_for(actor=elsewhere.coordinator, membership=joan, **ASKING)


@pytest.mark.parametrize("role", ["helper", "member", "council_officer", "admin"])
def test_others_in_the_locality_may_not_act(testford, joan, role):
    actor = testford.by_role(role)
    assert not may_act_for(actor=actor, membership=joan, **ASKING)
    assert not may_act_for(
        actor=actor, membership=joan, coordinator_perm=Perm.INTRODUCTIONS_MANAGE
    )


def test_a_signed_out_visitor_may_not_act(joan):
    assert acting_as(actor=AnonymousUser(), membership=joan, **ASKING) is None
    assert not is_supporter_of(actor=AnonymousUser(), membership=joan)
    assert not may_act_for(actor=None, membership=joan, **ASKING)


def test_the_memberships_someone_may_choose_between(testford, plans, joan):
    """Their own first, then those they support and may ask for, newest link
    first; never an ended link's, another locality's or a lapsed member's."""
    supporter = testford.supporter
    olive = _join(testford, plans, "Olive Other")
    ada = _join(testford, plans, "Ada Ask")
    lapsed = _join(testford, plans, "Len Lapsed")
    own = _join(testford, plans, "Sid Supporter")
    Membership.objects.filter(pk=own.pk).update(person=supporter)
    _link(olive, supporter, ask_for_help=True)
    _link(ada, supporter, ask_for_help=True)
    _link(joan, supporter, status="ended", ask_for_help=True)
    _link(lapsed, supporter, ask_for_help=True)
    Membership.objects.filter(pk=lapsed.pk).update(status=Membership.Status.LEFT)
    stranger = _join(testford, plans, "Stan Seeonly")
    _link(stranger, supporter, ask_for_help=False, share_visits=True)

    found = memberships_actor_may_act_for(actor=supporter, locality=testford.locality)
    assert [m.person.full_name for m in found] == [
        supporter.full_name,
        "Ada Ask",
        "Olive Other",
    ]
    seeing = memberships_actor_may_act_for(
        actor=supporter,
        locality=testford.locality,
        supporter_may=SupporterMay.SEE_VISITS,
    )
    assert "Stan Seeonly" in [m.person.full_name for m in seeing]


def test_a_coordinator_chooses_only_the_member_they_act_for(testford, plans, joan):
    found = memberships_actor_may_act_for(
        actor=testford.coordinator, locality=testford.locality
    )
    assert found == []
    found = memberships_actor_may_act_for(
        actor=testford.coordinator,
        locality=testford.locality,
        acting_for=joan.person,
    )
    assert found == [joan]


def test_nobody_chooses_members_of_another_locality(elsewhere, testford, joan):
    _link(joan, testford.supporter, ask_for_help=True)
    assert (
        memberships_actor_may_act_for(
            actor=testford.supporter, locality=elsewhere.locality
        )
        == []
    )
    assert (
        memberships_actor_may_act_for(actor=AnonymousUser(), locality=testford.locality)
        == []
    )


def test_a_role_taken_away_does_not_change_a_supporters_right(testford, joan):
    """Supporting rests on the member's consent (the link), not on a role."""
    _link(joan, testford.supporter, ask_for_help=True)
    RoleAssignment.objects.filter(user=testford.supporter, role=Role.SUPPORTER).delete()
    assert may_act_for(actor=testford.supporter, membership=joan, **ASKING)


@pytest.mark.parametrize(
    ("allowed", "sees_visits", "sees_credits"),
    [
        ({"ask_for_help": True, "share_visits": False}, False, False),
        ({"share_visits": True, "ask_for_help": False}, True, False),
        (
            {"see_credits": True, "share_visits": False, "ask_for_help": False},
            False,
            True,
        ),
    ],
)
def test_sees_all_follows_exactly_what_the_member_allowed(
    joan, testford, allowed, sees_visits, sees_credits
):
    from kith.members.access import sees_all

    _link(joan, testford.supporter, **allowed)
    supporter = testford.supporter
    for may, expected in (
        (SupporterMay.SEE_VISITS, sees_visits),
        (SupporterMay.SEE_CREDITS, sees_credits),
    ):
        assert (
            sees_all(actor=supporter, membership=joan, how=ActingAs.SUPPORTER, may=may)
            is expected
        )
        assert may_act_for(actor=supporter, membership=joan, supporter_may=may) is (
            expected
        )
    # The member and staff see everything the caller let them in to.
    for how in (ActingAs.MEMBER, ActingAs.COORDINATOR):
        assert sees_all(
            actor=supporter, membership=joan, how=how, may=SupporterMay.SEE_CREDITS
        )
