"""Writes that span several parts, for the deployment's administrators.

A locality's settings stay with the part they belong to (credits, members'
plans, reports' surveys, places' branding and quiet hours); these services
gather one page's answers and write each through its part's own service, in
one transaction, so a refusal anywhere changes nothing (docs/adr/0041).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from kith.accounts.models import Role, User
from kith.accounts.services import person_create, staff_invite
from kith.core.models import AuditEvent
from kith.core.services import audit_record
from kith.credits.services import credit_settings_for, credit_settings_update
from kith.members.services.plans import plan_save
from kith.places.branding import logo_clean
from kith.places.models import Locality
from kith.places.services import WardAnswer, locality_create, locality_update
from kith.reports.services import survey_settings_for, survey_settings_update


@dataclass(frozen=True)
class LocalitySettings:
    """The settings a locality's page gathers, each kept by its own part."""

    minutes_per_credit: int = 60
    overdraft_limit_minutes: int = 0
    first_follow_up_months: int = 6
    then_every_months: int = 12
    overdue_after_days: int = 28


@dataclass(frozen=True)
class FirstPlan:
    """The membership plan a new locality starts with."""

    name: str
    yearly_fee_pence: int
    concession_fee_pence: int
    minimum_age: int = 50
    joining_credits: int = 0


def pence(pounds: Decimal | int | str) -> int:
    """Pounds (as typed) in whole pence."""
    return int((Decimal(str(pounds)) * 100).quantize(Decimal(1)))


def settings_of(locality: Locality) -> LocalitySettings:
    """The locality's settings as they are now (made with the defaults if a
    part has not stored its own yet)."""
    credits = credit_settings_for(locality)
    surveys = survey_settings_for(locality)
    return LocalitySettings(
        minutes_per_credit=credits.minutes_per_credit,
        overdraft_limit_minutes=credits.overdraft_limit_minutes,
        first_follow_up_months=surveys.first_follow_up_months,
        then_every_months=surveys.then_every_months,
        overdue_after_days=surveys.overdue_after_days,
    )


def _settings_write(
    *, actor: User, locality: Locality, settings: LocalitySettings
) -> None:
    now = settings_of(locality)
    if (now.minutes_per_credit, now.overdraft_limit_minutes) != (
        settings.minutes_per_credit,
        settings.overdraft_limit_minutes,
    ):
        credit_settings_update(
            actor=actor,
            locality=locality,
            minutes_per_credit=settings.minutes_per_credit,
            overdraft_limit_minutes=settings.overdraft_limit_minutes,
        )
    survey_settings_update(
        actor=actor,
        locality=locality,
        first_follow_up_months=settings.first_follow_up_months,
        then_every_months=settings.then_every_months,
        overdue_after_days=settings.overdue_after_days,
    )


@transaction.atomic
def locality_open(
    *,
    actor: User,
    locality_fields: dict[str, Any],
    wards: list[WardAnswer],
    coordinator_name: str,
    coordinator_email: str,
    base_url: str,
    submission_key: str = "",
    settings: LocalitySettings | None = None,
    plan: FirstPlan | None = None,
    logo_upload: Any = None,
) -> Locality:
    """A new locality, set up by every part, with its settings, its first
    membership plan, its branding, and its first coordinator invited by
    email. All of it, or (on any refusal) none of it. The same
    ``submission_key`` again (a double click, a retry) returns the locality
    the first made.

    ``locality_fields`` are ``places.services.locality_create``'s (name,
    council_name, phone, email, address, domain, brand_colour, logo_alt,
    quiet hours)."""
    if submission_key:
        done = (
            AuditEvent.objects.filter(
                action="locality_opened",
                actor=actor,
                data__submission_key=submission_key,
            )
            .values_list("locality_id", flat=True)
            .first()
        )
        if done:
            return Locality.objects.get(pk=done)
    logo = logo_clean(logo_upload) if logo_upload is not None else None
    locality = locality_create(actor=actor, wards=wards, logo=logo, **locality_fields)
    _settings_write(
        actor=actor, locality=locality, settings=settings or LocalitySettings()
    )
    if plan is not None:
        plan_save(
            actor=actor,
            locality=locality,
            name=plan.name,
            yearly_fee_pence=plan.yearly_fee_pence,
            concession_fee_pence=plan.concession_fee_pence,
            minimum_age=plan.minimum_age,
            joining_credits=plan.joining_credits,
        )
    coordinator = person_create(
        actor=actor,
        locality=locality,
        full_name=coordinator_name,
        email=coordinator_email,
        role=Role.COORDINATOR,
    )
    staff_invite(
        actor=actor,
        person=coordinator,
        locality=locality,
        role=Role.COORDINATOR,
        base_url=base_url,
    )
    audit_record(
        actor=actor,
        action="locality_opened",
        target=locality,
        locality=locality,
        data={"submission_key": submission_key, "coordinator": coordinator.pk},
    )
    return locality


@transaction.atomic
def locality_settings_save(
    *,
    actor: User,
    locality: Locality,
    locality_fields: dict[str, Any],
    settings: LocalitySettings,
    logo_upload: Any = None,
    logo_remove: bool = False,
) -> Locality:
    """Change a locality's details, branding, quiet hours, credit and survey
    settings from one page: each through its part's service, all or none.
    Saving the same answers again (a double click) changes and records
    nothing."""
    logo = logo_clean(logo_upload) if logo_upload is not None else None
    locality = locality_update(
        actor=actor,
        locality=locality,
        logo=logo,
        logo_remove=logo_remove and logo is None,
        **locality_fields,
    )
    _settings_write(actor=actor, locality=locality, settings=settings)
    return locality
