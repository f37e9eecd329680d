"""Changing directory entries through the pages: an organisation, a service
and each of its records (times, holidays, costs, contacts, phones, places,
categories, who it is for, languages, areas). A change to a published entry
goes to its draft copy and waits for a check (ADR 0025)."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from kith.core.models import AuditEvent
from kith.directory import selectors, services
from kith.directory.models import Contact, CostOption, Schedule, Service
from kith.directory.tests import factories as f


@pytest.fixture
def world(testford):
    taxonomy = services.taxonomy_default_create(locality=testford.locality)
    lunch = taxonomy.terms.get(code="lunch-clubs")
    food = taxonomy.terms.get(code="food")
    org = f.organisation(
        testford.locality, editor=testford.organisation_editor, name="Age Concern"
    )
    hall = f.place(org, postcode="SE17 1AA", latitude=51.491, longitude=-0.09)
    club = f.service(org, name="Tuesday lunch club", terms=[lunch], location=hall)
    editor = testford.organisation_editor
    contact = services.contact_save(
        actor=editor, service=club, name="Pat Lee", phone="020 7946 0001"
    )
    phone = services.phone_save(actor=editor, service=club, number="020 7946 0002")
    closure = services.closure_save(
        actor=editor,
        service=club,
        starts_on=date(2026, 12, 24),
        ends_on=date(2027, 1, 2),
        reason="Christmas",
    )
    # The schedule happens at the hall.
    services.schedule_save(
        actor=editor,
        service=club,
        schedule=club.schedules.get(),
        byday=["TU"],
        opens_at=time(10),
        closes_at=time(12),
        location=hall,
    )
    services.service_submit(actor=editor, service=club)
    club = services.service_publish(actor=testford.coordinator, service=club)
    return {
        "org": org,
        "hall": hall,
        "club": club,
        "lunch": lunch,
        "food": food,
        "contact": contact,
        "phone": phone,
        "closure": closure,
    }


def _copy(client, club):
    """Start changing the published entry, as its page's button does."""
    response = client.post(reverse("directory:entry_change", args=[club.pk]))
    copy = Service.objects.get(draft_of=club)
    assert response.url == reverse("directory:entry", args=[copy.pk])
    return copy


def _edit_url(copy, kind, record):
    return reverse("directory:record_edit", args=[copy.pk, kind, record.pk])


def _public(testford, club):
    return selectors.published_service_get(locality=testford.locality, uuid=club.uuid)


def test_an_editor_changes_every_part_and_it_waits_for_a_check(client, testford, world):
    club = world["club"]
    ids = {
        "schedule": club.schedules.get().uuid,
        "cost": club.cost_options.get().uuid,
        "contact": world["contact"].uuid,
        "phone": world["phone"].uuid,
        "closure": world["closure"].uuid,
    }
    client.force_login(testford.organisation_editor)
    copy = _copy(client, club)
    page = client.get(reverse("directory:entry", args=[copy.pk])).content.decode()
    for kind in ("schedule", "cost", "contact", "phone", "closure"):
        record = {
            "schedule": copy.schedules.get(),
            "cost": copy.cost_options.get(),
            "contact": copy.contacts.get(),
            "phone": copy.phones.get(),
            "closure": copy.closures.get(),
        }[kind]
        assert _edit_url(copy, kind, record) in page

    schedule = copy.schedules.get()
    form = client.get(_edit_url(copy, "schedule", schedule)).content.decode()
    assert "Change when it runs" in form
    assert 'value="TU" checked' in form
    client.post(
        _edit_url(copy, "schedule", schedule),
        {"byday": ["TU", "TH"], "starts": "11:00", "ends": "13:00", "freq": "WEEKLY"},
    )
    client.post(
        _edit_url(copy, "cost", copy.cost_options.get()),
        {"kind": "pounds", "amount": "4.50", "option": "Two courses"},
    )
    client.post(
        _edit_url(copy, "contact", copy.contacts.get()),
        {"name": "Pat Lee-Smith", "title": "Organiser", "phone": "020 7946 0009"},
    )
    client.post(
        _edit_url(copy, "phone", copy.phones.get()),
        {"number": "020 7946 0003", "description": "Bookings"},
    )
    closure_form = client.get(_edit_url(copy, "closure", copy.closures.get()))
    assert 'value="24"' in closure_form.content.decode()
    client.post(
        _edit_url(copy, "closure", copy.closures.get()),
        {
            "starts_on_day": "23",
            "starts_on_month": "12",
            "starts_on_year": "2026",
            "ends_on_day": "3",
            "ends_on_month": "1",
            "ends_on_year": "2027",
            "reason": "Christmas and New Year",
        },
    )
    response = client.post(
        reverse("directory:entry_edit", args=[copy.pk]),
        {
            "name": "Tuesday and Thursday lunch club",
            "description": "A hot lunch and company.",
            "terms": [str(world["lunch"].pk), str(world["food"].pk)],
            "status": "active",
            "how_to_access": ["drop_in"],
            "eligibility_description": "People over 60.",
            "minimum_age": "60",
            "wards": [str(testford.ward.pk)],
            "radius_km": "2.5",
            "languages": ["en", "pl"],
        },
    )
    assert response.status_code == 302

    # The public still sees the checked entry.
    public = _public(testford, club)
    assert public.name == "Tuesday lunch club"
    assert [s.byday for s in public.schedules.all()] == ["TU"]
    assert [c.kind for c in public.cost_options.all()] == ["free"]
    assert [p.number for p in public.phones.all()] == ["020 7946 0002"]

    client.post(reverse("directory:entry_submit", args=[copy.pk]))
    client.logout()
    client.force_login(testford.coordinator)
    review = client.get(reverse("directory:review_entry", args=[copy.pk]))
    what_changes = review.content.decode()
    assert "Tuesday and Thursday lunch club" in what_changes
    # The checker sees every kind of change, areas and holidays included.
    for label in ("Areas it serves", "Holidays", "Distance it covers", "Times"):
        assert label in what_changes
    assert "23 December 2026" in what_changes
    client.post(reverse("directory:review_publish", args=[copy.pk]))

    public = _public(testford, club)
    assert public.pk == club.pk
    assert public.name == "Tuesday and Thursday lunch club"
    assert public.eligibility_description == "People over 60."
    assert public.minimum_age == 60
    assert {t.code for t in public.terms.all()} == {"lunch-clubs", "food"}
    assert [w.pk for w in public.wards.all()] == [testford.ward.pk]
    assert public.radius_km == Decimal("2.5")
    assert (
        "Within 2.5 km."
        in client.get(reverse("directory:service", args=[club.uuid])).content.decode()
    )
    assert sorted(lang.code for lang in public.languages.all()) == ["en", "pl"]
    schedule = public.schedules.get()
    assert (schedule.uuid, schedule.byday, schedule.opens_at) == (
        ids["schedule"],
        "TU,TH",
        time(11),
    )
    assert schedule.service_at_location.location == world["hall"]  # kept
    assert schedule.description == "Tuesdays and Thursdays 11am to 1pm"
    cost = public.cost_options.get()
    assert (cost.uuid, cost.kind, cost.amount, cost.option) == (
        ids["cost"],
        "pounds",
        4.5,
        "Two courses",
    )
    contact = public.contacts.get()
    assert (contact.uuid, contact.name, contact.title) == (
        ids["contact"],
        "Pat Lee-Smith",
        "Organiser",
    )
    assert [p.number for p in contact.phones.all()] == ["020 7946 0009"]
    phone = public.phones.get()
    assert (phone.uuid, phone.number) == (ids["phone"], "020 7946 0003")
    closure = public.closures.get()
    assert (closure.uuid, closure.starts_on, closure.ends_on) == (
        ids["closure"],
        date(2026, 12, 23),
        date(2027, 1, 3),
    )
    actions = set(
        AuditEvent.objects.filter(actor=testford.organisation_editor).values_list(
            "action", flat=True
        )
    )
    assert {
        "directory_schedule_update",
        "directory_costoption_update",
        "directory_contact_update",
        "directory_phone_update",
        "directory_closure_update",
        "directory_service_update",
    } <= actions


@pytest.mark.parametrize("role", ["coordinator", "council_officer"])
def test_a_coordinator_or_officer_changes_any_organisations_entry(
    client, testford, world, role
):
    other = f.organisation(testford.locality, name="Someone else")
    theirs = f.service(other, name="Handyman visits", publish_by=testford.coordinator)
    client.force_login(testford.by_role(role))
    org_response = client.post(
        reverse("directory:organisation_edit", args=[other.pk]),
        {"name": "Someone Else Ltd", "sector": "private", "description": "Repairs."},
    )
    assert org_response.status_code == 302
    other.refresh_from_db()
    assert (other.name, other.sector) == ("Someone Else Ltd", "private")

    copy = _copy(client, theirs)
    cost = copy.cost_options.get()
    assert client.get(_edit_url(copy, "cost", cost)).status_code == 200
    client.post(_edit_url(copy, "cost", cost), {"kind": "credits", "amount": "1"})
    assert _public(testford, theirs).cost_options.get().kind == "free"
    assert copy.cost_options.get().kind == "credits"
    assert AuditEvent.objects.filter(
        actor=testford.by_role(role), action="directory_costoption_update"
    ).exists()


def test_an_editor_cannot_change_another_organisations_records(client, testford, world):
    other = f.organisation(testford.locality, name="Someone else")
    theirs = f.service(other, name="Handyman visits")
    schedule = theirs.schedules.get()
    client.force_login(testford.organisation_editor)
    url = _edit_url(theirs, "schedule", schedule)
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"byday": ["MO"], "starts": "09:00", "ends": "10:00", "freq": "WEEKLY"}
    )
    assert response.status_code == 404
    assert (
        client.post(
            reverse("directory:organisation_edit", args=[other.pk]),
            {"name": "Mine now", "sector": "voluntary", "description": "X."},
        ).status_code
        == 404
    )
    # Nor by naming another service's record under their own service.
    copy = _copy(client, world["club"])
    assert client.get(_edit_url(copy, "schedule", schedule)).status_code == 404
    schedule.refresh_from_db()
    other.refresh_from_db()
    assert schedule.byday == "TU"
    assert other.name == "Someone else"


@pytest.mark.parametrize("role", ["member", "helper", "supporter"])
def test_people_without_a_directory_role_cannot_change_entries(
    client, testford, world, role
):
    club = world["club"]
    copy = services.service_working_copy(
        actor=testford.organisation_editor, service=club
    )
    cost = copy.cost_options.get()
    client.force_login(testford.by_role(role))
    assert client.get(_edit_url(copy, "cost", cost)).status_code == 404
    assert (
        client.post(_edit_url(copy, "cost", cost), {"kind": "credits", "amount": "2"})
    ).status_code == 404
    assert CostOption.objects.get(pk=cost.pk).kind == "free"


def test_a_published_entry_is_never_changed_straight_away(client, testford, world):
    club = world["club"]
    schedule = club.schedules.get()
    client.force_login(testford.organisation_editor)
    response = client.post(
        _edit_url(club, "schedule", schedule),
        {"byday": ["MO"], "starts": "09:00", "ends": "10:00", "freq": "WEEKLY"},
    )
    assert response.url == reverse("directory:entry", args=[club.pk])
    assert Schedule.objects.get(pk=schedule.pk).byday == "TU"


def test_a_bad_change_shows_the_error_and_changes_nothing(client, testford, world):
    client.force_login(testford.organisation_editor)
    copy = _copy(client, world["club"])
    schedule = copy.schedules.get()
    response = client.post(
        _edit_url(copy, "schedule", schedule),
        {"byday": ["TU"], "starts": "13:00", "ends": "12:00", "freq": "WEEKLY"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "The closing time must be after the opening time." in page
    contact = copy.contacts.get()
    response = client.post(
        _edit_url(copy, "contact", contact), {"name": "", "email": "not an email"}
    )
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(
        reverse("directory:entry_edit", args=[copy.pk]),
        {
            "name": "Lunch club",
            "description": "Lunch.",
            "terms": [str(world["lunch"].pk)],
            "status": "active",
            "how_to_access": ["drop_in"],
            "radius_km": "far",
        },
    )
    assert "Enter the distance as a number, like 5 or 2.5." in (
        response.content.decode()
    )
    assert Schedule.objects.get(pk=schedule.pk).opens_at == time(10)
    assert Contact.objects.get(pk=contact.pk).name == "Pat Lee"
    assert Service.objects.get(pk=copy.pk).name == "Tuesday lunch club"


def test_unknown_kinds_and_places_have_no_change_page(client, testford, world):
    client.force_login(testford.organisation_editor)
    copy = _copy(client, world["club"])
    place = copy.service_at_locations.get()
    assert (
        client.get(
            reverse("directory:record_edit", args=[copy.pk, "place", place.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("directory:record_edit", args=[copy.pk, "nonsense", 1])
        ).status_code
        == 404
    )
    # The place itself is changed on its own page, linked from the entry.
    page = client.get(reverse("directory:entry", args=[copy.pk])).content.decode()
    assert reverse("directory:location_edit", args=[world["hall"].pk]) in page


def test_an_imported_time_off_the_half_hour_is_kept_when_changing_other_things(
    client, testford, world
):
    client.force_login(testford.organisation_editor)
    copy = _copy(client, world["club"])
    schedule = copy.schedules.get()
    Schedule.objects.filter(pk=schedule.pk).update(opens_at=time(9, 15))
    form = client.get(_edit_url(copy, "schedule", schedule)).content.decode()
    assert 'value="09:15" selected' in form
    client.post(
        _edit_url(copy, "schedule", schedule),
        {"byday": ["WE"], "starts": "09:15", "ends": "12:00", "freq": "WEEKLY"},
    )
    schedule.refresh_from_db()
    assert (schedule.byday, schedule.opens_at) == ("WE", time(9, 15))
