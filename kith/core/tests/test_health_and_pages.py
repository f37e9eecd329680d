import subprocess
import sys
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from kith.accounts.models import Role


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client, db):
    with mock.patch.object(connection, "cursor", side_effect=Exception("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.parametrize("name", ["core:accessibility", "core:privacy", "core:contact"])
def test_public_pages_show_the_locality_and_its_phone(client, testford, name):
    page = client.get(reverse(name)).content.decode()
    assert "Testford Circle" in page
    assert "020 7946 0999" in page
    assert 'href="#main-content"' in page  # skip link
    assert "Accessibility statement" in page and "Privacy notice" in page


def test_home_for_a_visitor_offers_sign_in_and_the_phone(client, testford):
    page = client.get("/").content.decode()
    assert "Sign in" in page
    assert "020 7946 0999" in page
    assert "crown" not in page.lower()


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.MEMBER, ["Your details"], ["Find a person", "Audit log"]),
        (Role.HELPER, ["Your details"], ["Find a person", "Wards and postcodes"]),
        (
            Role.COORDINATOR,
            ["Find a person", "Add a person", "Audit log"],
            ["Manage staff roles"],
        ),
        (Role.COUNCIL_OFFICER, ["Wards and postcodes"], ["Find a person", "Audit log"]),
        (Role.ADMIN, ["Manage staff roles", "Audit log"], []),
    ],
)
def test_home_shows_each_role_what_it_can_do_next(
    client, testford, role, shown, hidden
):
    client.force_login(testford.by_role(role))
    page = client.get("/").content.decode()
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_not_found_page_uses_the_layout(client, testford):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "020 7946 0999" in page


def test_forbidden_page_uses_the_layout(client, testford):
    client.force_login(testford.member)
    response = client.get(reverse("core:audit"))
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def test_csrf_failure_page_says_nothing_was_saved(testford):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("accounts:sign_in"), {"email": "a@b.c", "password": "x"}
    )
    assert response.status_code == 403
    assert "Nothing you entered has been saved" in response.content.decode()


def test_server_error_page_renders_even_without_a_database(rf):
    from kith.site.views import server_error

    with mock.patch("kith.places.models.Locality.objects") as objects:
        objects.order_by.side_effect = Exception("database down")
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "KITH_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "kith.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=str(tmp_path.parent),
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_reports_nothing_in_production_mode():
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcd",
        "ALLOWED_HOSTS": "kith.example.org",
        "DJANGO_SETTINGS_MODULE": "kith.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_redis_url_puts_the_cache_and_sessions_in_redis():
    env = {
        "PATH": "/usr/bin:/bin",
        "KITH_DEBUG": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "DJANGO_SETTINGS_MODULE": "kith.settings",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cache",
    ]
