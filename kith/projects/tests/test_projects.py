"""Projects and pledges: proposing, the officer's check, pledges from every
sector, the council fund's caps, the funding models at the deadline."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.projects import selectors, services
from kith.projects.models import Pledge, Project
from kith.projects.tests import factories

MONEY = services.PledgeAnswers


def _money(pence, **kw):
    return services.PledgeAnswers(kind="money", amount_pence=pence, **kw)


def test_a_member_proposes_a_garden_on_an_unused_plot(testford):
    plot = factories.asset(testford)
    project = services.project_propose(
        actor=testford.member,
        locality=testford.locality,
        answers=factories.project_answers(asset=plot),
    )
    assert project.status == "proposed" and project.asset == plot
    assert [c.description for c in project.cost_items.all()] == [
        "Timber for raised beds",
        "Topsoil",
    ]
    assert project.proposer == testford.member == project.entered_by


def test_the_same_proposal_sent_twice_makes_one_project(testford):
    made = [
        services.project_propose(
            actor=testford.member,
            locality=testford.locality,
            answers=factories.project_answers(),
            submission_key="abc",
        )
        for _ in range(2)
    ]
    assert made[0] == made[1] and Project.objects.count() == 1


def test_a_coordinator_proposes_for_someone_on_the_phone(testford):
    project = services.project_propose(
        actor=testford.coordinator,
        locality=testford.locality,
        answers=factories.project_answers(),
        proposer=testford.member,
    )
    assert project.proposer == testford.member
    assert project.entered_by == testford.coordinator
    event = AuditEvent.objects.get(action="project_proposed")
    assert event.on_behalf_of_id == testford.member.pk


def test_a_member_cannot_propose_for_someone_else(testford):
    with pytest.raises(PermissionDenied):
        services.project_propose(
            actor=testford.member,
            locality=testford.locality,
            answers=factories.project_answers(),
            proposer=testford.helper,
        )


def test_an_officer_publishes_only_with_the_checklist_done(testford):
    project = services.project_propose(
        actor=testford.member,
        locality=testford.locality,
        answers=factories.project_answers(involves_people_at_risk=True),
    )
    with pytest.raises(ApplicationError, match="safeguarding, insurance"):
        services.project_check(
            actor=testford.council_officer,
            project=project,
            quotes_checked=True,
            owner_permission=True,
            safeguarding_checked=False,
            insurance_checked=False,
            publish=True,
            reason="",
        )
    project.refresh_from_db()
    assert project.status == "proposed"
    with pytest.raises(ApplicationError, match="Say what needs to change"):
        services.project_check(
            actor=testford.council_officer,
            project=project,
            quotes_checked=True,
            owner_permission=False,
            safeguarding_checked=False,
            insurance_checked=False,
            publish=False,
            reason=" ",
        )
    sent_back = services.project_check(
        actor=testford.council_officer,
        project=project,
        quotes_checked=True,
        owner_permission=False,
        safeguarding_checked=False,
        insurance_checked=False,
        publish=False,
        reason="Please attach the owner's licence.",
    )
    assert sent_back.status == "changes"
    assert sent_back.changes_reason == "Please attach the owner's licence."
    again = services.project_resubmit(
        actor=testford.member,
        project=sent_back,
        answers=factories.project_answers(involves_people_at_risk=True),
    )
    assert again.status == "proposed"
    published = services.project_check(
        actor=testford.council_officer,
        project=again,
        quotes_checked=True,
        owner_permission=True,
        safeguarding_checked=True,
        insurance_checked=True,
        publish=True,
        reason="",
    )
    assert published.status == "published" and published.published_at


@pytest.mark.parametrize("role", ["member", "coordinator", "organisation_editor"])
def test_only_officers_check_projects(testford, role):
    project = services.project_propose(
        actor=testford.member,
        locality=testford.locality,
        answers=factories.project_answers(),
    )
    with pytest.raises(PermissionDenied):
        services.project_check(
            actor=testford.by_role(role),
            project=project,
            quotes_checked=True,
            owner_permission=True,
            safeguarding_checked=True,
            insurance_checked=True,
            publish=True,
            reason="",
        )


def test_the_public_sees_a_project_only_once_published(testford):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    project = services.project_propose(
        actor=testford.member,
        locality=testford.locality,
        answers=factories.project_answers(),
    )
    with pytest.raises(Http404):
        selectors.project_get(
            actor=AnonymousUser(), locality=testford.locality, uuid=project.uuid
        )
    with pytest.raises(Http404):
        selectors.project_get(
            actor=testford.helper, locality=testford.locality, uuid=project.uuid
        )
    assert selectors.project_get(
        actor=testford.member, locality=testford.locality, uuid=project.uuid
    )
    assert selectors.project_get(
        actor=testford.council_officer, locality=testford.locality, uuid=project.uuid
    )


# --- pledges -------------------------------------------------------------------


def test_pledges_from_every_sector_are_totalled_by_sector(testford):
    project = factories.published_project(testford)
    business = factories.organisation(testford, "Barnet Timber", "private")
    business.editors.add(testford.organisation_editor)
    charity = factories.organisation(testford, "Groundwork", "voluntary")
    charity.editors.add(testford.organisation_editor)
    services.pledge_make(
        actor=testford.organisation_editor,
        project=project,
        organisation=business,
        answers=services.PledgeAnswers(
            kind="materials", amount_pence=120_000, description="Timber"
        ),
    )
    services.pledge_make(
        actor=testford.organisation_editor,
        project=project,
        organisation=charity,
        answers=_money(50_000, release_if_missed=True),
    )
    services.pledge_make(
        actor=testford.council_officer,
        project=project,
        fund=factories.council_fund(testford),
        answers=_money(750_000),
    )
    services.pledge_make(actor=testford.member, project=project, answers=_money(2_000))
    services.pledge_make(
        actor=testford.helper,
        project=project,
        answers=services.PledgeAnswers(kind="time", minutes=6 * 60),
    )
    project = selectors.project_get(
        actor=testford.member, locality=testford.locality, uuid=project.uuid
    )
    totals = selectors.project_totals(project)
    by_sector = dict(totals["by_sector"])
    assert by_sector["private"]["materials"] == 120_000
    assert by_sector["voluntary"]["money"] == 50_000
    assert by_sector["public"]["money"] == 750_000
    assert by_sector["resident"] == {
        "money": 2_000,
        "materials": 0,
        "minutes": 360,
        "count": 2,
    }
    assert totals["counted_pence"] == 922_000 and totals["percent"] == 61
    assert list(by_sector)[-1] == "resident"


def test_the_council_fund_may_pledge_up_to_its_cap_and_is_told_why_not(testford):
    project = factories.published_project(testford, target_pence=1_500_000)
    fund = factories.council_fund(testford, cap_pence=1_000_000, cap_percent=50)
    with pytest.raises(ApplicationError) as refused:
        services.pledge_make(
            actor=testford.council_officer,
            project=project,
            fund=fund,
            answers=_money(800_000),
        )
    assert "£8,000 is more than the fund may pledge (£7,500)" in refused.value.message
    assert not Pledge.objects.exists()
    made = services.pledge_make(
        actor=testford.council_officer,
        project=project,
        fund=fund,
        answers=_money(700_000),
    )
    assert made.sector == "public" and made.organisation == fund.organisation
    with pytest.raises(ApplicationError, match="already pledged £7,000"):
        services.pledge_make(
            actor=testford.council_officer,
            project=project,
            fund=fund,
            answers=_money(50_001),
        )
    services.pledge_make(
        actor=testford.council_officer,
        project=project,
        fund=fund,
        answers=_money(50_000),
    )
    assert Pledge.objects.filter(fund=fund).count() == 2


def test_only_the_funds_managers_and_officers_pledge_from_it(testford):
    project = factories.published_project(testford)
    fund = factories.council_fund(testford)
    with pytest.raises(PermissionDenied):
        services.pledge_make(
            actor=testford.coordinator, project=project, fund=fund, answers=_money(100)
        )
    fund.managers.add(testford.coordinator)
    assert services.pledge_make(
        actor=testford.coordinator, project=project, fund=fund, answers=_money(100)
    )


def test_only_an_organisations_editors_pledge_in_its_name(testford):
    project = factories.published_project(testford)
    business = factories.organisation(testford, "Barnet Timber", "private")
    with pytest.raises(PermissionDenied):
        services.pledge_make(
            actor=testford.member,
            project=project,
            organisation=business,
            answers=_money(100),
        )


def test_a_pledge_to_a_closed_project_or_after_the_deadline_changes_nothing(testford):
    project = factories.published_project(testford)
    Project.objects.filter(pk=project.pk).update(
        deadline=factories.today() - timedelta(days=1)
    )
    project.refresh_from_db()
    with pytest.raises(ApplicationError, match="stopped taking pledges"):
        services.pledge_make(
            actor=testford.member, project=project, answers=_money(100)
        )
    proposed = services.project_propose(
        actor=testford.member,
        locality=testford.locality,
        answers=factories.project_answers(title="Another"),
    )
    with pytest.raises(ApplicationError, match="not taking pledges"):
        services.pledge_make(
            actor=testford.member, project=proposed, answers=_money(100)
        )
    assert not Pledge.objects.exists()


def test_bad_amounts_are_refused(testford):
    project = factories.published_project(testford)
    with pytest.raises(ApplicationError, match="more than £0"):
        services.pledge_make(actor=testford.member, project=project, answers=_money(0))
    with pytest.raises(ApplicationError, match="what the materials are"):
        services.pledge_make(
            actor=testford.member,
            project=project,
            answers=services.PledgeAnswers(kind="materials", amount_pence=100),
        )
    with pytest.raises(ApplicationError, match="hours you can give"):
        services.pledge_make(
            actor=testford.member,
            project=project,
            answers=services.PledgeAnswers(kind="time", minutes=0),
        )
    assert not Pledge.objects.exists()


def test_staff_enter_a_paper_pledge_for_a_resident_and_it_is_audited(testford):
    project = factories.published_project(testford)
    made = services.pledge_make(
        actor=testford.coordinator,
        project=project,
        person=testford.member,
        on_paper=True,
        answers=_money(1_000),
    )
    assert made.on_paper and made.entered_by == testford.coordinator
    event = AuditEvent.objects.get(action="pledge_made")
    assert event.actor_id == testford.coordinator.pk
    assert event.on_behalf_of_id == testford.member.pk and event.data["on_paper"]
    with pytest.raises(PermissionDenied):
        services.pledge_make(
            actor=testford.member,
            project=project,
            person=testford.helper,
            answers=_money(1_000),
        )


def test_a_pledge_is_recorded_as_received_once(testford):
    project = factories.published_project(testford)
    pledge = services.pledge_make(
        actor=testford.member, project=project, answers=_money(1_000)
    )
    with pytest.raises(PermissionDenied):
        services.pledge_received(
            actor=testford.member, pledge=pledge, received_on=factories.today()
        )
    first = services.pledge_received(
        actor=testford.council_officer, pledge=pledge, received_on=factories.days_ago(2)
    )
    again = services.pledge_received(
        actor=testford.council_officer, pledge=pledge, received_on=factories.today()
    )
    assert first.received_on == again.received_on == factories.days_ago(2)


def _close(project, pledged, *, model, partner_release=False, circle):
    for pence, release in pledged:
        services.pledge_make(
            actor=circle.member,
            project=project,
            answers=_money(pence, release_if_missed=release or partner_release),
        )
    Project.objects.filter(pk=project.pk).update(
        deadline=factories.today() - timedelta(days=1)
    )
    assert services.projects_funding_close_due() == 1
    assert services.projects_funding_close_due() == 0
    project.refresh_from_db()
    return project


@pytest.mark.parametrize(
    ("pledged", "reached", "status", "released"),
    [
        ([(59_000, False), (40_000, False)], False, "closed", 2),
        ([(60_000, False), (40_000, False)], True, "published", 0),
    ],
)
def test_all_or_nothing_at_99_and_100_percent(
    testford, pledged, reached, status, released
):
    project = factories.published_project(
        testford, target_pence=100_000, funding_model="all_or_nothing"
    )
    project = _close(project, pledged, model="all_or_nothing", circle=testford)
    assert project.outcome == ("reached" if reached else "missed")
    assert project.status == status
    assert Pledge.objects.filter(status="released").count() == released


@pytest.mark.parametrize(
    ("pledged", "reached", "released"),
    [
        ([(59_000, False), (40_000, True)], False, 1),
        ([(60_000, False), (40_000, True)], True, 0),
    ],
)
def test_keep_what_you_raise_at_99_and_100_percent(
    testford, pledged, reached, released
):
    project = factories.published_project(
        testford, target_pence=100_000, funding_model="keep"
    )
    project = _close(project, pledged, model="keep", circle=testford)
    assert project.outcome == ("reached" if reached else "missed")
    assert project.status == "published"
    assert Pledge.objects.filter(status="released").count() == released
    if released:
        assert Pledge.objects.get(status="released").amount_pence == 40_000


def test_another_localitys_fund_cannot_pledge(testford, elsewhere):
    project = factories.published_project(testford)
    fund = factories.council_fund(elsewhere)
    with pytest.raises(PermissionDenied):
        services.pledge_make(
            actor=testford.council_officer,
            project=project,
            fund=fund,
            answers=_money(1),
        )
