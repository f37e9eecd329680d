"""The council's reports pages: who sees them, what they show, the
downloads, and the same suppression everywhere."""

import csv
import io
import json
from datetime import date

import pytest
from django.urls import reverse

from kith.reports.tests.world import members, second_ward

pytestmark = pytest.mark.django_db
Q = {"start": "2026-01", "end": "2026-12"}


@pytest.fixture
def world(testford):
    south = second_ward(testford)
    members(testford, testford.ward, 7, date(2026, 3, 4))
    members(testford, testford.ward, 6, date(2026, 4, 4))
    members(testford, south, 2, date(2026, 3, 9))
    return testford, south


@pytest.mark.parametrize("role", ["member", "helper", "supporter", "coordinator",
                                  "organisation_editor"])  # fmt: skip
@pytest.mark.parametrize(
    "name", ["reports:dashboard", "reports:figures_json", "reports:scrutiny_pdf",
             "reports:dictionary", "reports:scrutiny"]
)  # fmt: skip
def test_no_one_but_officers_and_administrators_sees_reports(
    client, testford, role, name
):
    client.force_login(testford.by_role(role))
    assert client.get(reverse(name)).status_code == 403


def test_an_officer_sees_only_their_own_locality(client, testford, elsewhere, settings):
    settings.ALLOWED_HOSTS = ["testford.example", "testserver"]
    testford.locality.domain = "testford.example"
    testford.locality.save()
    client.force_login(elsewhere.council_officer)
    on_testford = client.get(reverse("reports:dashboard"), HTTP_HOST="testford.example")
    assert on_testford.status_code == 403
    own = client.get(reverse("reports:dashboard"), {"ward": testford.ward.pk})
    page = own.content.decode()
    assert own.status_code == 200
    assert elsewhere.ward.name in page and testford.ward.name not in page


@pytest.mark.parametrize("role", ["council_officer", "admin"])
def test_the_dashboard_shows_headlines_charts_and_tables(client, world, role):
    circle, _south = world
    client.force_login(circle.by_role(role))
    page = client.get(reverse("reports:dashboard"), Q).content.decode()
    assert "Headline figures" in page
    assert "<svg" in page and 'role="img"' in page
    assert "Members who joined" in page
    assert "fewer than 5" in page
    assert "Testford South" in page
    for key in ("members", "help", "connections", "community", "outcomes", "value"):
        area = client.get(reverse("reports:area", args=[key]), Q)
        assert area.status_code == 200
    assert client.get(reverse("reports:area", args=["nope"]), Q).status_code == 404


def test_a_bad_period_says_so_and_shows_the_last_year(client, world):
    circle, _south = world
    client.force_login(circle.council_officer)
    page = client.get(reverse("reports:dashboard"), {"start": "2026-13", "end": "x"})
    text = page.content.decode()
    assert "Enter the start month as a year and month" in text
    page = client.get(
        reverse("reports:dashboard"), {"start": "2020-01", "end": "2026-01"}
    )
    assert "at most 36 months" in page.content.decode()


def test_csv_json_and_pages_publish_the_same_suppressed_figures(client, world):
    circle, south = world
    client.force_login(circle.council_officer)
    response = client.get(reverse("reports:table_csv", args=["members_joined"]), Q)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(
        b"".join(response.streaming_content).decode("utf-8-sig"))))  # fmt: skip
    assert rows[0][0] == "Ward or kind" and rows[0][-1] == "Total"
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["Testford South"][2] == "fewer than 5"
    assert by_label["All"][-1] == "15"
    body = json.loads(client.get(reverse("reports:figures_json"), Q).content)
    table = next(t for t in body["tables"] if t["key"] == "members_joined")
    json_rows = {r["label"]: r["values"] for r in table["rows"]}
    assert json_rows["Testford South"][2] is None
    assert json_rows["All"][-1] == 15
    assert body["social_value"]["wellby_pounds"] == 13000
    assert client.get(reverse("reports:table_csv", args=["nope"]), Q).status_code == 404
    just_south = client.get(reverse("reports:figures_json"), {**Q, "ward": south.pk})
    assert [w["name"] for w in json.loads(just_south.content)["wards"]] == [
        "Testford South"
    ]


def test_the_scrutiny_report_prints_and_downloads_as_pdf(client, world):
    circle, _south = world
    client.force_login(circle.council_officer)
    page = client.get(reverse("reports:scrutiny"), Q).content.decode()
    assert "report to the scrutiny committee" in page
    assert "Method" in page and "Caveats" in page
    pdf = client.get(reverse("reports:scrutiny_pdf"), Q)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 2000


def test_the_data_dictionary_lists_every_table(client, testford):
    client.force_login(testford.council_officer)
    page = client.get(reverse("reports:dictionary")).content.decode()
    assert "members_joined" in page and "budget_turnout" in page
    assert "Small numbers" in page
