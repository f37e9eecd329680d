"""A helper's own visits, and a member's contact details around a confirmed visit."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    F,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.help.models import (
    Visit,
)
from kith.help.selectors.common import CONTACT_WINDOW
from kith.helpers.models import HelperProfile, HelperStatus
from kith.places.models import Locality


def helper_profile_for(*, actor: User, locality: Locality) -> HelperProfile | None:
    return (
        HelperProfile.objects.filter(user=actor, locality=locality)
        .exclude(status=HelperStatus.LEFT)
        .first()
    )


def visits_for_helper(*, actor: User, helper: HelperProfile) -> QuerySet[Visit]:
    """A helper's own offers and visits. Nothing about the member's address:
    see member_contact_for_helper."""
    if helper.user_id != actor.pk:
        require_perm(actor, Perm.HELP_MANAGE, helper.locality)
    return (
        Visit.objects.filter(helper=helper)
        .select_related(
            "request__category",
            "request__membership__person",
            "request__membership__ward",
            # A visit for a neighbouring locality says which (ADR 0042).
            "request__locality",
        )
        .prefetch_related("request__windows")
        .order_by("starts_at", "offered_at")
    )


RECENT_SHOWN = 20


@dataclass(frozen=True)
class RecentVisit:
    """A visit whose time has passed. ``record_due``: the helper has not yet
    said how it went (how long it took, anything to tell the coordinators),
    so the visit is not yet done."""

    visit: Visit
    record_due: bool


@dataclass(frozen=True)
class HelperVisits:
    offers: list[Visit]
    coming: list[Visit]
    recent: list[RecentVisit]


def helper_visits_for(
    *, actor: User, helper: HelperProfile, now: datetime | None = None
) -> HelperVisits:
    """A helper's offers to answer, visits to come (soonest first) and the
    last ``RECENT_SHOWN`` visits whose time has passed (latest first). A
    confirmed visit whose time has passed is recent, with its record due,
    not coming. Two queries, however many visits the helper has had."""
    now = now or timezone.now()
    visits = visits_for_helper(actor=actor, helper=helper)
    happened = (Visit.Status.DONE, Visit.Status.SETTLED)
    passed = Q(status=Visit.Status.CONFIRMED, starts_at__lt=now)
    current = list(
        visits.filter(
            status__in=[
                Visit.Status.OFFERED,
                Visit.Status.ACCEPTED,
                Visit.Status.CONFIRMED,
            ]
        ).exclude(passed)
    )
    recent = visits.filter(Q(status__in=happened) | passed).order_by(
        F("starts_at").desc(nulls_last=True), F("offered_at").desc(), "-pk"
    )[:RECENT_SHOWN]
    return HelperVisits(
        offers=[v for v in current if v.status == Visit.Status.OFFERED],
        coming=[v for v in current if v.status != Visit.Status.OFFERED],
        recent=[
            RecentVisit(visit=v, record_due=v.status == Visit.Status.CONFIRMED)
            for v in recent
        ],
    )


def visit_get_for_helper(*, actor: User, pk: int) -> Visit:
    visit = (
        Visit.objects.select_related(
            "request__category",
            "request__membership__person",
            "request__membership__ward",
            "request__locality",
            "helper__user",
        )
        .prefetch_related("request__windows")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    if visit.helper.user_id == actor.pk:
        return visit
    if has_perm(actor, Perm.HELP_MANAGE, visit.request.locality):
        return visit
    raise Http404


@dataclass(frozen=True)
class MemberContact:
    address_lines: list[str]
    phone: str
    mobile: str
    place: str


def member_contact_for_helper(
    *, actor: User, visit: Visit, now: datetime | None = None
) -> MemberContact | None:
    """The member's address and phone, for the helper of a confirmed visit,
    from 24 hours before it until 24 hours after; None otherwise, for anyone
    else who is not a coordinator."""
    person = visit.request.membership.person
    contact = MemberContact(
        address_lines=person.address_lines,
        phone=person.phone,
        mobile=person.mobile or "",
        place=visit.request.place,
    )
    if has_perm(actor, Perm.HELP_MANAGE, visit.request.locality):
        return contact
    if visit.helper.user_id != actor.pk:
        return None
    if visit.status not in (
        Visit.Status.CONFIRMED,
        Visit.Status.DONE,
        Visit.Status.SETTLED,
    ):
        return None
    if visit.starts_at is None:
        return None
    now = now or timezone.now()
    if not (
        visit.starts_at - CONTACT_WINDOW <= now <= visit.starts_at + CONTACT_WINDOW
    ):
        return None
    return contact
