import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.credits.models import Account, Entry
from kith.members import services as member_services
from kith.members.models import CoordinatorNote, Membership
from kith.privacy import services
from kith.privacy.models import Breach, RightsRequest
from kith.privacy.selectors import legal_holds

pytestmark = pytest.mark.django_db


def _request(circle, kind, received_on=None, **extra):
    return services.rights_request_record(
        actor=circle.coordinator,
        locality=circle.locality,
        person=circle.joan,
        kind=kind,
        received_on=received_on or timezone.localdate(),
        received_how="phone",
        **extra,
    )


def _checked(circle, rights):
    return services.rights_request_identity_checked(
        actor=circle.coordinator,
        rights=rights,
        checked_on=timezone.localdate(),
        how="Called back on the number we hold.",
    )


def test_a_request_is_due_a_calendar_month_after_it_arrived(circle):
    received = timezone.localdate() - timedelta(days=3)
    rights = _request(
        circle, "access", received_on=received, requested_by_name="Ann, daughter"
    )
    assert rights.due_on > received
    assert rights.due_on.day == received.day or rights.due_on.month != received.month
    assert rights.requested_by_name == "Ann, daughter"
    assert AuditEvent.objects.filter(
        action="privacy.request_recorded", on_behalf_of=circle.joan
    ).exists()


def test_a_request_sent_twice_is_recorded_once(circle):
    first = _request(circle, "access", submission_key="abc")
    again = _request(circle, "access", submission_key="abc")
    assert first.pk == again.pk
    assert RightsRequest.objects.count() == 1


def test_a_request_from_the_future_is_refused(circle):
    with pytest.raises(ApplicationError):
        _request(circle, "access", received_on=timezone.localdate() + timedelta(days=1))
    assert not RightsRequest.objects.exists()


def test_only_staff_who_handle_requests_may_record_them(circle):
    for person in (
        circle.member,
        circle.helper,
        circle.council_officer,
        circle.organisation_editor,
    ):
        with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied
            services.rights_request_record(
                actor=person,
                locality=circle.locality,
                person=circle.joan,
                kind="access",
                received_on=timezone.localdate(),
                received_how="phone",
            )
    assert not RightsRequest.objects.exists()


def test_an_extension_must_be_told_within_the_first_month(circle):
    old = _request(
        circle, "access", received_on=timezone.localdate() - timedelta(days=40)
    )
    with pytest.raises(ApplicationError, match="within the first month"):
        services.rights_request_extend(
            actor=circle.coordinator,
            rights=old,
            reason="Many records",
            told_on=timezone.localdate(),
        )
    old.refresh_from_db()
    assert old.extended_to is None

    recent = _request(
        circle, "access", received_on=timezone.localdate() - timedelta(days=2)
    )
    recent = services.rights_request_extend(
        actor=circle.coordinator,
        rights=recent,
        reason="Many records",
        told_on=timezone.localdate(),
    )
    assert recent.extended_to > recent.due_on
    assert recent.answer_by == recent.extended_to
    with pytest.raises(ApplicationError, match="already"):
        services.rights_request_extend(
            actor=circle.coordinator,
            rights=recent,
            reason="Again",
            told_on=timezone.localdate(),
        )


def test_the_export_waits_for_the_identity_check_then_holds_every_part(circle):
    rights = _request(circle, "access")
    with pytest.raises(ApplicationError, match="identity"):
        services.person_export(actor=circle.coordinator, rights=rights)
    rights = _checked(circle, rights)
    data = services.person_export(actor=circle.coordinator, rights=rights)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {"data.json", "summary.html"} <= names
    everything = json.loads(archive.read("data.json"))
    records = {record["record"]: record for record in everything["records"]}
    assert {
        "accounts.User",
        "members.Membership",
        "members.CoordinatorNote",
        "credits.Account",
    } <= set(records)
    user_row = records["accounts.User"]["rows"][0]
    assert user_row["full_name"] == "Joan Privacy"
    assert "password" not in user_row
    assert (
        records["members.CoordinatorNote"]["rows"][0]["text"]
        == "Likes a call before 10am."
    )
    # Staff names are kept in who did what.
    assert any(
        event["who"] == circle.coordinator.full_name
        for event in everything["who_did_what"]
    )
    summary = archive.read("summary.html").decode()
    assert "Joan Privacy" in summary and "Likes a call before 10am." in summary
    assert AuditEvent.objects.filter(action="privacy.export_made").count() == 1


def test_the_export_escapes_what_people_typed(circle):
    member_services.note_add(
        actor=circle.coordinator,
        membership=circle.membership,
        text="<script>alert(1)</script>",
    )
    rights = _checked(circle, _request(circle, "access"))
    archive = zipfile.ZipFile(
        io.BytesIO(services.person_export(actor=circle.coordinator, rights=rights))
    )
    summary = archive.read("summary.html").decode()
    assert "<script>alert(1)" not in summary
    assert "&lt;script&gt;" in summary


def _leave(circle):
    member_services.membership_leave(
        actor=circle.coordinator, membership=circle.membership, credits_choice="circle"
    )


def test_erasure_is_refused_while_they_are_a_member_with_credits(circle):
    rights = _checked(circle, _request(circle, "erasure"))
    holds = legal_holds(person=circle.joan)
    assert any("member" in reason for reason in holds)
    with pytest.raises(ApplicationError, match="cannot be erased yet"):
        services.person_erase(actor=circle.coordinator, rights=rights)
    circle.joan.refresh_from_db()
    assert circle.joan.full_name == "Joan Privacy"
    rights.refresh_from_db()
    assert rights.status == RightsRequest.Status.OPEN


def test_erasure_removes_their_details_and_keeps_the_ledger_whole(circle):
    _leave(circle)
    assert legal_holds(person=circle.joan) == []
    totals_before = Entry.objects.aggregate(total=Sum("minutes"))["total"]
    accounts_before = Account.objects.count()
    rights = _checked(
        circle, _request(circle, "erasure", requested_by_name="Ann, daughter")
    )
    changed = services.person_erase(actor=circle.coordinator, rights=rights)

    joan = User.objects.get(pk=circle.joan.pk)
    assert joan.full_name.startswith("Erased person")
    assert (joan.email, joan.phone, joan.address_line_1, joan.postcode) == (
        None,
        "",
        "",
        "",
    )
    assert not joan.is_active and not joan.has_usable_password()
    membership = Membership.objects.get(pk=circle.membership.pk)
    assert membership.date_of_birth == date(1944, 1, 1)
    assert CoordinatorNote.objects.get(membership=membership).text == "[removed]"
    assert changed["members.CoordinatorNote"] == 1
    # The ledger: nothing created or lost, every balance its entries' sum.
    assert Entry.objects.aggregate(total=Sum("minutes"))["total"] == totals_before
    assert Account.objects.count() == accounts_before
    for account in Account.objects.all():
        assert account.balance_minutes == (
            Entry.objects.filter(account=account).aggregate(total=Sum("minutes"))[
                "total"
            ]
            or 0
        )
    rights.refresh_from_db()
    assert rights.status == RightsRequest.Status.DONE and rights.requested_by_name == ""
    assert AuditEvent.objects.filter(action="privacy.person_erased").exists()


def test_a_closed_request_changes_nothing_more(circle):
    rights = _checked(circle, _request(circle, "rectification"))
    services.rights_request_close(
        actor=circle.coordinator,
        rights=rights,
        status="done",
        outcome="Address corrected.",
    )
    with pytest.raises(ApplicationError, match="closed"):
        services.rights_request_close(
            actor=circle.coordinator, rights=rights, status="refused", outcome="x"
        )


def test_a_breach_has_72_hours_and_says_why_it_is_not_reported(testford):
    found = timezone.now() - timedelta(hours=70)
    breach = services.breach_record(
        actor=testford.council_officer,
        locality=testford.locality,
        what="A letter went to the wrong address.",
        found_at=found,
        people_affected=1,
        data_kinds=["identity"],
    )
    assert 0 < breach.hours_left_to_report() <= 2
    with pytest.raises(ApplicationError, match="Decide"):
        services.breach_close(
            actor=testford.council_officer, breach=breach, actions="Sorted."
        )
    with pytest.raises(ApplicationError, match="why"):
        services.breach_decide(
            actor=testford.council_officer, breach=breach, reportable=False
        )
    breach = services.breach_decide(
        actor=testford.council_officer,
        breach=breach,
        reportable=False,
        reason="Returned unopened the same day.",
    )
    assert breach.hours_left_to_report() is None
    breach = services.breach_close(
        actor=testford.council_officer, breach=breach, actions="Sorted."
    )
    assert breach.status == Breach.Status.CLOSED


def test_a_coordinator_may_not_keep_the_breach_log(testford):
    with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied
        services.breach_record(
            actor=testford.coordinator,
            locality=testford.locality,
            what="x",
            found_at=timezone.now(),
            people_affected=0,
            data_kinds=[],
        )
