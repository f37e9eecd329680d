"""Introductions between members (double opt-in): asking both, their
answers, stopping, arranging the first meeting and following it up.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members.models import Membership
from kith.social import words
from kith.social.models import FollowUp, Introduction
from kith.social.services.common import _is_member_or_coordinator, _notify
from kith.social.services.suggestions import _consents

FOLLOW_UP_AFTER = timedelta(weeks=3)


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
                # Not in a paused or archived locality (ADR 0041).
                locality__status="active",
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
