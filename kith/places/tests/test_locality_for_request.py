"""Which locality a request is about, asked on every page: in one query."""

import pytest

from kith.places.selectors import locality_for_request
from tests.factories import LocalityFactory


@pytest.fixture
def three():
    first = LocalityFactory(domain="")
    by_host = LocalityFactory(domain="circle.example.org")
    third = LocalityFactory(domain="")
    return first, by_host, third


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "held", "chosen", "expected"),
    [
        # The chosen one, if a role is held there, before the web address.
        ("circle.example.org", {0, 2}, 2, 2),
        # A chosen one where no role is held is ignored.
        ("circle.example.org", {0}, 2, 1),
        # The web address (any case, any port) before the roles held.
        ("Circle.Example.ORG:8443", {2}, None, 1),
        # The first locality held, when the address is no locality's own.
        ("127.0.0.1:8000", {2, 1}, None, 1),
        ("127.0.0.1", {2}, None, 2),
        # Else the deployment's first.
        ("127.0.0.1", set(), None, 0),
        ("", set(), None, 0),
        # An empty address matches no locality without one.
        ("", {2}, None, 2),
    ],
)
def test_the_order_of_choice_in_one_query(
    three, django_assert_num_queries, host, held, chosen, expected
):
    ids = {three[n].pk for n in held}
    with django_assert_num_queries(1):
        found = locality_for_request(
            host=host, held=ids, chosen_id=three[chosen].pk if chosen else None
        )
    assert found == three[expected]


@pytest.mark.django_db
def test_no_locality_at_all(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert locality_for_request(host="x", held=set(), chosen_id=None) is None
