"""The introductions' scoring rules: hand-made cases, then properties that
hold for any members (hypothesis)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kith.social.scoring import (
    FREE_TIMES,
    Member,
    Policy,
    Reason,
    interest_counts,
    pair_score,
    rarity_weights,
    suggest,
)

HERE = (51.49, -0.09)


def person(pk, interests=(1,), *, at=HERE, free=(), needs=(), consents=True):
    return Member(
        id=pk,
        latitude=at[0],
        longitude=at[1],
        interests=frozenset(interests),
        free_times=frozenset(free),
        needs=frozenset(needs),
        consents=consents,
    )


def test_a_rare_shared_interest_counts_for_more_than_a_common_one():
    # Interest 1 (cards) is held by everyone; interest 2 (birdwatching) by two.
    crowd = [person(pk, [1]) for pk in range(10, 30)]
    a, b = person(1, [1]), person(2, [1])
    c, d = person(3, [2]), person(4, [2])
    weights = rarity_weights([*crowd, a, b, c, d])
    common = pair_score(a, b, weights=weights)
    rare = pair_score(c, d, weights=weights)
    assert common is not None and rare is not None
    assert rare.score > common.score


def test_nearer_and_free_at_the_same_time_scores_higher():
    weights = {1: 1.0}
    far = pair_score(person(1), person(2, at=(51.5, -0.09)), weights=weights)
    near = pair_score(person(1), person(2, at=(51.4905, -0.09)), weights=weights)
    free = pair_score(
        person(1, free=["tue_morning"]),
        person(2, at=(51.4905, -0.09), free=["tue_morning"]),
        weights=weights,
    )
    assert far.score < near.score < free.score
    assert Reason("free", ("tue_morning",)) in free.reasons


def test_who_may_not_be_suggested():
    weights = {1: 1.0, 2: 1.0}
    assert pair_score(person(1), person(1), weights=weights) is None
    assert pair_score(person(1), person(2, consents=False), weights=weights) is None
    assert pair_score(person(1, [1]), person(2, [2]), weights=weights) is None
    # About 5.5 km apart: further than the 2 km people are asked to go.
    assert pair_score(person(1), person(2, at=(51.54, -0.09)), weights=weights) is None
    # Both said when they are free, and never at the same time.
    assert (
        pair_score(
            person(1, free=["mon_morning"]),
            person(2, free=["fri_evening"]),
            weights=weights,
        )
        is None
    )
    # One has not said: not a reason to leave them out.
    assert pair_score(person(1, free=["mon_morning"]), person(2), weights=weights)


def test_needs_that_make_meeting_harder_lower_the_score_and_say_why():
    weights = {1: 1.0}
    plain = pair_score(person(1), person(2), weights=weights)
    hearing = pair_score(
        person(1, needs=["hearing"]), person(2, needs=["hearing"]), weights=weights
    )
    one_side = pair_score(person(1, needs=["hearing"]), person(2), weights=weights)
    walking = pair_score(
        person(1, needs=["mobility"]), person(2, needs=["mobility"]), weights=weights
    )
    assert hearing.score == pytest.approx(plain.score * Policy().needs_factor)
    assert Reason("quiet") in hearing.reasons
    assert Reason("helper") in walking.reasons
    assert one_side.score == plain.score and Reason("quiet") not in one_side.reasons


def test_suggest_gives_each_member_their_best_few_and_skips_pairs_seen_before():
    members = [person(pk, [1, 2] if pk < 3 else [1]) for pk in range(1, 8)]
    found = suggest(members, policy=Policy(per_member=1))
    pairs = {(s.first, s.second) for s in found}
    assert (1, 2) in pairs  # they share the rarer interest too
    again = suggest(members, policy=Policy(per_member=1), exclude=[(2, 1)])
    assert (1, 2) not in {(s.first, s.second) for s in again}


# --- properties ---------------------------------------------------------------

points = st.tuples(
    st.floats(min_value=51.48, max_value=51.50),
    st.floats(min_value=-0.1, max_value=-0.08),
)
members_strategy = st.lists(
    st.builds(
        lambda pk, interests, at, free, needs, consents: person(
            pk, interests, at=at, free=free, needs=needs, consents=consents
        ),
        pk=st.integers(min_value=1, max_value=40),
        interests=st.sets(st.integers(min_value=1, max_value=5), max_size=3),
        at=points,
        free=st.sets(st.sampled_from(FREE_TIMES[:6]), max_size=3),
        needs=st.sets(st.sampled_from(["hearing", "sight", "mobility"]), max_size=2),
        consents=st.booleans(),
    ),
    max_size=25,
    unique_by=lambda m: m.id,
)


@settings(max_examples=150, deadline=None)
@given(members_strategy)
def test_pair_score_is_the_same_either_way_round(members):
    weights = rarity_weights(members)
    for a in members:
        for b in members:
            assert pair_score(a, b, weights=weights) == pair_score(
                b, a, weights=weights
            )


@settings(max_examples=150, deadline=None)
@given(members_strategy, st.integers(min_value=1, max_value=4))
def test_suggestions_respect_consent_and_never_pair_anyone_with_themselves(
    members, per_member
):
    by_id = {m.id: m for m in members}
    weights = rarity_weights(members)
    found = suggest(members, policy=Policy(per_member=per_member))
    seen = set()
    for s in found:
        assert s.first < s.second
        assert (s.first, s.second) not in seen
        seen.add((s.first, s.second))
        assert by_id[s.first].consents and by_id[s.second].consents
        assert s == pair_score(
            by_id[s.first],
            by_id[s.second],
            weights=weights,
            counts=interest_counts(members),
        )


@settings(max_examples=100, deadline=None)
@given(members_strategy)
def test_every_member_who_could_be_suggested_gets_a_suggestion(members):
    weights = rarity_weights(members)
    found = suggest(members, policy=Policy(per_member=1))
    suggested = {s.first for s in found} | {s.second for s in found}
    for a in members:
        possible = [b for b in members if pair_score(a, b, weights=weights) is not None]
        assert (a.id in suggested) == bool(possible)
