"""The shortlist weighs only a request's neighbourhood, and shows exactly
what weighing every helper in the locality would show."""

import random
from datetime import UTC, datetime, time

import numpy as np
import pytest

from kith.help.selectors import request_vetting_day
from kith.help.tests.conftest import circle, tomorrow_window  # noqa: F401
from kith.helpers.models import AvailabilitySlot, HelperSkill
from kith.helpers.tests.factories import skills_for
from kith.helpers.vetting import VettingLevel
from kith.matching import engine, selectors
from kith.matching.build import build_problem, request_neighbourhood
from kith.matching.tests.test_in_kith import ask
from kith.places.models import Postcode
from tests.factories import HelperProfileFactory

LEVELS = [VettingLevel.NONE, VettingLevel.BASIC, VettingLevel.ENHANCED]


def _reference(request, *, limit, others_shown):
    """The shortlist as it was before neighbourhoods: every active helper."""
    built = build_problem(
        request.locality,
        request_ids=[request.pk],
        vetting_day=request_vetting_day(request),
    )
    engine_request = built.problem.requests[0]
    helpers = list(built.problem.helpers)
    ranked = engine.shortlist(
        engine_request, helpers, built.problem.policy, limit=len(helpers)
    )
    suitable = {s.helper.id for s in ranked}
    others = sorted(
        (
            (engine.distance_km(engine_request, h), h)
            for h in helpers
            if h.id not in suitable
        ),
        key=lambda pair: (pair[0], pair[1].id),
    )
    name = request.membership.person.display_name
    kind = request.category.name
    return (
        [
            (
                int(s.helper.id),
                s.distance_m,
                selectors.suggestion_reasons(s, member_name=name),
            )
            for s in ranked[:limit]
        ],
        max(0, len(ranked) - limit),
        [
            (
                int(h.id),
                round(km * 1000),
                [
                    selectors.rule_words(rule, engine_request, h, kind_name=kind)
                    for rule in engine.rules_failed(engine_request, h)
                ],
            )
            for km, h in others[:others_shown]
        ],
        max(0, len(others) - others_shown),
    )


def _random_locality(circle, rng):  # noqa: F811
    ward_code = circle.ward.ons_code
    postcodes = []
    for n in range(12):
        postcode = f"RN{n} {rng.randint(1, 9)}ZZ"
        Postcode.objects.create(
            postcode=postcode,
            latitude=51.49 + rng.uniform(-0.04, 0.04),
            longitude=-0.09 + rng.uniform(-0.06, 0.06),
            ward_code=ward_code,
        )
        postcodes.append(postcode)
    skills = skills_for(circle.locality)
    for _ in range(18):
        profile = HelperProfileFactory(
            active=True,
            locality=circle.locality,
            user__postcode=rng.choice(postcodes),
            travel_distance_m=rng.choice([500, 1500, 3000, 6000]),
            max_visits_per_week=rng.randint(1, 3),
            vetted_to=rng.choice(LEVELS),
        )
        for skill in rng.sample(skills, rng.randint(0, len(skills))):
            HelperSkill.objects.create(profile=profile, skill=skill, level="good")
        for day in rng.sample(range(7), rng.randint(0, 7)):
            AvailabilitySlot.objects.create(
                profile=profile,
                weekday=day,
                starts_at=time(rng.choice([8, 10, 13])),
                ends_at=time(rng.choice([15, 18, 20])),
            )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_neighbourhood_shortlist_is_the_whole_locality_shortlist(
    circle,  # noqa: F811
    monkeypatch,
    seed,
):
    rng = random.Random(seed)
    _random_locality(circle, rng)
    monkeypatch.setattr(selectors, "OTHERS_SHOWN", 4)
    weighed = []
    for kind in sorted(circle.categories):
        request = ask(
            circle,
            category=kind,
            windows=[
                tomorrow_window((rng.choice([9, 13]), 17), days=rng.randint(1, 12))
            ],
        )
        near = request_neighbourhood(request, others=4)
        want = _reference(request, limit=3, others_shown=4)
        # Worked out, then remembered: both the whole locality's.
        for _view in range(2):
            got = selectors.shortlist_for(
                actor=circle.coordinator, request=request, limit=3
            )
            assert [
                (e.helper.pk, e.distance_m, e.reasons) for e in got.suggestions
            ] == want[0]
            assert got.more_suitable == want[1]
            others = [(o.helper.pk, o.distance_m, o.reasons) for o in got.others]
            assert others == want[2]
            assert got.more_others == want[3]
        assert near is not None
        weighed.append(len(near.helper_ids) / near.placed)
    # ... having weighed only part of the locality for some kinds of help.
    assert min(weighed) < 1, weighed


def test_distances_for_the_cut_are_the_rules_distances():
    rng = np.random.default_rng(7)
    request = engine.Request(
        id="1",
        member="1",
        lat=51.49,
        lon=-0.09,
        skill="x",
        priority=1,
        earliest=datetime(2026, 12, 8, 10, tzinfo=UTC),
        latest=datetime(2026, 12, 8, 12, tzinfo=UTC),
        minutes=60,
        vetting=engine.Vetting.NONE,
    )
    lats = 51.49 + rng.uniform(-0.5, 0.5, 200)
    lons = -0.09 + rng.uniform(-0.5, 0.5, 200)
    cut = engine.distances_km(request, lats.tolist(), lons.tolist())
    for lat, lon, km in zip(lats, lons, cut, strict=True):
        helper = engine.Helper(
            id="h",
            lat=float(lat),
            lon=float(lon),
            skills=frozenset(),
            max_km=1.0,
            capacity=1,
            vetting=engine.Vetting.NONE,
        )
        assert engine.distance_km(request, helper) == km
