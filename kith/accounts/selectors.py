"""Reads of people, scoped to what the acting person may see."""

from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from kith.accounts.models import (
    STAFF_ROLES,
    Authenticator,
    PossibleDuplicate,
    Role,
    RoleAssignment,
    SignInCode,
    User,
)
from kith.accounts.permissions import (
    Perm,
    has_perm,
    has_role,
    require_perm,
    roles_in,
    roles_of,
)
from kith.accounts.phones import mobile_normalise
from kith.accounts.search import person_search_q, search_terms
from kith.core.models import AuditEvent
from kith.core.services import audit_record
from kith.places.models import Locality


def can_act_for(*, actor: User, person: User, locality: Locality) -> bool:
    """A coordinator may act for anyone who holds only non-staff roles in
    their locality, never for themselves or for other staff."""
    if actor.pk == person.pk or not person.is_active:
        return False
    if not has_perm(actor, Perm.ACT_ON_BEHALF, locality):
        return False
    held = roles_in(person, locality)
    return bool(held) and not (held & STAFF_ROLES) and not person.is_superuser


def acting_for_resolve(*, actor: Any, person_id: int) -> User | None:
    """The person ``actor`` is acting for, if they still may: None otherwise."""
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


def user_by_id(*, pk: Any, active_only: bool = False) -> User | None:
    """The person with this id (only if active, when ``active_only``), or
    None. For ids the session holds, never for ids from a request."""
    people = User.objects.filter(pk=pk)
    if active_only:
        people = people.filter(is_active=True)
    return people.first()


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


def signin_code_latest(*, identifier: str) -> SignInCode | None:
    """The newest code sent to the person with this email address or mobile
    number (one a coordinator sent them, say), for them to enter; None when
    there is no such person or code. Checking it is ``signin_code_verify``'s
    work: an expired, used or dead code is refused there."""
    user = user_find_by_identifier(identifier)
    if user is None:
        return None
    return SignInCode.objects.filter(user=user).order_by("-created_at", "-pk").first()


def password_reset_user(*, uidb64: str, token: str) -> User | None:
    """The active person a password-reset link is for, or None when the link
    is malformed, names nobody, or its token is wrong or out of date."""
    try:
        user = User.objects.get(
            pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True
        )
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if not default_token_generator.check_token(user, token):
        return None
    return user


def authenticator_confirmed_of(*, user: User) -> Authenticator | None:
    """The person's confirmed authenticator app, if they have one."""
    return Authenticator.objects.filter(user=user, confirmed_at__isnull=False).first()


def recovery_codes_unused_count(*, user: User) -> int:
    """How many of the person's own recovery codes are still unused."""
    return user.recovery_codes.filter(used_at__isnull=True).count()


def has_authenticator(*, user: User, confirmed_only: bool = False) -> bool:
    """Whether the person has an authenticator app (a confirmed one, when
    ``confirmed_only``)."""
    found = Authenticator.objects.filter(user=user)
    if confirmed_only:
        found = found.filter(confirmed_at__isnull=False)
    return found.exists()


def localities_held_by(*, user: Any) -> QuerySet[Locality]:
    """The localities the person holds a role in."""
    return Locality.objects.filter(pk__in=roles_of(user))


def person_in_locality(*, locality: Locality, pk: int) -> User:
    """The person with this id who holds a role in the locality. The caller
    (a service) checks what the actor may do to them.

    Raises Http404 when there is no such person there."""
    person = User.objects.filter(pk=pk, roles__locality=locality).distinct().first()
    if person is None:
        raise Http404
    return person


def holds_role_in(*, person: User, locality: Locality) -> bool:
    """Whether the person holds any role in the locality (read afresh)."""
    return RoleAssignment.objects.filter(user=person, locality=locality).exists()
