"""How long Kith keeps each kind of record, and the job that applies it.

Each rule names what it covers, the period (in months, a setting:
``KITH_RETENTION_MONTHS``, e.g. ``{"former_members": 36}``, since a council
may set its own), why, and what is done when it runs out: a person is
anonymised as erasure does (kith/privacy/services.py ``person_anonymise``),
or rows are emptied or deleted. The same function gives the dry run (what
is due, for the data protection officer to read first) and the real run,
so the two cannot differ; running it again changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.accounts.models import STAFF_ROLES, SignInAttempt, User
from kith.core.models import AuditEvent
from kith.helpers.models import HelperProfile, HelperStatus
from kith.members.models import Membership
from kith.notify.models import Message
from kith.privacy.dates import add_months
from kith.privacy.models import Anonymisation
from kith.privacy.selectors import legal_holds
from kith.safeguarding.models import (
    Concern,
    ConcernAction,
    ConcernNote,
    ConcernSharing,
)


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    what: Any
    months: int
    why: Any
    action: Any


RULES: tuple[Rule, ...] = (
    Rule(
        "former_members",
        "membership",
        _("People who left the circle (and help no more)"),
        24,
        _("Long enough to answer questions and complaints about their time with us."),
        _("Anonymised, as erasure does"),
    ),
    Rule(
        "unsuccessful_applications",
        "helper",
        _("Helper applications that were not accepted or were withdrawn"),
        6,
        _("Long enough to answer a challenge to the decision (Equality Act claims)."),
        _("Anonymised, as erasure does"),
    ),
    Rule(
        "former_helpers",
        "helper",
        _("Neighbourhood Helpers who stopped helping"),
        24,
        _("Long enough to answer questions about visits they made."),
        _("Anonymised, as erasure does"),
    ),
    Rule(
        "closed_concerns",
        "safeguarding",
        _("Safeguarding concerns, after they were closed"),
        72,
        _(
            "As the council's safeguarding policy sets; 6 years unless it says "
            "otherwise."
        ),
        _("What was written is removed; that there was a concern is kept"),
    ),
    Rule(
        "messages",
        "messages",
        _("Emails, texts and letters sent"),
        24,
        _("Long enough to show what we told someone and when."),
        _("Address and wording removed; that a message was sent is kept"),
    ),
    Rule(
        "sign_in_attempts",
        "sign_in",
        _("Failed and successful sign-ins"),
        3,
        _("Long enough to spot and stop attacks on accounts."),
        _("Deleted"),
    ),
    Rule(
        "audit_events",
        "audit",
        _("Who looked at or changed a record"),
        72,
        _("6 years, as for the council's other records of what staff did."),
        _("Deleted"),
    ),
)


def months_for(rule: Rule) -> int:
    """The rule's period: the setting if the council set one, else the
    default. Read at call time."""
    overrides = getattr(settings, "KITH_RETENTION_MONTHS", {}) or {}
    value = overrides.get(rule.code, rule.months)
    return max(1, int(value))


def cutoff_for(rule: Rule, today: date) -> date:
    """Records older than this day are due."""
    return add_months(today, -months_for(rule))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _not_anonymised(people: QuerySet[User]) -> QuerySet[User]:
    return people.exclude(
        Exists(Anonymisation.objects.filter(person=OuterRef("pk")))
    ).exclude(roles__role__in=STAFF_ROLES)


def _people_due(rule: Rule, today: date) -> QuerySet[User]:
    """People whose every link with the circle ended before the cutoffs
    that apply to them: someone who left as a member long ago but stopped
    helping last month is not due."""
    member_cut = cutoff_for(_rule("former_members"), today)
    helper_cut = _start_of(cutoff_for(_rule("former_helpers"), today))
    applied_cut = _start_of(cutoff_for(_rule("unsuccessful_applications"), today))
    recent_membership = Membership.objects.filter(person=OuterRef("pk")).filter(
        ~Q(status=Membership.Status.LEFT)
        | Q(left_on__isnull=True)
        | Q(left_on__gt=member_cut)
    )
    recent_helping = HelperProfile.objects.filter(user=OuterRef("pk")).filter(
        ~Q(status=HelperStatus.LEFT)
        | Q(approved_at__isnull=False, status_changed_at__gt=helper_cut)
        | Q(approved_at__isnull=True, status_changed_at__gt=applied_cut)
    )
    people = (
        _not_anonymised(User.objects.all())
        .exclude(Exists(recent_membership))
        .exclude(Exists(recent_helping))
    )
    if rule.code == "former_members":
        return people.filter(memberships__status=Membership.Status.LEFT).distinct()
    if rule.code == "former_helpers":
        return (
            people.filter(
                helper_profiles__status=HelperStatus.LEFT,
                helper_profiles__approved_at__isnull=False,
            )
            .exclude(memberships__isnull=False)
            .distinct()
        )
    return (
        people.filter(
            helper_profiles__status=HelperStatus.LEFT,
            helper_profiles__approved_at__isnull=True,
        )
        .exclude(memberships__isnull=False)
        .exclude(helper_profiles__approved_at__isnull=False)
        .distinct()
    )


def _rule(code: str) -> Rule:
    return next(rule for rule in RULES if rule.code == code)


@dataclass
class Outcome:
    rule: Rule
    due: int
    done: int
    held: list[tuple[int, list[str]]]


def _apply_people(rule: Rule, today: date, dry_run: bool) -> Outcome:
    from kith.privacy.services import person_anonymise

    due = list(_people_due(rule, today).order_by("pk"))
    done = 0
    held: list[tuple[int, list[str]]] = []
    for person in due:
        reasons = legal_holds(person=person)
        if reasons:
            held.append((person.pk, reasons))
            continue
        done += 1
        if not dry_run:
            with transaction.atomic():
                locked = User.objects.select_for_update().get(pk=person.pk)
                person_anonymise(
                    person=locked, why=Anonymisation.Why.RETENTION, rule=rule.code
                )
    return Outcome(rule, len(due), done, held)


REMOVED = "[removed]"

#: What a raiser and the lead wrote in a concern.
CONCERN_TEXT = (
    "present",
    "facts",
    "hearsay",
    "opinion",
    "risk_action",
    "adult_views",
    "adult_outcomes",
    "referral_rationale",
    "helper_decision_reason",
    "dbs_decision_reason",
    "outcome",
)


def _concerns_retire(found: QuerySet[Any]) -> None:
    """What was written in closed concerns is removed; that there was a
    concern, when, its kinds and what was decided are kept."""
    pks = list(found.values_list("pk", flat=True))
    ConcernNote.objects.filter(concern__in=pks).update(text=REMOVED)
    ConcernSharing.objects.filter(concern__in=pks).update(why=REMOVED)
    ConcernAction.objects.filter(concern__in=pks).update(what=REMOVED)
    Concern.objects.filter(pk__in=pks).update(
        **dict.fromkeys(CONCERN_TEXT, REMOVED),
        about_name="",
        told_by="",
        happened_where="",
    )


def _rows(
    rule: Rule, today: date
) -> tuple[QuerySet[Any], Callable[[QuerySet[Any]], Any]]:
    moment = _start_of(cutoff_for(rule, today))
    rows: QuerySet[Any]
    if rule.code == "closed_concerns":
        # A concern that stopped a helper for harm is the record of the duty
        # to refer them to the DBS: it is kept (a legal hold, ADR 0034).
        rows = (
            Concern.objects.filter(status=Concern.Status.CLOSED, closed_at__lt=moment)
            .exclude(facts=REMOVED)
            .exclude(helper_decision=Concern.HelperDecision.STOP)
        )
        return rows, _concerns_retire
    if rule.code == "messages":
        rows = Message.objects.filter(created_at__lt=moment).exclude(
            to="", personalisation={}
        )
        return rows, lambda found: found.update(to="", personalisation={})
    if rule.code == "sign_in_attempts":
        rows = SignInAttempt.objects.filter(created_at__lt=moment)
        return rows, lambda found: found.delete()
    if rule.code == "audit_events":
        rows = AuditEvent.objects.filter(created_at__lt=moment)
        # Audit events refuse deletion through the application (they are
        # never edited); the retention schedule is the one place that may
        # remove them, once they are older than the period.
        return rows, lambda found: found._raw_delete(found.db)
    raise ValueError(rule.code)


def retention_apply(
    *, today: date | None = None, dry_run: bool = True
) -> list[Outcome]:
    """Apply every rule, or with ``dry_run`` only count what each would do.
    Idempotent: a second run finds nothing due."""
    today = today or timezone.localdate()
    outcomes = []
    for rule in RULES:
        if rule.code in (
            "former_members",
            "unsuccessful_applications",
            "former_helpers",
        ):
            outcomes.append(_apply_people(rule, today, dry_run))
            continue
        rows, act = _rows(rule, today)
        count = rows.count()
        if count and not dry_run:
            with transaction.atomic():
                act(rows.model._base_manager.filter(pk__in=rows.values("pk")))
        outcomes.append(Outcome(rule, count, count, []))
    return outcomes
