"""Surveys: who records them, what is due, refusals, versions, the call list."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.help.jobs import call_list_prepare
from kith.notify.models import Call
from kith.reports import services
from kith.reports.models import Answer, Instrument, InstrumentItem, Survey
from kith.reports.tests.factories import answers, full_answers, member_joined, record

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def test_the_ons_measures_ship_as_version_1():
    codes = {(i.code, i.version, i.shipped) for i in Instrument.objects.all()}
    assert codes == {("ons4", 1, True), ("ons_loneliness", 1, True)}
    assert InstrumentItem.objects.count() == 8


def test_a_coordinator_records_a_baseline_by_phone(testford):
    membership = member_joined(testford, TODAY - timedelta(days=3))
    survey = record(testford, membership, today=TODAY, life=4, ucla=(3, 3, 2))
    assert survey.wave == 0 and survey.how == "phone"
    assert survey.life_satisfaction == 4 and survey.ucla_total == 8
    assert survey.lonely_direct == 2
    assert Answer.objects.filter(survey=survey).count() == 8
    event = AuditEvent.objects.get(action="survey_recorded")
    assert event.on_behalf_of_id == membership.person_id
    # The answers stay out of the audit trail.
    assert set(event.data) == {"wave", "how", "items_answered"}
    with pytest.raises(ApplicationError, match="No survey is due"):
        record(testford, membership, today=TODAY)


def test_a_missing_ucla_item_keeps_the_other_scores_but_no_total(testford):
    membership = member_joined(testford, TODAY)
    given = full_answers()
    del given[next(iter(answers(ucla_left_out=1)))]
    survey = services.survey_record(
        actor=testford.coordinator,
        membership=membership,
        how="paper",
        answers=given,
        today=TODAY,
    )
    assert survey.ucla_total is None and survey.life_satisfaction == 6


def test_a_member_answers_online_only_for_themselves(testford):
    membership = member_joined(testford, TODAY, person=testford.member)
    other = member_joined(testford, TODAY)
    with pytest.raises(PermissionDenied):
        services.survey_record(
            actor=testford.member, membership=other, how="online",
            answers=full_answers(), today=TODAY,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.survey_record(
            actor=testford.member, membership=membership, how="phone",
            answers=full_answers(), today=TODAY,
        )  # fmt: skip
    survey = services.survey_record(
        actor=testford.member, membership=membership, how="online",
        answers=full_answers(), today=TODAY,
    )  # fmt: skip
    assert survey.recorded_by == testford.member


@pytest.mark.parametrize("role", ["helper", "council_officer", "supporter"])
def test_others_cannot_record_surveys(testford, role):
    membership = member_joined(testford, TODAY)
    with pytest.raises(PermissionDenied):
        services.survey_record(
            actor=testford.by_role(role), membership=membership, how="phone",
            answers=full_answers(), today=TODAY,
        )  # fmt: skip


def test_an_answer_off_the_scale_or_nothing_answered_changes_nothing(testford):
    membership = member_joined(testford, TODAY)
    with pytest.raises(ApplicationError, match="Choose one of the answers"):
        services.survey_record(
            actor=testford.coordinator, membership=membership, how="phone",
            answers=answers(ucla_isolated=4), today=TODAY,
        )  # fmt: skip
    with pytest.raises(ApplicationError, match="No question was answered"):
        services.survey_record(
            actor=testford.coordinator, membership=membership, how="phone",
            answers=answers(ucla_isolated=None), today=TODAY,
        )  # fmt: skip
    with pytest.raises(ApplicationError, match="not one this survey asks"):
        services.survey_record(
            actor=testford.coordinator, membership=membership, how="phone",
            answers={999999: 1}, today=TODAY,
        )  # fmt: skip
    assert not Survey.objects.exists()


def test_the_same_submission_twice_records_once(testford):
    membership = member_joined(testford, TODAY)
    kwargs = {
        "actor": testford.coordinator, "membership": membership, "how": "phone",
        "answers": full_answers(), "today": TODAY, "submission_key": "a" * 32,
    }  # fmt: skip
    first = services.survey_record(**kwargs)
    assert services.survey_record(**kwargs) == first
    assert Survey.objects.count() == 1


def test_follow_ups_at_six_months_then_yearly(testford):
    joined = date(2025, 1, 10)
    membership = member_joined(testford, joined)
    assert record(testford, membership, today=joined).wave == 0
    assert record(testford, membership, today=date(2025, 7, 10)).wave == 1
    with pytest.raises(ApplicationError):
        record(testford, membership, today=date(2026, 7, 9))
    assert record(testford, membership, today=date(2026, 7, 10)).wave == 2


def test_declining_is_recorded_and_not_asked_again(testford):
    membership = member_joined(testford, TODAY)
    survey = services.survey_decline(
        actor=testford.coordinator, membership=membership, how="phone",
        stop_asking=False, today=TODAY,
    )  # fmt: skip
    assert survey.status == "declined" and survey.life_satisfaction is None
    assert services.surveys_due_in(testford.locality, today=TODAY) == []
    # ... but asked at the next wave, unless they said not to ask again.
    later = date(2026, 12, 1)
    assert [
        d.wave for d in services.surveys_due_in(testford.locality, today=later)
    ] == [1]
    services.survey_decline(
        actor=testford.coordinator, membership=membership, how="phone",
        stop_asking=True, today=later,
    )  # fmt: skip
    assert services.surveys_due_in(testford.locality, today=date(2028, 1, 1)) == []


def test_a_declined_survey_cannot_hold_scores(testford):
    membership = member_joined(testford, TODAY)
    survey = services.survey_decline(
        actor=testford.coordinator, membership=membership, how="phone",
        stop_asking=False, today=TODAY,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(life_satisfaction=5)


def test_an_answered_version_is_read_only(testford):
    instrument = Instrument.objects.get(code="ons4")
    services.instrument_item_guard(instrument)  # nobody has answered yet
    record(testford, member_joined(testford, TODAY), today=TODAY)
    with pytest.raises(ApplicationError, match="new version"):
        services.instrument_item_guard(instrument.items.first())


def test_a_licensed_instrument_needs_its_licence_reference():
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.create(code="swemwbs", title="SWEMWBS", source="x")
    made = Instrument.objects.create(
        code="swemwbs", title="SWEMWBS", source="Warwick", licence_reference="L-123"
    )
    assert made in services.instruments_asked()


def test_surveys_due_go_on_the_call_list_and_off_when_recorded(testford):
    today = timezone.localdate()
    phone = member_joined(testford, today)
    phone.person.contact_by = "phone"
    phone.person.save()
    online = member_joined(testford, today)
    online.person.contact_by = "email"
    online.person.save()
    late = member_joined(testford, today - timedelta(days=40))
    late.person.contact_by = "email"
    late.person.save()
    call_list_prepare(today=today)
    listed = set(
        Call.objects.filter(reason=Call.Reason.SURVEY_DUE).values_list(
            "person_id", flat=True
        )
    )
    # Phone people as soon as it is due; others once it is overdue.
    assert listed == {phone.person_id, late.person_id}
    call_list_prepare(today=today)
    assert Call.objects.filter(reason=Call.Reason.SURVEY_DUE).count() == 2
    record(testford, phone, today=today)
    call = Call.objects.get(person=phone.person)
    assert call.done and call.called_by == testford.coordinator


def test_the_shipped_measures_are_made_again_if_missing():
    assert services.shipped_instruments_ensure() == 0
    InstrumentItem.objects.all().delete()
    Instrument.objects.all().delete()
    assert services.shipped_instruments_ensure() == 2
    assert InstrumentItem.objects.count() == 8
    assert services.shipped_instruments_ensure() == 0
