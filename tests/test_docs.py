"""The documents tell the truth about the code: parameter defaults, the README's commands, CI."""

import re

from conftest import ROOT
from sim.model.parameters import Parameters, specs



def test_every_parameter_has_a_spec():
    from dataclasses import fields

    declared = specs()
    assert [f.name for f in fields(Parameters)] == [spec.name for spec in declared]
    defaults = Parameters()
    for spec in declared:  # the Spec is read from the one declaration, default included
        assert spec.default == getattr(defaults, spec.name)
        assert spec.choices or spec.low is not None or isinstance(spec.default, bool), spec.name


def test_every_parameter_is_documented_with_its_default():
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", text, flags=re.M))
    defaults = Parameters()
    for spec in specs():
        assert spec.name in rows, spec.name
        value = getattr(defaults, spec.name)
        shown = rows[spec.name]
        if isinstance(value, bool):
            assert shown == str(value).lower()
        elif isinstance(value, str):
            assert shown == value
        else:
            assert float(shown) == value, (spec.name, shown, value)
        assert spec.unit and len(spec.meaning) > 40


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    test_command = next(b for b in blocks if "pytest" in b).strip()
    run_command = next(b for b in blocks if "sim run" in b).strip()
    assert "python3 -m venv" in run_command and "scenarios/" in run_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:40])
    assert test_command in first_screen and run_command in first_screen
    assert "not a forecast" in first_screen


def test_readme_names_only_scenarios_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in set(re.findall(r"scenarios/[\w]+\.yaml", readme)):
        if "my_scenario" not in path:
            assert (ROOT / path).exists(), path


def test_the_readme_excerpt_is_what_the_command_prints(tmp_path):
    from sim.cli.main import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = re.search(r"```text\n(.*?)\n```", readme, flags=re.S).group(1)
    rows = [line for line in excerpt.splitlines() if "→" in line or line.startswith(("scenarios/", "A lens"))]
    assert len(rows) >= 6
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["run", str(ROOT / "scenarios" / "arms_sale_pakistan.yaml"), "--out", str(tmp_path / "o"),
                     "--no-plots"]) == 0
    output = printed.getvalue().replace(str(ROOT) + "/", "")
    for row in rows:
        assert row in output, row


BUNDLED = sorted(path.stem for path in (ROOT / "scenarios").glob("*.yaml"))


def _commands_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^## Commands\n+```bash\n(.*?)\n```", readme, flags=re.S | re.M).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_every_bundled_scenario_has_a_sweep_file_whose_event_comments_name_its_events():
    """examples/sweeps/NAME.yaml reads against scenario NAME; an event index is named by its note beside it."""
    from sim.experiments.design import apply_variant
    from sim.experiments.sweep_file import load_sweep
    from sim.inputs.scenario_file import load_scenario

    assert {path.stem for path in (ROOT / "examples" / "sweeps").glob("*.yaml")} == set(BUNDLED)
    for name in BUNDLED:
        path = ROOT / "examples" / "sweeps" / f"{name}.yaml"
        scenario = load_scenario(name)
        plan = load_sweep(path, scenario)
        for variant in plan.variants:
            apply_variant(scenario, variant)  # raises if the variant does not fit the scenario
        for line in path.read_text(encoding="utf-8").splitlines():
            data, _, comment = line.partition("#")
            used = re.findall(r"events_(?:off|only): \[([\d, ]+)\]|event: (\d+)", data)
            indices = {int(i) for off, one in used for i in (off or one).split(",")}
            if not indices:
                continue
            named = {int(i) for i in re.findall(r"events\[(\d+)\]", comment)}
            assert named == indices, f"{path.name}: {line.strip()!r} must name events {sorted(indices)}"
            note = comment.rsplit(":", 1)[1].strip()
            for index in indices:  # a meeting of several actors is split into events that share its place
                notes = {event.note for event in scenario.events if event.place == f"events[{index}]"}
                assert notes == {note}, (path.name, index, notes)


def test_the_readme_sweep_commands_run_as_written(tmp_path):
    """The Commands block's two sweep lines, verbatim, in a fresh folder holding the checkout's examples/."""
    import shlex
    import shutil

    from conftest import cli

    lines = [line for line in _commands_block() if line.startswith("python -m sim sweep")]
    assert len(lines) == 2 and "--summarise" in lines[1]
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for line in lines:
        for word in shlex.split(line):
            if word.endswith(".yaml"):
                assert (ROOT / word).is_file(), f"the README's sweep line names {word}, which does not exist"
        done = cli(*shlex.split(line)[3:], cwd=tmp_path)
        assert done.returncode == 0, (line, done.stderr)
    table = (tmp_path / "results" / "sweep" / "sweep.csv").read_text(encoding="utf-8").splitlines()
    assert len(table) == 1 + 2 * 4  # two memory values x four variants
    assert "no S-400" in "\n".join(table) and "first bloc" in done.stdout + table[0]
