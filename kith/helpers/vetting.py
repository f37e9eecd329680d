"""Pure rules for vetting Neighbourhood Helpers: which checks count on a day,
and the vetting level they add up to. No database: plain data in, plain data
out, so the rules are tested exhaustively (tests/test_vetting.py) and the
database only ever stores what these functions computed.

The levels, lowest first:

- ``none``: not enough checks yet.
- ``basic``: identity seen, two references (from two different referees) and
  induction training.
- ``enhanced``: basic, plus an enhanced DBS certificate the circle accepted,
  plus safeguarding training.
- ``enhanced_barred``: enhanced, with the adults' barred list checked. This is
  what the law requires for regulated activity with adults.

How long a check counts:

- identity, references and the interview never lapse;
- induction and safeguarding training count for 1 year from the day done;
- a DBS certificate counts for 3 years from its issue date. A helper on the DBS
  update service who agreed to status checks keeps it current for 1 year after
  each status check that found no new information. A status check that found
  new information ends it that day: they need a new certificate.

A check that was not passed cancels earlier passes of the same check (for
references, of the same referee): someone whose newer DBS certificate was not
accepted is not vetted by the older one. Checks dated after the day asked about
do not count on it.

``expires_on`` is always the *last day* a check counts; it lapses the next day,
and the level drops that day.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

DBS_YEARS = 3
TRAINING_YEARS = 1
STATUS_CHECK_YEARS = 1
#: A reminder goes out when a check lapses within this many days.
REMINDER_DAYS = 30
REFERENCES_NEEDED = 2
#: Stored for a level that holds with nothing due to lapse (SQL compares dates).
NEVER = date(9999, 12, 31)


class VettingLevel(models.TextChoices):
    """Ordered lowest first; compare with ``level_rank``/``level_at_least``."""

    NONE = "none", _("Not yet vetted")
    BASIC = "basic", _("Basic")
    ENHANCED = "enhanced", _("Enhanced")
    ENHANCED_BARRED = "enhanced_barred", _("Enhanced with barred list")


LEVELS: tuple[VettingLevel, ...] = (
    VettingLevel.NONE,
    VettingLevel.BASIC,
    VettingLevel.ENHANCED,
    VettingLevel.ENHANCED_BARRED,
)


def level_rank(level: str) -> int:
    """0 for ``none`` up to 3 for ``enhanced_barred``. Raises ValueError for
    anything that is not a level."""
    return LEVELS.index(VettingLevel(level))


def level_at_least(level: str, minimum: str) -> bool:
    """Whether ``level`` is ``minimum`` or higher."""
    return level_rank(level) >= level_rank(minimum)


def level_max(levels: Iterable[str]) -> VettingLevel:
    return max((VettingLevel(v) for v in levels), key=level_rank, default=LEVELS[0])


class CheckKind(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    REFERENCE = "reference", _("Reference")
    INTERVIEW = "interview", _("Interview")
    INDUCTION = "induction", _("Induction training")
    SAFEGUARDING = "safeguarding", _("Safeguarding training")
    DBS = "dbs", _("DBS certificate")


TRAINING_KINDS = frozenset({CheckKind.INDUCTION, CheckKind.SAFEGUARDING})


class DbsType(models.TextChoices):
    ENHANCED = "enhanced", _("Enhanced")
    ENHANCED_BARRED = "enhanced_barred", _("Enhanced with the adults’ barred list")


@dataclass(frozen=True)
class StatusCheckFacts:
    """One DBS update service status check: ``current`` is False when it
    found new information."""

    checked_on: date
    current: bool


@dataclass(frozen=True)
class CheckFacts:
    """What the rules need to know about one recorded check."""

    kind: str
    passed: bool
    checked_on: date
    id: int | None = None
    #: For references: who gave it. Two references must come from two referees;
    #: a reference with no referee counts as its own.
    referee: int | None = None
    dbs_type: str = ""
    dbs_issued_on: date | None = None
    #: The helper is on the update service and agreed to status checks.
    update_service: bool = False
    status_checks: tuple[StatusCheckFacts, ...] = ()


@dataclass(frozen=True)
class Standing:
    """A helper's vetting on a day, and how long each level holds if no
    check is added. ``holds_until[level]`` is the last day the helper is at
    that level or above (None: it never lapses); levels not reached are absent.
    """

    level: VettingLevel
    until: date | None
    holds_until: Mapping[VettingLevel, date | None]


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def check_expires_on(check: CheckFacts, on: date | None = None) -> date | None:
    """The last day ``check`` counts, knowing the status checks made up to
    ``on`` (all of them when None). None when it never lapses."""
    if check.kind in TRAINING_KINDS:
        return add_years(check.checked_on, TRAINING_YEARS) - timedelta(days=1)
    if check.kind != CheckKind.DBS:
        return None
    issued = check.dbs_issued_on or check.checked_on
    last = add_years(issued, DBS_YEARS) - timedelta(days=1)
    known = [s for s in check.status_checks if on is None or s.checked_on <= on]
    changed = min((s.checked_on for s in known if not s.current), default=None)
    if check.update_service:
        for status in known:
            if status.current and (changed is None or status.checked_on < changed):
                last = max(
                    last,
                    add_years(status.checked_on, STATUS_CHECK_YEARS)
                    - timedelta(days=1),
                )
    if changed is not None:
        last = min(last, changed - timedelta(days=1))
    return last


def _same_check(a: CheckFacts, b: CheckFacts) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == CheckKind.REFERENCE:
        return a.referee is not None and a.referee == b.referee
    return True


def check_counts(check: CheckFacts, on: date, others: Sequence[CheckFacts]) -> bool:
    """Whether ``check`` counts on ``on``: passed, done by then, not lapsed,
    and not cancelled by a later failure of the same check among ``others``."""
    if not check.passed or check.checked_on > on:
        return False
    expires = check_expires_on(check, on)
    if expires is not None and on > expires:
        return False
    return not any(
        not other.passed
        and _same_check(other, check)
        and check.checked_on <= other.checked_on <= on
        for other in others
    )


def vetting_level(checks: Iterable[CheckFacts], on: date) -> VettingLevel:
    """The vetting level ``checks`` add up to on ``on``."""
    every = list(checks)
    counting = [check for check in every if check_counts(check, on, every)]
    kinds = {check.kind for check in counting}
    referees: set[object] = set()
    for index, check in enumerate(counting):
        if check.kind == CheckKind.REFERENCE:
            referees.add(check.referee if check.referee is not None else ("n", index))
    basic = (
        CheckKind.IDENTITY in kinds
        and CheckKind.INDUCTION in kinds
        and len(referees) >= REFERENCES_NEEDED
    )
    if not basic:
        return VettingLevel.NONE
    dbs_types = {check.dbs_type for check in counting if check.kind == CheckKind.DBS}
    if not dbs_types or CheckKind.SAFEGUARDING not in kinds:
        return VettingLevel.BASIC
    if DbsType.ENHANCED_BARRED in dbs_types:
        return VettingLevel.ENHANCED_BARRED
    return VettingLevel.ENHANCED


def _change_days(checks: Sequence[CheckFacts], on: date) -> list[date]:
    """Every day after which the level might change: the level depends on the
    day only through these comparisons, so it is constant between them."""
    days: set[date] = set()
    one = timedelta(days=1)
    for check in checks:
        days.add(check.checked_on - one)
        horizons: list[date | None] = [None, on]
        for status in check.status_checks:
            days.add(status.checked_on - one)
            horizons.append(status.checked_on)
        for horizon in horizons:
            expires = check_expires_on(check, horizon)
            if expires is not None:
                days.add(expires)
    return sorted(day for day in days if day >= on and day < NEVER)


def vetting_standing(checks: Iterable[CheckFacts], on: date) -> Standing:
    """The level on ``on`` and the last day each level up to it holds."""
    every = list(checks)
    level = vetting_level(every, on)
    holds_until: dict[VettingLevel, date | None] = {}
    wanted = [lvl for lvl in LEVELS[1:] if level_at_least(level, lvl)]
    if wanted:
        pending = set(wanted)
        for day in _change_days(every, on):
            after = vetting_level(every, day + timedelta(days=1))
            for lvl in list(pending):
                if not level_at_least(after, lvl):
                    holds_until[lvl] = day
                    pending.discard(lvl)
            if not pending:
                break
        for lvl in pending:
            holds_until[lvl] = None
    until = holds_until.get(level) if level != VettingLevel.NONE else None
    return Standing(level=level, until=until, holds_until=holds_until)


def level_expires_on(checks: Iterable[CheckFacts], on: date) -> date | None:
    """The last day the level held on ``on`` still holds if no check is added;
    None when it never lapses (or is ``none``)."""
    return vetting_standing(checks, on).until


def level_on_from_ladder(
    holds_until: Mapping[str, date | None], on: date
) -> VettingLevel:
    """The level on ``on`` from a stored ladder (``holds_until`` as computed on
    an earlier day, with None meaning never): the highest level still held."""
    for level in reversed(LEVELS[1:]):
        if level in holds_until:
            last = holds_until[level]
            if last is None or on <= last:
                return level
    return VettingLevel.NONE


def _covered(check: CheckFacts, day: date, others: Sequence[CheckFacts]) -> bool:
    """Whether another check of the same kind (same referee; for a DBS with
    the barred list, another with it) still counts on ``day``."""
    for other in others:
        if other is check or not _same_check(other, check):
            continue
        if check.kind == CheckKind.REFERENCE and check.referee is None:
            continue
        if (
            check.kind == CheckKind.DBS
            and check.dbs_type == DbsType.ENHANCED_BARRED
            and other.dbs_type != DbsType.ENHANCED_BARRED
        ):
            continue
        if check_counts(other, day, others):
            return True
    return False


def checks_lapsing(
    checks: Iterable[CheckFacts], on: date, within_days: int | None = REMINDER_DAYS
) -> list[tuple[CheckFacts, date]]:
    """Checks that count on ``on`` and lapse within ``within_days`` (any time
    when None) with nothing of the same kind to take over, each with the last
    day it counts; soonest first."""
    every = list(checks)
    found = []
    for check in every:
        if not check_counts(check, on, every):
            continue
        expires = check_expires_on(check, on)
        if expires is None:
            continue
        if within_days is not None and (expires - on).days >= within_days:
            continue
        if _covered(check, expires + timedelta(days=1), every):
            continue
        found.append((check, expires))
    return sorted(found, key=lambda pair: (pair[1], pair[0].kind, pair[0].id or 0))


def missing_for(checks: Iterable[CheckFacts], on: date, level: str) -> list[str]:
    """What still has to be done (and counted on ``on``) to reach ``level``:
    check kinds, with ``reference`` once for each reference still needed and
    ``dbs_barred`` when only the barred list is missing."""
    every = list(checks)
    counting = [check for check in every if check_counts(check, on, every)]
    kinds = {check.kind for check in counting}
    missing: list[str] = []
    if level_at_least(level, VettingLevel.BASIC):
        if CheckKind.IDENTITY not in kinds:
            missing.append(CheckKind.IDENTITY)
        referees: set[object] = set()
        for index, check in enumerate(counting):
            if check.kind == CheckKind.REFERENCE:
                referees.add(check.referee if check.referee is not None else index)
        missing.extend(
            [CheckKind.REFERENCE] * max(0, REFERENCES_NEEDED - len(referees))
        )
        if CheckKind.INDUCTION not in kinds:
            missing.append(CheckKind.INDUCTION)
    if level_at_least(level, VettingLevel.ENHANCED):
        dbs_types = {c.dbs_type for c in counting if c.kind == CheckKind.DBS}
        if level == VettingLevel.ENHANCED_BARRED:
            if DbsType.ENHANCED_BARRED not in dbs_types:
                missing.append("dbs_barred")
        elif not dbs_types:
            missing.append(CheckKind.DBS)
        if CheckKind.SAFEGUARDING not in kinds:
            missing.append(CheckKind.SAFEGUARDING)
    return missing


@dataclass(frozen=True)
class KindState:
    """Where one kind of check stands on a day, for showing to people."""

    kind: str
    #: How many count (for references, from how many referees).
    counting: int
    needed: int
    #: The last day the longest-lasting counting one counts; None if none
    #: counts or one never lapses (see ``never_lapses``).
    last_day: date | None
    never_lapses: bool
    #: For a DBS: one that counts has the adults' barred list.
    barred: bool
    recorded: bool

    @property
    def done(self) -> bool:
        return self.counting >= self.needed


def kinds_summary(checks: Iterable[CheckFacts], on: date) -> list[KindState]:
    """Each kind of check, in order, and where it stands on ``on``."""
    every = list(checks)
    states = []
    for kind in CheckKind.values:
        of_kind = [check for check in every if check.kind == kind]
        counting = [check for check in of_kind if check_counts(check, on, every)]
        if kind == CheckKind.REFERENCE:
            referees: set[object] = set()
            for index, check in enumerate(counting):
                referees.add(check.referee if check.referee is not None else index)
            count, needed = len(referees), REFERENCES_NEEDED
        else:
            count, needed = len(counting), 1
        last_days = [check_expires_on(check, on) for check in counting]
        never = any(day is None for day in last_days)
        states.append(
            KindState(
                kind=kind,
                counting=count,
                needed=needed,
                last_day=None
                if never or not last_days
                else max(day for day in last_days if day is not None),
                never_lapses=never,
                barred=any(c.dbs_type == DbsType.ENHANCED_BARRED for c in counting),
                recorded=bool(of_kind),
            )
        )
    return states
