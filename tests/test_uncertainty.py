"""Outputs that show uncertainty: bands, outcome probabilities, the compact files, the runs that agree."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.present.files import read_result, write_result

RUNS = 12


@pytest.fixture(scope="module")
def noisy():
    scenario = sim.load_scenario("s400_india")
    scenario = replace(scenario, months=14, runs=RUNS, seed=4,
                       parameters=scenario.parameters.with_overrides({"noise": 0.15}))
    return sim.run(scenario, summarise=True)


def test_bands_are_the_quantiles_of_the_per_run_table(noisy):
    bands = sim.bands(noisy)
    table = noisy.alignment  # the long per-run table, built independently of the arrays' quantiles
    pair = table[(table["source"] == "India") & (table["target"] == "Russia")]
    for month in (0, 7, 14):
        scores = np.sort(pair.loc[pair["month"] == month, "score"].to_numpy())
        row = bands[(bands["month"] == month) & (bands["source"] == "India") & (bands["target"] == "Russia")]
        assert len(scores) == RUNS and len(row) == 1
        assert row["median"].iloc[0] == pytest.approx((scores[5] + scores[6]) / 2, abs=1e-12)
        # 5th percentile of 12 values, linear interpolation: position 0.05 * 11 = 0.55
        assert row["low_90"].iloc[0] == pytest.approx(scores[0] + 0.55 * (scores[1] - scores[0]), abs=1e-12)
    ordered = bands[["low_90", "low_50", "median", "high_50", "high_90"]].to_numpy()
    assert (np.diff(ordered, axis=1) >= -1e-12).all()
    assert (bands["high_90"] - bands["low_90"]).max() > 0.01, "noise 0.15 must spread the runs"
    effect = sim.bands(noisy, of="effect")
    assert (effect.loc[effect["month"] == 0, ["low_90", "high_90"]].to_numpy() == 0).all()


def test_probabilities_count_runs(noisy):
    chances = sim.probabilities(noisy)
    blocs = noisy.blocs
    last = blocs[blocs["month"] == noisy.months]
    finals = [tuple(last.loc[last["run"] == r, "bloc"]) for r in range(1, RUNS + 1)]
    assert sum(o.runs for o in chances.final_blocs) == RUNS
    assert max(o.runs for o in chances.final_blocs) == max(finals.count(f) for f in set(finals))
    events = noisy.events[noisy.events["origin"] == "reaction"]
    assert chances.reactions, "the S-400 scenario provokes reactions"
    for outcome in chances.reactions:
        what = outcome.what
        runs = {int(row.run) for row in events.itertuples()
                if (row.actor, row.type, row.source, row.target) ==
                (what["actor"], what["type"], what["source"], what["target"])}
        assert outcome.runs == len(runs) and 0 < outcome.probability <= 1
    assert [o.what["actor"] for o in chances.switches] == list(noisy.actors)


def test_summary_says_how_many_runs_agree(noisy):
    agreement = noisy.summary.agreement
    assert agreement is not None and agreement.runs == RUNS
    switches = {o.what["actor"]: o.runs for o in sim.probabilities(noisy).switches}
    for actor in agreement.actors:
        assert actor.runs == (RUNS - switches[actor.actor] if actor.stays else switches[actor.actor])
        assert actor.runs * 2 >= RUNS
    top = noisy.summary.changes[0]
    scores, base = noisy.score_array(), noisy.score_array(baseline=True)
    i, j = noisy.actors.index(top.source), noisy.actors.index(top.target)
    same = int((np.sign(scores[:, -1, i, j] - base[:, -1, i, j]) == np.sign(top.effect)).sum())
    assert agreement.largest_effect["runs"] == same
    from sim.present.terminal import summary_text

    assert f"in {same} of {RUNS} runs" in summary_text(noisy.summary)


def test_several_runs_write_compact_files_that_read_back(noisy, tmp_path):
    written = write_result(noisy, tmp_path / "a", plots=False)
    assert {"runs.npz", "bands.csv", "probabilities.json"} <= set(written)
    assert not {"alignment.csv", "baseline.csv", "blocs.csv"} & set(written)
    write_result(noisy, tmp_path / "b", plots=False)
    for name in ("runs.npz", "bands.csv", "probabilities.json", "events.csv", "summary.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    back = read_result(tmp_path / "a")
    np.testing.assert_allclose(back.score_array(), noisy.score_array(), atol=5e-7, rtol=0)
    np.testing.assert_array_equal(back.partitions(), noisy.partitions())
    assert back.summary.to_json() == noisy.summary.to_json()
    assert json.loads((tmp_path / "a" / "probabilities.json").read_text())["runs"] == RUNS
    # the long table, as --full writes it, agrees with the compact file
    full = write_result(noisy, tmp_path / "c", plots=False, full=True)
    assert {"alignment.csv", "runs.npz"} <= set(full)
    from_csv = read_result(tmp_path / "c")
    np.testing.assert_array_equal(from_csv.score_array(), back.score_array())


def test_band_figure_has_one_panel_per_pair_the_events_moved_most(noisy):
    from sim.present.bands import plot_bands

    figure = plot_bands(noisy, n=3)
    titles = [ax.get_title() for ax in figure.axes if ax.get_visible()]
    effect = sim.bands(noisy, of="effect")
    last = effect[effect["month"] == noisy.months].copy()
    last["size"] = last["median"].abs()
    expected = [f"{r.source} → {r.target}" for r in last.sort_values("size", ascending=False, kind="stable")
                .head(3).itertuples()]
    assert titles == expected
    assert len(figure.axes[0].collections) == 2  # the 90% and the 50% band


def test_runs_npz_is_written_in_pieces_with_the_bytes_of_whole_arrays(tmp_path, monkeypatch):
    """runs.npz streamed a few runs at a time (issue 25) holds exactly numpy's own .npy files of the whole
    arrays, and a piece smaller than the ensemble gives the same file as one piece."""
    import io
    import zipfile
    from dataclasses import replace

    import numpy as np

    import sim
    from sim.present import files

    scenario = sim.load_scenario("arms_sale_pakistan")
    scenario = replace(scenario, runs=7, months=5, parameters=scenario.parameters.with_overrides({"noise": 0.05}))
    result = sim.run(scenario)
    whole = files.run_arrays(result)
    monkeypatch.setattr(files, "RUNS_A_PIECE", 3)  # 3 + 3 + 1 runs
    assert files.run_arrays(result) == whole
    expected = {"scores": np.rint(result.score_array() * 1e6).astype(np.int32),
                "baseline": np.rint(result.score_array(baseline=True) * 1e6).astype(np.int32),
                "blocs": result.partitions().astype(np.int8)}
    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        assert archive.namelist() == ["scores.npy", "baseline.npy", "blocs.npy"]
        for name, array in expected.items():
            own = io.BytesIO()
            np.lib.format.write_array(own, array, allow_pickle=False)
            assert archive.read(f"{name}.npy") == own.getvalue(), name
    assert files.write_result(result, tmp_path / "out", plots=False, report=False)
    assert (tmp_path / "out" / "runs.npz").read_bytes() == whole


def test_bands_month_by_month_are_numpys_quantiles_of_the_whole_ensemble():
    from dataclasses import replace

    import numpy as np

    import sim
    from sim.results.uncertainty import QUANTILES, band_arrays

    scenario = sim.load_scenario("arms_sale_pakistan")
    scenario = replace(scenario, runs=9, months=4, parameters=scenario.parameters.with_overrides({"noise": 0.05}))
    result = sim.run(scenario)
    for of, values in (("alignment", result.score_array()), ("baseline", result.score_array(baseline=True))):
        assert np.array_equal(band_arrays(result, of), np.quantile(values, QUANTILES, axis=0))
