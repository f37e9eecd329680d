"""Writes for the privacy part: the rights register, exports, erasure and
the breach log. Each checks permission, validates, writes an audit event
and owns its transaction."""

from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import SignInAttempt, User
from kith.accounts.permissions import Perm, forget_roles, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.privacy.catalogue import HOLDINGS, Erase
from kith.privacy.dates import answer_due, longest_extension
from kith.privacy.export import person_export_zip
from kith.privacy.models import Breach, RightsRequest
from kith.privacy.selectors import holding_rows, legal_holds

REDACTED = "[removed]"


def _check_not_future(day: date | None, field: str) -> None:
    if day and day > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field=field)


@transaction.atomic
def rights_request_record(
    *,
    actor: User,
    locality: Any,
    person: User,
    kind: str,
    received_on: date,
    received_how: str,
    requested_by_name: str = "",
    notes: str = "",
    submission_key: str = "",
) -> RightsRequest:
    """Record a request received from (or for) ``person``. It is due one
    calendar month after it was received. A form sent twice records it
    once."""
    require_perm(actor, Perm.PRIVACY_MANAGE, locality)
    if submission_key:
        existing = RightsRequest.objects.filter(
            locality=locality, submission_key=submission_key
        ).first()
        if existing is not None:
            return existing
    _check_not_future(received_on, "received_on")
    rights = RightsRequest(
        locality=locality,
        person=person,
        kind=kind,
        received_on=received_on,
        received_how=received_how,
        received_by=actor,
        requested_by_name=requested_by_name.strip(),
        notes=notes.strip(),
        due_on=answer_due(received_on),
        submission_key=submission_key,
    )
    rights.full_clean()
    rights.save()
    audit_record(
        actor=actor,
        action="privacy.request_recorded",
        target=rights,
        on_behalf_of=person,
        locality=locality,
        data={"kind": kind, "due_on": rights.due_on.isoformat()},
    )
    return rights


def _lock(rights: RightsRequest) -> RightsRequest:
    return RightsRequest.objects.select_for_update().get(pk=rights.pk)


def _require_open(rights: RightsRequest) -> None:
    if not rights.is_open:
        raise ApplicationError(
            _("This request is closed: nothing more can be done to it.")
        )


@transaction.atomic
def rights_request_identity_checked(
    *, actor: User, rights: RightsRequest, checked_on: date, how: str
) -> RightsRequest:
    """Record how the person's identity (or the asker's authority) was
    checked; an export or erasure waits for it."""
    require_perm(actor, Perm.PRIVACY_MANAGE, rights.locality)
    rights = _lock(rights)
    _require_open(rights)
    _check_not_future(checked_on, "checked_on")
    if checked_on < rights.received_on:
        raise ApplicationError(
            _("The check cannot be before the request was received."),
            field="checked_on",
        )
    if not how.strip():
        raise ApplicationError(_("Say how their identity was checked."), field="how")
    rights.identity_checked_on = checked_on
    rights.identity_checked_by = actor
    rights.identity_how = how.strip()
    rights.full_clean()
    rights.save()
    audit_record(
        actor=actor,
        action="privacy.identity_checked",
        target=rights,
        on_behalf_of=rights.person,
        locality=rights.locality,
    )
    return rights


@transaction.atomic
def rights_request_extend(
    *, actor: User, rights: RightsRequest, reason: str, told_on: date
) -> RightsRequest:
    """Extend the answer by two further months (three in all), which the
    law allows only if the person is told, with the reason, within the
    first month."""
    require_perm(actor, Perm.PRIVACY_MANAGE, rights.locality)
    rights = _lock(rights)
    _require_open(rights)
    if rights.extended_to:
        raise ApplicationError(_("This request has already been extended."))
    if not reason.strip():
        raise ApplicationError(_("Say why it needs longer."), field="reason")
    _check_not_future(told_on, "told_on")
    if told_on < rights.received_on:
        raise ApplicationError(
            _("They cannot have been told before the request arrived."), field="told_on"
        )
    if told_on > rights.due_on:
        raise ApplicationError(
            _(
                "The person must be told of an extension within the first month "
                "(by %(due)s): it is too late to extend this request."
            )
            % {"due": rights.due_on.strftime("%-d %B %Y")},
            field="told_on",
        )
    rights.extended_to = longest_extension(rights.received_on)
    rights.extension_reason = reason.strip()
    rights.person_told_of_extension_on = told_on
    rights.full_clean()
    rights.save()
    audit_record(
        actor=actor,
        action="privacy.request_extended",
        target=rights,
        on_behalf_of=rights.person,
        locality=rights.locality,
        data={"extended_to": rights.extended_to.isoformat()},
    )
    return rights


@transaction.atomic
def rights_request_close(
    *, actor: User, rights: RightsRequest, status: str, outcome: str
) -> RightsRequest:
    """Close a request as done, refused or withdrawn, saying what was done
    (or why it was refused)."""
    require_perm(actor, Perm.PRIVACY_MANAGE, rights.locality)
    rights = _lock(rights)
    _require_open(rights)
    if status not in (
        RightsRequest.Status.DONE,
        RightsRequest.Status.REFUSED,
        RightsRequest.Status.WITHDRAWN,
    ):
        raise ApplicationError(_("Choose how the request ended."), field="status")
    if not outcome.strip():
        raise ApplicationError(_("Say what was done, or why not."), field="outcome")
    if status == RightsRequest.Status.DONE and not rights.identity_checked_on:
        raise ApplicationError(
            _("Record how their identity was checked before closing it as done.")
        )
    rights.status = status
    rights.outcome = outcome.strip()
    rights.closed_on = timezone.localdate()
    rights.closed_by = actor
    rights.full_clean()
    rights.save()
    audit_record(
        actor=actor,
        action="privacy.request_closed",
        target=rights,
        on_behalf_of=rights.person,
        locality=rights.locality,
        data={"status": status},
    )
    return rights


@transaction.atomic
def person_export(*, actor: User, rights: RightsRequest) -> bytes:
    """Everything held about the request's person, as a ZIP, for an access
    or portability request whose identity check is recorded. Audited."""
    require_perm(actor, Perm.PRIVACY_MANAGE, rights.locality)
    if rights.kind not in (RightsRequest.Kind.ACCESS, RightsRequest.Kind.PORTABILITY):
        raise ApplicationError(_("Only access and portability requests get an export."))
    if not rights.identity_checked_on:
        raise ApplicationError(_("Record how their identity was checked first."))
    data = person_export_zip(rights.person, locality=rights.locality)
    audit_record(
        actor=actor,
        action="privacy.export_made",
        target=rights,
        on_behalf_of=rights.person,
        locality=rights.locality,
        data={"bytes": len(data)},
    )
    return data


def _erased_value(strategy: Erase) -> Any:
    return {
        Erase.BLANK: "",
        Erase.NULL: None,
        Erase.REDACT: REDACTED,
        Erase.EMPTY_LIST: [],
        Erase.EMPTY_DICT: {},
    }[strategy]


@transaction.atomic
def person_erase(*, actor: User, rights: RightsRequest) -> dict[str, int]:
    """Erase the request's person: anonymise, not delete. Names, contact
    details, addresses, notes, free text and health needs are replaced;
    sign-in codes and saved answers are deleted; ledger entries, visits and
    figures stay, so the ledger still balances and reports still add up,
    but no longer name them. Refused, changing nothing, while a legal hold
    applies (``legal_holds``). Returns the rows changed per record."""
    require_perm(actor, Perm.PRIVACY_MANAGE, rights.locality)
    rights = _lock(rights)
    _require_open(rights)
    if rights.kind != RightsRequest.Kind.ERASURE:
        raise ApplicationError(_("Only an erasure request erases someone."))
    if not rights.identity_checked_on:
        raise ApplicationError(_("Record how their identity was checked first."))
    person = User.objects.select_for_update().get(pk=rights.person_id)
    holds = legal_holds(person=person)
    if holds:
        raise ApplicationError(
            _("Their data cannot be erased yet: %(reasons)s")
            % {"reasons": " ".join(holds)}
        )
    identifiers = [value for value in (person.email, person.mobile) if value]
    changed: dict[str, int] = {}
    # The person's own row last: the other rows are found through it.
    for holding in sorted(HOLDINGS, key=lambda h: h.model == "accounts.User"):
        rows = holding_rows(holding, person)
        if holding.delete_on_erase:
            pks = list(rows.values_list("pk", flat=True))
            if pks:
                apps.get_model(holding.model)._base_manager.filter(pk__in=pks).delete()
                changed[holding.model] = len(pks)
            continue
        if not holding.erase:
            continue
        pks = list(rows.values_list("pk", flat=True))
        if not pks:
            continue
        model = apps.get_model(holding.model)
        values = {
            name: _erased_value(strategy)
            for name, strategy in holding.erase.items()
            if strategy != Erase.YEAR_ONLY
        }
        if values:
            model._base_manager.filter(pk__in=pks).update(**values)
        for name, strategy in holding.erase.items():
            if strategy == Erase.YEAR_ONLY:
                for pk, born in model._base_manager.filter(pk__in=pks).values_list(
                    "pk", name
                ):
                    if born is not None:
                        model._base_manager.filter(pk=pk).update(
                            **{name: born.replace(month=1, day=1)}
                        )
        changed[holding.model] = len(pks)
    if identifiers:
        SignInAttempt.objects.filter(identifier__in=identifiers).delete()
    person.refresh_from_db()
    person.full_name = _("Erased person %(number)s") % {"number": person.pk}
    person.is_active = False
    person.set_unusable_password()
    person.save()
    forget_roles(person)
    rights.status = RightsRequest.Status.DONE
    rights.outcome = _(
        "Erased: their details were removed and their records kept without their name."
    )
    rights.closed_on = timezone.localdate()
    rights.closed_by = actor
    rights.requested_by_name = ""
    rights.save()
    audit_record(
        actor=actor,
        action="privacy.person_erased",
        target=rights,
        on_behalf_of=person,
        locality=rights.locality,
        data={"changed": changed},
    )
    return changed


@transaction.atomic
def breach_record(
    *,
    actor: User,
    locality: Any,
    what: str,
    found_at: datetime,
    people_affected: int,
    data_kinds: list[str],
) -> Breach:
    """Record a personal data breach as soon as it is found: the 72 hours
    to report it to the ICO run from ``found_at``."""
    require_perm(actor, Perm.BREACH_LOG, locality)
    if found_at > timezone.now():
        raise ApplicationError(
            _("It cannot have been found in the future."), field="found_at"
        )
    if not what.strip():
        raise ApplicationError(_("Say what happened."), field="what")
    breach = Breach(
        locality=locality,
        what=what.strip(),
        found_at=found_at,
        people_affected=people_affected,
        data_kinds=sorted(set(data_kinds)),
        recorded_by=actor,
    )
    breach.full_clean()
    breach.save()
    audit_record(
        actor=actor, action="privacy.breach_recorded", target=breach, locality=locality
    )
    return breach


@transaction.atomic
def breach_decide(
    *, actor: User, breach: Breach, reportable: bool, reason: str = ""
) -> Breach:
    """Decide whether the breach must be reported to the ICO (a risk to
    people's rights and freedoms); a breach found not reportable says why."""
    require_perm(actor, Perm.BREACH_LOG, breach.locality)
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.status == Breach.Status.CLOSED:
        raise ApplicationError(_("This breach is closed."))
    if breach.reported_to_ico_at:
        raise ApplicationError(_("It has already been reported to the ICO."))
    if not reportable and not reason.strip():
        raise ApplicationError(_("Say why it does not need reporting."), field="reason")
    breach.reportable = reportable
    breach.not_reportable_reason = "" if reportable else reason.strip()
    breach.full_clean()
    breach.save()
    audit_record(
        actor=actor,
        action="privacy.breach_decided",
        target=breach,
        locality=breach.locality,
        data={"reportable": reportable},
    )
    return breach


@transaction.atomic
def breach_reported(
    *, actor: User, breach: Breach, reported_at: datetime, reference: str
) -> Breach:
    """Record that the breach was reported to the ICO."""
    require_perm(actor, Perm.BREACH_LOG, breach.locality)
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.reported_to_ico_at:
        return breach
    if reported_at > timezone.now():
        raise ApplicationError(
            _("It cannot have been reported in the future."), field="reported_at"
        )
    if reported_at < breach.found_at:
        raise ApplicationError(
            _("It cannot have been reported before it was found."), field="reported_at"
        )
    breach.reportable = True
    breach.not_reportable_reason = ""
    breach.reported_to_ico_at = reported_at
    breach.reported_by = actor
    breach.ico_reference = reference.strip()
    breach.full_clean()
    breach.save()
    audit_record(
        actor=actor,
        action="privacy.breach_reported",
        target=breach,
        locality=breach.locality,
    )
    return breach


@transaction.atomic
def breach_close(*, actor: User, breach: Breach, actions: str) -> Breach:
    """Close a breach with what was done. A breach whose reporting is not
    decided, or decided reportable but not reported, cannot be closed."""
    require_perm(actor, Perm.BREACH_LOG, breach.locality)
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.status == Breach.Status.CLOSED:
        return breach
    if breach.reportable is None:
        raise ApplicationError(
            _("Decide whether it must be reported to the ICO first.")
        )
    if breach.reportable and not breach.reported_to_ico_at:
        raise ApplicationError(_("Record when it was reported to the ICO first."))
    if not actions.strip():
        raise ApplicationError(_("Say what was done."), field="actions")
    breach.actions = actions.strip()
    breach.status = Breach.Status.CLOSED
    breach.full_clean()
    breach.save()
    audit_record(
        actor=actor,
        action="privacy.breach_closed",
        target=breach,
        locality=breach.locality,
    )
    return breach
