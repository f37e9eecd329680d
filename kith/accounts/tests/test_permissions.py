import pytest

from kith.accounts.models import Role
from kith.accounts.permissions import (
    ROLE_PERMISSIONS,
    Perm,
    has_perm,
    is_staff_person,
    roles_in,
)

EXPECTED = {
    Perm.PEOPLE_VIEW: {Role.COORDINATOR, Role.ADMIN},
    Perm.PEOPLE_CREATE: {Role.COORDINATOR, Role.ADMIN},
    Perm.PEOPLE_EDIT: {Role.COORDINATOR, Role.ADMIN},
    Perm.ACT_ON_BEHALF: {Role.COORDINATOR},
    Perm.AUDIT_VIEW: {Role.COORDINATOR, Role.ADMIN},
    Perm.ROLES_MANAGE: {Role.ADMIN},
    Perm.PLACES_VIEW: {Role.COORDINATOR, Role.COUNCIL_OFFICER, Role.ADMIN},
    Perm.LOCALITY_MANAGE: {Role.ADMIN},
    Perm.REPORTS_VIEW: {Role.COUNCIL_OFFICER, Role.ADMIN},
    Perm.DIRECTORY_EDIT: {Role.ORGANISATION_EDITOR},
    Perm.DIRECTORY_CHECK: {Role.COORDINATOR, Role.COUNCIL_OFFICER},
    Perm.SIGNPOST_RECORD: {Role.COORDINATOR, Role.HELPER},
    Perm.OWN_RECORD: set(Role.values),
    Perm.MEMBERS_MANAGE: {Role.COORDINATOR},
    Perm.PLANS_MANAGE: {Role.COORDINATOR, Role.ADMIN},
    Perm.HELPERS_MANAGE: {Role.COORDINATOR},
    Perm.HELPERS_SHARE: {Role.COORDINATOR, Role.ADMIN},
    Perm.VETTING_RECORD: {Role.COORDINATOR},
    Perm.HELP_MANAGE: {Role.COORDINATOR},
    Perm.CREDITS_MANAGE: {Role.COORDINATOR},
    Perm.CREDITS_GRANT: {Role.COUNCIL_OFFICER},
    Perm.PAYROLL_EXPORT: {Role.COORDINATOR, Role.ADMIN},
    Perm.MATCHING_PLAN: {Role.COORDINATOR},
    Perm.MESSAGES_VIEW: {Role.COORDINATOR},
    Perm.CALL_LIST: {Role.COORDINATOR},
    Perm.ACTIVITIES_PROPOSE: {
        Role.MEMBER,
        Role.HELPER,
        Role.ORGANISATION_EDITOR,
        Role.COORDINATOR,
    },
    Perm.ACTIVITIES_MANAGE: {Role.COORDINATOR},
    Perm.INTRODUCTIONS_MANAGE: {Role.COORDINATOR},
    Perm.NOTIFY_CONFIGURE: {Role.ADMIN},
    Perm.PRIVACY_MANAGE: {Role.COORDINATOR, Role.ADMIN},
    Perm.BREACH_LOG: {Role.COUNCIL_OFFICER, Role.ADMIN},
    Perm.PROJECTS_PROPOSE: {
        Role.MEMBER,
        Role.SUPPORTER,
        Role.HELPER,
        Role.ORGANISATION_EDITOR,
        Role.COORDINATOR,
        Role.COUNCIL_OFFICER,
    },
    Perm.PROJECTS_ENTER: {Role.COORDINATOR, Role.COUNCIL_OFFICER},
    Perm.PROJECTS_CHECK: {Role.COUNCIL_OFFICER},
    Perm.ASSETS_MANAGE: {Role.COUNCIL_OFFICER},
    Perm.BUDGETING_MANAGE: {Role.COUNCIL_OFFICER},
    Perm.BALLOTS_ENTER: {Role.COORDINATOR, Role.COUNCIL_OFFICER},
    Perm.SURVEYS_RECORD: {Role.COORDINATOR},
    Perm.SAFEGUARDING_RAISE: {
        Role.HELPER,
        Role.ORGANISATION_EDITOR,
        Role.COORDINATOR,
        Role.COUNCIL_OFFICER,
        Role.SAFEGUARDING_LEAD,
    },
    Perm.SAFEGUARDING_LEAD: {Role.SAFEGUARDING_LEAD},
}


def test_every_role_has_an_entry_and_every_permission_is_expected():
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    assert set(EXPECTED) == set(Perm)


@pytest.mark.parametrize("perm", list(Perm))
@pytest.mark.parametrize("role", Role.values)
def test_each_role_holds_exactly_the_expected_permissions(
    testford, elsewhere, role, perm
):
    person = testford.by_role(role)
    assert has_perm(person, perm, testford.locality) == (role in EXPECTED[perm])
    # A role in one locality gives nothing in another.
    assert has_perm(person, perm, elsewhere.locality) is False


def test_a_closed_account_holds_nothing(testford):
    testford.coordinator.is_active = False
    assert roles_in(testford.coordinator, testford.locality) == frozenset()
    assert not has_perm(testford.coordinator, Perm.PEOPLE_VIEW, testford.locality)


def test_signed_out_visitors_hold_nothing(testford):
    from django.contrib.auth.models import AnonymousUser

    assert not has_perm(AnonymousUser(), Perm.OWN_RECORD, testford.locality)


def test_one_person_can_hold_several_roles(testford):
    testford.member.roles.create(locality=testford.locality, role=Role.HELPER)
    from kith.accounts.permissions import forget_roles

    forget_roles(testford.member)
    assert roles_in(testford.member, testford.locality) == {Role.MEMBER, Role.HELPER}


@pytest.mark.parametrize(
    ("role", "staff"),
    [
        (Role.MEMBER, False),
        (Role.HELPER, False),
        (Role.SUPPORTER, False),
        (Role.ORGANISATION_EDITOR, False),
        (Role.COORDINATOR, True),
        (Role.COUNCIL_OFFICER, True),
        (Role.SAFEGUARDING_LEAD, True),
        (Role.ADMIN, True),
    ],
)
def test_who_counts_as_staff(testford, role, staff):
    assert is_staff_person(testford.by_role(role)) is staff
