"""A corpus of broken scenario files, each with the fragment of the message it must produce.

Each file's first line is `# expect: FRAGMENT`. `validate` and `run` must both exit with code 2, print
one clear error naming the file, and never show a traceback.
"""

from pathlib import Path

import pytest

from conftest import cli, sim
from sim.cli.main import main

CORPUS = sorted((Path(__file__).parent / "broken_scenarios").glob("*.yaml"))


def expected_fragment(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), path
    return first[len("# expect: "):]


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_validate_explains_the_mistake(path, capsys):
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    error = captured.err
    assert error.startswith("error: ") and path.name in error
    assert expected_fragment(path).lower() in error.lower(), error
    assert "Traceback" not in error


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_run_gives_the_same_error_and_writes_nothing(path, capsys, tmp_path):
    out = tmp_path / "out"
    code = main(["run", str(path), "--out", str(out)])
    run_error = capsys.readouterr().err
    main(["validate", str(path)])
    assert code == 2
    assert run_error == capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("name", ["01_unknown_actor.yaml", "28_python_tag.yaml", "37_billion_laughs.yaml"])
def test_from_the_shell_no_traceback_and_exit_code_2(name):
    done = sim("validate", f"tests/broken_scenarios/{name}", timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: ")


def test_debug_shows_the_traceback():
    done = cli("--debug", "validate", "tests/broken_scenarios/01_unknown_actor.yaml", timeout=60)
    assert done.returncode != 0 and "Traceback" in done.stderr
