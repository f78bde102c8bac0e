"""The command line end to end, in a temporary folder, as a student would use it."""

import json
import subprocess
import sys

import pytest

from conftest import DATA_FILES, MULTI_RUN_FILES, ROOT, SCENARIOS, cli, digest, sim
from sim.cli.main import main


def test_run_end_to_end(tmp_path):
    out = tmp_path / "arms"
    done = sim("run", str(SCENARIOS / "arms_sale_pakistan.yaml"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for heading in ("Blocs", "Shifts", "Largest effects", "Files", "not a forecast"):
        assert heading in text
    assert "Russia → Pakistan" in text or "Pakistan → Russia" in text
    for name in DATA_FILES + ["pairs_over_time.png", "heatmaps.png", "bloc_map.png", "manifest.json"]:
        assert (out / name).stat().st_size > 0, name
    header = (out / "alignment.csv").read_text().splitlines()[0]
    assert header == "run,month,source,target,score"
    assert (out / "blocs.csv").read_text().splitlines()[0] == "run,month,actor,bloc"
    assert (out / "events.csv").read_text().splitlines()[0] == \
        "run,month,type,source,target,intensity,origin,actor,probability,reason"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["months"] == 36 and summary["seed"] == 0 and summary["runs"] == 1
    assert set(summary["blocs"]) >= {"initial", "final"}
    first = summary["changes"][0]
    assert set(first) >= {"source", "target", "initial", "final", "baseline_final", "effect", "peak_effect",
                          "peak_month"}
    assert first["effect"] == pytest.approx(first["final"] - first["baseline_final"], abs=2e-6)


def test_two_runs_give_byte_identical_data_files(tmp_path):
    scenario = str(SCENARIOS / "russia_pakistan_rapprochement.yaml")
    assert main(["run", scenario, "--out", str(tmp_path / "a"), "--runs", "2", "--quiet"]) == 0
    assert main(["run", scenario, "--out", str(tmp_path / "b"), "--runs", "2", "--quiet"]) == 0
    assert digest(tmp_path / "a", MULTI_RUN_FILES) == digest(tmp_path / "b", MULTI_RUN_FILES)
    assert main(["run", scenario, "--out", str(tmp_path / "d"), "--runs", "2", "--quiet", "--no-plots",
                 "--full"]) == 0
    assert digest(tmp_path / "a", MULTI_RUN_FILES) == digest(tmp_path / "d", MULTI_RUN_FILES)
    assert (tmp_path / "d" / "alignment.csv").exists() and not (tmp_path / "a" / "alignment.csv").exists()
    assert main(["run", scenario, "--out", str(tmp_path / "c"), "--seed", "7", "--quiet", "--no-plots"]) == 0
    summary = json.loads((tmp_path / "c" / "summary.json").read_text())
    assert summary["seed"] == 7


def test_rerun_replaces_an_earlier_result(tmp_path, capsys):
    scenario = str(SCENARIOS / "quad_intelligence_meeting.yaml")
    out = tmp_path / "quad"
    assert main(["run", scenario, "--out", str(out), "--no-plots", "--quiet"]) == 0
    assert main(["run", scenario, "--out", str(out), "--quiet"]) == 0
    assert (out / "heatmaps.png").exists()


def test_default_output_folder_is_named_after_the_scenario(tmp_path):
    local = tmp_path / "my_scenario.yaml"
    local.write_text("name: Quiet\nmonths: 3\n", encoding="utf-8")
    done = cli("run", str(local), "--no-plots", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "results" / "my_scenario" / "alignment.csv").exists()


def test_refuses_a_folder_it_did_not_write(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    done = cli("run", str(SCENARIOS / "baseline.yaml"), "--out", str(out))
    assert done.returncode == 2 and "--force" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
    done = cli("run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--force", "--no-plots")
    assert done.returncode == 0, done.stderr
    assert (out / "thesis.docx").read_text() == "precious" and (out / "alignment.csv").exists()


def test_validate_ok_and_list_and_schema():
    done = cli("validate", str(SCENARIOS / "s400_india.yaml"))
    assert done.returncode == 0 and "OK" in done.stdout
    listing = cli("list")
    assert listing.returncode == 0
    for word in ("arms_sale", "062", "Taliban", "arms_sale_pakistan", "memory", "per month"):
        assert word in listing.stdout
    schema = json.loads(cli("schema").stdout)
    assert schema["properties"]["events"]["items"]["properties"]["type"]["enum"]


def test_the_published_schema_accepts_every_bundled_scenario():
    import jsonschema
    import yaml

    schema = json.loads(cli("schema").stdout)
    for path in SCENARIOS.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "evnts": []}, schema)


@pytest.mark.parametrize("command", [["validate", "scenarios/s400_india.yaml"], ["list"]])
def test_validate_and_list_stay_light(command):
    # The CLI must not pay for Mesa, pandas or matplotlib to check a file or list what there is.
    code = (f"import sys; from sim.cli import main; main({command!r}); "
            "heavy = [m for m in ('mesa', 'matplotlib', 'pandas') if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_bad_cli_values_are_explained(tmp_path):
    done = cli("run", str(SCENARIOS / "baseline.yaml"), "--runs", "0", "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "--runs" in done.stderr
    done = cli("run", str(tmp_path / "missing.yaml"))
    assert done.returncode == 2 and "missing.yaml" in done.stderr and "Traceback" not in done.stderr


def test_identical_runs_are_pointed_out(tmp_path, capsys):
    quiet = str(SCENARIOS / "baseline.yaml")  # no events, so no reactions: without noise, every run is the same
    assert main(["run", quiet, "--runs", "2", "--out", str(tmp_path / "a"), "--no-plots"]) == 0
    assert "runs are identical because parameters.noise is 0 and no actor reacted" in capsys.readouterr().out
    reacting = str(SCENARIOS / "arms_sale_pakistan.yaml")  # reactions are drawn run by run, even without noise
    assert main(["run", reacting, "--runs", "10", "--out", str(tmp_path / "r"), "--no-plots"]) == 0
    assert "differ only in the reactions each draws by chance" in capsys.readouterr().out
    noisy = tmp_path / "noisy.yaml"
    noisy.write_text("name: noisy\nmonths: 6\nruns: 3\nparameters: {noise: 0.05}\n", encoding="utf-8")
    assert main(["run", str(noisy), "--out", str(tmp_path / "b"), "--no-plots"]) == 0
    assert "means over 3 runs" in capsys.readouterr().out


def test_validate_reports_every_broken_file_and_recognises_other_file_kinds(capsys):
    code = main(["validate", str(SCENARIOS / "baseline.yaml"), str(ROOT / "seeds" / "relations.yaml"),
                 str(ROOT / "tests" / "broken_scenarios" / "01_unknown_actor.yaml")])
    captured = capsys.readouterr()
    assert code == 2
    assert "baseline.yaml: OK" in captured.out
    assert "looks like a relations file" in captured.err and "Did you mean 'Russia'" in captured.err


def test_a_written_result_reads_back_for_a_notebook(tmp_path):
    import pandas as pd

    import sim

    result = sim.run(SCENARIOS / "quad_intelligence_meeting.yaml", summarise=True)
    sim.write_result(result, tmp_path / "quad", plots=False)
    again = sim.read_result(tmp_path / "quad")
    assert again.actors == result.actors and again.months == result.months
    assert again.summary == result.summary  # the typed Summary survives summary.json unchanged
    assert again.n_blocs == result.n_blocs and again.capabilities == result.capabilities
    pd.testing.assert_frame_equal(again.alignment, result.alignment, atol=1e-6, check_dtype=False)
    pd.testing.assert_frame_equal(again.baseline, result.baseline, atol=1e-6, check_dtype=False)
    assert (again.effect() - result.effect()).__abs__().max() < 1e-5


def test_a_bundled_scenario_runs_by_name_from_any_folder(tmp_path):
    done = sim("run", "s400_india", "--no-plots", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    header = done.stdout.splitlines()[1]
    assert header.startswith("s400_india (bundled) · "), header  # not a path inside site-packages
    assert (tmp_path / "results" / "s400_india" / "alignment.csv").exists()
    summary = json.loads((tmp_path / "results" / "s400_india" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario_file"] == "s400_india (bundled)"


def test_a_misspelt_scenario_name_suggests_the_bundled_one(tmp_path):
    done = cli("validate", "s400_indai", cwd=tmp_path)
    assert done.returncode == 2 and "Did you mean 's400_india'?" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("option, limit", [("--runs", "MAX_RUNS"), ("--seed", "MAX_SEED"), ("--blocs", "MAX_BLOCS")])
def test_cli_limits_are_the_schemas(option, limit, tmp_path, capsys):
    from sim.inputs import schema

    highest = getattr(schema, limit)
    scenario = str(SCENARIOS / "baseline.yaml")
    assert main(["run", scenario, option, str(highest + 1), "--out", str(tmp_path / "x")]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {option} must be") and f"to {highest}, got {highest + 1}" in error
    assert not (tmp_path / "x").exists()


def test_an_error_is_printed_by_one_function_only():
    # Every `error:` line goes through sim.cli.main.print_error (so its wording and safety live in one place).
    printers = [path.relative_to(ROOT).as_posix() for path in (ROOT / "sim").rglob("*.py")
                if 'f"error:' in path.read_text(encoding="utf-8")]
    assert printers == ["sim/cli/main.py"]
    assert (ROOT / "sim" / "cli" / "main.py").read_text(encoding="utf-8").count('f"error:') == 1
