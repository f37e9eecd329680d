"""Reads about introductions and activities, scoped to who is asking.

A member sees an introduction only once they have been asked, and never the
other member's name or contact details before both said yes; they never see
why it closed. Who signed up for an activity is for its host and coordinators.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm, roles_in
from kith.members.access import (
    SupporterMay,
    memberships_actor_may_act_for,
    require_may_act_for,
    sees_all,
)
from kith.members.models import Membership
from kith.places.models import Locality
from kith.social import words
from kith.social.models import (
    Activity,
    CalendarFeed,
    FollowUp,
    Introduction,
    Occurrence,
    SignUp,
    SocialProfile,
    Venue,
)
from kith.social.services import LIVE_SIGN_UPS, can_sign_up_for, feed_digest, may_run

# --- activities ----------------------------------------------------------------


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar(
    *,
    locality: Locality,
    start: date,
    days: int = 14,
    ward_id: int | None = None,
    interest_id: int | None = None,
    access: list[str] | None = None,
) -> QuerySet[Occurrence]:
    """Dates of listed activities from ``start`` for ``days`` days, with how
    many places are taken. Public: nothing personal is selected."""
    found = (
        Occurrence.objects.filter(
            activity__locality=locality,
            activity__status=Activity.Status.LISTED,
            cancelled=False,
            starts_at__gte=_local_midnight(start),
            starts_at__lt=_local_midnight(start + timedelta(days=days)),
        )
        .select_related("activity__venue__ward", "activity__interest")
        .annotate(
            booked=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.BOOKED)),
            waiting=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.WAITING)),
        )
        .order_by("starts_at", "pk")
    )
    if ward_id:
        found = found.filter(activity__venue__ward_id=ward_id)
    if interest_id:
        found = found.filter(activity__interest_id=interest_id)
    for feature in access or []:
        if feature in Venue.FEATURES:
            found = found.filter(**{f"activity__venue__{feature}": True})
    return found


def activity_get_for(*, actor: Any, locality: Locality, pk: int) -> Activity:
    """A listed activity for anyone; one not (or no longer) listed for its
    host and coordinators only."""
    activity = (
        Activity.objects.filter(pk=pk, locality=locality)
        .select_related("venue__ward", "interest", "host", "proposed_by")
        .first()
    )
    if activity is None:
        raise Http404
    if activity.status == Activity.Status.LISTED or may_run(actor, activity):
        return activity
    raise Http404


def occurrences_of(*, activity: Activity) -> QuerySet[Occurrence]:
    """The dates still to come, with places taken."""
    return (
        activity.occurrences.filter(ends_at__gte=timezone.now())
        .annotate(
            booked=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.BOOKED)),
            waiting=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.WAITING)),
        )
        .order_by("starts_at")
    )


def occurrence_get_for(*, actor: Any, locality: Locality, pk: int) -> Occurrence:
    occurrence = (
        Occurrence.objects.filter(pk=pk, activity__locality=locality)
        .select_related("activity__venue__ward", "activity__host", "activity__interest")
        .annotate(
            booked=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.BOOKED)),
            waiting=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.WAITING)),
        )
        .first()
    )
    if occurrence is None:
        raise Http404
    if occurrence.activity.status == Activity.Status.LISTED or may_run(
        actor, occurrence.activity
    ):
        return occurrence
    raise Http404


def people_at(*, actor: User, occurrence: Occurrence) -> QuerySet[SignUp]:
    """Who has a place and who is waiting, for the host and coordinators."""
    if not may_run(actor, occurrence.activity):
        raise PermissionDenied
    return (
        SignUp.objects.filter(occurrence=occurrence, status__in=LIVE_SIGN_UPS)
        .select_related("person", "lift_request")
        .order_by("status", "waiting_since", "created_at", "pk")
    )


def members_to_sign_up(
    *, actor: User, locality: Locality, acting_for: User | None = None
) -> list[Membership]:
    """Whom this person may sign up: themselves and the members they support
    (a coordinator acts for the member instead), in the order they joined."""
    found = memberships_actor_may_act_for(
        actor=actor,
        locality=locality,
        supporter_may=SupporterMay.ASK_FOR_HELP,
        acting_for=acting_for,
    )
    return sorted(found, key=lambda m: m.pk)


def _sees_all_sign_ups(*, actor: User, membership: Membership) -> bool:
    """Whether ``actor`` (already let in by ``can_sign_up_for``) sees all of
    the member's places, or, as a supporter allowed to sign them up but not
    to see their coming visits, only those they booked themself (ADR 0021)."""
    how = require_may_act_for(
        actor=actor,
        membership=membership,
        coordinator_perm=Perm.ACTIVITIES_MANAGE,
        supporter_may=SupporterMay.ASK_FOR_HELP,
    )
    return sees_all(
        actor=actor, membership=membership, how=how, may=SupporterMay.SEE_VISITS
    )


def sign_ups_for(
    *, actor: User, membership: Membership, person_id: int | None = None
) -> QuerySet[SignUp]:
    """A member's places and waiting-list places still to come, for the
    member, a coordinator, or a supporter who may sign them up (only the
    places they booked themself, unless they may also see coming visits)."""
    if not can_sign_up_for(actor=actor, membership=membership):
        raise PermissionDenied
    found = SignUp.objects.filter(
        person_id=membership.person_id,
        status__in=LIVE_SIGN_UPS,
        occurrence__ends_at__gte=timezone.now(),
        occurrence__activity__locality=membership.locality,
    )
    if not _sees_all_sign_ups(actor=actor, membership=membership):
        found = found.filter(signed_up_by=actor)
    return found.select_related("occurrence__activity__venue").order_by(
        "occurrence__starts_at"
    )


def sign_up_get_for(*, actor: User, locality: Locality, pk: int) -> SignUp:
    sign_up = (
        SignUp.objects.filter(pk=pk, occurrence__activity__locality=locality)
        .select_related("person", "occurrence__activity__venue")
        .first()
    )
    if sign_up is None:
        raise Http404
    if sign_up.person_id == actor.pk or has_perm(
        actor, Perm.ACTIVITIES_MANAGE, locality
    ):
        return sign_up
    membership = Membership.objects.filter(
        person_id=sign_up.person_id, locality=locality
    ).first()
    if (
        membership is not None
        and can_sign_up_for(actor=actor, membership=membership)
        and (
            sign_up.signed_up_by_id == actor.pk
            or _sees_all_sign_ups(actor=actor, membership=membership)
        )
    ):
        return sign_up
    raise Http404


def hosted_by(*, actor: User, locality: Locality) -> QuerySet[Activity]:
    """The activities this person hosts or proposed, newest first."""
    return (
        Activity.objects.filter(Q(host=actor) | Q(proposed_by=actor), locality=locality)
        .select_related("venue")
        .order_by("-created_at")
    )


def activities_to_review(*, actor: User, locality: Locality) -> QuerySet[Activity]:
    """Proposed activities waiting for a coordinator."""
    require_perm(actor, Perm.ACTIVITIES_MANAGE, locality)
    return (
        Activity.objects.filter(locality=locality, status=Activity.Status.PROPOSED)
        .select_related("venue__ward", "host", "interest")
        .order_by("created_at", "pk")
    )


def venues_for(*, locality: Locality) -> QuerySet[Venue]:
    return Venue.objects.filter(locality=locality).select_related("ward")


def venue_in(*, locality: Locality, pk: Any) -> Venue | None:
    """The locality's venue with this id, or None."""
    return Venue.objects.filter(pk=pk, locality=locality).first()


def activity_just_proposed(*, actor: User, pk: int | None) -> Activity | None:
    """The activity whose id the session keeps after proposing it, if
    ``actor`` proposed it, for the page that says it is sent."""
    return (
        Activity.objects.filter(pk=pk, proposed_by=actor)  # type: ignore[misc]
        .select_related("locality")
        .first()
    )


def waiting_position(*, sign_up: SignUp) -> int:
    """Where a waiting sign-up stands on its occurrence's waiting list (1 is
    next to get a place)."""
    return SignUp.objects.filter(
        occurrence=sign_up.occurrence,
        status=SignUp.Status.WAITING,
        waiting_since__lte=sign_up.waiting_since,
    ).count()


def live_sign_ups_of(*, occurrence: Occurrence, person_ids: list[int]) -> list[SignUp]:
    """The booked or waiting sign-ups of these people to an occurrence (the
    people being those the actor may sign up), with their people."""
    return list(
        SignUp.objects.filter(
            occurrence=occurrence,
            person_id__in=person_ids,
            status__in=LIVE_SIGN_UPS,
        ).select_related("person")
    )


# --- introductions -------------------------------------------------------------


def introductions_for_coordinators(
    *, actor: User, locality: Locality, status: str = Introduction.Status.SUGGESTED
) -> QuerySet[Introduction]:
    """Suggestions (or introductions in ``status``), best first."""
    require_perm(actor, Perm.INTRODUCTIONS_MANAGE, locality)
    return (
        Introduction.objects.filter(locality=locality, status=status)
        .select_related(
            "first__person", "second__person", "first__ward", "second__ward"
        )
        .order_by("-score", "pk")
    )


def introduction_get_for_coordinator(
    *, actor: User, locality: Locality, pk: int
) -> Introduction:
    require_perm(actor, Perm.INTRODUCTIONS_MANAGE, locality)
    introduction = (
        Introduction.objects.filter(pk=pk, locality=locality)
        .select_related(
            "first__person", "second__person", "first__ward", "second__ward", "locality"
        )
        .prefetch_related(
            Prefetch(
                "follow_ups", queryset=FollowUp.objects.select_related("membership")
            )
        )
        .first()
    )
    if introduction is None:
        raise Http404
    return introduction


@dataclass(frozen=True)
class MemberView:
    """One introduction as a member may see it."""

    introduction: Introduction
    membership: Membership
    status: str
    my_answer: str
    reasons: list[str]
    other_name: str
    other_contact: dict[str, str]
    meeting_at: datetime | None
    meeting_place: str
    helper_present: bool
    followed_up: bool


def _member_view(introduction: Introduction, membership: Membership) -> MemberView:
    agreed = introduction.status == Introduction.Status.AGREED
    other = (
        introduction.second
        if introduction.first_id == membership.pk
        else introduction.first
    )
    contact: dict[str, str] = {}
    if agreed and introduction.share_how == Introduction.ShareHow.CONTACT:
        person = other.person
        contact = {
            key: value
            for key, value in (
                ("mobile", person.mobile or ""),
                ("phone", person.phone),
                ("email", person.email or ""),
            )
            if value
        }
    return MemberView(
        introduction=introduction,
        membership=membership,
        status=introduction.status,
        my_answer=introduction.answer_of(membership.pk),
        reasons=[
            r["text"]
            for r in introduction.reasons
            if r.get("kind") in words.MEMBER_KINDS
        ],
        other_name=words.first_name(other.person) if agreed else "",
        other_contact=contact,
        meeting_at=introduction.meeting_at if agreed else None,
        meeting_place=introduction.meeting_place if agreed else "",
        helper_present=introduction.helper_present if agreed else False,
        followed_up=any(
            f.membership_id == membership.pk for f in introduction.follow_ups.all()
        ),
    )


def introductions_for_member(
    *, actor: User, membership: Membership
) -> list[MemberView]:
    """The introductions a member has been asked about, as they may see them."""
    require_may_act_for(
        actor=actor, membership=membership, coordinator_perm=Perm.INTRODUCTIONS_MANAGE
    )
    found = (
        Introduction.objects.filter(Q(first=membership) | Q(second=membership))
        .exclude(status=Introduction.Status.SUGGESTED)
        .select_related("first__person", "second__person")
        .prefetch_related("follow_ups")
        .order_by("-asked_at", "-pk")
    )
    return [_member_view(introduction, membership) for introduction in found]


def introduction_get_for_member(
    *, actor: User, membership: Membership, pk: int
) -> MemberView:
    for view in introductions_for_member(actor=actor, membership=membership):
        if view.introduction.pk == pk:
            return view
    raise Http404


def connections_count(
    *, actor: User, locality: Locality, since: date, until: date
) -> int:
    """Introductions agreed between ``since`` and ``until`` (inclusive) after
    which at least one of the pair said they met: the council's count of
    connections made."""
    if not (
        has_perm(actor, Perm.REPORTS_VIEW, locality)
        or has_perm(actor, Perm.INTRODUCTIONS_MANAGE, locality)
    ):
        raise PermissionDenied
    return (
        Introduction.objects.filter(
            locality=locality,
            status=Introduction.Status.AGREED,
            agreed_at__gte=_local_midnight(since),
            agreed_at__lt=_local_midnight(until + timedelta(days=1)),
            follow_ups__met=True,
        )
        .distinct()
        .count()
    )


@dataclass(frozen=True)
class MonthFigures:
    month: date
    introductions_agreed: int
    connections: int
    places_taken: int
    people_came: int


def monthly_figures(
    *, actor: User, locality: Locality, months: int = 6, today: date | None = None
) -> list[MonthFigures]:
    """For the council: each of the last ``months`` months (this one first),
    introductions agreed, connections made (at least one of the two said
    they met) and activity places taken and attended. Four queries."""
    if not (
        has_perm(actor, Perm.REPORTS_VIEW, locality)
        or has_perm(actor, Perm.INTRODUCTIONS_MANAGE, locality)
    ):
        raise PermissionDenied
    today = today or timezone.localdate()
    firsts = [today.replace(day=1)]
    for _n in range(months - 1):
        firsts.append((firsts[-1] - timedelta(days=1)).replace(day=1))
    since = _local_midnight(firsts[-1])

    def by_month(queryset: QuerySet[Any], field: str) -> dict[date, int]:
        rows = (
            queryset.annotate(month=TruncMonth(field))
            .values("month")
            .annotate(n=Count("pk", distinct=True))
            .values_list("month", "n")
        )
        return {
            timezone.localtime(m).date() if isinstance(m, datetime) else m: n
            for m, n in rows
        }

    agreed = Introduction.objects.filter(
        locality=locality, status=Introduction.Status.AGREED, agreed_at__gte=since
    )
    made = by_month(agreed, "agreed_at")
    connected = by_month(agreed.filter(follow_ups__met=True), "agreed_at")
    places = SignUp.objects.filter(
        occurrence__activity__locality=locality,
        status=SignUp.Status.BOOKED,
        occurrence__starts_at__gte=since,
    )
    taken = by_month(places, "occurrence__starts_at")
    came = by_month(places.filter(attended=True), "occurrence__starts_at")
    return [
        MonthFigures(
            month=first,
            introductions_agreed=made.get(first, 0),
            connections=connected.get(first, 0),
            places_taken=taken.get(first, 0),
            people_came=came.get(first, 0),
        )
        for first in firsts
    ]


def free_times_of(membership: Membership) -> list[str]:
    profile = SocialProfile.objects.filter(membership=membership).first()
    return list(profile.free_times) if profile else []


# --- calendar feeds ----------------------------------------------------------


def feed_for_token(token: str) -> CalendarFeed | None:
    """The private feed a secret address opens, or None."""
    if not token:
        return None
    return (
        CalendarFeed.objects.filter(token_digest=feed_digest(token))
        .select_related("person", "locality")
        .first()
    )


def has_feed(*, actor: User) -> bool:
    return CalendarFeed.objects.filter(person=actor).exists()


@dataclass(frozen=True)
class FeedItem:
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    description: str = ""
    cancelled: bool = False


def public_feed_items(*, locality: Locality) -> list[FeedItem]:
    """Every listed activity's dates from a week ago to six months ahead."""
    now = timezone.now()
    found = (
        Occurrence.objects.filter(
            activity__locality=locality,
            activity__status__in=[Activity.Status.LISTED, Activity.Status.CANCELLED],
            starts_at__gte=now - timedelta(days=7),
            starts_at__lt=now + timedelta(days=183),
        )
        .select_related("activity__venue")
        .order_by("starts_at")
    )
    return [_occurrence_item(o) for o in found]


def _occurrence_item(occurrence: Occurrence) -> FeedItem:
    activity = occurrence.activity
    return FeedItem(
        uid=f"activity-{occurrence.pk}",
        title=activity.title,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        location=f"{activity.venue.name}, {activity.venue.address}",
        description=activity.description,
        cancelled=occurrence.cancelled,
    )


def private_feed_items(*, feed: CalendarFeed) -> list[FeedItem]:
    """A person's own activities (places and what they host) and their
    confirmed visits, as member or as helper. No addresses of anyone's home."""
    from kith.help.models import Visit

    person, locality = feed.person, feed.locality
    if not roles_in(person, locality):
        return []
    now = timezone.now()
    since, until = now - timedelta(days=30), now + timedelta(days=183)
    occurrences = (
        Occurrence.objects.filter(
            Q(sign_ups__person=person, sign_ups__status=SignUp.Status.BOOKED)
            | Q(activity__host=person, activity__status=Activity.Status.LISTED),
            activity__locality=locality,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .select_related("activity__venue")
        .distinct()
        .order_by("starts_at")
    )
    items = [_occurrence_item(o) for o in occurrences]
    visits = (
        Visit.objects.filter(
            Q(request__membership__person=person) | Q(helper__user=person),
            request__locality=locality,
            status=Visit.Status.CONFIRMED,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .select_related(
            "request__category", "helper__user", "request__membership__person"
        )
        .order_by("starts_at")
    )
    for visit in visits:
        assert visit.starts_at is not None  # noqa: S101 - confirmed visits have a time
        category = visit.request.category.name
        if visit.helper.user_id == person.pk:
            title = _("%(category)s for %(name)s") % {
                "category": category,
                "name": words.first_name(visit.request.membership.person),
            }
        else:
            title = _("%(category)s with %(name)s") % {
                "category": category,
                "name": visit.helper.user.display_name,
            }
        items.append(
            FeedItem(
                uid=f"visit-{visit.pk}",
                title=title,
                starts_at=visit.starts_at,
                ends_at=visit.starts_at + timedelta(minutes=visit.minutes),
            )
        )
    items.sort(key=lambda item: item.starts_at)
    return items
