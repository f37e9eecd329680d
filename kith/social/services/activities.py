"""Venues and activities: saving a venue, proposing, approving, declining
and cancelling an activity, and its dates.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import Role, User
from kith.accounts.permissions import Perm, has_perm, has_role, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members.models import Interest
from kith.places.models import Locality, Postcode, Ward
from kith.social import words
from kith.social.models import Activity, Occurrence, SignUp, Venue
from kith.social.services.common import LIVE_SIGN_UPS, _notify
from kith.social.services.lifts import _cancel_lift

MAX_DATES = 26


LONGEST_AHEAD = timedelta(weeks=26)


@dataclass(frozen=True)
class VenueAnswers:
    name: str
    address: str
    postcode: str = ""
    step_free: bool = False
    accessible_toilet: bool = False
    hearing_loop: bool = False
    seating: bool = False
    parking: bool = False
    quiet: bool = False
    bus_routes: str = ""


@transaction.atomic
def venue_save(*, actor: User, locality: Locality, answers: VenueAnswers) -> Venue:
    """Add a place activities can happen, with its accessibility. A place of
    the same name is the same place: its details are brought up to date."""
    require_perm(actor, Perm.ACTIVITIES_PROPOSE, locality)
    name, address = answers.name.strip(), answers.address.strip()
    if not name:
        raise ApplicationError(_("Enter the name of the place."), field="venue_name")
    if not address:
        raise ApplicationError(
            _("Enter the address of the place."), field="venue_address"
        )
    postcode = answers.postcode.strip().upper()
    ward = None
    found = Postcode.objects.filter(postcode=postcode).first() if postcode else None
    if found is not None:
        ward = Ward.objects.filter(locality=locality, ons_code=found.ward_code).first()
    venue = Venue.objects.filter(locality=locality, name__iexact=name).first()
    created = venue is None
    venue = venue or Venue(locality=locality, name=name)
    venue.address, venue.postcode, venue.ward = address, postcode, ward
    for feature in Venue.FEATURES:
        setattr(venue, feature, getattr(answers, feature))
    venue.bus_routes = answers.bus_routes.strip()
    venue.save()
    audit_record(
        actor=actor,
        action="venue_added" if created else "venue_changed",
        target=venue,
        locality=locality,
    )
    return venue


@dataclass(frozen=True)
class ActivityAnswers:
    title: str
    description: str
    starts_on: date
    start_time: time
    minutes: int
    places: int
    repeat: str = Activity.Repeat.ONCE
    repeat_count: int = 1
    cost: str = Activity.Cost.FREE
    cost_pence: int = 0
    cost_credits: int = 0
    interest_id: int | None = None


def _host_kind(actor: User, locality: Locality) -> str:
    if has_perm(actor, Perm.ACTIVITIES_MANAGE, locality):
        return Activity.HostKind.COORDINATOR
    if has_role(actor, Role.ORGANISATION_EDITOR, locality):
        return Activity.HostKind.ORGANISATION
    if has_role(actor, Role.MEMBER, locality):
        return Activity.HostKind.MEMBER
    return Activity.HostKind.HELPER


def occurrence_starts(activity: Activity) -> list[datetime]:
    """Every date of the activity, at its start time in the locality's time
    zone: 10am on a Tuesday stays 10am after the clocks change."""
    step = {
        Activity.Repeat.ONCE: 0,
        Activity.Repeat.WEEKLY: 7,
        Activity.Repeat.FORTNIGHTLY: 14,
    }[Activity.Repeat(activity.repeat)]
    count = 1 if step == 0 else activity.repeat_count
    return [
        timezone.make_aware(
            datetime.combine(
                activity.starts_on + timedelta(days=step * n), activity.start_time
            )
        )
        for n in range(count)
    ]


def _validate_activity(answers: ActivityAnswers, locality: Locality) -> None:
    if not answers.title.strip():
        raise ApplicationError(_("Enter the name of the activity."), field="title")
    if not answers.description.strip():
        raise ApplicationError(
            _("Say what happens at the activity."), field="description"
        )
    today = timezone.localdate()
    if answers.starts_on < today:
        raise ApplicationError(
            _("The first date must be today or in the future."), field="starts_on"
        )
    if answers.starts_on > today + LONGEST_AHEAD:
        raise ApplicationError(
            _("The first date can be up to 6 months ahead."), field="starts_on"
        )
    if not 15 <= answers.minutes <= 720:
        raise ApplicationError(
            _("Choose how long it lasts: between 15 minutes and 12 hours."),
            field="minutes",
        )
    if answers.repeat not in Activity.Repeat.values:
        raise ApplicationError(_("Choose how often it happens."), field="repeat")
    if answers.repeat != Activity.Repeat.ONCE and not (
        2 <= answers.repeat_count <= MAX_DATES
    ):
        raise ApplicationError(
            _("A repeating activity can have between 2 and 26 dates."),
            field="repeat_count",
        )
    if not 1 <= answers.places <= 500:
        raise ApplicationError(
            _("Enter how many people can come, from 1 to 500."), field="places"
        )
    if answers.cost not in Activity.Cost.values:
        raise ApplicationError(_("Choose what it costs."), field="cost")
    if answers.cost == Activity.Cost.POUNDS and not 1 <= answers.cost_pence <= 20000:
        raise ApplicationError(
            _("Enter the cost in pounds, up to £200."), field="cost_pounds"
        )
    if answers.cost == Activity.Cost.CREDITS and not 1 <= answers.cost_credits <= 20:
        raise ApplicationError(
            _("Enter the cost in credits, from 1 to 20."), field="cost_credits"
        )
    if (
        answers.interest_id is not None
        and not Interest.objects.filter(
            pk=answers.interest_id, locality=locality
        ).exists()
    ):
        raise ApplicationError(_("Choose what it is about."), field="interest")


@transaction.atomic
def activity_propose(
    *,
    actor: User,
    locality: Locality,
    venue: Venue,
    answers: ActivityAnswers,
    host: User | None = None,
    submission_key: str | None = None,
) -> Activity:
    """Propose an activity, hosted by the person proposing it, or by ``host``
    when a coordinator proposes it for them (on the phone). A coordinator's
    or an organisation's is listed at once, and so is one a coordinator
    proposes for someone (they approve it by proposing it); a member's or a
    helper's own waits for a coordinator. The same submission sent twice
    returns the first activity."""
    require_perm(actor, Perm.ACTIVITIES_PROPOSE, locality)
    host = host or actor
    by_coordinator = has_perm(actor, Perm.ACTIVITIES_MANAGE, locality)
    if host.pk != actor.pk and not (
        by_coordinator and has_perm(host, Perm.ACTIVITIES_PROPOSE, locality)
    ):
        raise PermissionDenied
    if submission_key:
        existing = Activity.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.proposed_by_id != actor.pk:
                raise PermissionDenied
            return existing
    if venue.locality_id != locality.pk:
        raise PermissionDenied
    _validate_activity(answers, locality)
    kind = _host_kind(host, locality)
    listed = by_coordinator or kind == Activity.HostKind.ORGANISATION
    now = timezone.now()
    activity = Activity.objects.create(
        locality=locality,
        title=answers.title.strip(),
        description=answers.description.strip(),
        interest_id=answers.interest_id,
        venue=venue,
        host=host,
        host_kind=kind,
        proposed_by=actor,
        status=Activity.Status.LISTED if listed else Activity.Status.PROPOSED,
        decided_by=actor if by_coordinator else None,
        decided_at=now if by_coordinator else None,
        starts_on=answers.starts_on,
        start_time=answers.start_time,
        minutes=answers.minutes,
        repeat=answers.repeat,
        repeat_count=1
        if answers.repeat == Activity.Repeat.ONCE
        else answers.repeat_count,
        cost=answers.cost,
        cost_pence=answers.cost_pence if answers.cost == Activity.Cost.POUNDS else 0,
        cost_credits=answers.cost_credits
        if answers.cost == Activity.Cost.CREDITS
        else 0,
        places=answers.places,
        submission_key=submission_key,
    )
    if listed:
        _make_occurrences(activity)
    audit_record(
        actor=actor,
        action="activity_proposed",
        target=activity,
        on_behalf_of=host if host.pk != actor.pk else None,
        locality=locality,
        data={"host_kind": kind, "listed": listed},
    )
    return activity


def _make_occurrences(activity: Activity) -> None:
    length = timedelta(minutes=activity.minutes)
    Occurrence.objects.bulk_create(
        [
            Occurrence(activity=activity, starts_at=start, ends_at=start + length)
            for start in occurrence_starts(activity)
        ],
        ignore_conflicts=True,
    )


def _lock_activity(activity: Activity) -> Activity:
    return (
        Activity.objects.select_for_update()
        .select_related("host", "locality", "venue")
        .get(pk=activity.pk)
    )


@transaction.atomic
def activity_approve(*, actor: User, activity: Activity) -> Activity:
    """A coordinator approves a proposed activity: it is listed and its host
    is told."""
    require_perm(actor, Perm.ACTIVITIES_MANAGE, activity.locality)
    activity = _lock_activity(activity)
    if activity.status == Activity.Status.LISTED:
        return activity
    if activity.status != Activity.Status.PROPOSED:
        raise ApplicationError(_("Only a proposed activity can be approved."))
    if activity.starts_on < timezone.localdate():
        raise ApplicationError(
            _("Its first date has passed. Ask the host for new dates.")
        )
    activity.status = Activity.Status.LISTED
    activity.decided_by, activity.decided_at = actor, timezone.now()
    activity.save()
    _make_occurrences(activity)
    _notify(
        activity.host,
        "activity_approved",
        activity.locality,
        title=activity.title,
        when=words.when_text(occurrence_starts(activity)[0]),
    )
    audit_record(
        actor=actor,
        action="activity_approved",
        target=activity,
        locality=activity.locality,
    )
    return activity


@transaction.atomic
def activity_decline(*, actor: User, activity: Activity, reason: str) -> Activity:
    """A coordinator does not list a proposed activity, and tells the host why."""
    require_perm(actor, Perm.ACTIVITIES_MANAGE, activity.locality)
    activity = _lock_activity(activity)
    if activity.status != Activity.Status.PROPOSED:
        raise ApplicationError(_("Only a proposed activity can be turned down."))
    if not reason.strip():
        raise ApplicationError(_("Say why, for the host."), field="reason")
    activity.status = Activity.Status.DECLINED
    activity.decided_by, activity.decided_at = actor, timezone.now()
    activity.decision_note = reason.strip()[:300]
    activity.save()
    _notify(
        activity.host,
        "activity_declined",
        activity.locality,
        title=activity.title,
        reason=activity.decision_note,
    )
    audit_record(
        actor=actor,
        action="activity_declined",
        target=activity,
        locality=activity.locality,
    )
    return activity


def may_run(actor: Any, activity: Activity) -> bool:
    """The host, or a coordinator: who may cancel it, see who signed up and
    record who came."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if activity.host_id == actor.pk:
        return True
    return has_perm(actor, Perm.ACTIVITIES_MANAGE, activity.locality)


@transaction.atomic
def activity_cancel(*, actor: User, activity: Activity, reason: str) -> Activity:
    """The host or a coordinator cancels an activity: every date to come is
    cancelled and everyone signed up or waiting is told, once each."""
    if not may_run(actor, activity):
        raise PermissionDenied
    activity = _lock_activity(activity)
    if activity.status in (Activity.Status.CANCELLED, Activity.Status.DECLINED):
        raise ApplicationError(_("This activity has already been cancelled."))
    if not reason.strip():
        raise ApplicationError(_("Say why it is cancelled."), field="reason")
    now = timezone.now()
    coming = list(
        Occurrence.objects.select_for_update().filter(
            activity=activity, starts_at__gt=now, cancelled=False
        )
    )
    Occurrence.objects.filter(pk__in=[o.pk for o in coming]).update(cancelled=True)
    sign_ups = list(
        SignUp.objects.select_for_update(of=("self",))
        .filter(occurrence__in=coming, status__in=LIVE_SIGN_UPS)
        .select_related("person", "occurrence", "lift_request__membership")
    )
    told: set[int] = set()
    for sign_up in sign_ups:
        _cancel_lift(actor, sign_up, reason=_("The activity was cancelled."))
        if sign_up.person_id in told:
            continue
        told.add(sign_up.person_id)
        _notify(
            sign_up.person,
            "activity_cancelled",
            activity.locality,
            title=activity.title,
            when=words.when_text(sign_up.occurrence.starts_at),
            reason=reason.strip(),
        )
    SignUp.objects.filter(pk__in=[s.pk for s in sign_ups]).update(
        status=SignUp.Status.CANCELLED, cancelled_at=now, updated_at=now
    )
    activity.status = Activity.Status.CANCELLED
    activity.decision_note = reason.strip()[:300]
    activity.save()
    audit_record(
        actor=actor,
        action="activity_cancelled",
        target=activity,
        locality=activity.locality,
        data={"people_told": len(told)},
    )
    return activity
