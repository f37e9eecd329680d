import pytest


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Scanned DBS certificates go to a directory of the test's own."""
    settings.KITH_PRIVATE_DIR = tmp_path / "private"


@pytest.fixture
def skills(testford):
    from kith.helpers.tests.factories import skills_for

    return skills_for(testford.locality)
