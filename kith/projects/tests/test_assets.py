"""The land and buildings register, its public list and map, photos, and
Assets of Community Value: who may do what, and what people see."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from PIL import Image

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.notify.models import Message
from kith.projects import services
from kith.projects.models import Asset, Nomination
from kith.projects.tests import factories

# --- the register ----------------------------------------------------------------


def test_an_officer_adds_land_and_it_is_audited(testford):
    plot = factories.asset(testford)
    assert plot.status == "unused" and plot.owner.name == "Testford Borough Council"
    assert AuditEvent.objects.filter(
        action="asset_added", target_id=str(plot.pk)
    ).exists()


@pytest.mark.parametrize(
    "role", ["member", "helper", "coordinator", "organisation_editor", "supporter"]
)
def test_only_council_officers_keep_the_register(testford, role):
    with pytest.raises(PermissionDenied):
        services.asset_save(
            actor=testford.by_role(role),
            locality=testford.locality,
            answers=services.AssetAnswers(name="Plot", kind="land", status="unused"),
        )
    assert not Asset.objects.exists()


def test_a_let_asset_needs_the_group_the_terms_and_the_start(testford):
    group = factories.organisation(testford, "Elm Road Growers", "community")
    with pytest.raises(ApplicationError, match="group it is let to"):
        factories.asset(testford, status="let")
    with pytest.raises(ApplicationError, match="licence or a lease"):
        factories.asset(testford, status="let", let_to=group)
    with pytest.raises(ApplicationError, match="after its start"):
        factories.asset(
            testford,
            status="let",
            let_to=group,
            let_terms="licence",
            let_from=date(2026, 4, 1),
            let_until=date(2026, 3, 1),
        )
    let = factories.asset(
        testford,
        status="let",
        let_to=group,
        let_terms="lease",
        let_from=date(2026, 4, 1),
        let_until=date(2031, 3, 31),
    )
    assert let.let_to == group and let.get_let_terms_display() == "Lease"
    assert Asset.objects.count() == 1


def test_a_room_is_in_a_building(testford):
    with pytest.raises(ApplicationError, match="building the room is in"):
        factories.asset(testford, "Back room", kind="room")
    hall = factories.asset(testford, "St Mary's Hall", kind="building")
    room = factories.asset(testford, "Back room", kind="room", part_of=hall)
    assert list(hall.rooms.all()) == [room]


def test_another_localitys_organisation_cannot_own_an_asset(testford, elsewhere):
    stranger = factories.organisation(elsewhere, "Elsewhere Council")
    with pytest.raises(PermissionDenied):
        factories.asset(testford, owner=stranger)


def test_the_public_list_shows_only_public_assets_of_this_locality(
    client, testford, elsewhere
):
    factories.asset(testford, "Land behind Elm Road")
    factories.asset(testford, "Council depot", public=False)
    factories.asset(elsewhere, "Elsewhere allotment")
    factories.asset(testford, "Old library", kind="building", status="disposed")
    page = client.get(reverse("projects:assets")).content.decode()
    assert "Land behind Elm Road" in page
    assert "Council depot" not in page
    assert "Elsewhere allotment" not in page
    assert "Old library" not in page
    # The list works without the map; the map script is an extra.
    assert 'id="asset-list"' in page and "projects/map.js" in page
    assert 'data-asset-lat="51.490000"' in page


def test_the_list_runs_the_same_queries_for_few_or_many(
    client, testford, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.asset(testford, "One")
    url = reverse("projects:assets")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        factories.asset(
            testford,
            f"Plot {n}",
            let_to=factories.organisation(testford, f"Group {n}", "community"),
            status="let",
            let_terms="licence",
            let_from=date(2026, 1, 1),
        )
    with django_assert_num_queries(len(few)):
        page = client.get(url)
    assert "Plot 5" in page.content.decode()


def test_the_map_page_allows_the_tile_servers_images_only_when_set(
    client, testford, settings
):
    settings.KITH_MAP_TILE_URL = ""
    response = client.get(reverse("projects:assets"))
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy and "script-src 'self';" in policy
    settings.KITH_MAP_TILE_URL = "https://tile.example.org/{z}/{x}/{y}.png"
    response = client.get(reverse("projects:assets"))
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.example.org;" in policy
    assert 'data-tile-url="https://tile.example.org/{z}/{x}/{y}.png"' in (
        response.content.decode()
    )


def test_a_private_asset_is_hidden_from_the_public_but_not_from_officers(
    client, testford
):
    depot = factories.asset(testford, "Council depot", public=False)
    assert client.get(depot.get_absolute_url()).status_code == 404
    client.force_login(testford.member)
    assert client.get(depot.get_absolute_url()).status_code == 404
    client.force_login(testford.council_officer)
    page = client.get(depot.get_absolute_url()).content.decode()
    assert "Council depot" in page and "Change the details" in page


@pytest.mark.parametrize("role", ["member", "coordinator", "admin"])
def test_only_officers_open_the_register(client, testford, role):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("projects:register")).status_code == 404


def test_an_officer_adds_an_asset_through_the_form(client, testford):
    council = factories.organisation(testford)
    client.force_login(testford.council_officer)
    response = client.post(
        reverse("projects:asset_add"),
        {
            "name": "Land behind Elm Road",
            "kind": "land",
            "status": "available",
            "condition": "poor",
            "owner": str(council.pk),
            "postcode": "",
            "public": "on",
            "let_terms": "",
        },
    )
    made = Asset.objects.get()
    assert response.status_code == 302 and response.url == made.get_absolute_url()
    assert made.status == "available" and made.public and made.owner == council
    bad = client.post(
        reverse("projects:asset_edit", args=[made.uuid]),
        {
            "name": "Land behind Elm Road",
            "kind": "land",
            "status": "let",
            "condition": "poor",
            "let_terms": "",
        },
    )
    assert "Choose the group it is let to." in bad.content.decode()
    made.refresh_from_db()
    assert made.status == "available"


# --- photos ----------------------------------------------------------------------


def test_a_photo_is_re_encoded_without_its_location(testford):
    plot = factories.asset(testford)
    upload = factories.photo_upload()
    raw = upload.read()
    upload.seek(0)
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)
    photo = services.asset_photo_add(
        actor=testford.council_officer,
        asset=plot,
        upload=upload,
        description="The plot in winter",
    )
    kept = Image.open(io.BytesIO(bytes(photo.image)))
    assert kept.format == "JPEG" and (kept.width, kept.height) == (40, 30)
    assert not kept.getexif() and b"PhoneMaker" not in bytes(photo.image)


def test_something_that_is_not_a_photo_is_refused_whatever_its_name(testford):
    from django.core.files.uploadedfile import SimpleUploadedFile

    plot = factories.asset(testford)
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")
    with pytest.raises(ApplicationError, match="must be a photo"):
        services.asset_photo_add(
            actor=testford.council_officer, asset=plot, upload=fake, description="x"
        )
    gif = factories.photo_upload("a.jpg", fmt="GIF", with_location=False)
    with pytest.raises(ApplicationError, match="must be a photo"):
        services.asset_photo_add(
            actor=testford.council_officer, asset=plot, upload=gif, description="x"
        )
    assert not plot.photos.exists()


def test_a_photo_over_the_size_limit_is_refused(testford, settings):
    settings.KITH_PHOTO_MAX_BYTES = 100
    plot = factories.asset(testford)
    with pytest.raises(ApplicationError, match="smaller than"):
        services.asset_photo_add(
            actor=testford.council_officer,
            asset=plot,
            upload=factories.photo_upload(size=(200, 200)),
            description="Big",
        )


def test_photos_are_served_only_where_their_asset_may_be_seen(client, testford):
    public = factories.asset(testford)
    private = factories.asset(testford, "Depot", public=False)
    shown = services.asset_photo_add(
        actor=testford.council_officer,
        asset=public,
        upload=factories.photo_upload(),
        description="Plot",
    )
    hidden = services.asset_photo_add(
        actor=testford.council_officer,
        asset=private,
        upload=factories.photo_upload(),
        description="Depot",
    )
    response = client.get(shown.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(hidden.get_absolute_url()).status_code == 404


# --- Assets of Community Value ------------------------------------------------


def _nominate(circle, plot, **overrides):
    values = {
        "group_name": "Friends of Elm Road",
        "group_kind": "unincorporated",
        "local_voters": 21,
        "reasons": "The only green space for the flats.",
        "received_on": date(2025, 1, 6),
    }
    values.update(overrides)
    return services.nomination_record(
        actor=circle.council_officer, asset=plot, **values
    )


def test_a_nomination_is_due_for_a_decision_eight_weeks_after_receipt(testford):
    nomination = _nominate(testford, factories.asset(testford))
    assert nomination.decision_due_on == date(2025, 3, 3)


def test_an_unincorporated_group_needs_21_local_voters(testford):
    plot = factories.asset(testford)
    with pytest.raises(ApplicationError, match="at least 21"):
        _nominate(testford, plot, local_voters=20)
    assert not Nomination.objects.exists()
    assert _nominate(testford, plot, group_kind="charity", local_voters=None)


def test_a_listing_lasts_five_years_and_shows_on_the_public_list(client, testford):
    plot = factories.asset(testford)
    nomination = _nominate(testford, plot, received_on=date(2025, 1, 13))
    listed = services.nomination_decide(
        actor=testford.council_officer,
        nomination=nomination,
        listed=True,
        decided_on=date(2025, 3, 3),
        reason="It furthers the social wellbeing of the community.",
    )
    assert listed.shown_until == date(2030, 3, 2)
    with pytest.raises(ApplicationError, match="already listed"):
        _nominate(testford, plot)
    page = client.get(reverse("projects:assets")).content.decode()
    assert "listed on 3 March 2025 until 2 March 2030" in page


def test_an_unsuccessful_nomination_stays_on_the_public_list_five_years(
    client, testford
):
    plot = factories.asset(testford, "Car park")
    nomination = _nominate(testford, plot)
    services.nomination_decide(
        actor=testford.council_officer,
        nomination=nomination,
        listed=False,
        decided_on=date(2025, 2, 1),
        reason="Its main use is not social.",
    )
    nomination.refresh_from_db()
    assert nomination.shown_until == date(2030, 1, 31)
    page = client.get(reverse("projects:assets")).content.decode()
    assert "Car park" in page and "Its main use is not social." in page


def test_a_disposal_notice_shows_the_moratoria(client, testford):
    plot = factories.asset(testford)
    nomination = services.nomination_decide(
        actor=testford.council_officer,
        nomination=_nominate(testford, plot),
        listed=True,
        decided_on=date(2025, 3, 3),
        reason="Valued by the community.",
    )
    notice = services.disposal_notice_record(
        actor=testford.council_officer,
        nomination=nomination,
        notified_on=date(2025, 6, 2),
        bid_requested_on=date(2025, 7, 1),
        bid_requested_by="Friends of Elm Road",
    )
    assert (notice.interim_ends_on, notice.full_ends_on, notice.protected_ends_on) == (
        date(2025, 7, 14),
        date(2025, 12, 2),
        date(2026, 12, 2),
    )
    again = services.disposal_notice_record(
        actor=testford.council_officer,
        nomination=nomination,
        notified_on=date(2026, 3, 1),
    )
    assert not again.starts_moratorium
    page = client.get(plot.get_absolute_url()).content.decode()
    assert "the owner may not sell until after 2 December 2025" in page
    assert "starts no new wait" in page


def test_officers_are_reminded_of_decisions_due_once(testford, elsewhere):
    plot = factories.asset(testford)
    _nominate(testford, plot, received_on=date(2025, 1, 6))
    queued = services.nomination_reminders_queue(today=date(2025, 2, 20))
    assert queued == 1
    message = Message.objects.get(template="acv_decisions_due")
    assert message.recipient_id == testford.council_officer.pk
    assert "Land behind Elm Road" in str(message.personalisation)
    assert services.nomination_reminders_queue(today=date(2025, 2, 20)) == 0
    assert services.nomination_reminders_queue(today=date(2025, 2, 24)) == 0
    assert services.nomination_reminders_queue(today=date(2025, 2, 27)) == 1


def test_a_decision_far_off_is_not_reminded(testford):
    _nominate(testford, factories.asset(testford), received_on=date(2025, 1, 6))
    assert services.nomination_reminders_queue(today=date(2025, 1, 10)) == 0


def test_listings_end_after_five_years(testford):
    nomination = services.nomination_decide(
        actor=testford.council_officer,
        nomination=_nominate(testford, factories.asset(testford)),
        listed=True,
        decided_on=date(2025, 3, 3),
        reason="Valued.",
    )
    assert services.nominations_end_listings(today=date(2030, 3, 2)) == 0
    assert services.nominations_end_listings(today=date(2030, 3, 3)) == 1
    nomination.refresh_from_db()
    assert nomination.status == "ended"


def test_an_officer_records_and_decides_through_the_pages(client, testford):
    plot = factories.asset(testford)
    client.force_login(testford.council_officer)
    response = client.post(
        reverse("projects:nomination_add", args=[plot.uuid]),
        {
            "group_name": "Friends of Elm Road",
            "group_kind": "charity",
            "reasons": "A green space.",
            "received_on_day": "6",
            "received_on_month": "1",
            "received_on_year": "2025",
        },
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    register = client.get(reverse("projects:register")).content.decode()
    assert "Friends of Elm Road" in register and "Overdue" in register
    response = client.post(
        reverse("projects:nomination_decide", args=[nomination.pk]),
        {
            "listed": "yes",
            "decided_on_day": "3",
            "decided_on_month": "3",
            "decided_on_year": "2025",
            "reason": "Valued.",
        },
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "listed"
    assert nomination.shown_until == date(2030, 3, 2) - timedelta(days=0)
