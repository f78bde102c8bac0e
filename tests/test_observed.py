"""Observed targets for hindcasts: an event-data series scored through the observation model
(sim/results/observation.py), its input checks, and the real one-month ICEWS sample, which cannot fit it."""

import json
import re

import numpy as np
import pytest

from conftest import ROOT, cli
from sim.errors import EntenteError
from sim.inputs.event_data import EventSeries
from sim.inputs.event_series import calendar_month, read_event_series
from sim.inputs.resources import bundled_hindcasts
from sim.inputs.scenario_file import load_scenario
from sim.model.scenario import Observed
from sim.results.observation import score_observed
from sim.results.runner import run

EPISODE = ROOT / "hindcasts" / "jcpoa_withdrawal_2018_2020.yaml"  # month 1 is May 2018
START = "2018-05"
PAIRS = [("US", "Iran"), ("Iran", "US"), ("India", "Pakistan"), ("China", "Pakistan"), ("India", "US"),
         ("Russia", "US"), ("China", "Russia")]  # starting scores from -0.6 to +0.7
ICEWS = ROOT / "tests" / "data" / "icews" / "events.2018-06.sample.tab"


@pytest.fixture(scope="module")
def episode():
    scenario = load_scenario(EPISODE)
    result = run(scenario)
    return scenario, result.trajectory(), result.trajectory(baseline=True), list(result.actors)


def write_series(path, values: dict) -> None:
    """A series in the layout `sim data events` writes, by its own writer: each month of a pair is one event
    whose Goldstein score is the value wanted, so goldstein_mean is that value."""
    series = EventSeries(tuple(sorted({name for key in values for name in key[1:]})), "icews")
    for (month, source, target), value in values.items():
        series.add(month, source, target, 0 if value >= 0 else 2, float(value))
    path.write_text(series.to_csv(), encoding="utf-8")


def synthetic(trajectory, actors, slope, c, noise, seed, opposite=False, before=24):
    """observed = c + slope·score + noise before and during the episode; `opposite`: the observed series
    moves by as much as the model's scores, the other way."""
    rng = np.random.default_rng(seed)
    values = {}
    for source, target in PAIRS:
        i, j = actors.index(source), actors.index(target)
        start = trajectory[0, i, j]
        for k in range(before, 0, -1):
            values[(calendar_month(START, -k), source, target)] = c + slope * start + rng.normal(0, noise)
        for k in range(1, trajectory.shape[0]):
            score = 2 * start - trajectory[k, i, j] if opposite else trajectory[k, i, j]
            values[(calendar_month(START, k - 1), source, target)] = c + slope * score + rng.normal(0, noise)
    return {key: round(float(value), 4) for key, value in values.items()}


def observed(file, before=24) -> Observed:
    return Observed(file=str(file), start=START, pairs=tuple(PAIRS), measure="goldstein_mean", before=before)


def test_calendar_months_roll_over_the_year():
    assert calendar_month("2018-05", -5) == "2017-12" and calendar_month("2018-05", 8) == "2019-01"
    assert calendar_month("2000-01", -1) == "1999-12" and calendar_month("2018-05", 0) == "2018-05"


def test_a_series_from_a_known_lambda_and_c_gives_them_back(episode, tmp_path):
    _, trajectory, baseline, actors = episode
    file = tmp_path / "series.csv"
    write_series(file, synthetic(trajectory, actors, slope=6.0, c=0.5, noise=0.3, seed=11))
    fit = score_observed(observed(file), trajectory, baseline, actors)
    assert fit.fitted and fit.points_before == 24 * len(PAIRS) and fit.points_during == 24 * len(PAIRS)
    assert fit.slope == pytest.approx(6.0, abs=max(3 * fit.slope_se, 0.2)) and fit.slope_se < 0.2
    assert fit.intercept == pytest.approx(0.5, abs=0.1)
    assert all(p.intercept == pytest.approx(0.5, abs=0.25) for p in fit.pairs), "each pair's c"
    assert fit.rmse == pytest.approx(0.3, abs=0.06), "after the fit only the noise is left"
    assert fit.correlation > 0.8 and fit.skill > 0.5 and fit.rmse < fit.rmse_null and fit.warning is None


def test_a_series_that_moves_against_the_model_scores_below_the_null(episode, tmp_path):
    _, trajectory, baseline, actors = episode
    file = tmp_path / "series.csv"
    write_series(file, synthetic(trajectory, actors, slope=6.0, c=0.5, noise=0.3, seed=12, opposite=True))
    fit = score_observed(observed(file), trajectory, baseline, actors)
    assert fit.slope > 0, "λ comes from the months before, which the reversal does not touch"
    assert fit.correlation < -0.5 and fit.skill < 0 and fit.rmse > fit.rmse_null


def test_the_null_is_the_same_runs_without_the_events_so_events_that_change_nothing_score_0(tmp_path):
    actors = ["A", "B", "C"]
    months = 6
    trajectory = np.zeros((months + 1, 3, 3))
    trajectory[:, 0, 1], trajectory[:, 1, 2] = -0.5, 0.5
    trajectory[1:, 0, 1] += np.linspace(0.05, 0.3, months)  # the pair drifts up, with or without the events
    baseline = trajectory.copy()
    rng = np.random.default_rng(3)
    values = {(calendar_month(START, k), a, b): round(float(rng.normal(0, 2)), 4)
              for k in range(-12, months) for a, b in (("A", "B"), ("B", "C"))}
    write_series(tmp_path / "s.csv", values)
    spec = Observed(file=str(tmp_path / "s.csv"), start=START, pairs=(("A", "B"), ("B", "C")),
                    measure="goldstein_mean")
    fit = score_observed(spec, trajectory, baseline, actors)
    assert fit.fitted and fit.skill == pytest.approx(0.0, abs=1e-12) and fit.rmse == pytest.approx(fit.rmse_null)
    moved = trajectory.copy()
    moved[1:, 0, 1] += 0.2  # now the events add to the drift: the model and the null part
    assert score_observed(spec, moved, baseline, actors).skill != pytest.approx(0.0, abs=1e-6)


def test_no_fit_without_a_spread_of_starting_scores_or_without_episode_months(episode, tmp_path):
    _, trajectory, baseline, actors = episode
    file = tmp_path / "series.csv"
    values = synthetic(trajectory, actors, slope=6.0, c=0.5, noise=0.3, seed=13)
    write_series(file, {key: v for key, v in values.items() if key[1:] in {("US", "Iran"), ("Iran", "US")}})
    fit = score_observed(observed(file), trajectory, baseline, actors)  # both start at -0.5: λ is not identified
    assert not fit.fitted and "starting scores differ" in fit.reason and fit.slope is None and fit.skill is None
    write_series(file, {key: v for key, v in values.items() if key[0] < START})
    fit = score_observed(observed(file), trajectory, baseline, actors)
    assert not fit.fitted and "no month of the episode" in fit.reason and fit.rmse is None


def test_the_real_icews_sample_goes_through_and_is_plainly_not_fitted(tmp_path):
    assert cli("data", "events", ICEWS, "--out", tmp_path / "june.csv").returncode == 0
    text = EPISODE.read_text(encoding="utf-8").replace(
        "expect:\n", "observed: {file: june.csv, start: 2018-05, pairs: [[Iran, US], [US, Iran], [Russia, US], "
                     "[India, Pakistan]]}\nexpect:\n", 1)
    (tmp_path / "episode.yaml").write_text(text, encoding="utf-8")
    done = cli("hindcast", tmp_path / "episode.yaml")
    assert done.returncode == 0, done.stderr
    assert "observed: net_cooperation from june.csv, month 1 = 2018-05" in done.stdout
    assert re.search(r"not fitted: no month before the episode .*covers one month only, 2018-06.*one month of "
                     r"data cannot both fit it and score the episode", done.stdout)
    assert "observed targets: 1 episode (0 fitted)" in done.stdout and "λ =" not in done.stdout
    checked = cli("validate", tmp_path / "episode.yaml")
    assert checked.returncode == 0 and "observed: net_cooperation of 4 pairs from june.csv, month 1 = 2018-05: 0 " \
        "pair-months in the 12 months before, 3 during" in checked.stdout
    data = json.loads(cli("hindcast", "--json", tmp_path / "episode.yaml").stdout)
    card = data["episodes"][0]["observed"]
    assert card["fitted"] is False and card["lambda"] is None and card["skill"] is None
    assert card["series_months"] == ["2018-06", "2018-06"] and card["points_before"] == 0
    assert card["points_during"] >= 3, "June 2018 is month 2: the sample's events are read, just not enough"
    assert data["splits"]["test"]["observed"] == 1 and data["splits"]["test"]["observed_fitted"] == 0


def test_the_command_prints_the_fit_and_its_scores(episode, tmp_path):
    _, trajectory, baseline, actors = episode
    write_series(tmp_path / "series.csv", synthetic(trajectory, actors, slope=6.0, c=0.5, noise=0.3, seed=11))
    pairs = ", ".join(f"[{a}, {b}]" for a, b in PAIRS)
    text = EPISODE.read_text(encoding="utf-8").replace(
        "expect:\n", f"observed: {{file: series.csv, start: 2018-05, pairs: [{pairs}], measure: goldstein_mean, "
                     f"before: 24}}\nexpect:\n", 1)
    (tmp_path / "episode.yaml").write_text(text, encoding="utf-8")
    done = cli("hindcast", tmp_path / "episode.yaml")
    assert done.returncode == 0, done.stderr
    slope = float(re.search(r"λ = ([+-][\d.]+) ± ([\d.]+)", done.stdout).group(1))
    assert slope == pytest.approx(6.0, abs=0.3) and "168 pair-months before, 168 during" in done.stdout
    assert re.search(r"correlation of changes \+0\.\d\d, RMSE 0\.\d+ \(zero effect \d\.\d+\), skill \+0\.\d\d",
                     done.stdout)
    assert "observed targets: 1 episode (1 fitted)" in done.stdout


@pytest.mark.parametrize("observed_entry, field, words", [
    ("{file: missing.csv, start: 2018-05, pairs: [[US, Iran]]}", "observed.file", "does not exist"),
    ("{file: june.csv, start: 2018-5, pairs: [[US, Iran]]}", "observed.start", "not a month written YYYY-MM"),
    ("{file: june.csv, start: 2018-06, pairs: [[US, Iran]]}", "observed.start", "Month 1 is May 2018"),
    ("{file: june.csv, start: 2018-05, pairs: [[US, Atlantis]]}", "observed.pairs[0][1]", "unknown actor 'Atlantis'"),
    ("{file: june.csv, start: 2018-05, pairs: [[US, US]]}", "observed.pairs[0]", "two different actors"),
    ("{file: june.csv, start: 2018-05, pairs: [[US, Iran]], measure: goldstein}", "observed.measure",
     "unknown value 'goldstein'"),
    ("{file: june.csv, start: 2018-05}", "observed", "required key 'pairs'"),
])
def test_a_broken_observed_entry_is_one_paragraph_with_its_line(tmp_path, observed_entry, field, words):
    (tmp_path / "june.csv").write_text("month,source,target,events,goldstein_mean,net_cooperation\n",
                                       encoding="utf-8")
    text = EPISODE.read_text(encoding="utf-8").replace("expect:\n", f"observed: {observed_entry}\nexpect:\n", 1)
    (tmp_path / "episode.yaml").write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"observed: {observed_entry}") + 1
    done = cli("hindcast", tmp_path / "episode.yaml")
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stdout == ""
    assert words in done.stderr and field in done.stderr and f"episode.yaml, line {line}" in done.stderr


@pytest.mark.parametrize("content, line, words", [
    ("", 1, "the file is empty"),
    ("month,source,target,events,net_cooperation\n", 1, "no column 'goldstein_mean'"),
    ("month,source,target,events,goldstein_mean,net_cooperation\n2018-06,US,Iran,2,-3,-1\n2018-13,US,Iran,1,1,1\n",
     3, "the month '2018-13' is not a month written YYYY-MM"),
    ("month,source,target,events,goldstein_mean,net_cooperation\n2018-06,US,Iran,2,-3,abc\n", 2,
     "net_cooperation is 'abc', not a number from -1 to 1"),
    ("month,source,target,events,goldstein_mean,net_cooperation\n2018-06,US,Iran,0,-3,-1\n", 2,
     "events is '0'"),
    ("month,source,target,events,goldstein_mean,net_cooperation\n2018-06,US,Iran,2,-3,-1\n2018-06,US,Iran,2,-3,-1\n",
     3, "US → Iran in 2018-06 has a row already"),
    ("month,source,target,events,goldstein_mean,net_cooperation\n2018-06,US,Iran\n", 2, "the row has 3 columns"),
])
def test_a_malformed_series_is_refused_with_its_line_by_the_command(tmp_path, content, line, words):
    (tmp_path / "series.csv").write_text(content, encoding="utf-8")
    with pytest.raises(EntenteError) as caught:
        read_event_series(tmp_path / "series.csv")
    assert words in caught.value.message() and caught.value.line == line
    text = EPISODE.read_text(encoding="utf-8").replace(
        "expect:\n", "observed: {file: series.csv, start: 2018-05, pairs: [[US, Iran], [Iran, US]]}\nexpect:\n", 1)
    (tmp_path / "episode.yaml").write_text(text, encoding="utf-8")
    for command in ("hindcast", "validate"):
        done = cli(command, tmp_path / "episode.yaml")
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert words in done.stderr and f"series.csv, line {line}" in done.stderr


def test_the_writer_s_csv_reads_back_as_written_and_as_a_spreadsheet_saves_it(tmp_path):
    assert cli("data", "events", ICEWS, "--out", tmp_path / "june.csv").returncode == 0
    series = read_event_series(tmp_path / "june.csv")
    text = (tmp_path / "june.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(series) == len(lines) - 1 and all(key[0] == "2018-06" for key in series)
    first = lines[1].split(",")
    found = series[(first[0], first[1], first[2])]
    assert found.events == int(first[3]) and found.values["net_cooperation"] == float(first[-1])
    (tmp_path / "saved.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())  # BOM, CRLF
    assert read_event_series(tmp_path / "saved.csv") == series


def test_no_bundled_episode_claims_observed_targets():
    assert all(load_scenario(path).observed is None for path in bundled_hindcasts()), \
        "we hold no event data for the episodes' years (only the one-month ICEWS sample of June 2018)"
