from datetime import timedelta

from django.utils import timezone

from kith.site.demo import demo_load
from kith.social.models import Activity, Introduction, Occurrence, SignUp


def test_the_demo_has_activities_this_week_and_next_and_introductions(db):
    demo_load()
    today = timezone.localdate()
    coming = Occurrence.objects.filter(
        starts_at__date__lte=today + timedelta(days=13), activity__status="listed"
    )
    assert coming.count() >= 8
    assert Activity.objects.filter(host_kind="member", status="listed").count() >= 2
    assert Activity.objects.filter(status="proposed").count() == 1
    assert SignUp.objects.filter(status="waiting").exists()
    statuses = set(Introduction.objects.values_list("status", flat=True))
    assert {"suggested", "asked", "agreed"} <= statuses
    joan = Introduction.objects.filter(
        first__person__email="member@riverside.example"
    ) | Introduction.objects.filter(second__person__email="member@riverside.example")
    assert joan.filter(status="suggested").exists()
