"""The demo's safeguarding, as the README promises it to the lead."""

import pytest
from django.db import transaction
from django.urls import reverse

from kith.accounts.models import User
from kith.helpers.models import HelperProfile, HelperStatus
from kith.safeguarding.models import Concern
from kith.site.demo import demo_load


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("_demo")
def test_the_lead_has_a_concern_in_progress_one_to_decide_and_one_late(db, client):
    lead = User.objects.get(email="safeguarding@riverside.example")
    client.force_login(lead)
    page = client.get(reverse("safeguarding:concerns")).content.decode()
    assert "Joan Adeyemi" in page
    assert "1 concern has not been acknowledged in time." in page
    joan = Concern.objects.get(membership__person__email="member@riverside.example")
    assert joan.acknowledged_at and joan.referral == Concern.Referral.REFERRED
    assert joan.actions.filter(done_on=None).exists()
    held = Concern.objects.get(about=Concern.About.HELPER).helper
    assert held.status == HelperStatus.PAUSED and held.safeguarding_hold
    # Sam, the demo helper, is not the one paused: his offers stay as the
    # README describes them.
    sam = HelperProfile.objects.get(user__email="helper@riverside.example")
    assert sam.status == HelperStatus.ACTIVE
    # The coordinator sees on Joan's record that a concern is open, no more.
    client.force_login(User.objects.get(email="coordinator@riverside.example"))
    record = client.get(reverse("members:member", args=[joan.membership_id]))
    text = record.content.decode()
    assert "A safeguarding concern about them is open." in text
    assert "bruise" not in text
