"""Two officers pledging from one fund to one project at once, on
PostgreSQL: the project's row lock means the cap holds, and the one refused
is told why."""

import threading

import pytest
from django.db import connection, connections

from kith.core.errors import ApplicationError
from kith.projects import services
from kith.projects.models import Pledge
from kith.projects.tests import factories

NEEDS_POSTGRES = (
    "needs PostgreSQL: SQLite serialises every writer with immediate "
    "transactions, so there is no row locking to test"
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason=NEEDS_POSTGRES),
]


def _at_once(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_pledges_from_one_fund_at_once_never_pass_its_cap(testford):
    project = factories.published_project(testford, target_pence=1_500_000)
    fund = factories.council_fund(testford, cap_pence=1_000_000, cap_percent=50)
    fund.managers.add(testford.coordinator)

    def pledge(actor):
        return services.pledge_make(
            actor=actor,
            project=project,
            fund=fund,
            answers=services.PledgeAnswers(kind="money", amount_pence=500_000),
        )

    results = _at_once(
        lambda: pledge(testford.council_officer), lambda: pledge(testford.coordinator)
    )
    made = [r for r in results if isinstance(r, Pledge)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "already pledged £5,000" in refused[0].message
    assert Pledge.objects.filter(fund=fund).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_pledges_from_one_fund_to_two_projects_never_pass_its_budget(testford):
    first = factories.published_project(testford, title="Garden")
    second = factories.published_project(testford, title="Pocket park")
    fund = factories.council_fund(testford, cap_pence=1_000_000, cap_percent=50)
    fund.budget_pence = 1_000_000
    fund.save()
    fund.managers.add(testford.coordinator)

    def pledge(actor, project):
        return services.pledge_make(
            actor=actor,
            project=project,
            fund=fund,
            answers=services.PledgeAnswers(kind="money", amount_pence=600_000),
        )

    results = _at_once(
        lambda: pledge(testford.council_officer, first),
        lambda: pledge(testford.coordinator, second),
    )
    made = [r for r in results if isinstance(r, Pledge)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "£4,000 of £10,000 is left" in refused[0].message
    assert Pledge.objects.filter(fund=fund).count() == 1
