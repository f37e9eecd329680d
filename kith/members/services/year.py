"""The membership year: activating, renewing, lapsing, renewal reminders
and leaving.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import Role, RoleAssignment, User
from kith.accounts.permissions import Perm, forget_roles, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.core.times import day_text
from kith.members import hooks
from kith.members.models import FeePayment, Membership, RenewalReminder, SupporterLink
from kith.members.rules import one_year_after, pounds, renewal_reminder_due
from kith.members.services.common import _locality_personalisation, _lock
from kith.notify.services import message_queue_for_person


@transaction.atomic
def membership_activate(
    *, actor: User, membership: Membership, method: str, reference: str = ""
) -> Membership:
    """Welcome an applicant: record the fee (or that it was waived) and start
    their year."""
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    membership = _lock(membership)
    if membership.status != Membership.Status.APPLIED:
        raise ApplicationError(_("This membership has already been started."))
    if method not in FeePayment.Method.values:
        raise ApplicationError(_("Choose how the fee was paid."), field="method")
    if (
        method not in (FeePayment.Method.CASH, FeePayment.Method.WAIVED)
        and not reference.strip()
    ):
        raise ApplicationError(
            _("Enter the payment reference, so it can be found later."),
            field="reference",
        )
    today = timezone.localdate()
    renews_on = one_year_after(today)
    FeePayment.objects.create(
        membership=membership,
        amount_pence=0 if method == FeePayment.Method.WAIVED else membership.fee_pence,
        method=method,
        reference=reference.strip(),
        covers_from=today,
        covers_to=renews_on - timedelta(days=1),
        recorded_by=actor,
    )
    membership.status = Membership.Status.ACTIVE
    membership.started_on = today
    membership.renews_on = renews_on
    membership.save(update_fields=["status", "started_on", "renews_on", "updated_at"])
    hooks.membership_started.run(actor=actor, membership=membership)
    audit_record(
        actor=actor,
        action="membership_started",
        target=membership,
        on_behalf_of=membership.person,
        locality=membership.locality,
        data={"method": method, "renews_on": renews_on.isoformat()},
    )
    return membership


@transaction.atomic
def membership_renew(
    *, actor: User, membership: Membership, method: str, reference: str = ""
) -> Membership:
    """Record the next year's fee. A lapsed membership starts again today."""
    require_perm(actor, Perm.MEMBERS_MANAGE, membership.locality)
    membership = _lock(membership)
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.LAPSED):
        raise ApplicationError(_("Only a current or lapsed membership can be renewed."))
    if method not in FeePayment.Method.values:
        raise ApplicationError(_("Choose how the fee was paid."), field="method")
    if (
        method not in (FeePayment.Method.CASH, FeePayment.Method.WAIVED)
        and not reference.strip()
    ):
        raise ApplicationError(
            _("Enter the payment reference, so it can be found later."),
            field="reference",
        )
    today = timezone.localdate()
    start = membership.renews_on or today
    if membership.status == Membership.Status.LAPSED or start < today:
        start = today
    if start > today + timedelta(days=60):
        raise ApplicationError(
            _("This membership has already been renewed for next year.")
        )
    try:
        with transaction.atomic():
            FeePayment.objects.create(
                membership=membership,
                amount_pence=0
                if method == FeePayment.Method.WAIVED
                else membership.fee_pence,
                method=method,
                reference=reference.strip(),
                covers_from=start,
                covers_to=one_year_after(start) - timedelta(days=1),
                recorded_by=actor,
            )
    except IntegrityError as exc:
        raise ApplicationError(_("This year's fee has already been recorded.")) from exc
    membership.status = Membership.Status.ACTIVE
    membership.renews_on = one_year_after(start)
    membership.save(update_fields=["status", "renews_on", "updated_at"])
    audit_record(
        actor=actor,
        action="membership_renewed",
        target=membership,
        on_behalf_of=membership.person,
        locality=membership.locality,
        data={"method": method, "renews_on": membership.renews_on.isoformat()},
    )
    return membership


def memberships_lapse(*, on: date | None = None) -> int:
    """Memberships whose year ended without a renewal lapse. Safe to run any
    number of times a day; returns how many lapsed now."""
    on = on or timezone.localdate()
    count = 0
    # No one's membership lapses while their locality is paused or archived:
    # it is not asking anyone to renew (ADR 0041).
    due = Membership.objects.filter(
        status=Membership.Status.ACTIVE, renews_on__lte=on, locality__status="active"
    )
    for membership_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            membership = Membership.objects.select_for_update().get(pk=membership_id)
            if (
                membership.status != Membership.Status.ACTIVE
                or not membership.renews_on
            ):
                continue
            if membership.renews_on > on:
                continue
            membership.status = Membership.Status.LAPSED
            membership.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=None,
                action="membership_lapsed",
                target=membership,
                locality=membership.locality_id,
            )
            count += 1
    return count


def renewal_reminders_queue(*, on: date | None = None) -> int:
    """Queue a renewal message to each active member whose year ends within
    30 days. Each year's reminder is queued once, however often this runs or
    if it stopped half-way; returns how many were queued now."""
    on = on or timezone.localdate()
    count = 0
    due = Membership.objects.filter(
        status=Membership.Status.ACTIVE,
        # Not in a paused or archived locality (ADR 0041).
        locality__status="active",
        renews_on__gte=on,
        renews_on__lte=on + timedelta(days=30),
    ).select_related("person", "plan", "locality")
    for membership in due:
        assert membership.renews_on is not None  # noqa: S101 - filtered above
        if not renewal_reminder_due(membership.renews_on, on):
            continue
        with transaction.atomic():
            _reminder, created = RenewalReminder.objects.get_or_create(
                membership=membership, renews_on=membership.renews_on
            )
            if not created:
                continue
            message_queue_for_person(
                person=membership.person,
                template="membership_renewal",
                personalisation={
                    **_locality_personalisation(membership.locality),
                    "renewal_date": day_text(membership.renews_on, weekday=False),
                    "fee": pounds(membership.fee_pence),
                },
                locality=membership.locality,
            )
            audit_record(
                actor=None,
                action="renewal_reminder_queued",
                target=membership,
                locality=membership.locality,
            )
            count += 1
    return count


@transaction.atomic
def membership_leave(
    *,
    actor: User,
    membership: Membership,
    credits_choice: str,
    credits_to: Membership | None = None,
    reason: str = "",
) -> Membership:
    """A member leaves. What happens to their remaining credits is asked and
    recorded: refunded, given to the circle, or given to another member."""
    locality = membership.locality
    if actor.pk != membership.person_id:
        require_perm(actor, Perm.MEMBERS_MANAGE, locality)
    membership = _lock(membership)
    if membership.status == Membership.Status.LEFT:
        raise ApplicationError(_("They have already left."))
    if credits_choice not in Membership.LeavingCredits.values:
        raise ApplicationError(
            _("Choose what should happen to their remaining credits."),
            field="credits_choice",
        )
    if credits_choice == Membership.LeavingCredits.MEMBER:
        if credits_to is None:
            raise ApplicationError(
                _("Choose the member to give the credits to."), field="credits_to"
            )
        if (
            credits_to.pk == membership.pk
            or credits_to.locality_id != membership.locality_id
            or credits_to.status
            not in (Membership.Status.ACTIVE, Membership.Status.APPLIED)
        ):
            raise ApplicationError(
                _("Choose a current member of this circle."), field="credits_to"
            )
    membership.status = Membership.Status.LEFT
    membership.left_on = timezone.localdate()
    membership.leaving_credits = credits_choice
    membership.leaving_credits_to = (
        credits_to if credits_choice == Membership.LeavingCredits.MEMBER else None
    )
    membership.leaving_reason = reason.strip()
    membership.save()
    # Their remaining credits go where they chose, in this transaction.
    hooks.membership_left.run(actor=actor, membership=membership)
    SupporterLink.objects.filter(
        membership=membership,
        status__in=[SupporterLink.Status.ACTIVE, SupporterLink.Status.INVITED],
    ).update(status=SupporterLink.Status.ENDED, ended_at=timezone.now(), ended_by=actor)
    RoleAssignment.objects.filter(
        user_id=membership.person_id, locality=locality, role=Role.MEMBER
    ).delete()
    forget_roles(membership.person)
    audit_record(
        actor=actor,
        action="member_left",
        target=membership,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=locality,
        data={"credits": credits_choice},
    )
    return membership
