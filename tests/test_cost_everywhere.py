"""One cost check at every way in (issue 22, High 2): what `sim run` refuses, the page, a saved game, `compare`,
`play`, `sensitivity`, `sweep` and `hindcast` refuse too, with the same words, before any model runs.

The real over-limit scenario (10 actors, 1,000 runs of 240 months: 43 million pair-months) is only estimated,
never run. Elsewhere the limit is lowered for the test (monkeypatch), so that a small scenario is "large"
and the refusal is shown on a run that takes a second.
"""

from __future__ import annotations

import yaml
import pytest

from sim.cli.main import main
from sim.errors import EntenteError
from sim.inputs import cost

BIG = {"name": "big", "months": 240, "runs": 1000, "actors": [{"name": f"Land {i}", "capability": 1}
                                                               for i in range(3)]}
SMALL = {"name": "small", "months": 6, "events": [{"at": 2, "type": "arms_sale", "from": "Russia",
                                                   "to": "Pakistan"}]}


def write(path, data) -> str:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.fixture()
def no_runs(monkeypatch):
    """Fails the test if any model runs: a refusal must come before the engine starts."""
    from sim.results import runner

    def refuse(*args, **kwargs):
        raise AssertionError("the engine ran before the cost check refused")

    monkeypatch.setattr(runner, "run", refuse)


def cli_problem(capsys, *args) -> str:
    assert main([*map(str, args)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err, err
    return err


def test_an_upload_that_sim_run_refuses_is_refused_by_the_page_with_the_same_words(tmp_path, capsys, no_runs):
    from sim.app.session import GameSession

    path = write(tmp_path / "big.yaml", BIG)
    err = cli_problem(capsys, "run", path, "--out", tmp_path / "out", "--no-plots")
    problem = err[len("error: "):err.index(". Lower runs")]
    with pytest.raises(EntenteError) as caught:
        GameSession.uploaded("big.yaml", (tmp_path / "big.yaml").read_bytes())
    page = caught.value.message()
    assert problem in page and "43,380,000 pair-months (limit 25,000,000)" in page
    assert "Lower runs" in page and "python -m sim run FILE --allow-large" in page  # the page cannot lift it
    assert str(tmp_path) not in page


def test_a_saved_game_of_an_over_limit_scenario_is_refused_on_load(no_runs):
    from sim.app.session import load_game
    from sim.classroom.saved_game import GAME_HEADER

    game = GAME_HEADER + yaml.safe_dump({"entente_game": 1, "scenario_data": BIG, "label": "big.yaml", "month": 240})
    with pytest.raises(EntenteError, match="larger than Entente runs without asking"):
        load_game("game.yaml", game.encode())


def test_compare_refuses_either_side_before_running_the_other(tmp_path, capsys, no_runs):
    big = write(tmp_path / "big.yaml", BIG)
    err = cli_problem(capsys, "compare", "s400_india", big)
    assert "the run of" in err and "big.yaml is larger than Entente runs without asking" in err
    assert "--allow-large" in err


def test_play_refuses_a_large_game_before_making_its_folder_and_before_a_turn(tmp_path, capsys, monkeypatch):
    big = write(tmp_path / "big.yaml", BIG)
    err = cli_problem(capsys, "play", big, "--turn", "6", "--state", tmp_path / "game")
    assert "this game is larger" in err
    assert not (tmp_path / "game").exists()

    small = write(tmp_path / "small.yaml", SMALL)
    assert main(["play", small, "--turn", "3", "--state", str(tmp_path / "g"), "--no-plots"]) == 0
    state = (tmp_path / "g" / "game.yaml").read_bytes()
    monkeypatch.setattr(cost, "MAX_PAIR_MONTHS", 100)  # the game's scenario is now over the limit
    err = cli_problem(capsys, "play", "--continue", "--state", tmp_path / "g", "--no-plots")
    assert "this game is larger" in err and "limit 100)" in err
    assert (tmp_path / "g" / "game.yaml").read_bytes() == state  # the turn was not played
    assert main(["play", "--continue", "--state", str(tmp_path / "g"), "--no-plots", "--allow-large"]) == 0


def test_sensitivity_counts_every_point_of_its_design(tmp_path, capsys, monkeypatch):
    from sim.experiments.sensitivity import sensitivity
    from sim.inputs.scenario_file import load_scenario

    scenario = load_scenario("s400_india")
    one = cost.check_scenario(scenario).pair_months
    monkeypatch.setattr(cost, "MAX_PAIR_MONTHS", 5 * one)  # one run fits; 2 x (2 + 1) points and one more do not
    with pytest.raises(EntenteError) as caught:
        sensitivity(scenario, parameters=["memory", "balance"], trajectories=2)
    assert "6 design points and the run as written" in str(caught.value)
    assert f"7 times 1 run x 36 months x 7 actors: {7 * one:,} pair-months" in str(caught.value)
    result = sensitivity(scenario, parameters=["memory", "balance"], trajectories=2, allow_large=True)
    assert len(result.inputs) == 6  # the design size the check counted is the one SALib drew
    err = cli_problem(capsys, "sensitivity", "s400_india", "--parameters", "memory,balance", "--trajectories", 2,
                      "--out", tmp_path / "sens")
    assert "this sensitivity analysis" in err and not (tmp_path / "sens").exists()


SWEEP = {"name": "four", "seed": 1, "runs": 2, "grid": {"memory": [0.05, 0.1, 0.15, 0.2]}}


def test_a_sweep_estimates_its_whole_plan_before_starting(tmp_path, capsys, monkeypatch):
    import sim

    scenario = write(tmp_path / "small.yaml", SMALL)
    grid = write(tmp_path / "sweep.yaml", SWEEP)
    one = cost.check_scenario(sim.load_scenario(scenario)).pair_months  # 1 run
    monkeypatch.setattr(cost, "MAX_PAIR_MONTHS", 2 * 4 * one)  # 4 points of 2 runs fit; the run as written not
    err = cli_problem(capsys, "sweep", scenario, "--grid", grid, "--out", tmp_path / "sweep", "--scheduler", "serial")
    assert "this sweep (4 points and the run as written)" in err and f"{2 * 5 * one:,} pair-months" in err
    assert not (tmp_path / "sweep").exists()
    with pytest.raises(EntenteError, match="this sweep"):
        sim.sweep(scenario, grid, tmp_path / "api", scheduler="serial")
    outcome = sim.sweep(scenario, grid, tmp_path / "api", scheduler="serial", allow_large=True)
    assert outcome.points == 4


def test_hindcast_files_have_the_same_limits(tmp_path, capsys, no_runs):
    big = write(tmp_path / "big.yaml", BIG)
    err = cli_problem(capsys, "hindcast", big)
    assert "this run is larger" in err
