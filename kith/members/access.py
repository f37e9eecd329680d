"""Who may act for a member: the one place this rule is worked out.

Help, social and every later part ask here rather than reading
``SupporterLink`` themselves, so that the rule is the same everywhere and a
change to it (for safeguarding) is made once.

The rule. A person may act for a membership (ask, sign up, answer, see) when
they are, in this order:

1. the member themself (when ``member_perm`` is given, only while they hold
   it in the member's locality: a member whose roles were taken away is not
   a member here any more);
2. staff of the member's locality holding ``coordinator_perm`` (the
   coordinator who answers the phone); staff of another locality never;
3. a supporter whose link to this membership is active *and* whom the member
   allowed to do this thing (``supporter_may``: ask for help and sign up, see
   coming visits and help requests, see credits, or, with
   ``SupporterMay.ANYTHING``, any active link). An invited, declined or
   ended link gives nothing; a link to another member gives nothing for
   this one.

What each permission shows a supporter (ADR 0021), and nothing more:

- ``ASK_FOR_HELP``: ask for help and sign up for activities for the member,
  and follow what *they themselves* asked for (those requests, their
  timeline and visits, those sign-ups). Not the member's other requests,
  visits or places.
- ``SEE_VISITS``: the member's coming visits and all their help requests,
  each with its timeline; with ``ASK_FOR_HELP`` too, all their coming places
  at activities (not only those the supporter booked).
- ``SEE_CREDITS``: the member's credit balance and statement.

A caller that shows a supporter a list asks ``sees_all`` whether to narrow
it to what the supporter asked for themself.

Nobody else: not a helper (a helper sees a visit's details through help's
own contact window), not a signed-out visitor. A caller that does not name a
``coordinator_perm`` lets no staff through; one that does not name
``supporter_may`` lets no supporter through.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from kith.accounts.permissions import Perm, has_perm
from kith.members.models import Membership, SupporterLink
from kith.places.models import Locality


class SupporterMay(StrEnum):
    """What a member allowed a supporter to do (fields of ``SupporterLink``)."""

    ASK_FOR_HELP = "ask_for_help"  # ask for help, sign up for activities
    SEE_VISITS = "share_visits"  # see coming visits and help requests
    SEE_CREDITS = "see_credits"  # see the credit balance and statement
    ANYTHING = "anything"  # any active link, whatever it allows


class ActingAs(StrEnum):
    """In what capacity someone acts for a member."""

    MEMBER = "member"
    COORDINATOR = "coordinator"
    SUPPORTER = "supporter"


def _allowed(
    supporter_may: SupporterMay | Iterable[SupporterMay],
) -> list[SupporterMay]:
    if isinstance(supporter_may, SupporterMay):
        return [supporter_may]
    return list(supporter_may)


def _supporter_q(
    supporter_may: SupporterMay | Iterable[SupporterMay], prefix: str = ""
) -> Q:
    """Links that are active and allow one of ``supporter_may``."""
    active = Q(**{f"{prefix}status": SupporterLink.Status.ACTIVE})
    allowed = _allowed(supporter_may)
    if SupporterMay.ANYTHING in allowed:
        return active
    either = Q()
    for may in allowed:
        either |= Q(**{f"{prefix}{may.value}": True})
    return active & either


def is_supporter_of(
    *,
    actor: Any,
    membership: Membership,
    may: SupporterMay | Iterable[SupporterMay] = SupporterMay.ANYTHING,
) -> bool:
    """Whether ``actor`` has an active link to ``membership`` that allows one
    of ``may``."""
    if not getattr(actor, "is_authenticated", False) or not _allowed(may):
        return False
    return (
        SupporterLink.objects.filter(membership=membership, supporter=actor)
        .filter(_supporter_q(may))
        .exists()
    )


def sees_all(
    *, actor: Any, membership: Membership, how: ActingAs, may: SupporterMay
) -> bool:
    """Whether someone let in as ``how`` (by ``require_may_act_for``) sees all
    of ``membership``'s things of kind ``may``: the member and staff do; a
    supporter only when the member allowed them ``may``. A supporter let in
    by another permission alone (asking for help, say) sees only what they
    asked for themself, and the caller narrows the list to that."""
    if how != ActingAs.SUPPORTER:
        return True
    return is_supporter_of(actor=actor, membership=membership, may=may)


def acting_as(
    *,
    actor: Any,
    membership: Membership,
    coordinator_perm: Perm | None = None,
    supporter_may: SupporterMay | Iterable[SupporterMay] | None = None,
    member_perm: Perm | None = None,
) -> ActingAs | None:
    """How ``actor`` may act for ``membership`` under the module's rule, or
    None if they may not. The member comes first, then staff, then a
    supporter, so a coordinator who also supports the member acts as staff."""
    if not getattr(actor, "is_authenticated", False):
        return None
    locality = membership.locality
    if actor.pk == membership.person_id and (
        member_perm is None or has_perm(actor, member_perm, locality)
    ):
        return ActingAs.MEMBER
    if coordinator_perm is not None and has_perm(actor, coordinator_perm, locality):
        return ActingAs.COORDINATOR
    if supporter_may is not None and is_supporter_of(
        actor=actor, membership=membership, may=supporter_may
    ):
        return ActingAs.SUPPORTER
    return None


def may_act_for(
    *,
    actor: Any,
    membership: Membership,
    coordinator_perm: Perm | None = None,
    supporter_may: SupporterMay | Iterable[SupporterMay] | None = None,
    member_perm: Perm | None = None,
) -> bool:
    """Whether ``actor`` may act for ``membership`` (see the module's rule)."""
    return (
        acting_as(
            actor=actor,
            membership=membership,
            coordinator_perm=coordinator_perm,
            supporter_may=supporter_may,
            member_perm=member_perm,
        )
        is not None
    )


def require_may_act_for(
    *,
    actor: Any,
    membership: Membership,
    coordinator_perm: Perm | None = None,
    supporter_may: SupporterMay | Iterable[SupporterMay] | None = None,
    member_perm: Perm | None = None,
) -> ActingAs:
    """How ``actor`` acts for ``membership``; raises ``PermissionDenied`` if
    they may not."""
    found = acting_as(
        actor=actor,
        membership=membership,
        coordinator_perm=coordinator_perm,
        supporter_may=supporter_may,
        member_perm=member_perm,
    )
    if found is None:
        raise PermissionDenied
    return found


def memberships_actor_may_act_for(
    *,
    actor: Any,
    locality: Locality,
    supporter_may: SupporterMay | Iterable[SupporterMay] = SupporterMay.ASK_FOR_HELP,
    acting_for: Any = None,
) -> list[Membership]:
    """The active memberships in ``locality`` someone may choose between
    when asking or signing up.

    With ``acting_for`` (the person a coordinator has chosen to act for,
    which the acting-on-behalf middleware has already allowed), that person's
    own active membership. Otherwise the actor's own active membership first,
    then the members whose active link lets the actor do one of
    ``supporter_may``, the most recently linked first. A coordinator gets no
    list of everyone: they act for one member at a time.
    """
    active = Membership.objects.filter(
        locality=locality, status=Membership.Status.ACTIVE
    ).select_related("person", "locality")
    if acting_for is not None:
        return list(active.filter(person=acting_for))
    if not getattr(actor, "is_authenticated", False):
        return []
    found: list[Membership] = []
    own = active.filter(person=actor).first()
    if own is not None:
        found.append(own)
    if not _allowed(supporter_may):
        return found
    links = (
        SupporterLink.objects.filter(supporter=actor)
        .filter(_supporter_q(supporter_may))
        .filter(
            membership__locality=locality,
            membership__status=Membership.Status.ACTIVE,
        )
        .select_related("membership__person", "membership__locality")
    )
    seen = {m.pk for m in found}
    for link in links:
        if link.membership_id not in seen:
            seen.add(link.membership_id)
            found.append(link.membership)
    return found
