"""Sharing helpers with a neighbouring locality: agreeing and withdrawing
(ADR 0042). Each side's agreement is its own; sharing is on while both
have one (``kith.helpers.sharing``)."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.helpers.models import SHARING_DISTANCES, SharingAgreement
from kith.places.models import Locality

_DISTANCES = {metres for metres, _label in SHARING_DISTANCES}


def _lock_side(locality: Locality) -> None:
    # One change at a time to a locality's agreements: two clicks on
    # "Agree" make one agreement.
    Locality.objects.select_for_update().filter(pk=locality.pk).first()


@transaction.atomic
def sharing_agree(
    *, actor: Any, locality: Locality, partner: Locality | None, max_distance_m: Any
) -> SharingAgreement:
    """``locality`` agrees to share helpers with ``partner`` within
    ``max_distance_m`` of a member's home. Agreeing again with the same
    distance changes nothing; with another distance, changes it. Sharing
    starts only once ``partner`` has agreed too. Raises ApplicationError
    (nothing changed) or PermissionDenied."""
    require_perm(actor, Perm.HELPERS_SHARE, locality)
    if partner is None:
        raise ApplicationError(
            _("Choose the neighbouring locality to share helpers with."),
            field="partner",
        )
    if partner.pk == locality.pk:
        raise ApplicationError(
            _("Choose another locality: this one already has its own helpers."),
            field="partner",
        )
    try:
        metres = int(max_distance_m)
    except (TypeError, ValueError):
        metres = 0
    if metres not in _DISTANCES:
        raise ApplicationError(
            _("Choose how far from the member’s home a shared helper may live."),
            field="max_distance_m",
        )
    _lock_side(locality)
    current = SharingAgreement.objects.filter(
        locality=locality, partner=partner, withdrawn_at__isnull=True
    ).first()
    if current is not None and current.max_distance_m == metres:
        return current
    if current is not None:
        before = current.max_distance_m
        current.max_distance_m = metres
        current.full_clean()
        current.save(update_fields=["max_distance_m", "updated_at"])
        audit_record(
            actor=actor,
            action="helper_sharing_changed",
            target=current,
            locality=locality,
            data={"partner": partner.pk, "from_m": before, "to_m": metres},
        )
        return current
    agreement = SharingAgreement(
        locality=locality, partner=partner, max_distance_m=metres, agreed_by=actor
    )
    agreement.full_clean()
    agreement.save()
    audit_record(
        actor=actor,
        action="helper_sharing_agreed",
        target=agreement,
        locality=locality,
        data={"partner": partner.pk, "max_distance_m": metres},
    )
    return agreement


@transaction.atomic
def sharing_withdraw(
    *, actor: Any, locality: Locality, partner: Locality | None
) -> SharingAgreement:
    """``locality`` stops sharing helpers with ``partner``, at once: no new
    offer either way (visits already offered or arranged stand). Withdrawing
    again returns the agreement already withdrawn. Raises ApplicationError
    when there was never one, or PermissionDenied."""
    require_perm(actor, Perm.HELPERS_SHARE, locality)
    if partner is None:
        raise ApplicationError(_("Choose the locality to stop sharing with."))
    _lock_side(locality)
    current = SharingAgreement.objects.filter(
        locality=locality, partner=partner, withdrawn_at__isnull=True
    ).first()
    if current is None:
        last = (
            SharingAgreement.objects.filter(locality=locality, partner=partner)
            .order_by("-created_at", "-pk")
            .first()
        )
        if last is not None:
            return last
        raise ApplicationError(
            _("This locality has not agreed to share helpers with %(name)s.")
            % {"name": partner.name}
        )
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = actor
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    audit_record(
        actor=actor,
        action="helper_sharing_withdrawn",
        target=current,
        locality=locality,
        data={"partner": partner.pk},
    )
    return current
