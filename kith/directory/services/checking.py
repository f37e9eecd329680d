"""Checking entries: sending for a check, publishing, sending back, and the
daily job that flags and hides stale entries."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.core.times import day_text
from kith.directory.models import (
    ReviewState,
    Service,
)
from kith.directory.services.common import (
    HIDE_AFTER_FLAG,
    STALE_AFTER,
    _locality_words,
    _require_check,
    _require_edit,
)
from kith.directory.services.entries import (
    _merge_copy,
    service_for_editor_lock,
    service_working_copy,
)
from kith.notify.services import message_queue_for_person

# --- checking --------------------------------------------------------------


@transaction.atomic
def service_submit(*, actor: Any, service: Service) -> Service:
    """Send a service (or its draft copy) for a check. Sending a published
    service with no changes asks for it to be checked as it is."""
    _require_edit(actor, service.organisation)
    service = service_for_editor_lock(service)
    if service.review_state == ReviewState.PUBLISHED:
        service = service_working_copy(actor=actor, service=service)
        service = service_for_editor_lock(service)
    if service.review_state == ReviewState.WAITING:
        return service  # a double click: it is waiting already
    if (
        not service.schedules.exists()
        and not service.phones.exists()
        and not (service.email or service.url or service.contacts.exists())
    ):
        raise ApplicationError(
            _("Add a way to reach the service, or when it runs, before sending it.")
        )
    service.review_state = ReviewState.WAITING
    service.submitted_at = timezone.now()
    service.returned_reason = ""
    service.save(
        update_fields=[
            "review_state",
            "submitted_at",
            "returned_reason",
            "last_modified",
        ]
    )
    audit_record(actor=actor, action="directory_service_submit", target=service)
    return service


@transaction.atomic
def service_publish(*, actor: Any, service: Service) -> Service:
    """A coordinator or council officer checked the entry: it is public now,
    marked as checked by them today. Publishing a draft copy writes it over
    the published service (whose ids stay) and returns that."""
    _require_check(actor, service.locality_id)
    service = service_for_editor_lock(service)
    if service.review_state != ReviewState.WAITING:
        raise ApplicationError(_("This entry is not waiting for a check."))
    now = timezone.now()
    if service.draft_of is not None:
        original = service_for_editor_lock(service.draft_of)
        _merge_copy(service, original)
        target = original
    else:
        target = service
    target.review_state = ReviewState.PUBLISHED
    target.last_checked_at = now
    target.checked_by = actor
    target.stale_flagged_at = None
    target.submitted_at = None
    target.returned_reason = ""
    target.save()
    audit_record(actor=actor, action="directory_service_publish", target=target)
    return target


@transaction.atomic
def service_send_back(*, actor: Any, service: Service, reason: str) -> Service:
    """A checker returns the entry to its editors with the reason; they are
    told through the outbox."""
    _require_check(actor, service.locality_id)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say what needs to change."), field="reason")
    service = service_for_editor_lock(service)
    if service.review_state != ReviewState.WAITING:
        raise ApplicationError(_("This entry is not waiting for a check."))
    service.review_state = ReviewState.DRAFT
    service.returned_reason = reason[:2000]
    service.save(update_fields=["review_state", "returned_reason", "last_modified"])
    for editor in service.organisation.editors.all():
        message_queue_for_person(
            person=editor,
            template="directory_entry_sent_back",
            personalisation={
                "entry": service.name,
                "reason": service.returned_reason,
                **_locality_words(service.locality),
            },
            locality=service.locality,
        )
    audit_record(
        actor=actor,
        action="directory_service_send_back",
        target=service,
        data={"reason": service.returned_reason},
    )
    return service


def services_check_stale(*, now: datetime | None = None) -> str:
    """The daily job: entries not checked for 12 months are flagged to their
    editors; a month after that, if still unchecked, they are hidden (until
    an editor sends them and a checker publishes them again). Safe to run
    again: each message has a key, each entry moves once."""
    now = now or timezone.now()
    flagged = hidden = 0
    stale = Service.objects.filter(
        review_state=ReviewState.PUBLISHED,
        draft_of__isnull=True,
        last_checked_at__lt=now - STALE_AFTER,
    ).select_related("locality", "organisation")
    for service in stale.filter(stale_flagged_at__isnull=True):
        with transaction.atomic():
            updated = Service.objects.filter(
                pk=service.pk, stale_flagged_at__isnull=True
            ).update(stale_flagged_at=now)
            if not updated:
                continue
            assert service.last_checked_at is not None  # noqa: S101 - filtered
            for editor in service.organisation.editors.all():
                message_queue_for_person(
                    person=editor,
                    template="directory_entry_stale",
                    personalisation={
                        "entry": service.name,
                        "checked_on": day_text(service.last_checked_at, weekday=False),
                        "hide_on": day_text(now + HIDE_AFTER_FLAG, weekday=False),
                        **_locality_words(service.locality),
                    },
                    locality=service.locality,
                    key=f"directory-stale-{service.pk}-{editor.pk}-{service.last_checked_at:%Y%m%d}",
                )
            audit_record(
                actor=None, action="directory_service_flag_stale", target=service
            )
            flagged += 1
    for service in stale.filter(stale_flagged_at__lt=now - HIDE_AFTER_FLAG):
        with transaction.atomic():
            updated = Service.objects.filter(
                pk=service.pk, review_state=ReviewState.PUBLISHED
            ).update(review_state=ReviewState.HIDDEN)
            if not updated:
                continue
            for editor in service.organisation.editors.all():
                message_queue_for_person(
                    person=editor,
                    template="directory_entry_hidden",
                    personalisation={
                        "entry": service.name,
                        **_locality_words(service.locality),
                    },
                    locality=service.locality,
                    key=f"directory-hidden-{service.pk}-{editor.pk}-{service.stale_flagged_at:%Y%m%d}",
                )
            audit_record(
                actor=None, action="directory_service_hide_stale", target=service
            )
            hidden += 1
    return f"{flagged} flagged, {hidden} hidden"
