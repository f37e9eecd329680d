"""Raising a concern, who reads it, the lead's work on it, and the pause of
a helper a concern is about."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kith.accounts.models import Role
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.help import selectors as help_selectors
from kith.help import services as help_services
from kith.help.tests.test_services import arranged, ask
from kith.helpers import services as helper_services
from kith.helpers.models import HelperStatus
from kith.matching import selectors as matching_selectors
from kith.privacy.retention import RULES, retention_apply
from kith.privacy.selectors import legal_holds
from kith.safeguarding import selectors, services
from kith.safeguarding.models import Concern, ConcernNote, SafeguardingSettings


def raise_about_member(circle, actor=None, **kwargs):
    values = {
        "facts": "She had a bruise on her arm and said her nephew grabbed her.",
        "hearsay": "The neighbour said he shouts at her.",
        "opinion": "I think she is frightened of him.",
        "kinds": ["physical", "psychological"],
        "adult_views": "She does not want him in trouble.",
        "adult_outcomes": "She wants the shouting to stop.",
        "consent": Concern.Consent.YES,
        "capacity": Concern.Capacity.YES,
    }
    values.update(kwargs)
    return services.concern_raise(
        actor=actor or circle.helper_profile.user,
        locality=circle.locality,
        membership=circle.membership,
        **values,
    )


def raise_about_helper(circle, actor=None, **kwargs):
    return services.concern_raise(
        actor=actor or circle.coordinator,
        locality=circle.locality,
        helper=circle.helper_profile,
        facts="A member said he took money from her purse.",
        **kwargs,
    )


# --- raising ------------------------------------------------------------------


def test_a_helper_raises_a_concern_from_a_visit_and_the_lead_has_it(circle):
    visit = arranged(circle)
    concern = raise_about_member(circle, visit=visit, immediate_risk=False)
    assert concern.status == Concern.Status.OPEN
    assert concern.about == Concern.About.MEMBER and concern.visit == visit
    assert concern.channel == Concern.Channel.PAGE
    assert concern.kinds == ["physical", "psychological"]
    assert concern.acknowledge_by > timezone.now()
    event = AuditEvent.objects.get(action="safeguarding_concern_raised")
    # The audit trail says that a concern was raised, never what it says.
    assert "bruise" not in str(event.data) and "nephew" not in str(event.data)
    assert list(
        selectors.concerns_for_lead(
            actor=circle.safeguarding_lead, locality=circle.locality
        )
    ) == [concern]


def test_anyone_working_for_the_circle_may_raise_and_others_may_not(circle):
    for role in (Role.COORDINATOR, Role.COUNCIL_OFFICER, Role.ORGANISATION_EDITOR):
        services.concern_raise(
            actor=circle.by_role(role),
            locality=circle.locality,
            about_name="The flats on Mill Lane",
            facts="Residents left without heating.",
        )
    for role in (Role.MEMBER, Role.SUPPORTER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.concern_raise(
                actor=circle.by_role(role),
                locality=circle.locality,
                about_name="Someone",
                facts="Something.",
            )
    assert Concern.objects.count() == 3


def test_a_coordinator_records_a_concern_phoned_in_and_says_who_called(circle):
    concern = raise_about_member(
        circle, actor=circle.coordinator, by_phone=True, told_by="Ann Lee, neighbour"
    )
    assert concern.channel == Concern.Channel.PHONE
    assert concern.told_by == "Ann Lee, neighbour"
    with pytest.raises(ApplicationError) as error:
        raise_about_member(circle, actor=circle.coordinator, by_phone=True)
    assert error.value.field == "told_by"
    # A helper does not take calls for the circle.
    with pytest.raises(PermissionDenied):
        raise_about_member(circle, by_phone=True, told_by="Someone")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"facts": "  "}, "facts"),
        ({"immediate_risk": True, "risk_action": ""}, "risk_action"),
        ({"kinds": ["bad_kind"]}, "kinds"),
        ({"consent": "maybe"}, "consent"),
        ({"happened_at": timezone.now() + timedelta(days=2)}, "happened_on"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_kept(circle, changes, field):
    with pytest.raises(ApplicationError) as error:
        raise_about_member(circle, **changes)
    assert error.value.field == field
    assert not Concern.objects.exists()


def test_the_same_form_sent_twice_raises_one_concern(circle):
    first = raise_about_member(circle, submission_key="a" * 32)
    second = raise_about_member(circle, submission_key="a" * 32)
    assert first.pk == second.pk and Concern.objects.count() == 1


def test_the_time_to_acknowledge_is_the_localitys_setting(circle):
    services.settings_update(
        actor=circle.safeguarding_lead,
        locality=circle.locality,
        acknowledge_working_days=3,
    )
    concern = raise_about_member(circle)
    assert (concern.acknowledge_by - concern.created_at).days >= 3
    with pytest.raises(ApplicationError):
        services.settings_update(
            actor=circle.safeguarding_lead,
            locality=circle.locality,
            acknowledge_working_days=0,
        )
    with pytest.raises(PermissionDenied):
        services.settings_update(
            actor=circle.coordinator,
            locality=circle.locality,
            acknowledge_working_days=2,
        )
    assert SafeguardingSettings.objects.get().acknowledge_working_days == 3


# --- who sees what ------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        Role.COORDINATOR,
        Role.HELPER,
        Role.MEMBER,
        Role.COUNCIL_OFFICER,
        Role.ORGANISATION_EDITOR,
        Role.ADMIN,
    ],
)
def test_only_a_lead_reads_a_concern(circle, role):
    concern = raise_about_member(circle)
    with pytest.raises(PermissionDenied):
        selectors.concern_get_for(
            actor=circle.by_role(role), locality=circle.locality, pk=concern.pk
        )
    with pytest.raises(PermissionDenied):
        selectors.concerns_for_lead(
            actor=circle.by_role(role), locality=circle.locality
        )


def test_the_raiser_sees_it_was_received_and_not_what_followed(circle):
    concern = raise_about_member(circle)
    raiser = circle.helper_profile.user
    assert list(
        selectors.concerns_raised_by(actor=raiser, locality=circle.locality)
    ) == [concern]
    with pytest.raises(PermissionDenied):
        selectors.concern_get_for(actor=raiser, locality=circle.locality, pk=concern.pk)


def test_every_opening_by_the_lead_is_audited(circle):
    concern = raise_about_member(circle)
    for _ in range(2):
        selectors.concern_get_for(
            actor=circle.safeguarding_lead, locality=circle.locality, pk=concern.pk
        )
    assert (
        AuditEvent.objects.filter(
            action="safeguarding_concern_viewed", actor=circle.safeguarding_lead
        ).count()
        == 2
    )


def test_a_lead_of_another_locality_cannot_open_it(circle, elsewhere):
    concern = raise_about_member(circle)
    with pytest.raises(PermissionDenied):
        selectors.concern_get_for(
            actor=elsewhere.safeguarding_lead, locality=circle.locality, pk=concern.pk
        )
    with pytest.raises(PermissionDenied):
        services.concern_acknowledge(actor=elsewhere.safeguarding_lead, concern=concern)


def test_a_coordinator_sees_that_a_member_has_an_open_concern_only(circle):
    assert selectors.member_page_flag(
        actor=circle.coordinator, membership=circle.membership
    ) == {
        "template": "safeguarding/_member_flag.html",
        "open_concerns": 0,
        "is_lead": False,
    }
    raise_about_member(circle)
    flag = selectors.member_page_flag(
        actor=circle.coordinator, membership=circle.membership
    )
    assert flag["open_concerns"] == 1
    assert set(flag) == {"template", "open_concerns", "is_lead"}
    assert (
        selectors.member_page_flag(actor=circle.member, membership=circle.membership)
        is None
    )


# --- the lead's work ----------------------------------------------------------


def test_the_lead_works_a_concern_to_a_referral_and_closes_it(circle):
    concern = raise_about_member(circle)
    lead = circle.safeguarding_lead
    concern = services.concern_acknowledge(actor=lead, concern=concern)
    assert concern.acknowledged_by == lead and not concern.is_late
    services.concern_note_add(
        actor=lead, concern=concern, text="Spoke to her at home; she was calm."
    )
    with pytest.raises(ApplicationError, match="Decide whether to refer"):
        services.concern_close(
            actor=lead, concern=concern, outcome="Done", wishes_met="yes"
        )
    with pytest.raises(ApplicationError) as error:
        services.concern_referral_decide(
            actor=lead, concern=concern, referred=True, rationale=""
        )
    assert error.value.field == "rationale"
    services.concern_referral_decide(
        actor=lead,
        concern=concern,
        referred=True,
        rationale="Physical harm by a family member: a section 42 enquiry is needed.",
        reference="ASC-2026-0412",
    )
    with pytest.raises(ApplicationError) as error:
        services.concern_sharing_record(
            actor=lead,
            concern=concern,
            shared_with="GP",
            shared_on=timezone.localdate(),
            with_consent=False,
            why="",
        )
    assert "without their consent" in error.value.message
    services.concern_sharing_record(
        actor=lead,
        concern=concern,
        shared_with="Adult social care, duty team",
        shared_on=timezone.localdate(),
        with_consent=True,
        why="For the section 42 enquiry.",
    )
    action = services.concern_action_add(
        actor=lead,
        concern=concern,
        what="Visit with the social worker",
        owner="Ruth (lead)",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    services.concern_action_done(actor=lead, action=action)
    services.concern_action_done(actor=lead, action=action)
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    concern = services.concern_close(
        actor=lead,
        concern=concern,
        outcome="Enquiry opened; her nephew has moved out.",
        wishes_met=Concern.WishesMet.YES,
    )
    assert concern.status == Concern.Status.CLOSED and concern.closed_at
    assert concern.referral == Concern.Referral.REFERRED
    assert concern.referral_reference == "ASC-2026-0412"
    notes = [note.text for note in ConcernNote.objects.filter(concern=concern)]
    assert notes[0] == "Spoke to her at home; she was calm."
    assert notes[1].startswith("Referral decision: Referred to adult social care")
    with pytest.raises(ApplicationError, match="closed"):
        services.concern_note_add(actor=lead, concern=concern, text="Later")


def test_a_coordinator_who_is_not_a_lead_cannot_work_a_concern(circle):
    concern = raise_about_member(circle)
    with pytest.raises(PermissionDenied):
        services.concern_note_add(actor=circle.coordinator, concern=concern, text="x")
    with pytest.raises(PermissionDenied):
        services.concern_referral_decide(
            actor=circle.coordinator, concern=concern, referred=False, rationale="x"
        )
    assert not ConcernNote.objects.exists()


def test_a_concern_not_acknowledged_in_time_is_late(circle):
    concern = raise_about_member(circle)
    Concern.objects.filter(pk=concern.pk).update(
        acknowledge_by=timezone.now() - timedelta(minutes=1)
    )
    concern.refresh_from_db()
    assert concern.is_late
    lead = circle.safeguarding_lead
    assert selectors.late_count(actor=lead, locality=circle.locality) == 1
    services.concern_acknowledge(actor=lead, concern=concern)
    assert selectors.late_count(actor=lead, locality=circle.locality) == 0


# --- a concern about a helper -------------------------------------------------


def test_a_concern_about_a_helper_pauses_them_at_once(circle):
    visit = arranged(circle)
    raise_about_helper(circle)
    profile = circle.helper_profile
    profile.refresh_from_db()
    assert profile.status == HelperStatus.PAUSED and profile.safeguarding_hold
    # No new offers, and not in the shortlist.
    request = ask(circle, details="Shopping please")
    with pytest.raises(ApplicationError):
        help_services.visit_offer(
            actor=circle.coordinator, request=request, helper=profile
        )
    shortlist = matching_selectors.shortlist_for(
        actor=circle.coordinator, request=request
    )
    assert profile not in [entry.helper for entry in shortlist.suggestions]
    assert all(
        not other.can_offer for other in shortlist.others if other.helper == profile
    )
    # Nobody can start them again, the helper included, until the lead decides.
    for actor in (profile.user, circle.coordinator):
        with pytest.raises(ApplicationError, match="safeguarding lead"):
            helper_services.helper_resume(actor=actor, profile=profile)
    # Their visit already arranged is flagged for a coordinator to reassign.
    rows = help_selectors.dashboard_section_rows(
        actor=circle.coordinator,
        locality=circle.locality,
        section=help_selectors.DashboardSection.TO_REASSIGN,
    )
    assert list(rows) == [visit]


def test_the_lead_lets_the_helper_carry_on_and_they_are_active_again(circle):
    concern = raise_about_helper(circle)
    assert concern.helper_status_before == HelperStatus.ACTIVE
    with pytest.raises(ApplicationError, match="helper may carry on"):
        services.concern_close(
            actor=circle.safeguarding_lead,
            concern=concern,
            outcome="x",
            wishes_met="yes",
        )
    services.concern_helper_decide(
        actor=circle.safeguarding_lead,
        concern=concern,
        decision=Concern.HelperDecision.CARRY_ON,
        reason="The money was found in her handbag.",
    )
    profile = circle.helper_profile
    profile.refresh_from_db()
    assert profile.status == HelperStatus.ACTIVE and not profile.safeguarding_hold


def test_a_second_open_concern_keeps_the_helper_held(circle):
    first = raise_about_helper(circle)
    raise_about_helper(circle)
    services.concern_helper_decide(
        actor=circle.safeguarding_lead,
        concern=first,
        decision=Concern.HelperDecision.CARRY_ON,
        reason="Unfounded.",
    )
    circle.helper_profile.refresh_from_db()
    assert circle.helper_profile.safeguarding_hold
    assert circle.helper_profile.status == HelperStatus.PAUSED


def test_stopping_a_helper_for_harm_needs_the_dbs_decision_before_closing(circle):
    concern = raise_about_helper(circle)
    lead = circle.safeguarding_lead
    services.concern_referral_decide(
        actor=lead, concern=concern, referred=False, rationale="Police are involved."
    )
    services.concern_helper_decide(
        actor=lead,
        concern=concern,
        decision=Concern.HelperDecision.STOP,
        reason="Took money from a member.",
    )
    profile = circle.helper_profile
    profile.refresh_from_db()
    assert profile.status == HelperStatus.LEFT and profile.safeguarding_hold
    with pytest.raises(ApplicationError, match="Disclosure and Barring"):
        services.concern_close(
            actor=lead, concern=concern, outcome="Stopped", wishes_met="yes"
        )
    with pytest.raises(ApplicationError):
        services.concern_dbs_decide(
            actor=lead,
            concern=concern,
            referred=True,
            decided_on=timezone.localdate() + timedelta(days=1),
            reason="Harm to a member.",
        )
    services.concern_dbs_decide(
        actor=lead,
        concern=concern,
        referred=True,
        decided_on=timezone.localdate(),
        reason="Removed for financial abuse of a member.",
    )
    concern = services.concern_close(
        actor=lead, concern=concern, outcome="Stopped and referred", wishes_met="yes"
    )
    assert concern.dbs_decision == Concern.DbsDecision.REFERRED
    assert concern.dbs_decided_on == timezone.localdate()
    # The DBS record keeps the helper from being erased, and from retention.
    assert any(
        "Disclosure and Barring" in reason
        for reason in legal_holds(person=profile.user)
    )
    Concern.objects.filter(pk=concern.pk).update(
        closed_at=timezone.now() - timedelta(days=365 * 20)
    )
    retention_apply(dry_run=False)
    concern.refresh_from_db()
    assert concern.facts == "A member said he took money from her purse."


def test_the_dbs_duty_arises_only_once_a_helper_is_stopped(circle):
    concern = raise_about_helper(circle)
    with pytest.raises(ApplicationError, match="stopped for harm"):
        services.concern_dbs_decide(
            actor=circle.safeguarding_lead,
            concern=concern,
            referred=True,
            decided_on=timezone.localdate(),
            reason="x",
        )


def test_the_lead_links_a_concern_about_someone_else_to_a_helper(circle):
    concern = services.concern_raise(
        actor=circle.basic_helper.user,
        locality=circle.locality,
        about_name="Sam, another helper",
        facts="He shouted at a member on the phone.",
    )
    services.concern_link_helper(
        actor=circle.safeguarding_lead, concern=concern, helper=circle.helper_profile
    )
    circle.helper_profile.refresh_from_db()
    assert circle.helper_profile.status == HelperStatus.PAUSED
    concern.refresh_from_db()
    assert concern.about == Concern.About.HELPER and concern.about_name == ""


# --- people's rights ----------------------------------------------------------


def test_an_open_concern_holds_the_member_from_erasure_until_closed(circle):
    concern = raise_about_member(circle)
    person = circle.membership.person
    assert any("still open" in reason for reason in legal_holds(person=person))
    lead = circle.safeguarding_lead
    services.concern_referral_decide(
        actor=lead, concern=concern, referred=False, rationale="Family support."
    )
    services.concern_close(
        actor=lead, concern=concern, outcome="Resolved", wishes_met="partly"
    )
    assert not any("still open" in reason for reason in legal_holds(person=person))


def test_retention_removes_what_was_written_in_old_closed_concerns(circle):
    concern = raise_about_member(circle)
    lead = circle.safeguarding_lead
    services.concern_note_add(actor=lead, concern=concern, text="Called her GP.")
    services.concern_referral_decide(
        actor=lead, concern=concern, referred=False, rationale="No harm found."
    )
    services.concern_close(
        actor=lead, concern=concern, outcome="Fine", wishes_met="yes"
    )
    rule = next(rule for rule in RULES if rule.code == "closed_concerns")
    Concern.objects.filter(pk=concern.pk).update(
        closed_at=timezone.now() - timedelta(days=31 * (rule.months + 1))
    )
    dry = {o.rule.code: o.due for o in retention_apply(dry_run=True)}
    done = {o.rule.code: o.due for o in retention_apply(dry_run=False)}
    assert dry["closed_concerns"] == done["closed_concerns"] == 1
    concern.refresh_from_db()
    assert concern.facts == "[removed]" and concern.hearsay == "[removed]"
    assert concern.kinds == ["physical", "psychological"]  # figures stay
    assert {note.text for note in ConcernNote.objects.filter(concern=concern)} == {
        "[removed]"
    }
    # Idempotent: nothing is due the second time.
    again = {o.rule.code: o.due for o in retention_apply(dry_run=True)}
    assert again["closed_concerns"] == 0


def test_the_leads_are_told_a_concern_waits_and_never_what_it_says(circle):
    from kith.notify.models import Message

    raise_about_member(circle, immediate_risk=True, risk_action="Called 999.")
    told = Message.objects.get(template="safeguarding_concern_raised")
    assert told.recipient == circle.safeguarding_lead
    assert told.urgent
    text = str(told.personalisation)
    assert "bruise" not in text and "Joan" not in text
    assert not Message.objects.filter(
        template="safeguarding_concern_raised", recipient=circle.coordinator
    ).exists()
