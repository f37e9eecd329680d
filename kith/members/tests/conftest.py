import pytest

from kith.members.models import Interest
from tests.factories import MembershipPlanFactory


@pytest.fixture
def plans(testford):
    full = MembershipPlanFactory(
        locality=testford.locality,
        name="Full",
        yearly_fee_pence=3000,
        concession_fee_pence=1000,
        minimum_age=50,
        joining_credits=2,
    )
    young = MembershipPlanFactory(
        locality=testford.locality,
        name="Friends",
        yearly_fee_pence=1500,
        concession_fee_pence=500,
        minimum_age=18,
    )
    Interest.objects.create(locality=testford.locality, name="Gardening")
    Interest.objects.create(locality=testford.locality, name="Music")
    return {"full": full, "young": young}
