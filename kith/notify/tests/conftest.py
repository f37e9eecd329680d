import pytest

from kith.notify.tests.fake_notify import API_KEY, FakeNotify, kith_templates
from tests.factories import LocalityFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    """Tests run at any time of day: quiet hours are off unless a test turns
    them on."""
    settings.KITH_NOTIFY_QUIET_FROM_HOUR = 0
    settings.KITH_NOTIFY_QUIET_UNTIL_HOUR = 0


@pytest.fixture
def fake_notify(settings):
    """A running fake GOV.UK Notify, with Kith pointed at it."""
    fake = FakeNotify().start()
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_TIMEOUT_SECONDS = 0.5
    settings.NOTIFY_TEMPLATE_IDS = kith_templates(fake)
    yield fake
    fake.stop()


@pytest.fixture
def locality(django_db_setup, django_db_blocker):
    return LocalityFactory(name="Testford Circle", phone="020 7946 0999")


@pytest.fixture
def make_person():
    def make(**values):
        values.setdefault("contact_by", "sms")
        return UserFactory(**values)

    return make
