import io
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from kith.privacy import services
from kith.privacy.models import Breach, RightsRequest

pytestmark = pytest.mark.django_db


def _request(circle, kind="access"):
    return services.rights_request_record(
        actor=circle.coordinator,
        locality=circle.locality,
        person=circle.joan,
        kind=kind,
        received_on=timezone.localdate(),
        received_how="phone",
    )


@pytest.mark.parametrize(
    ("role", "requests", "breaches"),
    [
        ("member", 403, 403),
        ("supporter", 403, 403),
        ("helper", 403, 403),
        ("organisation_editor", 403, 403),
        ("coordinator", 200, 403),
        ("council_officer", 403, 200),
        ("admin", 200, 200),
    ],
)
def test_who_sees_the_register_and_the_breach_log(
    client, circle, role, requests, breaches
):
    client.force_login(circle.by_role(role))
    assert client.get(reverse("privacy:requests")).status_code == requests
    assert client.get(reverse("privacy:breaches")).status_code == breaches


def test_signed_out_people_are_sent_to_sign_in(client, circle):
    response = client.get(reverse("privacy:requests"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_a_coordinator_records_a_request_found_by_name(client, circle):
    client.force_login(circle.coordinator)
    page = client.get(reverse("privacy:request_new"), {"q": "Joan"}).content.decode()
    record_url = reverse("privacy:request_record", args=[circle.joan.pk])
    assert record_url in page
    form = client.get(record_url).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', form)
    assert key, "the form carries a submission key"
    today = timezone.localdate()
    data = {
        "kind": "access",
        "received_on_day": today.day,
        "received_on_month": today.month,
        "received_on_year": today.year,
        "received_how": "phone",
        "requested_by_name": "Ann Privacy, daughter",
        "submission_key": key[1],
    }
    response = client.post(record_url, data)
    rights = RightsRequest.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == rights.get_absolute_url()
    )
    # A double click records it once.
    client.post(record_url, data)
    assert RightsRequest.objects.count() == 1
    page = client.get(reverse("privacy:requests")).content.decode()
    assert "Joan Privacy" in page


def test_bad_answers_say_what_is_wrong_and_record_nothing(client, circle):
    client.force_login(circle.coordinator)
    response = client.post(
        reverse("privacy:request_record", args=[circle.joan.pk]),
        {
            "kind": "nonsense",
            "received_on_day": "31",
            "received_on_month": "2",
            "received_on_year": "2026",
            "received_how": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "must be a real date" in page
    assert not RightsRequest.objects.exists()


def test_another_localitys_staff_cannot_open_a_request(client, circle, elsewhere):
    rights = _request(circle)
    client.force_login(elsewhere.coordinator)
    assert client.get(rights.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("privacy:request_record", args=[circle.joan.pk])).status_code
        == 404
    )
    page = client.get(reverse("privacy:requests")).content.decode()
    assert "Joan Privacy" not in page


def test_the_export_downloads_after_the_identity_check(client, circle):
    rights = _request(circle)
    client.force_login(circle.coordinator)
    response = client.post(reverse("privacy:request_export", args=[rights.pk]))
    assert response.status_code == 302
    today = timezone.localdate()
    client.post(
        reverse("privacy:request_identity", args=[rights.pk]),
        {
            "checked_on_day": today.day,
            "checked_on_month": today.month,
            "checked_on_year": today.year,
            "how": "Called back.",
        },
    )
    response = client.post(reverse("privacy:request_export", args=[rights.pk]))
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response.get("Cache-Control", "")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "summary.html" in names


def test_an_erasure_page_says_what_stands_in_the_way(client, circle):
    rights = services.rights_request_identity_checked(
        actor=circle.coordinator,
        rights=_request(circle, "erasure"),
        checked_on=timezone.localdate(),
        how="In person, with a bus pass.",
    )
    client.force_login(circle.coordinator)
    page = client.get(rights.get_absolute_url()).content.decode()
    assert "cannot be erased yet" in page
    assert "still a member" in page
    response = client.post(
        reverse("privacy:request_erase", args=[rights.pk]), {"confirm": "on"}
    )
    assert response.status_code == 400
    circle.joan.refresh_from_db()
    assert circle.joan.full_name == "Joan Privacy"


def test_an_officer_records_a_breach_and_sees_the_72_hours(client, circle):
    client.force_login(circle.council_officer)
    now = timezone.localtime()
    response = client.post(
        reverse("privacy:breaches"),
        {
            "what": "An email went to the wrong person.",
            "found_on_day": now.day,
            "found_on_month": now.month,
            "found_on_year": now.year,
            "found_time": "00:00",
            "people_affected": "3",
            "data_kinds": ["identity"],
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302
    page = client.get(breach.get_absolute_url()).content.decode()
    assert "report it to the ICO by" in page or "Less than a day" in page


def test_the_privacy_notice_lists_what_kith_holds(client, circle):
    page = client.get(reverse("core:privacy")).content.decode()
    assert "Health and access needs" in page
    assert "Explicit consent" in page
    assert "2 years after you leave" in page


@pytest.mark.parametrize(
    "value",
    [
        "",
        "9" * 30,
        "-99999999999",
        "x" * 10_000,
        "a\x00b",
        "\u202eأهلاً\u202c",
        "31/02/2026",
    ],
)
def test_hostile_answers_to_the_request_form_record_nothing(client, circle, value):
    client.force_login(circle.coordinator)
    url = reverse("privacy:request_record", args=[circle.joan.pk])
    for field in (
        "kind",
        "received_on_day",
        "received_on_month",
        "received_on_year",
        "received_how",
        "requested_by_name",
        "notes",
        "submission_key",
    ):
        data = {
            "kind": "access",
            "received_on_day": "1",
            "received_on_month": "1",
            "received_on_year": "2026",
            "received_how": "phone",
            "requested_by_name": "",
            "notes": "",
            "submission_key": "",
            field: value,
        }
        response = client.post(url, data)
        assert response.status_code in (200, 302), (field, value)
        if response.status_code == 200:
            assert "There is a problem" in response.content.decode()
        RightsRequest.objects.all().delete()
