"""Reads of people, scoped to what the acting person may see."""

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import PossibleDuplicate, Role, RoleAssignment, User
from kith.accounts.permissions import Perm, has_perm, has_role, require_perm
from kith.accounts.search import person_search_q, search_terms
from kith.core.models import AuditEvent
from kith.core.services import audit_record
from kith.places.models import Locality


def acting_for_resolve(*, actor: Any, person_id: int) -> User | None:
    """The person ``actor`` is acting for, if they still may: None otherwise."""
    from kith.accounts.services import can_act_for

    if not getattr(actor, "is_authenticated", False):
        return None
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        return None
    localities = Locality.objects.filter(
        pk__in=RoleAssignment.objects.filter(user=person).values("locality_id")
    )
    for locality in localities:
        if can_act_for(actor=actor, person=person, locality=locality):
            return person
    return None


def _with_roles(queryset: QuerySet[User], locality: Locality) -> QuerySet[User]:
    return queryset.prefetch_related(
        Prefetch(
            "roles",
            queryset=RoleAssignment.objects.filter(locality=locality),
            to_attr="roles_here",
        )
    )


def people_search_for(
    *, actor: User, locality: Locality, query: str = "", role: str = ""
) -> QuerySet[User]:
    """People who hold a role in the locality, matching ``query`` against name,
    email, phone numbers and postcode. Staff only."""
    require_perm(actor, Perm.PEOPLE_VIEW, locality)
    people = User.objects.filter(roles__locality=locality)
    if role:
        people = people.filter(roles__role=role)
    terms = search_terms(query)
    # A date of birth is kept on a membership or a helper's profile, which
    # people search cannot see: a date searches as the words typed.
    texts = terms.texts or tuple(word.lower() for word in query.split())
    for text in texts:
        people = people.filter(
            person_search_q((text,)) | Q(address_line_1__icontains=text)
        )
    return _with_roles(people.distinct().order_by("full_name", "pk"), locality)


def person_get_for(*, actor: User, locality: Locality, pk: int) -> User:
    """One person's record. Anyone may open their own; staff with PEOPLE_VIEW
    may open anyone's in their locality, and each time they do it is audited.

    Raises Http404 when there is no such person in the locality, and
    PermissionDenied when the actor may not see them.
    """
    if actor.pk == pk:
        return _with_roles(User.objects.filter(pk=pk), locality).get()
    if not has_perm(actor, Perm.PEOPLE_VIEW, locality):
        raise PermissionDenied
    person = _with_roles(
        User.objects.filter(pk=pk, roles__locality=locality).distinct(), locality
    )
    found = person.first()
    if found is None:
        raise Http404
    audit_record(
        actor=actor, action="person_record_viewed", target=found, locality=locality
    )
    return found


def audit_events_for(
    *,
    actor: User,
    locality: Locality,
    who: str = "",
    action: str = "",
    record: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The locality's audit trail, newest first, filtered. Staff only; an
    administrator also sees the events that belong to no locality."""
    require_perm(actor, Perm.AUDIT_VIEW, locality)
    events = AuditEvent.objects.filter(_audit_scope(actor, locality))
    if who:
        events = events.filter(
            Q(actor__full_name__icontains=who)
            | Q(on_behalf_of__full_name__icontains=who)
        )
    if action:
        events = events.filter(action=action)
    if record:
        events = events.filter(Q(target_label__icontains=record) | Q(target_id=record))
    zone = timezone.get_current_timezone()
    if date_from:
        events = events.filter(
            created_at__gte=datetime.combine(date_from, time.min, zone)
        )
    if date_to:
        events = events.filter(
            created_at__lte=datetime.combine(date_to, time.max, zone)
        )
    return events.select_related("actor", "on_behalf_of").order_by("-created_at", "-id")


def _audit_scope(actor: User, locality: Locality) -> Q:
    """The events a person may read in ``locality``'s audit log: those that
    belong to it, and for an administrator those that belong to none."""
    scope = Q(locality=locality)
    if has_role(actor, Role.ADMIN, locality):
        scope |= Q(locality__isnull=True)
    return scope


def audit_actions_for(*, actor: User, locality: Locality) -> list[str]:
    require_perm(actor, Perm.AUDIT_VIEW, locality)
    return sorted(
        AuditEvent.objects.filter(_audit_scope(actor, locality))
        .order_by()
        .values_list("action", flat=True)
        .distinct()
    )


def duplicates_decided(
    *, locality: Locality, people: list[int]
) -> set[tuple[int, int]]:
    """The pairs, each as (lower id, higher id), involving any of ``people``
    that a coordinator has decided (two people, or merged): they are not
    shown as possible duplicates again. One query."""
    return set(
        PossibleDuplicate.objects.filter(locality=locality)
        .exclude(decision=PossibleDuplicate.Decision.OPEN)
        .filter(Q(first_id__in=people) | Q(second_id__in=people))
        .values_list("first_id", "second_id")
    )


def duplicates_open_q(*, locality_field: str, person_field: str) -> Q:
    """A filter for rows (memberships, say) whose person has a possible
    duplicate still to look at in the row's locality."""
    pairs = PossibleDuplicate.objects.filter(
        locality=OuterRef(locality_field), decision=PossibleDuplicate.Decision.OPEN
    )
    return Q(Exists(pairs.filter(first=OuterRef(person_field)))) | Q(
        Exists(pairs.filter(second=OuterRef(person_field)))
    )


def duplicates_open_for(*, locality: Locality, person: User) -> list[PossibleDuplicate]:
    """This person's possible duplicates still to look at, oldest first."""
    return list(
        PossibleDuplicate.objects.filter(
            locality=locality, decision=PossibleDuplicate.Decision.OPEN
        )
        .filter(Q(first=person) | Q(second=person))
        .select_related("first", "second")
        .order_by("found_at", "pk")
    )
