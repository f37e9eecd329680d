"""GOV.UK Notify's configuration: checking its templates, and releasing
messages held for a template problem."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.notify import access, channels
from kith.notify.catalogue import (
    TYPE_WORDS,
    expected_fields,
    notify_fields,
    sendable,
    template_id,
)
from kith.notify.models import (
    Message,
    TemplateProblem,
)
from kith.notify.services.queueing import _Batch

# --- Notify's configuration -----------------------------------------------------


@dataclass(frozen=True)
class TemplateCheck:
    template: str
    channel: str
    kind: str
    detail: str


def notify_templates_check() -> list[TemplateCheck]:
    """Read every template Kith may send from Notify, and say what is wrong:
    no id configured, no such template in Notify, a template of the wrong
    type, or personalisation fields that differ from Kith's wording. The
    answer replaces the stored list of problems (``TemplateProblem``) that
    the administrators' warning shows.

    Raises ChannelUnavailable when Notify cannot be asked (then the stored
    list is left as it was), and ApplicationError without ``NOTIFY_API_KEY``.
    """
    if not channels.notify_enabled():
        raise ApplicationError(
            _("NOTIFY_API_KEY is not set: messages go to the local outbox folder.")
        )
    found: list[TemplateCheck] = []
    kind = TemplateProblem.Kind
    for name, channel in sendable():
        wanted = template_id(name, channel)
        if not wanted:
            found.append(
                TemplateCheck(
                    name,
                    channel,
                    kind.MISSING,
                    _("No template id for %(name)s by %(type)s in NOTIFY_TEMPLATE_IDS.")
                    % {"name": name, "type": TYPE_WORDS[channel]},
                )
            )
            continue
        template = channels.notify_template(wanted)
        if template is None:
            found.append(
                TemplateCheck(
                    name,
                    channel,
                    kind.MISSING,
                    _("Notify has no template %(id)s (%(name)s by %(type)s).")
                    % {"id": wanted, "name": name, "type": TYPE_WORDS[channel]},
                )
            )
            continue
        if template.get("type") != channel:
            found.append(
                TemplateCheck(
                    name,
                    channel,
                    kind.WRONG_TYPE,
                    _(
                        "Template %(id)s for %(name)s by %(type)s is a %(found)s "
                        "template in Notify."
                    )
                    % {
                        "id": wanted,
                        "name": name,
                        "type": TYPE_WORDS[channel],
                        "found": TYPE_WORDS.get(
                            str(template.get("type")), str(template.get("type"))
                        ),
                    },
                )
            )
            continue
        theirs = set(
            notify_fields(
                str(template.get("subject") or ""), str(template.get("body") or "")
            )
        )
        ours = expected_fields(name, channel)
        if theirs != ours:
            parts = []
            if ours - theirs:
                parts.append(
                    _("Kith's wording has %(fields)s, Notify's does not.")
                    % {"fields": ", ".join(sorted(ours - theirs))}
                )
            if theirs - ours:
                parts.append(
                    _("Notify's has %(fields)s, which Kith does not send.")
                    % {"fields": ", ".join(sorted(theirs - ours))}
                )
            found.append(
                TemplateCheck(
                    name,
                    channel,
                    kind.FIELDS,
                    _("Template %(id)s for %(name)s by %(type)s: ")
                    % {"id": wanted, "name": name, "type": TYPE_WORDS[channel]}
                    + " ".join(parts),
                )
            )
    with transaction.atomic():
        TemplateProblem.objects.all().delete()
        TemplateProblem.objects.bulk_create(
            [
                TemplateProblem(
                    template=problem.template,
                    channel=problem.channel,
                    kind=problem.kind,
                    source=TemplateProblem.Source.CHECK,
                    detail=problem.detail,
                )
                for problem in found
            ]
        )
    return found


def notify_check_run(*, actor: Any, locality: Any) -> list[TemplateCheck]:
    """``notify_templates_check`` for an administrator, from the web page.
    Raises PermissionDenied for anyone else, ApplicationError when Notify is
    not set up or cannot be asked."""
    _require_admin(actor, locality)
    try:
        found = notify_templates_check()
    except channels.ChannelUnavailable as exc:
        raise ApplicationError(
            _("GOV.UK Notify did not answer, so nothing was checked: %(error)s")
            % {"error": str(exc)[:200]}
        ) from exc
    audit_record(
        actor=actor,
        action="notify_templates_checked",
        locality=locality,
        data={"problems": len(found)},
    )
    return found


def _require_admin(actor: Any, locality: Any) -> None:
    access.require(actor, access.ADMIN, locality)


@transaction.atomic
def held_messages_release(*, actor: Any, locality: Any) -> int:
    """Send again every message held for a Notify configuration problem,
    once an administrator has fixed the templates. The problems that sends
    found are cleared: a message Notify still refuses finds its problem
    again. Returns how many were released. Raises PermissionDenied for anyone
    but an administrator."""
    _require_admin(actor, locality)
    now = timezone.now()
    ids = list(
        Message.objects.select_for_update()
        .filter(status=Message.Status.HELD)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Message.objects.filter(pk__in=ids, status=Message.Status.HELD).update(
        status=Message.Status.QUEUED, next_attempt_at=now
    )
    TemplateProblem.objects.filter(source=TemplateProblem.Source.SEND).delete()
    audit_record(
        actor=actor,
        action="held_messages_released",
        target=None,
        locality=locality,
        data={"messages": len(ids)},
    )
    batch = _Batch()
    batch.ids = ids
    transaction.on_commit(batch)
    return len(ids)
