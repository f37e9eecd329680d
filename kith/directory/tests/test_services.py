from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.directory import selectors, services
from kith.directory.models import (
    CostOption,
    Schedule,
    Service,
    Signposting,
    TaxonomyTerm,
)
from kith.directory.tests import factories as f
from kith.notify.models import Message
from tests.factories import MembershipFactory


@pytest.fixture
def org(testford):
    return f.organisation(testford.locality, name="Age Concern Testford")


@pytest.fixture
def other_org(testford):
    return f.organisation(
        testford.locality, name="Testford Handyman Ltd", sector="private"
    )


def test_an_editor_adds_their_own_organisation_and_becomes_its_editor(testford):
    editor = testford.organisation_editor
    made = services.organisation_create(
        actor=editor,
        locality=testford.locality,
        name="Friends of the Library",
        sector="community",
    )
    assert list(made.editors.all()) == [editor]
    assert AuditEvent.objects.filter(
        action="directory_organisation_create", target_id=str(made.pk)
    ).exists()


@pytest.mark.parametrize("role", ["member", "supporter", "helper"])
def test_people_without_the_directory_roles_cannot_add_organisations(testford, role):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=testford.by_role(role),
            locality=testford.locality,
            name="X",
            sector="public",
        )


def test_an_editor_can_never_change_another_organisations_entries(
    testford, org, other_org
):
    mine = f.service(org)
    theirs = f.service(other_org, name="Handyman visits")
    me = org.editors.get()
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=me, organisation=other_org, name="Mine now")
    with pytest.raises(PermissionDenied):
        services.service_create(
            actor=me, organisation=other_org, name="X", description="Y"
        )
    with pytest.raises(PermissionDenied):
        services.service_update(actor=me, service=theirs, name="Taken over")
    with pytest.raises(PermissionDenied):
        services.cost_option_save(actor=me, service=theirs, kind="free")
    with pytest.raises(PermissionDenied):
        services.service_submit(actor=me, service=theirs)
    with pytest.raises(PermissionDenied):
        services.service_record_delete(
            actor=me, service=mine, record=theirs.schedules.get()
        )
    with pytest.raises(PermissionDenied):
        services.location_save(
            actor=me,
            organisation=other_org,
            name="X",
            address_1="1 A St",
            city="T",
            postcode="SE17 2AA",
        )
    theirs.refresh_from_db()
    other_org.refresh_from_db()
    assert theirs.name == "Handyman visits"
    assert other_org.name == "Testford Handyman Ltd"
    assert theirs.cost_options.count() == 1


def test_bad_input_changes_nothing(testford, org):
    editor = org.editors.get()
    made = f.service(org)
    with pytest.raises(ApplicationError) as caught:
        services.service_update(
            actor=editor, service=made, minimum_age=80, maximum_age=18
        )
    assert caught.value.field == "maximum_age"
    with pytest.raises(ApplicationError):
        services.schedule_save(
            actor=editor,
            service=made,
            byday=["TU"],
            opens_at=time(12),
            closes_at=time(10),
        )
    with pytest.raises(ApplicationError):
        services.cost_option_save(
            actor=editor, service=made, kind="pounds", amount=None
        )
    made.refresh_from_db()
    assert made.maximum_age is None
    assert made.schedules.count() == 1
    assert made.cost_options.count() == 1


def test_schedule_words_are_written_from_the_times(testford, org):
    made = f.service(org, byday=("MO", "WE"), opens_at=time(10), closes_at=time(12))
    assert made.schedules.get().description == "Mondays and Wednesdays 10am to 12 noon"


def test_a_new_service_is_public_only_once_a_checker_publishes_it(testford, org):
    editor = org.editors.get()
    made = f.service(org)
    assert made.review_state == "draft"
    assert not selectors.published_services(locality=testford.locality).exists()
    services.service_submit(actor=editor, service=made)
    with pytest.raises(PermissionDenied):
        services.service_publish(actor=editor, service=made)
    published = services.service_publish(actor=testford.council_officer, service=made)
    assert published.review_state == "published"
    assert published.checked_by == testford.council_officer
    assert published.last_checked_at is not None
    assert list(selectors.published_services(locality=testford.locality)) == [made]


def test_submitting_twice_is_harmless(testford, org):
    made = f.service(org)
    editor = org.editors.get()
    services.service_submit(actor=editor, service=made)
    again = services.service_submit(actor=editor, service=made)
    assert again.review_state == "waiting"
    assert AuditEvent.objects.filter(action="directory_service_submit").count() == 1


def test_sending_back_needs_a_reason_and_tells_the_editors(testford, org):
    made = f.service(org)
    editor = org.editors.get()
    services.service_submit(actor=editor, service=made)
    with pytest.raises(ApplicationError):
        services.service_send_back(
            actor=testford.coordinator, service=made, reason="  "
        )
    with pytest.raises(PermissionDenied):
        services.service_send_back(actor=editor, service=made, reason="No")
    back = services.service_send_back(
        actor=testford.coordinator, service=made, reason="Please add the price."
    )
    assert back.review_state == "draft"
    assert back.returned_reason == "Please add the price."
    message = Message.objects.get(template="directory_entry_sent_back")
    assert message.recipient == editor
    assert message.personalisation["reason"] == "Please add the price."


def test_changes_to_a_published_service_wait_for_a_check(testford, org):
    checker = testford.coordinator
    editor = org.editors.get()
    live = f.service(org, name="Lunch club", publish_by=checker)
    schedule_uuid = live.schedules.get().uuid
    cost = live.cost_options.get()

    copy = services.service_working_copy(actor=editor, service=live)
    assert copy.pk != live.pk
    assert services.service_working_copy(actor=editor, service=live) == copy
    services.service_update(actor=editor, service=copy, name="Tuesday lunch club")
    copy_schedule = copy.schedules.get()
    services.schedule_save(
        actor=editor,
        service=copy,
        schedule=copy_schedule,
        byday=["TU", "TH"],
        opens_at=time(11),
        closes_at=time(13),
    )
    services.service_record_delete(
        actor=editor, service=copy, record=copy.cost_options.get()
    )
    services.cost_option_save(actor=editor, service=copy, kind="pounds", amount=4)
    with pytest.raises(ApplicationError):
        services.service_update(actor=editor, service=live, name="Straight in")

    # The public still sees what was checked.
    public = selectors.published_service_get(locality=testford.locality, uuid=live.uuid)
    assert public.name == "Lunch club"
    assert [s.byday for s in public.schedules.all()] == ["TU"]
    assert [s.name for s in selectors.services_search(locality=testford.locality)] == [
        "Lunch club"
    ]

    services.service_submit(actor=editor, service=copy)
    merged = services.service_publish(actor=checker, service=copy)
    assert merged.pk == live.pk
    assert merged.uuid == live.uuid
    public = selectors.published_service_get(locality=testford.locality, uuid=live.uuid)
    assert public.name == "Tuesday lunch club"
    schedule = public.schedules.get()
    assert schedule.uuid == schedule_uuid  # the same record, changed
    assert schedule.byday == "TU,TH"
    assert [c.kind for c in public.cost_options.all()] == ["pounds"]
    assert not CostOption.objects.filter(pk=cost.pk).exists()
    assert not Service.objects.filter(pk=copy.pk).exists()
    assert Service.objects.filter(locality=testford.locality).count() == 1
    assert Schedule.objects.count() == 1


def test_stale_entries_are_flagged_then_hidden(testford, org):
    live = f.service(org, publish_by=testford.coordinator)
    now = timezone.now()
    Service.objects.filter(pk=live.pk).update(last_checked_at=now - timedelta(days=400))

    assert services.services_check_stale(now=now) == "1 flagged, 0 hidden"
    assert services.services_check_stale(now=now) == "0 flagged, 0 hidden"
    assert Message.objects.filter(template="directory_entry_stale").count() == 1
    assert selectors.published_services(locality=testford.locality).count() == 1

    later = now + timedelta(days=31)
    assert services.services_check_stale(now=later) == "0 flagged, 1 hidden"
    assert services.services_check_stale(now=later) == "0 flagged, 0 hidden"
    live.refresh_from_db()
    assert live.review_state == "hidden"
    assert Message.objects.filter(template="directory_entry_hidden").count() == 1
    assert not selectors.published_services(locality=testford.locality).exists()

    # The editor sends it again; a check brings it back.
    editor = org.editors.get()
    services.service_submit(actor=editor, service=live)
    back = services.service_publish(actor=testford.coordinator, service=live)
    assert back.review_state == "published"
    assert back.stale_flagged_at is None


def test_a_recently_checked_entry_is_left_alone(testford, org):
    f.service(org, publish_by=testford.coordinator)
    assert services.services_check_stale() == "0 flagged, 0 hidden"


def test_the_default_taxonomy_is_made_once(testford):
    taxonomy = services.taxonomy_default_create(locality=testford.locality)
    again = services.taxonomy_default_create(locality=testford.locality)
    assert taxonomy == again
    names = [t.name for t in taxonomy.terms.all()]
    assert len(names) == 30
    assert "Lunch clubs" in names


@pytest.mark.parametrize("role", ["coordinator", "council_officer"])
def test_the_council_keeps_the_categories(testford, role):
    actor = testford.by_role(role)
    services.taxonomy_default_create(locality=testford.locality)
    term = services.taxonomy_term_create(
        actor=actor, locality=testford.locality, name="Warm spaces"
    )
    assert term.code == "warm-spaces"
    renamed = services.taxonomy_term_update(actor=actor, term=term, name="Warm places")
    assert renamed.code == "warm-spaces"
    services.taxonomy_term_retire(actor=actor, term=term)
    assert term not in selectors.taxonomy_terms(locality=testford.locality)
    assert term in selectors.taxonomy_terms(
        locality=testford.locality, include_retired=True
    )
    with pytest.raises(ApplicationError):
        services.taxonomy_term_create(
            actor=actor, locality=testford.locality, name="lunch clubs"
        )
    assert AuditEvent.objects.filter(action__startswith="directory_term_").count() == 3


@pytest.mark.parametrize("role", ["organisation_editor", "helper", "member"])
def test_others_cannot_change_the_categories(testford, role):
    services.taxonomy_default_create(locality=testford.locality)
    term = TaxonomyTerm.objects.first()
    with pytest.raises(PermissionDenied):
        services.taxonomy_term_create(
            actor=testford.by_role(role), locality=testford.locality, name="X"
        )
    with pytest.raises(PermissionDenied):
        services.taxonomy_term_retire(actor=testford.by_role(role), term=term)


@pytest.fixture
def member(testford):
    return MembershipFactory(locality=testford.locality, status="active")


def test_a_coordinator_signposts_and_refers_a_member(testford, org, member):
    live = f.service(
        org,
        publish_by=testford.coordinator,
        takes_referrals=True,
        referral_email="referrals@ageconcern.example",
    )
    done = services.signposting_record(
        actor=testford.coordinator,
        member=member,
        service=live,
        note="Would like a hot lunch.",
        refer=True,
    )
    assert done.referred
    assert done.message.to == "referrals@ageconcern.example"
    assert done.message.template == "directory_referral"
    assert AuditEvent.objects.filter(
        action="directory_referred", target_id=str(member.pk)
    ).exists()


def test_a_referral_to_a_service_that_takes_none_is_refused(testford, org, member):
    live = f.service(org, publish_by=testford.coordinator)
    with pytest.raises(ApplicationError):
        services.signposting_record(
            actor=testford.coordinator, member=member, service=live, refer=True
        )
    assert not Signposting.objects.exists()
    assert not Message.objects.filter(template="directory_referral").exists()


def test_who_may_signpost(testford, org, member, elsewhere):
    live = f.service(org, publish_by=testford.coordinator)
    draft = f.service(org, name="Not yet")
    for role in ("organisation_editor", "member", "council_officer", "helper"):
        with pytest.raises(PermissionDenied):
            services.signposting_record(
                actor=testford.by_role(role), member=member, service=live
            )
    with pytest.raises(PermissionDenied):
        services.signposting_record(
            actor=testford.coordinator, member=member, service=draft
        )
    other_member = MembershipFactory(locality=elsewhere.locality, status="active")
    with pytest.raises(PermissionDenied):
        services.signposting_record(
            actor=testford.coordinator, member=other_member, service=live
        )
    assert not Signposting.objects.exists()
