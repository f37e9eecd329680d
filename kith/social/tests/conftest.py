import pytest

from kith.social.tests import factories


@pytest.fixture
def joan(testford):
    return factories.member(
        testford.locality,
        "Joan Walker",
        interests=["Gardening", "Birdwatching"],
        free_times=["tue_morning", "thu_afternoon"],
        mobile="07700900111",
        contact_by="sms",
    )


@pytest.fixture
def pat(testford):
    return factories.member(
        testford.locality,
        "Pat Jones",
        interests=["Birdwatching", "Cards"],
        free_times=["tue_morning"],
        latitude=51.492,
        email="pat@example.com",
        contact_by="email",
    )
