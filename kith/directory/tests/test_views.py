from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.directory import services
from kith.directory.models import Service, Signposting
from kith.directory.tests import factories as f
from tests.factories import MembershipFactory


@pytest.fixture
def world(testford):
    taxonomy = services.taxonomy_default_create(locality=testford.locality)
    lunch = taxonomy.terms.get(code="lunch-clubs")
    org = f.organisation(
        testford.locality, editor=testford.organisation_editor, name="Age Concern"
    )
    hall = f.place(org, postcode="SE17 1AA", latitude=51.491, longitude=-0.09)
    club = f.service(
        org,
        name="Tuesday lunch club",
        terms=[lunch],
        location=hall,
        publish_by=testford.coordinator,
        takes_referrals=True,
        referral_email="ref@example.com",
    )
    return {"org": org, "lunch": lunch, "hall": hall, "club": club}


def _login(client, testford, user):
    client.force_login(user)


def test_anyone_finds_a_lunch_club_near_a_postcode_without_signing_in(client, world):
    page = client.get(
        reverse("directory:search"), {"term": "lunch-clubs", "postcode": "SE17 2AA"}
    ).content.decode()
    assert "Tuesday lunch club" in page
    assert "0.1 km away" in page
    detail = client.get(reverse("directory:service", args=[world["club"].uuid]))
    text = detail.content.decode()
    assert "Tuesdays 10am to 12 noon" in text
    assert "Free" in text


def test_an_unknown_postcode_says_so(client, world):
    page = client.get(reverse("directory:search"), {"postcode": "sw9 9zz"})
    assert page.status_code == 200
    assert "We do not know the postcode SW9 9ZZ" in page.content.decode()


def test_drafts_are_not_public(client, world):
    draft = f.service(world["org"], name="Secret draft")
    assert (
        client.get(reverse("directory:service", args=[draft.uuid])).status_code == 404
    )
    assert (
        "Secret draft" not in client.get(reverse("directory:search")).content.decode()
    )
    assert (
        "Tuesday lunch club" in client.get(reverse("directory:print")).content.decode()
    )


def test_the_search_takes_the_same_queries_for_more_services(client, testford, world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("directory:search"), {"postcode": "SE17 2AA"})
        return len(ctx.captured_queries)

    before = count()
    for n in range(6):
        f.service(
            world["org"],
            name=f"Club {n}",
            location=world["hall"],
            publish_by=testford.coordinator,
        )
    assert count() == before


def test_an_editor_sees_only_their_own_organisation(client, testford, world):
    other = f.organisation(testford.locality, name="Someone else")
    theirs = f.service(other, name="Not yours")
    _login(client, testford, testford.organisation_editor)
    page = client.get(reverse("directory:mine")).content.decode()
    assert "Age Concern" in page
    assert "Someone else" not in page
    assert (
        client.get(reverse("directory:organisation", args=[other.pk])).status_code
        == 404
    )
    assert client.get(reverse("directory:entry", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("directory:entry_edit", args=[theirs.pk]), {"name": "Mine"}
    )
    assert response.status_code == 404
    assert Service.objects.get(pk=theirs.pk).name == "Not yours"


@pytest.mark.parametrize("role", ["member", "helper", "supporter"])
def test_others_cannot_open_editor_or_checker_pages(client, testford, world, role):
    _login(client, testford, testford.by_role(role))
    assert client.get(reverse("directory:mine")).status_code == 403
    assert client.get(reverse("directory:review")).status_code == 403
    assert client.get(reverse("directory:categories")).status_code == 403


def test_an_editor_adds_a_service_and_a_coordinator_publishes_it(
    client, testford, world
):
    _login(client, testford, testford.organisation_editor)
    org = world["org"]
    response = client.post(
        reverse("directory:service_add", args=[org.pk]),
        {
            "name": "Chair exercise",
            "description": "Gentle exercise sitting down.",
            "terms": [str(world["lunch"].pk)],
            "status": "active",
            "how_to_access": ["drop_in"],
        },
    )
    service = Service.objects.get(name="Chair exercise")
    assert response.url == reverse("directory:entry", args=[service.pk])
    client.post(
        reverse("directory:record_add", args=[service.pk, "schedule"]),
        {"byday": ["TH"], "starts": "14:00", "ends": "15:00", "freq": "WEEKLY"},
    )
    client.post(
        reverse("directory:record_add", args=[service.pk, "cost"]), {"kind": "free"}
    )
    client.post(
        reverse("directory:record_add", args=[service.pk, "place"]),
        {"location": str(world["hall"].pk)},
    )
    client.post(reverse("directory:entry_submit", args=[service.pk]))
    service.refresh_from_db()
    assert service.review_state == "waiting"

    client.logout()
    _login(client, testford, testford.coordinator)
    queue = client.get(reverse("directory:review")).content.decode()
    assert "Chair exercise" in queue
    client.post(reverse("directory:review_publish", args=[service.pk]))
    service.refresh_from_db()
    assert service.review_state == "published"
    page = client.get(
        reverse("directory:service", args=[service.uuid])
    ).content.decode()
    assert "Thursdays 2pm to 3pm" in page


def test_an_error_summary_and_nothing_saved_for_bad_answers(client, testford, world):
    _login(client, testford, testford.organisation_editor)
    response = client.post(
        reverse("directory:service_add", args=[world["org"].pk]),
        {
            "name": "",
            "description": "x",
            "status": "active",
            "how_to_access": ["drop_in"],
            "terms": [str(world["lunch"].pk)],
            "minimum_age": "80",
            "maximum_age": "20",
        },
    )
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter name of the service." in page
    assert Service.objects.count() == 1


def test_a_coordinator_signposts_a_member_from_their_record(client, testford, world):
    member = MembershipFactory(locality=testford.locality, status="active")
    _login(client, testford, testford.coordinator)
    record = client.get(reverse("members:member", args=[member.pk])).content.decode()
    assert "Services they were pointed to" in record
    response = client.post(
        reverse("directory:signpost", args=[member.pk]),
        {
            "service": str(world["club"].pk),
            "note": "Lonely at lunchtime",
            "refer": "on",
        },
    )
    assert response.status_code == 302
    done = Signposting.objects.get()
    assert done.referred and done.message is not None
    record = client.get(reverse("members:member", args=[member.pk])).content.decode()
    assert "Tuesday lunch club" in record
    assert "Lonely at lunchtime" in record


def test_the_council_renames_a_category(client, testford, world):
    _login(client, testford, testford.council_officer)
    client.post(
        reverse("directory:category_edit", args=[world["lunch"].pk]),
        {"name": "Lunch and supper clubs"},
    )
    world["lunch"].refresh_from_db()
    assert world["lunch"].name == "Lunch and supper clubs"
    client.post(reverse("directory:category_retire", args=[world["lunch"].pk]))
    world["lunch"].refresh_from_db()
    assert world["lunch"].retired


def test_the_review_queue_takes_the_same_queries_for_more_entries(
    client, testford, world
):
    _login(client, testford, testford.coordinator)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("directory:review"))
        return len(ctx.captured_queries)

    editor = world["org"].editors.get()
    first = f.service(world["org"], name="Waiting 0")
    services.service_submit(actor=editor, service=first)
    count()  # the first page after signing in also reads the session
    before = count()
    for n in range(1, 5):
        s = f.service(world["org"], name=f"Waiting {n}", opens_at=time(9))
        services.service_submit(actor=editor, service=s)
    assert count() == before


def test_an_editor_adds_a_holiday_and_a_bad_date_is_refused(client, testford, world):
    _login(client, testford, testford.organisation_editor)
    draft = f.service(world["org"], name="Knit and natter")
    url = reverse("directory:record_add", args=[draft.pk, "closure"])
    response = client.post(
        url,
        {
            "starts_on_day": "31",
            "starts_on_month": "2",
            "starts_on_year": "2027",
            "ends_on_day": "2",
            "ends_on_month": "1",
            "ends_on_year": "2027",
        },
    )
    assert "govuk-error-summary" in response.content.decode()
    assert not draft.closures.exists()
    client.post(
        url,
        {
            "starts_on_day": "24",
            "starts_on_month": "12",
            "starts_on_year": "2026",
            "ends_on_day": "2",
            "ends_on_month": "1",
            "ends_on_year": "2027",
            "reason": "Christmas",
        },
    )
    page = client.get(reverse("directory:entry", args=[draft.pk])).content.decode()
    assert "Closed 24 December 2026 to 2 January 2027" in page


def test_a_coordinator_makes_someone_an_editor(client, testford, world):
    org = f.organisation(testford.locality, name="Library friends")
    org.editors.clear()
    _login(client, testford, testford.coordinator)
    url = reverse("directory:organisation_editor_add", args=[org.pk])
    refused = client.post(url, {"email": testford.member.email})
    assert "Nobody with that email address" in refused.content.decode()
    client.post(url, {"email": testford.organisation_editor.email.upper()})
    assert list(org.editors.all()) == [testford.organisation_editor]
    client.logout()
    _login(client, testford, testford.organisation_editor)
    assert client.get(url).status_code == 403
