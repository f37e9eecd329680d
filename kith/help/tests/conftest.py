from datetime import date, timedelta

import pytest
from django.utils import timezone

from kith.help.services import Window, categories_create_defaults
from kith.members import services as member_services
from tests.factories import MembershipPlanFactory


@pytest.fixture
def circle(testford):
    """Testford with an active member, default kinds of help, and an active
    helper vetted to the highest level."""
    from kith.helpers.tests.factories import active_helper
    from kith.helpers.vetting import VettingLevel

    plan = MembershipPlanFactory(locality=testford.locality, name="Full")
    answers = member_services.JoinAnswers(
        postcode="SE17 2AA",
        date_of_birth=date(1944, 2, 2),
        full_name="Joan Member",
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
    testford.membership = membership
    testford.categories = {
        c.name: c for c in categories_create_defaults(locality=testford.locality)
    }
    testford.helper_profile = active_helper(
        testford, VettingLevel.ENHANCED_BARRED, full_name="Sam Helper"
    )
    testford.basic_helper = active_helper(
        testford, VettingLevel.BASIC, full_name="Bea Basic"
    )
    return testford


def tomorrow_window(hours=(10, 16), days=1):
    day = timezone.localdate() + timedelta(days=days)
    start = timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time())
    ).replace(hour=hours[0])
    return Window(start, start.replace(hour=hours[1]))
