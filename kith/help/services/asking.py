"""Asking for help: who may ask for a member, the times that suit them and
making a request.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help.models import HelpCategory, HelpRequest, HelpWindow, Urgency
from kith.help.selectors import can_ask_for
from kith.help.services.common import _event
from kith.help.urgency import urgency_for_dates
from kith.members.models import Membership
from kith.places.services import locality_require_open

MAX_WINDOWS = 5


LONGEST_AHEAD = timedelta(weeks=12)


MAX_SERIES_WEEKS = 26


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


def _check_request(
    *,
    membership: Membership,
    category: HelpCategory,
    details: str,
    minutes: int,
    at_home: bool,
    place: str,
    urgency: str,
    repeat_weeks: int,
) -> None:
    """Refuse (changing nothing) a request that cannot be booked: the
    membership has not started, or an answer is missing or out of range."""
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
    returns the first request. Its urgency is never less than its dates
    make it (``kith.help.urgency``)."""
    how = can_ask_for(actor=actor, membership=membership)
    if how is None:
        raise PermissionDenied
    if submission_key:
        existing = HelpRequest.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.membership_id != membership.pk:
                raise PermissionDenied
            return existing
    # A paused or archived locality takes no new help requests (ADR 0041).
    locality_require_open(membership.locality_id)
    _check_request(
        membership=membership,
        category=category,
        details=details,
        minutes=minutes,
        at_home=at_home,
        place=place,
        urgency=urgency,
        repeat_weeks=repeat_weeks,
    )
    _check_windows(windows, minutes)
    urgency = urgency_for_dates(
        asked=urgency,
        last_day=timezone.localdate(max(w.ends_at for w in windows)),
        today=timezone.localdate(),
    )
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
def requests_urgency_follow_dates(*, today: date | None = None) -> int:
    """Raise the urgency of each request still waiting for a helper whose
    dates have drawn near (the nightly job), so it sorts above those that
    can wait. Never lowers one. Each change is on the request's timeline and
    in the audit log, by the system. Returns how many changed."""
    today = today or timezone.localdate()
    waiting = (
        HelpRequest.objects.filter(
            status__in=(HelpRequest.Status.OPEN, HelpRequest.Status.OFFERED)
        )
        .exclude(urgency=Urgency.URGENT)
        .annotate(last_end=Max("windows__ends_at"))
        .filter(last_end__isnull=False, last_end__gte=timezone.now())
        .select_related("locality")
    )
    changed = 0
    for request in waiting:
        urgency = urgency_for_dates(
            asked=request.urgency,
            last_day=timezone.localdate(request.last_end),
            today=today,
        )
        if urgency == request.urgency:
            continue
        before = request.urgency
        request.urgency = urgency
        request.save(update_fields=["urgency", "updated_at"])
        _event(
            request,
            _("Now %(urgency)s: the time the member gave is near.")
            % {"urgency": Urgency(urgency).label.split(":")[0].lower()},
            actor=None,
        )
        audit_record(
            actor=None,
            action="help_request_urgency_raised",
            target=request,
            locality=request.locality,
            data={"from": before, "to": urgency},
        )
        changed += 1
    return changed
