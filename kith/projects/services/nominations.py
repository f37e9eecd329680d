"""Writes of Assets of Community Value: nominations, decisions, notices of
disposal and their moratoria, reminders of decisions due, listings ending."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import RoleAssignment, User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.core.times import day_text
from kith.directory.models import Organisation
from kith.notify.services import message_queue_for_person
from kith.projects import dates
from kith.projects.models import (
    Asset,
    DisposalNotice,
    Nomination,
)
from kith.projects.services.common import _clean, _same_locality


def _check_group(
    *, asset: Asset, group_kind: str, local_voters: int | None, received_on: date
) -> None:
    """The rules every nomination meets, however it arrives."""
    if group_kind not in Nomination.GroupKind.values:
        raise ApplicationError(_("Choose the kind of group."), field="group_kind")
    if group_kind == Nomination.GroupKind.UNINCORPORATED and (local_voters or 0) < 21:
        raise ApplicationError(
            _(
                "A group that is not incorporated must have at least 21 members "
                "on the local electoral roll."
            ),
            field="local_voters",
        )
    if received_on > timezone.localdate():
        raise ApplicationError(
            _("The date received cannot be in the future."), field="received_on"
        )
    if asset.nominations.filter(
        status__in=[Nomination.Status.RECEIVED, Nomination.Status.LISTED]
    ).exists():
        raise ApplicationError(
            _("This asset is already listed or waiting for a decision.")
        )


@transaction.atomic
def nomination_record(
    *,
    actor: User,
    asset: Asset,
    group_name: str,
    group_kind: str,
    reasons: str,
    received_on: date,
    local_voters: int | None = None,
) -> Nomination:
    """Record a nomination received from a community group. The group must be
    eligible (an unincorporated group needs at least 21 local voters); the
    decision is due within the decision period of receipt. An asset already
    listed, or waiting for a decision, cannot be nominated again."""
    locality = asset.locality
    require_perm(actor, Perm.ASSETS_MANAGE, locality)
    Asset.objects.select_for_update().filter(pk=asset.pk).first()
    _check_group(
        asset=asset,
        group_kind=group_kind,
        local_voters=local_voters,
        received_on=received_on,
    )
    periods = dates.ACVPeriods.from_settings()
    nomination = Nomination(
        locality=locality,
        asset=asset,
        group_name=group_name.strip(),
        group_kind=group_kind,
        local_voters=local_voters,
        reasons=reasons.strip(),
        received_on=received_on,
        decision_due_on=dates.decision_due(received_on, periods),
        recorded_by=actor,
    )
    _clean(nomination)
    nomination.save()
    audit_record(actor=actor, action="acv_nomination_recorded", target=nomination)
    return nomination


@dataclass(frozen=True)
class NominationAnswers:
    group_kind: str
    reasons: str
    group_contact: str
    #: The group's name, when it is not one of the directory's organisations.
    group_name: str = ""
    organisation: Organisation | None = None
    local_voters: int | None = None
    authorised: bool = False


def _council_officers(locality_id: int) -> Any:
    from kith.accounts.models import Role

    return User.objects.filter(
        pk__in=RoleAssignment.objects.filter(
            locality_id=locality_id, role=Role.COUNCIL_OFFICER
        ).values("user_id"),
        is_active=True,
    ).order_by("pk")


def _officers_told(nomination: Nomination) -> None:
    """Tell the locality's council officers of a nomination sent online, so
    that the decision period does not start unseen (the outbox sends after
    the transaction commits; one message per officer and nomination)."""
    for officer in _council_officers(nomination.locality_id):
        message_queue_for_person(
            person=officer,
            template="acv_nomination_received",
            personalisation={
                "name": officer.display_name,
                "group": nomination.group_name,
                "asset": nomination.asset.name,
                "received": day_text(nomination.received_on),
                "due": day_text(nomination.decision_due_on),
                "locality_name": nomination.locality.name,
            },
            locality=nomination.locality,
            key=f"acv_received:{nomination.pk}:{officer.pk}",
        )


@transaction.atomic
def nomination_submit(
    *, actor: User, asset: Asset, answers: NominationAnswers
) -> Nomination:
    """A community group nominates a public asset online. Anyone who may
    propose projects may send one for a group, declaring they are authorised
    and the group eligible; an organisation's editor may name the
    organisation (the directory's), and only its editors may. It is received
    today, so the decision is due within the decision period from today; a
    council officer decides it as any other (``nomination_decide``)."""
    locality = asset.locality
    require_perm(actor, Perm.PROJECTS_PROPOSE, locality)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.locality_id != locality.pk:
        raise PermissionDenied
    if not asset.public or asset.status == Asset.Status.DISPOSED:
        raise PermissionDenied
    if answers.organisation is not None:
        _same_locality(answers.organisation, locality)
        if not answers.organisation.editors.filter(pk=actor.pk).exists():
            raise PermissionDenied
    group_name = (
        str(answers.organisation)
        if answers.organisation is not None
        else answers.group_name.strip()
    )
    if not group_name:
        raise ApplicationError(_("Enter the name of the group."), field="group_name")
    if not answers.reasons.strip():
        raise ApplicationError(
            _("Say why the place matters to the community."), field="reasons"
        )
    if not answers.group_contact.strip():
        raise ApplicationError(
            _("Say how the council can contact the group."), field="group_contact"
        )
    if not answers.authorised:
        raise ApplicationError(
            _(
                "Confirm that the group has asked you to send this and that it "
                "can nominate."
            ),
            field="authorised",
        )
    today = timezone.localdate()
    _check_group(
        asset=asset,
        group_kind=answers.group_kind,
        local_voters=answers.local_voters,
        received_on=today,
    )
    periods = dates.ACVPeriods.from_settings()
    nomination = Nomination(
        locality=locality,
        asset=asset,
        group_name=group_name[:200],
        group_kind=answers.group_kind,
        local_voters=answers.local_voters,
        reasons=answers.reasons.strip(),
        group_contact=answers.group_contact.strip(),
        organisation=answers.organisation,
        received_on=today,
        decision_due_on=dates.decision_due(today, periods),
        nominated_by=actor,
    )
    _clean(nomination)
    nomination.save()
    _officers_told(nomination)
    audit_record(
        actor=actor,
        action="acv_nomination_sent",
        target=nomination,
        locality=locality,
        data={
            "organisation": answers.organisation.pk if answers.organisation else None
        },
    )
    return nomination


@transaction.atomic
def nomination_decide(
    *,
    actor: User,
    nomination: Nomination,
    listed: bool,
    decided_on: date,
    reason: str,
) -> Nomination:
    """List the asset (for the listing period from ``decided_on``) or turn the
    nomination down (kept on the public list for the same number of years).
    A decision needs its reasons."""
    require_perm(actor, Perm.ASSETS_MANAGE, nomination.locality)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != Nomination.Status.RECEIVED:
        raise ApplicationError(_("This nomination has already been decided."))
    if not reason.strip():
        raise ApplicationError(_("Give the reasons for the decision."), field="reason")
    if decided_on < nomination.received_on or decided_on > timezone.localdate():
        raise ApplicationError(
            _("The decision date must be between the date received and today."),
            field="decided_on",
        )
    periods = dates.ACVPeriods.from_settings()
    nomination.status = (
        Nomination.Status.LISTED if listed else Nomination.Status.UNSUCCESSFUL
    )
    nomination.decided_on = decided_on
    nomination.decided_by = actor
    nomination.decision_reason = reason.strip()
    nomination.shown_until = (
        dates.listing_ends(decided_on, periods)
        if listed
        else dates.unsuccessful_shown_until(decided_on, periods)
    )
    nomination.save()
    audit_record(
        actor=actor,
        action="acv_listed" if listed else "acv_not_listed",
        target=nomination,
        data={"shown_until": nomination.shown_until.isoformat()},
    )
    return nomination


@transaction.atomic
def disposal_notice_record(
    *,
    actor: User,
    nomination: Nomination,
    notified_on: date,
    bid_requested_on: date | None = None,
    bid_requested_by: str = "",
) -> DisposalNotice:
    """Record an owner's notice of disposal of a listed asset, and work out
    the moratoria. A notice within the protected period of an earlier one
    starts no new moratorium."""
    require_perm(actor, Perm.ASSETS_MANAGE, nomination.locality)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != Nomination.Status.LISTED:
        raise ApplicationError(_("Only a listed asset has notices of disposal."))
    assert nomination.decided_on is not None  # noqa: S101 - listed has a date
    if notified_on < nomination.decided_on:
        raise ApplicationError(
            _("The notice cannot come before the asset was listed."),
            field="notified_on",
        )
    if bid_requested_on is not None and not bid_requested_by.strip():
        raise ApplicationError(
            _("Enter the group that asked to bid."), field="bid_requested_by"
        )
    periods = dates.ACVPeriods.from_settings()
    earlier = list(
        nomination.disposal_notices.filter(starts_moratorium=True).values_list(
            "notified_on", flat=True
        )
    )
    starts = dates.notice_starts_moratorium(
        notified_on, earlier_notices=earlier, periods=periods
    )
    try:
        found = dates.moratorium_dates(
            notified_on, bid_requested_on=bid_requested_on, periods=periods
        )
    except ValueError:
        raise ApplicationError(
            _("A request to bid cannot come before the notice."),
            field="bid_requested_on",
        ) from None
    notice = DisposalNotice.objects.create(
        nomination=nomination,
        notified_on=notified_on,
        bid_requested_on=bid_requested_on,
        bid_requested_by=bid_requested_by.strip(),
        starts_moratorium=starts,
        interim_ends_on=found.interim_ends,
        full_ends_on=found.full_ends,
        protected_ends_on=found.protected_ends,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="acv_disposal_notice",
        target=nomination,
        data={"notified_on": notified_on.isoformat(), "starts_moratorium": starts},
    )
    return notice


#: Officers are reminded of decisions due within this many days (and overdue).
REMIND_DAYS_AHEAD = 14


def nomination_reminders_queue(*, today: date | None = None) -> int:
    """Remind each locality's council officers, once a week at most per
    nomination, of nominations whose decision is due within two weeks or
    overdue. Returns how many messages were queued. Idempotent: each message
    has a key naming the officer and the day."""
    from datetime import timedelta

    from kith.accounts.models import Role

    today = today or timezone.localdate()
    due = (
        Nomination.objects.filter(
            status=Nomination.Status.RECEIVED,
            decision_due_on__lte=today + timedelta(days=REMIND_DAYS_AHEAD),
        )
        .exclude(reminded_on__gt=today - timedelta(days=7))
        .select_related("asset", "locality")
        .order_by("locality_id", "decision_due_on")
    )
    by_locality: dict[int, list[Nomination]] = {}
    for nomination in due:
        by_locality.setdefault(nomination.locality_id, []).append(nomination)
    count = 0
    for locality_id, nominations in by_locality.items():
        locality = nominations[0].locality
        lines = "\n".join(
            f"- {n.asset.name} ({n.group_name}): "
            + _("decision due by %(day)s")
            % {"day": f"{n.decision_due_on.day} {n.decision_due_on:%B %Y}"}
            for n in nominations
        )
        officers = User.objects.filter(
            pk__in=RoleAssignment.objects.filter(
                locality_id=locality_id, role=Role.COUNCIL_OFFICER
            ).values("user_id"),
            is_active=True,
        )
        with transaction.atomic():
            for officer in officers:
                message_queue_for_person(
                    person=officer,
                    template="acv_decisions_due",
                    personalisation={
                        "name": officer.display_name,
                        "nominations": lines,
                        "locality_name": locality.name,
                    },
                    locality=locality,
                    key=f"acv_due:{officer.pk}:{today.isoformat()}",
                )
                count += 1
            Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(
                reminded_on=today
            )
    return count


def nominations_end_listings(*, today: date | None = None) -> int:
    """Mark listings whose period is over as ended. Returns how many."""
    today = today or timezone.localdate()
    return Nomination.objects.filter(
        status=Nomination.Status.LISTED, shown_until__lt=today
    ).update(status=Nomination.Status.ENDED)
