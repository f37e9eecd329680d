"""Writes that belong to no single part: the audit trail, saved answers."""

from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kith.core import context
from kith.core.models import AuditEvent, SavedAnswers


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


#: Saved answers older than this are not given back (and are removed).
SAVED_ANSWERS_KEEP = timedelta(days=1)


@transaction.atomic
def saved_answers_keep(*, user: Any, flows: dict[str, Any]) -> None:
    """Keep ``flows`` (unfinished question pages, as held in the session) for
    ``user``, replacing any kept before. Nothing to keep removes them."""
    if not flows:
        SavedAnswers.objects.filter(user=user).delete()
        return
    SavedAnswers.objects.update_or_create(
        user=user, defaults={"flows": flows, "saved_at": timezone.now()}
    )


@transaction.atomic
def saved_answers_take(*, user: Any) -> dict[str, Any]:
    """Give back, once, the answers kept for ``user`` (and only for them),
    unless they are older than SAVED_ANSWERS_KEEP."""
    saved = SavedAnswers.objects.select_for_update().filter(user=user).first()
    if saved is None:
        return {}
    flows = saved.flows if timezone.now() - saved.saved_at <= SAVED_ANSWERS_KEEP else {}
    saved.delete()
    return flows
