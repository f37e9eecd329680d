"""Signposting: a coordinator or helper points a member to a service, and may
refer them to it through the outbox."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kith.accounts.models import Role
from kith.accounts.permissions import Perm, has_perm, has_role
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.directory.models import (
    Service,
    Signposting,
)
from kith.directory.services.common import _clean, _locality_words
from kith.help.models import Visit
from kith.members.models import Membership
from kith.notify.services import message_queue

# --- signposting -----------------------------------------------------------


def _may_signpost(actor: Any, member: Membership) -> bool:
    if not has_perm(actor, Perm.SIGNPOST_RECORD, member.locality_id):
        return False
    if has_role(actor, Role.COORDINATOR, member.locality_id):
        return True
    # A helper signposts the members they visit.
    return Visit.objects.filter(helper__user=actor, request__membership=member).exists()


@transaction.atomic
def signposting_record(
    *,
    actor: Any,
    member: Membership,
    service: Service,
    note: str = "",
    refer: bool = False,
) -> Signposting:
    """Record that ``actor`` pointed ``member`` to ``service``. With
    ``refer``, also send the service a referral (by email, or by letter to
    its first place) through the outbox, where the service takes them."""
    if not _may_signpost(actor, member):
        raise PermissionDenied
    if service.locality_id != member.locality_id or not service.is_public:
        raise PermissionDenied
    signposting = Signposting(
        locality_id=member.locality_id,
        member=member,
        service=service,
        by=actor,
        note=(note or "").strip()[:2000],
        referred=refer,
    )
    if refer:
        signposting.message = _referral_queue(actor, member, service, signposting.note)
    _clean(signposting, exclude=["message"])
    signposting.save()
    audit_record(
        actor=actor,
        action="directory_signposted" if not refer else "directory_referred",
        target=member,
        data={
            "signposting": signposting.pk,
            "service": service.pk,
            "service_name": service.name,
        },
    )
    return signposting


def _referral_queue(actor: Any, member: Membership, service: Service, note: str) -> Any:
    if not service.takes_referrals:
        raise ApplicationError(
            _("This service does not take referrals."), field="refer"
        )
    person = member.person
    how = [value for value in (person.phone, person.mobile, person.email) if value]
    personalisation = {
        "service": service.name,
        "referrer": actor.display_name,
        "member_name": person.full_name,
        "member_contact": ", ".join(how) or _("through us"),
        "note": note or _("They would like to hear from you."),
        **_locality_words(service.locality),
    }
    to = service.referral_email or service.email
    if to:
        return message_queue(
            to=to,
            channel="email",
            template="directory_referral",
            personalisation=personalisation,
            locality=service.locality,
        )
    place = service.service_at_locations.select_related("location").first()
    if place is None:
        raise ApplicationError(
            _("This service has no email address or postal address for referrals."),
            field="refer",
        )
    loc = place.location
    return message_queue(
        to="\n".join([service.name, loc.address_1, loc.city, loc.postcode]),
        channel="letter",
        template="directory_referral",
        personalisation=personalisation,
        locality=service.locality,
    )
