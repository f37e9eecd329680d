"""Messages held or failed for good, and the calls they put on the
coordinators' call list."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.core.services import audit_record
from kith.notify.models import (
    CONTACT_DETAIL,
    Call,
    Channel,
    Message,
    MessageSecret,
    TemplateProblem,
)
from kith.notify.services.policy import log
from kith.notify.services.queueing import message_queue_for_person
from kith.notify.templates_text import SECRET_FIELDS, render


@transaction.atomic
def message_hold(*, message: Message, error: str) -> Message:
    """Notify refused ``message`` because of Kith's configuration (its
    template): hold it for the administrators, who see it on the Notify
    configuration problems page, rather than failing it or trying another
    channel. The template's problem is recorded, so the warning shows."""
    updated = Message.objects.filter(
        pk=message.pk, status=Message.Status.SENDING
    ).update(status=Message.Status.HELD, last_error=error[:2000], claimed_at=None)
    if not updated:
        return message
    template_problem_record(
        template=message.template,
        channel=message.channel,
        kind=TemplateProblem.Kind.REFUSED,
        source=TemplateProblem.Source.SEND,
        detail=error,
    )
    audit_record(
        actor=None,
        action="message_held",
        target=message,
        locality=message.locality_id,
        data={
            "template": message.template,
            "channel": message.channel,
            "error": error[:300],
        },
    )
    log.error(
        "Message %s held for a Notify configuration problem: %s", message.pk, error
    )
    return message


def template_problem_record(
    *, template: str, channel: str, kind: str, source: str, detail: str
) -> TemplateProblem:
    """Record (or bring up to date) one problem with a Notify template."""
    problem, _created = TemplateProblem.objects.update_or_create(
        template=template,
        channel=channel,
        source=source,
        defaults={"kind": kind, "detail": detail[:2000], "found_at": timezone.now()},
    )
    return problem


@transaction.atomic
def message_fail(*, message: Message, error: str, bad_detail: bool = False) -> Message:
    """A message that cannot be delivered: mark it failed and tell the
    coordinators (it goes on their call list). When the provider said the
    contact detail does not work, mark it bad on the person's record and try
    their next channel (in the end, a phone call from a coordinator)."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status == Message.Status.FAILED:
        return message
    message.status = Message.Status.FAILED
    message.failed_at = timezone.now()
    message.last_error = error[:2000]
    message.save(update_fields=["status", "failed_at", "last_error"])
    person = message.recipient
    detail = CONTACT_DETAIL.get(Channel(message.channel))
    # A message that lets someone in is not tried again by another channel:
    # the code or link was asked for at one address, and it is forgotten now.
    # The person asks again, or a coordinator sends a new sign-in code.
    lets_in = message.template in SECRET_FIELDS
    MessageSecret.objects.filter(message_id=message.pk).delete()
    if bad_detail and person is not None and detail:
        from django.contrib.auth import get_user_model

        person = get_user_model().objects.select_for_update().get(pk=person.pk)
        if detail not in person.bad_contact_details:
            person.bad_contact_details = [*person.bad_contact_details, detail]
            person.save(update_fields=["bad_contact_details"])
    if bad_detail and person is not None and detail and not lets_in:
        values = dict(message.personalisation)
        values.pop("name", None)
        message_queue_for_person(
            person=person,
            template=message.template,
            personalisation=values,
            locality=message.locality,
            urgent=message.urgent,
            replaces=message,
        )
    if message.recipient_id and message.locality_id:
        # Straight onto the coordinators' call list.
        Call.objects.bulk_create(
            [call_for_failed(message, timezone.localdate())], ignore_conflicts=True
        )
    audit_record(
        actor=None,
        action="message_failed",
        target=message,
        locality=message.locality_id,
        data={
            "template": message.template,
            "channel": message.channel,
            "error": error[:300],
            "contact_detail_marked_bad": bool(bad_detail and detail),
        },
    )
    log.warning("Message %s failed: %s", message.pk, error)
    return message


def message_summary(message: Message) -> str:
    """The message's subject line, to say on the phone what it was about."""
    subject, _body = render(message.template, message.personalisation)
    return subject[:300]


def call_for_failed(message: Message, day: date) -> Call:
    """The call-list line for a message that could not be delivered."""
    return Call(
        key=f"failed:{message.pk}",
        locality_id=message.locality_id or 0,
        person_id=message.recipient_id or 0,
        day=day,
        reason=Call.Reason.FAILED_MESSAGE,
        summary=(
            _("%(what)s, by %(channel)s: %(error)s")
            % {
                "what": message_summary(message),
                "channel": message.get_channel_display().lower(),
                "error": message.last_error[:150],
            }
        )[:300],
        message=message,
    )
