"""Volunteers: work days in the social calendar with sign-up and waiting
list, time given, time credits if the locality says so, updates with
photos, the story, the poster and the council's figures."""

import io
from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from PIL import Image

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.credits.models import Transfer
from kith.credits.services import balance_minutes
from kith.projects import selectors, services
from kith.projects.models import HoursGiven, ProjectSettings
from kith.projects.tests import factories
from kith.social import services as social
from kith.social.models import Activity, SignUp
from kith.social.tests import factories as social_factories


def _work_day(circle, project, *, places=2, actor=None):
    return services.work_day_add(
        actor=actor or circle.coordinator,
        project=project,
        answers=services.WorkDayAnswers(
            starts_on=factories.today() + timedelta(days=7),
            start_time=time(10, 0),
            minutes=180,
            places=places,
            description="Clearing the plot. Bring gloves.",
        ),
    )


def test_a_work_day_is_an_activity_with_sign_up_and_a_waiting_list(testford):
    plot = factories.asset(testford, postcode="")
    project = factories.published_project(testford, asset_=plot)
    work_day = _work_day(testford, project, places=1)
    activity = work_day.activity
    assert activity.status == Activity.Status.LISTED
    assert activity.title == "Work day: Elm Road community garden"
    assert activity.venue.name == "Land behind Elm Road"
    occurrence = activity.occurrences.get()
    joan = social_factories.member(testford.locality, "Joan Walker")
    pat = social_factories.member(testford.locality, "Pat Jones")
    social.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)
    with pytest.raises(social.Full):
        social.sign_up_create(actor=pat.person, occurrence=occurrence, membership=pat)
    waiting = social.sign_up_create(
        actor=pat.person, occurrence=occurrence, membership=pat, waiting_list=True
    )
    assert waiting.status == SignUp.Status.WAITING
    people = selectors.volunteers_to_record(project=project)
    assert {p.full_name for p in people} == {"Joan Walker", "Pat Jones"}


def test_a_members_work_day_waits_for_a_coordinator_as_any_activity(testford):
    project = factories.published_project(testford)
    work_day = _work_day(testford, project, actor=testford.member)
    assert work_day.activity.status == Activity.Status.PROPOSED


def test_only_organisers_add_work_days(testford):
    project = factories.published_project(testford)
    with pytest.raises(PermissionDenied):
        _work_day(testford, project, actor=testford.helper)


def test_time_given_is_recorded_once_a_day_and_earns_credits_if_set(testford):
    project = factories.published_project(testford)
    joan = social_factories.member(testford.locality, "Joan Walker")
    ProjectSettings.objects.create(
        locality=testford.locality, volunteering_earns_credits=True
    )
    given = services.hours_record(
        actor=testford.coordinator,
        project=project,
        person=joan.person,
        given_on=factories.today(),
        minutes=180,
    )
    assert balance_minutes(person=joan.person, locality=testford.locality) == 180
    again = services.hours_record(
        actor=testford.coordinator,
        project=project,
        person=joan.person,
        given_on=factories.today(),
        minutes=120,
    )
    assert again.pk == given.pk and again.minutes == 120
    assert HoursGiven.objects.count() == 1
    assert Transfer.objects.filter(kind="volunteering").count() == 1
    assert balance_minutes(person=joan.person, locality=testford.locality) == 180


def test_no_credits_when_the_locality_does_not_give_them(testford):
    project = factories.published_project(testford)
    joan = social_factories.member(testford.locality, "Joan Walker")
    services.hours_record(
        actor=testford.coordinator,
        project=project,
        person=joan.person,
        given_on=factories.today(),
        minutes=60,
    )
    assert balance_minutes(person=joan.person, locality=testford.locality) == 0


def test_a_paper_sign_up_sheet_is_entered_by_staff_and_audited(testford):
    project = factories.published_project(testford)
    joan = social_factories.member(testford.locality, "Joan Walker")
    services.hours_record(
        actor=testford.coordinator,
        project=project,
        person=joan.person,
        given_on=factories.days_ago(1),
        minutes=90,
        on_paper=True,
    )
    event = AuditEvent.objects.get(action="project_hours_recorded")
    assert event.actor_id == testford.coordinator.pk
    assert event.on_behalf_of_id == joan.person.pk and event.data["on_paper"]
    with pytest.raises(PermissionDenied):
        services.hours_record(
            actor=testford.member,
            project=project,
            person=joan.person,
            given_on=factories.today(),
            minutes=90,
            on_paper=True,
        )


def test_bad_time_is_refused(testford):
    project = factories.published_project(testford)
    with pytest.raises(ApplicationError, match="24 hours"):
        services.hours_record(
            actor=testford.coordinator,
            project=project,
            person=testford.member,
            given_on=factories.today(),
            minutes=25 * 60,
        )
    with pytest.raises(ApplicationError, match="future"):
        services.hours_record(
            actor=testford.coordinator,
            project=project,
            person=testford.member,
            given_on=factories.today() + timedelta(days=1),
            minutes=60,
        )
    assert not HoursGiven.objects.exists()


def test_updates_and_the_story_with_photos_without_location(client, testford):
    project = factories.published_project(testford)
    services.update_post(
        actor=testford.member,
        project=project,
        words="We cleared the plot.",
        photos=[services.PhotoUpload(factories.photo_upload(), "Bags of rubbish")],
    )
    with pytest.raises(ApplicationError, match="must be a photo"):
        services.update_post(
            actor=testford.member,
            project=project,
            words="Another",
            photos=[
                services.PhotoUpload(
                    factories.photo_upload(fmt="GIF", with_location=False), "x"
                )
            ],
        )
    assert project.updates.count() == 1
    done = services.project_done(
        actor=testford.member,
        project=project,
        story="Forty neighbours built twelve raised beds.",
        people_served=300,
        done_on=factories.today(),
        before=services.PhotoUpload(factories.photo_upload(), "The plot before"),
        after=services.PhotoUpload(factories.photo_upload(), "The garden after"),
    )
    assert done.status == "done"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "What we did" in page and "Forty neighbours" in page
    assert "Before: The plot before" in page and "After: The garden after" in page
    story = project.updates.get(kind="story")
    for photo in story.photos.all():
        assert b"PhoneMaker" not in bytes(photo.image)
        assert not Image.open(io.BytesIO(bytes(photo.image))).getexif()
        assert client.get(photo.get_absolute_url()).status_code == 200


def test_only_organisers_post_updates(testford):
    project = factories.published_project(testford)
    with pytest.raises(PermissionDenied):
        services.update_post(actor=testford.helper, project=project, words="Hello")


def test_the_councils_figures_add_up(testford):
    project = factories.published_project(testford)
    joan = social_factories.member(testford.locality, "Joan Walker")
    pat = social_factories.member(testford.locality, "Pat Jones")
    for person, minutes in ((joan.person, 120), (pat.person, 60)):
        services.hours_record(
            actor=testford.coordinator,
            project=project,
            person=person,
            given_on=factories.today(),
            minutes=minutes,
        )
    services.pledge_make(
        actor=testford.council_officer,
        project=project,
        fund=factories.council_fund(testford),
        answers=services.PledgeAnswers(kind="money", amount_pence=500_000),
    )
    services.project_done(
        actor=testford.member,
        project=project,
        story="Done.",
        people_served=300,
        done_on=factories.today(),
    )
    figures = selectors.projects_figures(
        actor=testford.council_officer, locality=testford.locality
    )
    assert figures["projects"] == 1 and figures["done"] == 1
    assert figures["volunteers"] == 2 and figures["minutes_given"] == 180
    assert figures["people_served"] == 300
    assert figures["by_sector"] == [
        {"sector": "public", "pence": 500_000, "minutes": 0}
    ]


def test_the_poster_has_the_short_address_and_phone(client, testford):
    project = factories.published_project(testford)
    page = client.get(reverse("projects:poster", args=[project.uuid])).content.decode()
    short = reverse("projects:short", args=[project.short_code])
    assert short in page and testford.locality.phone in page
    assert client.get(short).url == project.get_absolute_url()
    assert client.get(reverse("projects:short", args=["nothere"])).status_code == 404


def test_the_organiser_adds_a_work_day_and_records_time_through_the_pages(
    client, testford
):
    project = factories.published_project(testford)
    client.force_login(testford.coordinator)
    day = factories.today() + timedelta(days=7)
    response = client.post(
        reverse("projects:work_day_add", args=[project.uuid]),
        {
            "starts_on_day": day.day,
            "starts_on_month": day.month,
            "starts_on_year": day.year,
            "start_time": "10:00",
            "minutes": "180",
            "places": "12",
            "description": "Bring gloves.",
        },
    )
    assert response.status_code == 302
    page = client.get(project.get_absolute_url()).content.decode()
    occurrence = project.work_days.get().activity.occurrences.get()
    assert reverse("social:occurrence", args=[occurrence.pk]) in page
    joan = social_factories.member(testford.locality, "Joan Walker")
    social.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)
    today = factories.today()
    response = client.post(
        reverse("projects:hours_add", args=[project.uuid]),
        {
            "person": joan.person.pk,
            "given_on_day": today.day,
            "given_on_month": today.month,
            "given_on_year": today.year,
            "hours": "2.5",
        },
    )
    assert response.status_code == 302
    assert HoursGiven.objects.get().minutes == 150
    # Someone not signed up is not offered, and cannot be posted in.
    response = client.post(
        reverse("projects:hours_add", args=[project.uuid]),
        {
            "person": testford.helper.pk,
            "given_on_day": today.day,
            "given_on_month": today.month,
            "given_on_year": today.year,
            "hours": "2",
        },
    )
    assert response.status_code == 200 and HoursGiven.objects.count() == 1
