"""Selectors: each scoped to what the person asking may see, tested for every
role, allowed and refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import Role
from kith.core.models import AuditEvent
from kith.helpers import selectors, services
from kith.helpers.models import HelperProfile
from kith.helpers.selectors import HelperFilters
from kith.helpers.services import _vetting_recompute
from kith.helpers.tests.factories import (
    active_helper,
    apply,
    days_ago,
    record,
    vet,
)
from kith.helpers.vetting import LEVELS, CheckKind, DbsType, VettingLevel
from kith.places.models import Postcode, Ward
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

NOT_COORDINATORS = [
    Role.MEMBER,
    Role.SUPPORTER,
    Role.HELPER,
    Role.COUNCIL_OFFICER,
    Role.ORGANISATION_EDITOR,
    Role.ADMIN,
]


def today():
    return timezone.localdate()


# --- one record -----------------------------------------------------------------------


def test_a_coordinator_opens_any_helper_here_and_it_is_audited(testford, skills):
    profile = apply(testford)
    found = selectors.helper_profile_get_for(
        actor=testford.coordinator, locality=testford.locality, pk=profile.pk
    )
    assert found == profile and found.ward_name == testford.ward.name
    event = AuditEvent.objects.get(action="helper_record_viewed")
    assert event.actor == testford.coordinator and event.target_id == str(profile.pk)


def test_a_helper_opens_their_own_record_without_an_audit_event(testford, skills):
    profile = apply(testford)
    found = selectors.helper_profile_get_for(
        actor=profile.user, locality=testford.locality, pk=profile.pk
    )
    assert found == profile
    assert not AuditEvent.objects.filter(action="helper_record_viewed").exists()
    assert (
        selectors.helper_profile_own(actor=profile.user, locality=testford.locality)
        == profile
    )


@pytest.mark.parametrize("role", NOT_COORDINATORS)
def test_everyone_else_is_refused_a_helpers_record(testford, skills, role):
    profile = apply(testford)
    actor = testford.by_role(role)
    with pytest.raises(PermissionDenied):
        selectors.helper_profile_get_for(
            actor=actor, locality=testford.locality, pk=profile.pk
        )
    with pytest.raises(PermissionDenied):
        selectors.vetting_checks_for(actor=actor, profile=profile)
    with pytest.raises(PermissionDenied):
        selectors.helper_history_for(actor=actor, profile=profile)
    with pytest.raises(PermissionDenied):
        selectors.possible_duplicates_for(actor=actor, profile=profile)
    with pytest.raises(PermissionDenied):
        selectors.helper_profile_for_edit(
            actor=actor, locality=testford.locality, pk=profile.pk
        )
    assert not AuditEvent.objects.filter(action="helper_record_viewed").exists()


def test_nobody_signed_out_sees_anything(testford, skills):
    from django.contrib.auth.models import AnonymousUser

    profile = apply(testford)
    for actor in (None, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            selectors.helper_profile_get_for(
                actor=actor, locality=testford.locality, pk=profile.pk
            )
        assert (
            selectors.helper_profile_own(actor=actor, locality=testford.locality)
            is None
        )


def test_other_localities_are_kept_apart(testford, elsewhere, skills):
    profile = apply(testford)
    with pytest.raises(Http404):
        selectors.helper_profile_get_for(
            actor=elsewhere.coordinator, locality=elsewhere.locality, pk=profile.pk
        )
    # Their coordinator has no rights in this locality at all.
    with pytest.raises(PermissionDenied):
        selectors.helper_profile_get_for(
            actor=elsewhere.coordinator, locality=testford.locality, pk=profile.pk
        )
    # A helper of another locality is refused here too.
    theirs = person_with_role(Role.HELPER, elsewhere.locality)
    with pytest.raises(PermissionDenied):
        selectors.helper_profile_get_for(
            actor=theirs, locality=testford.locality, pk=profile.pk
        )
    assert (
        selectors.helper_profile_own(actor=profile.user, locality=elsewhere.locality)
        is None
    )
    assert (
        list(
            selectors.helpers_search_for(
                actor=elsewhere.coordinator, locality=elsewhere.locality
            )
        )
        == []
    )


def test_a_person_with_no_helper_record_has_nothing_to_edit(testford):
    with pytest.raises(Http404):
        selectors.helper_profile_for_edit(
            actor=testford.member, locality=testford.locality, pk=None
        )


def test_checks_are_seen_by_the_helper_and_coordinators(testford, skills):
    profile = vet(testford, apply(testford), VettingLevel.BASIC)
    mine = selectors.vetting_checks_for(actor=profile.user, profile=profile)
    assert mine.count() == 4
    assert (
        selectors.vetting_checks_for(
            actor=testford.coordinator, profile=profile
        ).count()
        == 4
    )


# --- DBS records ----------------------------------------------------------------------


def test_dbs_records_need_the_vetting_permission_and_every_view_is_audited(
    testford, elsewhere, skills
):
    profile = apply(testford)
    check = record(testford, profile, CheckKind.DBS, dbs_type=DbsType.ENHANCED_BARRED)
    for actor in [testford.by_role(role) for role in NOT_COORDINATORS] + [profile.user]:
        with pytest.raises(PermissionDenied):
            selectors.dbs_certificate_get_for(
                actor=actor, locality=testford.locality, check_pk=check.pk
            )
        with pytest.raises(PermissionDenied):
            selectors.check_get_for(
                actor=actor, locality=testford.locality, pk=check.pk
            )
    with pytest.raises(Http404):
        selectors.dbs_certificate_get_for(
            actor=elsewhere.coordinator, locality=elsewhere.locality, check_pk=check.pk
        )
    assert not AuditEvent.objects.filter(action="dbs_record_viewed").exists()
    certificate = selectors.dbs_certificate_get_for(
        actor=testford.coordinator, locality=testford.locality, check_pk=check.pk
    )
    assert certificate.check_record == check
    selectors.dbs_certificate_get_for(
        actor=testford.coordinator, locality=testford.locality, check_pk=check.pk
    )
    assert AuditEvent.objects.filter(action="dbs_record_viewed").count() == 2


# --- history --------------------------------------------------------------------------


def test_the_history_shows_changes_not_views(testford, skills):
    profile = active_helper(testford, VettingLevel.BASIC)
    selectors.helper_profile_get_for(
        actor=testford.coordinator, locality=testford.locality, pk=profile.pk
    )
    history = selectors.helper_history_for(actor=testford.coordinator, profile=profile)
    actions = [event.action for event in history]
    assert actions[0] == "helper_approved" and actions[-1] == "helper_applied"
    assert actions.count("vetting_check_recorded") == 4
    assert "helper_record_viewed" not in actions


# --- the list -------------------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_COORDINATORS)
def test_only_coordinators_list_helpers(testford, role):
    actor = testford.by_role(role)
    with pytest.raises(PermissionDenied):
        selectors.helpers_search_for(actor=actor, locality=testford.locality)
    with pytest.raises(PermissionDenied):
        selectors.helpers_export_for(actor=actor, locality=testford.locality)
    with pytest.raises(PermissionDenied):
        selectors.skills_with_counts_for(actor=actor, locality=testford.locality)
    with pytest.raises(PermissionDenied):
        selectors.possible_duplicates_in(actor=actor, locality=testford.locality)


def test_the_ward_filter_uses_the_postcodes_ward(testford, skills):
    other_ward = Ward.objects.create(
        locality=testford.locality, name="Testford South", ons_code="E05999777"
    )
    Postcode.objects.create(
        postcode="SE17 9ZZ", latitude=51.48, longitude=-0.09, ward_code="E05999777"
    )
    north = apply(testford)
    south = apply(testford, postcode="SE17 9ZZ")

    def found(ward):
        return set(
            selectors.helpers_search_for(
                actor=testford.coordinator,
                locality=testford.locality,
                filters=HelperFilters(ward=ward),
            )
        )

    assert found(testford.ward) == {north}
    assert found(other_ward) == {south}
    rows = {
        p.pk: p.ward_name
        for p in selectors.helpers_search_for(
            actor=testford.coordinator, locality=testford.locality
        )
    }
    assert rows == {north.pk: testford.ward.name, south.pk: "Testford South"}


def test_filtering_by_level_in_sql_agrees_with_the_rules_on_every_day(testford, skills):
    """Helpers whose checks lapse at different times, levels stored as worked
    out today: on each of the next 800 days (sampled), the SQL filter and the
    annotation agree with the rules, with no job run in between."""
    start = today()
    made = []
    for offset in (0, 40, 200, 330, 364):
        done = days_ago(offset)
        for level in LEVELS:
            made.append(vet(testford, apply(testford), level, on=done))
    # One whose old DBS certificate is kept current by the update service.
    updated = vet(testford, apply(testford), VettingLevel.BASIC, on=days_ago(20))
    record(testford, updated, CheckKind.SAFEGUARDING, on=days_ago(20))
    issued = days_ago(365 * 4)
    check = record(
        testford,
        updated,
        CheckKind.DBS,
        on=issued,
        issued_on=issued,
        dbs_type=DbsType.ENHANCED_BARRED,
        update_service=True,
    )
    services.dbs_status_check_record(
        actor=testford.coordinator,
        certificate=check.dbs,
        checked_on=days_ago(50),
        result="current",
    )
    made.append(updated)
    for profile in made:
        profile.refresh_from_db()
    for day in [start + timedelta(days=n) for n in range(0, 800, 7)] + [
        start + timedelta(days=n) for n in (1, 2, 35, 36, 165, 166, 325, 326)
    ]:
        for level in LEVELS:
            found = set(
                selectors.helpers_search_for(
                    actor=testford.coordinator,
                    locality=testford.locality,
                    filters=HelperFilters(level=level),
                    today=day,
                ).values_list("pk", flat=True)
            )
            expected = {p.pk for p in made if p.level_on(day) == level}
            assert found == expected, (day, level)
        annotated = dict(
            selectors.with_level_today(HelperProfile.objects.all(), day).values_list(
                "pk", "level_today"
            )
        )
        assert annotated == {p.pk: p.level_on(day) for p in made}


def test_the_stored_ladder_matches_the_rules_worked_out_again(testford, skills):
    profile = vet(testford, apply(testford), VettingLevel.ENHANCED, on=days_ago(300))
    later = today() + timedelta(days=70)
    expected = profile.level_on(later)
    _vetting_recompute(profile, later)
    profile.refresh_from_db()
    assert profile.vetting_level == expected == VettingLevel.NONE


def test_checks_running_out_soon(testford, skills):
    soon = active_helper(testford, VettingLevel.BASIC, on=days_ago(355))
    later = active_helper(testford, VettingLevel.BASIC, on=days_ago(100))
    found = set(
        selectors.helpers_search_for(
            actor=testford.coordinator,
            locality=testford.locality,
            filters=HelperFilters(expiring=True),
        )
    )
    assert found == {soon}
    assert later.next_lapse_on == days_ago(100).replace(
        year=days_ago(100).year + 1
    ) - timedelta(days=1)


def test_skills_with_counts_leave_out_those_who_left(testford, skills):
    active_helper(testford)
    gone = apply(testford)
    services.helper_leave(actor=testford.coordinator, profile=gone, reason="Moved")
    counts = {
        s.name: s.helper_count
        for s in selectors.skills_with_counts_for(
            actor=testford.coordinator, locality=testford.locality
        )
    }
    assert counts == {"Gardening": 1, "Odd jobs": 0, "Phones and computers": 0}


# --- possible duplicates --------------------------------------------------------------


def test_possible_duplicates_by_name_and_birth_date_or_phone(
    testford, elsewhere, skills
):
    first = apply(testford, full_name="Doreen Hughes", email="", phone="02079460100")
    same = apply(testford, full_name="doreen hughes", email="", phone="02079460101")
    by_phone = apply(testford, full_name="D Hughes", email="", mobile="07700 900 100")
    first.user.phone = "07700900100"
    first.user.save()
    # Someone with the same name elsewhere is not shown.
    apply(elsewhere, full_name="Doreen Hughes", email="", phone="02079460102")
    matches = {
        match.person.pk: match.reasons
        for match in selectors.possible_duplicates_for(
            actor=testford.coordinator, profile=first
        )
    }
    assert matches == {
        same.user_id: ["name_and_date_of_birth", "name_and_postcode"],
        by_phone.user_id: ["phone"],
    }
    pairs = selectors.possible_duplicates_in(
        actor=testford.coordinator, locality=testford.locality
    )
    assert [(a.pk, b.pk) for a, b in pairs] == [(first.pk, same.pk)]
    services.duplicate_keep_both(
        actor=testford.coordinator,
        locality=testford.locality,
        person=first.user,
        other=same.user,
    )
    assert [
        m.person.pk
        for m in selectors.possible_duplicates_for(
            actor=testford.coordinator, profile=first
        )
    ] == [by_phone.user_id]
    assert (
        selectors.possible_duplicates_in(
            actor=testford.coordinator, locality=testford.locality
        )
        == []
    )


def test_a_person_in_the_locality(testford, elsewhere):
    found = selectors.person_in_locality(
        actor=testford.coordinator, locality=testford.locality, pk=testford.member.pk
    )
    assert [r.role for r in found.roles_here] == [Role.MEMBER]
    with pytest.raises(Http404):
        selectors.person_in_locality(
            actor=testford.coordinator,
            locality=testford.locality,
            pk=elsewhere.member.pk,
        )
    with pytest.raises(PermissionDenied):
        selectors.person_in_locality(
            actor=testford.helper, locality=testford.locality, pk=testford.member.pk
        )
