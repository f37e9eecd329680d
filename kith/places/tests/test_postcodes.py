import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kith.places.postcodes import postcode_normalise, postcode_or_none
from kith.places.selectors import postcode_ward


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("se17 2aa", "SE17 2AA"),
        ("SE172AA", "SE17 2AA"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("m1 1ae", "M1 1AE"),
        ("b338th", "B33 8TH"),
        ("EC1A1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
    ],
)
def test_postcodes_are_normalised(raw, expected):
    assert postcode_normalise(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "SE17", "12345", "SE17 2A", "QQ1 1AA", "SE17 2AAA", "SE17-2AA!"]
)
def test_things_that_are_not_postcodes_get_a_clear_message(raw):
    with pytest.raises(ValidationError) as raised:
        postcode_normalise(raw)
    assert "Enter a real postcode" in raised.value.messages[0]


outward = st.from_regex(r"[A-PR-UWYZ][0-9]{1,2}", fullmatch=True)
inward = st.from_regex(r"[0-9][ABD-HJLNP-UW-Z]{2}", fullmatch=True)


@given(outward, inward, st.booleans(), st.text(alphabet=" ", max_size=3))
def test_normalising_is_idempotent_and_ignores_case_and_spaces(out, inn, lower, spaces):
    raw = f"{out}{spaces}{inn}"
    raw = raw.lower() if lower else raw
    once = postcode_normalise(raw)
    assert once == f"{out} {inn}"
    assert postcode_normalise(once) == once


@given(st.text(max_size=12))
def test_anything_typed_either_normalises_or_is_refused(raw):
    result = postcode_or_none(raw)
    assert result is None or (result == result.upper() and result.count(" ") == 1)


def test_a_postcode_is_placed_in_its_ward(testford):
    assert (
        postcode_ward(postcode="SE17 2AA", locality=testford.locality) == testford.ward
    )
    assert postcode_ward(postcode="SW1A 1AA", locality=testford.locality) is None
