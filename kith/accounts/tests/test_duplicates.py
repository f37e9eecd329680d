"""One model of possible duplicates for every part: each pair once, the
record known first first, and a decision made in one part holds in all."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils.html import escape

from kith.accounts.models import PossibleDuplicate
from kith.accounts.selectors import duplicates_decided, duplicates_open_for
from kith.accounts.services import duplicate_decision_record, duplicate_flag
from kith.core.errors import ApplicationError
from tests.factories import HelperProfileFactory, MembershipFactory, UserFactory


def test_a_pair_is_kept_once_whichever_side_found_it(testford):
    older, newer = UserFactory(), UserFactory()
    one = duplicate_flag(
        locality=testford.locality, person=newer, other=older, reason="phone"
    )
    two = duplicate_flag(
        locality=testford.locality, person=older, other=newer, reason="email"
    )
    assert one.pk == two.pk
    assert (one.first, one.second, one.reason) == (older, newer, "phone")
    assert duplicates_open_for(locality=testford.locality, person=newer) == [one]
    with pytest.raises(ApplicationError, match="two different"):
        duplicate_flag(
            locality=testford.locality, person=older, other=older, reason="phone"
        )


def test_a_decision_holds_and_a_different_one_is_refused(testford):
    older, newer = UserFactory(), UserFactory()
    actor = testford.coordinator
    locality = testford.locality
    pair, changed = duplicate_decision_record(
        actor=actor, locality=locality, person=newer, other=older, decision="kept"
    )
    assert changed and pair.decided_by == actor and pair.reason == "decided"
    again, changed = duplicate_decision_record(
        actor=actor, locality=locality, person=older, other=newer, decision="kept"
    )
    assert again.pk == pair.pk and not changed
    with pytest.raises(ApplicationError, match="already been decided"):
        duplicate_decision_record(
            actor=actor, locality=locality, person=older, other=newer, decision="merged"
        )
    merged, changed = duplicate_decision_record(
        actor=actor,
        locality=locality,
        person=older,
        other=newer,
        decision="merged",
        replace_decided=True,
    )
    assert changed and merged.decision == "merged"
    assert duplicates_decided(locality=locality, people=[newer.pk]) == {
        (older.pk, newer.pk)
    }


def test_kept_apart_on_the_helpers_list_is_no_longer_flagged_on_the_members_list(
    client, testford
):
    from kith.helpers.services import duplicate_keep_both

    born = date(1950, 1, 2)
    helper = HelperProfileFactory(locality=testford.locality, date_of_birth=born)
    member = MembershipFactory(locality=testford.locality, date_of_birth=born)
    pair = duplicate_flag(
        locality=testford.locality,
        person=member.person,
        other=helper.user,
        reason="name_birth",
    )
    client.force_login(testford.coordinator)
    record = reverse("members:member", args=[member.pk])
    flagged = reverse("members:list") + "?duplicates=on"
    assert "This may be someone we already know." in client.get(record).text
    # As the page writes it (a name such as O'Sullivan is escaped).
    name = escape(member.person.full_name)
    assert name in client.get(flagged).text

    duplicate_keep_both(
        actor=testford.coordinator,
        locality=testford.locality,
        person=helper.user,
        other=member.person,
    )

    pair.refresh_from_db()
    assert pair.decision == "kept" and pair.decided_by == testford.coordinator
    assert "This may be someone we already know." not in client.get(record).text
    assert name not in client.get(flagged).text
    assert PossibleDuplicate.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_moving_to_one_model_keeps_every_flag_and_decision():
    """accounts 0007 copies members' flags and helpers' decisions: a pair in
    both keeps the decision, and nothing is lost."""
    before = [
        ("accounts", "0006_possible_duplicate"),
        ("members", "0001_initial"),
        ("helpers", "0001_initial"),
    ]
    after = [
        ("accounts", "0007_possible_duplicates_moved"),
        ("members", "0002_possible_duplicate_moved_to_accounts"),
        ("helpers", "0002_duplicate_decision_moved_to_accounts"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    try:
        locality = old.get_model("places", "Locality").objects.create(
            slug="old", name="Old Circle"
        )
        user = old.get_model("accounts", "User")
        amy, bea, cat, dan = (
            user.objects.create(email=f"{n}@example.com", full_name=n)
            for n in ("Amy", "Bea", "Cat", "Dan")
        )
        plan = old.get_model("members", "MembershipPlan").objects.create(
            locality=locality, name="Full", yearly_fee_pence=0, concession_fee_pence=0
        )
        membership = old.get_model("members", "Membership")
        bea_joined = membership.objects.create(
            locality=locality,
            person=bea,
            plan=plan,
            joined_how="online",
            date_of_birth=date(1940, 1, 1),
        )
        flag = old.get_model("members", "PossibleDuplicate")
        # Bea joined and looked like Amy (open); and like Cat, also decided
        # apart on the helpers' list.
        flag.objects.create(membership=bea_joined, other=amy, reason="phone")
        flag.objects.create(membership=bea_joined, other=cat, reason="email")
        decision = old.get_model("helpers", "DuplicateDecision")
        decision.objects.create(
            locality=locality, first=bea, second=cat, decided_by=dan
        )
        decision.objects.create(
            locality=locality, first=amy, second=dan, decided_by=dan
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        pairs = {
            (p.first_id, p.second_id): (p.reason, p.decision)
            for p in new.get_model("accounts", "PossibleDuplicate").objects.all()
        }
        assert pairs == {
            (amy.pk, bea.pk): ("phone", "open"),
            (bea.pk, cat.pk): ("decided", "kept"),
            (amy.pk, dan.pk): ("decided", "kept"),
        }
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
