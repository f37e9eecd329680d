"""Supporters: inviting a relative or friend, accepting (online or by
phone) and ending the link.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from kith.accounts.models import Role, RoleAssignment, User
from kith.accounts.permissions import Perm, forget_roles, require_perm
from kith.accounts.services import contact_details_clean
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members.models import Consent, Membership, SupporterLink
from kith.members.services.common import (
    _locality_personalisation,
    _require_member_or_coordinator,
)
from kith.notify.services import message_queue

SUPPORTER_INVITATION_DAYS = 14


def _token_digest(token: str) -> str:
    return salted_hmac("kith.members.supporter", token, algorithm="sha256").hexdigest()


@dataclass
class Invitation:
    link: SupporterLink
    token: str


@transaction.atomic
def supporter_invite(
    *,
    actor: User,
    membership: Membership,
    name: str,
    relationship: str,
    email: str = "",
    mobile: str = "",
    share_visits: bool = True,
    ask_for_help: bool = True,
    see_credits: bool = False,
    get_notifications: bool = False,
    base_url: str = "",
) -> Invitation:
    """The member (or a coordinator for them) invites a relative or friend to
    be their supporter. Inviting records the member's consent; the supporter
    gets a link (by email or text) to accept within 14 days."""
    _require_member_or_coordinator(actor, membership)
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.APPLIED):
        raise ApplicationError(_("Only a current member can have supporters."))
    if not name.strip():
        raise ApplicationError(_("Enter their name."), field="name")
    if not relationship.strip():
        raise ApplicationError(
            _("Enter who they are to the member, like ‘daughter’."),
            field="relationship",
        )
    contact = contact_details_clean({"email": email, "mobile": mobile})
    if not contact.get("email") and not contact.get("mobile"):
        raise ApplicationError(
            _(
                "Enter their email address or mobile number, so we can send the "
                "invitation."
            ),
            field="email",
        )
    if not (share_visits or ask_for_help or see_credits or get_notifications):
        raise ApplicationError(
            _("Choose at least one thing the supporter can do."), field="share_visits"
        )
    token = secrets.token_urlsafe(24)
    by_member = actor.pk == membership.person_id
    link = SupporterLink.objects.create(
        membership=membership,
        name=name.strip(),
        relationship=relationship.strip(),
        email=contact.get("email") or "",
        mobile=contact.get("mobile") or "",
        share_visits=share_visits,
        ask_for_help=ask_for_help,
        see_credits=see_credits,
        get_notifications=get_notifications,
        consent_how=Consent.How.ONLINE if by_member else Consent.How.PHONE,
        token_hash=_token_digest(token),
        invited_by=actor,
    )
    accept_url = base_url + reverse("members:supporter_accept", args=[link.pk, token])
    message_queue(
        to=link.email or link.mobile,
        channel="email" if link.email else "sms",
        template="supporter_invitation",
        personalisation={
            **_locality_personalisation(membership.locality),
            "name": link.name,
            "member_name": membership.person.display_name,
            "link": accept_url,
        },
        locality=membership.locality,
    )
    audit_record(
        actor=actor,
        action="supporter_invited",
        target=membership,
        on_behalf_of=membership.person if not by_member else None,
        locality=membership.locality,
        data={
            "link": link.pk,
            "relationship": link.relationship,
            "allowed": [
                name
                for name, given in (
                    ("share_visits", share_visits),
                    ("ask_for_help", ask_for_help),
                    ("see_credits", see_credits),
                    ("get_notifications", get_notifications),
                )
                if given
            ],
        },
    )
    return Invitation(link=link, token=token)


def supporter_link_for_token(*, link_id: int, token: str) -> SupporterLink:
    """The invitation a link is for. Raises ApplicationError when the link is
    wrong, used, withdrawn or more than 14 days old."""
    link = (
        SupporterLink.objects.select_related(
            "membership__person", "membership__locality"
        )
        .filter(pk=link_id)
        .first()
    )
    if (
        link is None
        or not link.token_hash
        or not constant_time_compare(_token_digest(token), link.token_hash)
    ):
        raise ApplicationError(
            _("This invitation link is not right. Check you copied all of it.")
        )
    if link.status != SupporterLink.Status.INVITED:
        raise ApplicationError(
            _("This invitation has already been answered or withdrawn.")
        )
    if link.created_at < timezone.now() - timedelta(days=SUPPORTER_INVITATION_DAYS):
        raise ApplicationError(
            _("This invitation is more than 14 days old. Ask for a new one.")
        )
    return link


@transaction.atomic
def supporter_accept(
    *, user: User, link_id: int, token: str, accept: bool = True
) -> SupporterLink:
    """The invited person accepts (or declines) with their own account."""
    link = supporter_link_for_token(link_id=link_id, token=token)
    link = SupporterLink.objects.select_for_update().get(pk=link.pk)
    membership = link.membership
    if user.pk == membership.person_id:
        raise ApplicationError(_("You cannot be your own supporter."))
    if (
        accept
        and SupporterLink.objects.filter(
            membership=membership, supporter=user, status=SupporterLink.Status.ACTIVE
        ).exists()
    ):
        raise ApplicationError(_("You are already a supporter of this member."))
    link.token_hash = ""
    if accept:
        link.status = SupporterLink.Status.ACTIVE
        link.supporter = user
        link.accepted_at = timezone.now()
        RoleAssignment.objects.get_or_create(
            user=user, locality=membership.locality, role=Role.SUPPORTER
        )
        forget_roles(user)
    else:
        link.status = SupporterLink.Status.DECLINED
    link.save()
    audit_record(
        actor=user,
        action="supporter_accepted" if accept else "supporter_declined",
        target=membership,
        locality=membership.locality,
        data={"link": link.pk},
    )
    return link


@transaction.atomic
def supporter_accept_by_phone(
    *, actor: User, link: SupporterLink, person: User
) -> SupporterLink:
    """A coordinator records that an invited supporter accepted on the phone."""
    membership = link.membership
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    link = SupporterLink.objects.select_for_update().get(pk=link.pk)
    if link.status != SupporterLink.Status.INVITED:
        raise ApplicationError(
            _("This invitation has already been answered or withdrawn.")
        )
    if person.pk == membership.person_id:
        raise ApplicationError(
            _("A member cannot be their own supporter."), field="person"
        )
    link.status = SupporterLink.Status.ACTIVE
    link.supporter = person
    link.accepted_at = timezone.now()
    link.token_hash = ""
    link.save()
    RoleAssignment.objects.get_or_create(
        user=person,
        locality=membership.locality,
        role=Role.SUPPORTER,
        defaults={"granted_by": actor},
    )
    forget_roles(person)
    audit_record(
        actor=actor,
        action="supporter_accepted",
        target=membership,
        on_behalf_of=person,
        locality=membership.locality,
        data={"link": link.pk, "how": "phone"},
    )
    return link


@transaction.atomic
def supporter_end(*, actor: User, link: SupporterLink) -> SupporterLink:
    """End a supporter's access at once: the member, a coordinator, or the
    supporter may do it, without giving a reason."""
    membership = link.membership
    is_member = actor.pk == membership.person_id
    is_supporter = link.supporter_id is not None and actor.pk == link.supporter_id
    if not (is_member or is_supporter):
        require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    link = SupporterLink.objects.select_for_update().get(pk=link.pk)
    if link.status not in (SupporterLink.Status.ACTIVE, SupporterLink.Status.INVITED):
        raise ApplicationError(_("This supporter has already stopped."))
    link.status = SupporterLink.Status.ENDED
    link.ended_at = timezone.now()
    link.ended_by = actor
    link.token_hash = ""
    link.save()
    if (
        link.supporter_id
        and not SupporterLink.objects.filter(
            supporter_id=link.supporter_id,
            membership__locality=membership.locality,
            status=SupporterLink.Status.ACTIVE,
        ).exists()
    ):
        RoleAssignment.objects.filter(
            user_id=link.supporter_id, locality=membership.locality, role=Role.SUPPORTER
        ).delete()
    audit_record(
        actor=actor,
        action="supporter_ended",
        target=membership,
        on_behalf_of=membership.person if not (is_member or is_supporter) else None,
        locality=membership.locality,
        data={"link": link.pk},
    )
    return link
