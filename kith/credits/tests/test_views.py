import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from kith.accounts.models import Role
from kith.core.models import AuditEvent
from kith.credits import services
from kith.credits.models import Account, Transfer
from kith.credits.tests.factories import (
    assert_ledger_balances,
    make_member,
)
from kith.members.models import SupporterLink


def topup(testford, person, minutes, key, **extra):
    values = {
        "actor": testford.coordinator,
        "locality": testford.locality,
        "member": person,
        "minutes": minutes,
        "amount_pence": 1500,
        "method": "cash",
        "key": key,
    }
    values.update(extra)
    return services.topup_record(**values)


def settle(testford, member, helper, minutes, key, day=None):
    return services.visit_credits_settle(
        actor=testford.coordinator,
        locality=testford.locality,
        visit_key=key,
        member=member,
        helper=helper,
        minutes=minutes,
        description="gardening with Sam",
        occurred_on=day or timezone.localdate(),
    )


def page_of(client, name, *args, **query):
    response = client.get(reverse(name, args=args), query)
    return response.status_code, response.content.decode()


# --- who may see what ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COORDINATOR, 200),
        (Role.ADMIN, 403),
        (Role.COUNCIL_OFFICER, 403),
        (Role.MEMBER, 403),
        (Role.HELPER, 403),
        (Role.SUPPORTER, 403),
        (Role.ORGANISATION_EDITOR, 403),
    ],
)
def test_coordinator_pages_by_role(client, testford, joan, role, status):
    made = topup(testford, joan.person, 60, "t1")
    client.force_login(testford.by_role(role))
    assert client.get(reverse("credits:accounts")).status_code == status
    for name, args in [
        ("credits:member", [joan.person.pk]),
        ("credits:topup", [joan.person.pk]),
        ("credits:transfer", [made.pk]),
        ("credits:reverse", [made.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == status, name


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COUNCIL_OFFICER, 200),
        (Role.COORDINATOR, 403),
        (Role.ADMIN, 403),
        (Role.MEMBER, 403),
    ],
)
def test_grant_pages_by_role(client, testford, iris, role, status):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("credits:grants")).status_code == status
    assert (
        client.get(reverse("credits:grant", args=[iris.person.pk])).status_code
        == status
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COORDINATOR, 200),
        (Role.ADMIN, 200),
        (Role.COUNCIL_OFFICER, 403),
        (Role.HELPER, 403),
        (Role.MEMBER, 403),
    ],
)
def test_payroll_page_by_role(client, testford, role, status):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("credits:payroll")).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ADMIN, 200), (Role.COORDINATOR, 403), (Role.MEMBER, 403)],
)
def test_settings_page_by_role(client, testford, role, status):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("credits:settings")).status_code == status


def test_a_coordinator_elsewhere_cannot_see_a_member_here(client, elsewhere, joan):
    client.force_login(elsewhere.coordinator)
    assert client.get(reverse("credits:member", args=[joan.person.pk])).status_code in (
        403,
        404,
    )


def test_someone_who_is_not_a_member_is_told_how_to_join(client, testford):
    client.force_login(testford.organisation_editor)
    status, page = page_of(client, "credits:mine")
    assert status == 404 and "Credits are for members of the circle" in page


def test_a_member_cannot_open_someone_elses_account(client, testford, joan):
    topup(testford, joan.person, 60, "t1")
    other = make_member(testford.locality, "Other Person")
    client.force_login(other.person)
    account = Account.objects.get(kind="member", person=joan.person)
    assert client.get(reverse("credits:account", args=[account.pk])).status_code == 403


# --- what a member sees ------------------------------------------------------------


def test_a_member_sees_their_balance_and_statement_in_plain_words(
    client, testford, scenario_member, sam
):
    person = testford.member
    topup(
        testford,
        person,
        300,
        "t1",
        method="cheque",
        reference="000123",
        occurred_on=date(2026, 3, 7),
    )
    settle(testford, person, sam, 90, "v1", day=date(2026, 3, 10))
    client.force_login(person)
    status, page = page_of(client, "credits:mine")
    assert status == 200
    assert "Your credits" in page and "3.5 credits" in page
    assert "That is 3 hours 30 minutes of help." in page
    assert "Saturday 7 March" in page and "Credits bought by cheque" in page
    assert (
        "Tuesday 10 March" in page and "1 hour 30 minutes of gardening with Sam" in page
    )
    assert "1.5 credits" in page and "5 credits" in page
    # Members never see who recorded it or the payment reference.
    assert "000123" not in page and testford.coordinator.full_name not in page


def test_a_member_with_nothing_yet_sees_a_kind_empty_statement(
    client, testford, scenario_member
):
    client.force_login(testford.member)
    status, page = page_of(client, "credits:mine")
    assert status == 200 and "0 credits" in page and "Nothing has happened yet" in page


def test_a_helper_sees_the_time_they_gave(client, testford, joan, sam):
    topup(testford, joan.person, 120, "t1")
    settle(testford, joan.person, sam, 60, "v1")
    client.force_login(sam)
    status, page = page_of(client, "credits:helper_mine")
    assert status == 200 and "1 hour helping Joan" in page
    assert "Give credits" in page
    client.force_login(joan.person)
    assert client.get(reverse("credits:helper_mine")).status_code == 404


def test_a_helper_statement_reads_in_date_order_when_settled_out_of_order(
    client, testford, joan, sam
):
    import re

    topup(testford, joan.person, 600, "t1", occurred_on=date(2026, 2, 1))
    # The report from new users: settled out of order, "balance after" read
    # 3, 1.75, 1, 2, 1.
    settle(testford, joan.person, sam, 60, "v1", day=date(2026, 3, 2))
    settle(testford, joan.person, sam, 60, "v2", day=date(2026, 3, 9))
    settle(testford, joan.person, sam, 15, "v3", day=date(2026, 3, 5))
    settle(testford, joan.person, sam, 45, "v4", day=date(2026, 3, 6))
    settle(testford, joan.person, sam, 60, "v5", day=date(2026, 3, 1))
    client.force_login(sam)
    status, page = page_of(client, "credits:helper_mine")
    assert status == 200
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows[1:]]
    assert [c[0] for c in cells] == [
        "Monday 9 March",
        "Friday 6 March",
        "Thursday 5 March",
        "Monday 2 March",
        "Sunday 1 March",
    ]
    assert [c[-1] for c in cells] == [
        "4 credits",
        "3 credits",
        "2.25 credits",
        "2 credits",
        "1 credit",
    ]


# --- supporters ------------------------------------------------------------------


def _link(testford, membership, see_credits):
    return SupporterLink.objects.create(
        membership=membership,
        supporter=testford.supporter,
        name=testford.supporter.full_name,
        relationship="daughter",
        status="active",
        share_visits=True,
        see_credits=see_credits,
        consent_how="online",
    )


def test_a_supporter_allowed_to_see_credits_sees_balance_and_statement(
    client, testford, joan, sam
):
    topup(testford, joan.person, 120, "t1")
    settle(testford, joan.person, sam, 60, "v1")
    link = _link(testford, joan, see_credits=True)
    client.force_login(testford.supporter)
    status, page = page_of(client, "credits:supporting", link.pk)
    assert status == 200 and "Joan Smith’s credits" in page and "1 credit" in page
    assert "gardening with Sam" in page
    link.status = "ended"
    link.save()
    assert client.get(reverse("credits:supporting", args=[link.pk])).status_code == 404


def test_a_supporter_not_allowed_to_see_credits_is_refused_them(
    client, testford, joan, sam
):
    """Seeing visits is not seeing credits: the member chooses each (ADR 0021)."""
    topup(testford, joan.person, 120, "t1")
    link = _link(testford, joan, see_credits=False)
    client.force_login(testford.supporter)
    response = client.get(reverse("credits:supporting", args=[link.pk]))
    assert response.status_code == 403
    assert "1 credit" not in response.content.decode()


# --- coordinators ----------------------------------------------------------------


def _topup_form(**overrides):
    data = {
        "credits": "5",
        "amount": "45",
        "method": "cheque",
        "reference": "000123",
        "paid_by": "member",
        "paid_on_day": "7",
        "paid_on_month": "3",
        "paid_on_year": "2026",
        "key": "form-key-1",
    }
    data.update(overrides)
    return data


def test_a_coordinator_records_a_top_up_once_even_if_sent_twice(client, testford, joan):
    client.force_login(testford.coordinator)
    url = reverse("credits:topup", args=[joan.person.pk])
    first = client.post(url, _topup_form())
    assert first["Location"] == reverse("credits:member", args=[joan.person.pk])
    second = client.post(url, _topup_form())
    assert second.status_code == 302
    assert Transfer.objects.filter(kind="topup").count() == 1
    made = Transfer.objects.get(kind="topup")
    assert made.amount_pence == 4500 and made.payment_reference == "000123"
    assert made.occurred_on == date(2026, 3, 7)
    page = client.get(first["Location"]).content.decode()
    assert "5 credits added to Joan Smith’s credits." in page
    assert "Credits bought by cheque" in page


def test_a_top_up_with_mistakes_changes_nothing(client, testford, joan):
    client.force_login(testford.coordinator)
    url = reverse("credits:topup", args=[joan.person.pk])
    page = client.post(
        url, _topup_form(credits="lots", amount="", reference="", paid_by="other")
    ).content.decode()
    assert "There is a problem" in page
    assert "Enter the number of credits, like 5 or 2.5." in page
    assert "Enter how much was paid." in page
    assert "Enter the name of the person who paid." in page
    page = client.post(url, _topup_form(reference="")).content.decode()
    assert "Enter the payment reference, so it can be found later." in page
    assert not Transfer.objects.exists()


def test_a_top_up_can_say_a_supporter_paid(client, testford, joan):
    link = _link(testford, joan, see_credits=False)
    client.force_login(testford.coordinator)
    page = client.get(reverse("credits:topup", args=[joan.person.pk])).content.decode()
    assert f"{testford.supporter.full_name}, their supporter" in page
    client.post(
        reverse("credits:topup", args=[joan.person.pk]),
        _topup_form(paid_by=f"supporter:{link.pk}"),
    )
    assert Transfer.objects.get().paid_by_name == testford.supporter.full_name


def test_a_coordinator_reverses_a_transfer_after_confirming(client, testford, joan):
    made = topup(testford, joan.person, 300, "t1")
    client.force_login(testford.coordinator)
    url = reverse("credits:reverse", args=[made.pk])
    page = client.post(url, {"reason": ""}).content.decode()
    assert "Enter why this is being put right." in page
    page = client.post(url, {"reason": "Entered twice"}).content.decode()
    assert "Are you sure you want to reverse this transfer?" in page
    assert "minus 5 credits" in page
    assert not Transfer.objects.filter(kind="reversal").exists()
    response = client.post(url, {"reason": "Entered twice", "confirm": "yes"})
    assert response["Location"] == reverse("credits:transfer", args=[made.pk])
    assert Transfer.objects.get(kind="reversal").description == "Entered twice"
    page = client.get(response["Location"]).content.decode()
    assert "Put right on" in page and "Reverse this transfer" not in page
    client.force_login(joan.person)
    page = client.get(reverse("credits:mine")).content.decode()
    assert "Correction to" in page and "Entered twice" in page


def test_a_reversal_refused_by_a_limit_shows_why(client, testford, joan, sam):
    made = topup(testford, joan.person, 60, "t1")
    settle(testford, joan.person, sam, 60, "v1")
    client.force_login(testford.coordinator)
    page = client.post(
        reverse("credits:reverse", args=[made.pk]),
        {"reason": "Cheque bounced", "confirm": "yes"},
    ).content.decode()
    assert "There is a problem" in page and "Joan has no credit left" in page
    assert not Transfer.objects.filter(kind="reversal").exists()


def test_the_accounts_list_finds_members_and_low_balances(client, testford, joan):
    rich = make_member(testford.locality, "Rich Person")
    topup(testford, rich.person, 600, "t1")
    client.force_login(testford.coordinator)
    status, page = page_of(client, "credits:accounts")
    assert status == 200 and "Joan Smith" in page and "Rich Person" in page
    assert "10 credits" in page and "Money paid in" in page
    _status, page = page_of(client, "credits:accounts", low="on")
    assert "Joan Smith" in page and "Rich Person" not in page
    _status, page = page_of(client, "credits:accounts", q="rich")
    assert "Joan Smith" not in page and "Rich Person" in page


def test_the_accounts_list_runs_the_same_queries_for_5_or_30_members(client, testford):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("credits:accounts")).status_code == 200
        return len(captured)

    client.force_login(testford.coordinator)
    client.get(reverse("credits:accounts"))  # the session's first write
    for n in range(5):
        topup(testford, make_member(testford.locality).person, 60, f"a{n}")
    few = count_queries()
    for n in range(25):
        topup(testford, make_member(testford.locality).person, 60, f"b{n}")
    assert count_queries() == few


def test_a_statement_runs_the_same_queries_for_5_or_30_lines(
    client, testford, joan, sam
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries(name, *args):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name, args=args)).status_code == 200
        return len(captured)

    topup(testford, joan.person, 6000, "t0")
    for n in range(4):
        settle(testford, joan.person, sam, 15, f"a{n}")
    client.force_login(joan.person)
    client.get(reverse("credits:mine"))
    few_mine = count_queries("credits:mine")
    client.force_login(testford.coordinator)
    client.get(reverse("credits:accounts"))  # the session's first write
    few_staff = count_queries("credits:member", joan.person.pk)
    for n in range(25):
        settle(testford, joan.person, sam, 15, f"b{n}")
    assert count_queries("credits:member", joan.person.pk) == few_staff
    client.force_login(joan.person)
    client.get(reverse("credits:mine"))  # the session's first write
    assert count_queries("credits:mine") == few_mine


# --- gifts ----------------------------------------------------------------------


def test_a_volunteer_gives_credits_to_a_member_by_name(client, testford, joan, sam):
    topup(testford, joan.person, 120, "t1")
    settle(testford, joan.person, sam, 120, "v1")
    friend = make_member(testford.locality, "Margaret Hall")
    make_member(testford.locality, "Dennis Twin")
    make_member(testford.locality, "Dennis Twin")
    client.force_login(sam)
    url = reverse("credits:give")
    page = client.post(url, {"to": "member", "name": "", "credits": "1"})
    assert "Enter the member’s full name." in page.content.decode()
    page = client.post(url, {"to": "member", "name": "Nobody Known", "credits": "1"})
    assert "We cannot find a member called Nobody Known" in page.content.decode()
    page = client.post(url, {"to": "member", "name": "dennis  twin", "credits": "1"})
    assert "More than one member is called" in page.content.decode()
    response = client.post(
        url, {"to": "member", "name": " margaret hall ", "credits": "1.5"}
    )
    assert response["Location"] == reverse("credits:give_check")
    page = client.get(response["Location"]).content.decode()
    assert "Margaret Hall" in page and "1.5 credits (1 hour 30 minutes)" in page
    response = client.post(reverse("credits:give_check"))
    assert response["Location"] == reverse("credits:helper_mine")
    # Sending the check page again gives nothing more.
    client.post(reverse("credits:give_check"))
    assert (
        services.balance_minutes(person=friend.person, locality=testford.locality) == 90
    )
    assert Transfer.objects.filter(kind="gift").count() == 1
    page = client.get(reverse("credits:helper_mine")).content.decode()
    assert "You gave 1.5 credits to Margaret Hall" in page
    assert_ledger_balances()


def test_a_volunteer_gives_to_the_pot(client, testford, joan, sam):
    topup(testford, joan.person, 60, "t1")
    settle(testford, joan.person, sam, 60, "v1")
    client.force_login(sam)
    client.post(reverse("credits:give"), {"to": "pot", "credits": "1"})
    client.post(reverse("credits:give_check"))
    assert services.shared_balance_minutes(locality=testford.locality, kind="pot") == 60


def test_a_gift_larger_than_the_balance_is_refused_on_the_check_page(
    client, testford, joan, sam
):
    topup(testford, joan.person, 60, "t1")
    settle(testford, joan.person, sam, 60, "v1")
    client.force_login(sam)
    client.post(reverse("credits:give"), {"to": "pot", "credits": "2"})
    page = client.post(reverse("credits:give_check")).content.decode()
    assert (
        "There is a problem" in page and "Sam Okafor has 1 hour of credit left" in page
    )
    assert not Transfer.objects.filter(kind="gift").exists()


def test_a_paid_helper_is_told_they_cannot_give(client, testford, priya):
    client.force_login(priya)
    page = client.get(reverse("credits:give")).content.decode()
    assert "Only volunteers can give credits" in page


# --- the council and payroll ---------------------------------------------------


def test_the_council_grants_credits_to_a_concession_member(
    client, testford, iris, joan
):
    client.force_login(testford.council_officer)
    _status, page = page_of(client, "credits:grants")
    assert "Iris Bennett" in page and "Joan Smith" not in page
    assert (
        client.get(reverse("credits:grant", args=[joan.person.pk])).status_code == 404
    )
    url = reverse("credits:grant", args=[iris.person.pk])
    page = client.post(url, {"credits": "", "reason": "", "key": "k"}).content.decode()
    assert "Enter how many credits to grant." in page
    response = client.post(
        url, {"credits": "3", "reason": "Winter support fund", "key": "k"}
    )
    assert response["Location"] == reverse("credits:grants")
    assert (
        services.balance_minutes(person=iris.person, locality=testford.locality) == 180
    )


def test_payroll_csv_has_a_row_per_paid_helper_and_is_audited(
    client, testford, joan, priya
):
    topup(testford, joan.person, 600, "t1")
    settle(testford, joan.person, priya, 90, "v1", day=date(2026, 2, 3))
    settle(testford, joan.person, priya, 60, "v2", day=date(2026, 2, 20))
    client.force_login(testford.coordinator)
    period = {
        "start_day": "1",
        "start_month": "2",
        "start_year": "2026",
        "end_day": "28",
        "end_month": "2",
        "end_year": "2026",
    }
    status, page = page_of(client, "credits:payroll", **period)
    assert status == 200 and "Priya Shah" in page and "2.50" in page
    response = client.get(reverse("credits:payroll"), {**period, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )
    assert rows == [
        ["Helper", "Helper number", "From", "To", "Visits", "Minutes", "Hours"],
        ["Priya Shah", str(priya.pk), "2026-02-01", "2026-02-28", "2", "150", "2.50"],
    ]
    assert AuditEvent.objects.filter(action="payroll_exported").count() == 1
    status, page = page_of(client, "credits:payroll_helper", priya.pk, **period)
    assert status == 200 and "Visits by Priya Shah" in page and "Joan" in page
    bad = {**period, "end_month": "1"}
    status, page = page_of(client, "credits:payroll", **bad)
    assert "The end date must be the same as or after the start date." in page


def test_an_administrator_changes_the_credit_settings(client, testford):
    client.force_login(testford.admin)
    response = client.post(
        reverse("credits:settings"),
        {"minutes_per_credit": "30", "overdraft_limit_minutes": "15"},
    )
    assert response.status_code == 302
    found = services.credit_settings_for(testford.locality)
    assert (found.minutes_per_credit, found.overdraft_limit_minutes) == (30, 15)


def test_a_coordinator_gives_one_member_an_overdraft(client, testford, joan, sam):
    topup(testford, joan.person, 30, "t1")
    account = Account.objects.get(kind="member")
    client.force_login(testford.coordinator)
    response = client.post(
        reverse("credits:overdraft", args=[account.pk]),
        {"choice": "own", "minutes": "60"},
    )
    assert response.status_code == 302
    settle(testford, joan.person, sam, 90, "v1")
    assert (
        services.balance_minutes(person=joan.person, locality=testford.locality) == -60
    )
