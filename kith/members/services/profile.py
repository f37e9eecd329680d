"""A member's profile, consents and coordinators' notes."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import ContactBy, User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members import hooks
from kith.members.models import (
    AccessNeed,
    Consent,
    CoordinatorNote,
    Interest,
    Membership,
)
from kith.members.services.common import _lock, _require_member_or_coordinator
from kith.places.selectors import postcode_ward

PROFILE_FIELDS = (
    "date_of_birth",
    "access_needs",
    "access_needs_notes",
    "own_interests",
    "emergency_name",
    "emergency_phone",
    "emergency_relationship",
)


def _profile_changes_clean(changes: dict[str, Any]) -> None:
    """Check and tidy the profile changes in place: a birth date in the past,
    known access needs and an emergency phone number that is a number."""
    born = changes.get("date_of_birth")
    if born is not None and born >= timezone.localdate():
        raise ApplicationError(
            _("Date of birth must be in the past."), field="date_of_birth"
        )
    if "access_needs" in changes:
        changes["access_needs"] = [
            n for n in changes["access_needs"] if n in AccessNeed.values
        ]
    if changes.get("emergency_phone"):
        from django.core.exceptions import ValidationError

        from kith.accounts.phones import phone_normalise

        try:
            changes["emergency_phone"] = phone_normalise(changes["emergency_phone"])
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0], field="emergency_phone") from exc


def _contact_way_set(
    person: User, *, contact_by: str | None, contact_times: str | None
) -> list[str]:
    """Change how and when a member likes to be contacted; the fields changed."""
    changed: list[str] = []
    if contact_by is not None and contact_by != person.contact_by:
        if contact_by not in ContactBy.values:
            raise ApplicationError(
                _("Choose how they like to be contacted."), field="contact_by"
            )
        needs = {
            "email": person.email,
            "sms": person.mobile,
            "letter": person.address_line_1,
        }
        if contact_by in needs and not needs[contact_by]:
            raise ApplicationError(
                _("Add that contact detail first, then choose it."), field="contact_by"
            )
        person.contact_by = contact_by
        person.save(update_fields=["contact_by"])
        changed.append("contact_by")
    if contact_times is not None and contact_times.strip() != person.contact_times:
        person.contact_times = contact_times.strip()
        person.save(update_fields=["contact_times"])
        changed.append("contact_times")
    return changed


@transaction.atomic
def profile_update(
    *,
    actor: User,
    membership: Membership,
    interest_ids: list[int] | None = None,
    contact_by: str | None = None,
    contact_times: str | None = None,
    **changes: Any,
) -> Membership:
    """Change what the circle knows about a member: their needs, interests,
    emergency contact and how to contact them. The member or a coordinator."""
    _require_member_or_coordinator(actor, membership)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    membership = _lock(membership)
    _profile_changes_clean(changes)
    changed: list[str] = []
    for key, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(membership, key) != value:
            setattr(membership, key, value)
            changed.append(key)
    if changed:
        membership.save()
    if interest_ids is not None:
        wanted = set(
            Interest.objects.filter(
                locality=membership.locality, pk__in=interest_ids
            ).values_list("pk", flat=True)
        )
        if wanted != set(membership.interests.values_list("pk", flat=True)):
            membership.interests.set(wanted)
            changed.append("interests")
    person = membership.person
    changed += _contact_way_set(
        person, contact_by=contact_by, contact_times=contact_times
    )
    if changed:
        audit_record(
            actor=actor,
            action="member_profile_changed",
            target=membership,
            on_behalf_of=person if actor.pk != person.pk else None,
            locality=membership.locality,
            data={"fields": sorted(changed)},
        )
    return membership


def memberships_ward_refresh(*, person: User) -> None:
    """Place a person's memberships in the wards their postcode lies in, after
    a move. Runs inside the caller's transaction."""
    for membership in Membership.objects.filter(person=person).select_related(
        "locality"
    ):
        ward = postcode_ward(postcode=person.postcode, locality=membership.locality)
        if ward != membership.ward:
            membership.ward = ward
            membership.save(update_fields=["ward", "updated_at"])


@transaction.atomic
def consent_record(
    *,
    actor: User,
    membership: Membership,
    kind: str,
    given: bool,
    how: str,
    service: str = "",
) -> Consent:
    """Record a member's answer to a consent question, with when and how it
    was given. The member, or a coordinator who asked them."""
    _require_member_or_coordinator(actor, membership)
    if kind not in Consent.Kind.values:
        raise ApplicationError(_("Choose what they are agreeing to."), field="kind")
    if how not in Consent.How.values:
        raise ApplicationError(_("Choose how they gave their answer."), field="how")
    if kind == Consent.Kind.SHARING and not service.strip():
        raise ApplicationError(_("Enter the name of the service."), field="service")
    consent = Consent.objects.create(
        membership=membership,
        kind=kind,
        given=given,
        how=how,
        service=service.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="consent_recorded",
        target=membership,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=membership.locality,
        data={"kind": kind, "given": given, "how": how, "service": service.strip()},
    )
    if kind == Consent.Kind.INTRODUCTIONS and not given:
        # Introductions waiting on them end now (social builds on members).
        hooks.introductions_consent_withdrawn.run(actor=actor, membership=membership)
    return consent


@transaction.atomic
def note_add(*, actor: User, membership: Membership, text: str) -> CoordinatorNote:
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    if not text.strip():
        raise ApplicationError(_("Enter the note."), field="text")
    note = CoordinatorNote.objects.create(
        membership=membership, author=actor, text=text.strip()
    )
    audit_record(
        actor=actor,
        action="member_note_added",
        target=membership,
        locality=membership.locality,
    )
    return note
