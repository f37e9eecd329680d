"""The counting rules, by hand and against pabutools on random elections.

pabutools is a test dependency only (ADR 0002): it is the reference
implementation of the Method of Equal Shares and its completions.
"""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kith.budgeting.counting import (
    APPROVAL,
    EARLIER_SUBMISSION,
    KNAPSACK,
    LOWER_COST,
    PUBLIC_DRAW,
    SPOILT_EMPTY,
    SPOILT_OVER_BUDGET,
    SPOILT_REPEATED,
    SPOILT_TOO_MANY,
    SPOILT_UNKNOWN,
    BallotRules,
    DrawNeeded,
    Election,
    Project,
    TieBreak,
    ballot_check,
    count_equal_shares,
    count_greedy,
)


def _election(amount, projects, ballots, draw=()):
    return Election(
        amount=amount,
        projects=tuple(Project(key, cost, i) for i, (key, cost) in enumerate(projects)),
        ballots=ballots,
        draw=tuple(draw),
    )


def test_greedy_example_from_the_issue():
    election = _election(
        1000,
        [("A", 800), ("B", 300), ("C", 200)],
        [{"A"}] * 900 + [{"B"}] * 800 + [{"C"}] * 600,
    )
    outcome = count_greedy(election)
    assert outcome.winners == ("A", "C")
    assert outcome.votes == {"A": 900, "B": 800, "C": 600}
    assert (outcome.spent, outcome.left) == (1000, 0)
    assert outcome.tie_breaks == ()


def test_greedy_tie_goes_to_the_lower_cost():
    election = _election(500, [("A", 400), ("B", 300)], [{"A"}, {"B"}])
    outcome = count_greedy(election)
    assert outcome.winners == ("B",)
    assert outcome.tie_breaks == (TieBreak("B", "A", LOWER_COST),)


def test_greedy_tie_on_cost_goes_to_the_earlier_submission():
    election = Election(
        amount=300,
        projects=(Project("late", 300, 2), Project("early", 300, 1)),
        ballots=[{"late"}, {"early"}],
    )
    outcome = count_greedy(election)
    assert outcome.winners == ("early",)
    assert outcome.tie_breaks == (TieBreak("early", "late", EARLIER_SUBMISSION),)


def test_greedy_tie_on_everything_needs_the_recorded_draw():
    projects = (Project("A", 300, 1), Project("B", 300, 1))
    ballots = [{"A"}, {"B"}]
    with pytest.raises(DrawNeeded) as raised:
        count_greedy(Election(amount=300, projects=projects, ballots=ballots))
    assert raised.value.keys == ("A", "B")

    drawn = Election(amount=300, projects=projects, ballots=ballots, draw=("B", "A"))
    outcome = count_greedy(drawn)
    assert outcome.winners == ("B",)
    assert outcome.tie_breaks == (TieBreak("B", "A", PUBLIC_DRAW),)


def test_same_cost_and_submission_but_different_votes_needs_no_draw():
    projects = (Project("A", 300, 1), Project("B", 300, 1))
    outcome = count_greedy(
        Election(amount=300, projects=projects, ballots=[{"A"}, {"A", "B"}])
    )
    assert outcome.winners == ("A",)


def test_a_project_nobody_chose_is_never_funded():
    election = _election(10_000, [("A", 100), ("B", 100)], [{"A"}])
    assert count_greedy(election).winners == ("A",)
    assert count_equal_shares(election).winners == ("A",)


def test_equal_shares_is_proportional():
    # 70 voters want the north's projects, 30 the south's; £1,000 to share.
    projects = [("N1", 300), ("N2", 300), ("N3", 300), ("S1", 300), ("S2", 300)]
    ballots = [{"N1", "N2", "N3"}] * 70 + [{"S1", "S2"}] * 30
    election = _election(1000, projects, ballots)
    assert count_greedy(election).winners == ("N1", "N2", "N3")
    outcome = count_equal_shares(election)
    # The south's 30% of voters control £300, enough for one of theirs.
    assert outcome.winners == ("N1", "N2", "S1")
    assert outcome.spent == 900
    assert outcome.share == Fraction(10)


def test_equal_shares_with_no_ballots_funds_nothing():
    outcome = count_equal_shares(_election(1000, [("A", 100)], []))
    assert outcome.winners == ()
    assert outcome.left == 1000


@pytest.mark.parametrize(
    ("choices", "reason"),
    [
        ([], SPOILT_EMPTY),
        (["A", "Z"], SPOILT_UNKNOWN),
        (["A", "A"], SPOILT_REPEATED),
        (["A", "B", "C"], SPOILT_TOO_MANY),
        (["A", "B"], None),
    ],
)
def test_approval_ballot_check(choices, reason):
    rules = BallotRules(APPROVAL, {"A": 800, "B": 300, "C": 200}, max_choices=2)
    assert ballot_check(choices, rules) == reason


@pytest.mark.parametrize(
    ("choices", "reason"),
    [
        (["A", "B"], SPOILT_OVER_BUDGET),
        (["A", "C"], None),
        (["B", "C"], None),
        ([], SPOILT_EMPTY),
    ],
)
def test_knapsack_ballot_check(choices, reason):
    rules = BallotRules(KNAPSACK, {"A": 800, "B": 300, "C": 200}, amount=1000)
    assert ballot_check(choices, rules) == reason


def test_ballot_rules_refuse_nonsense():
    with pytest.raises(ValueError, match="choose up to"):
        BallotRules(APPROVAL, {"A": 1}, max_choices=0)
    with pytest.raises(ValueError, match="amount"):
        BallotRules(KNAPSACK, {"A": 1})


def test_a_project_must_cost_something():
    with pytest.raises(ValueError, match="cost"):
        _election(100, [("A", 0)], [])


# --- against pabutools -------------------------------------------------------


def _pabutools_outcomes(election, utilities):
    from pabutools.election import (
        ApprovalBallot,
        ApprovalProfile,
        Cardinality_Sat,
        Cost_Sat,
        Instance,
    )
    from pabutools.election import Project as PabuProject
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )
    from pabutools.tiebreaking import TieBreakingRule

    votes = {p.key: 0 for p in election.projects}
    for ballot in election.ballots:
        for key in ballot:
            votes[key] += 1
    # Kith never funds a project nobody chose; pabutools' greedy would.
    chosen = [p for p in election.projects if votes[p.key]]
    pabu = {p.key: PabuProject(p.key, p.cost) for p in chosen}
    instance = Instance(pabu.values(), budget_limit=election.amount)
    profile = ApprovalProfile(
        [ApprovalBallot(pabu[key] for key in ballot) for ballot in election.ballots]
    )
    by_key = {p.key: p for p in election.projects}
    draw = {key: i for i, key in enumerate(election.draw)}
    rule = TieBreakingRule(
        lambda _i, _p, project: (
            by_key[project.name].cost,
            by_key[project.name].submitted,
            draw.get(project.name, 0),
        )
    )
    greedy = greedy_utilitarian_welfare(
        instance, profile, sat_class=Cost_Sat, tie_breaking=rule
    )
    sat = Cost_Sat if utilities == "cost" else Cardinality_Sat
    shares = completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [
            {"sat_class": sat, "voter_budget_increment": 1, "tie_breaking": rule},
            {"sat_class": Cost_Sat, "tie_breaking": rule},
        ],
    )
    return [p.name for p in greedy], [p.name for p in shares]


@st.composite
def elections(draw):
    n_projects = draw(st.integers(1, 8))
    keys = [f"P{i}" for i in range(n_projects)]
    costs = draw(st.lists(st.integers(1, 60), min_size=n_projects, max_size=n_projects))
    # Few distinct submission places, so that some ties reach the draw.
    submitted = draw(
        st.lists(st.integers(0, 2), min_size=n_projects, max_size=n_projects)
    )
    projects = tuple(
        Project(k, c, s) for k, c, s in zip(keys, costs, submitted, strict=True)
    )
    # Voters fall into camps that like different projects, as districts do,
    # so that the methods often disagree.
    camps = draw(
        st.lists(
            st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True),
            min_size=1,
            max_size=3,
        )
    )
    ballots = draw(
        st.lists(
            st.sampled_from(camps).flatmap(
                lambda camp: st.frozensets(
                    st.sampled_from(camp), min_size=1, max_size=len(camp)
                )
            ),
            max_size=40,
        )
    )
    amount = draw(st.integers(0, sum(costs)))
    order = draw(st.permutations(keys))
    return Election(
        amount=amount, projects=projects, ballots=ballots, draw=tuple(order)
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.sampled_from(["cost", "approval"]))
def test_both_methods_match_pabutools(election, utilities):
    greedy, shares = _pabutools_outcomes(election, utilities)
    assert list(count_greedy(election).winners) == greedy
    outcome = count_equal_shares(election, utilities=utilities)
    assert list(outcome.winners) == shares
    assert outcome.spent <= election.amount
    event(f"equal shares differs from greedy: {set(shares) != set(greedy)}")
    event(f"tie broken: {bool(outcome.tie_breaks)}")
