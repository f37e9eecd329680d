"""Reads about help, scoped to who is asking.

A helper sees a member's address and phone only for a confirmed visit, from
24 hours before it until 24 hours after (``member_contact_for_helper``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.help.models import Concern, Feedback, HelpCategory, HelpRequest, Visit
from kith.helpers.models import HelperProfile, HelperStatus
from kith.members.access import (
    SupporterMay,
    may_act_for,
    memberships_actor_may_act_for,
    require_may_act_for,
    sees_all,
)
from kith.members.models import Membership
from kith.places.models import Locality

CONTACT_WINDOW = timedelta(hours=24)
LIVE = [Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]


def _require_may_see_requests(*, actor: User, membership: Membership) -> bool:
    """A member's help requests and visits are seen by the member, a
    coordinator, or a supporter allowed to ask for help or to see visits (the
    rule is ``kith.members.access``'s); raises ``PermissionDenied``.

    Returns whether they see all of them: a supporter allowed only to ask
    for help sees just the requests they asked for themself (ADR 0020)."""
    how = require_may_act_for(
        actor=actor,
        membership=membership,
        coordinator_perm=Perm.HELP_MANAGE,
        supporter_may=(SupporterMay.ASK_FOR_HELP, SupporterMay.SEE_VISITS),
    )
    return sees_all(
        actor=actor, membership=membership, how=how, may=SupporterMay.SEE_VISITS
    )


def categories_for(*, locality: Locality) -> QuerySet[HelpCategory]:
    return HelpCategory.objects.filter(locality=locality, is_active=True)


def _request_detail(queryset: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    return queryset.select_related(
        "membership__person", "membership__ward", "category", "asked_by", "locality"
    ).prefetch_related(
        "windows",
        Prefetch(
            "visits",
            queryset=Visit.objects.select_related("helper__user", "feedback").order_by(
                "occurrence", "pk"
            ),
        ),
        "events__actor",
        "events__on_behalf_of",
    )


def request_get_for(*, actor: User, pk: int) -> HelpRequest:
    """A request as its member, a coordinator of its locality, or their
    supporter sees it: one allowed to see visits sees any of the member's
    requests, one allowed only to ask for help just those they asked.
    Raises ``PermissionDenied`` for anyone else."""
    request = _request_detail(HelpRequest.objects.filter(pk=pk)).first()
    if request is None:
        raise Http404
    if (
        not _require_may_see_requests(actor=actor, membership=request.membership)
        and request.asked_by_id != actor.pk
    ):
        raise PermissionDenied
    return request


def requests_for_member(
    *, actor: User, membership: Membership
) -> QuerySet[HelpRequest]:
    """The member's requests, or only those the actor asked when they are a
    supporter allowed to ask for help but not to see visits."""
    found = HelpRequest.objects.filter(membership=membership)
    if not _require_may_see_requests(actor=actor, membership=membership):
        found = found.filter(asked_by=actor)
    return _request_detail(found)


def coming_visits_for_member(*, actor: User, membership: Membership) -> QuerySet[Visit]:
    """Confirmed visits still to come, for the member, a supporter who may see
    visits, or a coordinator; a supporter allowed only to ask for help sees
    the visits of the requests they asked."""
    found = Visit.objects.filter(
        request__membership=membership,
        status=Visit.Status.CONFIRMED,
        starts_at__gte=timezone.now() - timedelta(hours=2),
    )
    if not _require_may_see_requests(actor=actor, membership=membership):
        found = found.filter(request__asked_by=actor)
    return found.select_related("helper__user", "request__category").order_by(
        "starts_at"
    )


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
        )
        .prefetch_related("request__windows")
        .order_by("starts_at", "offered_at")
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


def suitable_helpers(
    *, actor: User, request: HelpRequest
) -> list[tuple[HelperProfile, str | None]]:
    """Every active helper of the locality, with why each may not be offered
    this request (None for those who may). Coordinators only."""
    from kith.help.services import helper_unsuitable_reason

    require_perm(actor, Perm.HELP_MANAGE, request.locality)
    helpers = (
        HelperProfile.objects.filter(
            locality=request.locality, status=HelperStatus.ACTIVE
        )
        .select_related("user")
        .prefetch_related("skills")
        .order_by("user__full_name")
    )
    return [
        (helper, helper_unsuitable_reason(helper=helper, request=request))
        for helper in helpers
    ]


# --- coordinators ------------------------------------------


@dataclass
class Dashboard:
    open_requests: list[HelpRequest]
    visits_today: list[Visit]
    offers_waiting: list[Visit]
    accepted_to_confirm: list[Visit]
    no_shows: list[Visit]
    low_ratings: list[Feedback]
    concerns: list[Concern]
    unsettled: list[Visit]
    low_credit: list[tuple[Membership, int]]


URGENCY_ORDER = {"urgent": 0, "soon": 1, "routine": 2}


def dashboard_for(*, actor: User, locality: Locality) -> Dashboard:
    """Open requests by urgency and age, visits today, offers waiting for an
    answer, and problems: no-shows, low ratings, concerns, members low on
    credits. Coordinators only."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    now = timezone.now()
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    recent = now - timedelta(days=28)
    open_requests = sorted(
        HelpRequest.objects.filter(locality=locality, status=HelpRequest.Status.OPEN)
        .select_related("membership__person", "category")
        .prefetch_related("windows"),
        key=lambda r: (URGENCY_ORDER.get(r.urgency, 3), r.created_at),
    )
    visits = Visit.objects.filter(request__locality=locality).select_related(
        "helper__user", "request__membership__person", "request__category"
    )
    return Dashboard(
        open_requests=open_requests,
        visits_today=list(
            visits.filter(
                status__in=[
                    Visit.Status.CONFIRMED,
                    Visit.Status.DONE,
                    Visit.Status.SETTLED,
                ],
                starts_at__gte=start,
                starts_at__lt=start + timedelta(days=1),
            ).order_by("starts_at")
        ),
        offers_waiting=list(
            visits.filter(status=Visit.Status.OFFERED).order_by("offered_at")
        ),
        accepted_to_confirm=list(
            visits.filter(status=Visit.Status.ACCEPTED).order_by("starts_at")
        ),
        no_shows=list(
            visits.filter(status=Visit.Status.NO_SHOW, updated_at__gte=recent)
        ),
        low_ratings=list(
            Feedback.objects.filter(
                visit__request__locality=locality, rating__lte=2, created_at__gte=recent
            ).select_related(
                "visit__helper__user", "visit__request__membership__person"
            )
        ),
        concerns=list(
            Concern.objects.filter(
                locality=locality, status=Concern.Status.OPEN
            ).select_related("membership__person", "raised_by")
        ),
        unsettled=list(visits.filter(status=Visit.Status.DONE).order_by("done_at")),
        low_credit=_members_low_on_credit(locality),
    )


def _members_low_on_credit(locality: Locality) -> list[tuple[Membership, int]]:
    """Active members with visits to come whose balance is under an hour."""
    from kith.credits.models import Account

    members = {
        m.person_id: m
        for m in Membership.objects.filter(
            locality=locality,
            status=Membership.Status.ACTIVE,
            help_requests__visits__status=Visit.Status.CONFIRMED,
        )
        .select_related("person")
        .distinct()
    }
    if not members:
        return []
    balances = dict(
        Account.objects.filter(
            locality=locality, kind="member", person_id__in=members
        ).values_list("person_id", "balance_minutes")
    )
    return sorted(
        (
            (membership, balances.get(person_id, 0))
            for person_id, membership in members.items()
            if balances.get(person_id, 0) < 60
        ),
        key=lambda pair: pair[1],
    )


@dataclass
class Reliability:
    helper: HelperProfile
    offers: int
    accepted: int
    done: int
    late_cancellations: int
    no_shows: int
    average_rating: float | None

    @property
    def acceptance_percent(self) -> int | None:
        answered = self.offers
        return round(100 * self.accepted / answered) if answered else None


def reliability_for(*, actor: User, locality: Locality) -> list[Reliability]:
    """Each helper's record: offers accepted, visits done, late
    cancellations, no-shows and average rating. Coordinators only."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    helpers = (
        HelperProfile.objects.filter(locality=locality)
        .exclude(status=HelperStatus.LEFT)
        .select_related("user")
        .annotate(
            n_offers=Count(
                "visits", filter=~Q(visits__status=Visit.Status.OFFERED), distinct=True
            ),
            n_accepted=Count(
                "visits",
                filter=~Q(
                    visits__status__in=[Visit.Status.OFFERED, Visit.Status.DECLINED]
                ),
                distinct=True,
            ),
            n_done=Count(
                "visits",
                filter=Q(visits__status__in=[Visit.Status.DONE, Visit.Status.SETTLED]),
                distinct=True,
            ),
            n_late=Count(
                "visits",
                filter=Q(
                    visits__late_cancellation=True,
                    visits__cancelled_by=Visit.Party.HELPER,
                ),
                distinct=True,
            ),
            n_no_show=Count(
                "visits",
                filter=Q(
                    visits__status=Visit.Status.NO_SHOW,
                    visits__no_show_by=Visit.Party.HELPER,
                ),
                distinct=True,
            ),
            rating=Avg("visits__feedback__rating"),
        )
        .order_by("user__full_name")
    )
    return [
        Reliability(
            helper=h,
            offers=h.n_offers,
            accepted=h.n_accepted,
            done=h.n_done,
            late_cancellations=h.n_late,
            no_shows=h.n_no_show,
            average_rating=round(h.rating, 1) if h.rating is not None else None,
        )
        for h in helpers
    ]


def concerns_for(*, actor: User, locality: Locality) -> QuerySet[Concern]:
    require_perm(actor, Perm.HELP_MANAGE, locality)
    return Concern.objects.filter(locality=locality).select_related(
        "membership__person", "raised_by", "handled_by", "visit"
    )


def members_to_ask_for(
    *, actor: User, locality: Locality, acting_for: User | None = None
) -> list[Membership]:
    """The members this person may ask for help for: themselves, the members
    they support (if allowed), or the one a coordinator is acting for."""
    return memberships_actor_may_act_for(
        actor=actor,
        locality=locality,
        supporter_may=SupporterMay.ASK_FOR_HELP,
        acting_for=acting_for,
    )


def members_to_show(
    *, actor: User, locality: Locality, acting_for: User | None = None
) -> list[Membership]:
    """The members whose help this person follows on the help page:
    themselves, the members they support (if allowed to ask for help or to
    see visits), or the one a coordinator is acting for."""
    return memberships_actor_may_act_for(
        actor=actor,
        locality=locality,
        supporter_may=(SupporterMay.ASK_FOR_HELP, SupporterMay.SEE_VISITS),
        acting_for=acting_for,
    )


def supporting_page_visits(*, actor: User, link: Any) -> dict[str, Any]:
    """For the page of a member a supporter supports (members'
    ``supporting_page_extras`` hook): the member's coming visits, when the
    member allowed the supporter to see them; nothing otherwise."""
    membership = link.membership
    if not may_act_for(
        actor=actor, membership=membership, supporter_may=SupporterMay.SEE_VISITS
    ):
        return {}
    return {
        "coming_visits": list(
            coming_visits_for_member(actor=actor, membership=membership)[:20]
        )
    }
