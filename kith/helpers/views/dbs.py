"""A DBS certificate's record: status checks, consent, and the scanned
copy. Every view is audited."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.helpers import forms, selectors, services
from kith.helpers.models import dbs_scan_storage
from kith.helpers.views.common import _locality, _posted


@login_required
def dbs_record(request: AuthenticatedRequest, check_pk: int) -> HttpResponse:
    """A DBS certificate's record. Every view is audited."""
    locality = _locality(request)
    certificate = selectors.dbs_certificate_get_for(
        actor=request.user, locality=locality, check_pk=check_pk
    )
    form = forms.StatusCheckForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.dbs_status_check_record(
                actor=request.user, certificate=certificate, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The status check has been recorded."))
            return redirect("helpers:dbs_record", check_pk=check_pk)
    check = certificate.check_record
    scan_deleted_by = (
        check.checked_on + timedelta(days=services.SCAN_KEEP_DAYS)
        if certificate.scan
        else None
    )
    return render(
        request,
        "helpers/dbs_record.html",
        {
            "form": form,
            "certificate": certificate,
            "check": check,
            "profile": check.profile,
            "status_checks": certificate.status_checks.all(),
            "scan_deleted_by": scan_deleted_by,
        },
    )


@login_required
@require_POST
def dbs_consent(request: AuthenticatedRequest, check_pk: int) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.VETTING_RECORD, locality)
    check = selectors.check_get_for(actor=request.user, locality=locality, pk=check_pk)
    if not hasattr(check, "dbs"):
        raise Http404
    services.dbs_consent_set(
        actor=request.user,
        certificate=check.dbs,
        consent=request.POST.get("consent") == "yes",
    )
    messages.success(request, _("Their consent has been recorded."))
    return redirect("helpers:dbs_record", check_pk=check_pk)


@login_required
def dbs_scan(request: AuthenticatedRequest, check_pk: int) -> FileResponse:
    """Open the scanned copy. Audited as a view of the DBS record."""
    certificate = selectors.dbs_certificate_get_for(
        actor=request.user,
        locality=_locality(request),
        check_pk=check_pk,
        purpose="scan",
    )
    if not certificate.scan:
        raise Http404
    try:
        handle = dbs_scan_storage.open(certificate.scan.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=f"dbs-{check_pk}{_suffix(certificate)}"
    )
    response["Cache-Control"] = "no-store"
    return response


def _suffix(certificate: Any) -> str:
    name = certificate.scan.name or ""
    return name[name.rfind(".") :] if "." in name else ""


@login_required
@require_POST
def dbs_scan_delete(request: AuthenticatedRequest, check_pk: int) -> HttpResponse:
    locality = _locality(request)
    check = selectors.check_get_for(actor=request.user, locality=locality, pk=check_pk)
    if not hasattr(check, "dbs"):
        raise Http404
    services.dbs_scan_delete(actor=request.user, certificate=check.dbs)
    messages.success(request, _("The scanned copy has been deleted."))
    return redirect("helpers:dbs_record", check_pk=check_pk)
