"""The vetting rules: hand-made cases, then properties over random checks."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kith.helpers.vetting import (
    LEVELS,
    NEVER,
    CheckFacts,
    CheckKind,
    DbsType,
    StatusCheckFacts,
    VettingLevel,
    add_years,
    check_counts,
    check_expires_on,
    checks_lapsing,
    level_at_least,
    level_expires_on,
    level_max,
    level_on_from_ladder,
    level_rank,
    missing_for,
    vetting_level,
    vetting_standing,
)

DAY = timedelta(days=1)
ON = date(2026, 6, 15)


def passed(kind, on, **extra):
    return CheckFacts(kind=kind, passed=True, checked_on=on, **extra)


def failed(kind, on, **extra):
    return CheckFacts(kind=kind, passed=False, checked_on=on, **extra)


def basic_checks(on=date(2026, 3, 1)):
    return [
        passed(CheckKind.IDENTITY, on),
        passed(CheckKind.REFERENCE, on, referee=1),
        passed(CheckKind.REFERENCE, on, referee=2),
        passed(CheckKind.INDUCTION, on),
    ]


def dbs(on, dbs_type=DbsType.ENHANCED, issued=None, **extra):
    return passed(
        CheckKind.DBS, on, dbs_type=dbs_type, dbs_issued_on=issued or on, **extra
    )


def enhanced_checks(on=date(2026, 3, 1), dbs_type=DbsType.ENHANCED):
    return [
        *basic_checks(on),
        dbs(on, dbs_type),
        passed(CheckKind.SAFEGUARDING, on),
    ]


# --- levels and their order -----------------------------------------------------------


def test_levels_are_these_values_in_this_order():
    assert [level.value for level in LEVELS] == [
        "none",
        "basic",
        "enhanced",
        "enhanced_barred",
    ]
    assert [level_rank(level) for level in LEVELS] == [0, 1, 2, 3]
    assert level_at_least("enhanced_barred", "enhanced")
    assert level_at_least("basic", "basic")
    assert not level_at_least("basic", "enhanced")
    assert level_max(["basic", "none", "enhanced"]) == VettingLevel.ENHANCED
    assert level_max([]) == VettingLevel.NONE
    with pytest.raises(ValueError, match="not"):
        level_rank("not-a-level")


# --- hand-made cases ------------------------------------------------------------------


def test_no_checks_is_none():
    assert vetting_level([], ON) == VettingLevel.NONE
    assert level_expires_on([], ON) is None


def test_basic_needs_identity_two_references_and_induction():
    assert vetting_level(basic_checks(), ON) == VettingLevel.BASIC
    for missing in range(4):
        fewer = [c for i, c in enumerate(basic_checks()) if i != missing]
        assert vetting_level(fewer, ON) == VettingLevel.NONE


def test_two_references_must_come_from_two_referees():
    checks = basic_checks()
    checks[2] = passed(CheckKind.REFERENCE, date(2026, 3, 2), referee=1)
    assert vetting_level(checks, ON) == VettingLevel.NONE


def test_the_interview_is_recorded_but_no_level_needs_it():
    with_interview = [*basic_checks(), passed(CheckKind.INTERVIEW, ON)]
    assert vetting_level(with_interview, ON) == VettingLevel.BASIC


def test_enhanced_needs_a_dbs_and_safeguarding_training():
    assert vetting_level(enhanced_checks(), ON) == VettingLevel.ENHANCED
    without_training = [
        c for c in enhanced_checks() if c.kind != CheckKind.SAFEGUARDING
    ]
    assert vetting_level(without_training, ON) == VettingLevel.BASIC
    without_dbs = [c for c in enhanced_checks() if c.kind != CheckKind.DBS]
    assert vetting_level(without_dbs, ON) == VettingLevel.BASIC


def test_the_barred_list_gives_the_highest_level_only_with_the_rest():
    checks = enhanced_checks(dbs_type=DbsType.ENHANCED_BARRED)
    assert vetting_level(checks, ON) == VettingLevel.ENHANCED_BARRED
    # A barred-list DBS is no use without the basic checks.
    alone = [dbs(date(2026, 3, 1), DbsType.ENHANCED_BARRED)]
    assert vetting_level(alone, ON) == VettingLevel.NONE


def test_training_counts_for_a_year_and_the_level_drops_the_day_it_lapses():
    done = date(2025, 6, 20)
    checks = [*basic_checks(done)]
    assert check_expires_on(checks[3]) == date(2026, 6, 19)
    assert vetting_level(checks, date(2026, 6, 19)) == VettingLevel.BASIC
    assert vetting_level(checks, date(2026, 6, 20)) == VettingLevel.NONE
    assert level_expires_on(checks, date(2026, 1, 1)) == date(2026, 6, 19)


def test_a_dbs_counts_for_three_years_from_issue():
    issued = date(2023, 7, 1)
    checks = [
        *basic_checks(date(2026, 3, 1)),
        passed(CheckKind.SAFEGUARDING, date(2026, 3, 1)),
        dbs(date(2023, 7, 10), issued=issued),
    ]
    assert check_expires_on(checks[-1]) == date(2026, 6, 30)
    assert vetting_level(checks, date(2026, 6, 30)) == VettingLevel.ENHANCED
    assert vetting_level(checks, date(2026, 7, 1)) == VettingLevel.BASIC
    standing = vetting_standing(checks, ON)
    assert standing.until == date(2026, 6, 30)
    assert standing.holds_until[VettingLevel.BASIC] == date(2027, 2, 28)


def test_the_update_service_keeps_a_dbs_current_for_a_year_after_each_check():
    issued = date(2022, 1, 10)
    certificate = dbs(
        date(2022, 1, 20),
        issued=issued,
        update_service=True,
        status_checks=(StatusCheckFacts(date(2026, 2, 1), current=True),),
    )
    assert check_expires_on(certificate) == date(2027, 1, 31)
    checks = [*enhanced_checks(), certificate]
    checks = [c for c in checks if c.kind != CheckKind.DBS or c is certificate]
    assert vetting_level(checks, ON) == VettingLevel.ENHANCED
    # Without consent to status checks, the certificate ran out after 3 years.
    without = CheckFacts(**{**certificate.__dict__, "update_service": False})
    assert check_expires_on(without) == date(2025, 1, 9)


def test_a_status_check_finding_new_information_ends_the_dbs_that_day():
    certificate = dbs(
        date(2025, 1, 20),
        issued=date(2025, 1, 10),
        update_service=True,
        status_checks=(
            StatusCheckFacts(date(2026, 1, 5), current=True),
            StatusCheckFacts(date(2026, 5, 1), current=False),
        ),
    )
    assert check_expires_on(certificate) == date(2026, 4, 30)
    # Before that status check was made, nobody knew.
    assert check_expires_on(certificate, on=date(2026, 4, 1)) == date(2028, 1, 9)


def test_a_later_failure_cancels_earlier_passes_of_the_same_check():
    checks = [
        *enhanced_checks(),
        failed(CheckKind.DBS, date(2026, 5, 1), dbs_type=DbsType.ENHANCED),
    ]
    assert vetting_level(checks, date(2026, 4, 30)) == VettingLevel.ENHANCED
    assert vetting_level(checks, date(2026, 5, 1)) == VettingLevel.BASIC
    # A failure before a pass does not cancel it.
    early = [*enhanced_checks(), failed(CheckKind.DBS, date(2026, 2, 1))]
    assert vetting_level(early, ON) == VettingLevel.ENHANCED


def test_a_failed_reference_cancels_only_that_referees_reference():
    checks = [
        *basic_checks(),
        passed(CheckKind.REFERENCE, date(2026, 3, 1), referee=3),
        failed(CheckKind.REFERENCE, date(2026, 4, 1), referee=1),
    ]
    assert vetting_level(checks, ON) == VettingLevel.BASIC
    checks.append(failed(CheckKind.REFERENCE, date(2026, 4, 1), referee=2))
    assert vetting_level(checks, ON) == VettingLevel.NONE


def test_checks_dated_later_do_not_count_yet():
    checks = basic_checks(date(2026, 7, 1))
    assert vetting_level(checks, ON) == VettingLevel.NONE
    assert vetting_level(checks, date(2026, 7, 1)) == VettingLevel.BASIC


def test_leap_days():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert check_expires_on(passed(CheckKind.SAFEGUARDING, date(2024, 2, 29))) == date(
        2025, 2, 27
    )


def test_identity_references_and_interview_never_lapse():
    for kind in (CheckKind.IDENTITY, CheckKind.REFERENCE, CheckKind.INTERVIEW):
        assert check_expires_on(passed(kind, date(2000, 1, 1), referee=1)) is None


def test_the_ladder_says_how_long_each_level_holds():
    checks = [
        *basic_checks(date(2025, 9, 1)),
        passed(CheckKind.SAFEGUARDING, date(2026, 1, 1)),
        dbs(date(2025, 8, 1), DbsType.ENHANCED_BARRED),
    ]
    standing = vetting_standing(checks, ON)
    assert standing.level == VettingLevel.ENHANCED_BARRED
    # Induction ends everything on 31 August 2026.
    assert standing.holds_until == {
        VettingLevel.BASIC: date(2026, 8, 31),
        VettingLevel.ENHANCED: date(2026, 8, 31),
        VettingLevel.ENHANCED_BARRED: date(2026, 8, 31),
    }
    assert level_on_from_ladder(standing.holds_until, date(2026, 9, 1)) == "none"


def test_a_level_that_never_lapses_has_no_end():
    checks = [
        passed(CheckKind.IDENTITY, ON),
        passed(CheckKind.REFERENCE, ON, referee=1),
        passed(CheckKind.REFERENCE, ON, referee=2),
    ]
    assert vetting_standing(checks, ON).holds_until == {}
    assert level_on_from_ladder({VettingLevel.BASIC: None}, NEVER) == "basic"


def test_checks_lapsing_within_thirty_days_unless_renewed():
    training = passed(CheckKind.SAFEGUARDING, date(2025, 7, 1), id=7)
    checks = [*enhanced_checks(date(2026, 3, 1)), training]
    # The safeguarding of 1 March 2026 covers it: nothing to remind about.
    assert checks_lapsing(checks, ON) == []
    alone = [c for c in checks if c.kind != CheckKind.SAFEGUARDING] + [training]
    assert checks_lapsing(alone, ON) == [(training, date(2026, 6, 30))]
    assert checks_lapsing(alone, date(2026, 5, 31)) == []  # 31 days before
    assert checks_lapsing(alone, date(2026, 6, 1)) == [(training, date(2026, 6, 30))]
    assert checks_lapsing(alone, date(2026, 7, 1)) == []  # already lapsed


def test_what_is_missing_for_a_level():
    assert missing_for([], ON, VettingLevel.BASIC) == [
        "identity",
        "reference",
        "reference",
        "induction",
    ]
    assert missing_for(basic_checks(), ON, VettingLevel.ENHANCED_BARRED) == [
        "dbs_barred",
        "safeguarding",
    ]
    assert missing_for(enhanced_checks(), ON, VettingLevel.ENHANCED_BARRED) == [
        "dbs_barred"
    ]
    assert missing_for(enhanced_checks(), ON, VettingLevel.ENHANCED) == []


# --- properties over random checks ----------------------------------------------------

START, END = date(2020, 1, 1), date(2030, 12, 31)
days = st.dates(min_value=START, max_value=END)


@st.composite
def a_check(draw, passed_only=None):
    kind = draw(st.sampled_from(CheckKind.values))
    checked_on = draw(days)
    is_passed = draw(st.booleans()) if passed_only is None else passed_only
    extra = {}
    if kind == CheckKind.REFERENCE:
        extra["referee"] = draw(st.sampled_from([None, 1, 2, 3]))
    if kind == CheckKind.DBS:
        issued = draw(st.dates(min_value=START, max_value=checked_on))
        extra.update(
            dbs_type=draw(st.sampled_from(DbsType.values)),
            dbs_issued_on=issued,
            update_service=draw(st.booleans()),
            status_checks=tuple(
                draw(
                    st.lists(
                        st.builds(
                            StatusCheckFacts,
                            checked_on=st.dates(min_value=issued, max_value=END),
                            current=st.booleans(),
                        ),
                        max_size=3,
                    )
                )
            ),
        )
    return CheckFacts(kind=kind, passed=is_passed, checked_on=checked_on, **extra)


@st.composite
def a_vetted_helper(draw):
    """Random checks that often reach a level: the basic ones first."""
    base_day = draw(days)
    base = []
    if draw(st.booleans()):
        base = basic_checks(base_day)
        if draw(st.booleans()):
            base += [
                dbs(base_day, draw(st.sampled_from(DbsType.values))),
                passed(CheckKind.SAFEGUARDING, base_day),
            ]
    return base + draw(st.lists(a_check(), max_size=8))


checks_strategy = a_vetted_helper()


@settings(max_examples=300, deadline=None)
@given(checks=checks_strategy, extra=a_check(passed_only=True), on=days)
def test_adding_a_passing_check_never_lowers_the_level(checks, extra, on):
    before = vetting_level(checks, on)
    assert level_at_least(vetting_level([*checks, extra], on), before)


@settings(max_examples=300, deadline=None)
@given(checks=checks_strategy, extra=a_check(passed_only=False), on=days)
def test_adding_a_failed_check_never_raises_the_level(checks, extra, on):
    before = vetting_level(checks, on)
    assert level_at_least(before, vetting_level([*checks, extra], on))


@settings(max_examples=300, deadline=None)
@given(checks=checks_strategy, on=days)
def test_a_level_never_counts_a_lapsed_check(checks, on):
    level = vetting_level(checks, on)
    live = [
        c
        for c in checks
        if not c.passed
        or (
            c.checked_on <= on
            and (check_expires_on(c, on) is None or on <= check_expires_on(c, on))
        )
    ]
    assert vetting_level(live, on) == level
    counting = [c for c in checks if check_counts(c, on, checks)]
    kinds = {c.kind for c in counting}
    if level_at_least(level, VettingLevel.BASIC):
        assert {CheckKind.IDENTITY, CheckKind.INDUCTION} <= kinds
    if level_at_least(level, VettingLevel.ENHANCED):
        assert {CheckKind.DBS, CheckKind.SAFEGUARDING} <= kinds
    if level == VettingLevel.ENHANCED_BARRED:
        assert any(c.dbs_type == DbsType.ENHANCED_BARRED for c in counting)


@settings(max_examples=200, deadline=None)
@given(checks=checks_strategy, on=days)
def test_only_checks_made_by_the_day_matter(checks, on):
    known = []
    for c in checks:
        if c.checked_on > on:
            continue
        statuses = tuple(s for s in c.status_checks if s.checked_on <= on)
        known.append(CheckFacts(**{**c.__dict__, "status_checks": statuses}))
    assert vetting_level(known, on) == vetting_level(checks, on)


def _latest_day(checks):
    latest = START
    for c in checks:
        latest = max(latest, c.checked_on, *(s.checked_on for s in c.status_checks))
    return latest


@settings(max_examples=200, deadline=None)
@given(checks=checks_strategy, later=st.integers(0, 3000), gap=st.integers(0, 3000))
def test_with_no_new_checks_the_level_never_rises(checks, later, gap):
    first = _latest_day(checks) + timedelta(days=later)
    second = first + timedelta(days=gap)
    assert level_at_least(vetting_level(checks, first), vetting_level(checks, second))


@settings(max_examples=200, deadline=None)
@given(checks=checks_strategy, on=days, fraction=st.floats(0, 1))
def test_level_expires_on_is_the_last_day_of_the_level(checks, on, fraction):
    level = vetting_level(checks, on)
    until = level_expires_on(checks, on)
    if level == VettingLevel.NONE:
        assert until is None
        return
    if until is None:
        far = on + timedelta(days=int(fraction * 4000))
        assert level_at_least(vetting_level(checks, far), level)
        return
    assert until >= on
    inside = on + timedelta(days=int((until - on).days * fraction))
    assert level_at_least(vetting_level(checks, inside), level)
    assert level_at_least(vetting_level(checks, until), level)
    assert not level_at_least(vetting_level(checks, until + DAY), level)


@settings(max_examples=200, deadline=None)
@given(checks=checks_strategy, later=st.integers(0, 2000), gap=st.integers(0, 2000))
def test_the_stored_ladder_gives_the_level_on_any_later_day(checks, later, gap):
    """What the database stores is enough to filter by level on any later day,
    including the day a check lapses, without working it out again."""
    computed_on = _latest_day(checks) + timedelta(days=later)
    day = computed_on + timedelta(days=gap)
    ladder = vetting_standing(checks, computed_on).holds_until
    assert level_on_from_ladder(ladder, day) == vetting_level(checks, day)


@settings(max_examples=200, deadline=None)
@given(checks=checks_strategy, on=days)
def test_lapsing_checks_count_now_and_lapse_soon(checks, on):
    for check, expires in checks_lapsing(checks, on):
        assert check_counts(check, on, checks)
        assert on <= expires < on + timedelta(days=30)
        assert not check_counts(check, expires + DAY, checks)


@settings(max_examples=200, deadline=None)
@given(checks=checks_strategy, on=days)
def test_nothing_is_missing_exactly_when_the_level_is_reached(checks, on):
    level = vetting_level(checks, on)
    for wanted in LEVELS[1:]:
        assert (missing_for(checks, on, wanted) == []) == level_at_least(level, wanted)


def test_the_order_of_checks_does_not_matter():
    checks = [*enhanced_checks(), failed(CheckKind.REFERENCE, ON, referee=1)]
    assert vetting_level(checks, ON) == vetting_level(list(reversed(checks)), ON)
