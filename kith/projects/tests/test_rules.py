"""The funding rules: caps, the two funding models at 99% and 100% of the
target, and when pledges are refused."""

from datetime import date

from kith.projects import rules


def test_a_fund_capped_at_10000_and_half_may_give_7500_to_a_15000_project():
    assert (
        rules.fund_allowance(
            target_pence=1_500_000, cap_pence=1_000_000, cap_percent=50
        )
        == 750_000
    )
    assert (
        rules.fund_refusal(
            amount_pence=750_000,
            target_pence=1_500_000,
            cap_pence=1_000_000,
            cap_percent=50,
        )
        is None
    )
    refused = rules.fund_refusal(
        amount_pence=800_000,
        target_pence=1_500_000,
        cap_pence=1_000_000,
        cap_percent=50,
    )
    assert refused == (
        "£8,000 is more than the fund may pledge (£7,500). The fund gives at most "
        "50% of a project's target, which is £7,500 for this project."
    )


def test_on_a_large_project_the_amount_cap_is_the_limit():
    refused = rules.fund_refusal(
        amount_pence=1_000_001,
        target_pence=5_000_000,
        cap_pence=1_000_000,
        cap_percent=50,
    )
    assert refused is not None and "at most £10,000 to one project" in refused


def test_what_a_fund_already_pledged_counts_against_its_caps():
    assert (
        rules.fund_allowance(
            target_pence=1_500_000,
            cap_pence=1_000_000,
            cap_percent=50,
            already_pence=500_000,
        )
        == 250_000
    )
    refused = rules.fund_refusal(
        amount_pence=250_001,
        target_pence=1_500_000,
        cap_pence=1_000_000,
        cap_percent=50,
        already_pence=500_000,
    )
    assert refused is not None and "already pledged £5,000" in refused


def test_all_or_nothing_at_99_percent_releases_everything():
    outcome = rules.funding_outcome(
        funding_model=rules.ALL_OR_NOTHING,
        target_pence=100_000,
        pledges=[rules.PledgeLine(60_000), rules.PledgeLine(39_000)],
    )
    assert not outcome.reached and outcome.released == (0, 1)
    assert rules.percent_of_target(99_999, 100_000) == 99


def test_all_or_nothing_at_100_percent_keeps_everything():
    outcome = rules.funding_outcome(
        funding_model=rules.ALL_OR_NOTHING,
        target_pence=100_000,
        pledges=[rules.PledgeLine(60_000), rules.PledgeLine(40_000)],
    )
    assert outcome.reached and outcome.released == ()


def test_keep_what_you_raise_at_99_percent_releases_only_partners_who_asked():
    outcome = rules.funding_outcome(
        funding_model=rules.KEEP,
        target_pence=100_000,
        pledges=[
            rules.PledgeLine(60_000),
            rules.PledgeLine(39_000, release_if_missed=True),
        ],
    )
    assert not outcome.reached and outcome.released == (1,)


def test_keep_what_you_raise_at_100_percent_releases_nothing():
    outcome = rules.funding_outcome(
        funding_model=rules.KEEP,
        target_pence=100_000,
        pledges=[rules.PledgeLine(100_000, release_if_missed=True)],
    )
    assert outcome.reached and outcome.released == ()


def test_pledges_are_refused_when_closed_or_after_the_deadline():
    deadline = date(2026, 6, 30)
    assert (
        rules.pledge_refusal(status="published", deadline=deadline, today=deadline)
        is None
    )
    late = rules.pledge_refusal(
        status="published", deadline=deadline, today=date(2026, 7, 1)
    )
    assert late == "This project stopped taking pledges on 30 June 2026."
    closed = rules.pledge_refusal(status="closed", deadline=deadline, today=deadline)
    assert closed == "This project is not taking pledges: it is not open."
