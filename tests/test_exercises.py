"""The classroom exercises stay usable: their starter files load and every path they cite exists.

Students copy the files in exercises/files/ and type the commands of the worksheets; a starter file that
no longer validates, or a worksheet that names a file that has moved, breaks a lesson in front of a class.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ARTICLE, ROOT
from sim.cli.main import main

EXERCISES = ROOT / "exercises"
STARTERS = EXERCISES / "files"

WORKSHEETS = sorted(EXERCISES.glob("*.md"))
STARTER_FILES = sorted(STARTERS.glob("*.yaml"))

# A repository path cited in a worksheet: starts at a known top-level folder, not inside another path
# (so "../docs/x.md" is left to the link check), and ends on a name character, not on punctuation.
CITED_PATH = re.compile(r"(?<![\w/.~-])((?:scenarios|exercises|seeds|docs|sim/data)/[\w./-]*[\w/])")
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def kind_of(path: Path) -> str:
    """Alignment data for `sim blocs`, teacher overrides for `sim seed`, or a scenario."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} should be a YAML mapping"
    if "propensities" in data:
        return "alignment"
    if "overrides" in data:
        return "overrides"
    return "scenario"


def by_kind(kind: str) -> list[Path]:
    return [path for path in STARTER_FILES if kind_of(path) == kind]


def test_the_exercises_exist():
    assert (EXERCISES / "README.md").is_file()
    assert (EXERCISES / "teacher_notes.md").is_file()
    numbered = [path for path in WORKSHEETS if re.match(r"\d\d_", path.name)]
    assert 5 <= len(numbered) <= 6
    assert by_kind("scenario") and by_kind("alignment")


@pytest.mark.parametrize("path", by_kind("scenario"), ids=lambda p: p.name)
def test_starter_scenario_validates(path, capsys):
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("path", by_kind("alignment"), ids=lambda p: p.name)
def test_alignment_file_runs_through_blocs(path, capsys):
    assert main(["blocs", str(path)]) == 0, capsys.readouterr().err
    assert main(["blocs", str(path), "--blocs", "3"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("path", by_kind("overrides"), ids=lambda p: p.name)
def test_overrides_file_is_applied_by_seed(path, tmp_path, capsys):
    out = tmp_path / "relations.yaml"
    code = main(["seed", str(ARTICLE), "--out", str(out), "--overrides", str(path)])
    assert code == 0, capsys.readouterr().err
    overridden = yaml.safe_load(path.read_text(encoding="utf-8"))["overrides"]
    written = yaml.safe_load(out.read_text(encoding="utf-8"))["relations"]
    sources = {frozenset(entry["between"]): entry["source"] for entry in written}
    for entry in overridden:
        assert sources[frozenset(entry["between"])] == "override"


def cited_paths() -> list[tuple[str, str]]:
    cited = set()
    for sheet in WORKSHEETS + STARTER_FILES:
        for match in CITED_PATH.finditer(sheet.read_text(encoding="utf-8")):
            cited.add((sheet.name, match.group(1)))
    return sorted(cited)


def test_worksheets_cite_paths():
    cited = {path for _, path in cited_paths()}
    assert any(path.startswith("scenarios/") for path in cited)
    assert any(path.startswith("exercises/files/") for path in cited)


@pytest.mark.parametrize("sheet, cited", cited_paths(), ids=lambda value: str(value))
def test_cited_path_exists(sheet, cited):
    assert (ROOT / cited).exists(), f"{sheet} mentions {cited}, which does not exist"


@pytest.mark.parametrize("sheet", WORKSHEETS, ids=lambda p: p.name)
def test_relative_links_resolve(sheet):
    for target in MARKDOWN_LINK.findall(sheet.read_text(encoding="utf-8")):
        if "://" in target:
            continue
        assert (sheet.parent / target).exists(), f"{sheet.name} links to {target}, which does not exist"


def test_every_starter_file_is_used_by_a_worksheet():
    text = "\n".join(sheet.read_text(encoding="utf-8") for sheet in WORKSHEETS)
    unused = [path.name for path in STARTER_FILES if f"exercises/files/{path.name}" not in text]
    assert not unused, f"starter files no worksheet mentions: {unused}"


# --- the material matches the model's parameters, the worksheets' folders and Windows -------------------

EXERCISE_TEXTS = WORKSHEETS + STARTER_FILES
OUT_FOLDER = re.compile(r"python -m sim run (\S+)\s[^`]*?--out (results/[\w/.-]*\w)")


def test_no_exercise_names_a_parameter_the_model_lacks():
    from sim.model.parameters import Parameters

    known = set(Parameters().as_dict())
    for path in EXERCISE_TEXTS:
        text = path.read_text(encoding="utf-8")
        assert "rival_threshold" not in text, f"{path.name} names rival_threshold, which the model no longer has"
        for snippet in re.findall(r"`(?:parameters: )?\{([^}`]*)\}`", text):
            for key in re.findall(r"(\w+):", snippet):
                assert key in known, f"{path.name} sets {key!r}, which is not a parameter ({sorted(known)})"


def out_folders(path: Path) -> list[tuple[str, str]]:
    """(scenario file, --out folder) of every `sim run` command in a file, joined across line breaks."""
    text = re.sub(r"\s*\n\s*#?\s*", " ", path.read_text(encoding="utf-8"))
    return OUT_FOLDER.findall(text)


def test_starter_files_name_the_output_folders_the_worksheets_use():
    worksheet_runs = [run for sheet in WORKSHEETS for run in out_folders(sheet)]
    worksheet_folders = {folder for _, folder in worksheet_runs}
    unchanged = {folder for scenario, folder in worksheet_runs if not scenario.startswith("mywork/")}
    for starter in STARTER_FILES:
        for scenario, folder in out_folders(starter):
            assert folder in worksheet_folders, f"{starter.name} suggests --out {folder}, which no worksheet uses"
            if scenario.startswith("mywork/"):
                assert folder not in unchanged, (f"{starter.name} runs the student's copy into {folder}, "
                                                 "overwriting a run of the unchanged file that a worksheet uses")


def test_every_unix_only_command_has_its_windows_form():
    for sheet in WORKSHEETS:
        for line in sheet.read_text(encoding="utf-8").splitlines():
            if re.match(r"\s*cp ", line):
                assert "Windows: copy " in line, f"{sheet.name}: {line.strip()!r} needs its Windows form"
            if re.match(r"\s*source ", line):
                assert r".venv\Scripts\activate" in line, f"{sheet.name}: {line.strip()!r} needs its Windows form"


def test_the_notebook_runs_in_a_real_kernel_and_shows_its_figures_as_pictures():
    """The no-install path: exercises/entente.ipynb executed by a Jupyter kernel (nbclient + ipykernel), as a
    class runs it. A figure is a cell's picture (image/png), not the text `<Figure size ... with 5 Axes>`."""
    import base64
    import json

    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(EXERCISES / "entente.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        "the notebook is kept without outputs: clear them before committing"
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import json\ntop = [[c.source, c.target] for c in result.summary.changes[:4]]\n"
        "print(json.dumps({'top': top, 'scenario': yaml.safe_load(SCENARIO)}))"))
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(EXERCISES)}}).execute()
    figure_cells = [cell for cell in notebook.cells if cell.cell_type == "code"
                    and re.search(r"^(heatmaps|pairs)\s*(#.*)?$", cell.source, flags=re.M)]
    assert len(figure_cells) == 2
    for cell in figure_cells:
        shown = [output for output in cell.outputs if output.output_type == "execute_result"]
        assert len(shown) == 1 and "image/png" in shown[0].data, cell.source
        png = base64.b64decode(shown[0].data["image/png"])
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    checked = json.loads("".join(output.text for output in notebook.cells[-1].outputs
                                 if output.output_type == "stream"))
    top = [tuple(pair) for pair in checked["top"]]
    assert set(top[:2]) == {("Russia", "Pakistan"), ("Pakistan", "Russia")}
    assert set(top[2:]) == {("Taliban", "Russia"), ("India", "Russia")}  # the onlookers the notes name
    starter = yaml.safe_load((STARTERS / "arms_sale_audience.yaml").read_text(encoding="utf-8"))
    assert checked["scenario"]["events"] == starter["events"]
    assert checked["scenario"]["parameters"] == starter["parameters"]


def test_worksheet_01_question_3_rows_are_printed_with_top_42(tmp_path, capsys):
    """Q3 asks about the US rows, which lie beyond the default ten: --top 42 prints them."""
    starter = str(STARTERS / "arms_sale_audience.yaml")
    assert main(["run", starter, "--out", str(tmp_path / "ten"), "--no-plots"]) == 0
    ten = capsys.readouterr().out
    assert main(["run", starter, "--out", str(tmp_path / "all"), "--no-plots", "--top", "42"]) == 0
    every = capsys.readouterr().out
    assert "US → Pakistan" not in ten.split("Events (run 1)")[0]
    assert "US → Pakistan" in every.split("Events (run 1)")[0] and "US → Russia" in every
    assert main(["run", starter, "--out", str(tmp_path / "none"), "--top", "0"]) == 2
    assert "--top must be a whole number" in capsys.readouterr().err
