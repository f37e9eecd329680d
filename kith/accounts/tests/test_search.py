"""Searching people: the pure reading of a query, and the selectors that use
it to find a member or helper by phone, postcode or date of birth."""

from datetime import date

import pytest

from kith.accounts.search import date_parse, phone_digits, search_terms
from kith.accounts.selectors import people_search_for
from kith.credits.selectors import member_balances_for
from kith.helpers.selectors import HelperFilters, helpers_search_for
from kith.members.selectors import members_list_for
from tests.factories import HelperProfileFactory, MembershipFactory, UserFactory

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    "typed",
    [
        "020 7946 5229",
        "02079465229",
        "020-7946-5229",
        "(020) 7946 5229",
        "+44 20 7946 5229",
        "+44 (0)20 7946 5229",
        "+442079465229",
        "0044 20 7946 5229",
    ],
)
def test_any_way_of_writing_a_phone_number_reads_as_its_digits_from_0(typed):
    assert search_terms(typed, today=TODAY).texts == ("02079465229",)


def test_part_of_a_number_is_its_digits():
    assert phone_digits("7946 5229") == "79465229"
    assert search_terms("7946 5229").texts == ("79465229",)


def test_a_name_and_a_number_are_two_things_to_find():
    assert search_terms("Ada 07700 900 123").texts == ("ada", "07700900123")


def test_short_numbers_stay_words():
    assert search_terms("Flat 12").texts == ("flat", "12")


@pytest.mark.parametrize("typed", ["SE1 7PB", "se17pb", "se1  7pb", "Se1 7Pb"])
def test_a_postcode_in_any_spacing_or_case_reads_without_its_space(typed):
    assert search_terms(typed).texts == ("se17pb",)


@pytest.mark.parametrize(
    "typed",
    [
        "3/4/1944",
        "03/04/1944",
        "3-4-1944",
        "3.4.1944",
        "3/4/44",
        "3 April 1944",
        "3rd April 1944",
        "3 apr 1944",
        "April 3, 1944",
        "1944-04-03",
    ],
)
def test_a_date_of_birth_in_the_ways_people_write_it(typed):
    assert search_terms(typed, today=TODAY).born == date(1944, 4, 3)
    assert search_terms(typed, today=TODAY).texts == ()


def test_not_a_real_date_is_not_a_date():
    assert date_parse("31/2/1944") is None
    assert date_parse("3 Smarch 1944") is None
    assert search_terms("31/2/1944").born is None


def test_two_digit_years_are_in_the_past():
    assert date_parse("3/4/25", today=TODAY) == date(2025, 4, 3)
    assert date_parse("3/4/27", today=TODAY) == date(1927, 4, 3)


# --- the selectors ---------------------------------------------------------


@pytest.fixture
def joined(testford):
    """Two members called Joan Smith: one with a landline, one with a mobile."""
    landline = MembershipFactory(
        locality=testford.locality,
        person=UserFactory(
            full_name="Joan Smith",
            email=None,
            phone="02079465229",
            postcode="SE17 2AA",
        ),
        date_of_birth=date(1944, 4, 3),
    )
    mobile = MembershipFactory(
        locality=testford.locality,
        person=UserFactory(
            full_name="Joan Smith",
            email=None,
            mobile="+447700900123",
            postcode="SE1 7PB",
        ),
        date_of_birth=date(1950, 1, 9),
    )
    return landline, mobile


@pytest.mark.parametrize(
    "typed",
    ["020 7946 5229", "02079465229", "+44 20 7946 5229", "0044 20 7946 5229"],
)
def test_members_are_found_by_their_landline_however_it_is_typed(
    testford, joined, typed
):
    landline, _mobile = joined
    found = members_list_for(
        actor=testford.coordinator, locality=testford.locality, query=typed
    )
    assert list(found) == [landline]


@pytest.mark.parametrize("typed", ["07700 900123", "+44 7700 900 123", "900123"])
def test_members_are_found_by_their_mobile(testford, joined, typed):
    _landline, mobile = joined
    found = members_list_for(
        actor=testford.coordinator, locality=testford.locality, query=typed
    )
    assert list(found) == [mobile]


@pytest.mark.parametrize("typed", ["se17pb", "SE1 7PB", "se1 7pb", "Joan se17pb"])
def test_members_are_found_by_postcode_in_any_spacing(testford, joined, typed):
    _landline, mobile = joined
    found = members_list_for(
        actor=testford.coordinator, locality=testford.locality, query=typed
    )
    assert list(found) == [mobile]


@pytest.mark.parametrize("typed", ["3/4/1944", "03/04/1944", "3 April 1944"])
def test_members_are_found_by_date_of_birth(testford, joined, typed):
    landline, _mobile = joined
    found = members_list_for(
        actor=testford.coordinator, locality=testford.locality, query=typed
    )
    assert list(found) == [landline]


def test_credit_balances_are_found_by_phone_and_date_of_birth(testford, joined):
    landline, mobile = joined
    by_phone = member_balances_for(
        actor=testford.coordinator, locality=testford.locality, query="020 7946 5229"
    )
    by_birth = member_balances_for(
        actor=testford.coordinator, locality=testford.locality, query="9 January 1950"
    )
    assert [m.pk for m in by_phone] == [landline.pk]
    assert [m.pk for m in by_birth] == [mobile.pk]


def test_people_search_finds_a_landline_however_it_is_typed(testford, joined):
    landline, _mobile = joined
    for typed in ("020 7946 5229", "+44 20 7946 5229", "0044 2079465229"):
        found = people_search_for(
            actor=testford.coordinator, locality=testford.locality, query=typed
        )
        assert list(found) == [landline.person], typed


def test_helpers_are_found_by_phone_and_date_of_birth(testford):
    helper = HelperProfileFactory(
        locality=testford.locality,
        user=UserFactory(full_name="Sam Kaur", phone="01632960123"),
        date_of_birth=date(1980, 12, 25),
    )
    HelperProfileFactory(locality=testford.locality, date_of_birth=date(1981, 1, 1))
    for typed in ("01632 960 123", "+44 1632 960123", "25/12/1980", "25 Dec 1980"):
        found = helpers_search_for(
            actor=testford.coordinator,
            locality=testford.locality,
            filters=HelperFilters(query=typed),
        )
        assert list(found) == [helper], typed
