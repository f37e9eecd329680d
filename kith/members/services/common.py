"""Helpers that several of members' writes use."""

from typing import Any

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.members.models import Membership
from kith.places.models import Locality


def _locality_personalisation(locality: Locality) -> dict[str, str]:
    return {"locality_name": locality.name, "locality_phone": locality.phone}


def _is_coordinator(actor: Any, locality: Locality) -> bool:
    return has_perm(actor, Perm.MEMBERS_MANAGE, locality)


def _lock(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("plan", "person")
        .get(pk=membership.pk)
    )


def _require_member_or_coordinator(actor: User, membership: Membership) -> None:
    if actor.pk == membership.person_id and has_perm(
        actor, Perm.OWN_RECORD, membership.locality
    ):
        return
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
