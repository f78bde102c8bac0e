"""sim calibrate: rejection ABC over the training episodes, on the experiments pipeline."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from conftest import ROOT, cli
from sim.errors import EntenteError
from sim.experiments.calibrate import calibrate, prior_draws, refine
from sim.experiments.design import choose_factors
from sim.inputs.scenario_file import load_scenario
from sim.model.parameters import Parameters
from sim.results.expectations import check, distance
from sim.results.runner import run

TRAIN = ["kargil_1999", "crimea_sanctions_2014_2015", "cpec_2015_2017"]
TEST = ["doklam_wuhan_2017_2018"]


@pytest.fixture(scope="module")
def episodes():
    found = {p.stem: p for p in (ROOT / "hindcasts").glob("*.yaml")}
    chosen = [load_scenario(found[name]) for name in TRAIN + TEST]
    assert sum(e.split == "train" for e in chosen) >= 2 and any(e.split == "test" for e in chosen)
    return chosen


@pytest.fixture(scope="module")
def factors():
    return choose_factors(Parameters(), ["audience_scale", "event_scale"])


@pytest.fixture(scope="module")
def fitted(episodes, factors, tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibration")
    return folder, calibrate(episodes, factors, points=8, seed=3, accept=0.25, runs=2, folder=folder)


@pytest.fixture
def posterior_folder(fitted):
    """The fitted calibration's folder with the files `sim calibrate` writes (samples.csv among them)."""
    from sim.experiments.calibrate_report import calibration_files

    folder, result = fitted
    for name, data in calibration_files(result, {}).items():
        (folder / name).write_bytes(data)
    return folder, result


def test_every_draw_s_distance_is_what_its_episodes_give_alone(episodes, factors, fitted):
    """The batched design gives each draw what running each training episode alone with its values gives."""
    _, result = fitted
    for draw in (int(result.accepted[0]), int(np.argmax(result.distance))):
        setting = {f.name: f.at(x) for f, x in zip(factors, result.values[draw])}
        distances = []
        for episode in (e for e in episodes if e.split == "train"):
            alone = dataclasses.replace(episode, runs=2, parameters=episode.parameters.with_overrides(setting))
            distances += [distance(c) for c in check(run(alone), alone) if c.value is not None]
        assert result.distance[draw] == pytest.approx(np.mean(distances), abs=1e-12)


def test_the_closest_share_is_accepted_and_the_posterior_lies_in_the_prior(fitted, factors, episodes):
    _, result = fitted
    assert len(result.accepted) == 2  # 25% of 8
    assert set(result.accepted.tolist()) == set(np.argsort(result.distance, kind="stable")[:2].tolist())
    assert result.threshold == pytest.approx(np.sort(result.distance)[1])
    for row, factor in zip(result.posterior(), factors):
        assert factor.low <= row["q05"] <= row["median"] <= row["q95"] <= factor.high
    assert result.episodes == tuple(e.name for e in episodes if e.split == "train")  # never a test episode


def test_the_same_seed_gives_the_same_draws_and_another_seed_others(factors):
    assert np.array_equal(prior_draws(factors, 8, 3), prior_draws(factors, 8, 3))
    assert not np.array_equal(prior_draws(factors, 8, 3), prior_draws(factors, 8, 4))
    draws = prior_draws(factors, 8, 3)
    for k, factor in enumerate(factors):  # a Latin hypercube: one draw in each eighth of every range
        cells = np.floor((draws[:, k] - factor.low) / (factor.high - factor.low) * 8)
        assert sorted(cells.tolist()) == list(range(8))


def test_a_stopped_calibration_resumes_with_the_same_numbers(episodes, factors, fitted, tmp_path):
    folder, first = fitted
    kept = sorted((folder / "episodes").glob("*.npz"))
    assert len(kept) == sum(e.split == "train" for e in episodes)
    kept[0].unlink()  # as if stopped before the last episode was written
    again = calibrate(episodes, factors, points=8, seed=3, accept=0.25, runs=2, folder=folder)
    assert np.array_equal(again.distance, first.distance) and np.array_equal(again.accepted, first.accepted)
    with pytest.raises(EntenteError, match="another design"):
        calibrate(episodes, factors, points=8, seed=4, accept=0.25, runs=2, folder=folder)
    kept[1].write_bytes(b"not an archive")
    with pytest.raises(EntenteError) as caught:
        calibrate(episodes, factors, points=8, seed=3, accept=0.25, runs=2, folder=folder)
    assert kept[1].name in caught.value.message() and "Delete the file" in caught.value.message()


def test_no_training_episode_is_a_clear_error(episodes, factors):
    with pytest.raises(EntenteError, match="no training episode"):
        calibrate([e for e in episodes if e.split == "test"], factors, points=4)


def test_the_command_writes_the_sample_the_posterior_and_the_test_scores(episodes, tmp_path):
    files = [str(e.file) for e in episodes]
    done = cli("calibrate", *files, "--points", "6", "--runs", "1", "--parameters", "audience_scale,memory",
               "--out", str(tmp_path / "cal"))
    assert done.returncode == 0, done.stderr
    assert "6 draws" in done.stdout and "posterior median   test" in done.stdout
    out = tmp_path / "cal"
    assert {"samples.csv", "posterior.csv", "calibration.json", "posterior.png", "bands.png"} <= {
        p.name for p in out.iterdir()}
    assert (out / "bands.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "samples.csv").read_text(encoding="utf-8").count("\n") == 7
    wrong = cli("calibrate", *files, "--parameters", "memroy", "--out", str(tmp_path / "x"))
    assert wrong.returncode == 2 and "Did you mean 'memory'" in wrong.stderr


def test_runs_drawn_from_the_posterior_carry_its_spread(posterior_folder, tmp_path):
    """sim run --posterior: each run takes an accepted draw (chosen by the run's seed), so the runs differ by
    their parameters; the same seed gives the same files; every run's set is written down."""
    from sim.experiments.calibrate import read_posterior

    folder, result = posterior_folder
    names, draws = read_posterior(folder)
    assert names == ("audience_scale", "event_scale") and len(draws) == len(result.accepted)
    np.testing.assert_allclose(np.sort(draws[:, 1]), np.sort(result.values[result.accepted][:, 1]), atol=1e-5)
    outs = []
    for k in (1, 2):
        out = tmp_path / f"drawn{k}"
        done = cli("run", "arms_sale_pakistan", "--runs", "12", "--posterior", str(folder), "--no-plots",
                   "--no-report", "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert "Parameters drawn for each of the 12 runs" in done.stdout
        outs.append(out)
    assert (outs[0] / "runs.nc").read_bytes() == (outs[1] / "runs.nc").read_bytes()
    drawn = (outs[0] / "parameters_drawn.csv").read_text(encoding="utf-8").splitlines()
    assert drawn[0] == "run,audience_scale,event_scale" and len(drawn) == 13
    used = {tuple(float(x) for x in line.split(",")[1:]) for line in drawn[1:]}
    accepted = {tuple(round(v, 5) for v in row) for row in draws}
    assert {tuple(round(v, 5) for v in row) for row in used} <= accepted and len(used) > 1
    import xarray as xr

    with xr.open_dataset(outs[0] / "runs.nc") as data:  # noise is 0: the runs differ by their parameters
        assert float(data["scores"].isel(month=-1).std("run").max()) > 0.01


def test_a_changed_sample_file_is_refused_before_the_run(posterior_folder, tmp_path):
    folder, _ = posterior_folder
    broken = tmp_path / "broken"
    broken.mkdir()
    lines = (folder / "samples.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[1] = "7.5"  # audience_scale beyond its range (0 to 2)
    (broken / "samples.csv").write_text("\n".join([lines[0], lines[1], ",".join(cells)]) + "\n", encoding="utf-8")
    done = cli("run", "arms_sale_pakistan", "--posterior", str(broken), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "samples.csv, line 3" in done.stderr and "outside its range" in done.stderr
    assert not (tmp_path / "out").exists()
    empty = cli("run", "arms_sale_pakistan", "--posterior", str(tmp_path), "--out", str(tmp_path / "out"))
    assert empty.returncode == 2 and "not a calibration folder" in empty.stderr


@pytest.fixture(scope="module")
def smc(episodes, factors, tmp_path_factory):
    folder = tmp_path_factory.mktemp("smc")
    first = calibrate(episodes, factors, points=16, seed=5, accept=0.25, runs=1, folder=folder)
    return folder, first, refine(first, episodes, generations=2, folder=folder)


def test_abc_smc_tightens_the_tolerance_and_keeps_a_sample_inside_the_prior(smc, factors):
    """Each generation's tolerance is the median distance of the population before it, so it shrinks, and
    the resampled last population sits within the first tolerance and inside the prior's box."""
    _, first, refined = smc
    tolerances = [g["tolerance"] for g in refined.generations]
    assert len(tolerances) == 2 and tolerances[1] <= tolerances[0] <= first.threshold
    assert len(refined.accepted) == len(first.accepted) == 4
    assert refined.distance.max() <= first.threshold + 1e-12
    assert np.mean(refined.distance) < np.mean(first.distance[first.accepted])  # closer to the bands on average
    for k, factor in enumerate(factors):
        assert np.all((refined.values[:, k] >= factor.low) & (refined.values[:, k] <= factor.high))


def test_abc_smc_is_the_same_for_the_same_seed_and_resumes_its_generations(smc, episodes, factors):
    folder, first, refined = smc
    assert (folder / "smc_1" / "episodes").is_dir() and (folder / "smc_2" / "episodes").is_dir()
    again = refine(first, episodes, generations=2, folder=folder)  # every generation read back from its folder
    assert np.array_equal(again.values, refined.values) and again.generations == refined.generations
    fresh = refine(first, episodes, generations=2)
    assert np.array_equal(fresh.values, refined.values)


def test_abc_smc_needs_a_population_and_the_command_runs_it(episodes, factors, tmp_path):
    one = calibrate(episodes, factors, points=4, seed=1, accept=0.25, runs=1)
    with pytest.raises(EntenteError, match="at least 4 accepted draws"):
        refine(one, episodes, generations=1)
    files = [str(e.file) for e in episodes]
    done = cli("calibrate", *files, "--points", "8", "--runs", "1", "--generations", "1", "--parameters",
               "event_scale", "--out", str(tmp_path / "smc"))
    assert done.returncode == 0, done.stderr
    assert "ABC-SMC" in done.stdout and "generation 1: tolerance" in done.stdout
    record = json.loads((tmp_path / "smc" / "calibration.json").read_text(encoding="utf-8"))
    assert record["method"].startswith("ABC-SMC") and record["generations"][0]["proposals"] == 8


def test_the_bands_figure_draws_every_sized_band_once_and_counts_the_hits_as_the_checks_do(episodes):
    """bands.png: one bar per sized expectation with a value, coloured by whether the value is inside the band;
    its hits are the checks' own `held`."""
    from sim.experiments.calibrate import checked
    from sim.experiments.calibrate_report import band_segments, plot_bands

    chosen = [next(e for e in episodes if e.split == "train"), next(e for e in episodes if e.split == "test")]
    checks = checked(chosen, None, 1)
    rows = band_segments(checks)
    hits = {}
    for split, groups in checks.items():
        sized = [c for group in groups for c in group if c.value is not None and c.expectation.measure is not None]
        assert len(rows[split]) == len(sized) > 0
        hits[split] = sum(c.held for c in sized)
        low, high, value = rows[split][:, 0], rows[split][:, 1], rows[split][:, 2]
        assert int(((low <= value) & (value <= high)).sum()) == hits[split]  # each bar where its check put it
    figure = plot_bands({"defaults": checks, "posterior median": checks})
    assert [ax.get_title() for ax in figure.axes] == [
        f"{split}: {hits[split]} of {len(rows[split])} in their band" for split in ("train", "test")]
