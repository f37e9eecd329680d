"""Test set-up shared by every part.

Tests run with production settings (no debug), so error pages and secure
defaults are what is tested; only what cannot work without TLS is relaxed.
"""

import pytest


def pytest_collection_modifyitems(items):
    """Tests marked slow (minutes each) start first: on several workers
    (make test: -n auto --dist worksteal) the others share out the rest
    while they run, where one started last would keep the run waiting."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.KITH_OUTBOX_DIR = tmp_path / "outbox"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "notify"],
        }
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached: the database is new each time,
    and a cache kept from an earlier test would describe rows that are gone."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def testford(db):
    """A locality with one person in each role (staff with authenticators)."""
    from tests.scenarios import circle

    return circle()


@pytest.fixture
def elsewhere(db):
    """A second locality, to show that each is kept apart."""
    from tests.scenarios import circle

    return circle(slug="elsewhere", name="Elsewhere Circle", postcode="EW1 1AA")
