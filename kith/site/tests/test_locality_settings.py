"""Adding and changing a locality with its settings, plan and branding: each
part keeps its own settings, written in one transaction (ADR 0041)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kith.accounts.models import Role
from kith.core.models import AuditEvent
from kith.credits.models import CreditSettings
from kith.members.models import MembershipPlan
from kith.notify.models import Message
from kith.places.models import Locality
from kith.reports.models import SurveySettings
from tests.factories import LocalityFactory, UserFactory, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def _png(size=(300, 120)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 40, 90)).save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def _key(client, url) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page)
    return found[1] if found else ""


def _answers(client, **changes):
    return {
        "name": "Southwark Circle",
        "council_name": "Southwark Council",
        "phone": "020 7525 5000",
        "domain": "circle.southwark.example",
        "brand_colour": "#1D70B8",
        "logo_alt": "Southwark Council",
        "quiet_from_hour": "20",
        "quiet_until_hour": "9",
        "wards": "E05011095 Faraday\r\nE05011104 Peckham\r\n",
        "minutes_per_credit": "30",
        "overdraft_limit_minutes": "120",
        "first_follow_up_months": "3",
        "then_every_months": "6",
        "overdue_after_days": "14",
        "plan_name": "Circle membership",
        "plan_yearly_fee": "30.50",
        "plan_concession_fee": "12",
        "plan_minimum_age": "55",
        "plan_joining_credits": "2",
        "coordinator_name": "Ada Lovelace",
        "coordinator_email": "ada@southwark.example",
        "submission_key": _key(client, reverse("core:locality_new")),
        **changes,
    }


def _counts():
    return (
        Locality.objects.count(),
        CreditSettings.objects.count(),
        SurveySettings.objects.count(),
        MembershipPlan.objects.count(),
        Message.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_locality_starts_with_its_settings_plan_and_branding(client, superuser):
    client.force_login(superuser)
    answers = _answers(client)
    response = client.post(reverse("core:locality_new"), {**answers, "logo": _png()})
    assert response.status_code == 302, response.content.decode()[:3000]
    # A retry with the same page (its key) makes nothing more.
    before = _counts()
    client.post(reverse("core:locality_new"), {**answers, "logo": _png()})
    assert _counts() == before

    locality = Locality.objects.get(slug="southwark-circle")
    credits = CreditSettings.objects.get(locality=locality)
    assert (credits.minutes_per_credit, credits.overdraft_limit_minutes) == (30, 120)
    surveys = SurveySettings.objects.get(locality=locality)
    assert (
        surveys.first_follow_up_months,
        surveys.then_every_months,
        surveys.overdue_after_days,
    ) == (3, 6, 14)
    plan = MembershipPlan.objects.get(locality=locality)
    assert (plan.name, plan.yearly_fee_pence, plan.concession_fee_pence) == (
        "Circle membership",
        3050,
        1200,
    )
    assert (plan.minimum_age, plan.joining_credits, plan.is_open) == (55, 2, True)
    assert (locality.quiet_from_hour, locality.quiet_until_hour) == (20, 9)
    assert locality.brand_colour == "#1d70b8"
    assert (locality.logo_width, locality.logo_height) == (200, 80)

    # The header: the locality's logo and colour, from addresses Kith serves.
    client.force_login(person_with_role(Role.COORDINATOR, locality))
    home = client.get("/").content.decode()
    logo_url = reverse("places:logo", args=[locality.slug, locality.logo_version])
    css_url = reverse("places:brand_css", args=[locality.slug, "1d70b8"])
    assert f'src="{logo_url}" alt="Southwark Council"' in home
    assert f'href="{css_url}"' in home
    logo = client.get(logo_url)
    assert logo["Content-Type"] == "image/png"
    assert "immutable" in logo["Cache-Control"]
    assert Image.open(io.BytesIO(logo.content)).size == (200, 80)
    css = client.get(css_url)
    assert css["Content-Type"].startswith("text/css")
    assert "background-color: #1d70b8" in css.content.decode()
    # Another colour, or an old logo version, is not served.
    assert (
        client.get(
            reverse("places:brand_css", args=["southwark-circle", "ff0000"])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("places:logo", args=["southwark-circle", "0" * 16])
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"brand_colour": "#ffdd00"},
            "White text on #ffdd00 has a contrast ratio of 1.34:1",
        ),
        ({"brand_colour": "red"}, "Enter the colour as a hex code"),
        ({"quiet_until_hour": ""}, "Give both hours of the quiet time"),
        ({"quiet_from_hour": "9"}, "must start and end at different hours"),
        ({"quiet_from_hour": "24"}, "Enter a number of 23 or less"),
        ({"minutes_per_credit": "5"}, "Enter a number from 15 or more"),
        ({"overdraft_limit_minutes": "-1"}, "Enter a number from 0 or more"),
        ({"first_follow_up_months": "0"}, "Enter a number from 1 or more"),
        ({"then_every_months": "abc"}, "Enter a whole number"),
        ({"plan_yearly_fee": "5", "plan_concession_fee": "9"}, "must not be more than"),
        ({"plan_yearly_fee": "1.234"}, "pounds and pence"),
        ({"plan_name": ""}, "Enter the plan’s name"),
        ({"logo_alt": ""}, "Say what the logo shows"),
    ],
)
def test_bad_settings_say_what_is_wrong_and_change_nothing(
    client, superuser, changes, message
):
    client.force_login(superuser)
    before = _counts()
    response = client.post(
        reverse("core:locality_new"), {**_answers(client, **changes), "logo": _png()}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts() == before


def test_a_logo_that_is_not_an_image_is_refused_and_nothing_made(client, superuser):
    client.force_login(superuser)
    before = _counts()
    svg = SimpleUploadedFile(
        "logo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        content_type="image/png",
    )
    response = client.post(
        reverse("core:locality_new"), {**_answers(client), "logo": svg}
    )
    assert response.status_code == 400
    assert "The logo must be a PNG, JPEG or WebP image" in response.content.decode()
    assert _counts() == before


def test_a_failure_in_a_later_part_rolls_the_whole_locality_back(client, superuser):
    """The plan is written after the locality, wards, credits and surveys:
    its refusal must undo them all."""
    client.force_login(superuser)
    before = _counts()
    response = client.post(
        reverse("core:locality_new"),
        _answers(client, plan_name=" ", logo_alt=""),
    )
    assert response.status_code == 400
    assert _counts() == before


def test_changing_a_locality_writes_each_parts_settings_once(client, superuser):
    locality = LocalityFactory(name="Riverside")
    client.force_login(superuser)
    url = reverse("core:locality_edit", args=[locality.slug])
    page = client.get(url).content.decode()
    assert 'value="60"' in page  # a credit's minutes, as the part keeps them
    answers = {
        "name": "Riverside Circle",
        "council_name": "Riverside Council",
        "phone": "0300 123 4567",
        "brand_colour": "#003078",
        "quiet_from_hour": "22",
        "quiet_until_hour": "7",
        "minutes_per_credit": "45",
        "overdraft_limit_minutes": "60",
        "first_follow_up_months": "4",
        "then_every_months": "8",
        "overdue_after_days": "21",
    }
    response = client.post(url, answers)
    assert response.status_code == 302, response.content.decode()[:3000]
    locality.refresh_from_db()
    assert locality.name == "Riverside Circle"
    assert locality.brand_colour == "#003078"
    assert CreditSettings.objects.get(locality=locality).minutes_per_credit == 45
    assert SurveySettings.objects.get(locality=locality).overdue_after_days == 21
    changed = AuditEvent.objects.get(action="locality_changed")
    assert changed.data["changed"]["name"] == ["Riverside", "Riverside Circle"]
    # The same answers again (a double click) change and record nothing.
    events = AuditEvent.objects.count()
    client.post(url, answers)
    assert AuditEvent.objects.count() == events
    # A logo added, then removed.
    client.post(url, {**answers, "logo": _png(), "logo_alt": "Riverside crest"})
    locality.refresh_from_db()
    assert locality.logo_version and locality.logo_alt == "Riverside crest"
    client.post(url, {**answers, "logo_remove": "on"})
    locality.refresh_from_db()
    assert (locality.logo_version, locality.logo, locality.logo_alt) == ("", None, "")


def test_changing_refuses_another_localitys_address_and_bad_colours(client, superuser):
    LocalityFactory(name="Elsewhere", domain="elsewhere.example")
    locality = LocalityFactory(name="Riverside")
    client.force_login(superuser)
    url = reverse("core:locality_edit", args=[locality.slug])
    base = {
        "name": "Riverside",
        "council_name": "Riverside Council",
        "phone": "0300 123 4567",
        "minutes_per_credit": "60",
        "overdraft_limit_minutes": "0",
        "first_follow_up_months": "6",
        "then_every_months": "12",
        "overdue_after_days": "28",
    }
    taken = client.post(url, {**base, "domain": "Elsewhere.example"})
    assert "already served on that web address" in taken.content.decode()
    light = client.post(url, {**base, "brand_colour": "#cccccc"})
    assert "contrast ratio of 1.6" in light.content.decode()
    named = client.post(url, {**base, "name": "elsewhere"})
    assert "There is already a locality called that" in named.content.decode()
    locality.refresh_from_db()
    assert (locality.domain, locality.brand_colour) == ("", "")


@pytest.mark.parametrize(
    "role",
    [Role.ADMIN, Role.COORDINATOR, Role.COUNCIL_OFFICER, Role.MEMBER, Role.HELPER],
)
def test_only_the_deployments_administrators_change_localities(client, role):
    locality = LocalityFactory()
    other = LocalityFactory()
    client.force_login(person_with_role(role, locality))
    for target in (locality, other):
        for name in ("core:locality_edit", "core:locality_status"):
            url = reverse(name, args=[target.slug])
            assert client.get(url).status_code == 403
            assert client.post(url, {"name": "Taken over"}).status_code == 403
    assert not Locality.objects.filter(name="Taken over").exists()
