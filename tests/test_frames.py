"""The findings as DataFrames (sim.effects, sim.changes, sim.switches, sim.reactions), changes.csv, and the
short HTML a notebook shows for a Result and a Summary."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import sim
from sim.present.files import read_result, write_result

RUNS = 9


@pytest.fixture(scope="module")
def noisy():
    scenario = sim.load_scenario("arms_sale_pakistan")
    scenario = replace(scenario, months=12, runs=RUNS, seed=3,
                       parameters=scenario.parameters.with_overrides({"noise": 0.1}))
    return sim.run(scenario, summarise=True)


def _long(result, baseline=False):
    """The per-run long table at the last month, indexed by (run, source, target): no arrays involved."""
    table = result.baseline if baseline else result.alignment
    return table[table["month"] == result.months].set_index(["run", "source", "target"])["score"]


def test_effects_are_scenario_minus_baseline_per_pair_with_the_band_over_runs(noisy):
    table = sim.effects(noisy)
    n = len(noisy.actors)
    assert len(table) == n * (n - 1) and list(table.columns) == ["source", "target", "scenario", "baseline",
                                                                   "effect", "effect_low_90", "effect_high_90"]
    assert (table["effect"].abs().diff().dropna() <= 1e-15).all()  # largest |effect| first
    per_run = (_long(noisy) - _long(noisy, baseline=True)).unstack("run")
    for _, row in table.head(4).iterrows():
        values = per_run.loc[(row["source"], row["target"])].to_numpy()
        assert row["effect"] == pytest.approx(values.mean(), abs=1e-12)
        assert row["effect_low_90"] == pytest.approx(np.percentile(values, 5), abs=1e-12)
        assert row["effect_high_90"] == pytest.approx(np.percentile(values, 95), abs=1e-12)
    at_six = sim.effects(noisy, month=6).set_index(["source", "target"])["effect"]
    i, j = noisy.actors.index("India"), noisy.actors.index("Russia")
    assert at_six[("India", "Russia")] == pytest.approx(noisy.effect(6)[i, j], abs=1e-12)
    with pytest.raises(ValueError):
        sim.effects(noisy, month=13)


def test_changes_is_the_summarys_headline_table_with_bands(noisy):
    table = sim.changes(noisy)
    listed = noisy.summary.to_dict()["changes"]  # summary.json's list, as the file writes it
    assert len(table) == len(listed) > 0
    assert table["pair"].iloc[0] == f"{listed[0]['source']} → {listed[0]['target']}"
    for column in ("initial", "final", "baseline_final", "effect", "peak_effect", "peak_month"):
        assert table[column].tolist() == [entry[column] for entry in listed], column
    assert table["events"].iloc[0] == "; ".join(listed[0]["events"])
    first = listed[0]
    per_run = (_long(noisy) - _long(noisy, baseline=True)).unstack("run").loc[(first["source"], first["target"])]
    assert table["effect_low_90"].iloc[0] == pytest.approx(np.percentile(per_run, 5), abs=1e-12)
    assert table["effect_high_90"].iloc[0] == pytest.approx(np.percentile(per_run, 95), abs=1e-12)
    assert table["effect_low_90"].iloc[0] < table["effect_high_90"].iloc[0]  # noise 0.1: the runs differ


def test_switches_and_reactions_count_runs_from_the_tables(noisy):
    blocs = noisy.blocs
    reactions = sim.reactions(noisy)
    events = noisy.events[noisy.events["origin"] == "reaction"]
    assert len(reactions) == len(events.groupby(["actor", "type", "source", "target"]))
    top = reactions.iloc[0]
    happened = events[(events["actor"] == top["actor"]) & (events["type"] == top["type"])
                      & (events["source"] == top["source"]) & (events["target"] == top["target"])]
    assert top["runs"] == happened["run"].nunique() and top["of"] == RUNS
    assert top["probability"] == pytest.approx(top["runs"] / RUNS)
    switches = sim.switches(noisy)
    assert switches["actor"].tolist() == list(noisy.actors) and (switches["of"] == RUNS).all()
    assert set(blocs["run"]) == set(range(1, RUNS + 1))
    probabilities = json.loads(sim.probabilities(noisy).to_json())
    assert switches["runs"].tolist() == [entry["runs"] for entry in probabilities["switches"]]


def test_changes_csv_sits_beside_summary_json_and_reads_with_pandas(noisy, tmp_path):
    write_result(noisy, tmp_path / "a", plots=False, report=False)
    write_result(noisy, tmp_path / "b", plots=False, report=False)
    assert (tmp_path / "a" / "changes.csv").read_bytes() == (tmp_path / "b" / "changes.csv").read_bytes()
    table = pd.read_csv(tmp_path / "a" / "changes.csv")
    summary = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    assert table["pair"].tolist() == [f"{c['source']} → {c['target']}" for c in summary["changes"]]
    assert table["effect"].tolist() == pytest.approx([c["effect"] for c in summary["changes"]], abs=5e-7)
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert "changes.csv" in {entry["name"] for entry in manifest["files"]}
    back = read_result(tmp_path / "a")
    again = sim.changes(back)  # from the folder read back: the same table
    assert again["pair"].tolist() == table["pair"].tolist()
    # runs.nc keeps scores in millionths: a band's interpolated quantile of the stored scores, and the effect
    # of two stored scores, can each be off by up to a millionth
    np.testing.assert_allclose(again["effect_high_90"], table["effect_high_90"], atol=2.5e-6)


def test_one_run_writes_changes_csv_too_and_its_band_is_the_effect(tmp_path):
    result = sim.run("arms_sale_pakistan", summarise=True)
    write_result(result, tmp_path / "one", plots=False, report=False)
    table = pd.read_csv(tmp_path / "one" / "changes.csv")
    assert table.loc[0, "pair"] in {"Pakistan → Russia", "Russia → Pakistan"}  # the parties lead (README)
    assert (table["effect_low_90"] == table["effect"]).all() and (table["effect_high_90"] == table["effect"]).all()


def test_a_notebook_shows_a_short_escaped_table(noisy):
    page = noisy._repr_html_()
    assert page.count("<tr>") == 1 + 5  # the header and the five largest effects, never every pair
    first = noisy.summary.changes[0]
    assert f"{first.source} → {first.target}" in page and f"{RUNS} runs" in page
    summary_page = noisy.summary._repr_html_()
    assert "Blocs at the end" in summary_page and summary_page.count("<tr>") == 6
    hostile = replace(sim.load_scenario("arms_sale_pakistan"), name="<script>alert(1)</script> & co")
    result = sim.run(hostile, summarise=True)
    for text in (result._repr_html_(), result.summary._repr_html_()):
        assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    assert "Not summarised yet" in sim.run("arms_sale_pakistan")._repr_html_()


def test_to_xarray_labels_the_runs_and_agrees_with_runs_nc_read_back(noisy, tmp_path):
    import xarray as xr

    data = noisy.to_xarray()
    assert data["scores"].dims == ("run", "month", "source", "target")
    assert data.sizes == {"run": RUNS, "month": 13, "source": 7, "target": 7, "actor": 7}
    table = noisy.alignment  # the long table, built apart from the arrays
    row = table[(table["run"] == 4) & (table["month"] == 7) & (table["source"] == "India")
                & (table["target"] == "Russia")]
    assert float(data["scores"].sel(run=4, month=7, source="India", target="Russia")) == row["score"].iloc[0]
    assert data.attrs["parameter_noise"] == 0.1 and data.attrs["seed"] == 3
    write_result(noisy, tmp_path / "a", plots=False, report=False)
    back = read_result(tmp_path / "a").to_xarray()  # from the folder: parameters from summary.json
    assert back.attrs["parameter_noise"] == 0.1
    with xr.open_dataset(tmp_path / "a" / "runs.nc") as stored:
        np.testing.assert_allclose(stored["scores"].values, data["scores"].values, atol=5e-7, rtol=0)
        np.testing.assert_allclose(back["baseline"].values, stored["baseline"].values, atol=1e-12, rtol=0)
        np.testing.assert_array_equal(stored["blocs"].values, data["blocs"].values)
