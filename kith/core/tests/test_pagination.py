"""page_of: the page Django's paginator would give, in two queries."""

import pytest
from django.core.paginator import Paginator

from kith.core.pagination import page_of
from kith.places.models import Ward


@pytest.fixture
def wards(testford):
    for n in range(23):
        Ward.objects.create(
            locality=testford.locality, name=f"Ward {n:02}", ons_code=f"Z9{n:07}"
        )
    return Ward.objects.filter(locality=testford.locality, name__startswith="Ward ")


def _as_django(queryset, number, per_page):
    page = Paginator(list(queryset), per_page).get_page(number)
    return page.number, page.paginator.count, [w.name for w in page.object_list]


def _ours(queryset, number, per_page):
    page = page_of(queryset, number, per_page=per_page)
    return page.number, page.paginator.count, [w.name for w in page.object_list]


@pytest.mark.parametrize(
    "number", [None, "", "1", "2", "3", "4", "0", "-1", "two", "9" * 30]
)
def test_each_page_is_the_one_django_gives(wards, number):
    assert _ours(wards, number, 10) == _as_django(wards, number, 10)


@pytest.mark.parametrize("number", ["1", "3"])
def test_a_page_in_range_costs_two_queries(wards, number, django_assert_num_queries):
    with django_assert_num_queries(2):  # the keys and count; the rows
        page = page_of(wards, number, per_page=10)
        assert page.paginator.count == 23
        assert page.paginator.num_pages == 3
        assert page.has_next() == (number == "1")


def test_a_distinct_list_is_counted_as_distinct(wards):
    doubled = Ward.objects.filter(
        pk__in=wards.values("pk"), locality__wards__isnull=False
    ).distinct()

    assert _ours(doubled, "2", 10) == _as_django(doubled, "2", 10)
    assert page_of(doubled, "1", per_page=10).paginator.count == 23


def test_an_empty_list_has_one_empty_page(wards):
    nothing = wards.filter(name="No such ward")

    assert _ours(nothing, "1", 10) == (1, 0, [])
    assert _ours(nothing, "5", 10) == (1, 0, [])
