from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kith.directory import selectors, services
from kith.directory.tests import factories as f


@pytest.fixture
def world(testford):
    """Three published lunch clubs at known distances from SE17 2AA (51.49,
    -0.09), a draft, and a phone service with no place."""
    checker = testford.coordinator
    taxonomy = services.taxonomy_default_create(locality=testford.locality)
    lunch = taxonomy.terms.get(code="lunch-clubs")
    money = taxonomy.terms.get(code="money-advice")
    org = f.organisation(testford.locality, name="Age Concern Testford")
    near = f.place(
        org, postcode="SE17 1AA", latitude=51.491, longitude=-0.09, step_free=True
    )
    far = f.place(org, postcode="SE1 9ZZ", latitude=51.52, longitude=-0.09)
    made = {
        "far": f.service(
            org,
            name="Far lunch",
            terms=[lunch],
            location=far,
            publish_by=checker,
            cost="pounds",
        ),
        "near": f.service(
            org,
            name="Near lunch",
            terms=[lunch],
            location=near,
            publish_by=checker,
            byday=("WE",),
            opens_at=time(12),
            closes_at=time(14),
        ),
        "phone": f.service(
            org,
            name="Money line",
            terms=[money],
            publish_by=checker,
            description="Benefits advice by phone.",
        ),
        "draft": f.service(org, name="Draft lunch", terms=[lunch], location=near),
    }
    return made


def names(qs):
    return [s.name for s in qs]


def test_nearest_first_with_distance(testford, world):
    found = list(
        selectors.services_search(locality=testford.locality, postcode="se17 2aa")
    )
    assert names(found) == ["Near lunch", "Far lunch", "Money line"]
    assert found[0].distance_km == pytest.approx(0.11, abs=0.01)
    assert found[1].distance_km == pytest.approx(3.34, abs=0.02)
    assert found[2].distance_km is None


def test_filters(testford, world):
    loc = testford.locality
    assert names(selectors.services_search(locality=loc, term="lunch-clubs")) == [
        "Far lunch",
        "Near lunch",
    ]
    assert names(selectors.services_search(locality=loc, words="BENEFITS")) == [
        "Money line"
    ]
    assert names(selectors.services_search(locality=loc, words="lunch far")) == [
        "Far lunch"
    ]
    assert names(selectors.services_search(locality=loc, day="WE")) == ["Near lunch"]
    assert names(selectors.services_search(locality=loc, time=time(11))) == [
        "Far lunch",
        "Money line",
    ]
    assert names(selectors.services_search(locality=loc, free_only=True)) == [
        "Money line",
        "Near lunch",
    ]
    assert names(selectors.services_search(locality=loc, step_free_only=True)) == [
        "Near lunch"
    ]


def test_bad_search_input_is_a_validation_error(testford, world):
    with pytest.raises(ValidationError):
        selectors.services_search(locality=testford.locality, postcode="not a postcode")
    with pytest.raises(ValidationError):
        list(selectors.services_search(locality=testford.locality, postcode="ZZ9 9ZZ"))
    with pytest.raises(ValidationError):
        selectors.services_search(locality=testford.locality, day="XX")
    assert (
        names(selectors.services_search(locality=testford.locality, term="nope")) == []
    )


def test_a_second_locality_never_sees_the_first(testford, world, elsewhere):
    loc = elsewhere.locality
    services.taxonomy_default_create(locality=loc)
    assert not selectors.published_services(locality=loc).exists()
    assert not selectors.services_search(locality=loc, words="lunch").exists()
    assert not selectors.published_service_at_locations(locality=loc).exists()
    assert names(selectors.services_search(locality=loc, term="lunch-clubs")) == []
    first_term = selectors.taxonomy_terms(locality=testford.locality).first()
    assert names(selectors.services_search(locality=loc, term=first_term)) == []
    assert (
        names(selectors.services_search(locality=loc, term=str(first_term.uuid))) == []
    )
    with pytest.raises(Http404):
        selectors.published_service_get(locality=loc, uuid=world["near"].uuid)


def test_drafts_and_bad_ids_are_not_found(testford, world):
    for uuid in (world["draft"].uuid, "nonsense", None):
        with pytest.raises(Http404):
            selectors.published_service_get(locality=testford.locality, uuid=uuid)


def test_the_published_list_takes_the_same_queries_for_more_services(
    testford, world, django_assert_num_queries
):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            for s in selectors.published_services(locality=testford.locality):
                list(s.schedules.all())
                for c in s.contacts.all():
                    list(c.phones.all())
                for sal in s.service_at_locations.all():
                    sal.location.name  # noqa: B018
                for t in s.terms.all():
                    t.taxonomy.name  # noqa: B018
        return len(ctx.captured_queries)

    before = count()
    org = world["near"].organisation
    for n in range(5):
        f.service(
            org,
            name=f"More {n}",
            publish_by=testford.coordinator,
            location=world["near"].service_at_locations.get().location,
        )
    assert count() == before


def test_signposting_counts_by_service_and_category(testford, world, elsewhere):
    from tests.factories import MembershipFactory

    member = MembershipFactory(locality=testford.locality, status="active")
    for key in ("near", "near", "phone"):
        services.signposting_record(
            actor=testford.coordinator, member=member, service=world[key]
        )
    counts = selectors.signposting_counts(locality=testford.locality)
    assert counts["services"] == [("Near lunch", 2), ("Money line", 1)]
    assert counts["terms"] == [("Lunch clubs", 2), ("Money advice", 1)]
    assert counts["total"] == [("", 3)]
    assert selectors.signposting_counts(locality=elsewhere.locality)["total"] == [
        ("", 0)
    ]


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("organisation_editor", "own"),
        ("coordinator", "all"),
        ("council_officer", "all"),
        ("helper", "none"),
        ("member", "none"),
    ],
)
def test_who_sees_which_organisations(testford, world, role, sees):
    own = services.organisation_create(
        actor=testford.organisation_editor,
        locality=testford.locality,
        name="Editor's own",
        sector="community",
    )
    found = set(
        selectors.organisations_for(
            actor=testford.by_role(role), locality=testford.locality
        )
    )
    expected = {
        "own": {own},
        "all": {own, world["near"].organisation},
        "none": set(),
    }[sees]
    assert found == expected


def test_the_review_queue_is_for_checkers_only(testford, world):
    editor = world["draft"].organisation.editors.get()
    services.service_submit(actor=editor, service=world["draft"])
    assert list(
        selectors.services_waiting(
            actor=testford.council_officer, locality=testford.locality
        )
    ) == [world["draft"]]
    from django.core.exceptions import PermissionDenied

    for role in ("organisation_editor", "helper", "member"):
        with pytest.raises(PermissionDenied):
            selectors.services_waiting(
                actor=testford.by_role(role), locality=testford.locality
            )


def test_a_helper_signposts_only_members_they_visit(testford, world):
    from django.core.exceptions import PermissionDenied

    from tests.factories import MembershipFactory

    member = MembershipFactory(locality=testford.locality, status="active")
    assert not selectors.members_for_signposting(
        actor=testford.helper, locality=testford.locality
    ).exists()
    with pytest.raises(PermissionDenied):
        services.signposting_record(
            actor=testford.helper, member=member, service=world["near"]
        )
    assert member in selectors.members_for_signposting(
        actor=testford.coordinator, locality=testford.locality
    )


def test_a_helper_signposts_a_member_they_visit(testford, world):
    from tests.factories import VisitFactory

    visit = VisitFactory(request__membership__locality=testford.locality)
    helper = visit.helper.user
    member = visit.request.membership
    assert list(
        selectors.members_for_signposting(actor=helper, locality=testford.locality)
    ) == [member]
    done = services.signposting_record(
        actor=helper, member=member, service=world["near"]
    )
    assert done.by == helper
