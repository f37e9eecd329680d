"""One request at a time: the ranked shortlist a coordinator sees, and why
the other helpers are not suitable."""

from kith.matching.engine import Policy, Vetting, reasons_not_suitable, shortlist
from kith.matching.tests.builders import at, helper, request


def test_allowed_helpers_ranked_by_marginal_cost():
    r = request(member="joan")
    helpers = [
        helper("far", km=2.0),
        helper("near", km=1.0, load=3),  # 1,000 + 3 x 500 = 2,500
        helper("known", km=2.5, helped_members=("joan",)),  # 2,500 - 2,000
        helper("unsuitable", skills=("shopping",)),
        helper("paused", km=0.5, capacity=0),
    ]

    found = shortlist(r, helpers, Policy(), limit=10)

    assert [(s.helper.id, s.marginal_cost) for s in found] == [
        ("known", 500),
        ("far", 2000),
        ("near", 2500),
    ]
    assert found[0].helped_before
    assert found[2].recent_visits == 3


def test_the_limit_cuts_the_list():
    helpers = [helper(f"h{k}", km=k / 10) for k in range(1, 6)]

    assert [s.helper.id for s in shortlist(request(), helpers, limit=2)] == ["h1", "h2"]


def test_suggestions_say_why_in_plain_words():
    r = request(member="joan", earliest=at(9), latest=at(17))
    h = helper(
        km=1.2,
        load=2,
        helped_members=("joan",),
        available=((at(8), at(12)), (at(16, 30), at(18))),
    )

    (s,) = shortlist(r, [h])

    assert s.distance_m == 1200
    assert s.free == ((at(9), at(12)),)
    assert s.reasons == [
        "1.2 km away.",
        "Has helped this member before.",
        "2 visits in the last 28 days.",
        "Free Tue 1 Dec 09:00 to 12:00.",
    ]


def test_reasons_not_suitable_lists_every_rule_failed():
    r = request("r1", skill="gardening", vetting=Vetting.ENHANCED, minutes=60)
    h = helper(
        km=4.2,
        skills=("shopping",),
        max_km=3,
        vetting=Vetting.BASIC,
        available=((at(9), at(9, 30)),),
        declined=("r1",),
        capacity=0,
    )

    assert reasons_not_suitable(r, h) == [
        "Does not do gardening.",
        "Vetting is basic; this needs enhanced.",
        "Lives 4.2 km away; travels up to 3 km.",
        "Not free for 60 minutes from Tue 1 Dec 09:00 to 17:00.",
        "Declined this request.",
        "Is taking no visits at present.",
    ]


def test_a_suitable_helper_has_no_reasons_against():
    assert reasons_not_suitable(request(), helper()) == []


def test_shortlist_and_reasons_agree():
    r = request(vetting=Vetting.ENHANCED)
    helpers = [
        helper("ok"),
        helper("low", vetting=Vetting.BASIC),
        helper("far", km=5),
        helper("busy", available=()),
    ]

    listed = {s.helper.id for s in shortlist(r, helpers)}

    assert listed == {h.id for h in helpers if not reasons_not_suitable(r, h)}
    assert listed == {"ok"}
