"""Helpers that every part of social's writes uses: messages and who may
act for a membership.
"""

from typing import Any

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm
from kith.members.models import Membership
from kith.notify.services import message_queue_for_person
from kith.places.models import Locality
from kith.social.models import SignUp

LIVE_SIGN_UPS = (SignUp.Status.BOOKED, SignUp.Status.WAITING)


def _notify(person: User, template: str, locality: Locality, **values: Any) -> None:
    message_queue_for_person(
        person=person,
        template=template,
        personalisation={
            "locality_name": locality.name,
            "locality_phone": locality.phone,
            **values,
        },
        locality=locality,
    )


def _is_member_or_coordinator(
    actor: Any, membership: Membership, perm: Perm = Perm.INTRODUCTIONS_MANAGE
) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.pk == membership.person_id and has_perm(
        actor, Perm.OWN_RECORD, membership.locality
    ):
        return True
    return has_perm(actor, perm, membership.locality)
