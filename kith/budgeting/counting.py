"""Counting a participatory budgeting heading: pure functions over plain data.

No database and no Django here: the counting service turns a round's
heading into an :class:`Election` and stores what comes back. Money is whole
pounds (ints); the Method of Equal Shares works in exact fractions, so a
count gives the same answer on every machine and matches the reference
implementation (pabutools) exactly. ADR 0027 records the choices.

Two methods, fixed before voting opens and published with the round:

- **Greedy by votes** (:func:`count_greedy`): projects in order of votes,
  each funded if it still fits in what is left, skipping those that do not.
- **The Method of Equal Shares** (:func:`count_equal_shares`): the heading's
  amount is split equally between the voters; a project is funded when its
  supporters can pay for it between them, choosing each time the project
  whose supporters pay the least per pound of project (cost utilities, the
  default on equalshares.net). When money is left over it is completed as
  pabutools and equalshares.net do: "add1" (each voter's share raised by
  £1 at a time, counting again, while the result still fits the real amount
  and is not yet exhaustive), then greedy by votes for what is still left.

Ties, in either method, are broken by the published rule: the lower cost,
then the earlier submission, then the order of a public draw recorded before
the count (:attr:`Election.draw`). A tie that reaches the draw when no draw
was recorded raises :class:`DrawNeeded`; it is never settled silently.

A project that nobody chose is never funded, whatever money is left.

Knapsack ballots count as approval of the projects chosen (pabutools and
pabulib treat them so); the budget limit only decides whether a ballot is
valid (:func:`ballot_check`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise

import numpy as np

GREEDY = "greedy"
EQUAL_SHARES = "equal_shares"

APPROVAL = "approval"
KNAPSACK = "knapsack"

# Why a tie went one way (TieBreak.rule).
LOWER_COST = "lower_cost"
EARLIER_SUBMISSION = "earlier_submission"
PUBLIC_DRAW = "public_draw"

# Why a ballot is spoiled (ballot_check).
SPOILT_EMPTY = "empty"
SPOILT_UNKNOWN = "unknown_project"
SPOILT_REPEATED = "repeated_project"
SPOILT_TOO_MANY = "too_many"
SPOILT_OVER_BUDGET = "over_budget"


class DrawNeeded(Exception):
    """Two projects tie on votes, cost and submission and no draw covers them."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        super().__init__(
            "A public draw is needed between projects " + ", ".join(self.keys)
        )


@dataclass(frozen=True)
class Project:
    """A project on a heading's ballot.

    ``submitted`` is its place in the order of submission (smaller is
    earlier); ``cost`` is in whole pounds and more than nothing.
    """

    key: str
    cost: int
    submitted: int


@dataclass(frozen=True)
class Election:
    """One heading's count: its amount, its projects and the valid ballots.

    Each ballot is the collection of project keys a voter chose (spoiled
    ballots are left out before counting). ``draw`` is the order of the
    public draw, earliest first; it may leave projects out if they never
    tie.
    """

    amount: int
    projects: tuple[Project, ...]
    ballots: Sequence[Collection[str]]
    draw: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("The amount cannot be negative.")
        keys = [p.key for p in self.projects]
        if len(set(keys)) != len(keys):
            raise ValueError("Project keys must be unique.")
        for project in self.projects:
            if project.cost <= 0:
                raise ValueError(f"Project {project.key} must cost something.")


@dataclass(frozen=True)
class TieBreak:
    """Two projects that tied, and the rule that put ``first`` before ``second``."""

    first: str
    second: str
    rule: str


@dataclass(frozen=True)
class Outcome:
    """What a count decided.

    ``winners`` are in the order they were funded. For the Method of Equal
    Shares, ``share`` is each voter's share of the amount in the run whose
    result was kept (after "add1"), and ``completed`` lists the winners that
    the greedy completion added.
    """

    method: str
    amount: int
    votes: Mapping[str, int]
    winners: tuple[str, ...]
    tie_breaks: tuple[TieBreak, ...]
    share: Fraction | None = None
    completed: tuple[str, ...] = ()
    costs: Mapping[str, int] = field(default_factory=dict)

    @property
    def spent(self) -> int:
        return sum(self.costs[key] for key in self.winners)

    @property
    def left(self) -> int:
        return self.amount - self.spent


# --- ballots ---------------------------------------------------------------


@dataclass(frozen=True)
class BallotRules:
    """What makes a ballot valid for one heading.

    Approval: choose at least one and at most ``max_choices`` projects.
    Knapsack: choose at least one, costing no more than ``amount`` in all.
    """

    ballot_type: str
    costs: Mapping[str, int]
    max_choices: int | None = None
    amount: int | None = None

    def __post_init__(self) -> None:
        if self.ballot_type == APPROVAL and (
            self.max_choices is None or self.max_choices < 1
        ):
            raise ValueError("An approval ballot needs a number to choose up to.")
        if self.ballot_type == KNAPSACK and self.amount is None:
            raise ValueError("A knapsack ballot needs the heading's amount.")
        if self.ballot_type not in (APPROVAL, KNAPSACK):
            raise ValueError(f"Unknown ballot type {self.ballot_type!r}.")


def ballot_check(choices: Sequence[str], rules: BallotRules) -> str | None:
    """Why a ballot with these ``choices`` is spoiled, or None if it is valid.

    The reason is one of the ``SPOILT_*`` codes. A ballot that breaks the
    rules is spoiled, never corrected: a paper with too many ticks is not
    trimmed to the first ones.
    """
    if not choices:
        return SPOILT_EMPTY
    if any(key not in rules.costs for key in choices):
        return SPOILT_UNKNOWN
    if len(set(choices)) != len(choices):
        return SPOILT_REPEATED
    if rules.ballot_type == APPROVAL:
        if len(choices) > (rules.max_choices or 0):
            return SPOILT_TOO_MANY
    else:
        if sum(rules.costs[key] for key in choices) > (rules.amount or 0):
            return SPOILT_OVER_BUDGET
    return None


# --- ties ------------------------------------------------------------------


class _TieOrder:
    """The published tie-break as a total order over an election's projects."""

    def __init__(self, election: Election) -> None:
        self.by_key = {p.key: p for p in election.projects}
        self.draw = {key: i for i, key in enumerate(election.draw)}

    def key(self, key: str) -> tuple[int, int]:
        project = self.by_key[key]
        return (project.cost, project.submitted)

    def ordered(
        self, keys: Iterable[str], score: Mapping[str, int] | None = None
    ) -> list[str]:
        """``keys`` by ``score`` (highest first) and then the tie-break.

        Raises DrawNeeded if two keys tie on score, cost and submission and
        the draw does not order them both.
        """
        score = score or {}

        def full(key: str) -> tuple[int, int, int]:
            return (-score.get(key, 0), *self.key(key))

        keys = list(keys)
        groups: dict[tuple[int, int, int], list[str]] = {}
        for key in keys:
            groups.setdefault(full(key), []).append(key)
        for group in groups.values():
            if len(group) > 1 and any(key not in self.draw for key in group):
                raise DrawNeeded(sorted(group))
        return sorted(keys, key=lambda k: (*full(k), self.draw.get(k, 0)))

    def rule(self, first: str, second: str) -> str:
        a, b = self.by_key[first], self.by_key[second]
        if a.cost != b.cost:
            return LOWER_COST
        if a.submitted != b.submitted:
            return EARLIER_SUBMISSION
        return PUBLIC_DRAW


def _tally(election: Election) -> dict[str, int]:
    votes = {p.key: 0 for p in election.projects}
    for ballot in election.ballots:
        for key in ballot:
            votes[key] += 1
    return votes


# --- greedy ----------------------------------------------------------------


def _greedy_fill(
    election: Election,
    votes: Mapping[str, int],
    ties: _TieOrder,
    *,
    already: Sequence[str] = (),
) -> tuple[list[str], list[TieBreak]]:
    """Fund projects by votes while they fit, after ``already``; ties recorded."""
    candidates = [
        p.key for p in election.projects if votes[p.key] > 0 and p.key not in already
    ]
    order = ties.ordered(candidates, votes)
    tie_breaks = [
        TieBreak(a, b, ties.rule(a, b))
        for a, b in pairwise(order)
        if votes[a] == votes[b]
    ]
    left = election.amount - sum(ties.by_key[k].cost for k in already)
    funded = []
    for key in order:
        cost = ties.by_key[key].cost
        if cost <= left:
            funded.append(key)
            left -= cost
    return funded, tie_breaks


def count_greedy(election: Election) -> Outcome:
    """Greedy by votes: most votes first, each funded if it still fits.

    Raises DrawNeeded if projects tie on votes, cost and submission and the
    election's draw does not order them.
    """
    ties = _TieOrder(election)
    votes = _tally(election)
    funded, tie_breaks = _greedy_fill(election, votes, ties)
    return Outcome(
        method=GREEDY,
        amount=election.amount,
        votes=votes,
        winners=tuple(funded),
        tie_breaks=tuple(tie_breaks),
        costs={p.key: p.cost for p in election.projects},
    )


# --- the Method of Equal Shares --------------------------------------------


class _Shares:
    """One run of the Method of Equal Shares with a fixed share per voter.

    Voters with the same money left are kept as one class: ``voter_class``
    maps each voter to a class and ``money`` holds each class's exact money
    per voter, so working out what a project costs its supporters touches
    the classes, not the 100,000 voters. Class 0 is "no money left".
    """

    def __init__(
        self,
        *,
        supporters: Mapping[str, np.ndarray],
        costs: Mapping[str, int],
        utility: Mapping[str, int],
        n_voters: int,
        ties: _TieOrder,
    ) -> None:
        self.supporters = supporters
        self.costs = costs
        self.utility = utility
        self.n_voters = n_voters
        self.ties = ties

    def run(self, share: Fraction) -> tuple[list[str], list[TieBreak]]:
        money: list[Fraction] = [Fraction(0), share]
        class_of_money: dict[Fraction, int] = {Fraction(0): 0, share: 1}
        voter_class = np.ones(self.n_voters, dtype=np.int64)
        # A lower bound on each project's price per unit of utility: it only
        # rises as voters spend, so the search below may stop early.
        bound: dict[str, Fraction] = {
            key: Fraction(self.costs[key], len(sup) * self.utility[key])
            for key, sup in self.supporters.items()
        }
        winners: list[str] = []
        tie_breaks: list[TieBreak] = []
        while bound:
            best: Fraction | None = None
            tied: list[str] = []
            for key in sorted(bound, key=bound.__getitem__):
                if best is not None and bound[key] > best:
                    break
                price = self._price(key, money, voter_class)
                if price is None:
                    del bound[key]
                    continue
                bound[key] = price
                if best is None or price < best:
                    best, tied = price, [key]
                elif price == best:
                    tied.append(key)
            if best is None:
                break
            if len(tied) > 1:
                tied = self.ties.ordered(tied)
                tie_breaks.append(
                    TieBreak(tied[0], tied[1], self.ties.rule(tied[0], tied[1]))
                )
            chosen = tied[0]
            winners.append(chosen)
            del bound[chosen]
            self._pay(chosen, best, money, class_of_money, voter_class)
        return winners, tie_breaks

    def _classes(
        self, key: str, money: list[Fraction], voter_class: np.ndarray
    ) -> list[tuple[Fraction, int]]:
        """(money per voter, number of supporters) for the supporters with money."""
        counts = np.bincount(voter_class[self.supporters[key]], minlength=len(money))
        return [(money[c], int(counts[c])) for c in np.flatnonzero(counts) if c != 0]

    def _price(
        self, key: str, money: list[Fraction], voter_class: np.ndarray
    ) -> Fraction | None:
        """The least price per unit of utility at which the supporters can pay.

        Each supporter pays the price times their utility, or all their money
        if they have less. None if they cannot pay for it between them.
        """
        cost = self.costs[key]
        utility = self.utility[key]
        classes = sorted(self._classes(key, money, voter_class))
        if sum(m * n for m, n in classes) < cost:
            return None
        paid = Fraction(0)
        weight = utility * sum(n for _m, n in classes)
        for m, n in classes:
            price = (cost - paid) / weight
            if price * utility <= m:
                return price
            paid += m * n
            weight -= n * utility
        raise AssertionError("unreachable: the supporters have enough money")

    def _pay(
        self,
        key: str,
        price: Fraction,
        money: list[Fraction],
        class_of_money: dict[Fraction, int],
        voter_class: np.ndarray,
    ) -> None:
        supporters = self.supporters[key]
        payment = price * self.utility[key]
        current = voter_class[supporters]
        moved = np.arange(len(money), dtype=np.int64)
        for c in np.unique(current):
            left = money[c] - min(money[c], payment)
            new = class_of_money.get(left)
            if new is None:
                new = len(money)
                money.append(left)
                class_of_money[left] = new
                moved = np.append(moved, new)
            moved[c] = new
        voter_class[supporters] = moved[current]


def count_equal_shares(
    election: Election, *, utilities: str = "cost", increment: int = 1
) -> Outcome:
    """The Method of Equal Shares with "add1" and then greedy completion.

    ``utilities`` is ``"cost"`` (a supporter's utility from a project is its
    cost: pabutools' ``Cost_Sat``, the equalshares.net default) or
    ``"approval"`` (one for each project chosen: ``Cardinality_Sat``).
    ``increment`` is how many pounds each voter's share rises by in each
    "add1" step.

    The result is the same as pabutools'::

        completion_by_rule_combination(
            instance, profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "voter_budget_increment": 1,
              "tie_breaking": rule},
             {"sat_class": Cost_Sat, "tie_breaking": rule}],
        )

    over the projects that got at least one vote, with ``rule`` the
    published tie-break. Raises DrawNeeded as :func:`count_greedy` does.
    """
    if utilities not in ("cost", "approval"):
        raise ValueError(f"Unknown utilities {utilities!r}.")
    ties = _TieOrder(election)
    votes = _tally(election)
    costs = {p.key: p.cost for p in election.projects}
    n_voters = len(election.ballots)
    index = {p.key: i for i, p in enumerate(election.projects)}
    lists: list[list[int]] = [[] for _ in election.projects]
    for voter, ballot in enumerate(election.ballots):
        for key in ballot:
            lists[index[key]].append(voter)
    supporters = {
        p.key: np.array(lists[index[p.key]], dtype=np.int64)
        for p in election.projects
        if votes[p.key] > 0
    }
    utility = {key: (costs[key] if utilities == "cost" else 1) for key in supporters}
    shares = _Shares(
        supporters=supporters,
        costs=costs,
        utility=utility,
        n_voters=n_voters,
        ties=ties,
    )

    winners: list[str] = []
    tie_breaks: list[TieBreak] = []
    share: Fraction | None = None
    if n_voters:
        share = Fraction(election.amount, n_voters)
        kept: tuple[list[str], list[TieBreak], Fraction] = ([], [], share)
        while True:
            run, run_ties = shares.run(share)
            spent = sum(costs[key] for key in run)
            if spent > election.amount:
                break
            kept = (run, run_ties, share)
            if all(
                key in run or spent + costs[key] > election.amount for key in supporters
            ):
                break
            share += increment
        winners, tie_breaks, share = list(kept[0]), list(kept[1]), kept[2]

    completed, fill_ties = _greedy_fill(election, votes, ties, already=winners)
    return Outcome(
        method=EQUAL_SHARES,
        amount=election.amount,
        votes=votes,
        winners=(*winners, *completed),
        tie_breaks=(*tie_breaks, *fill_ties),
        share=share,
        completed=tuple(completed),
        costs=costs,
    )
