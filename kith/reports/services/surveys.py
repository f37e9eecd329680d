"""Members' wellbeing surveys: their settings, when each is due, the call
list's lines, and recording one answered or declined."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.core.times import day_text
from kith.members.models import Membership
from kith.notify.models import Call
from kith.places.models import Locality
from kith.reports import scoring
from kith.reports.models import (
    Answer,
    Instrument,
    InstrumentItem,
    Survey,
    SurveySettings,
)

SCORE_FIELDS = (
    scoring.LIFE_SATISFACTION,
    scoring.WORTHWHILE,
    scoring.HAPPINESS,
    scoring.ANXIETY,
    scoring.LONELY_DIRECT,
)


def survey_settings_for(locality: Locality) -> SurveySettings:
    """The locality's survey and social value settings, made with the
    defaults the first time."""
    found = SurveySettings.objects.filter(locality=locality).first()
    if found is not None:
        return found
    made, _created = SurveySettings.objects.get_or_create(locality=locality)
    return made


@transaction.atomic
def survey_settings_update(
    *,
    actor: User,
    locality: Locality,
    first_follow_up_months: int,
    then_every_months: int,
    overdue_after_days: int,
) -> SurveySettings:
    """Change when the locality's members are asked the wellbeing survey.
    Audited with what changed; the same answers again record nothing."""
    require_perm(actor, Perm.LOCALITY_MANAGE, locality)
    for field, value, low, high, message in (
        (
            "first_follow_up_months",
            first_follow_up_months,
            1,
            36,
            _("Ask the first follow-up between 1 and 36 months after joining."),
        ),
        (
            "then_every_months",
            then_every_months,
            1,
            36,
            _("Ask again every 1 to 36 months."),
        ),
        (
            "overdue_after_days",
            overdue_after_days,
            1,
            365,
            _("A survey is overdue after between 1 and 365 days."),
        ),
    ):
        if not low <= value <= high:
            raise ApplicationError(message, field=field)
    row = survey_settings_for(locality)
    row = SurveySettings.objects.select_for_update().get(pk=row.pk)
    after = {
        "first_follow_up_months": first_follow_up_months,
        "then_every_months": then_every_months,
        "overdue_after_days": overdue_after_days,
    }
    before = {field: getattr(row, field) for field in after}
    if before == after:
        return row
    for field, value in after.items():
        setattr(row, field, value)
    row.save(update_fields=list(after))
    audit_record(
        actor=actor,
        action="survey_settings_changed",
        target=row,
        locality=locality,
        data={"before": before, "after": after},
    )
    return row


@transaction.atomic
def shipped_instruments_ensure() -> int:
    """Make version 1 of the ONS measures if missing (a migration makes them;
    a database emptied since, as tests do, lacks them). Returns how many
    were made."""
    made = 0
    for spec in scoring.SHIPPED:
        code = str(spec["code"])
        if Instrument.objects.filter(code=code, version=1).exists():
            continue
        instrument = Instrument.objects.create(
            code=code,
            version=1,
            title=str(spec["title"]),
            source=str(spec["source"]),
            introduction=str(spec["introduction"]),
            shipped=True,
        )
        items: Any = spec["items"]
        InstrumentItem.objects.bulk_create(
            [
                InstrumentItem(
                    instrument=instrument,
                    position=position,
                    key=key,
                    text=text,
                    answers=[list(pair) for pair in answers],
                )
                for position, (key, text, answers) in enumerate(items)
            ]
        )
        made += 1
    return made


def instruments_asked() -> list[Instrument]:
    """The instruments a survey asks now: the newest active version of each."""
    newest: dict[str, Instrument] = {}
    for instrument in Instrument.objects.filter(is_active=True).prefetch_related(
        "items"
    ):
        if (
            instrument.code not in newest
            or newest[instrument.code].version < instrument.version
        ):
            newest[instrument.code] = instrument
    return sorted(newest.values(), key=lambda i: (not i.shipped, i.code))


@dataclass(frozen=True)
class Due:
    """A survey a member is due to be asked."""

    membership: Membership
    wave: int
    due_on: date
    overdue: bool


def survey_due_for(
    membership: Membership,
    *,
    today: date,
    settings: SurveySettings,
    recorded: set[int],
    stopped: bool,
) -> Due | None:
    """The survey ``membership`` is due now, or None: none before they
    start, none once they said not to ask again, none for a wave already
    answered or declined (a refusal is not nagged)."""
    if (
        membership.status != Membership.Status.ACTIVE
        or membership.started_on is None
        or stopped
    ):
        return None
    wave = scoring.wave_now(
        membership.started_on,
        today,
        first=settings.first_follow_up_months,
        every=settings.then_every_months,
    )
    if wave is None or wave in recorded:
        return None
    due_on = scoring.wave_due_on(
        membership.started_on,
        wave,
        first=settings.first_follow_up_months,
        every=settings.then_every_months,
    )
    overdue = (today - due_on).days > settings.overdue_after_days
    return Due(membership, wave, due_on, overdue)


def surveys_due_in(locality: Locality, *, today: date) -> list[Due]:
    """Every survey due in ``locality`` now (two queries). Not scoped to an
    actor: callers check permission (the selectors) or are the system (the
    call-list job)."""
    settings = survey_settings_for(locality)
    recorded: dict[int, set[int]] = {}
    stopped: set[int] = set()
    for membership_id, wave, stop in Survey.objects.filter(
        locality=locality
    ).values_list("membership_id", "wave", "stop_asking"):
        recorded.setdefault(membership_id, set()).add(wave)
        if stop:
            stopped.add(membership_id)
    found = []
    memberships = Membership.objects.filter(
        locality=locality,
        status=Membership.Status.ACTIVE,
        started_on__isnull=False,
    ).select_related("person", "ward")
    for membership in memberships:
        due = survey_due_for(
            membership,
            today=today,
            settings=settings,
            recorded=recorded.get(membership.pk, set()),
            stopped=membership.pk in stopped,
        )
        if due is not None:
            found.append(due)
    found.sort(key=lambda d: (d.due_on, d.membership.person.full_name))
    return found


def call_key(membership_id: int, wave: int) -> str:
    return f"survey:{membership_id}:{wave}"


def survey_calls_wanted(*, today: date) -> list[Call]:
    """Call-list lines (the ``help.call_list_lines`` hook): a member who
    prefers the phone as soon as a survey is due, anyone else once it is
    overdue (they had the chance to answer online)."""
    wanted = []
    # Not in a paused or archived locality (ADR 0041).
    for locality in Locality.objects.filter(status=Locality.Status.ACTIVE):
        for due in surveys_due_in(locality, today=today):
            person = due.membership.person
            if not due.overdue and person.contact_by != "phone":
                continue
            wanted.append(
                Call(
                    key=call_key(due.membership.pk, due.wave),
                    locality=locality,
                    person=person,
                    day=today,
                    reason=Call.Reason.SURVEY_DUE,
                    summary=(
                        _(
                            "Wellbeing survey due since %(day)s: ask if they "
                            "would answer it."
                        )
                        % {"day": day_text(due.due_on, weekday=False)}
                    )[:300],
                )
            )
    return wanted


def _survey_permission(actor: User, membership: Membership, how: str) -> None:
    """A member answers their own survey online; staff with the permission
    enter one from paper or by phone. Anything else is refused."""
    if how == Survey.How.ONLINE:
        if actor.pk != membership.person_id:
            raise PermissionDenied
        require_perm(actor, Perm.OWN_RECORD, membership.locality)
        return
    if how not in Survey.How.values:
        raise ApplicationError(_("Choose how the answers were given."), field="how")
    require_perm(actor, Perm.SURVEYS_RECORD, membership.locality)


def _current_due(membership: Membership, today: date) -> Due:
    settings = survey_settings_for(membership.locality)
    rows = list(
        Survey.objects.filter(membership=membership).values_list("wave", "stop_asking")
    )
    due = survey_due_for(
        membership,
        today=today,
        settings=settings,
        recorded={wave for wave, _stop in rows},
        stopped=any(stop for _wave, stop in rows),
    )
    if due is None:
        raise ApplicationError(_("No survey is due for this member now."))
    return due


def _existing(submission_key: str | None, actor: User) -> Survey | None:
    if not submission_key:
        return None
    found = Survey.objects.filter(submission_key=submission_key).first()
    if found is not None and found.recorded_by_id != actor.pk:
        raise PermissionDenied
    return found


def _close_call(membership: Membership, wave: int, actor: User) -> None:
    Call.objects.filter(key=call_key(membership.pk, wave), done=False).update(
        done=True,
        outcome=Call.Outcome.SPOKE,
        called_by=actor,
        called_at=timezone.now(),
    )


@transaction.atomic
def survey_record(
    *,
    actor: User,
    membership: Membership,
    how: str,
    answers: dict[int, int | None],
    submission_key: str | None = None,
    today: date | None = None,
) -> Survey:
    """Record the answers to the survey due now. ``answers`` maps an item's
    id to its score, None for an item not answered. Every item must belong
    to an instrument asked now and every score be one of the item's. Raises
    PermissionDenied (see ``_survey_permission``) and ApplicationError (no
    survey due, a score that is not one of the answers, nothing answered);
    the same submission sent twice returns the first survey."""
    _survey_permission(actor, membership, how)
    existing = _existing(submission_key, actor)
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    due = _current_due(membership, today)
    items = {
        item.pk: item
        for instrument in instruments_asked()
        for item in instrument.items.all()
    }
    given: dict[InstrumentItem, int] = {}
    for item_id, value in answers.items():
        item = items.get(item_id)
        if item is None:
            raise ApplicationError(_("A question is not one this survey asks."))
        if value is None:
            continue
        if value not in item.scores():
            raise ApplicationError(
                _("Choose one of the answers to: %(question)s")
                % {"question": item.text},
                field=f"item_{item_id}",
            )
        given[item] = value
    if not given:
        raise ApplicationError(
            _(
                "No question was answered. If the member does not want to answer, "
                "record that they declined."
            )
        )
    by_key = {
        item.key: value for item, value in given.items() if item.instrument.shipped
    }
    survey = Survey(
        membership=membership,
        locality=membership.locality,
        wave=due.wave,
        due_on=due.due_on,
        status=Survey.Status.ANSWERED,
        how=how,
        answered_on=today,
        recorded_by=actor,
        submission_key=submission_key or None,
        ucla_total=scoring.ucla_total(by_key),
        **{name: by_key.get(name) for name in SCORE_FIELDS},
    )
    survey.save()
    Answer.objects.bulk_create(
        [Answer(survey=survey, item=item, value=value) for item, value in given.items()]
    )
    _close_call(membership, due.wave, actor)
    audit_record(
        actor=actor,
        action="survey_recorded",
        target=survey,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=membership.locality,
        # The answers themselves stay out of the audit trail.
        data={"wave": due.wave, "how": how, "items_answered": len(given)},
    )
    return survey


@transaction.atomic
def survey_decline(
    *,
    actor: User,
    membership: Membership,
    how: str,
    stop_asking: bool,
    submission_key: str | None = None,
    today: date | None = None,
) -> Survey:
    """Record that the member would rather not answer the survey due now
    (and, with ``stop_asking``, any later one): it is not asked again.
    Raises as ``survey_record`` does."""
    _survey_permission(actor, membership, how)
    existing = _existing(submission_key, actor)
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    due = _current_due(membership, today)
    survey = Survey.objects.create(
        membership=membership,
        locality=membership.locality,
        wave=due.wave,
        due_on=due.due_on,
        status=Survey.Status.DECLINED,
        how=how,
        stop_asking=stop_asking,
        answered_on=today,
        recorded_by=actor,
        submission_key=submission_key or None,
    )
    _close_call(membership, due.wave, actor)
    audit_record(
        actor=actor,
        action="survey_declined",
        target=survey,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=membership.locality,
        data={"wave": due.wave, "how": how, "stop_asking": stop_asking},
    )
    return survey


def instrument_item_guard(item: InstrumentItem | Instrument) -> None:
    """Raise ApplicationError if the instrument has been answered: its
    wording is then fixed, and new wording needs a new version."""
    instrument = item if isinstance(item, Instrument) else item.instrument
    if instrument.pk and instrument.answered:
        raise ApplicationError(
            _(
                "People have answered this version, so its wording cannot change. "
                "Add a new version instead."
            )
        )


def may_record(actor: Any, locality: Locality) -> bool:
    return has_perm(actor, Perm.SURVEYS_RECORD, locality)
