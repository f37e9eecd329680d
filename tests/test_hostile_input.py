"""Bad input never gives a server error, and a refused answer changes nothing."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "query",
    [
        "from=9999-12-31",
        "from=0001-01-01",
        "from=2026-02-31",
        "from=%00",
        "month=9999-12",
        "month=0001-01",
        "month=2026-99",
    ],
)
def test_large_print_pages_take_any_date_in_the_address(client, testford, query):
    from kith.helpers.tests.factories import active_helper

    profile = active_helper(testford, full_name="Sam Helper")
    client.force_login(testford.coordinator)
    for url in (
        reverse("notify:print_helper_week_for", args=[profile.pk]),
        reverse("notify:print_activities"),
    ):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
    page = client.get(
        reverse("notify:print_helper_week_for", args=[profile.pk]) + f"?{query}"
    ).content.decode()
    assert "Visits for Sam Helper" in page
