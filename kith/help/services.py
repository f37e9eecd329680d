"""Writes about help: asking, offering, accepting, confirming, doing,
settling, cancelling, feedback and concerns.

Every function checks permission, validates, records a line on the request's
timeline and an audit event, and owns its transaction. Messages go through
the notify outbox after commit. Each raises ApplicationError (nothing changed,
the message says why) or PermissionDenied.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help.models import (
    Concern,
    Feedback,
    HelpCategory,
    HelpRequest,
    HelpSettings,
    HelpWindow,
    RequestEvent,
    Urgency,
    Visit,
)
from kith.helpers.models import HelperProfile, HelperStatus
from kith.helpers.vetting import level_at_least
from kith.members.models import Membership, SupporterLink
from kith.notify.services import message_queue_for_person
from kith.places.models import Locality

MAX_WINDOWS = 5
LONGEST_AHEAD = timedelta(weeks=12)
MAX_SERIES_WEEKS = 26


def settings_for(locality: Locality) -> HelpSettings:
    found, _created = HelpSettings.objects.get_or_create(locality=locality)
    return found


def when_text(moment: datetime) -> str:
    """``Tuesday 3 March at 10:30am``, in the locality's time zone."""
    local = timezone.localtime(moment)
    time_text = local.strftime("%-I:%M%p").lower().replace(":00", "")
    return f"{formats.date_format(local, 'l j F')} at {time_text}"


def _event(
    request: HelpRequest, text: str, *, actor: Any, visit: Visit | None = None
) -> None:
    from kith.core import context

    acting_for = context.current().acting_for_id
    RequestEvent.objects.create(
        request=request,
        visit=visit,
        actor=actor if actor is not None and actor.pk else None,
        on_behalf_of_id=acting_for
        if acting_for and actor and acting_for != actor.pk
        else None,
        text=text,
    )


def _is_coordinator(actor: Any, locality: Locality) -> bool:
    return has_perm(actor, Perm.HELP_MANAGE, locality)


def _notify(person: User, template: str, locality: Locality, **values: Any) -> None:
    message_queue_for_person(
        person=person,
        template=template,
        personalisation={
            "locality_name": locality.name,
            "locality_phone": locality.phone,
            **values,
        },
        locality=locality,
    )


# --- categories ------------------------------------------

DEFAULT_CATEGORIES = [
    # name, description, vetting level, usual minutes
    ("Gardening", "Weeding, mowing, tidying outside", "basic", 120),
    ("Odd jobs outside", "Bins, gutters, a fence panel", "basic", 60),
    ("Odd jobs in the home", "A shelf, a bulb, a dripping tap", "enhanced", 60),
    (
        "Phones and computers",
        "Setting up, video calls, online shopping",
        "enhanced",
        60,
    ),
    ("Company", "A chat and a cup of tea, a walk", "enhanced", 60),
    ("Shopping", "Doing the shopping, or going together", "enhanced_barred", 90),
    (
        "Lifts and appointments",
        "A lift, or going with someone to an appointment",
        "enhanced_barred",
        120,
    ),
    ("Paperwork", "Letters, forms and bills", "enhanced_barred", 60),
]


@transaction.atomic
def categories_create_defaults(*, locality: Locality) -> list[HelpCategory]:
    """The usual kinds of help, for a new locality. Adding them twice adds nothing."""
    made = []
    for position, (name, description, level, minutes) in enumerate(DEFAULT_CATEGORIES):
        category, _created = HelpCategory.objects.get_or_create(
            locality=locality,
            name=name,
            defaults={
                "description": description,
                "vetting_level": level,
                "usual_minutes": minutes,
                "position": position,
            },
        )
        made.append(category)
    return made


@transaction.atomic
def category_save(
    *,
    actor: User,
    locality: Locality,
    category: HelpCategory | None = None,
    name: str,
    vetting_level: str,
    usual_minutes: int,
    description: str = "",
    skill: Any = None,
    is_active: bool = True,
) -> HelpCategory:
    """Add or change a kind of help, with the vetting level it needs."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    if category is not None and category.locality_id != locality.pk:
        raise PermissionDenied
    if vetting_level not in ("basic", "enhanced", "enhanced_barred"):
        raise ApplicationError(
            _("Choose the vetting level it needs."), field="vetting_level"
        )
    if not 15 <= usual_minutes <= 480:
        raise ApplicationError(
            _("The usual length must be between 15 minutes and 8 hours."),
            field="usual_minutes",
        )
    if skill is not None and skill.locality_id != locality.pk:
        raise PermissionDenied
    name = name.strip()
    clash = HelpCategory.objects.filter(locality=locality, name__iexact=name)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if not name or clash.exists():
        raise ApplicationError(
            _("Enter a name that is not already used."), field="name"
        )
    category = category or HelpCategory(locality=locality)
    category.name, category.description = name, description.strip()
    category.vetting_level, category.usual_minutes = vetting_level, usual_minutes
    category.skill, category.is_active = skill, is_active
    created = category.pk is None
    category.save()
    audit_record(
        actor=actor,
        action="help_category_created" if created else "help_category_changed",
        target=category,
        locality=locality,
    )
    return category


# --- asking for help ------------------------------------------


def can_ask_for(*, actor: Any, membership: Membership) -> str | None:
    """How ``actor`` may ask for help for ``membership``: "online" (the
    member), "supporter", "phone" (a coordinator), or None."""
    if not getattr(actor, "is_authenticated", False):
        return None
    if actor.pk == membership.person_id:
        return HelpRequest.AskedHow.ONLINE
    if _is_coordinator(actor, membership.locality):
        return HelpRequest.AskedHow.PHONE
    if SupporterLink.objects.filter(
        membership=membership,
        supporter=actor,
        status=SupporterLink.Status.ACTIVE,
        ask_for_help=True,
    ).exists():
        return HelpRequest.AskedHow.SUPPORTER
    return None


@dataclass(frozen=True)
class Window:
    starts_at: datetime
    ends_at: datetime


def any_time_this_week(now: datetime | None = None) -> list[Window]:
    """ "Any time this week": the next seven days, 9am to 6pm each day."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    windows: list[Window] = []
    for day in range(0, 8):
        date = (local + timedelta(days=day)).date()
        start = timezone.make_aware(
            datetime.combine(date, datetime.min.time()).replace(hour=9)
        )
        end = start.replace(hour=18)
        start = max(start, now + timedelta(hours=2))
        if end - start >= timedelta(minutes=30) and len(windows) < 7:
            windows.append(Window(start, end))
    return windows


@transaction.atomic
def request_create(
    *,
    actor: User,
    membership: Membership,
    category: HelpCategory,
    details: str,
    minutes: int,
    windows: list[Window],
    at_home: bool = True,
    place: str = "",
    notes_for_helper: str = "",
    urgency: str = Urgency.ROUTINE,
    repeat_weeks: int = 1,
    submission_key: str | None = None,
) -> HelpRequest:
    """Ask for help for a member: by the member, their supporter (if the
    member allowed it) or a coordinator. The same submission sent twice
    returns the first request."""
    how = can_ask_for(actor=actor, membership=membership)
    if how is None:
        raise PermissionDenied
    if submission_key:
        existing = HelpRequest.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.membership_id != membership.pk:
                raise PermissionDenied
            return existing
    if membership.status != Membership.Status.ACTIVE:
        raise ApplicationError(
            _(
                "Help can be booked once the membership has started. Phone %(phone)s "
                "and we will sort it out."
            )
            % {"phone": membership.locality.phone}
        )
    if category.locality_id != membership.locality_id or not category.is_active:
        raise ApplicationError(_("Choose the kind of help."), field="category")
    if not details.strip():
        raise ApplicationError(_("Say what help is needed."), field="details")
    if not 15 <= minutes <= 480:
        raise ApplicationError(
            _("Choose how long: between 15 minutes and 8 hours."), field="minutes"
        )
    if not at_home and not place.strip():
        raise ApplicationError(_("Say where the help is needed."), field="place")
    if urgency not in Urgency.values:
        raise ApplicationError(_("Choose how urgent it is."), field="urgency")
    if not 1 <= repeat_weeks <= MAX_SERIES_WEEKS:
        raise ApplicationError(
            _("Regular help can be booked for up to 26 weeks at a time."),
            field="repeat_weeks",
        )
    _check_windows(windows, minutes)
    request = HelpRequest.objects.create(
        locality=membership.locality,
        membership=membership,
        category=category,
        details=details.strip(),
        at_home=at_home,
        place="" if at_home else place.strip(),
        minutes=minutes,
        notes_for_helper=notes_for_helper.strip(),
        urgency=urgency,
        repeat_weeks=repeat_weeks,
        asked_by=actor,
        asked_how=how,
        submission_key=submission_key,
    )
    HelpWindow.objects.bulk_create(
        [
            HelpWindow(request=request, starts_at=w.starts_at, ends_at=w.ends_at)
            for w in windows
        ]
    )
    person = membership.person
    if how == HelpRequest.AskedHow.ONLINE:
        text = _("%(name)s asked for help.") % {"name": person.full_name}
    else:
        text = _("%(actor)s asked for help for %(name)s.") % {
            "actor": actor.full_name,
            "name": person.full_name,
        }
    _event(request, text, actor=actor)
    audit_record(
        actor=actor,
        action="help_requested",
        target=request,
        on_behalf_of=person if actor.pk != person.pk else None,
        locality=membership.locality,
        data={"category": category.name, "how": how},
    )
    return request


def _check_windows(windows: list[Window], minutes: int) -> None:
    if not windows:
        raise ApplicationError(
            _("Give at least one time when the member is free."), field="when"
        )
    if len(windows) > MAX_WINDOWS:
        raise ApplicationError(_("Give at most 5 times."), field="when")
    now = timezone.now()
    for window in windows:
        if window.ends_at <= window.starts_at:
            raise ApplicationError(
                _("Each time must end after it starts."), field="when"
            )
        if window.ends_at <= now:
            raise ApplicationError(_("Each time must be in the future."), field="when")
        if window.starts_at > now + LONGEST_AHEAD:
            raise ApplicationError(
                _("Times can be up to 12 weeks ahead."), field="when"
            )
        if (window.ends_at - window.starts_at) < timedelta(minutes=minutes):
            raise ApplicationError(
                _("Each time must be at least as long as the help needs."), field="when"
            )


@transaction.atomic
def request_cancel(*, actor: User, request: HelpRequest, reason: str) -> HelpRequest:
    """The member, their supporter or a coordinator cancels a whole request,
    with any visits still to come."""
    if can_ask_for(actor=actor, membership=request.membership) is None:
        raise PermissionDenied
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if request.status in (HelpRequest.Status.DONE, HelpRequest.Status.CANCELLED):
        raise ApplicationError(_("This request has already finished."))
    if not reason.strip():
        raise ApplicationError(_("Say why it is being cancelled."), field="reason")
    party = _party(actor, request)
    for visit in request.visits.filter(
        status__in=[Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]
    ):
        _cancel_visit(actor=actor, visit=visit, party=party, reason=reason)
    request.status = HelpRequest.Status.CANCELLED
    request.cancelled_reason = reason.strip()
    request.save(update_fields=["status", "cancelled_reason", "updated_at"])
    _event(
        request, _("Cancelled: %(reason)s") % {"reason": reason.strip()}, actor=actor
    )
    audit_record(
        actor=actor,
        action="help_request_cancelled",
        target=request,
        locality=request.locality,
    )
    return request


# --- offering and answering ------------------------------------------


def helper_unsuitable_reason(
    *, helper: HelperProfile, request: HelpRequest
) -> str | None:
    """Why ``helper`` may not be offered ``request``, in plain words; None
    when they may."""
    if helper.locality_id != request.locality_id:
        return _("They are not a helper in this locality.")
    if helper.status != HelperStatus.ACTIVE:
        return _("They are not an active helper (%(status)s).") % {
            "status": helper.get_status_display()
        }
    first_day = min(
        (w.starts_at for w in request.windows.all()), default=timezone.now()
    )
    day = max(timezone.localdate(), timezone.localtime(first_day).date())
    level = helper.level_on(day)
    if not level_at_least(level, request.category.vetting_level):
        return _(
            "Their vetting level (%(level)s) is below what %(category)s needs."
        ) % {
            "level": level.label,
            "category": request.category.name,
        }
    skill_id = request.category.skill_id
    if skill_id and not helper.skills.filter(skill_id=skill_id).exists():
        return _("They have not said they can do %(category)s.") % {
            "category": request.category.name
        }
    if request.visits.filter(helper=helper, status=Visit.Status.DECLINED).exists():
        return _("They declined this request.")
    return None


@transaction.atomic
def visit_offer(*, actor: User, request: HelpRequest, helper: HelperProfile) -> Visit:
    """A coordinator offers a request to a helper. A helper is never offered
    a visit above their vetting level on the day."""
    require_perm(actor, Perm.HELP_MANAGE, request.locality)
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (HelpRequest.Status.OPEN,):
        raise ApplicationError(
            _("This request is not waiting for a helper (it is %(status)s).")
            % {"status": request.get_status_display().lower()}
        )
    reason = helper_unsuitable_reason(helper=helper, request=request)
    if reason:
        raise ApplicationError(reason, field="helper")
    occurrence = (
        request.visits.filter(
            status__in=[Visit.Status.DONE, Visit.Status.SETTLED]
        ).count()
        + 1
    )
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                request=request,
                helper=helper,
                occurrence=occurrence,
                minutes=request.minutes,
                offered_by=actor,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            _("This request has just been offered to someone else.")
        ) from exc
    request.status = HelpRequest.Status.OFFERED
    request.save(update_fields=["status", "updated_at"])
    _event(
        request,
        _("Offered to %(helper)s.") % {"helper": helper.user.full_name},
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor, action="visit_offered", target=visit, locality=request.locality
    )
    _notify(
        helper.user,
        "visit_offered",
        request.locality,
        category=request.category.name,
        area=request.membership.ward.name
        if request.membership.ward
        else request.locality.name,
    )
    return visit


def _require_helper_or_coordinator(actor: User, visit: Visit) -> None:
    if visit.helper.user_id == actor.pk:
        return
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)


def _lock_visit(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update()
        .select_related(
            "request__membership__person",
            "request__category",
            "helper__user",
            "request__locality",
        )
        .get(pk=visit.pk)
    )


@transaction.atomic
def visit_accept(*, actor: User, visit: Visit, starts_at: datetime) -> Visit:
    """The helper (or a coordinator for them) accepts, with a time agreed
    inside one of the member's windows."""
    _require_helper_or_coordinator(actor, visit)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.OFFERED:
        raise ApplicationError(_("This offer has already been answered."))
    end = starts_at + timedelta(minutes=visit.minutes)
    if starts_at <= timezone.now():
        raise ApplicationError(_("Choose a time in the future."), field="starts_at")
    fits = visit.request.windows.filter(
        starts_at__lte=starts_at, ends_at__gte=end
    ).exists()
    if not fits:
        raise ApplicationError(
            _(
                "Choose a time when the member said they are free, long enough for "
                "the visit."
            ),
            field="starts_at",
        )
    visit.status = Visit.Status.ACCEPTED
    visit.starts_at = starts_at
    visit.answered_at = timezone.now()
    visit.save(update_fields=["status", "starts_at", "answered_at", "updated_at"])
    _event(
        visit.request,
        _("%(helper)s accepted: %(when)s.")
        % {"helper": visit.helper.user.full_name, "when": when_text(starts_at)},
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor,
        action="visit_accepted",
        target=visit,
        locality=visit.request.locality,
    )
    return visit


@transaction.atomic
def visit_decline(*, actor: User, visit: Visit, reason: str) -> Visit:
    """The helper says no, with a reason; the request goes back to be
    offered again (never to them)."""
    _require_helper_or_coordinator(actor, visit)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.OFFERED:
        raise ApplicationError(_("This offer has already been answered."))
    if not reason.strip():
        raise ApplicationError(_("Say why you cannot do it."), field="reason")
    visit.status = Visit.Status.DECLINED
    visit.decline_reason = reason.strip()
    visit.answered_at = timezone.now()
    visit.save(update_fields=["status", "decline_reason", "answered_at", "updated_at"])
    request = visit.request
    request.status = HelpRequest.Status.OPEN
    request.save(update_fields=["status", "updated_at"])
    _event(
        request,
        _("%(helper)s declined: %(reason)s")
        % {"helper": visit.helper.user.full_name, "reason": reason.strip()},
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor, action="visit_declined", target=visit, locality=request.locality
    )
    # An offer from a matching plan is planned again, without this helper.
    from kith.matching.services import decline_replan_queue

    decline_replan_queue(visit=visit)
    return visit


@transaction.atomic
def visit_confirm(*, actor: User, visit: Visit) -> list[Visit]:
    """A coordinator confirms an accepted visit to the member. For regular
    help the rest of the weekly series is arranged with the same helper.
    Returns the confirmed visits."""
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.ACCEPTED:
        raise ApplicationError(_("Only an accepted visit can be confirmed."))
    assert visit.starts_at is not None  # noqa: S101 - set on accepting
    now = timezone.now()
    visit.status = Visit.Status.CONFIRMED
    visit.confirmed_at = now
    visit.save(update_fields=["status", "confirmed_at", "updated_at"])
    request = visit.request
    confirmed = [visit]
    for week in range(1, request.repeat_weeks - visit.occurrence + 1):
        confirmed.append(
            Visit.objects.create(
                request=request,
                helper=visit.helper,
                occurrence=visit.occurrence + week,
                status=Visit.Status.CONFIRMED,
                starts_at=visit.starts_at + timedelta(weeks=week),
                minutes=visit.minutes,
                offered_by=actor,
                answered_at=now,
                confirmed_at=now,
            )
        )
    request.status = HelpRequest.Status.ARRANGED
    request.save(update_fields=["status", "updated_at"])
    when = when_text(visit.starts_at)
    series = (
        _(" and weekly after that, %(count)d visits in all") % {"count": len(confirmed)}
        if len(confirmed) > 1
        else ""
    )
    _event(
        request,
        _("Confirmed to %(member)s: %(helper)s, %(when)s%(series)s.")
        % {
            "member": request.membership.person.full_name,
            "helper": visit.helper.user.full_name,
            "when": when,
            "series": series,
        },
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor, action="visit_confirmed", target=visit, locality=request.locality
    )
    for person, other in (
        (request.membership.person, visit.helper.user.display_name),
        (visit.helper.user, request.membership.person.display_name),
    ):
        _notify(
            person,
            "visit_confirmed",
            request.locality,
            when=when + series,
            category=request.category.name,
            other_name=other,
        )
    return confirmed


def _party(actor: User, request: HelpRequest, visit: Visit | None = None) -> str:
    if visit is not None and visit.helper.user_id == actor.pk:
        return Visit.Party.HELPER
    if (
        actor.pk == request.membership.person_id
        or SupporterLink.objects.filter(
            membership=request.membership,
            supporter=actor,
            status=SupporterLink.Status.ACTIVE,
        ).exists()
    ):
        return Visit.Party.MEMBER
    return Visit.Party.COORDINATOR


def _is_late(visit: Visit) -> bool:
    if visit.starts_at is None:
        return False
    hours = settings_for(visit.request.locality).late_cancellation_hours
    return visit.starts_at - timezone.now() < timedelta(hours=hours)


def _charge_member(*, actor: Any, visit: Visit, why: str) -> None:
    """The locality's charge for a late cancellation or not being in: the
    member pays the helper for their wasted time."""
    from kith.credits.services import account_for, transfer_create

    minutes = settings_for(visit.request.locality).late_cancellation_minutes
    if not minutes:
        return
    locality = visit.request.locality
    try:
        with transaction.atomic():
            transfer_create(
                actor=actor,
                locality=locality,
                key=f"visit:{visit.pk}:{why}",
                kind="adjustment",
                legs=[
                    (
                        account_for(
                            person=visit.request.membership.person,
                            locality=locality,
                            kind="member",
                        ),
                        -minutes,
                    ),
                    (
                        account_for(
                            person=visit.helper.user, locality=locality, kind="helper"
                        ),
                        minutes,
                    ),
                ],
                description=_("%(why)s: %(category)s with %(helper)s")
                % {
                    "why": _("late cancellation")
                    if why == "late"
                    else _("not in for a visit"),
                    "category": visit.request.category.name.lower(),
                    "helper": visit.helper.user.display_name,
                },
                occurred_on=timezone.localdate(),
                reference_type="help.visit",
                reference_id=str(visit.pk),
            )
    except ApplicationError as error:
        _event(
            visit.request,
            _("The charge could not be taken: %(error)s") % {"error": error.message},
            actor=actor,
            visit=visit,
        )


def _cancel_visit(*, actor: User, visit: Visit, party: str, reason: str) -> Visit:
    late = _is_late(visit) and visit.status == Visit.Status.CONFIRMED
    visit.status = Visit.Status.CANCELLED
    visit.cancelled_by = party
    visit.cancel_reason = reason.strip()
    visit.late_cancellation = late
    visit.save()
    request = visit.request
    labels: dict[str, str] = {
        "member": _("the member"),
        "helper": visit.helper.user.full_name,
        "coordinator": actor.full_name,
    }
    label = labels[party]
    _event(
        request,
        _("Visit %(when)s cancelled by %(who)s%(late)s: %(reason)s")
        % {
            "when": when_text(visit.starts_at) if visit.starts_at else "",
            "who": label,
            "late": _(" (late)") if late else "",
            "reason": reason.strip(),
        },
        actor=actor,
        visit=visit,
    )
    if late and party == Visit.Party.MEMBER:
        _charge_member(actor=actor, visit=visit, why="late")
    return visit


@transaction.atomic
def visit_cancel(*, actor: User, visit: Visit, reason: str) -> Visit:
    """Cancel one visit. A cancellation by the member is final for that
    visit; one by the helper or a coordinator sends the request back to be
    offered again. Late cancellations follow the locality's policy."""
    request = visit.request
    is_helper = visit.helper.user_id == actor.pk
    if (
        not is_helper
        and can_ask_for(actor=actor, membership=request.membership) is None
    ):
        raise PermissionDenied
    visit = _lock_visit(visit)
    if not visit.live:
        raise ApplicationError(_("This visit is not going ahead anyway."))
    if not reason.strip():
        raise ApplicationError(_("Say why it is being cancelled."), field="reason")
    party = _party(actor, request, visit)
    was_confirmed = visit.status == Visit.Status.CONFIRMED
    _cancel_visit(actor=actor, visit=visit, party=party, reason=reason)
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    others_live = request.visits.filter(
        status__in=[Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]
    ).exists()
    if party == Visit.Party.MEMBER and not others_live:
        done = request.visits.filter(
            status__in=[Visit.Status.DONE, Visit.Status.SETTLED]
        ).exists()
        request.status = (
            HelpRequest.Status.DONE if done else HelpRequest.Status.CANCELLED
        )
    elif not others_live:
        request.status = HelpRequest.Status.OPEN
    request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="visit_cancelled",
        target=visit,
        locality=request.locality,
        data={"by": party, "late": visit.late_cancellation},
    )
    if was_confirmed and visit.starts_at:
        tell = [visit.helper.user] if party != Visit.Party.HELPER else []
        if party != Visit.Party.MEMBER:
            tell.append(request.membership.person)
        for person in tell:
            _notify(
                person,
                "visit_cancelled",
                request.locality,
                when=when_text(visit.starts_at),
                category=request.category.name,
            )
    return visit


@transaction.atomic
def visit_reassign(
    *, actor: User, visit: Visit, helper: HelperProfile, reason: str
) -> Visit:
    """A coordinator moves a visit to another helper at any point before it
    happens. Returns the new offer."""
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)
    if helper.pk == visit.helper_id:
        raise ApplicationError(_("Choose a different helper."), field="helper")
    reason_text = reason.strip() or _("reassigned")
    locked = _lock_visit(visit)
    if not locked.live:
        raise ApplicationError(_("This visit is not going ahead anyway."))
    problem = helper_unsuitable_reason(helper=helper, request=locked.request)
    if problem:
        raise ApplicationError(problem, field="helper")
    _cancel_visit(
        actor=actor, visit=locked, party=Visit.Party.COORDINATOR, reason=reason_text
    )
    request = locked.request
    request.status = HelpRequest.Status.OPEN
    request.save(update_fields=["status", "updated_at"])
    return visit_offer(actor=actor, request=request, helper=helper)


@transaction.atomic
def visit_no_show(*, actor: User, visit: Visit, party: str) -> Visit:
    """A coordinator records that a confirmed visit did not happen because
    the member was not in, or the helper did not come."""
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.CONFIRMED:
        raise ApplicationError(
            _("Only a confirmed visit can be recorded as not happening.")
        )
    if party not in (Visit.Party.MEMBER, Visit.Party.HELPER):
        raise ApplicationError(_("Choose who was missing."), field="party")
    if visit.starts_at and visit.starts_at > timezone.now():
        raise ApplicationError(_("This visit has not happened yet."))
    visit.status = Visit.Status.NO_SHOW
    visit.no_show_by = party
    visit.save(update_fields=["status", "no_show_by", "updated_at"])
    request = visit.request
    who = (
        _("the member was not in")
        if party == Visit.Party.MEMBER
        else _("the helper did not come")
    )
    _event(
        request,
        _("The visit did not happen: %(who)s.") % {"who": who},
        actor=actor,
        visit=visit,
    )
    if party == Visit.Party.MEMBER:
        _charge_member(actor=actor, visit=visit, why="no_show")
    if not request.visits.filter(
        status__in=[Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]
    ).exists():
        request.status = (
            HelpRequest.Status.OPEN
            if party == Visit.Party.HELPER
            else HelpRequest.Status.DONE
        )
        request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="visit_no_show",
        target=visit,
        locality=request.locality,
        data={"by": party},
    )
    return visit


# --- doing and settling ------------------------------------------


@transaction.atomic
def visit_done(
    *, actor: User, visit: Visit, actual_minutes: int, note: str = ""
) -> Visit:
    """The helper (or a coordinator for them) records the visit as done,
    with the minutes it took; the credits are then settled."""
    _require_helper_or_coordinator(actor, visit)
    visit = _lock_visit(visit)
    if visit.status != Visit.Status.CONFIRMED:
        raise ApplicationError(_("Only a confirmed visit can be recorded as done."))
    if visit.starts_at and visit.starts_at > timezone.now():
        raise ApplicationError(_("This visit has not started yet."))
    if not 5 <= actual_minutes <= 600:
        raise ApplicationError(
            _("Enter how long it took, between 5 minutes and 10 hours."),
            field="actual_minutes",
        )
    visit.status = Visit.Status.DONE
    visit.done_at = timezone.now()
    visit.actual_minutes = actual_minutes
    visit.helper_note = note.strip()
    visit.save()
    request = visit.request
    _event(
        request,
        _("%(helper)s did the visit: %(minutes)d minutes.")
        % {"helper": visit.helper.user.full_name, "minutes": actual_minutes},
        actor=actor,
        visit=visit,
    )
    if not request.visits.filter(
        status__in=[Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]
    ).exists():
        request.status = HelpRequest.Status.DONE
        request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="visit_done", target=visit, locality=request.locality
    )
    _settle(actor=actor, visit=visit)
    _notify(
        request.membership.person,
        "how_did_it_go",
        request.locality,
        category=request.category.name,
        helper_name=visit.helper.user.display_name,
    )
    return visit


def _settle(*, actor: Any, visit: Visit) -> bool:
    """Move the visit's minutes from member to helper. A refusal (not enough
    credit) leaves the visit done and unsettled, on the coordinators'
    problems list."""
    from kith.credits.services import visit_settle as credits_visit_settle

    assert visit.actual_minutes is not None  # noqa: S101 - recorded when done
    request = visit.request
    starts = visit.starts_at or visit.done_at or timezone.now()
    try:
        with transaction.atomic():
            credits_visit_settle(
                actor=actor,
                locality=request.locality,
                visit_key=str(visit.pk),
                member=request.membership.person,
                helper=visit.helper.user,
                minutes=visit.actual_minutes,
                description=_("%(category)s with %(helper)s")
                % {
                    "category": request.category.name.lower(),
                    "helper": visit.helper.user.display_name,
                },
                occurred_on=timezone.localtime(starts).date(),
            )
    except ApplicationError as error:
        _event(
            request,
            _("Not settled yet: %(error)s") % {"error": error.message},
            actor=actor,
            visit=visit,
        )
        return False
    visit.status = Visit.Status.SETTLED
    visit.settled_minutes = visit.actual_minutes
    visit.settled_at = timezone.now()
    visit.save(update_fields=["status", "settled_minutes", "settled_at", "updated_at"])
    _event(request, _("Credits settled."), actor=actor, visit=visit)
    audit_record(
        actor=actor, action="visit_settled", target=visit, locality=request.locality
    )
    return True


@transaction.atomic
def visit_settle(*, actor: User, visit: Visit) -> Visit:
    """A coordinator settles a done visit that could not be settled before
    (for example after a top-up). Settling twice moves credits once."""
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)
    visit = _lock_visit(visit)
    if visit.status == Visit.Status.SETTLED:
        return visit
    if visit.status != Visit.Status.DONE:
        raise ApplicationError(_("Only a done visit can be settled."))
    if not _settle(actor=actor, visit=visit):
        raise ApplicationError(
            _("The credits could not be moved: the member does not have enough credit.")
        )
    return visit


# --- feedback and concerns ------------------------------------------


@transaction.atomic
def feedback_record(
    *, actor: User, visit: Visit, rating: int, comment: str = ""
) -> Feedback:
    """The member rates a visit that happened, or a coordinator records
    their rating from a call. Once per visit."""
    request = visit.request
    by_member = actor.pk == request.membership.person_id
    if not by_member:
        require_perm(actor, Perm.HELP_MANAGE, request.locality)
    if visit.status not in (Visit.Status.DONE, Visit.Status.SETTLED):
        raise ApplicationError(_("A visit can be rated once it has happened."))
    if not 1 <= rating <= 5:
        raise ApplicationError(_("Choose how it went."), field="rating")
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                visit=visit,
                rating=rating,
                comment=comment.strip(),
                given_by=actor,
                by_phone=not by_member,
            )
    except IntegrityError as exc:
        raise ApplicationError(_("This visit has already been rated.")) from exc
    _event(
        request,
        _("Rated %(rating)d out of 5.") % {"rating": rating},
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor,
        action="visit_rated",
        target=visit,
        on_behalf_of=request.membership.person if not by_member else None,
        locality=request.locality,
    )
    return feedback


@transaction.atomic
def concern_raise(*, actor: User, visit: Visit, text: str) -> Concern:
    """A helper raises a worry about a member's wellbeing. It goes to the
    coordinators' queue at once, marked as a possible safeguarding matter."""
    request = visit.request
    if visit.helper.user_id != actor.pk:
        require_perm(actor, Perm.HELP_MANAGE, request.locality)
    if not text.strip():
        raise ApplicationError(_("Say what worried you."), field="text")
    concern = Concern.objects.create(
        locality=request.locality,
        membership=request.membership,
        visit=visit,
        raised_by=actor,
        text=text.strip(),
    )
    audit_record(
        actor=actor,
        action="safeguarding_concern_raised",
        target=concern,
        locality=request.locality,
    )
    return concern


@transaction.atomic
def concern_close(*, actor: User, concern: Concern, outcome: str) -> Concern:
    require_perm(actor, Perm.HELP_MANAGE, concern.locality)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.status == Concern.Status.CLOSED:
        raise ApplicationError(_("This concern has already been dealt with."))
    if not outcome.strip():
        raise ApplicationError(_("Say what was done."), field="outcome")
    concern.status = Concern.Status.CLOSED
    concern.outcome = outcome.strip()
    concern.handled_by = actor
    concern.save()
    audit_record(
        actor=actor,
        action="safeguarding_concern_closed",
        target=concern,
        locality=concern.locality,
    )
    return concern
