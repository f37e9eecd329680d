import pytest

from kith.budgeting import demo as budgeting_demo
from kith.budgeting.models import Ballot, Result, Round, Voter
from kith.core.demo import DemoLoadError
from kith.places.models import Locality
from kith.site.demo import demo_load


def test_the_demo_has_a_finished_round_with_results_and_one_to_vote_in(db):
    demo_load()
    finished = Round.objects.get(title="Riverside Community Chest 2026")
    assert finished.phase() == "results"
    results = Result.objects.filter(heading__round=finished)
    assert results.count() == 2
    for result in results:
        assert result.winners and result.spent <= result.heading.amount
    assert Ballot.objects.filter(round=finished, status="spoiled").exists()
    assert Voter.objects.filter(round=finished, status="duplicate").count() == 1
    assert set(
        Voter.objects.filter(round=finished).values_list("channel", flat=True)
    ) == {"paper", "phone"}
    # Its winners have news until delivered; the first is delivered.
    delivered = finished.proposals.filter(delivery="delivered")
    assert delivered.count() == 1
    assert delivered.get().updates.count() == 2
    assert finished.proposals.filter(delivery="in_progress").count() == 1
    # Nothing joins a ballot to a voter once the box is closed.
    assert not Ballot.objects.filter(round=finished).exclude(seal="").exists()
    voting = Round.objects.get(title="Riverside Parks Fund")
    assert voting.phase() == "voting"
    assert voting.proposals.filter(feasibility="feasible").count() == 4
    proposing = Round.objects.get(title="Riverside Youth Fund")
    assert proposing.phase() == "proposing"
    assert proposing.proposals.filter(feasibility="pending").count() == 2


def test_a_refused_budgeting_step_stops_the_demo(db, monkeypatch):
    # A heading of £0 is refused by the service; the load must stop, not skip.
    monkeypatch.setattr(
        budgeting_demo,
        "FINISHED",
        [(name, 0, ideas) for name, _amount, ideas in budgeting_demo.FINISHED],
    )
    with pytest.raises(DemoLoadError, match="finished budgeting round") as raised:
        demo_load()
    assert "amount" in str(raised.value).lower() or "ensure" in str(raised.value)
    assert not Locality.objects.exists()
