"""The regional view: the headline figures of each locality a person sees
reports in, side by side, suppressed locality by locality; nothing of
localities they do not, and records pointed to only where a role allows."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kith.accounts.models import Role, RoleAssignment
from kith.accounts.permissions import forget_roles
from kith.reports import figures
from kith.reports.tests.world import members
from tests.scenarios import circle

pytestmark = pytest.mark.django_db
YEAR = {"start": "2026-01", "end": "2026-12"}
PERIOD = figures.period_of(date(2026, 1, 1), date(2026, 12, 1))


def _grant(user, locality, role):
    RoleAssignment.objects.create(user=user, locality=locality, role=role)
    forget_roles(user)


@pytest.fixture
def region(testford, elsewhere):
    """Testford's officer is an officer in Elsewhere too, and a coordinator
    in a third circle (which shows no reports)."""
    officer = testford.council_officer
    _grant(officer, elsewhere.locality, Role.COUNCIL_OFFICER)
    third = circle(slug="thirdly", name="Thirdly Circle", postcode="TH1 1AA")
    _grant(officer, third.locality, Role.COORDINATOR)
    members(testford, testford.ward, 7, date(2026, 3, 4))
    members(elsewhere, elsewhere.ward, 3, date(2026, 3, 4))
    members(third, third.ward, 9, date(2026, 3, 4))
    return officer, third


def test_each_locality_with_reports_side_by_side(testford, elsewhere, region):
    officer, third = region
    found = figures.region_for(actor=officer, locality=testford.locality, period=PERIOD)
    assert [c.locality for c in found.columns] == [
        elsewhere.locality,
        testford.locality,
    ]
    joined = dict(found.table())["Members who joined"]
    # Elsewhere's 3 are hidden there; Testford's 7 shown; Thirdly not at all.
    assert [value for value, _unit in joined] == [None, 7]
    assert third.locality not in [c.locality for c in found.columns]


def test_records_are_pointed_to_only_where_a_role_allows(
    client, testford, elsewhere, region
):
    officer, _third = region
    _grant(officer, elsewhere.locality, Role.COORDINATOR)
    found = figures.region_for(actor=officer, locality=testford.locality, period=PERIOD)
    assert {c.locality.slug: c.opens_records for c in found.columns} == {
        "elsewhere": True,
        "testford": False,
    }
    client.force_login(officer)
    page = client.get(reverse("reports:region"), YEAR).content.decode()
    assert "Work in Elsewhere Circle" in page and "Work in Testford Circle" not in page


@pytest.mark.parametrize("role", ["member", "helper", "coordinator", "supporter",
                                  "organisation_editor"])  # fmt: skip
def test_refused_without_reports_here(testford, role):
    with pytest.raises(PermissionDenied):
        figures.region_for(
            actor=testford.by_role(role), locality=testford.locality, period=PERIOD
        )


def test_refused_from_a_locality_where_they_see_no_reports(testford, region):
    officer, third = region
    with pytest.raises(PermissionDenied):
        figures.region_for(actor=officer, locality=third.locality, period=PERIOD)


def test_the_page_and_its_csv(client, testford, elsewhere, region):
    officer, _third = region
    client.force_login(officer)
    page = client.get(reverse("reports:region"), YEAR).content.decode()
    assert "Headline figures by locality" in page
    assert "Elsewhere Circle" in page and "Testford Circle" in page
    assert "Thirdly Circle" not in page
    assert "You see the reports of one locality only" not in page
    # No way into anyone's record: the officer holds no such role anywhere.
    assert "Work in" not in page and "/members/" not in page
    response = client.get(reverse("reports:region_csv"), YEAR)
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )
    assert rows[0] == ["Figure", "Elsewhere Circle", "Testford Circle"]
    assert ["Members who joined", "fewer than 5", "7"] in rows


def test_one_locality_says_so(client, testford):
    members(testford, testford.ward, 6, date(2026, 3, 4))
    client.force_login(testford.council_officer)
    page = client.get(reverse("reports:region"), YEAR).content.decode()
    assert "You see the reports of one locality only, Testford Circle." in page


def test_a_bad_period_is_reported_and_the_default_shown(client, testford):
    client.force_login(testford.council_officer)
    page = client.get(reverse("reports:region"), {"start": "2026-13"}).content.decode()
    assert "Enter the start month as a year and month" in page
    assert "Headline figures by locality" in page


@pytest.mark.parametrize("role", ["member", "helper", "coordinator"])
def test_the_pages_are_refused_to_others(client, testford, role):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("reports:region")).status_code == 403
    assert client.get(reverse("reports:region_csv")).status_code == 403
