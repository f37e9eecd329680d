"""Each rule of the matching engine on a small problem whose answer is known."""

from dataclasses import replace
from typing import Any

import pytest

from kith.matching.engine import (
    Plan,
    UnmatchedReason,
    Vetting,
    candidate_pairs,
    solve,
)
from kith.matching.tests.builders import LAT, at, helper, problem, request


def pairs_of(plan: Plan) -> dict[str, str]:
    return {a.request_id: a.helper_id for a in plan.assignments}


def reasons_of(plan: Plan) -> dict[str, UnmatchedReason]:
    return {u.request_id: u.reason for u in plan.unmatched}


# --- Each rule ----------------------------------------------------------------


def test_a_helper_with_the_skill_is_matched():
    plan = solve(problem([request(skill="gardening")], [helper(skills=("gardening",))]))

    assert pairs_of(plan) == {"r1": "h1"}
    assert plan.unmatched == ()


def test_a_helper_without_the_skill_is_not():
    plan = solve(problem([request(skill="gardening")], [helper(skills=("shopping",))]))

    assert plan.assignments == ()
    assert reasons_of(plan) == {"r1": UnmatchedReason.NO_SKILL}
    assert plan.unmatched[0].text == "No helper does gardening."


@pytest.mark.parametrize(
    ("needed", "has", "allowed"),
    [
        (Vetting.BASIC, Vetting.NONE, False),
        (Vetting.BASIC, Vetting.BASIC, True),
        (Vetting.ENHANCED, Vetting.BASIC, False),
        (Vetting.ENHANCED, Vetting.ENHANCED, True),
        (Vetting.ENHANCED, Vetting.ENHANCED_BARRED, True),
        (Vetting.ENHANCED_BARRED, Vetting.ENHANCED, False),
        (Vetting.ENHANCED_BARRED, Vetting.ENHANCED_BARRED, True),
    ],
)
def test_vetting_must_be_at_least_the_level_needed(needed, has, allowed):
    plan = solve(problem([request(vetting=needed)], [helper(vetting=has)]))

    assert plan.matched == int(allowed)
    if not allowed:
        assert reasons_of(plan) == {"r1": UnmatchedReason.VETTING}


def test_distance_must_be_within_the_helpers_reach():
    near = solve(problem([request()], [helper(km=2.0, max_km=2.1)]))
    far = solve(problem([request()], [helper(km=2.0, max_km=1.9)]))

    assert near.matched == 1
    assert near.assignments[0].distance_m == 2000
    assert far.matched == 0
    assert reasons_of(far) == {"r1": UnmatchedReason.DISTANCE}


def test_distance_is_the_haversine_on_an_earth_of_6371_0088_km():
    # One degree of latitude: pi / 180 * 6371.0088 km = 111,195.08 m.
    one_degree = replace(helper(max_km=200.0), lat=LAT + 1)
    plan = solve(problem([request()], [one_degree]))

    assert plan.assignments[0].distance_m == 111_195


@pytest.mark.parametrize(
    ("free_from", "free_to", "allowed"),
    [
        (at(9), at(10), True),  # exactly the 60 minutes
        (at(9), at(9, 59), False),  # a minute short
        (at(16), at(20), True),  # overlaps the window's last hour
        (at(16, 30), at(20), False),  # only 30 minutes inside the window
        (at(6), at(9, 30), False),  # ends 30 minutes into the window
        (at(9, day=2), at(17, day=2), False),  # the next day
    ],
)
def test_a_free_interval_must_overlap_the_window_by_the_minutes(
    free_from, free_to, allowed
):
    plan = solve(
        problem(
            [request(earliest=at(9), latest=at(17), minutes=60)],
            [helper(available=((free_from, free_to),))],
        )
    )

    assert plan.matched == int(allowed)
    if not allowed:
        assert reasons_of(plan) == {"r1": UnmatchedReason.WINDOW}


def test_any_one_interval_may_do():
    free = ((at(9), at(9, 30)), (at(12), at(13)), (at(15), at(15, 20)))
    plan = solve(problem([request(minutes=60)], [helper(available=free)]))

    assert plan.matched == 1


def test_a_helper_who_declined_is_not_asked_again():
    plan = solve(problem([request("r1")], [helper(declined=("r1",))]))

    assert plan.matched == 0
    assert reasons_of(plan) == {"r1": UnmatchedReason.DECLINED}


def test_a_helper_takes_at_most_their_capacity():
    requests = [request(f"r{i}", member=f"m{i}") for i in range(3)]
    plan = solve(problem(requests, [helper(capacity=2)]))

    assert plan.matched == 2
    assert list(reasons_of(plan).values()) == [UnmatchedReason.FULL]


def test_a_helper_with_no_capacity_takes_nothing():
    plan = solve(problem([request()], [helper(capacity=0)]))

    assert plan.matched == 0
    assert reasons_of(plan) == {"r1": UnmatchedReason.NO_CAPACITY}


def test_priority_beats_cost():
    near_but_minor = request("minor", member="m1", km=1.0, priority=1)
    far_but_urgent = request("urgent", member="m2", km=-2.5, priority=3)
    plan = solve(problem([near_but_minor, far_but_urgent], [helper(km=1.0, max_km=4)]))

    assert pairs_of(plan) == {"urgent": "h1"}
    assert plan.priority == 3


def test_more_requests_of_lower_priority_can_beat_one_of_higher():
    # Two of priority 2 (4) beat one of priority 3 when the helper takes two.
    requests = [
        request("a", member="a", priority=2),
        request("b", member="b", priority=2),
        request("c", member="c", priority=3),
    ]
    helpers = [helper("h1", capacity=2), helper("h2", skills=("shopping",))]
    plan = solve(problem(requests, helpers))

    assert plan.priority == 5  # one of priority 3 and one of 2: the most


def test_continuity_bonus_can_outweigh_distance():
    helpers = [
        helper("near", km=1.0),
        helper("known", km=2.5, helped_members=("m1",)),
    ]
    plan = solve(problem([request(member="m1")], helpers))

    # 2,500 - 2,000 = 500 m is cheaper than 1,000 m.
    assert pairs_of(plan) == {"r1": "known"}
    assert plan.cost == 500


def test_continuity_bonus_does_not_outweigh_a_long_way():
    helpers = [
        helper("near", km=1.0, max_km=5),
        helper("known", km=3.5, max_km=5, helped_members=("m1",)),
    ]
    plan = solve(problem([request(member="m1")], helpers))

    assert pairs_of(plan) == {"r1": "near"}


def test_the_bonus_is_a_policy():
    helpers = [
        helper("near", km=1.0),
        helper("known", km=2.5, helped_members=("m1",)),
    ]
    plan = solve(problem([request(member="m1")], helpers, continuity_bonus_m=1000))

    assert pairs_of(plan) == {"r1": "near"}


def test_fairness_spreads_work():
    requests = [request("a", member="a"), request("b", member="b")]
    helpers = [helper("near", km=1.0, capacity=2), helper("next", km=1.3, capacity=2)]

    spread = solve(problem(requests, helpers))
    bunched = solve(problem(requests, helpers, fairness_step_m=0))

    # A second visit for "near" adds 500 m; "next" is only 300 m further.
    assert sorted(pairs_of(spread).values()) == ["near", "next"]
    assert spread.cost == 1000 + 1300
    assert sorted(pairs_of(bunched).values()) == ["near", "near"]


def test_load_makes_a_busy_helper_cost_more():
    helpers = [helper("busy", km=1.0, load=3), helper("idle", km=2.0)]
    plan = solve(problem([request()], helpers))

    # busy: 1,000 + 3 x 500 = 2,500; idle: 2,000.
    assert pairs_of(plan) == {"r1": "idle"}
    assert plan.cost == 2000


def test_assignment_costs_add_up_to_the_objective():
    requests = [
        request("late", member="a", earliest=at(13), latest=at(17)),
        request("early", member="b", earliest=at(9), latest=at(12)),
        request("known", member="c"),
    ]
    helpers = [helper("h", km=1.0, capacity=3, load=2, helped_members=("c",))]
    plan = solve(problem(requests, helpers))
    by_request = {a.request_id: a for a in plan.assignments}

    # Visits are counted in order of the requests' earliest times.
    assert [by_request[r].slot for r in ("early", "known", "late")] == [1, 2, 3]
    assert by_request["early"].cost == 1000 + 500 * 2
    assert by_request["known"].cost == 1000 - 2000 + 500 * 3
    assert by_request["known"].continuity
    assert by_request["late"].cost == 1000 + 500 * 4
    assert plan.cost == sum(a.cost for a in plan.assignments) == 5500


def test_an_empty_problem_has_an_empty_plan():
    plan = solve(problem([], []))

    assert plan.as_dict()["objective"] == {"matched": 0, "priority": 0, "cost": 0}


def test_the_plan_as_json():
    plan = solve(problem([request("r1"), request("r2", skill="cooking")], [helper()]))

    out: dict[str, Any] = plan.as_dict()
    assert out["assignments"] == [
        {"request": "r1", "helper": "h1", "distance_m": 1000, "cost": 1000}
    ]
    assert out["unmatched"] == [{"request": "r2", "reason": "No helper does cooking."}]
    assert out["objective"] == {"matched": 1, "priority": 1, "cost": 1000}
    assert out["stats"]["candidate_pairs"] == 1


# --- Why a request went unmatched ---------------------------------------------


def test_the_reason_is_the_first_rule_no_helper_passes():
    # Each helper fails a different rule; the request's reason is the rule
    # furthest along that some helper got to.
    r = request(vetting=Vetting.ENHANCED, minutes=60)
    low = helper("low", vetting=Vetting.BASIC)
    far = helper("far", km=10)
    busy = helper("busy", available=((at(20), at(21)),))

    assert reasons_of(solve(problem([r], [low])))["r1"] is UnmatchedReason.VETTING
    assert reasons_of(solve(problem([r], [low, far])))["r1"] is UnmatchedReason.DISTANCE
    assert (
        reasons_of(solve(problem([r], [low, far, busy])))["r1"]
        is UnmatchedReason.WINDOW
    )


def test_reason_texts_are_plain_words():
    cases = {
        "skill": (request(skill="odd_jobs"), helper()),
        "vetting": (request(vetting=Vetting.ENHANCED), helper(vetting=Vetting.BASIC)),
        "distance": (request(), helper(km=9)),
        "window": (request(minutes=90), helper(available=((at(9), at(10)),))),
        "declined": (request(), helper(declined=("r1",))),
        "no capacity": (request(), helper(capacity=0)),
    }
    texts = {
        name: solve(problem([r], [h])).unmatched[0].text
        for name, (r, h) in cases.items()
    }

    assert texts == {
        "skill": "No helper does odd jobs.",
        "vetting": (
            "No helper who does gardening has the vetting this needs (enhanced)."
        ),
        "distance": (
            "No helper who does gardening with the vetting needed is within reach "
            "(each travels only so far)."
        ),
        "window": ("No helper who could do it is free for 90 minutes in that window."),
        "declined": "Every helper who could do it has declined it.",
        "no capacity": "Every helper who could do it is taking no visits at present.",
    }


def test_full_reason_text():
    plan = solve(
        problem([request("a", member="a"), request("b", member="b")], [helper()])
    )

    assert [u.text for u in plan.unmatched] == [
        "Every helper who could do it is already full in this plan."
    ]


# --- Candidate pairs ----------------------------------------------------------


def test_candidate_pairs_are_exactly_the_allowed_ones():
    requests = [
        request("a", member="a", km=0.0),
        request("b", member="b", km=5.0, skill="shopping"),
        request("c", member="c", km=-1.0, vetting=Vetting.ENHANCED_BARRED),
    ]
    helpers = [
        helper("g", km=0.5, skills=("gardening", "shopping"), max_km=1.0),
        helper("s", km=4.0, skills=("shopping",), max_km=1.5),
        helper("low", km=-1.0, vetting=Vetting.ENHANCED, helped_members=("c",)),
        helper("any", km=0.0, skills=("gardening", "shopping"), max_km=10),
    ]
    c = candidate_pairs(requests, helpers, problem([], []).policy)
    found = {
        (requests[r].id, helpers[h].id, int(d), int(k), bool(x))
        for r, h, d, k, x in zip(
            c.request, c.helper, c.distance_m, c.cost, c.continuity, strict=True
        )
    }

    assert found == {
        ("a", "g", 500, 500, False),
        ("a", "low", 1000, 1000, False),
        ("a", "any", 0, 0, False),
        ("b", "s", 1000, 1000, False),
        ("b", "any", 5000, 5000, False),
        ("c", "any", 1000, 1000, False),
    }


def test_helpers_free_for_a_long_stretch_are_found():
    # A helper free for a whole month still pairs with a request in it.
    month = ((at(0, day=1), at(0, day=31)),)
    requests = [
        request(f"r{d}", earliest=at(9, day=d), latest=at(12, day=d))
        for d in range(1, 29)
    ]
    plan = solve(problem(requests, [helper(capacity=30, available=month)]))

    assert plan.matched == 28
