"""The council's values: proxy values (added, changed, retired, never
deleted) and the commercial price of each kind of help, on their own page,
checked and audited."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.help.models import HelpCategory
from kith.help.services import categories_create_defaults
from kith.reports import figures, services
from kith.reports.models import HelpValue, ProxyValue

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)
GOOD = {
    "outcome": "Feeling in control of life",
    "value_pence": 1_500_000,
    "source": "The council's own valuation study, table 3",
    "year": 2024,
    "licence": "Council licence ABC-123",
    "deadweight_percent": Decimal("27.5"),
}


def add(circle, **changes):
    return services.proxy_value_add(
        actor=circle.council_officer,
        locality=circle.locality,
        today=TODAY,
        **(GOOD | changes),
    )


def test_an_officer_adds_a_proxy_value_and_it_is_audited(testford):
    proxy = add(testford)
    assert proxy.value_pence == 1_500_000 and proxy.retired_at is None
    assert proxy.deadweight_percent == Decimal("27.50")
    event = AuditEvent.objects.get(action="proxy_value_added")
    assert event.actor_id == testford.council_officer.pk
    assert event.locality_id == testford.locality.pk
    assert event.data["outcome"] == "Feeling in control of life"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "  "}, "outcome"),
        ({"value_pence": -1}, "value_pence"),
        ({"source": ""}, "source"),
        ({"licence": " "}, "licence"),
        ({"year": 1969}, "year"),
        ({"year": 2027}, "year"),
        ({"deadweight_percent": Decimal("-0.01")}, "deadweight_percent"),
        ({"deadweight_percent": Decimal("100.01")}, "deadweight_percent"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(testford, changes, field):
    with pytest.raises(ApplicationError) as raised:
        add(testford, **changes)
    assert raised.value.field == field
    assert not ProxyValue.objects.exists()
    assert not AuditEvent.objects.filter(action="proxy_value_added").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"value_pence": 0},
        {"year": 1970},
        {"year": 2026},
        {"deadweight_percent": Decimal(0)},
        {"deadweight_percent": Decimal(100)},
    ],
)
def test_the_boundaries_themselves_are_allowed(testford, changes):
    assert add(testford, **changes).pk


def test_an_outcome_has_one_value_in_use(testford):
    first = add(testford)
    with pytest.raises(ApplicationError, match="already uses a value"):
        add(testford, outcome="feeling in control of LIFE")
    services.proxy_value_retire(actor=testford.council_officer, proxy=first)
    second = add(testford, value_pence=1_600_000)
    # Using the retired one again would give the outcome two values.
    with pytest.raises(ApplicationError, match="already uses a value"):
        services.proxy_value_retire(
            actor=testford.council_officer, proxy=first, retire=False
        )
    assert ProxyValue.objects.filter(retired_at__isnull=True).get() == second


def test_the_same_submission_twice_adds_one_value(testford):
    key = "a" * 32
    first = add(testford, submission_key=key)
    again = add(testford, submission_key=key)
    assert first == again and ProxyValue.objects.count() == 1


def test_a_change_keeps_what_it_was_in_the_audit_trail(testford):
    proxy = add(testford)
    services.proxy_value_change(
        actor=testford.council_officer,
        proxy=proxy,
        today=TODAY,
        **(GOOD | {"value_pence": 1_450_000, "year": 2025}),
    )
    proxy.refresh_from_db()
    assert proxy.value_pence == 1_450_000
    event = AuditEvent.objects.get(action="proxy_value_changed")
    assert event.data["changed"] == {
        "value_pence": [1_500_000, 1_450_000],
        "year": [2024, 2025],
    }
    # Saving the same again records nothing more.
    services.proxy_value_change(
        actor=testford.council_officer,
        proxy=proxy,
        today=TODAY,
        **(GOOD | {"value_pence": 1_450_000, "year": 2025}),
    )
    assert AuditEvent.objects.filter(action="proxy_value_changed").count() == 1


def test_a_retired_value_is_kept_but_no_longer_reported(testford):
    proxy = add(testford)
    scope = figures.scope_for(
        actor=testford.council_officer,
        locality=testford.locality,
        period=figures.period_of(date(2026, 1, 1), date(2026, 5, 1)),
    )
    found = figures.outcomes(scope)
    assert figures.social_value(scope, found, []).proxies == [proxy]
    services.proxy_value_retire(actor=testford.council_officer, proxy=proxy)
    services.proxy_value_retire(actor=testford.council_officer, proxy=proxy)
    assert AuditEvent.objects.filter(action="proxy_value_retired").count() == 1
    assert figures.social_value(scope, found, []).proxies == []
    assert ProxyValue.objects.filter(pk=proxy.pk).exists()
    with pytest.raises(ApplicationError, match="retired"):
        services.proxy_value_change(
            actor=testford.council_officer, proxy=proxy, today=TODAY, **GOOD
        )
    services.proxy_value_retire(
        actor=testford.council_officer, proxy=proxy, retire=False
    )
    assert AuditEvent.objects.filter(action="proxy_value_restored").count() == 1


@pytest.mark.parametrize("role", ["member", "helper", "coordinator", "supporter"])
def test_only_those_who_see_reports_keep_the_values(testford, role):
    with pytest.raises(PermissionDenied):
        services.proxy_value_add(
            actor=testford.by_role(role), locality=testford.locality, **GOOD
        )


def test_another_localitys_officer_cannot_touch_them(testford, elsewhere):
    proxy = add(testford)
    with pytest.raises(PermissionDenied):
        services.proxy_value_retire(actor=elsewhere.council_officer, proxy=proxy)
    with pytest.raises(PermissionDenied):
        services.proxy_value_add(
            actor=elsewhere.council_officer, locality=testford.locality, **GOOD
        )


def _category(circle) -> HelpCategory:
    categories_create_defaults(locality=circle.locality)
    return HelpCategory.objects.filter(locality=circle.locality).first()


def test_the_price_of_help_is_set_changed_and_taken_away(testford):
    category = _category(testford)
    officer = testford.council_officer
    value = services.help_value_set(
        actor=officer, category=category, pence_per_hour=1850, source="Local firms"
    )
    assert value.pence_per_hour == 1850 and value.locality == testford.locality
    services.help_value_set(
        actor=officer, category=category, pence_per_hour=1900, source="Local firms"
    )
    assert HelpValue.objects.get().pence_per_hour == 1900
    events = AuditEvent.objects.filter(action="help_value_set").order_by("pk")
    assert [e.data["was"] for e in events] == [
        None,
        {"pence_per_hour": 1850, "source": "Local firms"},
    ]
    assert (
        services.help_value_set(
            actor=officer, category=category, pence_per_hour=None, source=""
        )
        is None
    )
    assert not HelpValue.objects.exists()
    assert AuditEvent.objects.get(action="help_value_removed").data["was"] == {
        "pence_per_hour": 1900,
        "source": "Local firms",
    }


@pytest.mark.parametrize(
    ("pence", "source", "field"),
    [(0, "Firms", "pence_per_hour"), (100_001, "Firms", "pence_per_hour"),
     (1500, "  ", "source")],
)  # fmt: skip
def test_a_bad_price_is_refused(testford, pence, source, field):
    with pytest.raises(ApplicationError) as raised:
        services.help_value_set(
            actor=testford.council_officer,
            category=_category(testford),
            pence_per_hour=pence,
            source=source,
        )
    assert raised.value.field == field and not HelpValue.objects.exists()


# --- the pages ------------------------------------------------------------------


def test_the_page_says_when_there_is_nothing_yet(client, testford):
    client.force_login(testford.council_officer)
    page = client.get(reverse("reports:values")).content.decode()
    assert "The council uses no proxy values yet." in page
    assert "The circle has no kinds of help yet." in page


def test_an_officer_adds_changes_and_retires_a_value_on_the_pages(client, testford):
    client.force_login(testford.council_officer)
    form = {
        "key": "b" * 32,
        "outcome": "Feeling in control of life",
        "value_pence": "£15,000.00",
        "source": "Study",
        "year": "2024",
        "licence": "Licence 1",
        "deadweight_percent": "27.5",
    }
    response = client.post(reverse("reports:proxy_add"), form)
    assert response.status_code == 302
    client.post(reverse("reports:proxy_add"), form)  # a double click
    proxy = ProxyValue.objects.get()
    assert proxy.value_pence == 1_500_000
    page = client.get(reverse("reports:values")).content.decode()
    assert "Feeling in control of life" in page and "£15,000" in page
    changed = client.post(
        reverse("reports:proxy_change", args=[proxy.pk]),
        form | {"deadweight_percent": "101"},
    )
    assert "Enter the deadweight as a percentage from 0 to 100." in (
        changed.content.decode()
    )
    client.post(
        reverse("reports:proxy_change", args=[proxy.pk]), form | {"year": "2025"}
    )
    proxy.refresh_from_db()
    assert proxy.year == 2025
    assert (
        "Retire this proxy value?"
        in client.get(reverse("reports:proxy_retire", args=[proxy.pk])).content.decode()
    )
    client.post(reverse("reports:proxy_retire", args=[proxy.pk]))
    proxy.refresh_from_db()
    assert proxy.retired_at is not None
    page = client.get(reverse("reports:values")).content.decode()
    assert "Retired: kept, no longer shown in reports" in page


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"year": ""}, "Enter the year of its prices, like 2024."),
        ({"year": "1850"}, "Enter the year of its prices, from 1970 to"),
        ({"value_pence": "-3"}, "The value cannot be less than £0."),
        ({"value_pence": "lots"}, "Enter the value as pounds and pence"),
        ({"licence": ""}, "Enter the licence under which the council may use it."),
        ({"source": ""}, "Enter where the value comes from."),
    ],
)
def test_the_form_says_what_is_wrong(client, testford, given, message):
    client.force_login(testford.council_officer)
    form = {"outcome": "Outcome", "value_pence": "10", "source": "S",
            "year": "2024", "licence": "L", "deadweight_percent": "0"}  # fmt: skip
    response = client.post(reverse("reports:proxy_add"), form | given)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProxyValue.objects.exists()


def test_the_price_of_help_on_its_page(client, testford):
    category = _category(testford)
    client.force_login(testford.council_officer)
    url = reverse("reports:help_value", args=[category.pk])
    refused = client.post(url, {"pence_per_hour": "18.50", "source": ""})
    assert "Enter where the price comes from." in refused.content.decode()
    client.post(url, {"pence_per_hour": "18.50", "source": "Local firms"})
    assert HelpValue.objects.get(category=category).pence_per_hour == 1850
    page = client.get(reverse("reports:values")).content.decode()
    assert "£18.50" in page and "Local firms" in page


@pytest.mark.parametrize("role", ["member", "helper", "coordinator", "supporter"])
def test_the_pages_are_refused_to_others(client, testford, role):
    proxy = add(testford)
    category = _category(testford)
    client.force_login(testford.by_role(role))
    for url in [
        reverse("reports:values"),
        reverse("reports:proxy_add"),
        reverse("reports:proxy_change", args=[proxy.pk]),
        reverse("reports:proxy_retire", args=[proxy.pk]),
        reverse("reports:help_value", args=[category.pk]),
    ]:
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("reports:proxy_retire", args=[proxy.pk])).status_code == 403
    )
    proxy.refresh_from_db()
    assert proxy.retired_at is None


def test_another_localitys_values_are_not_found(client, testford, elsewhere):
    proxy = add(testford)
    category = _category(testford)
    client.force_login(elsewhere.council_officer)
    assert (
        client.get(reverse("reports:proxy_change", args=[proxy.pk])).status_code == 404
    )
    assert (
        client.post(reverse("reports:proxy_retire", args=[proxy.pk])).status_code == 404
    )
    assert (
        client.get(reverse("reports:help_value", args=[category.pk])).status_code == 404
    )
