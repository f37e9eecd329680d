from datetime import date

import pytest

from kith.members import services as member_services
from tests.factories import MembershipPlanFactory


@pytest.fixture
def circle(testford):
    """Testford with a member who has a note, a supporter's link and
    credits on joining."""
    plan = MembershipPlanFactory(
        locality=testford.locality, name="Full", joining_credits=2
    )
    answers = member_services.JoinAnswers(
        postcode="SE17 2AA",
        date_of_birth=date(1944, 2, 2),
        full_name="Joan Privacy",
        address_line_1="9 Wharf Road",
        town="Testford",
        contact_by="phone",
        phone="020 7946 0300",
        plan_id=plan.pk,
    )
    membership = member_services.membership_join(
        actor=None, locality=testford.locality, answers=answers, how="online"
    )
    membership = member_services.membership_activate(
        actor=testford.coordinator, membership=membership, method="cash"
    )
    member_services.note_add(
        actor=testford.coordinator,
        membership=membership,
        text="Likes a call before 10am.",
    )
    testford.membership = membership
    testford.joan = membership.person
    return testford
