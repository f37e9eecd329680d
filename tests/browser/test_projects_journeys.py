"""Community projects in Chromium: a resident proposes a garden on an
unused plot, an officer publishes it, a business pledges materials and the
council fund pledges within its cap, and members sign up for a work day.
axe-core checks each page; the land and buildings map draws over its list."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_an_unused_plot_to_a_work_day(page, demo, check_accessibility):
    from kith.accounts.models import User
    from kith.projects.models import Pledge, Project
    from kith.social.models import SignUp

    deadline = timezone.localdate() + timedelta(days=40)
    work_day = timezone.localdate() + timedelta(days=12)

    # The public list, with the map drawn over it by JavaScript.
    page.goto("/projects/land-and-buildings/")
    expect(page.locator("#asset-list")).to_contain_text("Land behind Elm Road")
    expect(page.locator("#asset-map")).to_be_visible()
    expect(page.locator(".projects-map__marker").first).to_be_attached()
    check_accessibility(page)

    # A resident proposes a herb garden on the unused plot.
    sign_in(page, "member@riverside.example")
    page.goto("/projects/land-and-buildings/")
    page.locator("#asset-list").get_by_role("link", name="Land behind Elm Road").click()
    check_accessibility(page)
    page.get_by_role("link", name="Propose a project here").click()
    page.get_by_label("Name of the project").fill("Elm Road herb garden")
    page.get_by_label("What do you want to do?").fill("A herb bed by the gate.")
    page.get_by_label("Why is it needed?").fill("Fresh herbs for the lunch club.")
    page.get_by_label("Who is it for?").fill("The lunch club and neighbours.")
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    # The plot was chosen by starting from its page: that question is answered.
    expect(page.get_by_role("heading", level=1)).to_have_text("Money and closing date")
    page.get_by_label("How much money does it need, in pounds?").fill("4000")
    page.get_by_label("Keep what you raise").check()
    page.get_by_label("Day", exact=True).fill(str(deadline.day))
    page.get_by_label("Month").fill(str(deadline.month))
    page.get_by_label("Year").fill(str(deadline.year))
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("First thing to buy").fill("Herb plants and compost")
    page.get_by_label("Its cost, in pounds").first.fill("4000")
    page.get_by_label("Who quoted for it").first.fill("Riverside Nursery")
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What permissions are needed?").fill("The council's licence.")
    page.get_by_label("No", exact=True).check()
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you send")
    expect(page.locator("main")).to_contain_text("Land behind Elm Road")
    check_accessibility(page)
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Project sent")
    check_accessibility(page)
    project = Project.objects.get(title="Elm Road herb garden")
    assert project.status == "proposed" and project.target_pence == 400_000

    # A council officer checks and publishes it.
    sign_in(page, "council@riverside.example")
    page.goto("/projects/to-check/")
    check_accessibility(page)
    page.get_by_role("link", name="Elm Road herb garden").click()
    page.get_by_label("The quotes are attached and reasonable").check()
    page.get_by_label("The owner has given permission").check()
    page.get_by_label("Insurance is in place").check()
    page.get_by_label("Publish it").check()
    check_accessibility(page)
    page.get_by_role("button", name="Save the check").click()
    expect(page.locator("main")).to_contain_text("Open for pledges")
    check_accessibility(page)

    # The council fund pledges within its cap (50% of £4,000), after a refusal.
    page.get_by_role("link", name="Pledge", exact=True).click()
    page.get_by_label("Riverside Community Chest (a fund)").check()
    page.get_by_label("Money", exact=True).check()
    page.get_by_label("Amount of money").fill("2500")
    page.get_by_role("button", name="Make the pledge").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "£2,500 is more than the fund may pledge (£2,000)."
    )
    check_accessibility(page)
    page.get_by_label("Amount of money").fill("2000")
    page.get_by_role("button", name="Make the pledge").click()
    expect(page.locator("#pledges")).to_be_visible()

    # A business pledges materials (the demo editor keeps its entry too).
    from kith.directory.models import Organisation

    Organisation.objects.get(name="Riverside Handyman Ltd").editors.add(
        User.objects.get(email="editor@riverside.example")
    )
    sign_in(page, "editor@riverside.example")
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Pledge", exact=True).click()
    page.get_by_label("Riverside Handyman Ltd").check()
    page.get_by_label("Materials or equipment", exact=True).check()
    page.get_by_label("Amount of money").fill("300")
    page.get_by_label("What materials or equipment").fill("Sleepers for the bed")
    check_accessibility(page)
    page.get_by_role("button", name="Make the pledge").click()
    expect(page.locator("main")).to_contain_text("Private business")
    expect(page.locator("main")).to_contain_text("£2,300")
    check_accessibility(page)
    assert Pledge.objects.filter(project=project).count() == 2

    # The coordinator adds a work day; members sign up in the calendar.
    sign_in(page, "coordinator@riverside.example")
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Add a work day").click()
    page.get_by_label("Day", exact=True).fill(str(work_day.day))
    page.get_by_label("Month").fill(str(work_day.month))
    page.get_by_label("Year").fill(str(work_day.year))
    page.get_by_label("Start time").select_option("10:00")
    page.get_by_label("How many volunteers can come").fill("10")
    check_accessibility(page)
    page.get_by_role("button", name="Add the work day").click()
    expect(page.locator("#volunteer")).to_be_visible()
    check_accessibility(page)
    page.goto("/projects/p/" + project.short_code + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Elm Road herb garden")

    sign_in(page, "member@riverside.example")
    page.goto(project.get_absolute_url())
    page.locator("#volunteer ~ ul a").first.click()
    page.get_by_role("link", name="Sign up").click()
    check_accessibility(page)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".govuk-panel")).to_contain_text("You have a place")
    assert SignUp.objects.filter(
        occurrence__activity__title="Work day: Elm Road herb garden",
        person__email="member@riverside.example",
        status="booked",
    ).exists()


def test_the_other_project_pages_pass_axe(page, demo, check_accessibility):
    from kith.projects.models import Asset, Fund, Project

    park = Project.objects.get(title="Wharf Road pocket park")
    garden = Project.objects.get(title="Elm Road community garden")
    for path in ("/projects/", park.get_absolute_url(), garden.get_absolute_url()):
        page.goto(path)
        check_accessibility(page)
    sign_in(page, "council@riverside.example")
    depot = Asset.objects.get(name="Old highways depot")
    for path in (
        "/projects/land-and-buildings/register/",
        "/projects/land-and-buildings/new/",
        depot.get_absolute_url(),
        f"/projects/nominations/{depot.nominations.get().pk}/decide/",
        "/projects/funds/",
        f"/projects/funds/{Fund.objects.get().pk}/change/",
        "/projects/figures/",
        garden.get_absolute_url(),
        f"/projects/{garden.uuid}/quotes/new/",
        f"/projects/{garden.uuid}/tasks/new/",
        Project.objects.get(title="Pavilion repair café").get_absolute_url(),
    ):
        page.goto(path)
        check_accessibility(page)
    sign_in(page, "member@riverside.example")
    plot = Asset.objects.get(name="Land behind Elm Road")
    for path in (
        plot.get_absolute_url(),
        f"/projects/land-and-buildings/{plot.uuid}/nominate-for-a-group/",
        f"/projects/{garden.uuid}/time-given/",
        f"/projects/{garden.uuid}/updates/new/",
        f"/projects/{garden.uuid}/done/",
    ):
        page.goto(path)
        check_accessibility(page)


def test_the_map_moves_and_zooms_and_survives_tiles_that_fail(
    page, demo, settings, live_server, check_accessibility
):
    # Tiles from an address that answers "not found": every tile fails.
    settings.KITH_MAP_TILE_URL = "/no-tiles-here/{z}/{x}/{y}.png"
    page.goto("/projects/land-and-buildings/")
    box = page.locator("#asset-map")
    expect(box).to_be_visible()
    expect(page.locator(".projects-map__tile")).to_have_count(0)
    expect(page.locator(".projects-map__marker").first).to_be_visible()
    zoom = int(box.get_attribute("data-zoom"))
    page.get_by_title("Zoom in").click()
    expect(box).to_have_attribute("data-zoom", str(zoom + 1))
    page.get_by_title("Zoom out").click()
    page.get_by_title("Zoom out").click()
    expect(box).to_have_attribute("data-zoom", str(zoom - 1))
    # Dragging moves the points with the pointer, and follows no link.
    before = page.locator(".projects-map__marker").first.bounding_box()
    area = box.bounding_box()
    start_x, start_y = area["x"] + 30, area["y"] + area["height"] - 30
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x + 80, start_y - 40, steps=6)
    page.mouse.up()
    after = page.locator(".projects-map__marker").first.bounding_box()
    assert round(after["x"] - before["x"]) == 80
    assert round(after["y"] - before["y"]) == -40
    assert page.url.endswith("/projects/land-and-buildings/")
    # A marker is still a way to the place.
    page.locator(".projects-map__marker").first.click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(
        "Land and buildings for community use"
    )
    page.go_back()
    check_accessibility(page)

    # Without JavaScript: no map, and the list is the page.
    context = page.context.browser.new_context(
        base_url=live_server.url, java_script_enabled=False
    )
    plain = context.new_page()
    plain.goto("/projects/land-and-buildings/")
    expect(plain.locator("#asset-map")).to_be_hidden()
    plain.locator("#asset-list").get_by_role(
        "link", name="Land behind Elm Road"
    ).click()
    expect(plain.get_by_role("heading", level=1)).to_have_text("Land behind Elm Road")
    context.close()
    sign_in(page, "editor@riverside.example")
    page.goto("/projects/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is proposing it?")
    check_accessibility(page)
