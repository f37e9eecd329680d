"""Survey pages: who may open them and what is saved from them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kith.reports.models import Survey
from kith.reports.tests.factories import items_by_key, member_joined

pytestmark = pytest.mark.django_db


def _post_all(how=None, **extra):
    data = {f"item_{pk}": "2" for key, pk in items_by_key().items()}
    data["key"] = "b" * 32
    if how:
        data["how"] = how
    data.update(extra)
    return data


def test_a_coordinator_sees_who_is_due_and_records_by_phone(client, testford):
    membership = member_joined(testford, timezone.localdate())
    client.force_login(testford.coordinator)
    page = client.get(reverse("reports:surveys_due")).content.decode()
    assert membership.person.full_name in page
    url = reverse("reports:survey_enter", args=[membership.pk])
    form = client.get(url).content.decode()
    assert "Overall, how satisfied are you with your life nowadays?" in form
    assert "How often do you feel isolated from others?" in form
    response = client.post(url, _post_all())
    assert "Choose how the member answered." in response.content.decode()
    assert not Survey.objects.exists()
    response = client.post(url, _post_all(how="phone"))
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert survey.how == "phone" and survey.ucla_total == 6
    assert (
        "No surveys are due"
        in client.get(reverse("reports:surveys_due")).content.decode()
    )


def test_a_bad_answer_is_refused_with_a_message(client, testford):
    membership = member_joined(testford, timezone.localdate())
    client.force_login(testford.coordinator)
    key = items_by_key()["life_satisfaction"]
    response = client.post(
        reverse("reports:survey_enter", args=[membership.pk]),
        _post_all(how="phone", **{f"item_{key}": "11"}),
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not Survey.objects.exists()


def test_a_member_answers_their_own_survey_or_declines(client, testford):
    member_joined(testford, timezone.localdate(), person=testford.member)
    client.force_login(testford.member)
    page = client.get(reverse("reports:my_survey")).content.decode()
    assert "How you have been feeling" in page and "How did the member" not in page
    response = client.post(
        reverse("reports:my_survey_decline"), {"key": "c" * 32, "stop_asking": "on"}
    )
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert survey.status == "declined" and survey.how == "online" and survey.stop_asking
    assert (
        "No survey is due" in client.get(reverse("reports:my_survey")).content.decode()
    )


@pytest.mark.parametrize("role", ["member", "helper", "council_officer", "supporter"])
def test_only_staff_who_record_surveys_open_the_staff_pages(client, testford, role):
    membership = member_joined(testford, timezone.localdate())
    client.force_login(testford.by_role(role))
    assert client.get(reverse("reports:surveys_due")).status_code == 403
    assert (
        client.get(reverse("reports:survey_enter", args=[membership.pk])).status_code
        == 403
    )


def test_a_coordinator_cannot_open_another_localitys_member(
    client, testford, elsewhere
):
    theirs = member_joined(elsewhere, timezone.localdate())
    client.force_login(testford.coordinator)
    response = client.get(reverse("reports:survey_enter", args=[theirs.pk]))
    assert response.status_code == 404


def test_the_home_page_asks_a_member_with_a_survey_due(client, testford):
    membership = member_joined(testford, timezone.localdate(), person=testford.member)
    client.force_login(testford.member)
    page = client.get("/").content.decode()
    assert reverse("reports:my_survey") in page
    from kith.reports.services import survey_decline

    survey_decline(
        actor=testford.member, membership=membership, how="online", stop_asking=False
    )
    assert reverse("reports:my_survey") not in client.get("/").content.decode()
