"""Project pages: proposing through question pages, the officer's check,
pledging from each source, who may do what, and what people see."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from kith.projects import services
from kith.projects.models import Pledge, Project
from kith.projects.tests import factories


def _date(prefix, day):
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _propose_through_the_pages(client, plot):
    response = client.get(reverse("projects:propose_start") + f"?asset={plot.uuid}")
    assert response.url == reverse("projects:propose_step", args=["about"])
    answers = {
        "about": {
            "title": "Elm Road community garden",
            "what": "Raised beds and a shed.",
            "why": "The plot is unused.",
            "who_for": "Neighbours young and old.",
        },
        "where": {"asset": str(plot.uuid), "where": ""},
        "money": {
            "target": "15,000",
            "funding_model": "keep",
            **_date("deadline", factories.today() + timedelta(days=60)),
        },
        "costs": {
            "item_1": "Timber",
            "cost_1": "4500",
            "quote_1": "Barnet Timber",
            "item_2": "",
            "cost_2": "",
            "quote_2": "",
            "item_3": "",
            "cost_3": "",
            "quote_3": "",
        },
        "permissions": {
            "permissions_needed": "The council's licence.",
            "milestones": "",
            "involves_people_at_risk": "yes",
        },
    }
    for slug, data in answers.items():
        response = client.post(reverse("projects:propose_step", args=[slug]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    check = client.get(reverse("projects:propose_check")).content.decode()
    assert "Elm Road community garden" in check and "Land behind Elm Road" in check
    assert "£15,000.00" in check or "15000" in check
    response = client.post(reverse("projects:propose_check"))
    assert response.url == reverse("projects:propose_done")
    # A second click on the button makes nothing twice.
    again = client.post(reverse("projects:propose_check"))
    assert again.url == reverse("projects:propose_done")
    return Project.objects.get()


def test_a_member_proposes_and_an_officer_publishes(client, testford):
    plot = factories.asset(testford)
    client.force_login(testford.member)
    project = _propose_through_the_pages(client, plot)
    assert project.target_pence == 1_500_000 and project.asset == plot
    assert project.cost_items.get().amount_pence == 450_000
    assert project.involves_people_at_risk
    # Not yet public.
    client.logout()
    assert client.get(project.get_absolute_url()).status_code == 404
    client.force_login(testford.council_officer)
    listing = client.get(reverse("projects:to_check")).content.decode()
    assert "Elm Road community garden" in listing
    refused = client.post(
        reverse("projects:project_check", args=[project.uuid]),
        {
            "quotes_checked": "on",
            "owner_permission": "on",
            "insurance_checked": "on",
            "publish": "yes",
            "reason": "",
        },
    )
    assert "Check safeguarding before publishing." in refused.content.decode()
    response = client.post(
        reverse("projects:project_check", args=[project.uuid]),
        {
            "quotes_checked": "on",
            "owner_permission": "on",
            "insurance_checked": "on",
            "safeguarding_checked": "on",
            "publish": "yes",
            "reason": "",
        },
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Elm Road community garden" in page and "Open for pledges" in page


def test_a_coordinator_proposes_for_someone_on_the_phone(client, testford):
    from kith.core.middleware import ACTING_FOR_SESSION_KEY

    plot = factories.asset(testford)
    client.force_login(testford.coordinator)
    session = client.session
    session[ACTING_FOR_SESSION_KEY] = testford.member.pk
    session.save()
    project = _propose_through_the_pages(client, plot)
    assert project.proposer == testford.member
    assert project.entered_by == testford.coordinator


def test_the_officer_asks_for_changes_with_a_reason(client, testford):
    project = services.project_propose(
        actor=testford.member,
        locality=testford.locality,
        answers=factories.project_answers(),
    )
    client.force_login(testford.council_officer)
    client.post(
        reverse("projects:project_check", args=[project.uuid]),
        {"publish": "no", "reason": "Please add a quote for the soil."},
    )
    client.force_login(testford.member)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Please add a quote for the soil." in page


@pytest.mark.parametrize("role", ["member", "coordinator", "helper", "admin"])
def test_only_officers_open_the_check_pages(client, testford, role):
    project = services.project_propose(
        actor=testford.member,
        locality=testford.locality,
        answers=factories.project_answers(),
    )
    client.force_login(testford.by_role(role))
    assert client.get(reverse("projects:to_check")).status_code == 404
    assert (
        client.get(reverse("projects:project_check", args=[project.uuid])).status_code
        == 404
    )


def test_a_business_pledges_materials_and_the_fund_pledges_within_its_cap(
    client, testford
):
    project = factories.published_project(testford)
    business = factories.organisation(testford, "Hadley Builders", "private")
    business.editors.add(testford.organisation_editor)
    client.force_login(testford.organisation_editor)
    form = client.get(reverse("projects:pledge", args=[project.uuid])).content.decode()
    assert "Hadley Builders" in form and "Community Chest" not in form
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', form)
    assert key, "the pledge page carries a submission key"
    response = client.post(
        reverse("projects:pledge", args=[project.uuid]),
        {
            "source": f"org-{business.pk}",
            "kind": "materials",
            "amount": "1,200",
            "description": "Timber for six raised beds",
            "submission_key": key[1],
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("projects:pledge", args=[project.uuid]),
        {
            "source": f"org-{business.pk}",
            "kind": "materials",
            "amount": "1,200",
            "description": "Timber for six raised beds",
            "submission_key": key[1],
        },
    )
    assert Pledge.objects.get().sector == "private"
    fund = factories.council_fund(testford)
    client.force_login(testford.council_officer)
    refused = client.post(
        reverse("projects:pledge", args=[project.uuid]),
        {"source": f"fund-{fund.pk}", "kind": "money", "amount": "8000"},
    )
    assert "£8,000 is more than the fund may pledge (£7,500)." in (
        refused.content.decode()
    )
    assert Pledge.objects.count() == 1
    client.post(
        reverse("projects:pledge", args=[project.uuid]),
        {"source": f"fund-{fund.pk}", "kind": "money", "amount": "7500"},
    )
    client.logout()
    page = client.get(project.get_absolute_url()).content.decode()
    assert "£8,700" in page and "Private business" in page and "Public sector" in page
    assert "Thank you to" in page and testford.member.full_name not in page


def test_after_the_deadline_the_pledge_page_says_why(client, testford):
    project = factories.published_project(testford)
    Project.objects.filter(pk=project.pk).update(
        deadline=factories.today() - timedelta(days=1)
    )
    client.force_login(testford.member)
    page = client.get(reverse("projects:pledge", args=[project.uuid])).content.decode()
    assert "stopped taking pledges" in page
    response = client.post(
        reverse("projects:pledge", args=[project.uuid]),
        {"source": "person", "kind": "money", "amount": "10"},
    )
    assert "stopped taking pledges" in response.content.decode()
    assert not Pledge.objects.exists()


def test_an_officer_records_a_pledge_received(client, testford):
    project = factories.published_project(testford)
    pledge = services.pledge_make(
        actor=testford.member,
        project=project,
        answers=services.PledgeAnswers(kind="money", amount_pence=2_000),
    )
    url = reverse("projects:pledge_received", args=[project.uuid, pledge.pk])
    client.force_login(testford.member)
    assert client.post(url, _date("received_on", factories.today())).status_code == 404
    client.force_login(testford.council_officer)
    client.post(url, _date("received_on", factories.today()))
    pledge.refresh_from_db()
    assert pledge.status == "received" and pledge.received_on == factories.today()


def test_the_project_list_runs_the_same_queries_for_few_or_many(
    client, testford, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.published_project(testford)
    url = reverse("projects:home")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        factories.published_project(testford, title=f"Project {n}")
    with django_assert_num_queries(len(few)):
        page = client.get(url)
    assert "Project 4" in page.content.decode()


def test_the_project_page_runs_the_same_queries_for_few_or_many_pledges(
    client, testford, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = factories.published_project(testford)
    client.force_login(testford.council_officer)
    services.pledge_make(
        actor=testford.member,
        project=project,
        answers=services.PledgeAnswers(kind="money", amount_pence=100),
    )
    url = project.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        org = factories.organisation(testford, f"Org {n}", "community")
        org.editors.add(testford.organisation_editor)
        services.pledge_make(
            actor=testford.organisation_editor,
            project=project,
            organisation=org,
            answers=services.PledgeAnswers(kind="money", amount_pence=100),
        )
    with django_assert_num_queries(len(few)):
        client.get(url)


def test_figures_are_for_those_who_see_reports(client, testford):
    project = factories.published_project(testford)
    services.pledge_make(
        actor=testford.member,
        project=project,
        answers=services.PledgeAnswers(kind="money", amount_pence=2_000),
    )
    client.force_login(testford.member)
    assert client.get(reverse("projects:figures")).status_code == 404
    client.force_login(testford.council_officer)
    page = client.get(reverse("projects:figures")).content.decode()
    assert "Residents" in page and "£20" in page


def test_another_locality_never_sees_this_ones_projects(testford, elsewhere):
    from django.http import Http404

    from kith.projects import selectors

    project = factories.published_project(testford)
    with pytest.raises(Http404):
        selectors.project_get(
            actor=elsewhere.member, locality=elsewhere.locality, uuid=project.uuid
        )
    assert not selectors.public_projects(locality=elsewhere.locality).exists()


def test_an_officer_adds_a_fund_with_its_caps(client, testford):
    council = factories.organisation(testford)
    client.force_login(testford.council_officer)
    refused = client.post(
        reverse("projects:funds"),
        {
            "name": "Community Chest",
            "organisation": council.pk,
            "cap": "10000",
            "cap_percent": "150",
        },
    )
    assert "Community Chest" not in refused.content.decode().split("Add a fund")[0]
    client.post(
        reverse("projects:funds"),
        {
            "name": "Community Chest",
            "organisation": council.pk,
            "cap": "10,000",
            "cap_percent": "50",
        },
    )
    page = client.get(reverse("projects:funds")).content.decode()
    assert "at most £10,000 and 50% of its target" in page
    client.force_login(testford.coordinator)
    assert client.get(reverse("projects:funds")).status_code == 404


def test_an_administrator_decides_whether_volunteering_earns_credits(client, testford):
    from kith.projects.models import ProjectSettings

    client.force_login(testford.council_officer)
    assert client.get(reverse("projects:settings")).status_code == 404
    client.force_login(testford.admin)
    client.post(reverse("projects:settings"), {"volunteering_earns_credits": "on"})
    assert ProjectSettings.objects.get(
        locality=testford.locality
    ).volunteering_earns_credits
