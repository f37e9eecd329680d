"""Delivery receipts from GOV.UK Notify."""

import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.core.errors import ApplicationError
from kith.notify.models import (
    Message,
)
from kith.notify.services.failures import message_fail

# --- receipts ----------------------------------------------------------------

# Notify's callback statuses (docs.notifications.service.gov.uk, "Callbacks").
_DELIVERED = {"delivered", "received"}
_BAD_DETAIL = {"permanent-failure", "validation-failed"}
_FAILED = {"temporary-failure", "technical-failure", "cancelled", "virus-scan-failed"}


def _receipt_time(payload: dict[str, Any], key: str) -> datetime | None:
    """A time in Notify's receipt (ISO 8601, UTC), or None."""
    from django.utils.dateparse import parse_datetime

    try:
        found = parse_datetime(str(payload.get(key) or ""))
    except ValueError:
        return None
    if found is not None and timezone.is_naive(found):
        found = timezone.make_aware(found, UTC)
    return found


def delivery_receipt_record(*, payload: dict[str, Any]) -> Message | None:
    """Apply one of Notify's delivery receipts. Unknown messages and statuses
    still in progress change nothing. Raises ApplicationError for a payload
    without an id or reference."""
    provider_id = str(payload.get("id") or "")
    reference = str(payload.get("reference") or "")
    if not provider_id and not reference:
        raise ApplicationError(_("A receipt needs an id or a reference."))
    query = Q(provider_reference=provider_id) if provider_id else Q(pk__in=[])
    with contextlib.suppress(ValueError):  # a reference that is not ours
        query |= Q(reference=uuid.UUID(reference))
    message = Message.objects.filter(query).first()
    if message is None:
        return None
    status = str(payload.get("status", ""))
    if status in _DELIVERED:
        # It may arrive while Kith is still retrying a send that timed out
        # after Notify had accepted it: the receipt completes the record.
        now = timezone.now()
        sent_at = _receipt_time(payload, "sent_at") or now
        Message.objects.filter(pk=message.pk).exclude(
            status=Message.Status.FAILED
        ).update(
            status=Message.Status.DELIVERED,
            delivered_at=_receipt_time(payload, "completed_at") or now,
            sent_at=Coalesce(
                F("sent_at"), Value(sent_at, output_field=DateTimeField())
            ),
            provider_reference=provider_id or F("provider_reference"),
            last_error="",
            lease_token="",
            lease_expires_at=None,
        )
    elif status in _BAD_DETAIL:
        message_fail(
            message=message,
            error=_("Notify: %(status)s") % {"status": status},
            bad_detail=True,
        )
    elif status in _FAILED:
        message_fail(
            message=message, error=_("Notify: %(status)s") % {"status": status}
        )
    message.refresh_from_db()
    return message
