"""A deployment administrator adds a locality: its wards, what every part
gives it, and its first coordinator invited by email; all or nothing."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kith.accounts.models import Role, RoleAssignment, User
from kith.core.models import AuditEvent
from kith.credits.models import Account
from kith.directory.models import Taxonomy
from kith.help.models import HelpCategory
from kith.notify.models import Message
from kith.places.models import Locality, Ward
from tests.factories import (
    LocalityFactory,
    PostcodeFactory,
    UserFactory,
    WardFactory,
    person_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def _answers(client, **changes):
    page = client.get(reverse("core:locality_new")).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page)
    return {
        "name": "Southwark Circle",
        "council_name": "Southwark Council",
        "phone": "020 7525 5000",
        "domain": "circle.southwark.example",
        "wards": "E05011095 Faraday\r\nE05011104 Peckham\r\n",
        "coordinator_name": "Ada Lovelace",
        "coordinator_email": "ada@southwark.example",
        "minutes_per_credit": "60",
        "overdraft_limit_minutes": "0",
        "first_follow_up_months": "6",
        "then_every_months": "12",
        "overdue_after_days": "28",
        "plan_name": "Yearly membership",
        "plan_yearly_fee": "20",
        "plan_concession_fee": "10",
        "plan_minimum_age": "50",
        "plan_joining_credits": "0",
        "submission_key": key[1],
        **changes,
    }


def test_an_administrator_adds_a_locality_ready_to_use(client, superuser):
    LocalityFactory(name="Riverside")
    client.force_login(superuser)
    answers = _answers(client)
    response = client.post(reverse("core:locality_new"), answers)
    assert response.status_code == 302
    # A double click makes one locality.
    client.post(reverse("core:locality_new"), answers)
    locality = Locality.objects.get(slug="southwark-circle")
    assert locality.domain == "circle.southwark.example"
    assert sorted(
        Ward.objects.filter(locality=locality).values_list("ons_code", flat=True)
    ) == [
        "E05011095",
        "E05011104",
    ]
    assert HelpCategory.objects.filter(locality=locality).exists()
    assert Taxonomy.objects.filter(locality=locality).exists()
    assert Account.objects.filter(locality=locality).count() >= 16
    coordinator = User.objects.get(email="ada@southwark.example")
    assert set(
        RoleAssignment.objects.filter(user=coordinator).values_list("locality", "role")
    ) == {(locality.pk, Role.COORDINATOR)}
    (invitation,) = Message.objects.filter(template="staff_invitation")
    assert invitation.to == "ada@southwark.example"
    assert invitation.locality == locality
    # The link is a secret: kept apart, never shown on staff pages.
    assert "/" not in invitation.personalisation["link"]
    assert (
        AuditEvent.objects.filter(action="locality_created", actor=superuser).count()
        == 1
    )
    listing = client.get(reverse("core:localities")).content.decode()
    assert "Southwark Circle" in listing and "Riverside" in listing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"wards": "Faraday E05011095"}, "Line 1 is not a ward code and a name"),
        ({"wards": "E05011095 Faraday\nE05011095 Faraday again"}, "only once"),
        ({"wards": "   "}, "Give the locality at least one ward"),
        ({"domain": "not a host/../"}, "Enter the web address as a host name"),
        ({"name": "!!!"}, "at least one letter or digit"),
        ({"coordinator_email": "nope"}, "Enter an email address in the right format"),
        ({"phone": ""}, "Enter the phone number people call"),
    ],
)
def test_bad_answers_say_what_is_wrong_and_create_nothing(
    client, superuser, changes, message
):
    client.force_login(superuser)
    before = (Locality.objects.count(), User.objects.count(), Message.objects.count())
    response = client.post(reverse("core:locality_new"), _answers(client, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    after = (Locality.objects.count(), User.objects.count(), Message.objects.count())
    assert after == before


def test_a_ward_or_name_or_address_taken_is_refused(client, superuser):
    other = LocalityFactory(name="Elsewhere", domain="circle.southwark.example")
    WardFactory(locality=other, ons_code="E05011095")
    client.force_login(superuser)
    taken_ward = client.post(reverse("core:locality_new"), _answers(client, domain=""))
    assert "Ward E05011095 already belongs to Elsewhere." in taken_ward.content.decode()
    taken_domain = client.post(
        reverse("core:locality_new"), _answers(client, wards="E05011104 Peckham")
    )
    assert "already served on that web address" in taken_domain.content.decode()
    taken_name = client.post(
        reverse("core:locality_new"),
        _answers(client, name="Elsewhere", domain="", wards="E05011104 Peckham"),
    )
    assert "There is already a locality called that" in taken_name.content.decode()
    assert Locality.objects.count() == 1


def test_once_postcodes_are_loaded_a_ward_must_be_one_of_theirs(client, superuser):
    PostcodeFactory(ward_code="E05011095")
    client.force_login(superuser)
    response = client.post(reverse("core:locality_new"), _answers(client))
    assert "No postcode in the ONS Postcode Directory is in ward E05011104" in (
        response.content.decode()
    )
    assert not Locality.objects.filter(slug="southwark-circle").exists()


def test_only_the_deployments_administrators_may_add_localities(client):
    locality = LocalityFactory()
    for role in (Role.ADMIN, Role.COORDINATOR, Role.COUNCIL_OFFICER, Role.MEMBER):
        client.force_login(person_with_role(role, locality))
        assert client.get(reverse("core:localities")).status_code == 403
        assert client.get(reverse("core:locality_new")).status_code == 403
        assert client.post(reverse("core:locality_new"), {}).status_code == 403
    assert Locality.objects.count() == 1


def test_the_command_does_the_same_and_fails_loudly(superuser):
    call_command(
        "locality_create",
        "--actor",
        superuser.email,
        "--name",
        "Barnet Circle",
        "--council",
        "Barnet Council",
        "--phone",
        "020 8359 2000",
        "--ward",
        "E05013628 Burnt Oak",
        "--coordinator-name",
        "Grace Hopper",
        "--coordinator-email",
        "grace@barnet.example",
        "--base-url",
        "https://barnet.example/",
    )
    locality = Locality.objects.get(slug="barnet-circle")
    assert locality.wards.get().name == "Burnt Oak"
    with pytest.raises(CommandError, match="already a locality called that"):
        call_command(
            "locality_create",
            "--actor",
            superuser.email,
            "--name",
            "Barnet Circle",
            "--council",
            "Barnet Council",
            "--phone",
            "1",
            "--ward",
            "E05013629 Colindale",
            "--coordinator-name",
            "X",
            "--coordinator-email",
            "x@barnet.example",
            "--base-url",
            "https://barnet.example",
        )
    assert Locality.objects.count() == 1


def test_the_command_takes_the_settings_branding_and_first_plan(superuser, tmp_path):
    import io as _io

    from PIL import Image

    from kith.credits.models import CreditSettings
    from kith.members.models import MembershipPlan
    from kith.reports.models import SurveySettings

    logo = tmp_path / "logo.png"
    buffer = _io.BytesIO()
    Image.new("RGB", (240, 120), (0, 48, 120)).save(buffer, format="PNG")
    logo.write_bytes(buffer.getvalue())
    call_command(
        "locality_create",
        "--actor", superuser.email,
        "--name", "Barnet Circle",
        "--council", "Barnet Council",
        "--phone", "020 8359 2000",
        "--ward", "E05013628 Burnt Oak",
        "--coordinator-name", "Grace Hopper",
        "--coordinator-email", "grace@barnet.example",
        "--base-url", "https://barnet.example",
        "--brand-colour", "#003078",
        "--logo", str(logo),
        "--logo-alt", "Barnet Council",
        "--quiet-hours", "22-7",
        "--minutes-per-credit", "30",
        "--overdraft-minutes", "90",
        "--survey-months", "3,9",
        "--survey-overdue-days", "10",
        "--plan", "Yearly",
        "--plan-fee", "24.50",
        "--plan-concession-fee", "12",
    )  # fmt: skip
    locality = Locality.objects.get(slug="barnet-circle")
    assert (locality.brand_colour, locality.logo_height) == ("#003078", 80)
    assert (locality.quiet_from_hour, locality.quiet_until_hour) == (22, 7)
    credits = CreditSettings.objects.get(locality=locality)
    assert (credits.minutes_per_credit, credits.overdraft_limit_minutes) == (30, 90)
    surveys = SurveySettings.objects.get(locality=locality)
    assert (surveys.first_follow_up_months, surveys.then_every_months) == (3, 9)
    plan = MembershipPlan.objects.get(locality=locality)
    assert (plan.name, plan.yearly_fee_pence, plan.concession_fee_pence) == (
        "Yearly",
        2450,
        1200,
    )
    with pytest.raises(CommandError, match="contrast ratio"):
        call_command(
            "locality_create",
            "--actor", superuser.email,
            "--name", "Enfield Circle",
            "--council", "Enfield Council",
            "--phone", "020 8379 1000",
            "--ward", "E05013629 Colindale",
            "--coordinator-name", "X",
            "--coordinator-email", "x@enfield.example",
            "--base-url", "https://enfield.example",
            "--brand-colour", "#eeeeee",
        )  # fmt: skip
    assert not Locality.objects.filter(slug="enfield-circle").exists()
