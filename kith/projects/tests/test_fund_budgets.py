"""A fund's budget across all projects (ADR 0036), beside its caps for one
project (ADR 0030)."""

import pytest
from django.urls import reverse

from kith.core.errors import ApplicationError
from kith.projects import rules, services
from kith.projects.models import Fund, Pledge
from kith.projects.tests import factories


def test_the_budget_rule():
    assert rules.fund_budget_left(budget_pence=None, pledged_pence=10**9) is None
    assert rules.fund_budget_left(budget_pence=1_000, pledged_pence=1_200) == 0
    assert (
        rules.fund_budget_refusal(
            amount_pence=250_000, budget_pence=1_000_000, pledged_pence=750_000
        )
        is None
    )
    refused = rules.fund_budget_refusal(
        amount_pence=300_000, budget_pence=1_000_000, pledged_pence=750_000
    )
    assert refused == (
        "£3,000 is more than is left in the fund's budget: £2,500 of "
        "£10,000 is left for all projects."
    )
    assert (
        rules.fund_budget_refusal(
            amount_pence=10**9, budget_pence=None, pledged_pence=10**9
        )
        is None
    )


def _fund(circle, budget_pence):
    return services.fund_save(
        actor=circle.council_officer,
        locality=circle.locality,
        organisation=factories.organisation(circle),
        name="Community Chest",
        cap_pence=1_000_000,
        cap_percent=50,
        budget_pence=budget_pence,
    )


def _pledge(circle, project, fund, pence):
    return services.pledge_make(
        actor=circle.council_officer,
        project=project,
        answers=services.PledgeAnswers("money", pence),
        fund=fund,
    )


def test_a_fund_pledges_across_projects_up_to_its_budget(testford):
    fund = _fund(testford, 1_000_000)
    first = factories.published_project(testford, title="Garden")
    second = factories.published_project(testford, title="Pocket park")
    _pledge(testford, first, fund, 750_000)
    with pytest.raises(ApplicationError, match=r"£2,500 of £10,000 is left"):
        _pledge(testford, second, fund, 300_000)
    assert second.pledges.count() == 0
    _pledge(testford, second, fund, 250_000)
    with pytest.raises(ApplicationError, match="left in the fund's budget"):
        _pledge(testford, second, fund, 1)
    # A released pledge gives its money back to the budget.
    first.pledges.update(status=Pledge.Status.RELEASED)
    _pledge(testford, second, fund, 100_000)


def test_a_fund_with_no_budget_has_only_its_caps(testford):
    fund = _fund(testford, None)
    for title in ("One", "Two", "Three"):
        _pledge(
            testford, factories.published_project(testford, title=title), fund, 750_000
        )
    assert Pledge.objects.filter(fund=fund).count() == 3


def test_a_budget_below_what_is_pledged_or_zero_is_refused(testford):
    fund = _fund(testford, 1_000_000)
    _pledge(testford, factories.published_project(testford), fund, 750_000)
    for budget, message in (
        (500_000, "£7,500 the fund has already pledged"),
        (0, "more than £0"),
    ):
        with pytest.raises(ApplicationError, match=message):
            services.fund_save(
                actor=testford.council_officer,
                locality=testford.locality,
                organisation=factories.organisation(testford),
                name="Community Chest",
                cap_pence=1_000_000,
                cap_percent=50,
                budget_pence=budget,
                fund=fund,
            )
    fund.refresh_from_db()
    assert fund.budget_pence == 1_000_000


def test_the_funds_page_shows_what_is_left_and_changes_a_budget(client, testford):
    fund = _fund(testford, 1_000_000)
    _pledge(testford, factories.published_project(testford), fund, 750_000)
    client.force_login(testford.council_officer)
    page = client.get(reverse("projects:funds")).text
    assert "£10,000" in page and "£7,500" in page and "£2,500" in page
    url = reverse("projects:fund_edit", args=[fund.pk])
    assert url in page
    data = {
        "name": "Community Chest",
        "organisation": str(fund.organisation_id),
        "cap": "10000",
        "cap_percent": "50",
        "budget": "5000",
    }
    refused = client.post(url, data)
    assert "already pledged" in refused.text
    fund.refresh_from_db()
    assert fund.budget_pence == 1_000_000
    assert client.post(url, {**data, "budget": "20000"}).status_code == 302
    fund.refresh_from_db()
    assert fund.budget_pence == 2_000_000
    assert client.post(url, {**data, "budget": ""}).status_code == 302
    assert Fund.objects.get().budget_pence is None


@pytest.mark.parametrize(
    "role", ["member", "coordinator", "organisation_editor", "admin"]
)
def test_only_council_officers_change_a_fund(client, testford, role):
    fund = _fund(testford, 1_000_000)
    client.force_login(getattr(testford, role))
    url = reverse("projects:fund_edit", args=[fund.pk])
    assert client.get(url).status_code == 404
    client.post(
        url, {"name": "Mine", "organisation": "1", "cap": "1", "cap_percent": "1"}
    )
    assert Fund.objects.get().name == "Community Chest"
