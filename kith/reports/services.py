"""Writes of reports: members' wellbeing surveys (answered or declined), the
call-list lines for surveys due, and the locality's figures settings (proxy
values, the commercial price of each kind of help, licensed instruments'
scoring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.core.times import day_text
from kith.help.models import HelpCategory, Visit
from kith.members.models import Membership
from kith.notify.models import Call
from kith.places.models import Locality
from kith.reports import scoring
from kith.reports.models import (
    Answer,
    HelpValue,
    Instrument,
    InstrumentItem,
    InstrumentScoring,
    ProxyValue,
    Survey,
    SurveySettings,
    VisitMonth,
    VisitMonthRun,
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


# --- the council's values: proxies and the price of help -----------------------

#: The earliest prices a proxy value may be given in.
PROXY_FIRST_YEAR = 1970
PROXY_MAX_PENCE = 100_000_000  # one million pounds a person


def _proxy_clean(
    *,
    outcome: str,
    value_pence: int,
    source: str,
    year: int,
    licence: str,
    deadweight_percent: Decimal,
    today: date,
) -> dict[str, Any]:
    """The fields of a proxy value, tidied; raises ApplicationError naming
    the first field that is wrong."""
    outcome, source, licence = outcome.strip(), source.strip(), licence.strip()
    if not outcome:
        raise ApplicationError(_("Enter the outcome it values."), field="outcome")
    if isinstance(value_pence, bool) or not 0 <= value_pence <= PROXY_MAX_PENCE:
        raise ApplicationError(
            _("Enter a value from £0 to £1,000,000."), field="value_pence"
        )
    if not source:
        raise ApplicationError(_("Enter where the value comes from."), field="source")
    if not PROXY_FIRST_YEAR <= year <= today.year:
        raise ApplicationError(
            _("Enter the year of its prices, from %(first)s to %(last)s.")
            % {"first": PROXY_FIRST_YEAR, "last": today.year},
            field="year",
        )
    if not licence:
        raise ApplicationError(
            _("Enter the licence under which the council may use it."),
            field="licence",
        )
    if not Decimal(0) <= deadweight_percent <= Decimal(100):
        raise ApplicationError(
            _("Enter the deadweight as a percentage from 0 to 100."),
            field="deadweight_percent",
        )
    return {
        "outcome": outcome,
        "value_pence": value_pence,
        "source": source,
        "year": year,
        "licence": licence,
        "deadweight_percent": deadweight_percent.quantize(Decimal("0.01")),
    }


def _proxy_in_use_clash(locality: Locality, outcome: str, pk: int | None) -> None:
    clash = ProxyValue.objects.filter(
        locality=locality, outcome__iexact=outcome, retired_at__isnull=True
    )
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ApplicationError(
            _(
                "The council already uses a value for this outcome. Change that "
                "one, or retire it first."
            ),
            field="outcome",
        )


def _proxy_data(proxy: ProxyValue) -> dict[str, Any]:
    return {
        "outcome": proxy.outcome,
        "value_pence": proxy.value_pence,
        "source": proxy.source,
        "year": proxy.year,
        "licence": proxy.licence,
        "deadweight_percent": str(proxy.deadweight_percent),
    }


@transaction.atomic
def proxy_value_add(
    *,
    actor: User,
    locality: Locality,
    outcome: str,
    value_pence: int,
    source: str,
    year: int,
    licence: str,
    deadweight_percent: Decimal,
    submission_key: str | None = None,
    today: date | None = None,
) -> ProxyValue:
    """Add a proxy value the council will use. Needs the reports permission
    in ``locality`` (PermissionDenied). Raises ApplicationError for a blank
    outcome, source or licence, a negative value, a year before 1970 or in
    the future, a deadweight outside 0 to 100%, or an outcome that already
    has a value in use. The same submission twice makes one value."""
    require_perm(actor, Perm.REPORTS_VIEW, locality)
    if submission_key:
        found = ProxyValue.objects.filter(submission_key=submission_key).first()
        if found is not None:
            if found.locality_id != locality.pk:
                raise PermissionDenied
            return found
    fields = _proxy_clean(
        outcome=outcome,
        value_pence=value_pence,
        source=source,
        year=year,
        licence=licence,
        deadweight_percent=deadweight_percent,
        today=today or timezone.localdate(),
    )
    # One locality's values at a time, so two officers adding the same
    # outcome at once cannot both pass the check below.
    Locality.objects.select_for_update().filter(pk=locality.pk).first()
    _proxy_in_use_clash(locality, fields["outcome"], None)
    proxy = ProxyValue(
        locality=locality, submission_key=submission_key or None, **fields
    )
    proxy.full_clean()
    proxy.save()
    audit_record(
        actor=actor,
        action="proxy_value_added",
        target=proxy,
        locality=locality,
        data=_proxy_data(proxy),
    )
    return proxy


@transaction.atomic
def proxy_value_change(
    *,
    actor: User,
    proxy: ProxyValue,
    outcome: str,
    value_pence: int,
    source: str,
    year: int,
    licence: str,
    deadweight_percent: Decimal,
    today: date | None = None,
) -> ProxyValue:
    """Change a proxy value in use; the audit trail keeps what it was.
    Raises as ``proxy_value_add`` does, and ApplicationError for a retired
    value (restore it first)."""
    require_perm(actor, Perm.REPORTS_VIEW, proxy.locality)
    Locality.objects.select_for_update().filter(pk=proxy.locality_id).first()
    proxy = ProxyValue.objects.select_for_update().get(pk=proxy.pk)
    if proxy.retired_at is not None:
        raise ApplicationError(_("This value is retired. Use it again first."))
    fields = _proxy_clean(
        outcome=outcome,
        value_pence=value_pence,
        source=source,
        year=year,
        licence=licence,
        deadweight_percent=deadweight_percent,
        today=today or timezone.localdate(),
    )
    _proxy_in_use_clash(proxy.locality, fields["outcome"], proxy.pk)
    before = _proxy_data(proxy)
    for name, value in fields.items():
        setattr(proxy, name, value)
    after = _proxy_data(proxy)
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changed:
        return proxy
    proxy.full_clean()
    proxy.save()
    audit_record(
        actor=actor,
        action="proxy_value_changed",
        target=proxy,
        locality=proxy.locality,
        data={"changed": changed},
    )
    return proxy


@transaction.atomic
def proxy_value_retire(
    *, actor: User, proxy: ProxyValue, retire: bool = True
) -> ProxyValue:
    """Stop using a proxy value (or, with ``retire`` False, use it again).
    It is kept, never deleted: reports already published may have shown
    it. Doing it twice changes nothing. Raises ApplicationError when using
    it again would give an outcome two values in use."""
    require_perm(actor, Perm.REPORTS_VIEW, proxy.locality)
    Locality.objects.select_for_update().filter(pk=proxy.locality_id).first()
    proxy = ProxyValue.objects.select_for_update().get(pk=proxy.pk)
    if (proxy.retired_at is not None) == retire:
        return proxy
    if not retire:
        _proxy_in_use_clash(proxy.locality, proxy.outcome, proxy.pk)
    proxy.retired_at = timezone.now() if retire else None
    proxy.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action="proxy_value_retired" if retire else "proxy_value_restored",
        target=proxy,
        locality=proxy.locality,
        data={"outcome": proxy.outcome},
    )
    return proxy


HELP_VALUE_MAX_PENCE = 100_000  # £1,000 an hour


@transaction.atomic
def help_value_set(
    *,
    actor: User,
    category: HelpCategory,
    pence_per_hour: int | None,
    source: str,
) -> HelpValue | None:
    """Set what an hour of ``category`` would cost from a business (the
    value each visit of it is given), or with ``pence_per_hour`` None take
    the price away (its visits then have no value). Needs the reports
    permission in the category's locality. Raises ApplicationError for a
    price outside 1p to £1,000 an hour or a price with no source."""
    locality = category.locality
    require_perm(actor, Perm.REPORTS_VIEW, locality)
    HelpCategory.objects.select_for_update().filter(pk=category.pk).first()
    held = HelpValue.objects.filter(category=category).first()
    if pence_per_hour is None:
        if held is None:
            return None
        removed = {"pence_per_hour": held.pence_per_hour, "source": held.source}
        held.delete()
        audit_record(
            actor=actor,
            action="help_value_removed",
            target=category,
            locality=locality,
            data={"category": category.name, "was": removed},
        )
        return None
    source = source.strip()
    if isinstance(pence_per_hour, bool) or not (
        1 <= pence_per_hour <= HELP_VALUE_MAX_PENCE
    ):
        raise ApplicationError(
            _("Enter a price an hour from 1p to £1,000."), field="pence_per_hour"
        )
    if not source:
        raise ApplicationError(
            _("Enter where the price comes from, like a local firm's rates."),
            field="source",
        )
    before = (
        {"pence_per_hour": held.pence_per_hour, "source": held.source}
        if held is not None
        else None
    )
    after = {"pence_per_hour": pence_per_hour, "source": source}
    if before == after and held is not None:
        return held
    value = held or HelpValue(locality=locality, category=category)
    value.pence_per_hour = pence_per_hour
    value.source = source
    value.full_clean()
    value.save()
    audit_record(
        actor=actor,
        action="help_value_set",
        target=category,
        locality=locality,
        data={"category": category.name, "was": before, "now": after},
    )
    return value


# --- licensed instruments' scoring ----------------------------------------------


@transaction.atomic
def instrument_scoring_save(*, actor: User, scoring_rule: InstrumentScoring) -> None:
    """Save an administrator's scoring rule for a licensed instrument
    (from the Django admin, which only administrators reach). Raises
    ValidationError from the rule's checks; records who set what."""
    if not (actor.is_superuser or actor.is_staff):
        raise PermissionDenied
    scoring_rule.full_clean()
    scoring_rule.set_at = timezone.now()
    scoring_rule.save()
    audit_record(
        actor=actor,
        action="instrument_scoring_set",
        target=scoring_rule.instrument,
        data={
            "instrument": str(scoring_rule.instrument),
            "item_min": scoring_rule.item_min,
            "item_max": scoring_rule.item_max,
            "min_answered": scoring_rule.min_answered,
            "conversion_lines": len(
                [line for line in scoring_rule.conversion.splitlines() if line.strip()]
            ),
            "higher_is_better": scoring_rule.higher_is_better,
        },
    )


# --- last night's count of visits by month ----------------------------------------

#: A month is counted into the summary once this many days have passed
#: since it ended, when late records of its visits have mostly come in.
SETTLE_DAYS = 7
#: How many settled months the summary keeps: the longest period asked.
SUMMARY_MONTHS = 36


def _local_midnight(day: date) -> Any:
    return timezone.make_aware(datetime.combine(day, time.min))


def visit_months_refresh(*, locality: Locality, today: date | None = None) -> int:
    """Count ``locality``'s visits afresh for each of the last 36 settled
    months (ended at least ``SETTLE_DAYS`` days ago) by the member's ward,
    kind of help and status, and replace its summary with them in one
    transaction. A system job (no actor): it writes counts, not anyone's
    data. Run twice, it makes the same rows. Returns the rows made."""
    today = today or timezone.localdate()
    settled = (today - timedelta(days=SETTLE_DAYS)).replace(day=1)
    last = scoring.add_months(settled, -1)
    first = scoring.add_months(last, -(SUMMARY_MONTHS - 1))
    rows = []
    month = first
    while month <= last:
        after = scoring.add_months(month, 1)
        # One month at a time: each query reads one month's visits by its
        # index on the time, so memory stays small however large the year.
        for row in (
            Visit.objects.filter(
                request__locality=locality,
                starts_at__gte=_local_midnight(month),
                starts_at__lt=_local_midnight(after),
            )
            .values("request__membership__ward_id", "request__category_id", "status")
            .annotate(n=Count("pk"), total=Sum("minutes", default=0))
            .order_by()
        ):
            rows.append(
                VisitMonth(
                    locality=locality,
                    month=month,
                    ward_id=row["request__membership__ward_id"],
                    category_id=row["request__category_id"],
                    status=row["status"],
                    visits=row["n"],
                    minutes=row["total"] or 0,
                )
            )
        month = after
    with transaction.atomic():
        VisitMonth.objects.filter(locality=locality).delete()
        VisitMonth.objects.bulk_create(rows, batch_size=2000)
        VisitMonthRun.objects.update_or_create(
            locality=locality,
            defaults={
                "first_month": first,
                "last_month": last,
                "made_at": timezone.now(),
            },
        )
    return len(rows)


def visit_months_refresh_all(*, today: date | None = None) -> int:
    """The nightly job: every locality's summary. Returns the rows made."""
    return sum(
        visit_months_refresh(locality=locality, today=today)
        for locality in Locality.objects.order_by("pk")
    )
