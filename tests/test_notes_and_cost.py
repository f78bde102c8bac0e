"""A note is stored once, not once per event row; validate shows the cost; the Python API checks the limits."""

from __future__ import annotations

import csv
import json
import re

import pytest
import yaml

from conftest import cli
from sim.errors import EntenteError

NOTE = ("a four-nation meeting, " + "with a long note " * 15).strip()  # about 280 characters
MEMBERS = ["Russia", "China", "Iran", "Pakistan"]


def write_scenario(tmp_path, **data):
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump({"name": "notes", **data}, sort_keys=False), encoding="utf-8")
    return path


def test_a_note_is_stored_once_whatever_the_runs_and_pairs(tmp_path):
    path = write_scenario(tmp_path, months=6, runs=3, parameters={"noise": 0.01}, events=[
        {"at": 1, "type": "intelligence_meeting", "between": MEMBERS, "note": NOTE},
        {"at": 2, "type": "arms_sale", "from": "Russia", "to": "India"}])
    done = cli("run", path, "--out", tmp_path / "out", "--no-plots")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    events = list(csv.DictReader(open(out / "events.csv", newline="", encoding="utf-8")))
    scheduled = [e for e in events if e["origin"] == "scenario"]
    assert len(scheduled) == 3 * (6 + 1)  # six pairs of the meeting and the sale, in each of three runs
    assert NOTE not in (out / "events.csv").read_text(encoding="utf-8")
    assert {e["reason"] for e in scheduled if e["type"] == "intelligence_meeting"} == {"events[0]"}
    assert {e["reason"] for e in scheduled if e["type"] == "arms_sale"} == {"events[1]"}
    summary_text = (out / "summary.json").read_text(encoding="utf-8")
    assert summary_text.count(NOTE) == 1
    assert json.loads(summary_text)["notes"] == {"events[0]": NOTE}  # an event without a note has none
    assert done.stdout.count(NOTE[:60]) == 1  # the terminal shows it once too, under the first pair

    from sim import read_result

    result = read_result(out)
    assert result.summary.notes == {"events[0]": NOTE}
    reasons = result.events.loc[result.events["origin"] == "scenario", "reason"]
    assert all(re.fullmatch(r"events\[\d+\]", reason) for reason in reasons)


def test_the_estimate_counts_a_note_once():
    from sim.inputs.cost import estimate
    from sim.inputs.scenario_file import scenario_from_data
    from sim.inputs.tables import canonical_actors

    names = [actor.name for actor in canonical_actors()]

    def size(runs: int, note: str) -> int:
        events = [{"at": 1 + i, "type": "summit", "between": MEMBERS, "note": note} for i in range(10)]
        return estimate(scenario_from_data({"name": "x", "months": 12, "runs": runs, "events": events}),
                        names).output_bytes

    assert size(1000, "n" * 500) - size(1000, "") == size(1, "n" * 500) - size(1, "") == 10 * 500


def test_validate_prints_the_cost_and_warns_near_a_limit(tmp_path):
    small = cli("validate", "s400_india")
    assert small.returncode == 0, small.stderr
    assert "cost: 1 run x 36 months x" in small.stdout and "pair-months" in small.stdout
    assert "warning" not in small.stdout
    near = cli("validate", write_scenario(tmp_path, months=240, runs=1000))  # 81% of the pair-month limit
    assert near.returncode == 0, near.stderr
    assert re.search(r"warning: near a limit .*pair-months \(limit 25,000,000\): 8\d% of the limit", near.stdout)
    assert "--allow-large" in near.stdout


def test_the_python_api_checks_the_same_limits(monkeypatch):
    import sim as api
    from sim.inputs import cost

    scenario = api.scenario_from_data({"name": "small", "months": 3})
    monkeypatch.setattr(cost, "MAX_PAIR_MONTHS", 100)  # this small run is then "large"
    with pytest.raises(EntenteError) as caught:
        api.run(scenario)
    message = str(caught.value)
    assert "pair-months" in message and "limit 100" in message and "allow_large=True" in message
    assert "Lower runs" in message
    result = api.run(scenario, allow_large=True)
    assert result.months == 3 and len(result.alignment) > 0
