"""The coordinators' call list."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.notify import access
from kith.notify.models import (
    Call,
    Message,
)

# --- the call list -----------------------------------------------------------


@transaction.atomic
def call_record(*, actor: Any, call: Call, outcome: str, note: str = "") -> Call:
    """Record how a call went. Speaking to the person (or finding the number
    wrong) takes them off the list; a message passed on by phone counts as
    delivered. Raises ApplicationError for an unknown outcome."""
    access.require(actor, access.CALL_LIST, call.locality)
    if outcome not in Call.Outcome.values:
        raise ApplicationError(_("Choose how the call went."), field="outcome")
    call = Call.objects.select_for_update().get(pk=call.pk)
    call.outcome = outcome
    call.note = note.strip()[:500]
    call.called_by = actor
    call.called_at = timezone.now()
    call.done = outcome in (Call.Outcome.SPOKE, Call.Outcome.WRONG_NUMBER)
    call.full_clean()
    call.save()
    if (
        outcome == Call.Outcome.SPOKE
        and call.message_id
        and call.reason == Call.Reason.MESSAGE
    ):
        Message.objects.filter(pk=call.message_id).update(
            status=Message.Status.DELIVERED,
            sent_at=call.called_at,
            delivered_at=call.called_at,
        )
    audit_record(
        actor=actor,
        action="call_recorded",
        target=call,
        on_behalf_of=None,
        locality=call.locality,
        data={"outcome": outcome, "reason": call.reason},
    )
    return call
