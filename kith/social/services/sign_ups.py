"""Signing up, dropping out and the waiting list, attendance and reminders."""

from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.money import pounds
from kith.core.services import audit_record
from kith.members.access import SupporterMay, may_act_for
from kith.members.models import Membership
from kith.places.models import Locality
from kith.places.services import locality_require_open
from kith.social import words
from kith.social.models import Activity, Occurrence, SignUp
from kith.social.services.activities import may_run
from kith.social.services.common import LIVE_SIGN_UPS, _notify
from kith.social.services.lifts import _ask_for_lift, _cancel_lift


def can_sign_up_for(*, actor: Any, membership: Membership) -> bool:
    """The member, a coordinator, or a supporter the member allowed to ask
    for things for them (the rule is ``kith.members.access``'s)."""
    return may_act_for(
        actor=actor,
        membership=membership,
        coordinator_perm=Perm.ACTIVITIES_MANAGE,
        supporter_may=SupporterMay.ASK_FOR_HELP,
    )


def _lock_occurrence(occurrence: Occurrence) -> Occurrence:
    return (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("activity__locality", "activity__venue")
        .get(pk=occurrence.pk)
    )


def _membership_of(person: User, locality: Locality) -> Membership | None:
    return (
        Membership.objects.filter(
            person=person, locality=locality, status=Membership.Status.ACTIVE
        )
        .select_related("person", "locality")
        .first()
    )


class Full(ApplicationError):
    """Every place is taken: the caller may offer the waiting list."""


def _check_open_to(occurrence: Occurrence, membership: Membership) -> None:
    """Refuse (changing nothing) when the member cannot sign up for this date:
    their membership has not started, the date is not going ahead or has
    begun, or they already have a place or are already waiting."""
    activity = occurrence.activity
    name = membership.person.display_name
    if membership.status != Membership.Status.ACTIVE:
        raise ApplicationError(
            _("Activities are for members whose membership has started.")
        )
    if activity.status != Activity.Status.LISTED or occurrence.cancelled:
        raise ApplicationError(_("This activity is not going ahead."))
    if occurrence.starts_at <= timezone.now():
        raise ApplicationError(_("This activity has already started."))
    already = SignUp.objects.filter(
        occurrence=occurrence, person=membership.person, status__in=LIVE_SIGN_UPS
    ).first()
    if already is not None:
        if already.status == SignUp.Status.BOOKED:
            raise ApplicationError(
                _("%(name)s already has a place. Nothing has changed.")
                % {"name": name},
                code="already",
            )
        raise ApplicationError(
            _("%(name)s is already on the waiting list. Nothing has changed.")
            % {"name": name},
            code="already",
        )


def _check_places(
    occurrence: Occurrence, membership: Membership, *, waiting_list: bool
) -> bool:
    """Whether every place is taken; when it is and the member did not ask to
    wait, raise ``Full``."""
    activity = occurrence.activity
    booked = SignUp.objects.filter(
        occurrence=occurrence, status=SignUp.Status.BOOKED
    ).count()
    full = booked >= activity.places
    if full and not waiting_list:
        raise Full(
            _(
                "All %(places)d places are taken, so nothing has changed. "
                "%(name)s can join the waiting list: if someone drops out, the "
                "first person waiting gets their place."
            )
            % {"places": activity.places, "name": membership.person.display_name},
            code="full",
        )
    return full


def _sign_up_insert(
    *,
    actor: User,
    occurrence: Occurrence,
    membership: Membership,
    full: bool,
    needs_lift: bool,
) -> SignUp:
    """Book the place, or join the end of the waiting list when ``full``."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return SignUp.objects.create(
                occurrence=occurrence,
                person=membership.person,
                status=SignUp.Status.WAITING if full else SignUp.Status.BOOKED,
                waiting_since=now if full else None,
                signed_up_by=actor,
                needs_lift=needs_lift,
            )
    except IntegrityError as exc:  # the same person, at the same moment
        raise ApplicationError(
            _("%(name)s has already signed up. Nothing has changed.")
            % {"name": membership.person.display_name},
            code="already",
        ) from exc


@transaction.atomic
def sign_up_create(
    *,
    actor: User,
    occurrence: Occurrence,
    membership: Membership,
    needs_lift: bool = False,
    waiting_list: bool = False,
) -> SignUp:
    """Sign a member up for one date of an activity. When every place is
    taken this raises ``Full`` (nothing changes) unless ``waiting_list`` is
    True, when they join the end of the waiting list. Signing up twice
    changes nothing and says why. "I need a lift" asks for help with a lift
    (the help part) once they have a place."""
    if not can_sign_up_for(actor=actor, membership=membership):
        raise PermissionDenied
    occurrence = _lock_occurrence(occurrence)
    activity = occurrence.activity
    if activity.locality_id != membership.locality_id:
        raise PermissionDenied
    # A paused or archived locality takes no new bookings (ADR 0041).
    locality_require_open(activity.locality_id)
    _check_open_to(occurrence, membership)
    full = _check_places(occurrence, membership, waiting_list=waiting_list)
    made = _sign_up_insert(
        actor=actor,
        occurrence=occurrence,
        membership=membership,
        full=full,
        needs_lift=needs_lift,
    )
    if made.status == SignUp.Status.BOOKED and needs_lift:
        _ask_for_lift(actor, made, membership)
    if actor.pk != membership.person_id:
        _notify(
            membership.person,
            "activity_booked" if not full else "activity_waiting",
            activity.locality,
            title=activity.title,
            when=words.when_text(occurrence.starts_at),
            place=activity.venue.name,
        )
    audit_record(
        actor=actor,
        action="activity_signed_up" if not full else "activity_waiting_list_joined",
        target=made,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=activity.locality,
        data={"occurrence": occurrence.pk, "needs_lift": needs_lift},
    )
    return made


@transaction.atomic
def sign_up_cancel(*, actor: User, sign_up: SignUp) -> SignUp:
    """Someone drops out (or leaves the waiting list). A place they free goes
    to the first person waiting, who is told; their lift is cancelled too."""
    occurrence = _lock_occurrence(sign_up.occurrence)
    sign_up = (
        SignUp.objects.select_for_update(of=("self",))
        .select_related("person", "lift_request__membership")
        .get(pk=sign_up.pk)
    )
    activity = occurrence.activity
    membership = _membership_of(sign_up.person, activity.locality)
    allowed = (
        (membership is not None and can_sign_up_for(actor=actor, membership=membership))
        or actor.pk == sign_up.person_id
        or has_perm(actor, Perm.ACTIVITIES_MANAGE, activity.locality)
    )
    if not allowed:
        raise PermissionDenied
    if sign_up.status == SignUp.Status.CANCELLED:
        raise ApplicationError(
            _("This place was already given up. Nothing has changed."), code="already"
        )
    if occurrence.starts_at <= timezone.now():
        raise ApplicationError(_("This activity has already started."))
    was_booked = sign_up.status == SignUp.Status.BOOKED
    now = timezone.now()
    sign_up.status = SignUp.Status.CANCELLED
    sign_up.cancelled_at = now
    sign_up.save(update_fields=["status", "cancelled_at", "updated_at"])
    _cancel_lift(actor, sign_up, reason=_("They are no longer going."))
    audit_record(
        actor=actor,
        action="activity_place_given_up",
        target=sign_up,
        on_behalf_of=sign_up.person if actor.pk != sign_up.person_id else None,
        locality=activity.locality,
    )
    if was_booked:
        _promote(occurrence)
    return sign_up


def _promote(occurrence: Occurrence) -> SignUp | None:
    """Give free places to the people waiting longest. Call with the
    occurrence locked."""
    activity = occurrence.activity
    booked = SignUp.objects.filter(
        occurrence=occurrence, status=SignUp.Status.BOOKED
    ).count()
    promoted = None
    while booked < activity.places:
        first = (
            SignUp.objects.select_for_update(of=("self",))
            .filter(occurrence=occurrence, status=SignUp.Status.WAITING)
            .select_related("person", "signed_up_by")
            .order_by("waiting_since", "pk")
            .first()
        )
        if first is None:
            break
        first.status = SignUp.Status.BOOKED
        first.save(update_fields=["status", "updated_at"])
        booked += 1
        promoted = first
        lift_text = ""
        if first.needs_lift:
            membership = _membership_of(first.person, activity.locality)
            try:
                with transaction.atomic():
                    if membership is None:
                        raise PermissionDenied
                    _ask_for_lift(first.signed_up_by, first, membership)
                lift_text = _("We have asked for a lift for you.")
            except (ApplicationError, PermissionDenied):
                lift_text = _("Phone us if you need a lift.")
        _notify(
            first.person,
            "activity_place_offered",
            activity.locality,
            title=activity.title,
            when=words.when_text(occurrence.starts_at),
            place=activity.venue.name,
            lift_text=lift_text,
        )
        audit_record(
            actor=None,
            action="activity_place_from_waiting_list",
            target=first,
            locality=activity.locality,
        )
    return promoted


@transaction.atomic
def attendance_record(
    *, actor: User, occurrence: Occurrence, came: set[int]
) -> Occurrence:
    """The host (or a coordinator) records who came, from the people with a
    place: ``came`` holds the ids of their sign-ups."""
    occurrence = _lock_occurrence(occurrence)
    if not may_run(actor, occurrence.activity):
        raise PermissionDenied
    if occurrence.starts_at > timezone.now():
        raise ApplicationError(
            _("Who came can be recorded once the activity has started.")
        )
    booked = SignUp.objects.filter(occurrence=occurrence, status=SignUp.Status.BOOKED)
    ids = set(booked.values_list("pk", flat=True))
    if not came <= ids:
        raise ApplicationError(_("Choose people who had a place."), field="came")
    booked.filter(pk__in=came).update(attended=True)
    booked.exclude(pk__in=came).update(attended=False)
    occurrence.attendance_recorded_at = timezone.now()
    occurrence.save(update_fields=["attendance_recorded_at"])
    audit_record(
        actor=actor,
        action="activity_attendance_recorded",
        target=occurrence.activity,
        locality=occurrence.activity.locality,
        data={"occurrence": occurrence.pk, "came": len(came), "booked": len(ids)},
    )
    return occurrence


def activity_reminders_queue(*, now: datetime | None = None) -> int:
    """The day before an activity, remind everyone with a place. Each person
    is reminded once, however often this runs. Returns how many were sent."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, time.min))
    end = timezone.make_aware(datetime.combine(tomorrow + timedelta(days=1), time.min))
    sent = 0
    with transaction.atomic():
        due = (
            SignUp.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=SignUp.Status.BOOKED,
                reminded_at__isnull=True,
                occurrence__cancelled=False,
                occurrence__activity__status=Activity.Status.LISTED,
                occurrence__starts_at__gte=start,
                occurrence__starts_at__lt=end,
            )
            # Activities arranged go ahead in a paused locality, so their
            # reminders go too; an archived locality has closed (ADR 0041).
            .exclude(occurrence__activity__locality__status="archived")
            .select_related(
                "person",
                "occurrence__activity__venue",
                "occurrence__activity__locality",
            )
        )
        for booked in due:
            activity = booked.occurrence.activity
            _notify(
                booked.person,
                "activity_reminder",
                activity.locality,
                activity=activity.title,
                when=words.when_text(booked.occurrence.starts_at),
                place=f"{activity.venue.name}, {activity.venue.address}",
            )
            booked.reminded_at = now
            booked.save(update_fields=["reminded_at", "updated_at"])
            sent += 1
    return sent


def cost_text(activity: Activity) -> str:
    if activity.cost == Activity.Cost.POUNDS:
        return pounds(activity.cost_pence)
    if activity.cost == Activity.Cost.CREDITS:
        return (
            _("1 credit")
            if activity.cost_credits == 1
            else _("%(n)d credits") % {"n": activity.cost_credits}
        )
    return _("Free")
