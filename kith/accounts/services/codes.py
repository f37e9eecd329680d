"""One-time sign-in codes and password-reset links."""

import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from kith.accounts.models import (
    ContactCode,
    Role,
    RoleAssignment,
    SignInCode,
    User,
)
from kith.accounts.permissions import (
    Perm,
    require_perm,
)
from kith.accounts.selectors import (  # noqa: F401 (re-exported)
    signin_code_latest,
    user_find_by_identifier,
)
from kith.accounts.services.signin import _digest
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.places.models import Locality

SIGN_IN_CODE_LIFETIME = timedelta(minutes=10)
SIGN_IN_CODE_MAX_WRONG = 5
SIGN_IN_CODES_PER_HOUR = 5

# --- one-time sign-in codes --------------------------------------------------


def _locality_words(locality: Locality | None) -> dict[str, str]:
    return {
        "service_name": locality.name if locality else "Kith",
        "locality_name": locality.name if locality else "Kith",
        "locality_phone": locality.phone if locality else "",
    }


def _code_send(
    *, user: User, channel: str, sent_by: User | None = None
) -> SignInCode | None:
    """Make a new code for ``user``, send it by ``channel`` and audit who
    caused it; None when too many codes were sent in the last hour. Any
    earlier code stops working. The code is only in the message sent: the
    outbox keeps it apart and forgets it once sent (ADR 0016)."""
    from kith.notify.services import message_queue

    now = timezone.now()
    recent = SignInCode.objects.filter(
        user=user, created_at__gte=now - timedelta(hours=1)
    )
    if recent.count() >= SIGN_IN_CODES_PER_HOUR:
        return None
    SignInCode.objects.filter(user=user, used_at__isnull=True).update(
        wrong_tries=SIGN_IN_CODE_MAX_WRONG
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    sign_in_code = SignInCode.objects.create(
        user=user,
        channel=channel,
        code_hash="",
        created_at=now,
        expires_at=now + SIGN_IN_CODE_LIFETIME,
        sent_by=sent_by,
    )
    sign_in_code.code_hash = _digest("sign_in_code", f"{sign_in_code.pk}:{code}")
    sign_in_code.save(update_fields=["code_hash"])
    # The message and the event belong to the person's own locality, never
    # to the page's: codes are asked for from signed-out pages of any circle.
    locality = user.own_locality()
    message_queue(
        to=user.email if channel == SignInCode.Channel.EMAIL else user.mobile,  # type: ignore[arg-type]
        channel=channel,
        template="sign_in_code",
        personalisation={"code": code, **_locality_words(locality)},
        recipient=user,
        locality=locality,
        urgent=True,
    )
    audit_record(
        actor=sent_by,
        action="sign_in_code_sent",
        target=user,
        on_behalf_of=user if sent_by is not None else None,
        locality=locality,
        data={"channel": channel, **({} if sent_by else {"asked": "signed_out"})},
    )
    return sign_in_code


@transaction.atomic
def signin_code_send(*, identifier: str) -> SignInCode | None:
    """Send a 6-digit sign-in code to the email address or mobile number given.

    Returns None, sending nothing, when no active person has that address or
    number (the page says the same either way, so it reveals nothing), or
    when too many codes were sent in the last hour. Any earlier code stops
    working. The message and its audit event belong to the person's own
    locality, whichever circle's page was used.
    """
    user = user_find_by_identifier(identifier)
    if user is None:
        return None
    channel = SignInCode.Channel.EMAIL if "@" in identifier else SignInCode.Channel.SMS
    return _code_send(user=user, channel=channel)


@transaction.atomic
def signin_code_send_for(*, actor: User, person: User, locality: Locality) -> str:
    """A coordinator sends ``person`` (on the phone to them) a new sign-in
    code, by text if they have a mobile number, else by email. The
    coordinator never sees the code; the audit log says who sent it, and the
    person's next sign-in says it was with a code they sent.

    Returns the channel used. Raises PermissionDenied unless the actor may
    change people's details in a locality where the person holds a role,
    and ApplicationError when the person has no email or mobile, or has had
    too many codes this hour.
    """
    require_perm(actor, Perm.PEOPLE_EDIT, locality)
    if not RoleAssignment.objects.filter(user=person, locality=locality).exists():
        raise PermissionDenied
    bad = set(person.bad_contact_details or [])
    channels = []
    if person.mobile and "mobile" not in bad:
        channels.append(SignInCode.Channel.SMS)
    if person.email and "email" not in bad:
        channels.append(SignInCode.Channel.EMAIL)
    if person.contact_by == "email":
        channels.sort(key=lambda channel: channel != SignInCode.Channel.EMAIL)
    if not person.is_active or not channels:
        raise ApplicationError(
            _(
                "%(name)s has no working email address or mobile number, so we "
                "cannot send them a code. Add one to their details first."
            )
            % {"name": person.display_name}
        )
    sent = _code_send(user=person, channel=channels[0], sent_by=actor)
    if sent is None:
        raise ApplicationError(
            _(
                "%(name)s has been sent %(count)d codes in the last hour. Wait a "
                "while before sending another."
            )
            % {"name": person.display_name, "count": SIGN_IN_CODES_PER_HOUR}
        )
    return str(channels[0])


@transaction.atomic
def password_reset_send(*, email: str, base_url: str) -> None:
    """Email a link to choose a new password to the active person with this
    email address, if there is one (the page says the same either way). The
    link is only in the message sent (ADR 0016); the message and the audit
    event belong to the person's own locality. ``base_url`` is the site's
    address, without a trailing slash."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from kith.notify.services import message_queue

    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url + reverse("accounts:password_reset_confirm", args=[uid, token])
    locality = user.own_locality()
    message_queue(
        to=user.email,  # type: ignore[arg-type]
        channel="email",
        template="password_reset",
        personalisation={"link": link, **_locality_words(locality)},
        recipient=user,
        locality=locality,
        urgent=True,
    )
    audit_record(
        actor=None,
        action="password_reset_requested",
        target=user,
        locality=locality,
        data={"asked": "signed_out"},
    )


def staff_invite(
    *, actor: User, person: User, locality: Locality, role: str, base_url: str
) -> None:
    """Email someone just given a staff role in a new locality a link to
    choose their password (the password-reset link: two hours, then
    "Forgotten your password?" gives another). The link is only in the
    message (ADR 0016); the audit log says who invited them."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from kith.notify.services import message_queue

    if not person.email:
        raise ApplicationError(
            _("Give their email address: the invitation goes by email."),
            field="email",
        )
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    link = base_url + reverse("accounts:password_reset_confirm", args=[uid, token])
    message_queue(
        to=person.email,
        channel="email",
        template="staff_invitation",
        personalisation={
            "name": person.display_name,
            "inviter": actor.display_name,
            "role": str(Role(role).label).lower(),
            "link": link,
            **_locality_words(locality),
        },
        recipient=person,
        locality=locality,
        urgent=True,
    )
    audit_record(
        actor=actor,
        action="staff_invited",
        target=person,
        locality=locality,
        data={"role": role},
    )


def _code_check(
    rows: QuerySet[Any], *, code_id: int, code: str, purpose: str, locality: Any
) -> Any:
    """Check a one-time code: the row ``code_id`` of ``rows`` (sign-in codes
    or contact codes), whose hash was taken for ``purpose``. Returns the row
    on success; it then stops working.

    Raises ApplicationError with code ``wrong`` (tries left), ``dead`` (5 wrong
    tries), ``expired`` or ``used``; a wrong try is counted even though the
    error is raised (so call this outside any other transaction)."""
    phone = locality.phone if locality else ""
    dead_message = _(
        "You have entered a wrong code 5 times, so this code no longer works. "
        "Ask for a new code, or phone us on %(phone)s."
    ) % {"phone": phone}
    error: ApplicationError | None = None
    with transaction.atomic():
        found = rows.select_for_update().filter(pk=code_id).first()
        if found is None:
            raise ApplicationError(_("Ask for a new code."), code="expired")
        cleaned = "".join(ch for ch in (code or "") if ch.isdigit())
        if found.used_at is not None:
            error = ApplicationError(
                _("This code has already been used. Ask for a new code."), code="used"
            )
        elif found.wrong_tries >= SIGN_IN_CODE_MAX_WRONG:
            error = ApplicationError(dead_message, code="dead")
        elif found.expires_at <= timezone.now():
            error = ApplicationError(
                _(
                    "This code has expired: codes work for 10 minutes. Ask for a new "
                    "code."
                ),
                code="expired",
            )
        elif len(cleaned) != 6 or not constant_time_compare(
            _digest(purpose, f"{found.pk}:{cleaned}"),
            found.code_hash,
        ):
            found.wrong_tries += 1
            found.save(update_fields=["wrong_tries"])
            left = SIGN_IN_CODE_MAX_WRONG - found.wrong_tries
            if left <= 0:
                error = ApplicationError(dead_message, code="dead")
            else:
                error = ApplicationError(
                    _(
                        "That code is not right. Check the code in your message and "
                        "try again (%(left)d tries left)."
                    )
                    % {"left": left},
                    field="code",
                    code="wrong",
                )
        else:
            found.used_at = timezone.now()
            found.save(update_fields=["used_at"])
    if error is not None:
        raise error
    return found


def signin_code_verify(*, code_id: int, code: str, locality: Locality | None) -> User:
    """Check a sign-in code. Returns the person on success; the code then
    stops working.

    Raises ApplicationError with code ``wrong`` (tries left), ``dead`` (5 wrong
    tries), ``expired`` or ``used``; a wrong try is counted even though the
    error is raised.
    """
    sign_in_code = _code_check(
        SignInCode.objects.select_related("user"),
        code_id=code_id,
        code=code,
        purpose="sign_in_code",
        locality=locality,
    )
    user: User = sign_in_code.user
    return user


# --- codes to an address on no account yet ----------------------------------


def _contact_digest(*, to: str, purpose: str) -> str:
    return _digest("contact", f"{purpose}:{to.strip().lower()}")


def contact_code_send(
    *, to: str, purpose: str, locality: Locality
) -> ContactCode | None:
    """Send a 6-digit code to the email address or mobile number ``to``, which
    is on no account yet, for ``purpose`` (what the caller will let the
    person do once they type it back). None, sending nothing, when 5 codes
    went to that address for that purpose in the last hour. Any earlier code
    stops working. The code is only in the message sent (ADR 0016). The
    caller checks that ``to`` is the address it means, owns the transaction
    and audits what the code is for."""
    from kith.notify.services import message_queue

    now = timezone.now()
    sent_to = _contact_digest(to=to, purpose=purpose)
    recent = ContactCode.objects.filter(
        sent_to=sent_to, purpose=purpose, created_at__gte=now - timedelta(hours=1)
    )
    if recent.count() >= SIGN_IN_CODES_PER_HOUR:
        return None
    ContactCode.objects.filter(
        sent_to=sent_to, purpose=purpose, used_at__isnull=True
    ).update(wrong_tries=SIGN_IN_CODE_MAX_WRONG)
    channel = SignInCode.Channel.EMAIL if "@" in to else SignInCode.Channel.SMS
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = ContactCode.objects.create(
        purpose=purpose,
        sent_to=sent_to,
        channel=channel,
        code_hash="",
        created_at=now,
        expires_at=now + SIGN_IN_CODE_LIFETIME,
    )
    row.code_hash = _digest("contact_code", f"{row.pk}:{code}")
    row.save(update_fields=["code_hash"])
    message_queue(
        to=to,
        channel=channel,
        template="contact_code",
        personalisation={"code": code, **_locality_words(locality)},
        locality=locality,
        urgent=True,
    )
    return row


def contact_code_verify(
    *, code_id: int, code: str, to: str, purpose: str, locality: Locality | None
) -> None:
    """Check a code sent by ``contact_code_send`` to ``to`` for ``purpose``; a
    code sent to another address or for another purpose is refused as if
    it did not exist. Raises ApplicationError as ``signin_code_verify``
    does (a wrong try is counted even though the error is raised)."""
    _code_check(
        ContactCode.objects.filter(
            sent_to=_contact_digest(to=to, purpose=purpose), purpose=purpose
        ),
        code_id=code_id,
        code=code,
        purpose="contact_code",
        locality=locality,
    )
