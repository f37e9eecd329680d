"""Reading problems: the documented format is accepted, and anything
malformed is refused with a message naming the item and the field."""

import copy
import json
from typing import Any

import pytest

from kith.matching.engine import Policy, Vetting
from kith.matching.problem import ProblemError, parse_problem

EXAMPLE: dict[str, Any] = {
    "requests": [
        {
            "id": "r1",
            "member": "m1",
            "lat": 51.50,
            "lon": -0.09,
            "skill": "gardening",
            "priority": 2,
            "earliest": "2026-12-01T09:00:00Z",
            "latest": "2026-12-01T17:00:00Z",
            "minutes": 60,
            "vetting": "enhanced",
        }
    ],
    "helpers": [
        {
            "id": "h1",
            "lat": 51.49,
            "lon": -0.08,
            "skills": ["gardening", "odd_jobs"],
            "max_km": 3.0,
            "capacity": 2,
            "vetting": "enhanced_barred",
            "load": 4,
            "available": [["2026-12-01T08:00:00Z", "2026-12-01T12:00:00+01:00"]],
            "declined": ["r7"],
            "helped_members": ["m1"],
        }
    ],
    "policy": {"continuity_bonus_m": 2000, "fairness_step_m": 500},
}


def errors_for(change) -> list[str]:
    document = copy.deepcopy(EXAMPLE)
    change(document)
    with pytest.raises(ProblemError) as caught:
        parse_problem(json.dumps(document))
    return caught.value.errors


def test_the_documented_example_is_read():
    problem = parse_problem(json.dumps(EXAMPLE))

    (r,) = problem.requests
    (h,) = problem.helpers
    assert (r.id, r.member, r.skill, r.priority, r.minutes) == (
        "r1",
        "m1",
        "gardening",
        2,
        60,
    )
    assert r.vetting is Vetting.ENHANCED
    assert r.earliest.isoformat() == "2026-12-01T09:00:00+00:00"
    assert h.skills == {"gardening", "odd_jobs"}
    assert h.vetting is Vetting.ENHANCED_BARRED
    assert h.available[0][1].isoformat() == "2026-12-01T12:00:00+01:00"
    assert h.declined == {"r7"}
    assert h.helped_members == {"m1"}
    assert problem.policy == Policy(continuity_bonus_m=2000, fairness_step_m=500)


def test_policy_may_be_left_out():
    document = copy.deepcopy(EXAMPLE)
    del document["policy"]

    assert parse_problem(json.dumps(document)).policy == Policy(2000, 500)


def test_a_helper_vetted_none_is_accepted():
    document = copy.deepcopy(EXAMPLE)
    document["helpers"][0]["vetting"] = "none"

    assert parse_problem(json.dumps(document)).helpers[0].vetting is Vetting.NONE


def _set(kind, field, value, n=0):
    def change(document):
        document[kind][n][field] = value

    return change


def _drop(kind, field):
    def change(document):
        del document[kind][0][field]

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set("requests", "lat", 200),
            'requests[0] (id "r1"): latitude 200 is not between -90 and 90',
        ),
        (
            _set("helpers", "lon", -181),
            'helpers[0] (id "h1"): longitude -181 is not between -180 and 180',
        ),
        (_drop("requests", "skill"), 'requests[0] (id "r1"): field "skill" is missing'),
        (
            _drop("helpers", "available"),
            'helpers[0] (id "h1"): field "available" is missing',
        ),
        (
            _set("requests", "vetting", "none"),
            'requests[0] (id "r1"): vetting "none" is not one of basic, enhanced, '
            "enhanced_barred",
        ),
        (
            _set("helpers", "vetting", "gold"),
            'helpers[0] (id "h1"): vetting "gold" is not one of none, basic, '
            "enhanced, enhanced_barred",
        ),
        (
            _set("requests", "latest", "2026-12-01T08:00:00Z"),
            'requests[0] (id "r1"): latest 2026-12-01T08:00:00Z is before earliest '
            "2026-12-01T09:00:00Z",
        ),
        (
            _set(
                "helpers",
                "available",
                [["2026-12-01T12:00:00Z", "2026-12-01T08:00:00Z"]],
            ),
            'helpers[0] (id "h1"): available[0] ends (2026-12-01T08:00:00Z) before '
            "it starts (2026-12-01T12:00:00Z)",
        ),
        (
            _set("requests", "minutes", -5),
            'requests[0] (id "r1"): minutes must be 0 or more, not -5',
        ),
        (
            _set("helpers", "capacity", -1),
            'helpers[0] (id "h1"): capacity must be 0 or more, not -1',
        ),
        (
            _set("helpers", "capacity", 1.5),
            'helpers[0] (id "h1"): capacity must be a whole number, not 1.5',
        ),
        (
            _set("helpers", "max_km", "far"),
            'helpers[0] (id "h1"): max_km must be a number, not "far"',
        ),
        (
            _set("helpers", "max_km", -1),
            'helpers[0] (id "h1"): max_km must be 0 or more, not -1',
        ),
        (
            _set("requests", "lat", True),
            'requests[0] (id "r1"): lat must be a number, not true',
        ),
        (
            _set("requests", "priority", 4),
            'requests[0] (id "r1"): priority must be 1, 2 or 3, not 4',
        ),
        (
            _set("helpers", "load", "four"),
            'helpers[0] (id "h1"): load must be a whole number, not "four"',
        ),
        (
            _set("requests", "earliest", "2026-12-01T09:00:00"),
            'requests[0] (id "r1"): earliest "2026-12-01T09:00:00" needs a UTC '
            "offset or Z",
        ),
        (
            _set("requests", "earliest", "tomorrow"),
            'requests[0] (id "r1"): earliest "tomorrow" is not an ISO 8601 time '
            'such as "2026-12-01T09:00:00Z"',
        ),
        (
            _set("helpers", "skills", "gardening"),
            'helpers[0] (id "h1"): skills must be a list of strings, not "gardening"',
        ),
        (
            _set("helpers", "declined", [7]),
            'helpers[0] (id "h1"): declined[0] must be a non-empty string, not 7',
        ),
        (
            _set("requests", "id", 9),
            "requests[0]: id must be a non-empty string, not 9",
        ),
        (
            _set("requests", "colour", "red"),
            'requests[0] (id "r1"): field "colour" is not one this format has',
        ),
        (
            lambda d: d["policy"].update(fairness_step_m=-1),
            "policy: fairness_step_m must be 0 or more, not -1",
        ),
        (
            lambda d: d["policy"].update(fairness_step=500),
            'policy: field "fairness_step" is not one this format has',
        ),
        (
            lambda d: d["requests"].append(copy.deepcopy(d["requests"][0])),
            'requests[1] (id "r1"): id "r1" is also the id of requests[0]',
        ),
        (lambda d: d.pop("helpers"), 'field "helpers" is missing'),
        (
            lambda d: d.update(requests={}),
            "requests: must be a list, not {}",
        ),
        (
            lambda d: d["helpers"].append("h2"),
            'helpers[1]: must be an object, not "h2"',
        ),
    ],
)
def test_malformed_input_is_refused_naming_item_and_field(change, message):
    assert errors_for(change) == [message]


def test_every_fault_is_reported():
    def change(document):
        document["requests"][0]["lat"] = 91
        document["helpers"][0]["capacity"] = -2

    assert errors_for(change) == [
        'requests[0] (id "r1"): latitude 91 is not between -90 and 90',
        'helpers[0] (id "h1"): capacity must be 0 or more, not -2',
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{",
            "not valid JSON: Expecting property name enclosed in double quotes "
            "at line 1 column 2",
        ),
        ("[1]", "the problem must be a JSON object, not [1]"),
        (
            '{"requests": [], "helpers": [], "policy": {"fairness_step_m": NaN}}',
            "not valid JSON: NaN is not a number JSON allows",
        ),
    ],
)
def test_text_that_is_not_a_problem_is_refused(text, message):
    with pytest.raises(ProblemError) as caught:
        parse_problem(text)

    assert caught.value.errors == [message]
