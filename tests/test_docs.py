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
    rows = [line for line in excerpt.splitlines() if "→" in line or line.startswith("scenarios/")]
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
