"""CONTRIBUTING.md's how-tos, followed step by step on temporary copies: each one must still work as written.

If a test here fails after a refactoring, the how-to no longer matches the code: change both together.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest

from conftest import ARTICLE, ROOT, cli, default_actors, sim, source_env

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
DATA = ROOT / "sim" / "data"


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", GUIDE, flags=re.M | re.S)
    assert match, f"CONTRIBUTING.md has no section {title!r}"
    return match.group(1)


def data_copy(tmp_path: Path) -> Path:
    """A full copy of sim/data, as the how-tos say, for ENTENTE_DATA_DIR."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return copy


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def goldstein_of(code: str) -> float:
    """The shipped CAMEO table's weight (GDELT column), as the how-to says to copy it."""
    for row in csv.DictReader(open(DATA / "cameo_goldstein.tsv", encoding="utf-8"), delimiter="\t"):
        if row["code"] == code:
            return float(row["goldstein_gdelt"])
    raise AssertionError(f"CAMEO code {code} is not in cameo_goldstein.tsv")


def test_every_file_and_function_the_guide_names_exists():
    for path in sorted(set(re.findall(r"`((?:sim|tests|bench|docs)/[\w/.]+\.(?:py|yaml|md|tsv))", GUIDE))):
        assert (ROOT / path).is_file(), f"CONTRIBUTING.md names {path}, which does not exist"
    from sim.model import dynamics, parameters
    from sim.inputs import resources, tables
    from sim.present import figures

    for module, name in [(parameters, "Parameters"), (parameters, "_declare"), (dynamics, "Rates"),
                         (dynamics, "drift"), (dynamics, "event_impulse"), (figures, "FIGURES"),
                         (figures, "save_plots"), (tables, "load_codebook"), (resources, "DATA_DIR_VARIABLE")]:
        assert hasattr(module, name), f"{module.__name__}.{name} (named in CONTRIBUTING.md) is gone"
    assert resources.DATA_DIR_VARIABLE in GUIDE


# --- add an event type -------------------------------------------------------------------------------------

def test_add_an_event_type_as_the_guide_says(tmp_path):
    block = re.search(r"```yaml\n(.*?)```", section("Add an event type"), flags=re.S).group(1)
    entry = textwrap.indent(textwrap.dedent(block), "  ")  # the guide's block, as an entry under types:
    assert "troop_mobilisation:" in entry and 'cameo: "154"' in entry
    # The weight in the guide is the shipped table's, as step 1 says.
    assert float(re.search(r"goldstein: (-?[\d.]+)", entry).group(1)) == goldstein_of("154")
    data = data_copy(tmp_path)
    codebook = data / "codebook.yaml"
    codebook.write_text(codebook.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry, encoding="utf-8")
    env = source_env(ENTENTE_DATA_DIR=str(data))

    listed = cli("list", "events", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "troop_mobilisation" in listed.stdout

    scenario = tmp_path / "mobilisation.yaml"
    scenario.write_text("name: India mobilises on the border\nmonths: 12\n"
                        "parameters: {reaction_ceiling: 1}\nevents:\n"  # an answer certain, so the test sees it
                        "  - {at: 2, type: troop_mobilisation, from: India, to: Pakistan}\n", encoding="utf-8")
    done = cli("run", scenario, "--out", tmp_path / "out", "--no-plots", env=env)
    assert done.returncode == 0, done.stderr
    events = read_csv(tmp_path / "out" / "events.csv")
    assert any(e["type"] == "troop_mobilisation" and e["origin"] == "scenario" for e in events)
    # Its counter-move, declared in the entry, is what Pakistan answers with (hostile: the target answers).
    assert any(e["type"] == "troop_mobilisation" and e["origin"] == "reaction" and e["source"] == "Pakistan"
               for e in events), events
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    change = next(c for c in summary["changes"] if (c["source"], c["target"]) == ("India", "Pakistan"))
    assert change["effect"] < 0  # a hostile act cools the pair

    without = cli("validate", scenario)  # the bundled codebook does not know the type
    assert without.returncode == 2 and "troop_mobilisation" in without.stderr


def test_a_data_dir_without_tables_is_refused_with_the_fix(tmp_path):
    done = cli("list", "events", env=source_env(ENTENTE_DATA_DIR=str(tmp_path)))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "ENTENTE_DATA_DIR" in done.stderr and "Copy the whole of sim/data" in done.stderr


# --- add a mechanism to the dynamics ---------------------------------------------------------------------------

def _edit(path: Path, anchor: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, f"the how-to's place in {path.name} ({anchor.strip()!r}) has moved"
    path.write_text(text.replace(anchor, replacement), encoding="utf-8")


def test_add_a_mechanism_as_the_guide_says(tmp_path):
    """Steps 1-3 on a copy of the package: a pull towards neutral, declared once, off by default."""
    for folder in ("sim", "seeds", "scenarios"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    core = tmp_path / "sim" / "model"
    # 1. The parameter, declared once, with a default that switches it off.
    _edit(core / "parameters.py", "\n    def with_overrides(", '''
    neutral_pull: float = _declare(
        0.0, "per month",
        "A toy mechanism from CONTRIBUTING.md: the share of each score that fades towards neutral each month "
        "whatever the baseline says.",
        0.0, 1.0)

    def with_overrides(''')
    # 2. The rate, into the kernel's one Rates object.
    _edit(core / "dynamics.py", "    balance_mode: str = TRIAD\n",
          "    balance_mode: str = TRIAD\n    neutral: float = 0.0\n")
    _edit(core / "parameters.py", "balance_mode=self.balance_mode)",
          "balance_mode=self.balance_mode, neutral=self.neutral_pull)")
    # 3. The term, in dynamics.drift.
    _edit(core / "dynamics.py", "    memory = rates.memory * (baseline - a)\n",
          "    memory = rates.memory * (baseline - a) - rates.neutral * a\n")
    env = {**source_env(), "PYTHONPATH": str(tmp_path)}

    listed = sim("list", "parameters", cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    assert "neutral_pull = 0.0 (per month)" in listed.stdout

    def final_scores(folder: str, *, cwd: Path, environment, pull: float | None = None) -> np.ndarray:
        scenario = tmp_path / f"{folder}.yaml"
        extra = f"parameters: {{neutral_pull: {pull}}}\n" if pull is not None else ""
        scenario.write_text(f"name: quiet\nmonths: 24\n{extra}", encoding="utf-8")
        done = sim("run", scenario, "--out", tmp_path / folder, "--no-plots", cwd=cwd, env=environment)
        assert done.returncode == 0, done.stderr
        rows = [r for r in read_csv(tmp_path / folder / "alignment.csv") if r["month"] == "24"]
        return np.array([float(r["score"]) for r in rows])

    original = final_scores("original", cwd=ROOT, environment=source_env())
    off = final_scores("off", cwd=tmp_path, environment=env)
    on = final_scores("on", cwd=tmp_path, environment=env, pull=0.2)
    assert (tmp_path / "original" / "alignment.csv").read_bytes() == (tmp_path / "off" / "alignment.csv").read_bytes()
    assert np.abs(on).mean() < 0.5 * np.abs(off).mean()  # the new term does what it says
    assert np.allclose(original, off)


def test_the_parameter_table_lists_exactly_the_declared_parameters():
    """Step 4: docs/model.md's table holds every declared parameter and no removed one."""
    from sim.model.parameters import specs

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+?) \|", text, flags=re.M)
    declared = {spec.name: spec.unit for spec in specs()}
    assert [name for name, _ in rows] == list(declared)
    for name, unit in rows:
        assert unit == declared[name], (name, unit)


# --- add a figure -------------------------------------------------------------------------------------------

def test_a_registered_figure_is_written_into_the_result_folder(tmp_path, monkeypatch):
    import sim as api
    from sim.present import figures

    def plot_effect_histogram(result):
        from matplotlib.figure import Figure

        figure = Figure(figsize=(4, 3))
        axes = figure.add_subplot()
        effect = result.effect()
        axes.hist(effect[~np.eye(len(result.actors), dtype=bool)], bins=10)
        axes.set_xlabel("effect at the last month")
        return figure

    monkeypatch.setitem(figures.FIGURES, "effect_histogram", plot_effect_histogram)
    result = api.run(api.scenario_from_data({"name": "figure", "months": 6, "events": [
        {"at": 1, "type": "arms_sale", "from": "Russia", "to": "Pakistan"}]}))
    written = api.write_result(result, tmp_path / "out", formats=("png", "svg"))
    for name in ("effect_histogram.png", "effect_histogram.svg"):
        assert name in written
        assert (tmp_path / "out" / name).stat().st_size > 1000
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert "effect_histogram.png" in json.dumps(manifest)


# --- add an actor to the default set -----------------------------------------------------------------------

NEW_ACTOR = "Freedonia"  # fictional on purpose: a test fixture makes no claim about a real state


def test_add_an_actor_as_the_guide_says(tmp_path):
    data = data_copy(tmp_path)
    old = default_actors()
    # 1. actors.yaml
    actors = data / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8").rstrip("\n") + f"""
  - name: {NEW_ACTOR}
    kind: state
    anchoring: 1.0
    attention: 1.0
    capability: 0.5
    aliases: [Republic of {NEW_ACTOR}]
""", encoding="utf-8")
    # 2. a dated fact, then a prior for every new pair citing it
    facts = data / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    fact = ('  - id: fixture_freedonia\n    kind: event\n    between: [Freedonia, US]\n    year: 2015\n'
            '    text: "a fictional state for tests/test_contributing.py"\n    source: "none: a test fixture"\n')
    facts.write_text(text.replace("facts:\n", "facts:\n" + fact, 1), encoding="utf-8")
    priors = data / "priors.yaml"
    priors.write_text(priors.read_text(encoding="utf-8").rstrip("\n") + "\n" + "".join(
        f"  - between: [{NEW_ACTOR}, {other}]\n    score: {0.1 if i % 2 else -0.1}\n"
        f"    sources: [fixture_freedonia]\n    rationale: \"A fictional pair for the how-to's test.\"\n"
        for i, other in enumerate(old)), encoding="utf-8")
    env = source_env(ENTENTE_DATA_DIR=str(data))

    # 4. regenerate the default relations file
    relations = tmp_path / "relations.yaml"
    seeded = cli("seed", ARTICLE, "--out", relations, "--no-overrides", env=env)
    assert seeded.returncode == 0, seeded.stderr
    # The old relations file now lacks the new pairs, and run says so rather than starting them at 0.
    refused = cli("run", "arms_sale_pakistan", "--out", tmp_path / "refused", "--no-plots", env=env)
    assert refused.returncode == 2 and NEW_ACTOR in refused.stderr, refused.stderr

    # 5. a bundled scenario runs with eight actors, end to end, figures included
    done = cli("run", "arms_sale_pakistan", "--relations", relations, "--out", tmp_path / "out", env=env)
    assert done.returncode == 0, done.stderr
    n = len(old) + 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["actors"][-1] == NEW_ACTOR and len(summary["actors"]) == n
    alignment = read_csv(tmp_path / "out" / "alignment.csv")
    assert len([r for r in alignment if r["month"] == "0"]) == n * (n - 1)
    start = {(r["source"], r["target"]): float(r["score"]) for r in alignment if r["month"] == "0"}
    assert start[(NEW_ACTOR, old[0])] == pytest.approx(-0.1)  # its prior: the article never names it
    blocs = read_csv(tmp_path / "out" / "blocs.csv")
    assert {r["actor"] for r in blocs} == {*old, NEW_ACTOR}
    assert (tmp_path / "out" / "bloc_map.png").is_file()
