from kith.credits.models import Account, Transfer
from kith.credits.tests.factories import assert_ledger_balances
from kith.places.models import Locality
from kith.site.demo import demo_load


def test_the_demo_ledger_balances_and_looks_real(db):
    demo_load()
    riverside = Locality.objects.get(slug="riverside")
    assert_ledger_balances(riverside)
    kinds = set(Transfer.objects.values_list("kind", flat=True))
    assert {"joining", "topup", "grant"} <= kinds
    assert Transfer.objects.filter(kind="topup").count() > 150
    member = Account.objects.get(
        kind="member", person__email="member@riverside.example"
    )
    assert member.balance_minutes > 0
    assert member.entries.count() >= 3
    # The demo supporter paid for one of the demo member's top-ups.
    assert Transfer.objects.filter(
        entries__account=member, kind="topup", paid_by_name__gt=""
    ).exists()


def test_the_demo_gives_volunteers_visits_and_gifts_when_there_are_helpers(testford):
    import random

    from kith.credits import demo
    from kith.credits.tests.factories import make_helper, make_member

    for n in range(6):
        make_member(testford.locality, f"Demo Member {n}", concession=n % 2 == 0)
    for n in range(3):
        make_helper(testford.locality, f"Demo Helper {n}")
    from datetime import timedelta

    from django.utils import timezone

    from kith.members.models import Membership

    Membership.objects.update(started_on=timezone.localdate() - timedelta(days=300))
    demo.demo_load(locality=testford.locality, rng=random.Random(7))
    assert_ledger_balances(testford.locality)
    assert Transfer.objects.filter(kind="gift").exists()
    assert Transfer.objects.filter(kind="visit", reference_type="").exists()
    assert Transfer.objects.filter(kind="joining").count() == 6
