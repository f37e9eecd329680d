"""Writes about introductions and activities.

Every function checks permission, validates, writes an audit event and owns
its transaction; messages go to the notify outbox in the same transaction and
are sent after it commits. Each raises ApplicationError (nothing changed, the
message says why) or PermissionDenied.

Places at an activity are counted under a lock on the date's row
(``Occurrence``): signing up and dropping out take it first, so two people
taking the last place, or two people dropping out at once, can never leave
more people booked than places or a free place while someone waits.
"""

import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import Role, User
from kith.accounts.permissions import Perm, has_perm, has_role, require_perm
from kith.core.errors import ApplicationError
from kith.core.money import pounds
from kith.core.services import audit_record
from kith.members.models import Consent, Interest, Membership, SupporterLink
from kith.notify.services import message_queue_for_person
from kith.places.models import Locality, Postcode, Ward
from kith.social import scoring, words
from kith.social.models import (
    FREE_TIMES,
    Activity,
    CalendarFeed,
    FollowUp,
    Introduction,
    Occurrence,
    SignUp,
    SocialProfile,
    Venue,
)

FOLLOW_UP_AFTER = timedelta(weeks=3)
MAX_DATES = 26
LONGEST_AHEAD = timedelta(weeks=26)
LIVE_SIGN_UPS = (SignUp.Status.BOOKED, SignUp.Status.WAITING)


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


def _is_member_or_coordinator(
    actor: Any, membership: Membership, perm: Perm = Perm.INTRODUCTIONS_MANAGE
) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.pk == membership.person_id and has_perm(
        actor, Perm.OWN_RECORD, membership.locality
    ):
        return True
    return has_perm(actor, perm, membership.locality)


# --- introductions ----------------------------------------------------------


@transaction.atomic
def free_times_set(
    *, actor: User, membership: Membership, free_times: list[str]
) -> SocialProfile:
    """Record when a member is usually free, for introductions. The member,
    or a coordinator for them."""
    if not _is_member_or_coordinator(actor, membership):
        raise PermissionDenied
    known = {code for code, _label in FREE_TIMES}
    if any(t not in known for t in free_times):
        raise ApplicationError(_("Choose times from the list."), field="free_times")
    profile, _created = SocialProfile.objects.get_or_create(membership=membership)
    profile.free_times = [code for code, _label in FREE_TIMES if code in free_times]
    profile.save()
    audit_record(
        actor=actor,
        action="free_times_set",
        target=membership,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=membership.locality,
        data={"free_times": profile.free_times},
    )
    return profile


def consenting(queryset: Any) -> Any:
    """``queryset`` of memberships, annotated ``introductions_consent`` with
    the latest answer to the introductions question (None if never asked)."""
    latest = Consent.objects.filter(
        membership=OuterRef("pk"), kind=Consent.Kind.INTRODUCTIONS
    ).order_by("-recorded_at", "-id")
    return queryset.annotate(introductions_consent=Subquery(latest.values("given")[:1]))


def _consents(membership: Membership) -> bool:
    latest = (
        Consent.objects.filter(membership=membership, kind=Consent.Kind.INTRODUCTIONS)
        .order_by("-recorded_at", "-id")
        .values_list("given", flat=True)
        .first()
    )
    return bool(latest)


def members_for_scoring(*, locality: Locality) -> list[scoring.Member]:
    """Every active member of ``locality`` as the scoring rules see them, in
    four queries whatever the number of members."""
    rows = list(
        consenting(
            Membership.objects.filter(
                locality=locality, status=Membership.Status.ACTIVE
            )
        ).values_list(
            "pk",
            "person__postcode",
            "access_needs",
            "introductions_consent",
            "social_profile__free_times",
        )
    )
    interests: dict[int, set[int]] = {}
    for membership_id, interest_id in Membership.interests.through.objects.filter(
        membership__locality=locality, membership__status=Membership.Status.ACTIVE
    ).values_list("membership_id", "interest_id"):
        interests.setdefault(membership_id, set()).add(interest_id)
    postcodes = {code for _pk, code, *_rest in rows if code}
    where: dict[str, tuple[float | None, float | None]] = {}
    for code, latitude, longitude in Postcode.objects.filter(
        postcode__in=postcodes
    ).values_list("postcode", "latitude", "longitude"):
        where[code] = (latitude, longitude)
    members = []
    for pk, code, needs, consent, free in rows:
        lat, lon = where.get(code or "", (None, None))
        members.append(
            scoring.Member(
                id=pk,
                latitude=lat,
                longitude=lon,
                interests=frozenset(interests.get(pk, ())),
                free_times=frozenset(free or ()),
                needs=frozenset(needs or ()),
                consents=bool(consent),
            )
        )
    return members


def reasons_for(
    suggestion: scoring.Suggestion,
    *,
    interest_names: dict[int, str],
    taking_part: int,
    texts: dict[scoring.Reason, str] | None = None,
) -> list[dict[str, str]]:
    """The suggestion's reasons in words; ``texts`` remembers each reason's
    words across a run (the same few reasons come up thousands of times)."""
    texts = {} if texts is None else texts
    made = []
    for reason in suggestion.reasons:
        text = texts.get(reason)
        if text is None:
            text = texts[reason] = words.reason_text(
                reason, interest_names=interest_names, taking_part=taking_part
            )
        made.append({"kind": reason.kind, "text": text})
    return made


@transaction.atomic
def introductions_suggest(
    *,
    actor: User | None,
    locality: Locality,
    policy: scoring.Policy | None = None,
) -> int:
    """Find members who would likely get on and add them as suggestions for
    coordinators to review. Pairs suggested before (whatever came of it) are
    never suggested again, and a member with ``per_member`` suggestions
    still open gets no more until a coordinator deals with them, so running
    it again adds nothing until something changes. Returns how many were
    added. ``actor`` None is the scheduler."""
    if actor is not None:
        require_perm(actor, Perm.INTRODUCTIONS_MANAGE, locality)
    policy = policy or scoring.Policy()
    members = members_for_scoring(locality=locality)
    existing = list(
        Introduction.objects.filter(locality=locality).values_list(
            "first_id", "second_id", "status"
        )
    )
    open_count: Counter[int] = Counter()
    for first, second, status in existing:
        if status in (Introduction.Status.SUGGESTED, Introduction.Status.ASKED):
            open_count[first] += 1
            open_count[second] += 1
    found = scoring.suggest(
        members,
        policy=policy,
        exclude=[(first, second) for first, second, _status in existing],
        busy=[m for m, n in open_count.items() if n >= policy.per_member],
    )
    names = dict(Interest.objects.filter(locality=locality).values_list("pk", "name"))
    taking_part = sum(1 for m in members if m.consents)
    texts: dict[scoring.Reason, str] = {}
    before = Introduction.objects.filter(locality=locality).count()
    _insert_suggestions(
        locality,
        [
            (
                s.first,
                s.second,
                round(s.score, 4),
                reasons_for(
                    s, interest_names=names, taking_part=taking_part, texts=texts
                ),
            )
            for s in found
        ],
    )
    added = Introduction.objects.filter(locality=locality).count() - before
    audit_record(
        actor=actor,
        action="introductions_suggested",
        locality=locality,
        data={"suggestions": added},
    )
    return added


def introductions_suggest_all() -> int:
    """Every locality's new suggestions, for the scheduler each night: safe
    to run again (see introductions_suggest). Returns how many were added."""
    return sum(
        introductions_suggest(actor=None, locality=locality)
        for locality in Locality.objects.order_by("pk")
    )


def _insert_suggestions(
    locality: Locality, rows: list[tuple[int, int, float, list[dict[str, str]]]]
) -> None:
    """Insert many suggestions at once, skipping pairs already there.

    Thousands of rows at a time: the ORM's bulk_create spends most of its
    time preparing each field of each row, so this writes only what a new
    suggestion needs. On PostgreSQL the rows are copied (COPY) into a
    temporary table and inserted from there in one statement; on SQLite,
    many rows per statement.
    """
    if connection.vendor == "postgresql":
        _insert_suggestions_postgresql(locality, rows)
        return
    table = connection.ops.quote_name(Introduction._meta.db_table)
    columns = (
        "locality_id",
        "first_id",
        "second_id",
        "status",
        "score",
        "reasons",
        "share_how",
        "first_answer",
        "second_answer",
        "helper_present",
        "meeting_place",
        "closed_reason",
        "created_at",
        "updated_at",
    )
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        (
            locality.pk,
            first,
            second,
            Introduction.Status.SUGGESTED,
            score,
            json.dumps(reasons),
            Introduction.ShareHow.CONTACT,
            "",
            "",
            False,
            "",
            "",
            now,
            now,
        )
        for first, second, score, reasons in rows
    ]
    # Many rows per statement: one round trip per batch, not per row.
    batch = 500
    with connection.cursor() as cursor:
        for start in range(0, len(params), batch):
            chunk = params[start : start + batch]
            values = ", ".join([row] * len(chunk))
            cursor.execute(
                f"INSERT OR IGNORE INTO {table} ({names}) VALUES {values}",  # noqa: S608 - names are ours
                [value for values in chunk for value in values],
            )


def _insert_suggestions_postgresql(
    locality: Locality, rows: list[tuple[int, int, float, list[dict[str, str]]]]
) -> None:
    table = connection.ops.quote_name(Introduction._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE social_new_suggestion (first_id bigint, "
            "second_id bigint, score double precision, reasons jsonb) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY social_new_suggestion (first_id, second_id, score, reasons) "
            "FROM STDIN"
        ) as copy:
            for first, second, score, reasons in rows:
                copy.write_row((first, second, score, json.dumps(reasons)))
        cursor.execute(
            f"INSERT INTO {table} (locality_id, first_id, second_id, status, score, "  # noqa: S608 - names are ours
            "reasons, share_how, first_answer, second_answer, helper_present, "
            "meeting_place, closed_reason, created_at, updated_at) "
            "SELECT %s, first_id, second_id, %s, score, reasons, %s, '', '', "
            "false, '', '', %s, %s FROM social_new_suggestion "
            "ON CONFLICT DO NOTHING",
            [
                locality.pk,
                Introduction.Status.SUGGESTED,
                Introduction.ShareHow.CONTACT,
                now,
                now,
            ],
        )
        cursor.execute("DROP TABLE social_new_suggestion")


def _lock_introduction(introduction: Introduction) -> Introduction:
    return (
        Introduction.objects.select_for_update()
        .select_related("first__person", "second__person", "locality")
        .get(pk=introduction.pk)
    )


def _member_reasons(introduction: Introduction) -> str:
    texts = [
        r["text"] for r in introduction.reasons if r.get("kind") in words.MEMBER_KINDS
    ]
    return " ".join(texts)


@transaction.atomic
def introduction_ask(
    *, actor: User, introduction: Introduction, share_how: str
) -> Introduction:
    """A coordinator asks both members whether they would like to be
    introduced, each by their own channel. Neither learns who the other is
    until both say yes."""
    require_perm(actor, Perm.INTRODUCTIONS_MANAGE, introduction.locality)
    introduction = _lock_introduction(introduction)
    if introduction.status != Introduction.Status.SUGGESTED:
        raise ApplicationError(_("Both members have already been asked."))
    if share_how not in Introduction.ShareHow.values:
        raise ApplicationError(
            _("Choose what happens if both say yes."), field="share_how"
        )
    for membership in (introduction.first, introduction.second):
        if membership.status != Membership.Status.ACTIVE or not _consents(membership):
            raise ApplicationError(
                _(
                    "%(name)s is no longer an active member who wants to be "
                    "introduced. Set this suggestion aside."
                )
                % {"name": membership.person.full_name}
            )
    introduction.status = Introduction.Status.ASKED
    introduction.share_how = share_how
    introduction.asked_by = actor
    introduction.asked_at = timezone.now()
    introduction.save()
    why = _member_reasons(introduction)
    for membership in (introduction.first, introduction.second):
        _notify(
            membership.person,
            "introduction_asked",
            introduction.locality,
            why=why,
        )
    audit_record(
        actor=actor,
        action="introduction_asked",
        target=introduction,
        locality=introduction.locality,
        data={"share_how": share_how},
    )
    return introduction


def _contact_text(person: User) -> str:
    lines = []
    if person.mobile:
        lines.append(_("mobile %(number)s") % {"number": person.mobile})
    if person.phone:
        lines.append(_("phone %(number)s") % {"number": person.phone})
    if person.email:
        lines.append(_("email %(address)s") % {"address": person.email})
    return ", ".join(lines) or _("no phone or email: we will pass on messages")


@transaction.atomic
def introduction_answer(
    *,
    actor: User,
    introduction: Introduction,
    membership: Membership,
    answer: str,
) -> Introduction:
    """A member (or a coordinator they told on the phone) answers yes or no.

    No closes the introduction; the other member is not told why. When both
    have said yes, each is sent the other's first name and contact details,
    or told a coordinator will arrange a first meeting."""
    if not _is_member_or_coordinator(actor, membership):
        raise PermissionDenied
    introduction = _lock_introduction(introduction)
    side = introduction.side_of(membership.pk)
    if side is None:
        raise PermissionDenied
    if answer not in (Introduction.Answer.YES, Introduction.Answer.NO):
        raise ApplicationError(_("Choose yes or no."), field="answer")
    if introduction.status == Introduction.Status.CLOSED:
        raise ApplicationError(_("This introduction is not going ahead."))
    if introduction.status == Introduction.Status.AGREED:
        raise ApplicationError(_("You have both already said yes."))
    if introduction.status != Introduction.Status.ASKED:
        raise PermissionDenied
    if getattr(introduction, f"{side}_answer") == answer:
        return introduction
    setattr(introduction, f"{side}_answer", answer)
    now = timezone.now()
    if answer == Introduction.Answer.NO:
        introduction.status = Introduction.Status.CLOSED
        introduction.closed_at = now
        introduction.closed_reason = _("A member said no.")
    elif introduction.first_answer == introduction.second_answer == "yes":
        introduction.status = Introduction.Status.AGREED
        introduction.agreed_at = now
        _tell_agreed(introduction)
    introduction.save()
    audit_record(
        actor=actor,
        action="introduction_answered",
        target=introduction,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=introduction.locality,
        data={"answer": answer},
    )
    return introduction


def _tell_agreed(introduction: Introduction) -> None:
    pairs = (
        (introduction.first, introduction.second),
        (introduction.second, introduction.first),
    )
    for me, other in pairs:
        if introduction.share_how == Introduction.ShareHow.CONTACT:
            _notify(
                me.person,
                "introduction_agreed",
                introduction.locality,
                other_name=words.first_name(other.person),
                other_contact=_contact_text(other.person),
            )
        else:
            _notify(
                me.person,
                "introduction_meeting_to_arrange",
                introduction.locality,
                other_name=words.first_name(other.person),
            )


@transaction.atomic
def introduction_stop(
    *,
    actor: User,
    introduction: Introduction,
    membership: Membership | None = None,
    reason: str = "",
) -> Introduction:
    """Either member stops an introduction at any time, or a coordinator sets
    a suggestion aside. Nobody else is told why."""
    if membership is None:
        require_perm(actor, Perm.INTRODUCTIONS_MANAGE, introduction.locality)
    elif not _is_member_or_coordinator(actor, membership):
        raise PermissionDenied
    introduction = _lock_introduction(introduction)
    if membership is not None and introduction.side_of(membership.pk) is None:
        raise PermissionDenied
    if introduction.status == Introduction.Status.CLOSED:
        return introduction
    introduction.status = Introduction.Status.CLOSED
    introduction.closed_at = timezone.now()
    introduction.closed_reason = (
        reason.strip() or (_("A member stopped it.") if membership else _("Set aside."))
    )[:300]
    introduction.save()
    audit_record(
        actor=actor,
        action="introduction_stopped",
        target=introduction,
        locality=introduction.locality,
    )
    return introduction


def introductions_close_on_consent_withdrawn(
    *, actor: User, membership: Membership
) -> int:
    """A member who no longer agrees to be introduced leaves every
    introduction not yet agreed (suggested or asked): each closes, and the
    other member sees only "not going ahead". Agreed ones stay: their
    details were shared with both's yes. Called by the members part as the
    consent is withdrawn, in its transaction. Returns how many closed."""
    from django.db.models import Q

    found = Introduction.objects.select_for_update().filter(
        Q(first=membership) | Q(second=membership),
        status__in=[Introduction.Status.SUGGESTED, Introduction.Status.ASKED],
    )
    closed = 0
    for introduction in found:
        introduction.status = Introduction.Status.CLOSED
        introduction.closed_at = timezone.now()
        introduction.closed_reason = _("A member no longer agrees to be introduced.")
        introduction.save(update_fields=["status", "closed_at", "closed_reason"])
        audit_record(
            actor=actor,
            action="introduction_stopped",
            target=introduction,
            locality=introduction.locality,
            data={"why": "consent withdrawn"},
        )
        closed += 1
    return closed


@transaction.atomic
def introduction_meeting_arrange(
    *,
    actor: User,
    introduction: Introduction,
    meeting_at: datetime,
    place: str,
    helper_present: bool = False,
) -> Introduction:
    """A coordinator arranges the first meeting of two members who both said
    yes, maybe with a helper there, and tells them both."""
    require_perm(actor, Perm.INTRODUCTIONS_MANAGE, introduction.locality)
    introduction = _lock_introduction(introduction)
    if introduction.status != Introduction.Status.AGREED:
        raise ApplicationError(_("Both members must say yes first."))
    if meeting_at <= timezone.now():
        raise ApplicationError(_("The meeting must be in the future."), field="when")
    if not place.strip():
        raise ApplicationError(_("Say where they will meet."), field="place")
    introduction.meeting_at = meeting_at
    introduction.meeting_place = place.strip()
    introduction.helper_present = helper_present
    introduction.save()
    pairs = (
        (introduction.first, introduction.second),
        (introduction.second, introduction.first),
    )
    for me, other in pairs:
        _notify(
            me.person,
            "introduction_meeting",
            introduction.locality,
            other_name=words.first_name(other.person),
            when=words.when_text(meeting_at),
            place=introduction.meeting_place,
            helper_text=_("A Neighbourhood Helper will be there too.")
            if helper_present
            else "",
        )
    audit_record(
        actor=actor,
        action="introduction_meeting_arranged",
        target=introduction,
        locality=introduction.locality,
    )
    return introduction


def introduction_follow_ups_queue(*, now: datetime | None = None) -> int:
    """A few weeks after two members agreed, ask each: did you meet, would
    you meet again? Each introduction is asked once, however often this runs
    (and while another run is going). Returns how many were asked."""
    now = now or timezone.now()
    asked = 0
    with transaction.atomic():
        due = (
            Introduction.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=Introduction.Status.AGREED,
                agreed_at__lte=now - FOLLOW_UP_AFTER,
                follow_up_asked_at__isnull=True,
            )
            .select_related("first__person", "second__person", "locality")
        )
        for introduction in due:
            for me, other in (
                (introduction.first, introduction.second),
                (introduction.second, introduction.first),
            ):
                _notify(
                    me.person,
                    "introduction_follow_up",
                    introduction.locality,
                    other_name=words.first_name(other.person),
                )
            introduction.follow_up_asked_at = now
            introduction.save(update_fields=["follow_up_asked_at", "updated_at"])
            audit_record(
                actor=None,
                action="introduction_follow_up_asked",
                target=introduction,
                locality=introduction.locality,
            )
            asked += 1
    return asked


@transaction.atomic
def follow_up_record(
    *,
    actor: User,
    introduction: Introduction,
    membership: Membership,
    met: bool,
    meet_again: str,
) -> FollowUp:
    """A member's answer to the follow-up (or a coordinator's note of it from
    the phone). Answering again corrects the earlier answer."""
    if not _is_member_or_coordinator(actor, membership):
        raise PermissionDenied
    introduction = _lock_introduction(introduction)
    if introduction.side_of(membership.pk) is None:
        raise PermissionDenied
    if introduction.status != Introduction.Status.AGREED:
        raise ApplicationError(_("This introduction did not go ahead."))
    if meet_again not in FollowUp.Again.values:
        raise ApplicationError(
            _("Say whether they would meet again."), field="meet_again"
        )
    follow_up, _created = FollowUp.objects.update_or_create(
        introduction=introduction,
        membership=membership,
        defaults={
            "met": met,
            "meet_again": meet_again,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        action="introduction_follow_up_recorded",
        target=introduction,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=introduction.locality,
        data={"met": met, "meet_again": meet_again},
    )
    return follow_up


# --- venues and activities --------------------------------------------------


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


# --- signing up, dropping out and the waiting list ---------------------------


def can_sign_up_for(*, actor: Any, membership: Membership) -> bool:
    """The member, a coordinator, or a supporter the member allowed to ask
    for things for them."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.pk == membership.person_id:
        return True
    if has_perm(actor, Perm.ACTIVITIES_MANAGE, membership.locality):
        return True
    return SupporterLink.objects.filter(
        membership=membership,
        supporter=actor,
        status=SupporterLink.Status.ACTIVE,
        ask_for_help=True,
    ).exists()


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


@transaction.atomic
def sign_up(
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
            % {"places": activity.places, "name": name},
            code="full",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            made = SignUp.objects.create(
                occurrence=occurrence,
                person=membership.person,
                status=SignUp.Status.WAITING if full else SignUp.Status.BOOKED,
                waiting_since=now if full else None,
                signed_up_by=actor,
                needs_lift=needs_lift,
            )
    except IntegrityError as exc:  # the same person, at the same moment
        raise ApplicationError(
            _("%(name)s has already signed up. Nothing has changed.") % {"name": name},
            code="already",
        ) from exc
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


def _lift_category(locality: Locality) -> Any:
    from kith.help.models import HelpCategory

    return (
        HelpCategory.objects.filter(
            locality=locality, is_active=True, name__istartswith="lift"
        )
        .order_by("position")
        .first()
    )


def _ask_for_lift(actor: User, made: SignUp, membership: Membership) -> None:
    """Ask the help part for a lift there and back, from an hour before the
    activity until an hour after it."""

    occurrence = made.occurrence
    activity = occurrence.activity
    category = _lift_category(activity.locality)
    if category is None:
        raise ApplicationError(
            _(
                "We cannot arrange lifts online here yet. Phone %(phone)s and we "
                "will try to help."
            )
            % {"phone": activity.locality.phone},
            field="needs_lift",
        )
    minutes = min(480, activity.minutes + 120)
    try:
        request = _lift_request_create(
            actor, made, membership, category=category, minutes=minutes
        )
    except ApplicationError as exc:
        raise ApplicationError(
            _(
                "We could not ask for a lift for this date (%(why)s) so nothing "
                "has changed. Sign up without a lift, or phone %(phone)s."
            )
            % {
                "why": (exc.message[:1].lower() + exc.message[1:]).rstrip("."),
                "phone": activity.locality.phone,
            },
            field="needs_lift",
        ) from exc
    made.lift_request = request
    made.save(update_fields=["lift_request", "updated_at"])


def _lift_request_create(
    actor: User, made: SignUp, membership: Membership, *, category: Any, minutes: int
) -> Any:
    from kith.help import services as help_services

    occurrence = made.occurrence
    activity = occurrence.activity
    return help_services.request_create(
        actor=actor,
        membership=membership,
        category=category,
        details=_("A lift to %(title)s at %(place)s on %(when)s, and home again.")
        % {
            "title": activity.title,
            "place": activity.venue.name,
            "when": words.when_text(occurrence.starts_at),
        },
        minutes=minutes,
        windows=[
            help_services.Window(
                occurrence.starts_at - timedelta(hours=1),
                occurrence.starts_at - timedelta(hours=1) + timedelta(minutes=minutes),
            )
        ],
        at_home=False,
        place=f"{activity.venue.name}, {activity.venue.address}",
        submission_key=f"social-lift-{made.pk}",
    )


def _cancel_lift(actor: Any, made: SignUp, *, reason: str) -> None:
    from kith.help import services as help_services
    from kith.help.models import HelpRequest

    request = made.lift_request
    if request is None or request.status in (
        HelpRequest.Status.DONE,
        HelpRequest.Status.CANCELLED,
    ):
        return
    if help_services.can_ask_for(actor=actor, membership=request.membership) is None:
        # A host cancelling cannot cancel other people's help: coordinators
        # see the request on their dashboard with the activity cancelled.
        return
    help_services.request_cancel(actor=actor, request=request, reason=reason)


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


# --- calendar feeds -----------------------------------------------------------


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_reset(*, actor: User, locality: Locality) -> str:
    """Make a new secret address for a person's own calendar, replacing the
    old one (which stops working at once). Returns the secret, which is not
    kept: it is shown once."""
    require_perm(actor, Perm.OWN_RECORD, locality)
    token = secrets.token_urlsafe(24)
    CalendarFeed.objects.update_or_create(
        person=actor,
        defaults={"locality": locality, "token_digest": feed_digest(token)},
    )
    audit_record(actor=actor, action="calendar_feed_reset", locality=locality)
    return token
