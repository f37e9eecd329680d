"""Vetting checks: recording one, and withdrawing one recorded in error."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import (
    CheckOutcome,
    DbsCertificate,
    HelperProfile,
    HelperStatus,
    IdentityDocument,
    Referee,
    VettingCheck,
)
from kith.helpers.services.common import _clean_reason, _lock, _set_status, _today
from kith.helpers.services.dbs import DbsDetails, _clean_dbs, _scan_delete
from kith.helpers.services.levels import _vetting_recompute
from kith.helpers.vetting import CheckKind


@transaction.atomic
def vetting_check_record(
    *,
    actor: Any,
    profile: HelperProfile,
    kind: str,
    outcome: str,
    checked_on: date,
    evidence_reference: str = "",
    documents_seen: Sequence[str] = (),
    referee: Referee | None = None,
    dbs: DbsDetails | None = None,
    key: str | None = None,
) -> VettingCheck:
    """Record one check of a helper, then store their new vetting level.

    The date is the day the check was done (for a DBS certificate, the day
    of the decision) and cannot be in the future. An identity check says which
    documents were seen; a reference names one of the helper's referees; a
    DBS check carries only what the DBS Code of Practice allows
    (``DbsDetails``). The first check moves an applicant to ``vetting``.
    Sending the same form twice (``key``) records it once.
    """
    require_perm(actor, Perm.VETTING_RECORD, profile.locality)
    if key:
        existing = VettingCheck.objects.filter(submission_key=key).first()
        if existing is not None:
            if existing.profile_id != profile.pk:
                raise PermissionDenied
            return existing
    profile = _lock(profile)
    today = _today()
    _check_when_valid(profile, kind, outcome, checked_on, today)
    documents = _documents_valid(kind, documents_seen)
    _referee_valid(profile, kind, referee)
    dbs = _dbs_valid(kind, dbs, checked_on, today)
    evidence = _evidence_valid(evidence_reference)
    check = VettingCheck.objects.create(
        profile=profile,
        kind=kind,
        outcome=outcome,
        checked_on=checked_on,
        evidence_reference=evidence,
        documents_seen=documents,
        referee=referee,
        recorded_by=actor,
        submission_key=key or None,
    )
    certificate = _certificate_create(check, dbs) if dbs is not None else None
    if profile.status == HelperStatus.APPLIED:
        _set_status(profile, HelperStatus.VETTING)
        profile.save(update_fields=["status", "status_changed_at", "status_reason"])
    old_level, new_level = _vetting_recompute(profile, today)
    check.refresh_from_db(fields=["expires_on"])
    audit_record(
        actor=actor,
        action="vetting_check_recorded",
        target=profile,
        locality=profile.locality,
        data={
            "check": check.pk,
            "kind": kind,
            "outcome": outcome,
            "checked_on": checked_on.isoformat(),
            "level_from": old_level,
            "level_to": new_level,
            "with_scan": bool(dbs and dbs.scan),
        },
    )
    if certificate is not None and dbs is not None and dbs.scan is not None:
        # Written last, so nothing after it can fail and leave a stray copy.
        certificate.scan.save(dbs.scan.name or "scan", dbs.scan, save=False)
        certificate.save(update_fields=["scan"])
    return check


def _check_when_valid(
    profile: HelperProfile, kind: str, outcome: str, checked_on: date, today: date
) -> None:
    """The kind, outcome and date of a check, and a record open to checks."""
    if kind not in CheckKind.values:
        raise ApplicationError(_("Choose the check."), field="kind")
    if outcome not in CheckOutcome.values:
        raise ApplicationError(_("Choose the outcome."), field="outcome")
    if checked_on > today:
        raise ApplicationError(
            _("The date must be today or in the past."), field="checked_on"
        )
    if checked_on < profile.date_of_birth:
        raise ApplicationError(
            _("The date must be after their date of birth."), field="checked_on"
        )
    if profile.status == HelperStatus.LEFT:
        raise ApplicationError(
            _("They have left. Their record must be reopened before more checks.")
        )


def _documents_valid(kind: str, documents_seen: Sequence[str]) -> list[str]:
    """The identity documents seen, each once; none for another kind."""
    documents = list(dict.fromkeys(documents_seen))
    if kind == CheckKind.IDENTITY:
        if not documents or any(
            doc not in IdentityDocument.values for doc in documents
        ):
            raise ApplicationError(
                _("Choose the documents you saw."), field="documents_seen"
            )
    elif documents:
        raise ApplicationError(_("Documents are recorded only for identity."))
    return documents


def _referee_valid(profile: HelperProfile, kind: str, referee: Referee | None) -> None:
    """A reference names one of this helper's referees; nothing else does."""
    if kind == CheckKind.REFERENCE:
        if referee is None or referee.profile_id != profile.pk:
            raise ApplicationError(_("Choose the referee."), field="referee")
    elif referee is not None:
        raise ApplicationError(_("Only a reference has a referee."))


def _dbs_valid(
    kind: str, dbs: DbsDetails | None, checked_on: date, today: date
) -> DbsDetails | None:
    """A DBS check's certificate details, cleaned; none for another kind."""
    if kind == CheckKind.DBS:
        if dbs is None:
            raise ApplicationError(_("Enter the certificate’s details."))
        return _clean_dbs(dbs, checked_on, today)
    if dbs is not None:
        raise ApplicationError(_("Only a DBS check has certificate details."))
    return None


def _evidence_valid(evidence_reference: str) -> str:
    evidence = (evidence_reference or "").strip()
    if len(evidence) > 200:
        raise ApplicationError(
            _("The evidence reference must be 200 characters or fewer."),
            field="evidence_reference",
        )
    return evidence


def _certificate_create(check: VettingCheck, dbs: DbsDetails) -> DbsCertificate:
    """The certificate's details, without the scanned copy (saved last)."""
    certificate = DbsCertificate(
        check_record=check,
        certificate_number=dbs.certificate_number,
        issued_on=dbs.issued_on,
        dbs_type=dbs.dbs_type,
        role_applied_for=dbs.role_applied_for,
        update_service_consent=dbs.update_service_consent,
    )
    certificate.full_clean(exclude=["check_record", "scan"])
    certificate.save()
    return certificate


@transaction.atomic
def vetting_check_withdraw(
    *, actor: Any, check: VettingCheck, reason: str
) -> VettingCheck:
    """Strike out a check recorded in error, with a reason. It no longer
    counts; a DBS check's scanned copy is deleted. Withdrawing twice changes
    nothing."""
    profile = check.profile
    require_perm(actor, Perm.VETTING_RECORD, profile.locality)
    reason = _clean_reason(reason, required=True)
    profile = _lock(profile)
    check = VettingCheck.objects.select_for_update().get(pk=check.pk)
    if check.withdrawn_at is not None:
        return check
    check.withdrawn_at = timezone.now()
    check.withdrawn_by = actor
    check.withdrawn_reason = reason
    check.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    certificate = DbsCertificate.objects.filter(check_record=check).first()
    if certificate is not None and certificate.scan:
        _scan_delete(certificate)
    old_level, new_level = _vetting_recompute(profile, _today())
    audit_record(
        actor=actor,
        action="vetting_check_withdrawn",
        target=profile,
        locality=profile.locality,
        data={
            "check": check.pk,
            "kind": check.kind,
            "reason": reason,
            "level_from": old_level,
            "level_to": new_level,
        },
    )
    return check
