"""DBS certificates: update service status checks and consent, and the
scanned copies, deleted by hand or six months after the decision."""

import contextlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import (
    DbsCertificate,
    DbsStatusCheck,
    StatusResult,
    dbs_scan_storage,
)
from kith.helpers.services.common import _lock, _today
from kith.helpers.services.levels import _vetting_recompute
from kith.helpers.vetting import DbsType

log = logging.getLogger(__name__)

#: A scanned DBS certificate is deleted this many days after the decision:
#: always inside the 6 months the DBS Code of Practice allows.
SCAN_KEEP_DAYS = 180
SCAN_MAX_BYTES = 5 * 1024 * 1024
SCAN_EXTENSIONS = frozenset({".pdf", ".jpg", ".jpeg", ".png"})


@dataclass(frozen=True)
class DbsDetails:
    certificate_number: str
    issued_on: date
    dbs_type: str
    role_applied_for: str = "Neighbourhood Helper"
    update_service_consent: bool = False
    scan: UploadedFile | None = None


def _clean_dbs(details: DbsDetails, decided_on: date, today: date) -> DbsDetails:
    number = "".join(details.certificate_number.split()).replace("-", "")
    if not (len(number) == 12 and number.isdigit()):
        raise ApplicationError(
            _("Enter the 12-digit certificate number, like 001234567890."),
            field="certificate_number",
        )
    if details.issued_on > today:
        raise ApplicationError(
            _("The date of issue must be today or in the past."), field="issued_on"
        )
    if details.issued_on > decided_on:
        raise ApplicationError(
            _("The date of issue must be on or before the date of the decision."),
            field="issued_on",
        )
    if details.dbs_type not in DbsType.values:
        raise ApplicationError(_("Choose the type of check."), field="dbs_type")
    role = details.role_applied_for.strip()
    if not role:
        raise ApplicationError(
            _("Enter the role the certificate was for."), field="role_applied_for"
        )
    scan = details.scan
    if scan is not None:
        if Path(scan.name or "").suffix.lower() not in SCAN_EXTENSIONS:
            raise ApplicationError(
                _("The scanned copy must be a PDF, JPG or PNG file."), field="scan"
            )
        if (scan.size or 0) > SCAN_MAX_BYTES:
            raise ApplicationError(
                _("The scanned copy must be smaller than 5MB."), field="scan"
            )
        if (today - decided_on).days >= SCAN_KEEP_DAYS:
            raise ApplicationError(
                _(
                    "A scanned copy cannot be kept: the decision was made more than "
                    "6 months ago."
                ),
                field="scan",
            )
    return DbsDetails(
        certificate_number=number,
        issued_on=details.issued_on,
        dbs_type=details.dbs_type,
        role_applied_for=role[:150],
        update_service_consent=details.update_service_consent,
        scan=scan,
    )


@transaction.atomic
def dbs_status_check_record(
    *, actor: Any, certificate: DbsCertificate, checked_on: date, result: str
) -> DbsStatusCheck:
    """Record a DBS update service status check, made with the helper's
    consent. A check with no new information keeps the certificate current for
    a year; one with new information ends it that day. Recording the same day
    twice with the same result changes nothing."""
    require_perm(actor, Perm.VETTING_RECORD, certificate.check_record.profile.locality)
    certificate = DbsCertificate.objects.select_related(
        "check_record__profile__locality"
    ).get(pk=certificate.pk)
    check = certificate.check_record
    profile = check.profile
    if not certificate.update_service_consent:
        raise ApplicationError(
            _(
                "They have not agreed to status checks, so none can be recorded. "
                "Record their consent first."
            )
        )
    if check.withdrawn_at is not None:
        raise ApplicationError(_("This check was withdrawn."))
    if result not in StatusResult.values:
        raise ApplicationError(_("Choose the result."), field="result")
    today = _today()
    if checked_on > today:
        raise ApplicationError(
            _("The date must be today or in the past."), field="checked_on"
        )
    if checked_on < certificate.issued_on:
        raise ApplicationError(
            _("The date must be on or after the certificate’s date of issue."),
            field="checked_on",
        )
    profile = _lock(profile)
    existing = DbsStatusCheck.objects.filter(
        certificate=certificate, checked_on=checked_on
    ).first()
    if existing is not None:
        if existing.result == result:
            return existing
        raise ApplicationError(
            _("A status check on that day is already recorded."), field="checked_on"
        )
    status = DbsStatusCheck.objects.create(
        certificate=certificate,
        checked_on=checked_on,
        result=result,
        recorded_by=actor,
    )
    old_level, new_level = _vetting_recompute(profile, today)
    audit_record(
        actor=actor,
        action="dbs_status_check_recorded",
        target=profile,
        locality=profile.locality,
        data={
            "check": check.pk,
            "checked_on": checked_on.isoformat(),
            "result": result,
            "level_from": old_level,
            "level_to": new_level,
        },
    )
    return status


@transaction.atomic
def dbs_consent_set(
    *, actor: Any, certificate: DbsCertificate, consent: bool
) -> DbsCertificate:
    """Record that the helper agreed (or no longer agrees) to update service
    status checks."""
    profile = certificate.check_record.profile
    require_perm(actor, Perm.VETTING_RECORD, profile.locality)
    profile = _lock(profile)
    certificate = DbsCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.update_service_consent == consent:
        return certificate
    certificate.update_service_consent = consent
    certificate.save(update_fields=["update_service_consent"])
    old_level, new_level = _vetting_recompute(profile, _today())
    audit_record(
        actor=actor,
        action="dbs_update_service_consent_changed",
        target=profile,
        locality=profile.locality,
        data={
            "check": certificate.check_record_id,
            "consent": consent,
            "level_from": old_level,
            "level_to": new_level,
        },
    )
    return certificate


def _scan_delete(certificate: DbsCertificate) -> None:
    name = certificate.scan.name
    if name:
        with contextlib.suppress(FileNotFoundError):
            dbs_scan_storage.delete(name)
    certificate.scan = ""
    certificate.scan_deleted_at = timezone.now()
    certificate.save(update_fields=["scan", "scan_deleted_at"])


@transaction.atomic
def dbs_scan_delete(*, actor: Any, certificate: DbsCertificate) -> DbsCertificate:
    """Delete a scanned DBS certificate now. Deleting twice changes nothing."""
    profile = certificate.check_record.profile
    require_perm(actor, Perm.VETTING_RECORD, profile.locality)
    certificate = DbsCertificate.objects.select_for_update().get(pk=certificate.pk)
    if not certificate.scan:
        return certificate
    _scan_delete(certificate)
    audit_record(
        actor=actor,
        action="dbs_scan_deleted",
        target=profile,
        locality=profile.locality,
        data={"check": certificate.check_record_id, "why": "by_hand"},
    )
    return certificate


def dbs_scans_purge(*, today: date | None = None) -> int:
    """Delete every scanned DBS certificate whose decision was made
    SCAN_KEEP_DAYS or more ago, and any stray file no record points to.
    Safe to run any number of times; returns how many scans it deleted."""
    today = today or _today()
    cutoff = today - timedelta(days=SCAN_KEEP_DAYS)
    due = list(
        DbsCertificate.objects.exclude(scan="")
        .filter(check_record__checked_on__lte=cutoff)
        .values_list("pk", flat=True)
    )
    deleted = 0
    for pk in due:
        with transaction.atomic():
            certificate = (
                DbsCertificate.objects.select_for_update()
                .select_related("check_record__profile__locality")
                .filter(pk=pk)
                .exclude(scan="")
                .first()
            )
            if certificate is None:
                continue
            _scan_delete(certificate)
            profile = certificate.check_record.profile
            audit_record(
                actor=None,
                action="dbs_scan_deleted",
                target=profile,
                locality=profile.locality,
                data={"check": certificate.check_record_id, "why": "six_months"},
            )
            deleted += 1
    _stray_scans_delete()
    return deleted


def _stray_scans_delete() -> None:
    """Files left by an upload whose transaction failed: a day old and
    pointed to by no record."""
    try:
        _dirs, files = dbs_scan_storage.listdir("")
    except FileNotFoundError:
        return
    known = set(DbsCertificate.objects.exclude(scan="").values_list("scan", flat=True))
    day_ago = timezone.now() - timedelta(days=1)
    for name in files:
        if name in known:
            continue
        try:
            if dbs_scan_storage.get_modified_time(name) < day_ago:
                dbs_scan_storage.delete(name)
                log.info("Deleted a stray DBS scan file %s", name)
        except FileNotFoundError:
            continue
