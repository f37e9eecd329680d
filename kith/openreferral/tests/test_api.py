"""The Open Referral UK 3.0 API, as another council's system would read it."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kith.directory.models import Service
from kith.openreferral.openapi import operation_parameters
from kith.openreferral.params import ACCEPTED, PER_PAGE_MAX
from kith.openreferral.tests.world import (
    ODD,
    directory_make,
    many_services_make,
    postcode_make,
)

BASE = "/openreferral"


@pytest.fixture
def world(testford):
    return directory_make(testford.locality, testford.ward)


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response
    return response.json()


def test_the_full_service_carries_everything_the_directory_holds(client, world):
    full = world.published[0]
    body = get(client, f"{BASE}/services/{full.uuid}")
    assert body["id"] == str(full.uuid)
    assert body["organization"]["name"] == "Age Concern Testford"
    assert body["organization_id"] == str(full.organisation.uuid)
    assert body["minimum_age"] == 60 and body["maximum_age"] == 120
    assert body["application_process"] == "Just turn up. Phone them."
    # A web address is sent as a URI, the letters beyond ASCII encoded.
    assert body["url"] == "https://example.org/d%C3%A9jeuner?day=tuesday&x=1"
    tuesday = next(s for s in body["schedules"] if s["byday"] == "TU")
    assert (tuesday["opens_at"], tuesday["closes_at"]) == ("10:00:00", "12:00:00")
    assert tuesday["description"] == "Tuesdays 10am to 12 noon"
    assert tuesday["service_at_location_id"] == body["service_at_locations"][0]["id"]
    assert "Hall repairs" in body["alert"] and "Long past" not in body["alert"]
    assert [x["code"] for x in body["languages"]] == ["en", "cy"]
    costs = {c["option"]: c for c in body["cost_options"]}
    assert costs["Lunch"]["amount"] == 4.5 and costs["Lunch"]["currency"] == "GBP"
    assert "amount" not in costs["Free"]
    assert costs["Time credits"]["amount"] == 1
    location = body["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "SE17 2AA"
    assert {a.get("description") for a in location["accessibility"]} >= {
        "step-free access",
        "hearing loop",
    }
    assert body["contacts"][0]["phones"][0]["number"] == "020 7946 0001"
    assert body["phones"] == [
        {"id": str(full.phones.get(contact=None).uuid), "number": "020 7946 0002"}
    ]
    areas = {a["extent_type"]: a for a in body["service_areas"]}
    assert areas["ons_ward"]["name"] == full.wards.get().name
    assert areas["radius_km"]["extent"] == "2.5"
    assert len(body["attributes"]) == 4


def test_odd_characters_come_back_exactly(client, world):
    odd = world.published[2]
    body = get(client, f"{BASE}/services/{odd.uuid}")
    assert body["name"] == ODD
    assert body["description"].startswith(ODD + "\nSecond line\t")
    assert body["organization"]["name"] == ODD
    assert body["status"] == "temporarily closed"
    assert body["minimum_age"] == 0


def test_a_service_with_nothing_optional_sends_only_what_is_required(client, world):
    bare = world.published[1]
    body = get(client, f"{BASE}/services/{bare.uuid}")
    assert set(body) == {
        "id",
        "name",
        "description",
        "status",
        "organization_id",
        "last_modified",
        "organization",
    }
    assert body["organization"]["description"] == ""


def test_only_published_entries_of_this_locality_appear(
    client, world, testford, elsewhere
):
    other = directory_make(elsewhere.locality, elsewhere.ward)
    listed = get(client, f"{BASE}/services?per_page=100")
    ids = {s["id"] for s in listed["contents"]}
    assert ids == {str(s.uuid) for s in world.published}
    for service in world.hidden + other.published:
        body = get(client, f"{BASE}/services/{service.uuid}", status=404)
        assert body == {"error": "Nothing published here has that id."}
    # The published text, not the waiting copy's.
    full = get(client, f"{BASE}/services/{world.published[0].uuid}")
    assert full["name"] == "Riverside lunch club"
    term_ids = {t["id"] for t in get(client, f"{BASE}/taxonomy_terms")["contents"]}
    assert term_ids == {str(t.uuid) for t in world.terms}
    other_term = other.terms[0].uuid
    get(client, f"{BASE}/taxonomy_terms/{other_term}", status=404)
    get(client, f"{BASE}/taxonomies/{other.taxonomy.uuid}", status=404)
    other_sal = other.published[0].service_at_locations.get().uuid
    get(client, f"{BASE}/service_at_locations/{other_sal}", status=404)


def test_the_paging_object_walks_the_whole_list(client, world):
    first = get(client, f"{BASE}/services?per_page=2")
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = get(client, f"{BASE}/services?per_page=2&page=2")
    assert (second["size"], second["first_page"], second["last_page"]) == (
        1,
        False,
        True,
    )
    names = [s["name"] for s in first["contents"] + second["contents"]]
    assert names == sorted(names)
    beyond = get(client, f"{BASE}/services?per_page=2&page=9")
    assert beyond["contents"] == [] and beyond["empty"] and beyond["last_page"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1&page=2", "page"),
        (f"per_page={PER_PAGE_MAX + 1}", "per_page"),
        ("per_page=10000", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=99999999999999999999", "per_page"),
        ("colour=blue", "colour"),
        ("taxonomy_term_id=nope", "taxonomy_term_id"),
        ("taxonomy_id=' OR 1=1 --", "taxonomy_id"),
        ("minimum_age=old", "minimum_age"),
        ("maximum_age=1e9", "maximum_age"),
        ("start_time=25:00", "start_time"),
        ("end_time=noon", "end_time"),
        ("day=Someday", "day"),
        ("postcode=<script>", "postcode"),
        ("postcode=ZZ99 9ZZ", "postcode"),
        ("proximity=100", "proximity"),
        ("postcode=SE17 2AA&proximity=-5", "proximity"),
        ("modified_after=yesterday", "modified_after"),
        ("modified_after=2026-13-40", "modified_after"),
        ("search=" + "x" * 201, "search"),
    ],
)
def test_bad_input_gets_a_400_in_json_never_a_500(client, world, query, parameter):
    body = get(client, f"{BASE}/services?{query}", status=400)
    assert set(body) == {"error", "parameter"}
    assert body["parameter"] == parameter


@pytest.mark.parametrize(
    "url",
    [
        "/services/not-a-uuid",
        "/services/3f7b145d84af42d78faeeaca714b02b2",
        "/service_at_locations/1",
        "/taxonomies/%3Cscript%3E",
        "/taxonomy_terms/{12345678-1234-1234-1234-123456789012}",
    ],
)
def test_a_malformed_id_gets_a_400(client, world, url):
    body = get(client, BASE + url, status=400)
    assert body["parameter"] == "id"


def test_lists_without_filters_refuse_them(client, world):
    body = get(client, f"{BASE}/taxonomies?search=food", status=400)
    assert body["parameter"] == "search"
    get(client, f"{BASE}/taxonomy_terms?page=0", status=400)
    get(client, f"{BASE}/service_at_locations?modified_after=2026-01-01", status=400)
    get(client, f"{BASE}/services/{world.published[0].uuid}?full=true", status=400)


def test_the_api_is_open_to_other_sites_and_needs_no_cookie(client, world):
    response = client.options(f"{BASE}/services")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    # A POST from another site is refused as not allowed (not as a CSRF
    # failure: there is nothing to protect), in JSON.
    response = client.post(f"{BASE}/services", {"name": "x"})
    assert response.status_code == 405
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content)["error"]
    assert Service.objects.filter(name="x").count() == 0


def _names(client, query):
    body = get(client, f"{BASE}/services?{query}")
    return [s["name"] for s in body["contents"]]


def test_the_filters_narrow_the_list(client, world, testford):
    full, bare, odd = world.published
    lunch, _child, _no_description, odd_term = world.terms
    assert _names(client, "search=lunch") == [full.name]
    assert _names(client, "search=AGE+concern") == [full.name]
    # The words may be in the organisation's name.
    assert _names(client, "search=café") == sorted([bare.name, odd.name])
    assert _names(client, "search=second+LINE") == [odd.name]
    assert _names(client, f"taxonomy_term_id={lunch.uuid}") == [full.name]
    assert _names(client, f"taxonomy_term_id={odd_term.uuid}") == sorted(
        [full.name, odd.name]
    )
    assert _names(client, f"taxonomy_id={world.taxonomy.uuid}") == sorted(
        [full.name, odd.name]
    )
    assert _names(client, "minimum_age=50") == [full.name]
    assert _names(client, "minimum_age=0") == sorted([full.name, odd.name])
    assert _names(client, "maximum_age=100") == []
    assert _names(client, "maximum_age=120") == [full.name]
    assert _names(client, "day=TU") == [full.name]
    assert _names(client, "day=we") == [full.name]
    assert _names(client, "day=FR") == []
    assert _names(client, "day=TU&start_time=10:00&end_time=12:00") == [full.name]
    assert _names(client, "day=TU&start_time=10:30") == []
    assert _names(client, "start_time=14:00&end_time=16:30:00") == [full.name]
    assert _names(client, "end_time=11:00") == []
    soon = (timezone.now() + timedelta(days=1)).isoformat()
    assert _names(client, f"modified_after={soon.replace('+', '%2B')}") == []
    assert len(_names(client, "modified_after=2020-01-01")) == 3


def test_postcode_and_proximity(client, world, testford):
    full = world.published[0]
    # The lunch club's hall is at the testford postcode's centre.
    postcode_make("SE1 7PB", 51.50, -0.09, testford.ward)  # about 1.1 km north
    near = get(client, f"{BASE}/services?postcode=se1+7pb&proximity=1500")
    assert [s["name"] for s in near["contents"]] == [full.name]
    assert get(client, f"{BASE}/services?postcode=SE1 7PB&proximity=900")["empty"]
    # Without proximity: services whose areas cover the postcode (the lunch
    # club serves the ward) and those with no area, by name.
    everyone = _names(client, "postcode=SE1 7PB")
    assert full.name in everyone and len(everyone) == 3
    sals = get(client, f"{BASE}/service_at_locations?postcode=SE17 2AA&proximity=10")
    assert sals["total_items"] == 1


def test_with_a_proximity_the_nearest_come_first(client, world, testford):
    full = world.published[0]
    # Three more places, each 110 m further north than the last, the first
    # where the lunch club's hall is: the postcode is north of them all.
    _s0, s1, s2 = many_services_make(testford.locality, world.organisations[0], 3)
    postcode_make("SE1 7PB", 51.50, -0.09, testford.ward)
    body = get(client, f"{BASE}/services?postcode=SE1 7PB&proximity=2000&per_page=3")
    assert [s["name"] for s in body["contents"]] == [s2.name, s1.name, full.name]
    assert body["total_items"] == 4
    sals = get(client, f"{BASE}/service_at_locations?postcode=SE1 7PB&proximity=2000")
    assert [x["service_id"] for x in sals["contents"]][:2] == [
        str(s2.uuid),
        str(s1.uuid),
    ]


def test_a_ward_outside_the_service_areas_is_not_reached(client, world, testford):
    from kith.places.models import Ward

    full = world.published[0]
    far_ward = Ward.objects.create(
        locality=testford.locality, name="Far", ons_code="E05000999"
    )
    # 5 km away: outside the 2.5 km radius, in a ward it does not serve.
    postcode_make("SE9 9ZZ", 51.535, -0.09, far_ward)
    names = _names(client, "postcode=SE9 9ZZ")
    assert full.name not in names and len(names) == 2


def test_queries_per_page_do_not_grow_with_the_page(
    client, world, testford, django_assert_num_queries
):
    many_services_make(testford.locality, world.organisations[0], 30)
    counts = {}
    for path in (
        "/services",
        "/service_at_locations",
        "/taxonomy_terms",
        "/services?postcode=SE17+2AA&proximity=5000",
        "/services?search=service&day=FR",
        "/service_at_locations?postcode=SE17+2AA&proximity=5000",
    ):
        for per_page in (2, 30):
            join = "&" if "?" in path else "?"
            with CaptureQueriesContext(connection) as queries:
                body = get(client, f"{BASE}{path}{join}per_page={per_page}")
            assert body["size"] == min(per_page, body["total_items"]) > 1
            counts[(path, per_page)] = len(queries)
        assert counts[(path, 2)] == counts[(path, 30)], path
    # The locality, the count, the page's ids, its rows.
    assert counts[("/services", 30)] <= 4
    # A full service costs the same whatever it holds.
    small = many_services_make(testford.locality, world.organisations[0], 1)[0]
    with CaptureQueriesContext(connection) as queries:
        get(client, f"{BASE}/services/{small.uuid}")
    with django_assert_num_queries(len(queries)):
        get(client, f"{BASE}/services/{world.published[0].uuid}")


def test_the_served_description_corrects_the_slips_and_lists_what_is_accepted(
    client, testford
):
    doc = get(client, f"{BASE}/openapi.json")
    paths = doc["paths"]
    assert paths["/taxonomy_terms"]["get"]["operationId"] == (
        "getPaginatedListOfTaxonomyTerms"
    )
    assert paths["/taxonomy_terms/{id}"]["get"]["operationId"] == "getTaxonomyTermById"
    schema = paths["/service_at_locations/{id}"]["get"]["responses"]["200"]
    assert schema["content"]["application/json"]["schema"]["$ref"].endswith(
        "compiled/service_at_location.json"
    )
    assert '"type": "time"' not in json.dumps(doc)
    assert doc["servers"] == [{"url": "http://testserver/openreferral"}]
    for path, accepted in ACCEPTED.items():
        assert operation_parameters(doc, path) == set(accepted), path
    # Every path the description lists is served.
    assert reverse("openreferral:meta") == "/openreferral/"
