"""A small world of activity and surveys for the figures' tests, made
straight in the database (the figures read aggregates; how each row came
about is the other parts' business and tested there)."""

from datetime import date, datetime, time

from django.utils import timezone

from kith.help.models import HelpCategory, HelpRequest, Visit
from kith.help.services import categories_create_defaults
from kith.reports.models import Survey
from tests.factories import HelperProfileFactory, MembershipFactory, WardFactory


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def second_ward(circle):
    return WardFactory(
        locality=circle.locality, name="Testford South", ons_code="E05999999"
    )


def members(circle, ward, n: int, started_on: date) -> list:
    return [
        MembershipFactory(locality=circle.locality, ward=ward, started_on=started_on)
        for _i in range(n)
    ]


def visits_done(circle, membership, n: int, day: date, minutes: int = 60) -> None:
    categories_create_defaults(locality=circle.locality)
    category = HelpCategory.objects.filter(locality=circle.locality).first()
    helper = HelperProfileFactory(locality=circle.locality, active=True)
    for _i in range(n):
        request = HelpRequest.objects.create(
            locality=circle.locality,
            membership=membership,
            category=category,
            details="A lift",
            minutes=minutes,
            status=HelpRequest.Status.DONE,
            asked_by=membership.person,
            asked_how="phone",
        )
        Visit.objects.create(
            request=request,
            helper=helper,
            status=Visit.Status.DONE,
            starts_at=at(day),
            minutes=minutes,
            offered_by=circle.coordinator,
        )


def survey(circle, membership, wave: int, day: date, **scores) -> Survey:
    return Survey.objects.create(
        membership=membership,
        locality=circle.locality,
        wave=wave,
        due_on=day,
        status=Survey.Status.ANSWERED,
        how=Survey.How.PHONE,
        answered_on=day,
        recorded_by=circle.coordinator,
        **scores,
    )
