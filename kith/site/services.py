"""Writes that span several parts, for the deployment's administrators."""

from typing import Any

from django.db import transaction

from kith.accounts.models import Role, User
from kith.accounts.services import person_create, staff_invite
from kith.core.models import AuditEvent
from kith.core.services import audit_record
from kith.places.models import Locality
from kith.places.services import WardAnswer, locality_create


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
) -> Locality:
    """A new locality, set up by every part, with its first coordinator
    invited by email. All of it, or (on any refusal) none of it. The same
    ``submission_key`` again (a double click, a retry) returns the locality
    the first made."""
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
    locality = locality_create(actor=actor, wards=wards, **locality_fields)
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
