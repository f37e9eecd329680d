"""Every endpoint's answer complies with the Open Referral UK 3.0 schemas, as
the served API description names them, for a directory of varied entries:
every optional field filled, none filled, odd characters."""

import pytest

from kith.openreferral.params import ACCEPTED
from kith.openreferral.tests.world import directory_make

pytest.importorskip(
    "jsonschema", reason="jsonschema is in requirements-dev.txt: pip install it"
)

from kith.openreferral.tests.schemas import ApiSchemas, nulls

BASE = "/openreferral"


@pytest.fixture
def world(testford):
    return directory_make(testford.locality, testford.ward)


@pytest.fixture
def schemas(client, testford) -> ApiSchemas:
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    return ApiSchemas(response.json())


def complies(schemas, client, template, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    body = response.json()
    schemas.check(template, status, body)
    if status == 200:
        assert nulls(body) == [], f"{url} sends empty optional fields"
    return body


def test_every_endpoint_complies_for_a_varied_directory(client, world, schemas):
    meta = complies(schemas, client, "/", f"{BASE}/")
    assert meta["version"] == "3.0"
    assert meta["openapi_url"] == "http://testserver/openreferral/openapi.json"

    listed = complies(schemas, client, "/services", f"{BASE}/services")
    assert listed["total_items"] == 3
    for item in listed["contents"]:
        complies(schemas, client, "/services/{id}", f"{BASE}/services/{item['id']}")

    sals = complies(
        schemas, client, "/service_at_locations", f"{BASE}/service_at_locations"
    )
    assert sals["total_items"] == 1
    for item in sals["contents"]:
        complies(
            schemas,
            client,
            "/service_at_locations/{id}",
            f"{BASE}/service_at_locations/{item['id']}",
        )

    taxonomies = complies(schemas, client, "/taxonomies", f"{BASE}/taxonomies")
    assert taxonomies["total_items"] == 2
    for item in taxonomies["contents"]:
        complies(schemas, client, "/taxonomies/{id}", f"{BASE}/taxonomies/{item['id']}")

    terms = complies(schemas, client, "/taxonomy_terms", f"{BASE}/taxonomy_terms")
    assert terms["total_items"] == 4
    for item in terms["contents"]:
        complies(
            schemas,
            client,
            "/taxonomy_terms/{id}",
            f"{BASE}/taxonomy_terms/{item['id']}",
        )


def test_the_phones_and_languages_kith_adds_comply_with_their_own_schemas(
    client, world, schemas
):
    # ORUK's compiled service schema leaves out HSDS 3.0's phones; Kith sends
    # them, so they are checked against the standard's phone schema.
    body = complies(
        schemas, client, "/services/{id}", f"{BASE}/services/{world.published[0].uuid}"
    )
    phones = body["phones"] + [p for c in body["contacts"] for p in c["phones"]]
    assert len(phones) == 2
    for phone in phones:
        assert list(schemas.for_file("phone.json").iter_errors(phone)) == []
    for language in body["languages"]:
        assert list(schemas.for_file("language.json").iter_errors(language)) == []


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/services", "/services?page=0"),
        ("/services", "/services?per_page=10000"),
        ("/service_at_locations", "/service_at_locations?colour=blue"),
        ("/taxonomies", "/taxonomies?search=x"),
        ("/taxonomy_terms", "/taxonomy_terms?page=x"),
        ("/services/{id}", "/services/not-a-uuid"),
        ("/taxonomies/{id}", "/taxonomies/1"),
    ],
)
def test_errors_comply_with_the_described_error(client, world, schemas, path, url):
    complies(schemas, client, path, BASE + url, status=400)


def test_a_missing_id_complies_with_the_described_404(client, world, schemas):
    complies(
        schemas,
        client,
        "/services/{id}",
        f"{BASE}/services/{world.hidden[0].uuid}",
        status=404,
    )


def test_the_checks_catch_what_the_standard_refuses(world, client, schemas):
    """The harness is not a rubber stamp: a broken record fails it."""
    good = client.get(f"{BASE}/services/{world.published[0].uuid}").json()
    for broken in (
        {**good, "status": "open"},
        {**good, "id": "not-a-uuid"},
        {**good, "url": "not a uri"},
        {**good, "last_modified": "yesterday"},
        {k: v for k, v in good.items() if k != "name"},
        {**good, "minimum_age": "60"},
    ):
        with pytest.raises(AssertionError):
            schemas.check("/services/{id}", 200, broken)
    listed = client.get(f"{BASE}/services").json()
    with pytest.raises(AssertionError):
        schemas.check(
            "/services", 200, {k: v for k, v in listed.items() if k != "empty"}
        )
    assert set(ACCEPTED) <= set(schemas.description["paths"])
