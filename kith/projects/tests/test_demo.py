"""The demo locality's community projects: the Barnet-style story is there
for every login the moment the demo is loaded."""

import pytest
from django.db import transaction
from django.urls import reverse

from kith.places.models import Locality
from kith.projects import selectors
from kith.projects.models import Asset, Nomination, Project
from kith.site.demo import DEMO_SLUG, demo_load


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def locality(_demo, db):
    return Locality.objects.get(slug=DEMO_SLUG)


def test_an_unused_plot_is_on_the_public_list(client, locality):
    plot = Asset.objects.get(locality=locality, name="Land behind Elm Road")
    assert plot.status == "unused" and plot.public and plot.on_map
    page = client.get(reverse("projects:assets")).content.decode()
    assert "Land behind Elm Road" in page and "Old highways depot" not in page
    assert "listed on 3 March 2025 until 2 March 2030" in page


def test_the_garden_is_published_with_pledges_from_each_sector_and_a_work_day(
    client, locality
):
    from django.contrib.auth.models import AnonymousUser

    garden = Project.objects.get(locality=locality, title="Elm Road community garden")
    assert garden.status == "published"
    project = selectors.project_get(
        actor=AnonymousUser(), locality=locality, uuid=garden.uuid
    )
    sectors = {code for code, _row in selectors.project_totals(project)["by_sector"]}
    assert sectors == {"public", "private", "voluntary", "community", "resident"}
    occurrence = garden.work_days.get().activity.occurrences.get()
    assert occurrence.sign_ups.filter(status="booked").count() == 6
    page = client.get(garden.get_absolute_url()).content.decode()
    assert "£9,250" in page and "Pledges by sector" in page


def test_a_finished_project_tells_its_story(client, locality):
    park = Project.objects.get(locality=locality, title="Wharf Road pocket park")
    assert park.status == "done" and park.people_served == 250
    page = client.get(park.get_absolute_url()).content.decode()
    assert "What we did" in page and "400 bulbs" in page
    assert "Before: The bare corner" in page


def test_the_officer_has_a_decision_due_and_a_project_to_check(client, locality):
    from kith.accounts.models import User

    officer = User.objects.get(email="council@riverside.example")
    assert Nomination.objects.filter(locality=locality, status="received").count() == 1
    assert [
        p.title for p in selectors.projects_to_check(actor=officer, locality=locality)
    ] == ["Pavilion repair café"]
