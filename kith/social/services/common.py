"""Helpers that every part of social's writes uses: messages and who may
act for a membership.
"""

from typing import Any

from kith.accounts.models import User
from kith.accounts.permissions import Perm
from kith.members.access import may_act_for
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
    """The member (while they hold their own-record permission) or staff of
    their locality with ``perm``; supporters do not answer introductions.
    The rule is ``kith.members.access``'s."""
    return may_act_for(
        actor=actor,
        membership=membership,
        coordinator_perm=perm,
        member_perm=Perm.OWN_RECORD,
    )
