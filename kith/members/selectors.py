"""Reads of members, scoped to who is asking.

Coordinators see their locality's members (and opening a record is audited);
a member sees their own; a supporter sees only what the member shared, and
only while the link is active.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import PossibleDuplicate, User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.accounts.search import person_search_q, search_terms
from kith.accounts.selectors import duplicates_open_for, duplicates_open_q
from kith.core.services import audit_record
from kith.members.models import (
    Consent,
    Interest,
    Membership,
    MembershipPlan,
    SupporterLink,
)
from kith.members.rules import PlanFacts, eligible_plan_ids
from kith.places.models import Locality
from kith.places.selectors import postcode_ward


def members_list_for(
    *,
    actor: User,
    locality: Locality,
    query: str = "",
    status: str = "",
    plan_id: int | None = None,
    ward_id: int | None = None,
    renewal_due: bool = False,
    duplicates: bool = False,
) -> QuerySet[Membership]:
    """The locality's members, filtered, for coordinators. The same few
    queries whatever the length of the list."""
    require_perm(actor, Perm.MEMBERS_MANAGE, locality)
    members = Membership.objects.filter(locality=locality)
    if status:
        members = members.filter(status=status)
    else:
        members = members.exclude(status=Membership.Status.LEFT)
    if plan_id:
        members = members.filter(plan_id=plan_id)
    if ward_id:
        members = members.filter(ward_id=ward_id)
    if renewal_due:
        today = timezone.localdate()
        members = members.filter(
            status=Membership.Status.ACTIVE,
            renews_on__lte=today + timedelta(days=30),
        )
    if duplicates:
        members = members.filter(
            duplicates_open_q(locality_field="locality", person_field="person")
        )
    terms = search_terms(query)
    if terms.born is not None:
        members = members.filter(date_of_birth=terms.born)
    members = members.filter(person_search_q(terms.texts, "person__"))
    return members.select_related("person", "plan", "ward").order_by(
        "person__full_name", "pk"
    )


def open_duplicate_ids(*, memberships: list[Membership]) -> set[int]:
    """Which of these memberships (one page of a list) have a possible
    duplicate still to look at: one query for the page."""
    return set(
        Membership.objects.filter(pk__in=[m.pk for m in memberships])
        .filter(duplicates_open_q(locality_field="locality", person_field="person"))
        .values_list("pk", flat=True)
    )


def _with_detail(queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    return queryset.select_related(
        "person", "plan", "ward", "locality", "joined_by", "leaving_credits_to__person"
    ).prefetch_related(
        "interests",
        Prefetch("consents", queryset=Consent.objects.select_related("recorded_by")),
        Prefetch(
            "supporters",
            queryset=SupporterLink.objects.select_related("supporter", "invited_by"),
        ),
        "notes__author",
        "payments__recorded_by",
    )


def membership_get_for(*, actor: User, locality: Locality, pk: int) -> Membership:
    """A member's whole record, for coordinators of its locality (audited) or
    the member themselves. Raises Http404 or PermissionDenied."""
    membership = _with_detail(
        Membership.objects.filter(pk=pk, locality=locality)
    ).first()
    if membership is None:
        raise Http404
    if membership.person_id == actor.pk:
        return membership
    if not has_perm(actor, Perm.MEMBERS_MANAGE, locality):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="member_record_viewed",
        target=membership,
        locality=locality,
    )
    return membership


def my_membership(*, actor: User, locality: Locality) -> Membership | None:
    """The signed-in person's own current membership of the locality."""
    if not actor.is_authenticated:
        return None
    return (
        _with_detail(Membership.objects.filter(person=actor, locality=locality))
        .exclude(status=Membership.Status.LEFT)
        .first()
    )


def membership_current_for(*, person: User, locality: Locality) -> Membership:
    """The person's current (not left) membership of the locality, with its
    person and locality. Raises PermissionDenied when they have none: pages
    for members are not for anyone else."""
    found = (
        Membership.objects.filter(person=person, locality=locality)
        .exclude(status=Membership.Status.LEFT)
        .select_related("person", "locality")
        .first()
    )
    if found is None:
        raise PermissionDenied
    return found


def current_consents(membership: Membership) -> dict[str, Consent]:
    """The latest answer to each consent question (uses prefetched rows)."""
    latest: dict[str, Consent] = {}
    for consent in sorted(
        membership.consents.all(), key=lambda c: (c.recorded_at, c.pk), reverse=True
    ):
        key = (
            consent.kind
            if consent.kind != Consent.Kind.SHARING
            else f"sharing:{consent.service.lower()}"
        )
        latest.setdefault(key, consent)
    return latest


def supported_members_for(*, actor: User) -> QuerySet[SupporterLink]:
    """The members this person supports, through active links only."""
    return (
        SupporterLink.objects.filter(
            supporter=actor,
            status=SupporterLink.Status.ACTIVE,
            membership__status__in=[
                Membership.Status.ACTIVE,
                Membership.Status.APPLIED,
            ],
        )
        .select_related("membership__person", "membership__locality")
        .order_by("membership__person__full_name")
    )


def supporter_link_get_for(*, actor: User, pk: int) -> SupporterLink:
    """One active link of the supporter's own. Ending the link (by the member
    or anyone) ends this at once: it raises Http404 from then on."""
    link = supported_members_for(actor=actor).filter(pk=pk).first()
    if link is None:
        raise Http404
    return link


def supporter_link_get_for_member(
    *, actor: User, locality: Locality, pk: int
) -> SupporterLink:
    """A link as the member or a coordinator sees it (to end it)."""
    link = (
        SupporterLink.objects.select_related(
            "membership__person", "membership__locality"
        )
        .filter(pk=pk, membership__locality=locality)
        .first()
    )
    if link is None:
        raise Http404
    if link.membership.person_id == actor.pk or link.supporter_id == actor.pk:
        return link
    require_perm(actor, Perm.MEMBERS_MANAGE, locality)
    return link


def duplicate_get_for(*, actor: User, locality: Locality, pk: int) -> PossibleDuplicate:
    require_perm(actor, Perm.MEMBERS_MANAGE, locality)
    found = (
        PossibleDuplicate.objects.select_related("first", "second", "locality")
        .filter(pk=pk, locality=locality)
        .first()
    )
    if found is None:
        raise Http404
    return found


def duplicate_return_to(
    *, actor: User, duplicate: PossibleDuplicate, merged: bool
) -> Membership | None:
    """The member's record to show after deciding a pair: after a merge, the
    kept person's current membership; otherwise the newer record, which is
    the one joining flagged."""
    require_perm(actor, Perm.MEMBERS_MANAGE, duplicate.locality)
    people = [duplicate.first] if merged else [duplicate.second, duplicate.first]
    for person in people:
        found = (
            Membership.objects.filter(person=person, locality=duplicate.locality)
            .exclude(status=Membership.Status.LEFT)
            .first()
        )
        if found is not None:
            return found
    return (
        Membership.objects.filter(
            person__in=[duplicate.first, duplicate.second],
            locality=duplicate.locality,
        )
        .order_by("-pk")
        .first()
    )


@dataclass(frozen=True)
class DuplicateSeen:
    """A possible duplicate as seen from one member's record."""

    pair: PossibleDuplicate
    other: User


def duplicates_open_for_member(
    *, actor: User, membership: Membership
) -> list[DuplicateSeen]:
    """The member's possible duplicates still to look at, for coordinators."""
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    return [
        DuplicateSeen(pair=pair, other=pair.other_than(membership.person_id))
        for pair in duplicates_open_for(
            locality=membership.locality, person=membership.person
        )
    ]


def record_history(
    *, actor: User, membership: Membership, limit: int = 50
) -> list[Any]:
    """What happened to a member's record and to them as a person, newest
    first, for coordinators."""
    from kith.core.models import AuditEvent

    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    return list(
        AuditEvent.objects.filter(
            Q(target_type="members.membership", target_id=str(membership.pk))
            | Q(target_type="accounts.user", target_id=str(membership.person_id))
        )
        .exclude(action__in=["member_record_viewed", "person_record_viewed"])
        .select_related("actor", "on_behalf_of")
        .order_by("-created_at", "-id")[:limit]
    )


def membership_plans_for(
    *, actor: User, locality: Locality
) -> QuerySet[MembershipPlan]:
    require_perm(actor, Perm.PLANS_MANAGE, locality)
    return MembershipPlan.objects.filter(locality=locality)


def plans_for(*, locality: Locality) -> QuerySet[MembershipPlan]:
    """The locality's plans, open or not (plans are not personal)."""
    return MembershipPlan.objects.filter(locality=locality)


def open_plans_for(*, locality: Locality | None) -> QuerySet[MembershipPlan]:
    """The locality's plans open to new members (none when there is no
    locality)."""
    return MembershipPlan.objects.filter(locality=locality, is_open=True)


def plans_open_to(
    *, locality: Locality, postcode: str, born: date | None, on: date | None = None
) -> list[MembershipPlan]:
    """The plans someone living at ``postcode`` and born on ``born`` may join."""
    on = on or timezone.localdate()
    plans = list(open_plans_for(locality=locality))
    lives_here = postcode_ward(postcode=postcode, locality=locality) is not None
    ids = eligible_plan_ids(
        [PlanFacts(p.pk, p.minimum_age, p.is_open) for p in plans],
        born=born,
        lives_in_locality=lives_here,
        on=on,
    )
    return [plan for plan in plans if plan.pk in ids]


def interests_for(*, locality: Locality) -> QuerySet[Interest]:
    """The interests members of the locality can choose from."""
    return Interest.objects.filter(locality=locality)


def memberships_among(*, ids: list[int]) -> QuerySet[Membership]:
    """The memberships with these ids, with their people. For ids the
    session holds (those a person was offered), never for ids from a request."""
    return Membership.objects.filter(pk__in=ids).select_related("person")


def membership_by_id(*, pk: int) -> Membership:
    """The membership with this id, with its person and locality. For an id
    already checked against those offered. Raises Membership.DoesNotExist."""
    return Membership.objects.select_related("person", "locality").get(pk=pk)


def membership_just_joined(*, pk: int) -> Membership | None:
    """The membership whose id the session keeps after joining, for the page
    that says it is done. Never for an id from a request."""
    return (
        Membership.objects.select_related("plan", "person", "locality")
        .filter(pk=pk)
        .first()
    )


def supporter_invitation_get(*, membership: Membership, pk: int) -> SupporterLink:
    """One of the member's invitations still waiting for an answer. The
    caller has already checked who may open the member's record. Raises
    Http404 when there is no such invitation."""
    link = membership.supporters.filter(
        pk=pk, status=SupporterLink.Status.INVITED
    ).first()
    if link is None:
        raise Http404
    return link


def people_who_may_support(
    *, locality: Locality, membership: Membership, email: str = ""
) -> QuerySet[User]:
    """The active people of the locality, other than the member, a
    coordinator can choose from when a supporter accepts by phone: only
    those with the invitation's email address, when there are any."""
    people = (
        User.objects.filter(roles__locality=locality, is_active=True)
        .exclude(pk=membership.person_id)
        .distinct()
        .order_by("full_name")
    )
    if email:
        matching = people.filter(email__iexact=email)
        people = matching if matching.exists() else people
    return people


def members_to_give_credits_to(
    *, actor: User, membership: Membership
) -> QuerySet[Membership]:
    """Current members of the same circle, other than this one."""
    if actor.pk != membership.person_id:
        require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    return (
        Membership.objects.filter(
            locality=membership.locality,
            status__in=[Membership.Status.ACTIVE, Membership.Status.APPLIED],
        )
        .exclude(pk=membership.pk)
        .select_related("person")
        .order_by("person__full_name")
    )


def members_export_rows(
    *, actor: User, locality: Locality, members: QuerySet[Membership]
) -> list[list[Any]]:
    """Rows for the CSV export of a members list. Exporting is audited."""
    require_perm(actor, Perm.MEMBERS_MANAGE, locality)
    header = [
        "Name",
        "Preferred name",
        "Status",
        "Plan",
        "Concession",
        "Ward",
        "Postcode",
        "Email",
        "Mobile",
        "Phone",
        "Contact by",
        "Member since",
        "Renews on",
    ]
    rows: list[list[Any]] = [header]
    for m in members:
        person = m.person
        rows.append(
            [
                person.full_name,
                person.preferred_name,
                m.get_status_display(),
                m.plan.name,
                "yes" if m.concession else "no",
                m.ward.name if m.ward else "",
                person.postcode,
                person.email or "",
                person.mobile or "",
                person.phone,
                person.get_contact_by_display(),
                m.started_on or "",
                m.renews_on or "",
            ]
        )
    audit_record(
        actor=actor,
        action="members_exported",
        locality=locality,
        data={"rows": len(rows) - 1},
    )
    return rows
