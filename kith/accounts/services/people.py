"""Contact details and the person record: cleaning them, checking they are
unique, creating and updating a person."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kith.accounts import hooks
from kith.accounts.models import (
    STAFF_ROLES,
    Role,
    RoleAssignment,
    User,
)
from kith.accounts.permissions import (
    Perm,
    has_perm,
    require_perm,
)
from kith.accounts.phones import mobile_normalise, phone_normalise
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.places.models import Locality
from kith.places.postcodes import postcode_normalise

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
def person_contact_update(
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
