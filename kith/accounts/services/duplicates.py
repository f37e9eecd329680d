"""Possible duplicates of people: one record of each pair, shared by the
parts that find them (joining as a member, the helpers' list) and the parts
that decide them (the members' and the helpers' merge).

These functions check no permission: the member and helper services that
call them check their own part's (``members_manage`` or ``helpers_manage``)
and record their own audit events. Each runs inside its caller's
transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import PossibleDuplicate, User
from kith.core.errors import ApplicationError
from kith.places.models import Locality


def _ordered(a: User, b: User) -> tuple[User, User]:
    if a.pk == b.pk:
        raise ApplicationError(_("Choose two different records."))
    return (a, b) if a.pk < b.pk else (b, a)


@transaction.atomic
def duplicate_flag(
    *, locality: Locality, person: User, other: User, reason: str
) -> PossibleDuplicate:
    """Flag two records as possibly one person, for a coordinator to look
    at. A pair already flagged or decided is left as it is."""
    first, second = _ordered(person, other)
    pair, _created = PossibleDuplicate.objects.get_or_create(
        locality=locality, first=first, second=second, defaults={"reason": reason}
    )
    return pair


@transaction.atomic
def duplicate_decision_record(
    *,
    actor: User,
    locality: Locality,
    person: User,
    other: User,
    decision: str,
    replace_decided: bool = False,
) -> tuple[PossibleDuplicate, bool]:
    """Record a coordinator's decision on a pair, flagged or not; returns the
    pair and whether anything changed. The same decision twice changes
    nothing; a different decision on a decided pair raises ApplicationError,
    unless ``replace_decided`` (two records merged by hand are one person,
    whatever was decided before).
    """
    if decision not in (
        PossibleDuplicate.Decision.KEPT,
        PossibleDuplicate.Decision.MERGED,
    ):
        raise ValueError(f"not a decision: {decision!r}")
    first, second = _ordered(person, other)
    pair, created = PossibleDuplicate.objects.select_for_update().get_or_create(
        locality=locality,
        first=first,
        second=second,
        defaults={
            "reason": PossibleDuplicate.Reason.DECIDED,
            "decision": decision,
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    if created:
        return pair, True
    if pair.decision == decision:
        return pair, False
    if pair.decision != PossibleDuplicate.Decision.OPEN and not replace_decided:
        raise ApplicationError(_("This has already been decided."))
    pair.decision = decision
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.save(update_fields=["decision", "decided_by", "decided_at"])
    return pair, True
