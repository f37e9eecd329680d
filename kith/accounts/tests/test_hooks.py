"""Hooks that accounts runs for the parts above it."""

import pytest

from kith.accounts.hooks import person_moved
from kith.accounts.models import User
from kith.accounts.services import person_contact_update


def test_a_change_of_postcode_tells_the_parts_above(testford):
    moved = []
    with person_moved.connected(lambda *, person: moved.append(person.postcode)):
        person_contact_update(
            actor=testford.coordinator,
            person=testford.member,
            locality=testford.locality,
            postcode="SE17 3BB",
        )
    assert moved == ["SE17 3BB"]


def test_other_changes_do_not(testford):
    moved = []
    with person_moved.connected(lambda *, person: moved.append(person)):
        person_contact_update(
            actor=testford.coordinator,
            person=testford.member,
            locality=testford.locality,
            preferred_name="Bobby",
        )
    assert moved == []


def test_if_a_part_above_fails_the_move_is_not_kept(testford):
    before = User.objects.get(pk=testford.member.pk).postcode

    def fails(*, person):
        raise RuntimeError("the members part could not follow the move")

    with person_moved.connected(fails), pytest.raises(RuntimeError):
        person_contact_update(
            actor=testford.coordinator,
            person=testford.member,
            locality=testford.locality,
            postcode="SE17 3BB",
        )
    assert User.objects.get(pk=testford.member.pk).postcode == before != "SE17 3BB"


def test_members_follow_a_move_through_the_hook():
    from kith.members.services import memberships_ward_refresh

    assert memberships_ward_refresh in person_moved.receivers
