"""``kith match``: a problem in (a file or standard input), a plan out, and
exit status 2 with the reason on standard error for a malformed problem."""

import io
import json
import subprocess
import sys

import pytest

from kith.matching import cli
from kith.matching.tests.test_problem import EXAMPLE


def write(tmp_path, document) -> str:
    path = tmp_path / "problem.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def test_writes_the_plan_for_a_file(tmp_path, capsys):
    status = cli.main([write(tmp_path, EXAMPLE)])

    out = json.loads(capsys.readouterr().out)
    assert status == 0
    assert out["assignments"] == [
        {"request": "r1", "helper": "h1", "distance_m": 1310, "cost": 1310}
    ]
    assert out["unmatched"] == []
    assert out["objective"] == {"matched": 1, "priority": 2, "cost": 1310}
    assert out["stats"]["candidate_pairs"] == 1
    assert out["stats"]["seconds"] >= 0


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))


def test_reads_standard_input_for_a_dash(monkeypatch, capsys):
    _stdin(monkeypatch, json.dumps(EXAMPLE))

    status = cli.main(["-"])

    assert status == 0
    assert json.loads(capsys.readouterr().out)["objective"]["matched"] == 1


def test_a_request_whose_window_is_shorter_than_the_visit_is_listed_unmatched(
    tmp_path, capsys
):
    """A coordinator's morning plan never fails for one odd request: it is
    well-formed, it simply cannot be matched, and the rest are."""
    document = json.loads(json.dumps(EXAMPLE))
    short = dict(document["requests"][0], id="r2", minutes=600)
    document["requests"].append(short)

    status = cli.main([write(tmp_path, document)])

    captured = capsys.readouterr()
    assert status == 0 and captured.err == ""
    out = json.loads(captured.out)
    assert [a["request"] for a in out["assignments"]] == ["r1"]
    assert out["unmatched"] == [
        {"request": "r2", "reason": "Its time window is shorter than the visit."}
    ]


def test_a_malformed_file_exits_2_naming_the_field(tmp_path, capsys):
    document = json.loads(json.dumps(EXAMPLE))
    document["requests"][0]["lat"] = 200

    status = cli.main([write(tmp_path, document)])

    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err == (
        'kith match: requests[0] (id "r1"): latitude 200 is not between -90 and 90\n'
    )


def test_malformed_standard_input_exits_2(monkeypatch, capsys):
    _stdin(monkeypatch, '{"requests": [')

    status = cli.main(["-"])

    assert status == 2
    assert capsys.readouterr().err.startswith("kith match: not valid JSON:")


def test_a_missing_file_exits_2(tmp_path, capsys):
    status = cli.main([str(tmp_path / "nowhere.json")])

    assert status == 2
    assert "cannot read" in capsys.readouterr().err


def test_numbers_too_large_to_solve_exactly_exit_1(tmp_path, capsys, monkeypatch):
    from kith.matching import flow

    monkeypatch.setattr(flow, "_INT64_MAX", 10**4)

    status = cli.main([write(tmp_path, EXAMPLE)])

    assert status == 1
    assert "too large to solve exactly" in capsys.readouterr().err


@pytest.mark.parametrize("entry", [["-m", "kith.matching"]])
def test_runs_as_a_module(tmp_path, entry):
    done = subprocess.run(
        [sys.executable, *entry, write(tmp_path, EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["objective"]["priority"] == 2
