"""Two members with the same name are told apart by date of birth (and
age), postcode and phone in every list and chooser a coordinator uses."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from kith.help.forms import WhoForm
from kith.members.forms import LeaveForm
from kith.social.forms import SignUpForm
from tests.factories import HelperProfileFactory, MembershipFactory, UserFactory


def _age(born: date) -> int:
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@pytest.fixture
def two_joans(testford):
    first = MembershipFactory(
        locality=testford.locality,
        person=UserFactory(
            full_name="Joan Smith", phone="02079465229", postcode="SE17 2AA"
        ),
        date_of_birth=date(1944, 4, 3),
    )
    second = MembershipFactory(
        locality=testford.locality,
        person=UserFactory(
            full_name="Joan Smith", mobile="+447700900123", postcode="SE1 7PB"
        ),
        date_of_birth=date(1950, 1, 9),
    )
    return first, second


def test_the_membership_label_tells_two_joans_apart(two_joans):
    first, second = two_joans
    assert first.label() == (
        f"Joan Smith (born 3 April 1944 ({_age(date(1944, 4, 3))}), "
        "SE17 2AA, 020 7946 5229)"
    )
    assert second.label() == (
        f"Joan Smith (born 9 January 1950 ({_age(date(1950, 1, 9))}), "
        "SE1 7PB, 07700 900123)"
    )


def test_a_member_with_nothing_known_is_just_their_name(testford):
    bare = MembershipFactory(
        locality=testford.locality,
        person=UserFactory(full_name="Kit Bare", postcode=""),
        date_of_birth=None,
    )
    assert bare.label() == "Kit Bare"


def test_the_members_list_shows_birth_postcode_and_phone(client, testford, two_joans):
    client.force_login(testford.coordinator)
    page = client.get(reverse("members:list"), {"q": "Joan Smith"}).content.decode()
    for detail in (
        "born 3 April 1944",
        "SE17 2AA",
        "020 7946 5229",
        "born 9 January 1950",
        "SE1 7PB",
        "07700 900123",
    ):
        assert detail in page


def test_the_credits_list_shows_birth_postcode_and_phone(client, testford, two_joans):
    client.force_login(testford.coordinator)
    page = client.get(reverse("credits:accounts")).content.decode()
    assert "born 3 April 1944" in page and "020 7946 5229" in page
    assert "born 9 January 1950" in page and "SE1 7PB" in page


def test_the_helpers_list_shows_birth_postcode_and_phone(client, testford):
    HelperProfileFactory(
        locality=testford.locality,
        user=UserFactory(full_name="Sam Kaur", phone="01632960123", postcode="SE1 7PB"),
        date_of_birth=date(1980, 12, 25),
    )
    client.force_login(testford.coordinator)
    page = client.get(reverse("helpers:list")).content.decode()
    assert "born 25 December 1980" in page and "01632 960123" in page


def test_every_chooser_of_members_tells_them_apart(two_joans):
    first, second = two_joans
    choosers = [
        WhoForm(memberships=two_joans).fields["membership"],
        SignUpForm(memberships=two_joans).fields["membership"],
        LeaveForm(members=two_joans).fields["credits_to"],
    ]
    for field in choosers:
        labels = dict(field.choices)
        assert labels[first.pk] == first.label()
        assert labels[second.pk] == second.label()


def test_the_plans_page_goes_back_only_where_the_viewer_may_go(client, testford):
    client.force_login(testford.by_role("admin"))
    page = client.get(reverse("members:plans")).content.decode()
    assert "Back to members" not in page and "Back to the home page" in page
    assert client.get(reverse("members:list")).status_code == 403
    client.force_login(testford.coordinator)
    page = client.get(reverse("members:plans")).content.decode()
    assert "Back to members" in page
