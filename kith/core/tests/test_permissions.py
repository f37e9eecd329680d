"""Apps below accounts ask kith.core.permissions; accounts answers."""

import pytest
from django.core.exceptions import PermissionDenied

from kith.accounts.models import Role
from kith.accounts.permissions import Perm
from kith.accounts.permissions import has_perm as accounts_has_perm
from kith.core.permissions import has_perm, perm_check, require_perm


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("perm", [Perm.PLACES_VIEW, Perm.CALL_LIST, Perm.AUDIT_VIEW])
def test_core_gives_the_same_answer_as_accounts(testford, role, perm):
    person = testford.by_role(role)
    expected = accounts_has_perm(person, perm, testford.locality)
    assert has_perm(person, perm.value, testford.locality) is expected


def test_require_perm_refuses_those_without_it(testford):
    require_perm(testford.council_officer, "places_view", testford.locality)
    with pytest.raises(PermissionDenied):
        require_perm(testford.member, "places_view", testford.locality)


def test_an_unknown_permission_is_an_error_not_a_refusal(testford):
    with pytest.raises(ValueError, match="places_veiw"):
        has_perm(testford.coordinator, "places_veiw", testford.locality)


def test_with_nobody_to_answer_everything_is_refused(testford):
    saved = perm_check.receivers
    for receiver in saved:
        perm_check.unregister(receiver)
    try:
        assert not has_perm(testford.admin, "places_view", testford.locality)
        with pytest.raises(PermissionDenied):
            require_perm(testford.admin, "places_view", testford.locality)
    finally:
        for receiver in saved:
            perm_check.register(receiver)


def test_any_one_refusal_refuses(testford):
    def says_no(*, user, perm, locality):
        return False

    assert has_perm(testford.admin, "places_view", testford.locality)
    with perm_check.connected(says_no):
        assert not has_perm(testford.admin, "places_view", testford.locality)
