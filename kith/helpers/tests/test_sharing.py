"""Agreeing to share helpers with a neighbouring locality: both sides must
agree, the smaller distance holds, withdrawing stops it at once, and only a
locality's coordinators and administrators may decide (ADR 0042)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.helpers import services, sharing
from kith.helpers.models import SharingAgreement


def agree(circle, other, metres=2000, actor=None):
    return services.sharing_agree(
        actor=actor or circle.coordinator,
        locality=circle.locality,
        partner=other.locality,
        max_distance_m=metres,
    )


def test_sharing_is_on_only_when_both_sides_agree(testford, elsewhere):
    agree(testford, elsewhere, 2000)
    assert sharing.sharing_partners(locality=testford.locality) == {}
    assert (
        sharing.sharing_on(locality=elsewhere.locality, other=testford.locality) is None
    )

    agree(elsewhere, testford, 5000)

    # Both ways, within the smaller of the two distances.
    assert sharing.sharing_partners(locality=testford.locality) == {
        elsewhere.locality.pk: 2000
    }
    assert sharing.sharing_partners(locality=elsewhere.locality) == {
        testford.locality.pk: 2000
    }


def test_agreeing_twice_makes_one_agreement_and_another_distance_changes_it(
    testford, elsewhere
):
    first = agree(testford, elsewhere, 2000)
    again = agree(testford, elsewhere, 2000)
    assert again.pk == first.pk
    assert SharingAgreement.objects.filter(locality=testford.locality).count() == 1
    assert AuditEvent.objects.filter(action="helper_sharing_agreed").count() == 1

    changed = agree(testford, elsewhere, 8000)
    assert changed.pk == first.pk
    assert changed.max_distance_m == 8000
    event = AuditEvent.objects.get(action="helper_sharing_changed")
    assert event.data == {
        "partner": elsewhere.locality.pk,
        "from_m": 2000,
        "to_m": 8000,
    }
    assert event.locality_id == testford.locality.pk


def test_withdrawing_stops_sharing_at_once_and_keeps_the_record(testford, elsewhere):
    agree(testford, elsewhere)
    agree(elsewhere, testford)
    assert sharing.sharing_partners(locality=testford.locality)

    withdrawn = services.sharing_withdraw(
        actor=elsewhere.admin, locality=elsewhere.locality, partner=testford.locality
    )

    assert withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawn_by == elsewhere.admin
    assert sharing.sharing_partners(locality=testford.locality) == {}
    assert sharing.sharing_partners(locality=elsewhere.locality) == {}
    # Withdrawing again changes nothing and is not an error.
    again = services.sharing_withdraw(
        actor=elsewhere.admin, locality=elsewhere.locality, partner=testford.locality
    )
    assert again.pk == withdrawn.pk
    assert AuditEvent.objects.filter(action="helper_sharing_withdrawn").count() == 1

    # Agreeing again is a new agreement; the old one stays as it was.
    renewed = agree(elsewhere, testford, 3000)
    assert renewed.pk != withdrawn.pk
    assert sharing.sharing_partners(locality=testford.locality) == {
        elsewhere.locality.pk: 2000
    }


def test_withdrawing_what_was_never_agreed_says_so(testford, elsewhere):
    with pytest.raises(ApplicationError, match="has not agreed to share helpers"):
        services.sharing_withdraw(
            actor=testford.coordinator,
            locality=testford.locality,
            partner=elsewhere.locality,
        )


@pytest.mark.parametrize(
    ("partner", "metres", "message"),
    [
        (None, 2000, "Choose the neighbouring locality"),
        ("self", 2000, "Choose another locality"),
        ("other", 1500, "Choose how far"),
        ("other", "9" * 30, "Choose how far"),
        ("other", 0, "Choose how far"),
        ("other", None, "Choose how far"),
    ],
)
def test_bad_agreements_are_refused_and_change_nothing(
    testford, elsewhere, partner, metres, message
):
    chosen = {None: None, "self": testford.locality, "other": elsewhere.locality}
    with pytest.raises(ApplicationError, match=message):
        services.sharing_agree(
            actor=testford.coordinator,
            locality=testford.locality,
            partner=chosen[partner],
            max_distance_m=metres,
        )
    assert not SharingAgreement.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="helper_sharing").exists()


@pytest.mark.parametrize(
    "role",
    [
        "member",
        "supporter",
        "helper",
        "council_officer",
        "organisation_editor",
        "safeguarding_lead",
    ],
)
def test_only_coordinators_and_admins_decide(testford, elsewhere, role):
    with pytest.raises(PermissionDenied):
        agree(testford, elsewhere, actor=testford.by_role(role))
    # Nor may another locality's coordinator decide for this one.
    with pytest.raises(PermissionDenied):
        agree(testford, elsewhere, actor=elsewhere.coordinator)
    assert agree(testford, elsewhere, actor=testford.admin).agreed_by == testford.admin


def test_the_page_shows_each_side_and_agrees(client, testford, elsewhere):
    client.force_login(testford.coordinator)
    url = reverse("helpers:sharing")
    page = client.get(url).content.decode()
    assert "does not share helpers with any neighbour" in page
    assert "Elsewhere Circle" in page  # offered as a choice

    response = client.post(
        url, {"partner": elsewhere.locality.pk, "max_distance_m": 3000}, follow=True
    )
    page = response.content.decode()
    assert "Sharing starts when Elsewhere Circle agrees too." in page
    assert "Waiting for them" in page

    agree(elsewhere, testford, 2000)
    page = client.get(url).content.decode()
    assert "within 2 km of the member’s home" in page

    response = client.post(
        url, {"partner": elsewhere.locality.pk, "withdraw": "1"}, follow=True
    )
    page = response.content.decode()
    assert "You have stopped sharing helpers with Elsewhere Circle." in page
    assert "Waiting for you" in page  # Elsewhere still agrees
    assert sharing.sharing_partners(locality=testford.locality) == {}


def test_the_page_says_what_is_wrong_and_changes_nothing(client, testford, elsewhere):
    client.force_login(testford.admin)
    url = reverse("helpers:sharing")
    for data in (
        {},
        {"partner": "x" * 100, "max_distance_m": "2000"},
        {"partner": "9" * 30, "max_distance_m": "2000"},
        {"partner": testford.locality.pk, "max_distance_m": "2000"},
        {"partner": elsewhere.locality.pk, "max_distance_m": "1234"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    response = client.post(url, {"partner": "a\x00b", "withdraw": "1"}, follow=True)
    assert "Choose the locality to stop sharing with." in response.content.decode()
    assert not SharingAgreement.objects.exists()


@pytest.mark.parametrize("role", ["member", "helper", "council_officer"])
def test_the_page_is_refused_to_others(client, testford, elsewhere, role):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("helpers:sharing")).status_code == 403
    response = client.post(
        reverse("helpers:sharing"),
        {"partner": elsewhere.locality.pk, "max_distance_m": 2000},
    )
    assert response.status_code == 403
    assert not SharingAgreement.objects.exists()
