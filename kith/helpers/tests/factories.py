"""Builders for helpers' tests: everything goes through the services, so a
helper made here is exactly what the application would make."""

import itertools
import uuid
from datetime import date, time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kith.helpers import services
from kith.helpers.models import CheckOutcome, HelperStatus, PayBasis, Skill
from kith.helpers.services import ApplicationDetails, DbsDetails, RefereeDetails
from kith.helpers.vetting import CheckKind, DbsType, VettingLevel, level_at_least

_numbers = itertools.count(1)


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


def skills_for(locality, names=("Gardening", "Odd jobs", "Phones and computers")):
    return [
        Skill.objects.get_or_create(locality=locality, name=name)[0] for name in names
    ]


def details(locality, **overrides) -> ApplicationDetails:
    """A complete, valid application for someone living in ``locality``'s
    first ward (the scenario's postcode)."""
    from kith.places.models import Postcode, Ward

    ward = Ward.objects.filter(locality=locality).order_by("pk").first()
    postcode = Postcode.objects.filter(ward_code=ward.ons_code).first().postcode
    skill = skills_for(locality)[0]
    n = next(_numbers)
    values = {
        "full_name": f"Applicant {n}",
        "email": f"applicant{n}@example.com",
        "address_line_1": "1 Test Street",
        "town": "Testford",
        "postcode": postcode,
        "date_of_birth": date(1980, 5, 17),
        "skills": {skill.pk: "good"},
        "availability": [(0, time(9), time(12)), (2, time(13), time(17))],
        "max_visits_per_week": 3,
        "travel_distance_m": 1600,
        "travel_modes": ["walk", "public_transport"],
        "referees": [
            RefereeDetails(
                full_name=f"Referee A{n}", relationship="Neighbour", phone="02079460001"
            ),
            RefereeDetails(
                full_name=f"Referee B{n}",
                relationship="Former manager",
                email=f"ref{n}@example.com",
            ),
        ],
        "pay_basis": PayBasis.VOLUNTEER,
        "right_to_work": True,
        "about": "I like gardening.",
    }
    values.update(overrides)
    return ApplicationDetails(**values)


def apply(circle, **overrides):
    """A new person's application, entered by the circle's coordinator."""
    return services.helper_apply(
        actor=circle.coordinator,
        locality=circle.locality,
        details=details(circle.locality, **overrides),
    )


def record(circle, profile, kind, *, on=None, outcome=CheckOutcome.PASSED, **kw):
    on = on or timezone.localdate()
    if kind == CheckKind.IDENTITY:
        kw.setdefault("documents_seen", ["passport"])
    if kind == CheckKind.REFERENCE and "referee" not in kw:
        used = set(
            profile.checks.filter(kind=CheckKind.REFERENCE).values_list(
                "referee_id", flat=True
            )
        )
        kw["referee"] = profile.referees.exclude(pk__in=used).first()
    if kind == CheckKind.DBS and "dbs" not in kw:
        kw["dbs"] = DbsDetails(
            certificate_number=f"{next(_numbers):012d}",
            issued_on=kw.pop("issued_on", on),
            dbs_type=kw.pop("dbs_type", DbsType.ENHANCED),
            update_service_consent=kw.pop("update_service", False),
        )
    return services.vetting_check_record(
        actor=circle.coordinator,
        profile=profile,
        kind=kind,
        outcome=outcome,
        checked_on=on,
        key=uuid.uuid4().hex,
        **kw,
    )


def vet(circle, profile, level, *, on=None):
    """Record the checks that reach ``level``, all done on ``on``."""
    if level_at_least(level, VettingLevel.BASIC):
        record(circle, profile, CheckKind.IDENTITY, on=on)
        record(circle, profile, CheckKind.REFERENCE, on=on)
        record(circle, profile, CheckKind.REFERENCE, on=on)
        record(circle, profile, CheckKind.INDUCTION, on=on)
    if level_at_least(level, VettingLevel.ENHANCED):
        record(circle, profile, CheckKind.SAFEGUARDING, on=on)
        dbs_type = (
            DbsType.ENHANCED_BARRED
            if level == VettingLevel.ENHANCED_BARRED
            else DbsType.ENHANCED
        )
        record(circle, profile, CheckKind.DBS, on=on, dbs_type=dbs_type)
    profile.refresh_from_db()
    return profile


def active_helper(circle, level=VettingLevel.BASIC, *, on=None, **overrides):
    profile = apply(circle, **overrides)
    vet(circle, profile, level, on=on)
    profile = services.helper_approve(actor=circle.coordinator, profile=profile)
    assert profile.status == HelperStatus.ACTIVE
    return profile


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
