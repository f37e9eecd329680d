"""Static files as production serves them: collected into a manifest, with
every name in a page rewritten to its hashed copy.

The rest of the suite uses the plain storage (tests run no collectstatic), so
only these tests notice a stylesheet that names a file Kith does not ship.
"""

import re

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from kith.site.views import server_error

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def _use_production_storage(settings, root) -> None:
    settings.STATIC_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": PRODUCTION_STORAGE},
    }
    settings.WHITENOISE_USE_FINDERS = False


@pytest.fixture
def collected(settings, tmp_path):
    """Production's static storage, after collectstatic into a fresh folder."""
    root = tmp_path / "static"
    _use_production_storage(settings, root)
    call_command("collectstatic", "--noinput", verbosity=0)
    return root


def _stylesheets(page: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)


def test_collectstatic_keeps_every_file_the_stylesheets_name(collected):
    css = next(collected.glob("govuk/govuk-frontend.min.*.css"))
    named = set(re.findall(r"url\(\"?(/static/[^\")]+)", css.read_text()))
    assert named, "the stylesheet names its images"
    for url in named:
        assert (collected / url.removeprefix("/static/")).is_file(), url


def test_pages_name_hashed_files_that_are_served(client, testford, collected):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    sheets = _stylesheets(page)
    assert any(re.search(r"govuk-frontend\.min\.[0-9a-f]{12}\.css$", s) for s in sheets)
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', page)
    # GOV.UK Frontend, which the start-up script imports from this address.
    scripts += re.findall(r'data-govuk-frontend="([^"]+)"', page)
    assert any(re.search(r"govuk-frontend\.min\.[0-9a-f]{12}\.js$", s) for s in scripts)
    for url in sheets + scripts:
        served = client.get(url)
        assert served.status_code == 200, url
        assert "max-age=315360000" in served["Cache-Control"], url
    # A stylesheet's own images are served too.
    css = b"".join(client.get(sheets[0]).streaming_content).decode()
    for url in set(re.findall(r"url\(\"?(/static/[^\")]+)", css)):
        assert client.get(url).status_code == 200, url


def test_signed_in_and_error_pages_render_with_the_manifest(
    client, testford, collected
):
    client.force_login(testford.member)
    assert client.get("/").status_code == 200
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert _stylesheets(missing.content.decode())
    request = RequestFactory().get("/")
    error = server_error(request)
    assert error.status_code == 500
    assert "Sorry, there is a problem with the service" in error.content.decode()
    assert _stylesheets(error.content.decode())[0].startswith(
        "/static/govuk/govuk-frontend.min."
    )


def test_the_error_page_still_says_sorry_without_the_manifest(db, settings, tmp_path):
    _use_production_storage(settings, tmp_path / "never-collected")
    error = server_error(RequestFactory().get("/"))
    assert error.status_code == 500
    page = error.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "<link" not in page


def test_healthz_is_unhealthy_without_the_manifest(client, db, settings, tmp_path):
    _use_production_storage(settings, tmp_path / "never-collected")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["static"] == "missing"
    assert "collectstatic" in body["error"]


def test_healthz_is_healthy_with_the_manifest(client, db, collected):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
