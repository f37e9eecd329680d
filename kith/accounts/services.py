"""Writes about people, roles, signing in and acting on someone's behalf.

Every function here checks permission, validates, writes an audit event and
owns its transaction. Each raises ApplicationError (nothing changed, the
message says why) or PermissionDenied.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from kith.accounts import hooks
from kith.accounts.models import (
    STAFF_ROLES,
    Authenticator,
    RecoveryCode,
    Role,
    RoleAssignment,
    SignInAttempt,
    SignInCode,
    User,
)
from kith.accounts.permissions import (
    Perm,
    forget_roles,
    has_perm,
    require_perm,
    roles_in,
)
from kith.accounts.phones import mobile_normalise, phone_normalise
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.places.models import Locality
from kith.places.postcodes import postcode_normalise

SIGN_IN_CODE_LIFETIME = timedelta(minutes=10)
SIGN_IN_CODE_MAX_WRONG = 5
SIGN_IN_CODES_PER_HOUR = 5

# Slowing down guessing: failures since the last success, within the window.
THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_SLOW_AFTER = 3  # then wait 2, 4, 8 ... seconds between tries
ACCOUNT_REFUSE_AFTER = 10  # then refused until the window has passed
ADDRESS_SLOW_AFTER = 20
ADDRESS_REFUSE_AFTER = 100
MAX_WAIT_SECONDS = 120

RECOVERY_CODE_COUNT = 10


def _digest(purpose: str, value: str) -> str:
    return salted_hmac(
        f"kith.accounts.{purpose}", value, algorithm="sha256"
    ).hexdigest()


# --- contact details ---------------------------------------------------------


def contact_details_clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalise contact fields; raise ApplicationError naming the bad field."""
    cleaned = dict(fields)
    if "email" in cleaned:
        email = (cleaned["email"] or "").strip().lower()
        cleaned["email"] = email or None
    for name, normalise in (("mobile", mobile_normalise), ("phone", phone_normalise)):
        if name in cleaned:
            raw = (cleaned[name] or "").strip()
            if raw:
                try:
                    cleaned[name] = normalise(raw)
                except ValidationError as exc:
                    raise ApplicationError(exc.messages[0], field=name) from exc
            else:
                cleaned[name] = None if name == "mobile" else ""
    if cleaned.get("postcode"):
        try:
            cleaned["postcode"] = postcode_normalise(cleaned["postcode"])
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0], field="postcode") from exc
    for name in (
        "full_name",
        "preferred_name",
        "address_line_1",
        "address_line_2",
        "town",
    ):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "full_name" in cleaned and not cleaned["full_name"]:
        raise ApplicationError(_("Enter the person’s full name."), field="full_name")
    return cleaned


def contact_details_check_unique(
    cleaned: dict[str, Any], *, exclude_pk: int | None
) -> None:
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if cleaned.get("email") and others.filter(email__iexact=cleaned["email"]).exists():
        raise ApplicationError(
            _(
                "Someone else already uses this email address. Each person needs "
                "their own."
            ),
            field="email",
        )
    if cleaned.get("mobile") and others.filter(mobile=cleaned["mobile"]).exists():
        raise ApplicationError(
            _(
                "Someone else already uses this mobile number. Each person needs "
                "their own."
            ),
            field="mobile",
        )


def contact_details_claimed(
    cleaned: dict[str, Any], *, exclude_pk: int | None
) -> dict[str, User]:
    """The cleaned email address and mobile number that are already on
    someone else's record, by field name, with that someone.

    An online application or joining must never attach itself to such a
    record, nor say whose it is: the caller leaves these details off the new
    record, flags a likely duplicate and tells the owner (ADR 0016)."""
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    claimed: dict[str, User] = {}
    if cleaned.get("email"):
        owner = others.filter(email__iexact=cleaned["email"]).first()
        if owner is not None:
            claimed["email"] = owner
    if cleaned.get("mobile"):
        owner = others.filter(mobile=cleaned["mobile"]).first()
        if owner is not None:
            claimed["mobile"] = owner
    return claimed


def contact_owner_tell(
    *, owner: User, field: str, locality: Locality, joining: bool
) -> None:
    """Tell the owner of an email address or mobile number, at that address
    or number, that someone gave it when applying to be a helper
    (``joining`` False) or joining the circle (``joining`` True). Sent once
    the transaction commits; the same notice twice within the outbox's
    de-duplication window is sent once."""
    from kith.notify.models import Channel
    from kith.notify.services import message_queue

    to = owner.email if field == "email" else owner.mobile
    if not to:
        return
    message_queue(
        to=to,
        channel=Channel.EMAIL if field == "email" else Channel.SMS,
        template="contact_details_given_by_someone",
        personalisation={
            "name": owner.display_name,
            "contact_kind": _("email address")
            if field == "email"
            else _("mobile number"),
            "what": _("joining")
            if joining
            else _("applying to be a Neighbourhood Helper"),
            "locality_name": locality.name,
            "locality_phone": locality.phone,
        },
        recipient=owner,
        # The message is about the owner: it belongs to their locality, not
        # to the one whose page was used.
        locality=owner.home_locality
        or Locality.objects.filter(
            pk__in=RoleAssignment.objects.filter(user=owner).values("locality_id")
        )
        .order_by("pk")
        .first()
        or locality,
    )


def person_save_validated(user: User) -> None:
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(
            messages[0], field=None if field == "__all__" else field
        ) from exc
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two people saving the same email at the same moment.
        raise ApplicationError(
            _("Someone else already uses this email address or mobile number.")
        ) from exc


@transaction.atomic
def person_create(
    *,
    actor: User,
    locality: Locality,
    full_name: str,
    role: str = Role.MEMBER,
    preferred_name: str = "",
    email: str | None = None,
    mobile: str | None = None,
    phone: str = "",
    address_line_1: str = "",
    address_line_2: str = "",
    town: str = "",
    postcode: str = "",
) -> User:
    """Add a person to the locality with one role. Contact details are all
    optional: a coordinator can add someone who has no email or mobile.

    Only those who manage roles may add someone with a staff role.
    """
    require_perm(actor, Perm.PEOPLE_CREATE, locality)
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), field="role")
    if role in STAFF_ROLES and not has_perm(actor, Perm.ROLES_MANAGE, locality):
        raise PermissionDenied
    cleaned = contact_details_clean(
        {
            "full_name": full_name,
            "preferred_name": preferred_name,
            "email": email,
            "mobile": mobile,
            "phone": phone,
            "address_line_1": address_line_1,
            "address_line_2": address_line_2,
            "town": town,
            "postcode": postcode,
        }
    )
    contact_details_check_unique(cleaned, exclude_pk=None)
    person = User(**cleaned, home_locality=locality, created_by=actor)
    person.set_unusable_password()
    person_save_validated(person)
    RoleAssignment.objects.create(
        user=person, locality=locality, role=role, granted_by=actor
    )
    audit_record(
        actor=actor,
        action="person_created",
        target=person,
        locality=locality,
        data={
            "role": role,
            "with_email": bool(person.email),
            "with_mobile": bool(person.mobile),
        },
    )
    return person


CONTACT_FIELDS = (
    "full_name",
    "preferred_name",
    "email",
    "mobile",
    "phone",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
)


@transaction.atomic
def person_update_contact(
    *, actor: User, person: User, locality: Locality, **changes: Any
) -> User:
    """Change a person's name and contact details.

    A person may change their own; staff with PEOPLE_EDIT may change those of
    anyone who holds a role in their locality.
    """
    if actor.pk != person.pk:
        require_perm(actor, Perm.PEOPLE_EDIT, locality)
        if not RoleAssignment.objects.filter(user=person, locality=locality).exists():
            raise PermissionDenied
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Not contact fields: {sorted(unknown)}")
    cleaned = contact_details_clean(changes)
    contact_details_check_unique(cleaned, exclude_pk=person.pk)
    person = User.objects.select_for_update().get(pk=person.pk)
    changed = sorted(
        name for name, value in cleaned.items() if getattr(person, name) != value
    )
    if not changed:
        return person
    for name in changed:
        setattr(person, name, cleaned[name])
    person_save_validated(person)
    if "postcode" in changed:
        # Parts that file people by ward follow them when they move.
        hooks.person_moved.run(person=person)
    audit_record(
        actor=actor,
        action="contact_details_changed",
        target=person,
        on_behalf_of=person if actor.pk != person.pk else None,
        locality=locality,
        data={"fields": changed},
    )
    return person


# --- roles -------------------------------------------------------------------


@transaction.atomic
def role_grant(
    *, actor: User, user: User, locality: Locality, role: str
) -> RoleAssignment:
    """Give ``user`` a role in ``locality``. Granting one already held changes
    nothing."""
    require_perm(actor, Perm.ROLES_MANAGE, locality)
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), field="role")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, locality=locality, role=role, defaults={"granted_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="role_granted",
            target=user,
            locality=locality,
            data={"role": role},
        )
    forget_roles(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, user: User, locality: Locality, role: str) -> None:
    """Take a role away. The last administrator of a locality cannot be
    removed, so a locality is never left without one."""
    require_perm(actor, Perm.ROLES_MANAGE, locality)
    assignment = (
        RoleAssignment.objects.select_for_update()
        .filter(user=user, locality=locality, role=role)
        .first()
    )
    if assignment is None:
        raise ApplicationError(_("They do not have that role."), field="role")
    if role == Role.ADMIN:
        admins = RoleAssignment.objects.select_for_update().filter(
            locality=locality, role=Role.ADMIN
        )
        if admins.count() <= 1:
            raise ApplicationError(
                _("This is the locality’s only administrator. Add another one first."),
                field="role",
            )
    assignment.delete()
    forget_roles(user)
    audit_record(
        actor=actor,
        action="role_revoked",
        target=user,
        locality=locality,
        data={"role": role},
    )


# --- acting on behalf --------------------------------------------------------


def can_act_for(*, actor: User, person: User, locality: Locality) -> bool:
    """A coordinator may act for anyone who holds only non-staff roles in
    their locality, never for themselves or for other staff."""
    if actor.pk == person.pk or not person.is_active:
        return False
    if not has_perm(actor, Perm.ACT_ON_BEHALF, locality):
        return False
    held = roles_in(person, locality)
    return bool(held) and not (held & STAFF_ROLES) and not person.is_superuser


@transaction.atomic
def acting_start(*, actor: User, person: User, locality: Locality) -> User:
    """Start acting for ``person`` (for example during a phone call)."""
    if not can_act_for(actor=actor, person=person, locality=locality):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="acting_started",
        target=person,
        on_behalf_of=person,
        locality=locality,
    )
    return person


@transaction.atomic
def acting_stop(*, actor: User, person: User, locality: Locality | None) -> None:
    audit_record(
        actor=actor,
        action="acting_stopped",
        target=person,
        on_behalf_of=person,
        locality=locality,
    )


# --- slowing down guessing ---------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    wait_seconds: int
    refused: bool


def _throttle_for(
    failures: int, last_failure: Any, slow_after: int, refuse_after: int
) -> Throttle:
    now = timezone.now()
    if failures >= refuse_after:
        wait = THROTTLE_WINDOW - (now - last_failure)
        return Throttle(wait_seconds=max(1, int(wait.total_seconds())), refused=True)
    if failures >= slow_after:
        delay = min(MAX_WAIT_SECONDS, 2 ** (failures - slow_after + 1))
        remaining = delay - (now - last_failure).total_seconds()
        if remaining > 0:
            return Throttle(wait_seconds=int(remaining) + 1, refused=False)
    return Throttle(wait_seconds=0, refused=False)


def signin_throttle_check(
    *, identifier: str, ip_address: str | None, slow_down: bool = True
) -> None:
    """Refuse a sign-in attempt that comes too soon after failures for the same
    account or from the same address.

    ``slow_down=False`` skips the growing waits for the account (but not the
    refusal): a one-time code has its own limit of 5 tries, and someone
    mistyping it should see how many tries are left, not a wait.

    Raises ApplicationError (code ``throttled``) saying how long to wait.
    """
    key = _digest("identifier", identifier.strip().lower())
    since = timezone.now() - THROTTLE_WINDOW
    account_slow_after = ACCOUNT_SLOW_AFTER if slow_down else ACCOUNT_REFUSE_AFTER
    checks = [(Q(identifier=key), account_slow_after, ACCOUNT_REFUSE_AFTER)]
    if ip_address:
        checks.append(
            (Q(ip_address=ip_address), ADDRESS_SLOW_AFTER, ADDRESS_REFUSE_AFTER)
        )
    for scope, slow_after, refuse_after in checks:
        attempts = SignInAttempt.objects.filter(scope, created_at__gte=since)
        last_success = attempts.filter(succeeded=True).aggregate(at=Max("created_at"))[
            "at"
        ]
        failures = attempts.filter(succeeded=False)
        if last_success:
            failures = failures.filter(created_at__gt=last_success)
        summary = failures.aggregate(last=Max("created_at"))
        count = failures.count()
        if not count:
            continue
        throttle = _throttle_for(count, summary["last"], slow_after, refuse_after)
        if throttle.refused:
            minutes = max(1, round(throttle.wait_seconds / 60))
            raise ApplicationError(
                _(
                    "There have been too many tries to sign in. For your safety, "
                    "try again in %(minutes)d minutes."
                )
                % {"minutes": minutes},
                code="throttled",
            )
        if throttle.wait_seconds:
            raise ApplicationError(
                _("Please wait %(seconds)d seconds before trying again.")
                % {"seconds": throttle.wait_seconds},
                code="throttled",
            )


def signin_attempt_record(
    *, identifier: str, ip_address: str | None, succeeded: bool
) -> None:
    SignInAttempt.objects.create(
        identifier=_digest("identifier", identifier.strip().lower()),
        ip_address=ip_address,
        succeeded=succeeded,
    )


def signin_recorded(*, user: User, method: str) -> None:
    """Audit a completed sign-in, in the person's own locality. A sign-in
    with a code that a coordinator sent says who sent it."""
    data: dict[str, Any] = {"method": method}
    if method == "code":
        used = (
            SignInCode.objects.filter(user=user, used_at__isnull=False)
            .select_related("sent_by")
            .order_by("-used_at", "-pk")
            .first()
        )
        if used is not None and used.sent_by is not None:
            data["code_sent_by"] = used.sent_by.full_name
            data["code_sent_by_id"] = used.sent_by_id
    audit_record(
        actor=user,
        action="signed_in",
        target=user,
        locality=user.own_locality(),
        data=data,
    )


# --- one-time sign-in codes --------------------------------------------------


def user_find_by_identifier(identifier: str) -> User | None:
    """The active person whose email or mobile this is, if any."""
    value = (identifier or "").strip()
    if "@" in value:
        return User.objects.filter(email__iexact=value, is_active=True).first()
    try:
        mobile = mobile_normalise(value)
    except ValidationError:
        return None
    return User.objects.filter(mobile=mobile, is_active=True).first()


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


def signin_code_latest(*, identifier: str) -> SignInCode | None:
    """The newest code sent to the person with this email address or mobile
    number (one a coordinator sent them, say), for them to enter; None when
    there is no such person or code. Checking it is ``signin_code_verify``'s
    work: an expired, used or dead code is refused there."""
    user = user_find_by_identifier(identifier)
    if user is None:
        return None
    return SignInCode.objects.filter(user=user).order_by("-created_at", "-pk").first()


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


def signin_code_verify(*, code_id: int, code: str, locality: Locality | None) -> User:
    """Check a sign-in code. Returns the person on success; the code then
    stops working.

    Raises ApplicationError with code ``wrong`` (tries left), ``dead`` (5 wrong
    tries), ``expired`` or ``used``; a wrong try is counted even though the
    error is raised.
    """
    phone = locality.phone if locality else ""
    dead_message = _(
        "You have entered a wrong code 5 times, so this code no longer works. "
        "Ask for a new code, or phone us on %(phone)s."
    ) % {"phone": phone}
    error: ApplicationError | None = None
    with transaction.atomic():
        sign_in_code = (
            SignInCode.objects.select_for_update()
            .select_related("user")
            .filter(pk=code_id)
            .first()
        )
        if sign_in_code is None:
            raise ApplicationError(_("Ask for a new code."), code="expired")
        cleaned = "".join(ch for ch in (code or "") if ch.isdigit())
        if sign_in_code.used_at is not None:
            error = ApplicationError(
                _("This code has already been used. Ask for a new code."), code="used"
            )
        elif sign_in_code.wrong_tries >= SIGN_IN_CODE_MAX_WRONG:
            error = ApplicationError(dead_message, code="dead")
        elif sign_in_code.expires_at <= timezone.now():
            error = ApplicationError(
                _(
                    "This code has expired: codes work for 10 minutes. Ask for a new "
                    "code."
                ),
                code="expired",
            )
        elif len(cleaned) != 6 or not constant_time_compare(
            _digest("sign_in_code", f"{sign_in_code.pk}:{cleaned}"),
            sign_in_code.code_hash,
        ):
            sign_in_code.wrong_tries += 1
            sign_in_code.save(update_fields=["wrong_tries"])
            left = SIGN_IN_CODE_MAX_WRONG - sign_in_code.wrong_tries
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
            sign_in_code.used_at = timezone.now()
            sign_in_code.save(update_fields=["used_at"])
    if error is not None:
        raise error
    return sign_in_code.user


# --- authenticator app (staff) -----------------------------------------------


@transaction.atomic
def authenticator_begin(*, user: User) -> Authenticator:
    """Start setting up an authenticator app: a new secret, not yet trusted.
    Raises ApplicationError if one is already set up."""
    existing = Authenticator.objects.select_for_update().filter(user=user).first()
    if existing and existing.confirmed_at:
        raise ApplicationError(_("An authenticator app is already set up."))
    if existing:
        return existing
    return Authenticator.objects.create(user=user, secret=pyotp.random_base32())


def _totp_step(secret: str, code: str, last_used_step: int) -> int | None:
    """The time step that ``code`` matches (allowing one step of clock drift),
    or None. A step already used does not match again."""
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        step = current + offset
        if step > last_used_step and constant_time_compare(
            totp.generate_otp(step), code
        ):
            return step
    return None


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        RecoveryCode.objects.create(user=user, code_hash=_digest("recovery", code))
    return codes


@transaction.atomic
def authenticator_confirm(*, user: User, code: str) -> list[str]:
    """Trust the authenticator once it shows a right code. Returns the new
    recovery codes, to be shown once and never again."""
    authenticator = Authenticator.objects.select_for_update().filter(user=user).first()
    if authenticator is None:
        raise ApplicationError(_("Start again: set up your authenticator app."))
    if authenticator.confirmed_at:
        raise ApplicationError(_("An authenticator app is already set up."))
    step = _totp_step(
        authenticator.secret, _only_digits(code), authenticator.last_used_step
    )
    if step is None:
        raise ApplicationError(
            _("That code is not right. Enter the 6-digit code your app shows now."),
            field="code",
        )
    authenticator.confirmed_at = timezone.now()
    authenticator.last_used_step = step
    authenticator.save()
    codes = _new_recovery_codes(user)
    audit_record(
        actor=user,
        action="authenticator_set_up",
        target=user,
        locality=user.own_locality(),
    )
    return codes


def _only_digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def second_factor_verify(*, user: User, code: str) -> str:
    """Check a code from the authenticator app, or a recovery code.

    Returns ``"authenticator"`` or ``"recovery_code"``; raises ApplicationError
    when neither matches. A recovery code works once.
    """
    with transaction.atomic():
        authenticator = (
            Authenticator.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if authenticator is None:
            raise ApplicationError(_("Set up your authenticator app first."))
        typed = (code or "").strip().lower()
        digits = _only_digits(typed)
        if len(digits) == 6 and len(typed.replace(" ", "")) == 6:
            step = _totp_step(
                authenticator.secret, digits, authenticator.last_used_step
            )
            if step is not None:
                authenticator.last_used_step = step
                authenticator.save(update_fields=["last_used_step"])
                return "authenticator"
        else:
            digest = _digest("recovery", typed.replace(" ", ""))
            recovery = (
                RecoveryCode.objects.select_for_update()
                .filter(user=user, code_hash=digest, used_at__isnull=True)
                .first()
            )
            if recovery is not None:
                recovery.used_at = timezone.now()
                recovery.save(update_fields=["used_at"])
                left = RecoveryCode.objects.filter(
                    user=user, used_at__isnull=True
                ).count()
                audit_record(
                    actor=user,
                    action="recovery_code_used",
                    target=user,
                    locality=user.own_locality(),
                    data={"left": left},
                )
                return "recovery_code"
    raise ApplicationError(
        _(
            "That code is not right. Enter the 6-digit code your app shows now, or a "
            "recovery code."
        ),
        field="code",
    )


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes for oneself; the old ones stop working."""
    if not Authenticator.objects.filter(
        user=actor, confirmed_at__isnull=False
    ).exists():
        raise ApplicationError(_("Set up your authenticator app first."))
    codes = _new_recovery_codes(actor)
    audit_record(
        actor=actor,
        action="recovery_codes_regenerated",
        target=actor,
        locality=actor.own_locality(),
    )
    return codes


@transaction.atomic
def authenticator_reset(*, actor: User, user: User, locality: Locality) -> None:
    """For someone who lost their phone and their recovery codes: they set up
    a new authenticator at their next sign-in."""
    require_perm(actor, Perm.ROLES_MANAGE, locality)
    if not RoleAssignment.objects.filter(user=user, locality=locality).exists():
        raise PermissionDenied
    Authenticator.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(
        actor=actor, action="authenticator_reset", target=user, locality=locality
    )


def demo_authenticator_code(*, user: User) -> str | None:
    """The current code of a demo account's authenticator, shown on the
    sign-in page only in a development demo (KITH_DEMO with KITH_DEBUG)."""
    if not (settings.DEBUG and getattr(settings, "KITH_DEMO", False)):
        return None
    authenticator = Authenticator.objects.filter(
        user=user, confirmed_at__isnull=False
    ).first()
    if authenticator is None or not (user.email or "").endswith("@riverside.example"):
        return None
    return pyotp.TOTP(authenticator.secret).now()


# --- passwords ---------------------------------------------------------------


@transaction.atomic
def password_set(*, user: User, password: str, how: str) -> User:
    """Set a new password (already validated by the form) and audit it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=user,
        action="password_changed",
        target=user,
        locality=user.own_locality(),
        data={"how": how},
    )
    return user
