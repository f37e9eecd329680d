import pytest

from kith.credits.tests.factories import make_helper, make_member


@pytest.fixture
def joan(testford):
    """A member on a full-fee membership: Joan Smith, called Joan."""
    return make_member(testford.locality, "Joan Smith", preferred_name="Joan")


@pytest.fixture
def iris(testford):
    """A member on a concession membership."""
    return make_member(testford.locality, "Iris Bennett", concession=True)


@pytest.fixture
def scenario_member(testford):
    """The scenario's member login, with a membership."""
    return make_member(testford.locality, person=testford.member)


@pytest.fixture
def sam(testford):
    """A volunteer Neighbourhood Helper."""
    return make_helper(testford.locality, "Sam Okafor")


@pytest.fixture
def priya(testford):
    """A paid Neighbourhood Helper."""
    return make_helper(testford.locality, "Priya Shah", pay_basis="paid")
