"""Writes that belong to no single part: the audit trail."""

from typing import Any

from django.db import models

from kith.core import context
from kith.core.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    on_behalf_of: Any = None,
    locality: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target``.

    Call it inside the service's transaction, so the event and the change are
    kept or lost together. ``on_behalf_of`` defaults to the person the actor is
    acting for in the current request; the address comes from the request.

    The event belongs to ``locality``, else to the target's own locality (a
    record with a ``locality``), else to none: then only an administrator
    sees it. Never to the locality of the page used, which may be another
    circle's (a sign-in page serves them all): an event about a person is
    given that person's locality by the service that records it.
    """
    request = context.current()
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    behalf_id = getattr(on_behalf_of, "pk", None) if on_behalf_of is not None else None
    if (
        behalf_id is None
        and request.acting_for_id
        and request.acting_for_id != actor_id
    ):
        behalf_id = request.acting_for_id
    target_type = target_id = label = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        label = str(target)[:200]
    return AuditEvent.objects.create(
        actor_id=actor_id,
        on_behalf_of_id=behalf_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=label,
        locality_id=getattr(locality, "pk", locality)
        or getattr(target, "locality_id", None),
        ip_address=request.ip_address,
        data=data or {},
    )
