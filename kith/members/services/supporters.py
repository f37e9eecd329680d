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

from kith.accounts.models import ContactCode, Role, RoleAssignment, User
from kith.accounts.permissions import Perm, forget_roles, require_perm
from kith.accounts.services import (
    contact_code_send,
    contact_code_verify,
    contact_details_check_unique,
    contact_details_claimed,
    contact_details_clean,
    person_save_validated,
)
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
    # The token's hash stays after an answer, so a used or withdrawn link
    # says so rather than that it was mistyped; the status is what counts.
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


# --- accepting with a code, before having an account ---------------------------


def _invitation_contact(link: SupporterLink) -> str:
    """Where the invitation went, and so where its code goes: the email
    address the member gave, else the mobile number. Never one the visitor
    types."""
    return link.email or link.mobile


def _invitation_purpose(link: SupporterLink) -> str:
    return f"supporter_invitation:{link.pk}"


def supporter_invitation_has_account(link: SupporterLink) -> bool:
    """Whether someone already has an account with the email address or
    mobile number on the invitation: they sign in first, and nothing is
    attached to their account without it (ADR 0018, ADR 0021)."""
    return bool(
        contact_details_claimed(
            {"email": link.email, "mobile": link.mobile}, exclude_pk=None
        )
    )


def _require_no_account(link: SupporterLink) -> None:
    if supporter_invitation_has_account(link):
        raise ApplicationError(
            _(
                "An account already uses the email address or mobile number this "
                "invitation was sent to. Sign in first, then open the link again."
            ),
            code="has_account",
        )


@transaction.atomic
def supporter_invitation_code_send(*, link_id: int, token: str) -> ContactCode:
    """Someone with an invitation link but no account asks for a code, to
    accept without phoning. It goes to the email address (else the mobile
    number) on the invitation, never to one they type.

    Raises ApplicationError when the link does not work (wrong, answered,
    withdrawn or too old), when someone already has an account with that
    address or number (code ``has_account``: they sign in instead), or when
    5 codes were sent for this invitation in the last hour (``throttled``)."""
    link = supporter_link_for_token(link_id=link_id, token=token)
    _require_no_account(link)
    membership = link.membership
    sent = contact_code_send(
        to=_invitation_contact(link),
        purpose=_invitation_purpose(link),
        locality=membership.locality,
    )
    if sent is None:
        raise ApplicationError(
            _(
                "We have sent 5 codes for this invitation in the last hour. Wait a "
                "while before asking for another, or phone us."
            ),
            code="throttled",
        )
    audit_record(
        actor=None,
        action="supporter_invitation_code_sent",
        target=membership,
        locality=membership.locality,
        data={"link": link.pk, "channel": sent.channel, "asked": "signed_out"},
    )
    return sent


def supporter_accept_with_code(
    *,
    link_id: int,
    token: str,
    code_id: int,
    code: str,
    accept: bool,
    full_name: str = "",
) -> SupporterLink:
    """The invited person, with no account, types back the code sent to the
    invitation's address and says yes or no. Yes makes their account (with
    that address and the supporter role) and accepts, in one transaction;
    no declines and makes nothing.

    Raises ApplicationError: the link does not work, an account already has
    the address (``has_account``), no name when accepting, or the code is
    wrong, dead, expired or used (as ``signin_code_verify``; a wrong try is
    counted, so the code is checked in a transaction of its own before the
    change)."""
    link = supporter_link_for_token(link_id=link_id, token=token)
    if accept:
        _require_no_account(link)
        if not full_name.strip():
            raise ApplicationError(_("Enter your full name."), field="full_name")
    contact = _invitation_contact(link)
    contact_code_verify(
        code_id=code_id,
        code=code,
        to=contact,
        purpose=_invitation_purpose(link),
        locality=link.membership.locality,
    )
    return _supporter_answer_as_new_person(
        link_id=link.pk, contact=contact, full_name=full_name, accept=accept
    )


@transaction.atomic
def _supporter_answer_as_new_person(
    *, link_id: int, contact: str, full_name: str, accept: bool
) -> SupporterLink:
    link = (
        SupporterLink.objects.select_for_update(of=("self",))
        .select_related("membership__person", "membership__locality")
        .get(pk=link_id)
    )
    if link.status != SupporterLink.Status.INVITED:
        raise ApplicationError(
            _("This invitation has already been answered or withdrawn.")
        )
    membership = link.membership
    locality = membership.locality
    person: User | None = None
    if accept:
        fields = contact_details_clean(
            {
                "full_name": full_name,
                "email" if "@" in contact else "mobile": contact,
            }
        )
        # Someone may have taken the address since the code was sent.
        contact_details_check_unique(fields, exclude_pk=None)
        person = User(**fields, home_locality=locality)
        person.set_unusable_password()
        person_save_validated(person)
        RoleAssignment.objects.create(
            user=person, locality=locality, role=Role.SUPPORTER
        )
        link.status = SupporterLink.Status.ACTIVE
        link.supporter = person
        link.accepted_at = timezone.now()
        audit_record(
            actor=person,
            action="person_created",
            target=person,
            locality=locality,
            data={
                "role": Role.SUPPORTER,
                "how": "supporter_invitation",
                "with_email": bool(person.email),
                "with_mobile": bool(person.mobile),
            },
        )
    else:
        link.status = SupporterLink.Status.DECLINED
    link.save()
    audit_record(
        actor=person,
        action="supporter_accepted" if accept else "supporter_declined",
        target=membership,
        locality=locality,
        data={"link": link.pk, "how": "code"},
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
