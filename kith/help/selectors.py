"""Reads about help, scoped to who is asking.

A helper sees a member's address and phone only for a confirmed visit, from
24 hours before it until 24 hours after (``member_contact_for_helper``).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.help.models import (
    Feedback,
    HelpCategory,
    HelpRequest,
    HelpSettings,
    Visit,
)
from kith.helpers.models import HelperProfile, HelperStatus, PayBasis
from kith.helpers.sharing import shared_helpers_near, sharing_on, sharing_partners
from kith.helpers.vetting import level_at_least
from kith.members.access import (
    ActingAs,
    SupporterMay,
    acting_as,
    may_act_for,
    memberships_actor_may_act_for,
    require_may_act_for,
    sees_all,
)
from kith.members.models import Membership
from kith.places.models import Locality
from kith.places.selectors import postcode_locate

CONTACT_WINDOW = timedelta(hours=24)
LIVE = [Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]


def _require_may_see_requests(*, actor: User, membership: Membership) -> bool:
    """A member's help requests and visits are seen by the member, a
    coordinator, or a supporter allowed to ask for help or to see visits (the
    rule is ``kith.members.access``'s); raises ``PermissionDenied``.

    Returns whether they see all of them: a supporter allowed only to ask
    for help sees just the requests they asked for themself (ADR 0021)."""
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


def all_categories_for(*, locality: Locality) -> QuerySet[HelpCategory]:
    """Every kind of help in the locality, stopped ones too, with its skill."""
    return HelpCategory.objects.filter(locality=locality).select_related("skill")


def category_get_for(*, locality: Locality, pk: int) -> HelpCategory:
    """One kind of help in the locality, stopped or not. Raises Http404 when
    there is no such kind here."""
    category = HelpCategory.objects.filter(pk=pk, locality=locality).first()
    if category is None:
        raise Http404
    return category


def help_settings_for(*, locality: Locality) -> HelpSettings:
    """The locality's rules for visits: the saved ones, or the defaults (not
    saved here) when none have been saved yet."""
    found = HelpSettings.objects.filter(locality=locality).first()
    return found if found is not None else HelpSettings(locality=locality)


def visit_cancel_is_late(*, visit: Visit) -> bool:
    """Whether cancelling this confirmed visit now is a late cancellation:
    within the locality's late-cancellation hours of its start."""
    if visit.starts_at is None or visit.status != Visit.Status.CONFIRMED:
        return False
    hours = help_settings_for(locality=visit.request.locality).late_cancellation_hours
    return visit.starts_at - timezone.now() < timedelta(hours=hours)


def can_ask_for(*, actor: Any, membership: Membership) -> str | None:
    """How ``actor`` may ask for help for ``membership``: "online" (the
    member), "supporter", "phone" (a coordinator), or None. The rule is
    ``kith.members.access``'s."""
    how = acting_as(
        actor=actor,
        membership=membership,
        coordinator_perm=Perm.HELP_MANAGE,
        supporter_may=SupporterMay.ASK_FOR_HELP,
    )
    if how is None:
        return None
    return _ASKED_HOW[how]


_ASKED_HOW = {
    ActingAs.MEMBER: HelpRequest.AskedHow.ONLINE,
    ActingAs.COORDINATOR: HelpRequest.AskedHow.PHONE,
    ActingAs.SUPPORTER: HelpRequest.AskedHow.SUPPORTER,
}


def request_vetting_day(request: HelpRequest) -> date:
    """The day a helper's vetting is judged for a request: its first day
    (today, if that has passed). An offer and a request's shortlist judge it
    on this day; a plan for many requests judges it on the day it is built,
    and each offer it sends is checked again on this day."""
    first_day = min(
        (w.starts_at for w in request.windows.all()), default=timezone.now()
    )
    return max(timezone.localdate(), timezone.localtime(first_day).date())


def helper_unsuitable_reason(
    *, helper: HelperProfile, request: HelpRequest
) -> str | None:
    """Why ``helper`` may not be offered ``request``, in plain words; None
    when they may."""
    shared = helper.locality_id != request.locality_id
    if shared:
        refused = _shared_unsuitable_reason(helper=helper, request=request)
        if refused:
            return refused
    if helper.status != HelperStatus.ACTIVE:
        return _("They are not an active helper (%(status)s).") % {
            "status": helper.get_status_display()
        }
    level = helper.level_on(request_vetting_day(request))
    if not level_at_least(level, request.category.vetting_level):
        return _(
            "Their vetting level (%(level)s) is below what %(category)s needs."
        ) % {
            "level": level.label,
            "category": request.category.name,
        }
    skill_id = request.category.skill_id
    needed = request.category.skill if skill_id else None
    has_skill = (
        needed is None
        or (
            # A shared helper listed their home locality's skills: the same
            # skill is the one of the same name (ADR 0042).
            helper.skills.filter(skill__name__iexact=needed.name)
            if shared
            else helper.skills.filter(skill_id=needed.pk)
        ).exists()
    )
    if not has_skill:
        return _("They have not said they can do %(category)s.") % {
            "category": request.category.name
        }
    if request.visits.filter(helper=helper, status=Visit.Status.DECLINED).exists():
        return _("They declined this request.")
    return None


def _shared_unsuitable_reason(
    *, helper: HelperProfile, request: HelpRequest
) -> str | None:
    """Why a helper of another locality may not be offered ``request``, or
    None when they are shared with its locality and live within the agreed
    distance of the member's home. Says nothing of why a helper is not
    available at home (a pause or a safeguarding hold is their locality's
    business)."""
    if sharing_on(locality=request.locality_id, other=helper.locality_id) is None:
        return _(
            "They are not a helper in this locality, and their locality does not "
            "share helpers with this one."
        )
    if (
        helper.status != HelperStatus.ACTIVE
        or helper.safeguarding_hold
        or helper.pay_basis != PayBasis.VOLUNTEER
    ):
        return _("Their locality does not offer them for visits here at present.")
    home = postcode_locate(postcode=request.membership.person.postcode)
    if home is None:
        return _(
            "The member’s postcode is not in the postcode directory, so no "
            "neighbouring locality’s helper can be offered this."
        )
    near = shared_helpers_near(
        locality=request.locality,
        position=(home.latitude, home.longitude),
        only=[helper.pk],
    )
    if helper.pk not in near:
        return _(
            "They live further from the member’s home than the two localities "
            "agreed to share helpers."
        )
    return None


def helper_for_offer(*, request: HelpRequest, pk: Any) -> HelperProfile | None:
    """The helper with this id who might be offered ``request``: one of its
    locality's, or one of a locality sharing helpers with it now; None
    otherwise. The caller (the offer service) checks the rest."""
    try:
        number = int(str(pk))
    except ValueError:
        return None
    if not 0 < number < 2**31:
        return None
    localities = [request.locality_id, *sharing_partners(locality=request.locality)]
    return (
        HelperProfile.objects.select_related("user")
        .filter(pk=number, locality_id__in=localities)
        .first()
    )


def visit_get_for_member_side(*, actor: User, pk: int) -> Visit:
    """A visit seen from the member's side of its request: its helper may
    open it, and so may whoever may open the request (the member, their
    supporter, a coordinator). Raises Http404 or PermissionDenied as
    ``request_get_for`` does."""
    visit = (
        Visit.objects.select_related(
            "request__membership__person", "request__locality", "helper__user"
        )
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    if visit.helper.user_id == actor.pk:
        return visit
    request_get_for(actor=actor, pk=visit.request_id)
    return visit


def request_just_asked(*, pk: int | None) -> HelpRequest | None:
    """The request whose id the session keeps after asking, for the page
    that says it is sent. Never for an id from a request."""
    return (
        HelpRequest.objects.select_related("membership__person", "locality")
        .filter(pk=pk)  # type: ignore[misc]  # pk=None is valid: finds nothing
        .first()
    )


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


def suitable_helpers(
    *, actor: User, request: HelpRequest
) -> list[tuple[HelperProfile, str | None]]:
    """Every active helper of the locality, with why each may not be offered
    this request (None for those who may). Coordinators only."""
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


#: Rows of each part of the dashboard; "see all" pages the rest.
DASHBOARD_ROWS = 10


class DashboardSection(StrEnum):
    """The parts of the help dashboard, each a list that can be paged."""

    OPEN = "open"
    TODAY = "today"
    OFFERED = "offered"
    TO_CONFIRM = "to-confirm"
    NO_SHOWS = "no-shows"
    LOW_RATINGS = "low-ratings"
    UNSETTLED = "unsettled"
    LOW_CREDIT = "low-credit"
    TO_REASSIGN = "to-reassign"

    @property
    def heading(self) -> str:
        return {
            DashboardSection.OPEN: _("Open requests"),
            DashboardSection.TODAY: _("Visits today"),
            DashboardSection.OFFERED: _("Offers waiting for a helper’s answer"),
            DashboardSection.TO_CONFIRM: _("Accepted, to confirm with the member"),
            DashboardSection.NO_SHOWS: _("Visits that did not happen"),
            DashboardSection.LOW_RATINGS: _("Low ratings"),
            DashboardSection.UNSETTLED: _("Done visits not settled"),
            DashboardSection.LOW_CREDIT: _("Members low on credit with visits booked"),
            DashboardSection.TO_REASSIGN: _(
                "Visits to give to another helper (their helper is paused)"
            ),
        }[self]


@dataclass
class DashboardPart:
    section: DashboardSection
    rows: list[Any]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


URGENCY_ORDER = {"urgent": 0, "soon": 1, "routine": 2}

_URGENCY_RANK = Case(
    *(When(urgency=code, then=Value(rank)) for code, rank in URGENCY_ORDER.items()),
    default=Value(3),
    output_field=IntegerField(),
)


def _dashboard_visits(locality: Locality) -> QuerySet[Visit]:
    return Visit.objects.filter(request__locality=locality).select_related(
        "helper__user", "request__membership__person", "request__category"
    )


def dashboard_section_rows(
    *, actor: User, locality: Locality, section: DashboardSection
) -> QuerySet[Any]:
    """One part of the help dashboard as an ordered queryset, for the
    dashboard's first rows and for the page that lists them all.
    Coordinators only; raises PermissionDenied."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    now = timezone.now()
    start = timezone.make_aware(
        datetime.combine(timezone.localdate(), datetime.min.time())
    )
    recent = now - timedelta(days=28)
    visits = _dashboard_visits(locality)
    if section is DashboardSection.OPEN:
        return (
            HelpRequest.objects.filter(
                locality=locality, status=HelpRequest.Status.OPEN
            )
            .select_related("membership__person", "category")
            .annotate(urgency_rank=_URGENCY_RANK)
            .order_by("urgency_rank", "created_at", "pk")
        )
    if section is DashboardSection.TODAY:
        return visits.filter(
            status__in=[
                Visit.Status.CONFIRMED,
                Visit.Status.DONE,
                Visit.Status.SETTLED,
            ],
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
        ).order_by("starts_at", "pk")
    if section is DashboardSection.OFFERED:
        return visits.filter(status=Visit.Status.OFFERED).order_by("offered_at", "pk")
    if section is DashboardSection.TO_CONFIRM:
        return visits.filter(status=Visit.Status.ACCEPTED).order_by("starts_at", "pk")
    if section is DashboardSection.NO_SHOWS:
        return visits.filter(
            status=Visit.Status.NO_SHOW, updated_at__gte=recent
        ).order_by("-updated_at", "pk")
    if section is DashboardSection.LOW_RATINGS:
        return (
            Feedback.objects.filter(
                visit__request__locality=locality, rating__lte=2, created_at__gte=recent
            )
            .select_related("visit__helper__user", "visit__request__membership__person")
            .order_by("-created_at", "pk")
        )
    if section is DashboardSection.UNSETTLED:
        return visits.filter(status=Visit.Status.DONE).order_by("done_at", "pk")
    if section is DashboardSection.TO_REASSIGN:
        # A safeguarding concern holds the helper (ADR 0034): the visits they
        # were offered or will make must go to someone else.
        return visits.filter(
            helper__safeguarding_hold=True,
            status__in=[
                Visit.Status.OFFERED,
                Visit.Status.ACCEPTED,
                Visit.Status.CONFIRMED,
            ],
        ).order_by("starts_at", "pk")
    return _members_low_on_credit(locality)


def dashboard_for(*, actor: User, locality: Locality) -> dict[str, DashboardPart]:
    """Open requests by urgency and age, visits today, offers waiting for an
    answer, and problems (no-shows, low ratings, unsettled visits, members
    low on credit): the first rows of each and how many there are, so the
    page costs the same however busy the circle. Coordinators only."""
    keys: dict[DashboardSection, list[tuple[int, int]]] = {}
    other_rows: dict[DashboardSection, list[Any]] = {}
    for section in DashboardSection:
        rows = dashboard_section_rows(actor=actor, locality=locality, section=section)
        # The first rows' keys and how many there are, in one query without
        # the joins for what the rows show (a database joins every row
        # before it cuts the list); then only those rows, with their joins.
        keys[section] = list(
            rows.annotate(section_count=Window(Count("pk"))).values_list(
                "pk", "section_count"
            )[:DASHBOARD_ROWS]
        )
        if keys[section] and rows.model is not Visit:
            other_rows[section] = list(
                rows.filter(pk__in=[pk for pk, _n in keys[section]])
            )
    # The visits of every part at once.
    wanted = {
        pk
        for section, found in keys.items()
        for pk, _n in found
        if section not in other_rows
    }
    visits = (
        {v.pk: v for v in _dashboard_visits(locality).filter(pk__in=wanted)}
        if wanted
        else {}
    )
    parts = {}
    for section, found in keys.items():
        first = other_rows.get(section) or [
            visits[pk] for pk, _n in found if pk in visits
        ]
        parts[section.name.lower()] = DashboardPart(
            section=section, rows=first, count=found[0][1] if found else 0
        )
    return parts


def _members_low_on_credit(locality: Locality) -> QuerySet[Membership]:
    """Active members with a confirmed visit to come whose balance is under
    an hour, lowest first (``balance`` in minutes)."""
    from kith.credits.models import Account

    balance = Subquery(
        Account.objects.filter(
            locality=locality, kind="member", person_id=OuterRef("person_id")
        ).values("balance_minutes")[:1]
    )
    return (
        Membership.objects.filter(locality=locality, status=Membership.Status.ACTIVE)
        # From the confirmed visits (a few) rather than every member (many).
        .filter(
            pk__in=Visit.objects.filter(
                request__locality=locality, status=Visit.Status.CONFIRMED
            ).values("request__membership_id")
        )
        .annotate(balance=Coalesce(balance, Value(0)))
        .filter(balance__lt=60)
        .select_related("person")
        .order_by("balance", "pk")
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


def shared_helpers_record(
    *, actor: User, locality: Locality, ids: list[int]
) -> dict[int, str]:
    """The record of each helper among ``ids`` shared with ``locality`` by a
    neighbouring locality, in one sentence: visits done, offers accepted,
    late cancellations and no-shows, and their average rating, over every
    visit they made here or at home (ADR 0042). Figures only, nothing of
    any member. Coordinators of ``locality`` only (PermissionDenied);
    helpers not shared with it now are left out. Two queries."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    partners = sharing_partners(locality=locality)
    if not partners or not ids:
        return {}
    rows = (
        HelperProfile.objects.filter(pk__in=ids, locality_id__in=list(partners))
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
            n_missed=Count(
                "visits",
                filter=Q(
                    visits__late_cancellation=True,
                    visits__cancelled_by=Visit.Party.HELPER,
                )
                | Q(
                    visits__status=Visit.Status.NO_SHOW,
                    visits__no_show_by=Visit.Party.HELPER,
                ),
                distinct=True,
            ),
            rating=Avg("visits__feedback__rating"),
        )
        .values_list("pk", "n_offers", "n_accepted", "n_done", "n_missed", "rating")
    )
    out = {}
    for pk, offers, accepted, done, missed, rating in rows:
        parts = [
            _("visits done: %(done)d") % {"done": done},
            _("offers accepted: %(accepted)d of %(offers)d")
            % {"accepted": accepted, "offers": offers},
            _("late cancellations or visits missed: %(missed)d") % {"missed": missed},
        ]
        if rating is not None:
            parts.append(
                _("average rating: %(rating)s out of 5") % {"rating": round(rating, 1)}
            )
        out[pk] = _("Their record: %(parts)s.") % {"parts": ", ".join(parts)}
    return out
