"""The pages, for each role: who may raise, who may read, and what each sees."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kith.accounts.models import Role
from kith.core.models import AuditEvent
from kith.help.tests.test_services import arranged
from kith.helpers.models import HelperStatus
from kith.safeguarding.models import Concern
from kith.safeguarding.tests.test_services import raise_about_member

FACTS = "She had a bruise on her arm"


def _raise_answers(**changes):
    answers = {
        "subject": "other",
        "about_name": "The man at the bus stop",
        "facts": FACTS,
        "immediate_risk": "no",
        "consent": "not_asked",
        "capacity": "not_known",
        "kinds": ["physical"],
        "submission_key": "b" * 32,
    }
    answers.update(changes)
    return answers


def test_a_helper_raises_a_concern_from_a_visit_page(client, circle):
    visit = arranged(circle)
    client.force_login(circle.helper_profile.user)
    page = client.get(reverse("help:visit", args=[visit.pk])).content.decode()
    link = f"{reverse('safeguarding:raise')}?visit={visit.pk}"
    assert link in page
    form = client.get(link).content.decode()
    assert "If someone is in danger now, call 999 first." in form
    assert "Joan Member" in form
    response = client.post(
        reverse("safeguarding:raise"),
        _raise_answers(subject=f"m{circle.membership.pk}", visit=visit.pk),
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.membership == circle.membership and concern.visit == visit
    mine = client.get(reverse("safeguarding:home")).content.decode()
    assert "About Joan Member: received on" in mine
    assert FACTS not in mine  # the raiser sees it was received, not what it says


def test_a_helper_can_name_only_members_they_visited(client, circle):
    client.force_login(circle.helper_profile.user)
    response = client.post(
        reverse("safeguarding:raise"),
        _raise_answers(subject=f"m{circle.membership.pk}"),
    )
    assert response.status_code == 400  # not a choice: no visit to Joan yet
    assert not Concern.objects.exists()
    response = client.get(
        f"{reverse('safeguarding:raise')}?member={circle.membership.pk}"
    )
    assert response.status_code == 404


def test_bad_answers_are_shown_next_to_the_fields_and_nothing_is_kept(client, circle):
    client.force_login(circle.coordinator)
    response = client.post(
        reverse("safeguarding:raise"),
        _raise_answers(facts="", immediate_risk="yes", about_name=""),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Say what was seen or said." in page
    assert "Say who or what it is about." in page
    assert "Say what was done about the danger" in page
    assert not Concern.objects.exists()


def test_a_coordinator_takes_a_call_about_a_helper_who_is_paused_at_once(
    client, circle
):
    client.force_login(circle.coordinator)
    url = f"{reverse('safeguarding:raise')}?helper={circle.helper_profile.pk}"
    assert "They will be paused at once" in client.get(url).content.decode()
    response = client.post(
        reverse("safeguarding:raise"),
        _raise_answers(
            subject=f"h{circle.helper_profile.pk}",
            helper=circle.helper_profile.pk,
            by_phone="yes",
            told_by="Her son",
        ),
    )
    assert response.status_code == 302
    circle.helper_profile.refresh_from_db()
    assert circle.helper_profile.status == HelperStatus.PAUSED
    assert Concern.objects.get().channel == Concern.Channel.PHONE


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SAFEGUARDING_LEAD, 200),
        (Role.COORDINATOR, 403),
        (Role.HELPER, 403),
        (Role.MEMBER, 403),
        (Role.COUNCIL_OFFICER, 403),
        (Role.ADMIN, 403),
    ],
)
def test_only_a_lead_opens_a_concern(client, circle, role, status):
    concern = raise_about_member(circle)
    client.force_login(circle.by_role(role))
    response = client.get(reverse("safeguarding:concern", args=[concern.pk]))
    assert response.status_code == status
    assert (FACTS in response.content.decode()) == (status == 200)
    assert client.get(reverse("safeguarding:concerns")).status_code == status
    assert AuditEvent.objects.filter(action="safeguarding_concern_viewed").count() == (
        1 if status == 200 else 0
    )


def test_the_raiser_is_refused_the_concern_they_raised(client, circle):
    concern = raise_about_member(circle)
    client.force_login(circle.helper_profile.user)
    response = client.get(reverse("safeguarding:concern", args=[concern.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.HELPER, 200),
        (Role.COORDINATOR, 200),
        (Role.COUNCIL_OFFICER, 200),
        (Role.ORGANISATION_EDITOR, 200),
        (Role.SAFEGUARDING_LEAD, 200),
        (Role.MEMBER, 403),
        (Role.SUPPORTER, 403),
        (Role.ADMIN, 403),
    ],
)
def test_who_may_open_the_raise_page(client, circle, role, status):
    client.force_login(circle.by_role(role))
    assert client.get(reverse("safeguarding:raise")).status_code == status
    assert client.get(reverse("safeguarding:home")).status_code == status


def test_a_coordinator_sees_an_open_concern_on_the_member_record_not_its_content(
    client, circle
):
    raise_about_member(circle)
    client.force_login(circle.coordinator)
    page = client.get(
        reverse("members:member", args=[circle.membership.pk])
    ).content.decode()
    assert "A safeguarding concern about them is open." in page
    assert "bruise" not in page and "nephew" not in page


def test_the_lead_works_a_concern_through_the_pages(client, circle):
    concern = raise_about_member(circle)
    client.force_login(circle.safeguarding_lead)
    url = reverse("safeguarding:concern", args=[concern.pk])
    client.post(reverse("safeguarding:concern_acknowledge", args=[concern.pk]))
    response = client.post(
        reverse("safeguarding:concern_referral", args=[concern.pk]),
        {"referred": "yes", "rationale": "", "reference": ""},
    )
    assert response.status_code == 400
    assert "Say why you decided this." in response.content.decode()
    response = client.post(
        reverse("safeguarding:concern_referral", args=[concern.pk]),
        {"referred": "yes", "rationale": "Physical harm.", "reference": "ASC-1"},
    )
    assert response["Location"] == url
    today = timezone.localdate()
    response = client.post(
        reverse("safeguarding:concern_action", args=[concern.pk]),
        {
            "what": "Visit with social worker",
            "owner": "Lead",
            "due_on_day": today.day,
            "due_on_month": today.month,
            "due_on_year": today.year,
        },
    )
    assert response["Location"] == url
    response = client.post(
        reverse("safeguarding:concern_close", args=[concern.pk]),
        {"outcome": "Enquiry opened.", "wishes_met": "yes"},
    )
    assert response["Location"] == url
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED
    assert concern.referral_reference == "ASC-1"
    assert concern.actions.count() == 1
    assert "Enquiry opened." in client.get(url).content.decode()


def test_the_leads_list_flags_late_concerns(client, circle):
    concern = raise_about_member(circle)
    Concern.objects.filter(pk=concern.pk).update(
        acknowledge_by=timezone.now() - timezone.timedelta(hours=1)
    )
    client.force_login(circle.safeguarding_lead)
    page = client.get(reverse("safeguarding:concerns")).content.decode()
    assert "1 concern has not been acknowledged in time." in page
    assert "Late" in page
    assert FACTS not in page  # content is read on the concern's own page


def test_the_lead_sets_the_time_to_acknowledge(client, circle):
    client.force_login(circle.safeguarding_lead)
    response = client.post(
        reverse("safeguarding:concerns"), {"acknowledge_working_days": "40"}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("safeguarding:concerns"), {"acknowledge_working_days": "2"}
    )
    assert response.status_code == 302
    concern = raise_about_member(circle)
    assert (concern.acknowledge_by - concern.created_at).days >= 2


def test_the_lead_stops_a_helper_and_records_the_dbs_decision_on_the_page(
    client, circle
):
    from kith.safeguarding.tests.test_services import raise_about_helper

    concern = raise_about_helper(circle)
    client.force_login(circle.safeguarding_lead)
    url = reverse("safeguarding:concern", args=[concern.pk])
    response = client.post(
        reverse("safeguarding:concern_helper", args=[concern.pk]),
        {"decision": "stop", "reason": "Took money."},
    )
    assert response["Location"] == url
    assert "decide whether to refer them" in client.get(url).content.decode()
    today = timezone.localdate()
    dates = {
        "decided_on_day": today.day,
        "decided_on_month": today.month,
        "decided_on_year": today.year,
    }
    response = client.post(
        reverse("safeguarding:concern_dbs", args=[concern.pk]),
        {"dbs_referred": "yes", "dbs_reason": "", **dates},
    )
    assert response.status_code == 400
    assert "Say why." in response.content.decode()
    response = client.post(
        reverse("safeguarding:concern_dbs", args=[concern.pk]),
        {"dbs_referred": "yes", "dbs_reason": "Financial abuse.", **dates},
    )
    assert response["Location"] == url
    concern.refresh_from_db()
    assert concern.dbs_decision == Concern.DbsDecision.REFERRED
    assert concern.dbs_decided_on == today


def test_an_administrator_names_a_coordinator_lead_on_the_roles_screen(client, circle):
    from kith.accounts.permissions import Perm, forget_roles, has_perm

    coordinator = circle.coordinator
    concern = raise_about_member(circle)
    client.force_login(circle.admin)
    response = client.post(
        reverse("accounts:role_change", args=[coordinator.pk, "grant"]),
        {"role": Role.SAFEGUARDING_LEAD},
    )
    assert response.status_code == 302
    forget_roles(coordinator)
    assert has_perm(coordinator, Perm.SAFEGUARDING_LEAD, circle.locality)
    client.force_login(coordinator)
    page = client.get(reverse("safeguarding:concern", args=[concern.pk]))
    assert page.status_code == 200 and FACTS in page.content.decode()
