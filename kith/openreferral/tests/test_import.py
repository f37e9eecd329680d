"""manage.py directory_import: another feed's services taken in as entries
waiting for a check, idempotently by id."""

import copy
import json
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command

from kith.core.models import AuditEvent
from kith.directory.models import (
    Location,
    Organisation,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from kith.directory.services import service_publish
from kith.openreferral.feeds import feed_records
from kith.openreferral.tests.world import directory_make

BASE = "/openreferral"
#: What a record says about Kith's own checking, not about the service.
CHECK_FIELDS = ("last_modified", "assured_date", "assurer_email", "alert")


@pytest.fixture
def world(testford):
    return directory_make(testford.locality, testford.ward)


def export(client) -> list[dict]:
    listed = client.get(f"{BASE}/services?per_page=100").json()
    return [client.get(f"{BASE}/services/{s['id']}").json() for s in listed["contents"]]


def comparable(record: dict) -> dict:
    record = {k: v for k, v in record.items() if k not in CHECK_FIELDS}
    if "attributes" in record:
        record["attributes"] = sorted(record["attributes"], key=lambda a: a["id"])
    return record


def directory_wipe(locality) -> None:
    services = Service.objects.filter(locality=locality)
    services.filter(draft_of__isnull=False).delete()
    services.delete()
    Location.objects.filter(locality=locality).delete()
    Organisation.objects.filter(locality=locality).delete()
    TaxonomyTerm.objects.filter(
        taxonomy__locality=locality, parent__isnull=False
    ).delete()
    TaxonomyTerm.objects.filter(taxonomy__locality=locality).delete()
    Taxonomy.objects.filter(locality=locality).delete()


def publish_waiting(circle) -> None:
    """A coordinator checks each waiting entry (the directory's own service)."""
    for service in Service.objects.filter(
        locality=circle.locality, review_state="waiting"
    ):
        service_publish(actor=circle.coordinator, service=service)


def run(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("directory_import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_then_import_into_an_empty_directory_gives_the_same_services(
    client, world, testford, tmp_path
):
    before = export(client)
    assert len(before) == 3
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(before), encoding="utf-8")
    directory_wipe(testford.locality)
    assert export(client) == []

    out, err = run(feed)
    assert err == ""
    assert "3 read into Testford Circle: 3 new, 0 changed, 0 unchanged, 0 bad" in out
    assert err == ""
    # Imported entries wait for a check: the public sees none yet.
    assert export(client) == []
    assert Service.objects.filter(review_state="waiting").count() == 3
    publish_waiting(testford)

    after = export(client)
    assert [comparable(r) for r in after] == [comparable(r) for r in before]
    term = TaxonomyTerm.objects.get(uuid=world.terms[1].uuid)
    assert term.parent.uuid == world.terms[0].uuid


def test_importing_again_changes_nothing(client, world, testford, tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(export(client)), encoding="utf-8")
    directory_wipe(testford.locality)
    run(feed)
    seen = {s.uuid: s.last_modified for s in Service.objects.all()}
    events = AuditEvent.objects.count()

    out, _err = run(feed)
    assert "0 new, 0 changed, 3 unchanged, 0 bad" in out
    assert {s.uuid: s.last_modified for s in Service.objects.all()} == seen
    assert AuditEvent.objects.count() == events


def test_a_changed_published_entry_waits_for_a_check_and_the_public_keeps_the_old(
    client, world, testford, tmp_path
):
    records = export(client)
    full = world.published[0]
    Service.objects.filter(draft_of=full).delete()  # the import makes its own
    changed = copy.deepcopy(records)
    record = next(r for r in changed if r["id"] == str(full.uuid))
    record["name"] = "Riverside lunch club (now on Thursdays)"
    record["schedules"][0]["byday"] = "TH"
    record["cost_options"] = record["cost_options"][:1]
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(changed), encoding="utf-8")

    out, _err = run(feed)
    assert "0 new, 1 changed, 2 unchanged, 0 bad" in out
    full.refresh_from_db()
    assert full.name == "Riverside lunch club" and full.review_state == "published"
    public = client.get(f"{BASE}/services/{full.uuid}").json()
    assert public["name"] == "Riverside lunch club"
    draft = Service.objects.get(draft_of=full)
    assert draft.review_state == "waiting"
    assert draft.name == "Riverside lunch club (now on Thursdays)"
    # The copy's parts point at the published parts they change.
    schedule = draft.schedules.get(byday="TH")
    assert schedule.copy_of.uuid == full.schedules.get(byday="TU").uuid
    assert draft.cost_options.count() == 1
    assert AuditEvent.objects.filter(
        action="openreferral.service_import_updated", target_id=str(full.pk)
    ).exists()

    out, _err = run(feed)
    assert "0 new, 0 changed, 3 unchanged" in out
    assert Service.objects.filter(draft_of=full).count() == 1

    # Checked and published: the public sees the change under the same ids,
    # and what the feed does not carry (referrals, closures) is kept.
    closures = list(full.closures.values_list("reason", flat=True))
    publish_waiting(testford)
    public = client.get(f"{BASE}/services/{full.uuid}").json()
    assert public["name"] == "Riverside lunch club (now on Thursdays)"
    assert public["schedules"][0]["id"] == record["schedules"][0]["id"]
    assert public["schedules"][0]["byday"] == "TH"
    assert len(public["cost_options"]) == 1
    full.refresh_from_db()
    assert full.referral_email == "referrals@example.org"
    assert list(full.closures.values_list("reason", flat=True)) == closures
    out, _err = run(feed)
    assert "0 new, 0 changed, 3 unchanged" in out


def test_a_changed_waiting_entry_is_updated_in_place(client, world, testford, tmp_path):
    records = export(client)
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(records), encoding="utf-8")
    directory_wipe(testford.locality)
    run(feed)
    records[1]["description"] = "Now with a description."
    feed.write_text(json.dumps(records), encoding="utf-8")
    out, _err = run(feed)
    assert "1 changed, 2 unchanged" in out
    service = Service.objects.get(uuid=records[1]["id"])
    assert service.description == "Now with a description."
    assert service.review_state == "waiting"
    assert not Service.objects.filter(draft_of__isnull=False).exists()


def test_bad_records_are_reported_and_the_rest_imported(
    client, world, testford, elsewhere, tmp_path
):
    records = export(client)
    directory_wipe(testford.locality)
    other = directory_make(elsewhere.locality, elsewhere.ward)
    good = records[0]
    no_id = {k: v for k, v in records[1].items() if k != "id"}
    odd_status = {**records[2], "status": "open"}
    ages = {**good, "id": "11111111-1111-4111-8111-111111111111", "minimum_age": 90}
    ages["maximum_age"] = 10
    theirs = {**records[1], "id": str(other.published[1].uuid)}
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps([good, no_id, odd_status, "not a service", ages, theirs]),
        encoding="utf-8",
    )
    out, err = run(feed, "--locality", "testford")
    assert "6 read into Testford Circle: 1 new, 0 changed, 0 unchanged, 5 bad" in out
    assert "bad record None: id is missing" in err
    assert f"bad record {records[2]['id']}: status 'open' is not one" in err
    assert "bad record #4: a service must be a JSON object" in err
    assert "11111111-1111-4111-8111-111111111111: minimum_age is above" in err
    assert "is used in another locality's directory" in err
    assert list(Service.objects.filter(locality=testford.locality)) == [
        Service.objects.get(uuid=good["id"])
    ]
    # The other locality's service is as it was.
    assert Service.objects.get(uuid=theirs["id"]).locality == elsewhere.locality


def test_a_feed_is_followed_page_by_page_from_its_address(client, world, testford):
    fetched = []

    def fetch(url):
        fetched.append(url)
        parts = urlsplit(url)
        return client.get(parts.path, dict_from(parts.query)).json()

    records = list(
        feed_records(
            "https://example.org/openreferral/services?per_page=2", fetch=fetch
        )
    )
    assert sorted(r["id"] for r in records) == sorted(
        str(s.uuid) for s in world.published
    )
    assert all("service_at_locations" in r or "organization" in r for r in records)
    assert fetched[0] == "https://example.org/openreferral/services?per_page=2&page=1"
    assert "https://example.org/openreferral/services?per_page=2&page=2" in fetched


def dict_from(query: str) -> dict:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query))


def test_the_command_needs_a_locality_when_there_are_several(
    testford, elsewhere, tmp_path
):
    feed = tmp_path / "feed.json"
    feed.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="--locality"):
        run(feed)
    with pytest.raises(CommandError, match="no locality 'nowhere'"):
        run(feed, "--locality", "nowhere")
    with pytest.raises(CommandError, match="could not read"):
        run(tmp_path / "missing.json", "--locality", "testford")
    feed.write_text('{"colour": "blue"}', encoding="utf-8")
    with pytest.raises(CommandError, match="neither a list"):
        run(feed, "--locality", "testford")
