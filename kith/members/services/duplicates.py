"""Possible duplicates: a coordinator's decision, and merging two people
who are the same.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import PossibleDuplicate, RoleAssignment, User
from kith.accounts.permissions import Perm, forget_roles, require_perm
from kith.accounts.services import duplicate_decision_record
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members.models import CoordinatorNote, Membership
from kith.places.models import Locality


@transaction.atomic
def duplicate_decide(
    *, actor: User, duplicate: PossibleDuplicate, merge: bool
) -> PossibleDuplicate:
    """Settle a possible duplicate. Merging keeps the person who was known
    first (the pair's ``first``): the newer record's roles, membership and
    missing contact details move to them, and the newer account is closed
    (nothing is deleted). Raises ApplicationError if already decided."""
    locality = duplicate.locality
    require_perm(actor, Perm.MEMBERS_MANAGE, locality)
    duplicate = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.decision != PossibleDuplicate.Decision.OPEN:
        raise ApplicationError(_("This has already been decided."))
    if merge:
        _merge_people(
            actor=actor, keep=duplicate.first, drop=duplicate.second, locality=locality
        )
    duplicate, _changed = duplicate_decision_record(
        actor=actor,
        locality=locality,
        person=duplicate.first,
        other=duplicate.second,
        decision=PossibleDuplicate.Decision.MERGED
        if merge
        else PossibleDuplicate.Decision.KEPT,
    )
    for person, other in (
        (duplicate.second, duplicate.first),
        (duplicate.first, duplicate.second),
    ):
        membership = Membership.objects.filter(person=person, locality=locality).first()
        audit_record(
            actor=actor,
            action="duplicate_merged" if merge else "duplicate_kept",
            target=membership or person,
            locality=locality,
            data={"other": other.pk},
        )
    return duplicate


def _merge_people(*, actor: User, keep: User, drop: User, locality: Locality) -> None:
    if keep.pk == drop.pk:
        return
    keep = User.objects.select_for_update().get(pk=keep.pk)
    drop = User.objects.select_for_update().get(pk=drop.pk)
    released = {"email": drop.email, "mobile": drop.mobile}
    drop.email = None
    drop.mobile = None
    drop.is_active = False
    drop.save(update_fields=["email", "mobile", "is_active"])
    for name in ("email", "mobile"):
        if not getattr(keep, name) and released[name]:
            setattr(keep, name, released[name])
    for name in (
        "preferred_name",
        "phone",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
    ):
        if not getattr(keep, name) and getattr(drop, name):
            setattr(keep, name, getattr(drop, name))
    keep.save()
    for assignment in RoleAssignment.objects.filter(user=drop):
        RoleAssignment.objects.get_or_create(
            user=keep,
            locality=assignment.locality,
            role=assignment.role,
            defaults={"granted_by": actor},
        )
    RoleAssignment.objects.filter(user=drop).delete()
    kept_current = Membership.objects.filter(person=keep, locality=locality).exclude(
        status=Membership.Status.LEFT
    )
    for membership in Membership.objects.filter(person=drop):
        if membership.locality_id == locality.pk and kept_current.exists():
            membership.status = Membership.Status.LEFT
            membership.left_on = timezone.localdate()
            membership.leaving_reason = _("Merged into %(name)s’s record.") % {
                "name": keep.full_name
            }
            membership.save()
            CoordinatorNote.objects.create(
                membership=kept_current.first(),  # type: ignore[misc]
                author=actor,
                text=_(
                    "A second application from the same person was merged into this "
                    "record."
                ),
            )
        else:
            membership.person = keep
            membership.save(update_fields=["person", "updated_at"])
    forget_roles(keep)
    forget_roles(drop)
