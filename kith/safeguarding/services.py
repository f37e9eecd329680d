"""Writes of the safeguarding part: raising a concern, and the lead's work on
it (acknowledge, notes, referral, sharing, actions, the decision about a
helper and the duty to refer to the DBS, closing). Every write checks
permission, validates, is audited and runs in one transaction. The audit
events name the concern, never what it says."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import Role, User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.core.times import when_text
from kith.help.models import Visit
from kith.helpers.models import HelperProfile
from kith.helpers.services import (
    helper_safeguarding_hold,
    helper_safeguarding_release,
    helper_safeguarding_stop,
)
from kith.members.models import Membership
from kith.notify.services import message_queue_for_person
from kith.places.models import Locality
from kith.safeguarding.models import (
    AbuseKind,
    Concern,
    ConcernAction,
    ConcernNote,
    ConcernSharing,
    SafeguardingSettings,
)
from kith.safeguarding.rules import add_working_days
from kith.safeguarding.selectors import settings_for

_LONG = 5000
_SHORT = 200


def _text(value: str, *, field: str, required: str = "", limit: int = _LONG) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(required, field=field)
    if len(value) > limit:
        raise ApplicationError(
            _("This must be %(limit)d characters or fewer.") % {"limit": limit},
            field=field,
        )
    return value


def _require_lead(actor: Any, concern: Concern) -> None:
    require_perm(actor, Perm.SAFEGUARDING_LEAD, concern.locality)


def _lock(concern: Concern) -> Concern:
    # Only the concern's row is locked: PostgreSQL cannot lock the nullable
    # side of the outer joins (no helper, no member).
    return (
        Concern.objects.select_for_update(of=("self",))
        .select_related("locality", "helper__user", "membership__person")
        .get(pk=concern.pk)
    )


def _require_open(concern: Concern) -> None:
    if concern.status != Concern.Status.OPEN:
        raise ApplicationError(_("This concern is closed."))


def _acknowledge(actor: User, concern: Concern) -> None:
    """Working on a concern acknowledges it, if nobody had."""
    if concern.acknowledged_at is None:
        concern.acknowledged_at = timezone.now()
        concern.acknowledged_by = actor
        audit_record(
            actor=actor,
            action="safeguarding_concern_acknowledged",
            target=concern,
            locality=concern.locality,
        )


def _note(actor: User, concern: Concern, text: str) -> ConcernNote:
    return ConcernNote.objects.create(concern=concern, written_by=actor, text=text)


# --- raising ---------------------------------------------------------------------


@transaction.atomic
def concern_raise(
    *,
    actor: User,
    locality: Locality,
    facts: str,
    membership: Membership | None = None,
    helper: HelperProfile | None = None,
    about_name: str = "",
    visit: Visit | None = None,
    by_phone: bool = False,
    told_by: str = "",
    happened_at: datetime | None = None,
    happened_where: str = "",
    present: str = "",
    hearsay: str = "",
    opinion: str = "",
    kinds: list[str] | None = None,
    immediate_risk: bool = False,
    risk_action: str = "",
    adult_views: str = "",
    adult_outcomes: str = "",
    consent: str = Concern.Consent.NOT_ASKED,
    capacity: str = Concern.Capacity.NOT_KNOWN,
    submission_key: str = "",
) -> Concern:
    """Anyone working for the circle raises a concern about a member, a
    helper, or someone else or a situation (``about_name``), from a page or,
    for a coordinator, from a phone call (``by_phone``, naming who called).

    The concern goes to the locality's safeguarding leads, to be
    acknowledged within the locality's working days. A concern about a
    helper holds them at once: paused, no new offers, no place in matching
    (ADR 0034). The caller has checked that ``actor`` may name the member or
    helper (``kith.safeguarding.selectors``). Sending the same form twice
    raises it once. Raises PermissionDenied or ApplicationError."""
    require_perm(actor, Perm.SAFEGUARDING_RAISE, locality)
    if submission_key:
        existing = Concern.objects.filter(
            locality=locality, submission_key=submission_key
        ).first()
        if existing is not None:
            return existing
    if sum(x is not None for x in (membership, helper)) > 1:
        raise ApplicationError(_("A concern is about one person."))
    for record in (membership, helper):
        if record is not None and record.locality_id != locality.pk:
            raise PermissionDenied
    if visit is not None and visit.request.locality_id != locality.pk:
        raise PermissionDenied
    if membership is not None:
        about = Concern.About.MEMBER
    elif helper is not None:
        about = Concern.About.HELPER
    else:
        about = Concern.About.OTHER
    about_name = _text(
        about_name,
        field="about_name",
        required=_("Say who or what it is about.")
        if about == Concern.About.OTHER
        else "",
        limit=_SHORT,
    )
    if by_phone and not (
        has_perm(actor, Perm.PEOPLE_VIEW, locality)
        or has_perm(actor, Perm.SAFEGUARDING_LEAD, locality)
    ):
        raise PermissionDenied
    told_by = _text(
        told_by,
        field="told_by",
        required=_("Say who phoned.") if by_phone else "",
        limit=_SHORT,
    )
    if happened_at is not None and happened_at > timezone.now():
        raise ApplicationError(
            _("When it happened must be in the past."), field="happened_on"
        )
    kinds = list(dict.fromkeys(kinds or []))
    if any(kind not in AbuseKind.values for kind in kinds):
        raise ApplicationError(_("Choose from the list."), field="kinds")
    if consent not in Concern.Consent.values:
        raise ApplicationError(_("Choose from the list."), field="consent")
    if capacity not in Concern.Capacity.values:
        raise ApplicationError(_("Choose from the list."), field="capacity")
    risk_action = _text(
        risk_action,
        field="risk_action",
        required=_(
            "Say what was done about the danger, for example that you called 999."
        )
        if immediate_risk
        else "",
    )
    now = timezone.now()
    days = settings_for(locality).acknowledge_working_days
    concern = Concern(
        created_at=now,
        locality=locality,
        about=about,
        membership=membership,
        helper=helper,
        about_name=about_name if about == Concern.About.OTHER else "",
        visit=visit,
        raised_by=actor,
        channel=Concern.Channel.PHONE if by_phone else Concern.Channel.PAGE,
        told_by=told_by if by_phone else "",
        happened_at=happened_at,
        happened_where=_text(happened_where, field="happened_where", limit=_SHORT),
        present=_text(present, field="present"),
        facts=_text(facts, field="facts", required=_("Say what was seen or said.")),
        hearsay=_text(hearsay, field="hearsay"),
        opinion=_text(opinion, field="opinion"),
        kinds=kinds,
        immediate_risk=immediate_risk,
        risk_action=risk_action,
        adult_views=_text(adult_views, field="adult_views"),
        adult_outcomes=_text(adult_outcomes, field="adult_outcomes"),
        consent=consent,
        capacity=capacity,
        submission_key=submission_key,
        acknowledge_by=add_working_days(timezone.localtime(now), days),
    )
    concern.full_clean()
    try:
        with transaction.atomic():
            concern.save()
    except IntegrityError:
        # The same form, sent twice at the same moment.
        return Concern.objects.get(locality=locality, submission_key=submission_key)
    if helper is not None:
        concern.helper_status_before = helper_safeguarding_hold(
            actor=actor, profile=helper
        )
        concern.save(update_fields=["helper_status_before", "updated_at"])
    audit_record(
        actor=actor,
        action="safeguarding_concern_raised",
        target=concern,
        locality=locality,
        data={"about": about, "channel": concern.channel},
    )
    _tell_the_leads(concern)
    return concern


def _tell_the_leads(concern: Concern) -> None:
    """Each lead of the locality is told, by their own channel, that a
    concern waits and by when to acknowledge it: never what it says or whom
    it is about. Urgent when someone was said to be in danger."""
    leads = User.objects.filter(
        is_active=True,
        roles__locality=concern.locality,
        roles__role=Role.SAFEGUARDING_LEAD,
    ).distinct()
    for lead in leads:
        message_queue_for_person(
            person=lead,
            template="safeguarding_concern_raised",
            personalisation={
                "locality_name": concern.locality.name,
                "locality_phone": concern.locality.phone,
                "when": when_text(concern.acknowledge_by),
            },
            locality=concern.locality,
            urgent=concern.immediate_risk,
        )


# --- the lead's work ---------------------------------------------------------------


@transaction.atomic
def concern_acknowledge(*, actor: User, concern: Concern) -> Concern:
    """The lead has seen the concern and taken it on. Acknowledging twice
    changes nothing."""
    _require_lead(actor, concern)
    concern = _lock(concern)
    _require_open(concern)
    _acknowledge(actor, concern)
    concern.save()
    return concern


@transaction.atomic
def concern_note_add(*, actor: User, concern: Concern, text: str) -> ConcernNote:
    """Add a note while gathering what happened. Notes are never changed:
    a correction is another note."""
    _require_lead(actor, concern)
    concern = _lock(concern)
    _require_open(concern)
    text = _text(text, field="text", required=_("Write the note."))
    _acknowledge(actor, concern)
    concern.save()
    note = _note(actor, concern, text)
    audit_record(
        actor=actor,
        action="safeguarding_note_added",
        target=concern,
        locality=concern.locality,
    )
    return note


@transaction.atomic
def concern_referral_decide(
    *,
    actor: User,
    concern: Concern,
    referred: bool,
    rationale: str,
    reference: str = "",
) -> Concern:
    """Record whether the concern was referred to the council's adult
    social care for a section 42 enquiry, why, and the reference they gave.
    The decision may be recorded again (say, to add the reference); each
    one is kept as a note."""
    _require_lead(actor, concern)
    concern = _lock(concern)
    _require_open(concern)
    rationale = _text(
        rationale, field="rationale", required=_("Say why you decided this.")
    )
    reference = _text(reference, field="reference", limit=100)
    if reference and not referred:
        raise ApplicationError(
            _("A reference is given only when it was referred."), field="reference"
        )
    _acknowledge(actor, concern)
    concern.referral = (
        Concern.Referral.REFERRED if referred else Concern.Referral.NOT_REFERRED
    )
    concern.referral_rationale = rationale
    concern.referral_reference = reference
    concern.referral_decided_at = timezone.now()
    concern.referral_decided_by = actor
    concern.save()
    _note(
        actor,
        concern,
        _("Referral decision: %(decision)s. %(why)s%(reference)s")
        % {
            "decision": concern.get_referral_display(),
            "why": rationale,
            "reference": (_(" Reference: %(ref)s.") % {"ref": reference})
            if reference
            else "",
        },
    )
    audit_record(
        actor=actor,
        action="safeguarding_referral_decided",
        target=concern,
        locality=concern.locality,
        data={"referral": concern.referral},
    )
    return concern


@transaction.atomic
def concern_sharing_record(
    *,
    actor: User,
    concern: Concern,
    shared_with: str,
    shared_on: date,
    with_consent: bool,
    why: str,
) -> ConcernSharing:
    """Record that information about the concern was shared outside the
    circle: with whom, when, with or without the adult's consent, and why
    (without consent, why it was justified: a risk to them or others, a
    crime, a legal duty)."""
    _require_lead(actor, concern)
    concern = _lock(concern)
    _require_open(concern)
    shared_with = _text(
        shared_with,
        field="shared_with",
        required=_("Say who it was shared with."),
        limit=_SHORT,
    )
    why = _text(
        why,
        field="why",
        required=_("Say why it was shared.")
        if with_consent
        else _("Say why it was shared without their consent."),
    )
    if shared_on > timezone.localdate():
        raise ApplicationError(
            _("The date must be today or in the past."), field="shared_on"
        )
    _acknowledge(actor, concern)
    concern.save()
    sharing = ConcernSharing.objects.create(
        concern=concern,
        shared_with=shared_with,
        shared_on=shared_on,
        with_consent=with_consent,
        why=why,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="safeguarding_shared",
        target=concern,
        locality=concern.locality,
        data={"with_consent": with_consent},
    )
    return sharing


@transaction.atomic
def concern_action_add(
    *, actor: User, concern: Concern, what: str, owner: str, due_on: date
) -> ConcernAction:
    """An action agreed about the concern, with who does it and by when."""
    _require_lead(actor, concern)
    concern = _lock(concern)
    _require_open(concern)
    what = _text(what, field="what", required=_("Say what is to be done."), limit=300)
    owner = _text(owner, field="owner", required=_("Say who does it."), limit=_SHORT)
    _acknowledge(actor, concern)
    concern.save()
    action = ConcernAction.objects.create(
        concern=concern, what=what, owner=owner, due_on=due_on, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="safeguarding_action_agreed",
        target=concern,
        locality=concern.locality,
    )
    return action


@transaction.atomic
def concern_action_done(*, actor: User, action: ConcernAction) -> ConcernAction:
    """Mark an agreed action done today. Twice changes nothing."""
    _require_lead(actor, action.concern)
    action = (
        ConcernAction.objects.select_for_update(of=("self",))
        .select_related("concern__locality")
        .get(pk=action.pk)
    )
    if action.done_on is None:
        action.done_on = timezone.localdate()
        action.save(update_fields=["done_on"])
        audit_record(
            actor=actor,
            action="safeguarding_action_done",
            target=action.concern,
            locality=action.concern.locality,
        )
    return action


@transaction.atomic
def concern_link_helper(
    *, actor: User, concern: Concern, helper: HelperProfile
) -> Concern:
    """The lead finds that a concern raised about "someone else" is about
    one of the locality's helpers: it is linked to their record and they
    are held at once, as if it had been raised about them."""
    _require_lead(actor, concern)
    concern = _lock(concern)
    _require_open(concern)
    if concern.about != Concern.About.OTHER:
        raise ApplicationError(_("This concern is already about someone we know."))
    if helper.locality_id != concern.locality_id:
        raise PermissionDenied
    _acknowledge(actor, concern)
    concern.about = Concern.About.HELPER
    concern.helper = helper
    concern.about_name = ""
    concern.helper_status_before = helper_safeguarding_hold(actor=actor, profile=helper)
    concern.save()
    audit_record(
        actor=actor,
        action="safeguarding_concern_linked",
        target=concern,
        locality=concern.locality,
    )
    return concern


@transaction.atomic
def concern_helper_decide(
    *, actor: User, concern: Concern, decision: str, reason: str
) -> Concern:
    """The lead's decision about the helper a concern is about: they may
    carry on (the hold is lifted, unless another open concern about them
    still waits for a decision) or they must stop because they harmed, or
    put at risk of harm, an adult (they leave, and the duty to refer them to
    the Disclosure and Barring Service must then be decided). Once per
    concern."""
    _require_lead(actor, concern)
    concern = _lock(concern)
    _require_open(concern)
    if concern.helper is None:
        raise ApplicationError(_("This concern is not about a helper."))
    if concern.helper_decision:
        raise ApplicationError(_("The decision about the helper has been made."))
    if decision not in Concern.HelperDecision.values:
        raise ApplicationError(_("Choose what they may do."), field="decision")
    reason = _text(reason, field="reason", required=_("Say why."), limit=300)
    _acknowledge(actor, concern)
    concern.helper_decision = decision
    concern.helper_decision_reason = reason
    concern.helper_decided_at = timezone.now()
    concern.save()
    if decision == Concern.HelperDecision.STOP:
        helper_safeguarding_stop(actor=actor, profile=concern.helper, reason=reason)
    elif not (
        Concern.objects.filter(
            helper=concern.helper, status=Concern.Status.OPEN, helper_decision=""
        )
        .exclude(pk=concern.pk)
        .exists()
    ):
        helper_safeguarding_release(
            actor=actor,
            profile=concern.helper,
            status_before=concern.helper_status_before,
        )
    _note(
        actor,
        concern,
        _("Decision about the helper: %(decision)s. %(why)s")
        % {"decision": concern.get_helper_decision_display(), "why": reason},
    )
    audit_record(
        actor=actor,
        action="safeguarding_helper_decided",
        target=concern,
        locality=concern.locality,
        data={"decision": decision},
    )
    return concern


@transaction.atomic
def concern_dbs_decide(
    *, actor: User, concern: Concern, referred: bool, decided_on: date, reason: str
) -> Concern:
    """The duty to refer to the Disclosure and Barring Service (Safeguarding
    Vulnerable Groups Act 2006, section 35), decided once a helper was
    stopped for harm: whether they were referred, on which date, and why.
    The record is kept, and holds the helper's data from erasure."""
    _require_lead(actor, concern)
    concern = _lock(concern)
    _require_open(concern)
    if concern.helper_decision != Concern.HelperDecision.STOP:
        raise ApplicationError(
            _("The duty to refer arises once a helper is stopped for harm.")
        )
    if concern.dbs_decision:
        raise ApplicationError(_("The duty to refer has been decided."))
    if decided_on > timezone.localdate():
        raise ApplicationError(
            _("The date must be today or in the past."), field="decided_on"
        )
    reason = _text(reason, field="dbs_reason", required=_("Say why."))
    concern.dbs_decision = (
        Concern.DbsDecision.REFERRED if referred else Concern.DbsDecision.NOT_REFERRED
    )
    concern.dbs_decision_reason = reason
    concern.dbs_decided_on = decided_on
    concern.dbs_decided_by = actor
    concern.save()
    _note(
        actor,
        concern,
        _("Duty to refer to the DBS: %(decision)s. %(why)s")
        % {"decision": concern.get_dbs_decision_display(), "why": reason},
    )
    audit_record(
        actor=actor,
        action="safeguarding_dbs_decided",
        target=concern,
        locality=concern.locality,
        data={"decision": concern.dbs_decision, "on": decided_on.isoformat()},
    )
    return concern


def close_blockers(concern: Concern) -> list[str]:
    """What must be decided before a concern can be closed, in plain words."""
    reasons = []
    if not concern.referral:
        reasons.append(_("Decide whether to refer it to adult social care."))
    if concern.helper_id and not concern.helper_decision:
        reasons.append(_("Decide whether the helper may carry on."))
    if (
        concern.helper_decision == Concern.HelperDecision.STOP
        and not concern.dbs_decision
    ):
        reasons.append(
            _(
                "Decide whether to refer the helper to the Disclosure and Barring "
                "Service."
            )
        )
    return reasons


@transaction.atomic
def concern_close(
    *, actor: User, concern: Concern, outcome: str, wishes_met: str
) -> Concern:
    """Close a concern with its outcome and whether the person's wishes
    were met. The referral (and for a helper, the decisions about them)
    must have been decided first."""
    _require_lead(actor, concern)
    concern = _lock(concern)
    _require_open(concern)
    blockers = close_blockers(concern)
    if blockers:
        raise ApplicationError(" ".join(blockers))
    outcome = _text(outcome, field="outcome", required=_("Say what the outcome was."))
    if wishes_met not in Concern.WishesMet.values:
        raise ApplicationError(
            _("Say whether their wishes were met."), field="wishes_met"
        )
    _acknowledge(actor, concern)
    concern.status = Concern.Status.CLOSED
    concern.outcome = outcome
    concern.wishes_met = wishes_met
    concern.closed_at = timezone.now()
    concern.closed_by = actor
    concern.save()
    audit_record(
        actor=actor,
        action="safeguarding_concern_closed",
        target=concern,
        locality=concern.locality,
        data={"wishes_met": wishes_met, "referral": concern.referral},
    )
    return concern


@transaction.atomic
def settings_update(
    *, actor: User, locality: Locality, acknowledge_working_days: int
) -> SafeguardingSettings:
    """Set how many working days a lead has to acknowledge a new concern
    (1 to 10). Concerns already raised keep their date."""
    require_perm(actor, Perm.SAFEGUARDING_LEAD, locality)
    if not 1 <= acknowledge_working_days <= 10:
        raise ApplicationError(
            _("Enter a number of working days from 1 to 10."),
            field="acknowledge_working_days",
        )
    found, _created = SafeguardingSettings.objects.select_for_update().get_or_create(
        locality=locality
    )
    found.acknowledge_working_days = acknowledge_working_days
    found.save()
    audit_record(
        actor=actor,
        action="safeguarding_settings_changed",
        target=found,
        locality=locality,
        data={"acknowledge_working_days": acknowledge_working_days},
    )
    return found
