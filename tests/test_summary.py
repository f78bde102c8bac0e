"""The summary and the terminal report on a small Result built by hand (no Mesa), and the contract
between the runner's blocs and the summary on real runs."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sim.model.events import ScheduledEvent
from sim.model.scenario import Scenario
from sim.model.world import World
from sim.results.result import Result
from sim.results.summary import BlocShift, LeanShift, Summary, summarise
from sim.present.terminal import summary_text

NAMES = ("Russia", "Pakistan", "India")
CAPABILITIES = (4.0, 1.0, 8.0)
MONTHS = 3
START = {("Russia", "Pakistan"): 0.1, ("Pakistan", "Russia"): 0.1, ("Russia", "India"): 0.5,
         ("India", "Russia"): 0.5, ("Pakistan", "India"): -0.6, ("India", "Pakistan"): -0.6}
# From month 1 on, after Russia sells arms to Pakistan: the two warm, and India (hostile to Pakistan) cools
# on Russia. The baseline stays at the start.
AFTER = {**START, ("Russia", "Pakistan"): 0.7, ("Pakistan", "Russia"): 0.7, ("India", "Russia"): 0.3}
# Blocs 1-based, as blocs.csv writes them: Russia and India against Pakistan, then all together from month 2.
EARLY = {"Russia": 1, "Pakistan": 2, "India": 1}
TOGETHER = {"Russia": 1, "Pakistan": 1, "India": 1}
SALE = "month 1: arms_sale Russia → Pakistan"


def _scores(run: int, with_event: bool) -> list[tuple]:
    return [(run, month, s, t, (AFTER if with_event and month >= 1 else START)[(s, t)])
            for month in range(MONTHS + 1) for (s, t) in START]


def _blocs(run: int, late: dict) -> list[tuple]:
    return [(run, month, actor, (EARLY if month < 2 else late)[actor])
            for month in range(MONTHS + 1) for actor in NAMES]


def make_result(lates=(TOGETHER,)) -> Result:
    """One run per entry of `lates` (the blocs from month 2 on); the scores are the same in every run."""
    runs = range(1, len(lates) + 1)
    score_columns = ["run", "month", "source", "target", "score"]
    events = pd.DataFrame([(run, 1, "arms_sale", "Russia", "Pakistan", 1.0, "scenario", "") for run in runs],
                          columns=["run", "month", "type", "source", "target", "intensity", "origin", "reason"])
    return Result(
        name="Hand-made", actors=NAMES, capabilities=CAPABILITIES, months=MONTHS, runs=len(lates), seed=0,
        alignment=pd.DataFrame([row for run in runs for row in _scores(run, True)], columns=score_columns),
        baseline=pd.DataFrame([row for run in runs for row in _scores(run, False)], columns=score_columns),
        blocs=pd.DataFrame([row for run, late in zip(runs, lates) for row in _blocs(run, late)],
                           columns=["run", "month", "actor", "bloc"]),
        events=events,
    )


def scenario_and_world() -> tuple[Scenario, World]:
    scenario = Scenario("Hand-made", months=MONTHS, events=(ScheduledEvent(1, "arms_sale", "Russia", "Pakistan"),))
    scores = np.zeros((3, 3))
    for (s, t), value in START.items():
        scores[NAMES.index(s), NAMES.index(t)] = value
    world = World(NAMES, np.array(CAPABILITIES), scores, {pair: "document" for pair in START})
    return scenario, world


def summary_of(result: Result) -> Summary:
    return summarise(result, *scenario_and_world())


def test_the_effects_are_scenario_minus_baseline_with_the_events_behind_them():
    summary = summary_of(make_result())
    changes = {(c.source, c.target): c for c in summary.changes}
    sale = changes[("Russia", "Pakistan")]
    assert (sale.initial, sale.final, sale.baseline_final, sale.effect) == (0.1, 0.7, 0.1, 0.6)
    assert (sale.peak_month, sale.peak_effect) == (1, 0.6)
    assert sale.events == (SALE,)
    cooled = changes[("India", "Russia")]
    assert cooled.effect == -0.2 and cooled.events == (SALE,)  # the audience rule: India dislikes Pakistan
    assert changes[("Pakistan", "India")].effect == 0.0 and changes[("Pakistan", "India")].events == ()
    assert [(c.source, c.target) for c in summary.changes[:3]] == [
        ("Russia", "Pakistan"), ("Pakistan", "Russia"), ("India", "Russia")]
    assert (summary.event_count, summary.scenario_event_count, summary.reaction_count) == (1, 1, 0)


def test_the_blocs_are_the_runs_own_partitions():
    blocs = summary_of(make_result()).blocs
    assert blocs.initial == (("Russia", "India"), ("Pakistan",))
    assert blocs.final == (("Russia", "Pakistan", "India"),)
    assert [(e.month, e.share) for e in blocs.timeline] == [(0, None), (2, None)]
    assert blocs.final_share is None
    assert blocs.at(1).blocs == blocs.initial and blocs.at(3).blocs == blocs.final


def test_the_shifts_name_the_actor_the_month_and_the_event():
    shifts = summary_of(make_result()).shifts
    assert shifts == (
        LeanShift(1, "Russia", lean_before=0.4, lean_after=-0.2, towards=("Pakistan",), events=(SALE,)),
        BlocShift(2, "Pakistan", left=(), joined=("Russia", "India"), events=(SALE,)),
    )


def test_with_several_runs_the_blocs_are_those_most_runs_share():
    apart = {"Russia": 1, "Pakistan": 2, "India": 1}
    summary = summary_of(make_result(lates=(TOGETHER, apart, TOGETHER)))
    blocs = summary.blocs
    assert blocs.final == (("Russia", "Pakistan", "India"),)
    assert [(e.month, e.share) for e in blocs.timeline] == [(0, 1.0), (2, 0.666667)]
    assert blocs.final_share == 0.666667
    tie = summary_of(make_result(lates=(apart, TOGETHER))).blocs  # a tie goes to the earlier run
    assert len(tie.timeline) == 1 and tie.final == (("Russia", "India"), ("Pakistan",)) and tie.final_share == 0.5
    text = summary_text(summary)
    assert "the arrangement most of the 3 runs share" in text
    assert "month 2   [1] Russia, Pakistan, India   (2 of 3 runs)" in text


def test_the_summary_round_trips_through_json_exactly():
    for result in (make_result(), make_result(lates=(TOGETHER, EARLY))):
        summary = summary_of(result)
        text = summary.to_json()
        again = Summary.from_json(text)
        assert again == summary and again.to_json() == text
    assert list(summary.to_dict())[:5] == ["scenario", "scenario_file", "relations_file", "relations_sha256",
                                          "description"]


def test_the_terminal_report_reads_the_summary():
    text = summary_text(summary_of(make_result()))
    assert text.startswith("Entente · Hand-made\nscenario · 3 months · seed 0 · 1 run · 1 event (0 reactions)\n")
    assert "  start  [1] Russia, India   [2] Pakistan\n" in text
    assert "  month 2   [1] Russia, Pakistan, India\n" in text
    assert "  end    [1] Russia, Pakistan, India\n" in text
    assert "month   1  Russia now leans towards Pakistan (net lean +0.40 → -0.20)" in text
    assert "month   2  Pakistan changes bloc: now with Russia, India" in text
    assert f"  Russia → Pakistan         +0.10  +0.70    +0.10   +0.60   {SALE}" in text
    assert "India → Russia" in text and "Pakistan → India" not in text  # no effect, no row


def test_a_result_is_frozen_and_holds_its_summary():
    result = make_result()
    with pytest.raises(AttributeError):
        result.summary = summary_of(result)
    summarised = replace(result, summary=summary_of(result))
    assert summarised.summary.blocs.final == (("Russia", "Pakistan", "India"),) and result.summary is None


# --- on real runs ------------------------------------------------------------------------------------

def test_with_one_run_blocs_csv_and_the_summary_agree_every_month():
    import sim
    from sim.inputs.scenario_file import scenario_from_data

    # Defence pacts with Russia and China pull India across, so the timeline has more than one entry.
    pacts = [{"at": month, "type": "defence_pact", "from": patron, "to": "India"}
             for month in (1, 2, 3, 4) for patron in ("China", "Russia")]
    result = sim.run(scenario_from_data({"name": "India swings", "months": 12, "events": pacts}), summarise=True)
    assert len(result.summary.blocs.timeline) > 1
    for month in range(result.months + 1):
        rows = result.blocs[result.blocs["month"] == month]
        from_csv = tuple(tuple(rows.loc[rows["bloc"] == b, "actor"]) for b in sorted(set(rows["bloc"])))
        assert result.summary.blocs.at(month).blocs == from_csv, month


def test_blocs_are_searched_once_a_month_per_run_and_never_for_the_baseline(monkeypatch):
    import sim
    from sim.model import landscape
    from sim.results.runner import run

    calls = []
    original = landscape.best_partition
    monkeypatch.setattr(landscape, "best_partition", lambda *a, **k: calls.append(1) or original(*a, **k))
    scenario = replace(sim.load_scenario("arms_sale_pakistan"), months=6, runs=2)
    batched = []
    original_batch = landscape.best_partitions
    monkeypatch.setattr(landscape, "best_partitions",
                        lambda p, *a, **k: batched.append(len(p)) or original_batch(p, *a, **k))
    result = run(scenario, summarise=True)
    assert batched == [scenario.runs] * (scenario.months + 1)  # once a month for all runs, never the baseline
    assert len(result.blocs) == scenario.runs * (scenario.months + 1) * len(result.actors)


def test_a_run_asked_for_no_blocs_searches_none(monkeypatch):
    import sim
    from sim.model import landscape
    from sim.inputs.tables import load_codebook
    from sim.model.engine import AlignmentModel

    scenario = sim.load_scenario("arms_sale_pakistan")
    world = sim.build_world(scenario)
    searched = []
    monkeypatch.setattr(landscape, "best_partitions", lambda *a, **k: searched.append(1))
    out = AlignmentModel(world, (), scenario.parameters, months=2, seeds=[1],
                         codebook=load_codebook()).run(track_blocs=False)
    assert out.blocs is None and not searched


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## From Python"):]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"```python\n(.*?)\n```", section, flags=re.S)
    assert len(blocks) == 3 and "sim.summarise(result)" in blocks[0] and "batch_run" in blocks[1]
    monkeypatch.chdir(root)
    namespace: dict = {}
    for code in blocks[:2]:  # the sensitivity block has its own test (test_sensitivity.py)
        code = code.replace('"results/', '"' + str(tmp_path) + "/")  # every folder it writes, in tmp_path
        exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["summary"] == Summary.from_json((tmp_path / "my_run" / "summary.json").read_text())
    assert namespace["rows"] and not namespace["model"].running
    assert namespace["runs"]["scores"].shape == (1000, 37, 7, 7)  # runs.nc of the 1,000 noisy runs


def test_the_events_behind_an_effect_are_ranked_by_their_exact_part_of_run_1():
    import json

    import sim
    from sim.results.attribution import attribute

    scenario = sim.load_scenario("arms_sale_pakistan")
    result = sim.run(scenario, summarise=True)
    attribution = attribute(scenario)
    for change in result.summary.changes[:10]:
        by_event = attribution.by_event(change.source, change.target)
        assert [entry.event for entry in change.attribution] == [part.label for part in by_event]
        assert [entry.value for entry in change.attribution] == [round(part.value, 6) + 0.0 for part in by_event]
        # `events` keeps those that pushed the way the effect went, in the same order
        assert list(change.events) == [e.event for e in change.attribution if e.value * change.effect > 0]
    cooled = next(c for c in result.summary.changes if (c.source, c.target) == ("India", "Russia"))
    assert cooled.effect < 0 and cooled.events[0] == "month 3: arms_sale Russia → Pakistan"
    assert cooled.attribution[0].value < -0.005
    text = summary_text(result.summary)
    assert f"month 3: arms_sale Russia → Pakistan ({cooled.attribution[0].value:+.2f})" in text
    # summary.json keeps `events` (labels) and adds `attribution`; a file written before it still reads.
    data = json.loads(result.summary.to_json())
    assert data["changes"][0]["attribution"][0].keys() == {"event", "value", "share"}
    for entry in data["changes"]:
        del entry["attribution"]
    assert Summary.from_dict(data).changes[0].attribution == ()


def test_switched_matches_each_run_matched_on_its_own():
    from sim.results.summary import match_labels, switched

    rng = np.random.default_rng(4)
    labels = rng.integers(0, 3, size=(60, 5, 6))
    labels[::3] = labels[0]  # runs that share their partitions, as most runs of a scenario do
    sizes = rng.uniform(0.5, 3, 6)
    expected = np.zeros((60, 6), dtype=bool)
    for run in range(60):
        start, end = tuple(labels[run, 0]), tuple(labels[run, -1])
        mapping = match_labels(start, end, sizes)
        expected[run] = [mapping[end[i]] != start[i] for i in range(6)]
    assert np.array_equal(switched(labels, sizes), expected) and expected.any() and not expected.all()


def test_a_world_too_large_to_attribute_is_summarised_without_behind_it(monkeypatch):
    from dataclasses import replace

    import sim
    from sim.results import summary as module
    from sim.present.terminal import summary_text

    scenario = replace(sim.load_scenario("arms_sale_pakistan"), months=6)
    full = sim.run(scenario, summarise=True).summary
    assert full.attributed and any(change.events for change in full.changes)
    assert "attributed" not in full.to_dict()  # summary.json of every attributed run is as before
    work = module.attribution_work(7, 6, 3)
    assert work < module.ATTRIBUTION_BUDGET
    monkeypatch.setattr(module, "ATTRIBUTION_BUDGET", work / 10)
    called = []
    monkeypatch.setattr(module, "attribute", lambda *args, **kwargs: called.append(1))
    skipped = sim.run(scenario, summarise=True).summary
    assert not called and not skipped.attributed and not any(change.events for change in skipped.changes)
    assert [c.effect for c in skipped.changes] == [c.effect for c in full.changes]
    assert module.Summary.from_json(skipped.to_json()).attributed is False
    assert "'behind it' is left out" in summary_text(skipped)


def test_net_leans_are_the_means_taken_actor_by_actor():
    """net_leans (all months and actors at once) gives what a scan actor by actor gives (to rounding: numpy
    may sum a row in another order), with blocs of over 8 and over 128 members, a bloc of one, and actors
    in neither bloc; undefined exactly where the scan finds no lean."""
    import numpy as np

    from sim.results.summary import net_leans

    def by_hand(matrix, labels, actor):
        first, second = labels == 0, labels == 1
        first[actor] = second[actor] = False
        if not first.any() or not second.any():
            return np.nan
        return matrix[actor][first].mean() - matrix[actor][second].mean()

    rng = np.random.default_rng(3)
    for n, blocs in ((7, (0, 0, 1, 1, 0, 2, 1)), (40, None), (300, None), (5, (0, 1, 1, 1, 1))):
        labels = np.array(blocs) if blocs else rng.integers(0, 3, n)
        matrices = rng.uniform(-1, 1, (4, n, n))
        got = net_leans(matrices, labels)
        expected = np.array([[by_hand(m, labels.copy(), i) for i in range(n)] for m in matrices])
        assert np.array_equal(np.isnan(got), np.isnan(expected))
        assert np.allclose(got, expected, rtol=0, atol=1e-12, equal_nan=True)
        assert np.isnan(got).any() == (n == 5)  # the bloc of one: its member has nothing to lean towards


def test_summarising_a_result_of_many_runs_builds_none_of_its_long_tables():
    """A Result made from arrays builds its long tables (millions of rows for 1,000 runs) only when read:
    summarising, writing or comparing it must not build them (dataclasses.replace would: it reads every
    field). Measured: 1,000 runs with files took 327 MB at peak when it did, 196 MB when it does not."""
    import sim
    from sim.results.runner import run

    result = run(replace(sim.load_scenario("arms_sale_pakistan"), runs=30, months=6), summarise=True)
    assert result.summary is not None
    def built(r):
        return [name for name in ("_alignment", "_baseline", "_blocs") if r.__dict__.get(name) is not None]

    assert not built(result), built(result)
    again = result.with_summary(result.summary)
    assert again.summary is result.summary and again.scores is result.scores and not built(again)
    assert len(again.alignment) == 30 * 7 * len(result.actors) * (len(result.actors) - 1)  # still there on request
