"""Helpers for reports' tests: members with surveys due and recorded."""

from datetime import date

from kith.reports import services
from kith.reports.models import Instrument, Survey
from tests.factories import MembershipFactory


def member_joined(circle, started_on: date, **kwargs):
    return MembershipFactory(
        locality=circle.locality, started_on=started_on, ward=circle.ward, **kwargs
    )


def items_by_key() -> dict[str, int]:
    return {
        item.key: item.pk
        for instrument in Instrument.objects.filter(shipped=True)
        for item in instrument.items.all()
    }


def answers(**scores) -> dict[int, int | None]:
    keys = items_by_key()
    return {keys[key]: value for key, value in scores.items()}


def full_answers(life=6, worthwhile=7, happy=6, anxious=3, lonely=2, ucla=(2, 2, 1)):
    return answers(
        life_satisfaction=life,
        worthwhile=worthwhile,
        happiness=happy,
        anxiety=anxious,
        lonely_direct=lonely,
        ucla_companionship=ucla[0],
        ucla_left_out=ucla[1],
        ucla_isolated=ucla[2],
    )


def record(circle, membership, *, today: date, **scores) -> Survey:
    return services.survey_record(
        actor=circle.coordinator,
        membership=membership,
        how="phone",
        answers=full_answers(**scores),
        today=today,
    )
