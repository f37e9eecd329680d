from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction

from kith.accounts.models import Role
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.credits import selectors, services
from kith.credits.models import Account, Entry, Transfer
from kith.credits.tests.factories import (
    assert_ledger_balances,
    make_helper,
    make_member,
)

TODAY = date(2026, 3, 3)


def topup(testford, person, amount, key="t1", **extra):
    values = {
        "actor": testford.coordinator,
        "locality": testford.locality,
        "member": person,
        "minutes": amount,
        "amount_pence": amount * 15,
        "method": "cash",
        "key": key,
    }
    values.update(extra)
    return services.topup_record(**values)


def settle(testford, member, helper, minutes, key="v1", **extra):
    values = {
        "actor": testford.coordinator,
        "locality": testford.locality,
        "visit_key": key,
        "member": member,
        "helper": helper,
        "minutes": minutes,
        "description": "gardening with Sam",
        "occurred_on": TODAY,
    }
    values.update(extra)
    return services.visit_credits_settle(**values)


def balance(person, locality, kind="member"):
    return services.balance_minutes(person=person, locality=locality, kind=kind)


# --- accounts and settings ------------------------------------------------------


def test_settings_are_made_with_the_defaults(testford):
    found = services.credit_settings_for(testford.locality)
    assert (found.minutes_per_credit, found.overdraft_limit_minutes) == (60, 0)
    assert services.credit_settings_for(testford.locality).pk == found.pk


def test_account_for_makes_one_account_per_person_and_kind(testford, joan):
    first = services.account_for(
        person=joan.person, locality=testford.locality, kind="member"
    )
    again = services.account_for(
        person=joan.person, locality=testford.locality, kind="member"
    )
    helper = services.account_for(
        person=joan.person, locality=testford.locality, kind="helper"
    )
    pot = services.account_for(person=None, locality=testford.locality, kind="pot")
    outside = services.account_for(
        person=None, locality=testford.locality, kind="outside"
    )
    assert first.pk == again.pk and len({first.pk, helper.pk, pot.pk}) == 3
    assert (first.floor_minutes, helper.floor_minutes, pot.floor_minutes) == (0, 0, 0)
    assert outside.floor_minutes is None
    with pytest.raises(ValueError, match="needs a person"):
        services.account_for(person=None, locality=testford.locality, kind="member")
    with pytest.raises(ValueError, match="has no person"):
        services.account_for(person=joan.person, locality=testford.locality, kind="pot")


def test_the_database_allows_one_shared_account_of_each_kind(testford):
    Account.objects.create(locality=testford.locality, kind="pot", floor_minutes=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(locality=testford.locality, kind="pot", floor_minutes=0)


def test_balance_is_zero_without_an_account(testford, joan):
    assert balance(joan.person, testford.locality) == 0
    assert not Account.objects.exists()


# --- transfer_create: the rules --------------------------------------------------


def _accounts(testford, joan, sam):
    return (
        services.account_for(person=None, locality=testford.locality, kind="outside"),
        services.account_for(
            person=joan.person, locality=testford.locality, kind="member"
        ),
        services.account_for(person=sam, locality=testford.locality, kind="helper"),
    )


@pytest.mark.parametrize(
    ("legs", "message"),
    [
        ([(0, -60)], "at least two accounts"),
        ([(0, -60), (1, 30)], "add up to nothing"),
        ([(0, -60), (1, 0), (2, 60)], "not 0"),
        ([(0, -60), (0, 60)], "only once"),
        ([(0, -1.5), (1, 1.5)], "whole number of minutes"),
    ],
)
def test_transfers_that_do_not_balance_are_refused(testford, joan, sam, legs, message):
    accounts = _accounts(testford, joan, sam)
    with pytest.raises(ApplicationError, match=message):
        services.transfer_create(
            actor=None,
            locality=testford.locality,
            key="bad",
            kind="adjustment",
            legs=[(accounts[i], minutes) for i, minutes in legs],
            description="",
        )
    assert not Transfer.objects.exists() and not Entry.objects.exists()


def test_accounts_of_another_locality_are_refused(testford, elsewhere, joan):
    mine = services.account_for(
        person=joan.person, locality=testford.locality, kind="member"
    )
    theirs = services.account_for(
        person=None, locality=elsewhere.locality, kind="outside"
    )
    with pytest.raises(ApplicationError, match="belong to this locality"):
        services.transfer_create(
            actor=None,
            locality=testford.locality,
            key="x",
            kind="topup",
            legs=[(theirs, -60), (mine, 60)],
            description="",
        )


def test_a_transfer_writes_entries_balances_and_an_audit_event(testford, joan, sam):
    outside, member, helper = _accounts(testford, joan, sam)
    made = services.transfer_create(
        actor=testford.coordinator,
        locality=testford.locality,
        key="three-way",
        kind="adjustment",
        legs=[(outside, -90), (member, 60), (helper, 30)],
        description="Opening balances",
        occurred_on=TODAY,
    )
    assert made.occurred_on == TODAY and made.actor == testford.coordinator
    entries = {e.account_id: (e.minutes, e.balance_after) for e in made.entries.all()}
    assert entries == {outside.pk: (-90, -90), member.pk: (60, 60), helper.pk: (30, 30)}
    event = AuditEvent.objects.get(action="credits_adjustment")
    assert event.target_id == str(made.pk) and event.data["key"] == "three-way"
    assert_ledger_balances()


# --- limits ----------------------------------------------------------------------


def test_a_member_cannot_spend_credit_they_do_not_have(testford, joan, sam):
    topup(testford, joan.person, 45)
    with pytest.raises(ApplicationError) as refused:
        settle(testford, joan.person, sam, 60)
    assert refused.value.message == (
        "Joan has 45 minutes of credit left, and this needs 1 hour."
    )
    assert balance(joan.person, testford.locality) == 45
    assert balance(sam, testford.locality, "helper") == 0
    assert Transfer.objects.filter(kind="visit").count() == 0
    settle(testford, joan.person, sam, 45)
    with pytest.raises(ApplicationError, match="Joan has no credit left"):
        settle(testford, joan.person, sam, 15, key="v2")
    assert_ledger_balances()


def test_the_locality_overdraft_lets_members_go_below_nothing(testford, joan, sam):
    services.credit_settings_update(
        actor=testford.admin,
        locality=testford.locality,
        minutes_per_credit=60,
        overdraft_limit_minutes=30,
    )
    settle(testford, joan.person, sam, 30)
    assert balance(joan.person, testford.locality) == -30
    with pytest.raises(ApplicationError, match="no credit left"):
        settle(testford, joan.person, sam, 15, key="v2")
    # Tightening the limit below a member's balance is refused...
    with pytest.raises(ApplicationError, match="1 members are more overdrawn"):
        services.credit_settings_update(
            actor=testford.admin,
            locality=testford.locality,
            minutes_per_credit=60,
            overdraft_limit_minutes=0,
        )
    # ...and allowed once they are topped up.
    topup(testford, joan.person, 30)
    services.credit_settings_update(
        actor=testford.admin,
        locality=testford.locality,
        minutes_per_credit=60,
        overdraft_limit_minutes=0,
    )
    assert Account.objects.get(kind="member").floor_minutes == 0
    assert_ledger_balances()


def test_one_member_can_have_their_own_overdraft(testford, joan, sam):
    member = services.account_for(
        person=joan.person, locality=testford.locality, kind="member"
    )
    services.account_overdraft_set(
        actor=testford.coordinator, account=member, overdraft_minutes=60
    )
    settle(testford, joan.person, sam, 60)
    assert balance(joan.person, testford.locality) == -60
    with pytest.raises(ApplicationError, match="already 1 hour overdrawn"):
        services.account_overdraft_set(
            actor=testford.coordinator, account=member, overdraft_minutes=None
        )
    with pytest.raises(PermissionDenied):
        services.account_overdraft_set(
            actor=testford.council_officer, account=member, overdraft_minutes=120
        )


def test_the_database_refuses_a_balance_below_the_floor(testford, joan):
    member = services.account_for(
        person=joan.person, locality=testford.locality, kind="member"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=member.pk).update(balance_minutes=-1)


def test_the_outside_world_has_no_limit(testford, joan):
    topup(testford, joan.person, 6000)
    outside = Account.objects.filter(kind="outside")
    assert sum(shard.balance_minutes for shard in outside) == -6000
    assert all(shard.spendable_minutes is None for shard in outside)
    assert (
        services.shared_balance_minutes(locality=testford.locality, kind="outside")
        == -6000
    )


# --- idempotency ---------------------------------------------------------------


def test_the_same_key_moves_credits_once(testford, joan, sam):
    topup(testford, joan.person, 120)
    first = settle(testford, joan.person, sam, 60)
    again = settle(testford, joan.person, sam, 60)
    assert first.pk == again.pk
    assert balance(joan.person, testford.locality) == 60
    assert Transfer.objects.filter(kind="visit").count() == 1
    assert AuditEvent.objects.filter(action="credits_visit").count() == 1


def test_a_retry_still_works_after_the_balance_has_gone(testford, joan, sam):
    topup(testford, joan.person, 60)
    first = settle(testford, joan.person, sam, 60)
    # The member now has nothing, but a retry of the same settlement must
    # return the first one rather than be refused for lack of credit.
    assert settle(testford, joan.person, sam, 60).pk == first.pk


def test_the_same_key_with_different_details_is_refused(testford, joan, sam):
    topup(testford, joan.person, 120)
    settle(testford, joan.person, sam, 60)
    with pytest.raises(ApplicationError) as refused:
        settle(testford, joan.person, sam, 45)
    assert refused.value.code == "key_reused"
    with pytest.raises(ApplicationError, match="different details"):
        settle(testford, joan.person, sam, 60, description="shopping")
    with pytest.raises(ApplicationError, match="different details"):
        settle(testford, joan.person, sam, 60, occurred_on=TODAY + timedelta(days=1))
    assert balance(joan.person, testford.locality) == 60


def test_a_top_up_sent_twice_adds_credits_once(testford, joan):
    topup(testford, joan.person, 300, key="form-1", method="cheque", reference="1234")
    topup(testford, joan.person, 300, key="form-1", method="cheque", reference="1234")
    assert balance(joan.person, testford.locality) == 300


# --- top-ups, grants, joining credits, gifts -------------------------------------


def test_a_coordinator_records_a_supporters_payment(testford, joan):
    made = topup(
        testford,
        joan.person,
        300,
        method="cheque",
        reference="000123",
        amount_pence=4500,
        paid_by_name="Sarah Smith",
        occurred_on=TODAY,
    )
    assert made.kind == "topup" and made.paid_by_name == "Sarah Smith"
    assert made.amount_pence == 4500 and made.on_behalf_of == joan.person
    assert balance(joan.person, testford.locality) == 300
    event = AuditEvent.objects.get(action="credits_topup")
    assert event.on_behalf_of == joan.person and event.actor == testford.coordinator


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"method": "cheque", "reference": ""}, "reference"),
        ({"method": "barter"}, "method"),
        ({"amount_pence": 0}, "amount"),
        ({"minutes": 0}, "credits"),
        ({"occurred_on": date(2999, 1, 1)}, "paid_on"),
    ],
)
def test_top_up_details_are_checked(testford, joan, extra, field):
    with pytest.raises(ApplicationError) as refused:
        topup(testford, joan.person, 60, **extra)
    assert refused.value.field == field
    assert not Transfer.objects.exists()


def test_only_members_can_be_topped_up(testford):
    with pytest.raises(ApplicationError, match="Only members"):
        topup(testford, testford.supporter, 60)


@pytest.mark.parametrize(
    "role",
    [
        Role.MEMBER,
        Role.SUPPORTER,
        Role.HELPER,
        Role.COUNCIL_OFFICER,
        Role.ADMIN,
        Role.ORGANISATION_EDITOR,
    ],
)
def test_only_coordinators_record_top_ups_and_reversals(testford, joan, role):
    with pytest.raises(PermissionDenied):
        topup(testford, joan.person, 60, actor=testford.by_role(role))
    made = topup(testford, joan.person, 60)
    with pytest.raises(PermissionDenied):
        services.transfer_reverse(
            actor=testford.by_role(role), transfer=made, reason="mistake"
        )


def test_a_coordinator_of_another_locality_cannot_top_up(testford, elsewhere, joan):
    with pytest.raises(PermissionDenied):
        topup(testford, joan.person, 60, actor=elsewhere.coordinator)


def test_the_council_grants_credits_to_concession_members_only(testford, iris, joan):
    made = services.grant_record(
        actor=testford.council_officer,
        locality=testford.locality,
        member=iris.person,
        minutes=300,
        reason="Winter support fund",
        key="g1",
    )
    assert made.kind == "grant" and made.description == "Winter support fund"
    assert balance(iris.person, testford.locality) == 300
    with pytest.raises(ApplicationError, match="concession membership, and Joan"):
        services.grant_record(
            actor=testford.council_officer,
            locality=testford.locality,
            member=joan.person,
            minutes=300,
            reason="Winter support fund",
            key="g2",
        )
    with pytest.raises(ApplicationError, match="what the grant is for"):
        services.grant_record(
            actor=testford.council_officer,
            locality=testford.locality,
            member=iris.person,
            minutes=60,
            reason=" ",
            key="g3",
        )
    for role in (Role.COORDINATOR, Role.MEMBER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.grant_record(
                actor=testford.by_role(role),
                locality=testford.locality,
                member=iris.person,
                minutes=60,
                reason="x",
                key=f"g-{role}",
            )
    assert_ledger_balances()


def test_joining_credits_are_issued_once_per_membership(testford, joan):
    first = services.joining_credits_grant(actor=testford.coordinator, membership=joan)
    again = services.joining_credits_grant(actor=testford.coordinator, membership=joan)
    assert first is not None and first.pk == again.pk
    assert first.key == f"joining:{joan.pk}" and first.kind == "joining"
    assert balance(joan.person, testford.locality) == 120
    assert (
        services.joining_credits_grant(
            actor=None,
            membership=make_member(testford.locality, joining_credits=0),
        )
        is None
    )
    with pytest.raises(PermissionDenied):
        services.joining_credits_grant(actor=testford.member, membership=joan)


def test_joining_credits_follow_the_locality_credit_size(testford, joan):
    services.credit_settings_update(
        actor=testford.admin,
        locality=testford.locality,
        minutes_per_credit=30,
        overdraft_limit_minutes=0,
    )
    services.joining_credits_grant(actor=None, membership=joan)
    assert balance(joan.person, testford.locality) == 60


def test_joining_credits_wait_for_the_membership_to_start(testford):
    applicant = make_member(testford.locality, status="applied")
    with pytest.raises(ApplicationError, match="when a membership starts"):
        services.joining_credits_grant(actor=None, membership=applicant)


def test_a_volunteer_helper_gives_credits_to_the_pot_or_a_member(testford, joan, sam):
    topup(testford, joan.person, 180)
    settle(testford, joan.person, sam, 120)
    to_pot = services.gift_give(
        actor=sam, locality=testford.locality, helper=sam, minutes=60, key="gift-1"
    )
    to_joan = services.gift_give(
        actor=sam,
        locality=testford.locality,
        helper=sam,
        minutes=30,
        key="gift-2",
        to_member=joan.person,
    )
    assert to_pot.kind == to_joan.kind == "gift"
    assert balance(sam, testford.locality, "helper") == 30
    assert services.shared_balance_minutes(locality=testford.locality, kind="pot") == 60
    assert balance(joan.person, testford.locality) == 90
    with pytest.raises(ApplicationError, match="Sam Okafor has 30 minutes"):
        services.gift_give(
            actor=sam, locality=testford.locality, helper=sam, minutes=60, key="g3"
        )
    assert_ledger_balances()


def test_paid_helpers_cannot_give_their_minutes(testford, joan, priya):
    topup(testford, joan.person, 60)
    settle(testford, joan.person, priya, 60)
    with pytest.raises(ApplicationError, match="Only volunteer helpers"):
        services.gift_give(
            actor=priya, locality=testford.locality, helper=priya, minutes=60, key="x"
        )


def test_only_the_helper_or_a_coordinator_gives_their_credits(testford, joan, sam):
    topup(testford, joan.person, 60)
    settle(testford, joan.person, sam, 60)
    with pytest.raises(PermissionDenied):
        services.gift_give(
            actor=joan.person,
            locality=testford.locality,
            helper=sam,
            minutes=30,
            key="x",
        )
    made = services.gift_give(
        actor=testford.coordinator,
        locality=testford.locality,
        helper=sam,
        minutes=30,
        key="y",
    )
    assert made.on_behalf_of == sam


def test_gifts_go_to_current_members_only(testford, sam, joan):
    topup(testford, joan.person, 60)
    settle(testford, joan.person, sam, 60)
    with pytest.raises(ApplicationError, match="current member"):
        services.gift_give(
            actor=sam,
            locality=testford.locality,
            helper=sam,
            minutes=30,
            key="x",
            to_member=testford.supporter,
        )
    with pytest.raises(ApplicationError, match="another member"):
        services.gift_give(
            actor=sam,
            locality=testford.locality,
            helper=sam,
            minutes=30,
            key="y",
            to_member=sam,
        )


def test_someone_who_is_not_a_helper_cannot_give(testford, joan):
    with pytest.raises(ApplicationError, match="Only Neighbourhood Helpers"):
        services.gift_give(
            actor=joan.person,
            locality=testford.locality,
            helper=joan.person,
            minutes=30,
            key="x",
        )


# --- reversals -----------------------------------------------------------------


def test_a_reversal_puts_a_transfer_right_once(testford, joan, sam):
    made = topup(testford, joan.person, 300)
    fix = services.transfer_reverse(
        actor=testford.coordinator, transfer=made, reason="Entered twice"
    )
    assert fix.kind == "reversal" and fix.reverses == made
    assert fix.description == "Entered twice"
    assert balance(joan.person, testford.locality) == 0
    # A double click returns the same correction...
    assert (
        services.transfer_reverse(
            actor=testford.coordinator, transfer=made, reason="Entered twice"
        ).pk
        == fix.pk
    )
    # ...a second, different reversal is refused, and so is reversing a reversal.
    with pytest.raises(ApplicationError, match="already been reversed"):
        services.transfer_reverse(
            actor=testford.coordinator, transfer=made, reason="Again"
        )
    with pytest.raises(ApplicationError, match="cannot itself be reversed"):
        services.transfer_reverse(
            actor=testford.coordinator, transfer=fix, reason="Oops"
        )
    assert Transfer.objects.filter(kind="reversal").count() == 1
    assert_ledger_balances()


def test_a_reversal_needs_a_reason(testford, joan):
    made = topup(testford, joan.person, 60)
    with pytest.raises(ApplicationError) as refused:
        services.transfer_reverse(actor=testford.coordinator, transfer=made, reason="")
    assert refused.value.field == "reason"


def test_a_reversal_that_would_break_a_limit_is_refused(testford, joan, sam):
    made = topup(testford, joan.person, 60)
    settle(testford, joan.person, sam, 60)
    with pytest.raises(ApplicationError, match="Joan has no credit left"):
        services.transfer_reverse(
            actor=testford.coordinator, transfer=made, reason="Cheque bounced"
        )
    assert not Transfer.objects.filter(kind="reversal").exists()


def test_the_database_allows_one_reversal_per_transfer(testford, joan):
    made = topup(testford, joan.person, 60)
    services.transfer_reverse(actor=testford.coordinator, transfer=made, reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            locality=testford.locality, key="sneaky", kind="reversal", reverses=made
        )


# --- the database guards the ledger ---------------------------------------------


def test_entries_and_transfers_cannot_be_changed(testford, joan):
    made = topup(testford, joan.person, 60)
    with pytest.raises(ApplicationError):
        Entry.objects.filter(transfer=made).update(minutes=600)
    with pytest.raises(ApplicationError):
        Entry.objects.filter(transfer=made).delete()
    with pytest.raises(ApplicationError):
        made.delete()
    with pytest.raises(ApplicationError):
        made.save()
    # Going round the ORM, the database refuses.
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE credits_entry SET minutes = 600")
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE credits_transfer SET description = 'x'")
    assert_ledger_balances()


def test_entry_minutes_are_never_zero_in_the_database(testford, joan):
    made = topup(testford, joan.person, 60)
    account = Account.objects.get(kind="member")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.bulk_create(
            [Entry(transfer=made, account=account, minutes=0, balance_after=0)]
        )


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no statement triggers, and its test "
    "databases are emptied row by row, so deletes are refused by Kith only",
)
def test_postgresql_refuses_deletes_and_unbalanced_transfers(testford, joan):
    made = topup(testford, joan.person, 60)
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM credits_entry")
    pot = services.account_for(person=None, locality=testford.locality, kind="pot")
    lonely = Transfer.objects.create(
        locality=testford.locality, key="lonely", kind="adjustment"
    )
    with pytest.raises(DatabaseError, match="does not balance"), transaction.atomic():
        Entry.objects.bulk_create(
            [Entry(transfer=lonely, account=pot, minutes=60, balance_after=60)]
        )
    assert made.entries.count() == 2


# --- statements and payroll ------------------------------------------------------


def test_statement_lines_say_what_happened_in_plain_words(testford, joan, sam):
    topup(
        testford,
        joan.person,
        300,
        method="cheque",
        reference="1",
        occurred_on=date(2026, 3, 7),
        key="t-cheque",
    )
    settle(testford, joan.person, sam, 60, occurred_on=date(2026, 3, 3))
    account = Account.objects.get(kind="member")
    lines = selectors.statement_lines(
        account=account,
        entries=selectors.statement_entries(account=account).object_list,
        today=date(2026, 3, 10),
    )
    # The top-up was recorded first but happened last: it comes first.
    assert [line.text for line in lines] == [
        "Saturday 7 March: credits bought by cheque — 5 credits",
        "Tuesday 3 March: 1 hour of gardening with Sam — 1 credit",
    ]
    assert [line.balance_after for line in lines] == [240, -60]
    helper = Account.objects.get(kind="helper")
    (line,) = selectors.statement_lines(
        account=helper,
        entries=selectors.statement_entries(account=helper).object_list,
        today=date(2026, 3, 10),
    )
    assert line.text == "Tuesday 3 March: 1 hour helping Joan — 1 credit"


def _reads_in_order(lines):
    """Each line's balance is the one below it plus what the line moved."""
    below = 0
    for line in reversed(lines):
        assert line.balance_after == below + line.minutes
        below = line.balance_after


def test_a_helper_statement_is_in_the_order_visits_happened(testford, joan, sam):
    topup(testford, joan.person, 600, occurred_on=date(2026, 2, 1))
    # Settled out of order: the visit of 5 March first, then 1 March, 3 March,
    # and two on 4 March, recorded the other way round.
    for key, day, minutes in [
        ("v5", date(2026, 3, 5), 60),
        ("v1", date(2026, 3, 1), 45),
        ("v3", date(2026, 3, 3), 30),
        ("v4b", date(2026, 3, 4), 15),
        ("v4a", date(2026, 3, 4), 90),
    ]:
        settle(testford, joan.person, sam, minutes, key=key, occurred_on=day)
    helper = Account.objects.get(kind="helper")
    lines = selectors.statement_lines(
        account=helper,
        entries=selectors.statement_entries(account=helper).object_list,
        today=date(2026, 3, 10),
    )
    assert [line.day for line in lines] == sorted(
        (line.day for line in lines), reverse=True
    )
    # On one day, the one recorded last comes first.
    assert [line.minutes for line in lines] == [60, 90, 15, 30, 45]
    assert [line.balance_after for line in lines] == [240, 180, 90, 75, 45]
    _reads_in_order(lines)
    assert lines[0].balance_after == helper.balance_minutes
    member = Account.objects.get(kind="member")
    member_lines = selectors.statement_lines(
        account=member,
        entries=selectors.statement_entries(account=member).object_list,
        today=date(2026, 3, 10),
    )
    assert [line.balance_after for line in member_lines] == [
        360,
        420,
        510,
        525,
        555,
        600,
    ]
    _reads_in_order(member_lines)


def test_a_correction_reads_as_one(testford, joan):
    made = topup(testford, joan.person, 300, occurred_on=date(2026, 3, 7))
    services.transfer_reverse(
        actor=testford.coordinator, transfer=made, reason="entered twice"
    )
    account = Account.objects.get(kind="member")
    lines = selectors.statement_lines(
        account=account,
        entries=selectors.statement_entries(account=account).object_list,
        today=date(2026, 3, 10),
    )
    assert lines[0].what == (
        "correction to Saturday 7 March (credits bought with cash): entered twice"
    )
    assert not lines[0].incoming and lines[1].reversed


def test_payroll_counts_paid_helpers_settled_visits_in_the_period(
    testford, joan, sam, priya
):
    other_paid = make_helper(testford.locality, "Ade Mensah", pay_basis="paid")
    topup(testford, joan.person, 600)
    settle(testford, joan.person, priya, 60, key="a", occurred_on=date(2026, 2, 3))
    settle(testford, joan.person, priya, 90, key="b", occurred_on=date(2026, 2, 28))
    wrong = settle(
        testford, joan.person, priya, 45, key="c", occurred_on=date(2026, 2, 10)
    )
    settle(testford, joan.person, priya, 30, key="d", occurred_on=date(2026, 3, 1))
    settle(testford, joan.person, sam, 60, key="e", occurred_on=date(2026, 2, 5))
    services.transfer_reverse(
        actor=testford.coordinator, transfer=wrong, reason="Visit did not happen"
    )
    rows = selectors.payroll_for(
        actor=testford.coordinator,
        locality=testford.locality,
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
    )
    assert [(r.helper.full_name, r.visits, r.minutes, r.hours) for r in rows] == [
        ("Ade Mensah", 0, 0, "0.00"),
        ("Priya Shah", 2, 150, "2.50"),
    ]
    assert other_paid
    csv_rows = selectors.payroll_export_rows(
        actor=testford.admin,
        locality=testford.locality,
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
    )
    assert csv_rows[0][:2] == ["Helper", "Helper number"]
    assert csv_rows[2] == [
        "Priya Shah",
        priya.pk,
        "2026-02-01",
        "2026-02-28",
        2,
        150,
        "2.50",
    ]
    event = AuditEvent.objects.get(action="payroll_exported")
    assert event.actor == testford.admin and event.data["minutes"] == 150
    _helper, entries = selectors.payroll_detail_for(
        actor=testford.coordinator,
        locality=testford.locality,
        person_pk=priya.pk,
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
    )
    assert [e.minutes for e in entries] == [60, 45, 90]
    assert {e.member_name for e in entries} == {"Joan"}


@pytest.mark.parametrize(
    "role", [Role.MEMBER, Role.HELPER, Role.SUPPORTER, Role.COUNCIL_OFFICER]
)
def test_payroll_is_for_coordinators_and_admins(testford, role):
    with pytest.raises(PermissionDenied):
        selectors.payroll_for(
            actor=testford.by_role(role),
            locality=testford.locality,
            start=date(2026, 2, 1),
            end=date(2026, 2, 28),
        )


def test_statements_are_for_the_owner_and_coordinators(testford, joan, sam):
    topup(testford, joan.person, 60)
    account = Account.objects.get(kind="member")
    assert (
        selectors.account_get_for(
            actor=joan.person, locality=testford.locality, pk=account.pk
        )
        == account
    )
    selectors.account_get_for(
        actor=testford.coordinator, locality=testford.locality, pk=account.pk
    )
    assert AuditEvent.objects.filter(action="credit_statement_viewed").count() == 1
    for someone in (sam, testford.council_officer, testford.admin, testford.supporter):
        with pytest.raises(PermissionDenied):
            selectors.account_get_for(
                actor=someone, locality=testford.locality, pk=account.pk
            )


def test_settings_are_for_administrators(testford):
    with pytest.raises(PermissionDenied):
        services.credit_settings_update(
            actor=testford.coordinator,
            locality=testford.locality,
            minutes_per_credit=30,
            overdraft_limit_minutes=0,
        )
    with pytest.raises(ApplicationError):
        services.credit_settings_update(
            actor=testford.admin,
            locality=testford.locality,
            minutes_per_credit=0,
            overdraft_limit_minutes=0,
        )


# --- the one statement (PostgreSQL) and the caller's transaction ---------------


def test_a_transfer_audits_as_audit_record_does(testford, joan, sam):
    """On PostgreSQL the audit event is written by the transfer's own
    statement; it must say what kith.core.services.audit_record would."""
    from kith.core.context import RequestContext, request_context
    from kith.core.services import audit_record

    topup(testford, joan.person, 120)
    settle(testford, joan.person, sam, 60)
    acting = RequestContext(
        ip_address="203.0.113.9",
        acting_for_id=sam.pk,
        locality_id=testford.locality.pk,
    )
    with request_context(acting):
        made = services.gift_give(
            actor=testford.coordinator,
            locality=testford.locality,
            helper=sam,
            minutes=30,
            key="gift-audited",
        )
        expected = audit_record(
            actor=testford.coordinator,
            action="credits_gift",
            target=made,
            on_behalf_of=made.on_behalf_of,
            locality=testford.locality,
        )
    event = AuditEvent.objects.filter(action="credits_gift").order_by("pk").first()
    for field in (
        "actor_id",
        "on_behalf_of_id",
        "target_type",
        "target_id",
        "target_label",
        "locality_id",
        "ip_address",
    ):
        assert getattr(event, field) == getattr(expected, field), field
    assert event.on_behalf_of_id == sam.pk and event.ip_address == "203.0.113.9"
    account_ids = sorted(made.entries.values_list("account_id", flat=True))
    assert event.data["key"] == "gift-audited"
    assert sorted(leg[0] for leg in event.data["legs"]) == account_ids


def test_a_refusal_inside_a_callers_transaction_leaves_it_usable(testford, joan, sam):
    """visit_credits_settle is called inside help's own transaction: a refusal (or a
    retry answered with the first transfer) must not spoil it."""
    topup(testford, joan.person, 60)
    with transaction.atomic():
        first = settle(testford, joan.person, sam, 60, key="in-caller")
        with pytest.raises(ApplicationError, match="no credit left"):
            settle(testford, joan.person, sam, 30, key="in-caller-2")
        assert settle(testford, joan.person, sam, 60, key="in-caller").pk == first.pk
        # The caller's transaction still works.
        assert Transfer.objects.filter(kind="visit").count() == 1
    assert_ledger_balances()


def test_a_first_settlement_makes_the_helpers_account(testford, joan, sam):
    topup(testford, joan.person, 60)
    assert not Account.objects.filter(kind="helper").exists()
    settle(testford, joan.person, sam, 60)
    assert Account.objects.get(kind="helper", person=sam).balance_minutes == 60


# --- leaving ---------------------------------------------------------------------


def leave(testford, membership, choice, to=None):
    from kith.members.services import membership_leave

    return membership_leave(
        actor=testford.coordinator,
        membership=membership,
        credits_choice=choice,
        credits_to=to,
    )


@pytest.mark.parametrize(("choice", "kind"), [("refund", "outside"), ("circle", "pot")])
def test_a_leaving_members_credits_go_where_they_chose(testford, joan, choice, kind):
    topup(testford, joan.person, 90)
    outside_before = services.shared_balance_minutes(
        locality=testford.locality, kind="outside"
    )
    leave(testford, joan, choice)
    assert balance(joan.person, testford.locality) == 0
    after = services.shared_balance_minutes(locality=testford.locality, kind=kind)
    assert after == (90 if kind == "pot" else outside_before + 90)
    transfer = Transfer.objects.get(kind="leaving")
    assert (
        transfer.key == f"leaving:{joan.pk}" and transfer.actor == testford.coordinator
    )
    assert_ledger_balances()


def test_a_leaving_members_credits_may_go_to_another_member(testford, joan, iris):
    topup(testford, joan.person, 90)
    before = balance(iris.person, testford.locality)
    leave(testford, joan, "member", to=iris)
    assert balance(joan.person, testford.locality) == 0
    assert balance(iris.person, testford.locality) == before + 90
    account = Account.objects.get(kind="member", person=iris.person)
    lines = selectors.statement_lines(
        account=account,
        entries=selectors.statement_entries(account=account).object_list,
    )
    assert lines[-1].what == "credits left to you by Joan"
    assert_ledger_balances()


def test_leaving_with_no_credits_moves_nothing(testford):
    from tests.factories import UserFactory

    member = make_member(testford.locality, person=UserFactory(), joining_credits=0)
    leave(testford, member, "refund")
    assert not Transfer.objects.filter(kind="leaving").exists()


def test_the_database_refuses_changing_a_transfer(testford, joan):
    transfer = topup(testford, joan.person, 60)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(
            "UPDATE credits_transfer SET description = %s WHERE id = %s",
            ["changed", transfer.pk],
        )


def test_every_page_of_a_statement_reads_on_from_the_one_before(testford, joan, sam):
    topup(testford, joan.person, 6000, occurred_on=date(2026, 1, 1))
    for n in range(23):
        # Recorded in a muddled order, as late settlements are.
        day = date(2026, 2, 1) + timedelta(days=(n * 7) % 23)
        settle(testford, joan.person, sam, 15 + n, key=f"p{n}", occurred_on=day)
    member = Account.objects.get(kind="member")
    balances = []
    for number in (1, 2, 3):
        page = selectors.statement_entries(account=member, number=number, per_page=10)
        lines = selectors.statement_lines(account=member, entries=page.object_list)
        balances += [(line.balance_after, line.minutes) for line in lines]
    assert len(balances) == 24
    assert balances[0][0] == member.balance_minutes
    # Each balance is the running total in the order things happened.
    happened = sorted(
        Entry.objects.filter(account=member).select_related("transfer"),
        key=lambda e: (e.transfer.occurred_on, e.transfer.created_at, e.pk),
    )
    running, expected = 0, []
    for entry in happened:
        running += entry.minutes
        expected.append(running)
    assert [balance for balance, _m in balances] == expected[::-1]
    everything = selectors.statement_entries(account=member).object_list
    whole = selectors.statement_lines(account=member, entries=everything)
    assert [(line.balance_after, line.minutes) for line in whole] == balances
