"""The package's shape: the import-linter contracts in pyproject.toml hold, and they would catch a breach.

`lint-imports` reads every import under sim/ (lazy ones inside functions too) and checks the layers between
packages, the order inside them, and that no package has an import cycle. What it cannot see, a module loaded
by name (`importlib.import_module("sim....")`), is checked here with `ast`, as are the facade's lazy names.
"""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SIM = ROOT / "sim"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("importlinter", reason="import-linter comes with the test extra: pip install -e '.[test]'")
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", code, "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_the_import_contracts_hold():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_lazy_import_up_the_layers_breaks_the_contract(tmp_path):
    # The same check on a copy with one breach, hidden inside a function: the model reaching for a figure.
    shutil.copytree(SIM, tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    kernel = tmp_path / "sim" / "model" / "dynamics.py"
    kernel.write_text(kernel.read_text(encoding="utf-8")
                      + "\n\ndef _breach():\n    from ..present import style  # noqa: F401\n", encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "sim.model.dynamics -> sim.present.style" in done.stdout
    assert "BROKEN" in done.stdout


def _package(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1]) if parts[-1] != "__init__" else ".".join(parts[:-1])


def _named_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module name) of each importlib.import_module call with a literal name (f-strings: their start)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args and getattr(node.func, "attr",
                                                                     getattr(node.func, "id", "")) == "import_module"):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((node.lineno, first.value))
        elif isinstance(first, ast.JoinedStr) and first.values and isinstance(first.values[0], ast.Constant):
            found.append((node.lineno, str(first.values[0].value)))
    return found


def test_no_module_loads_another_package_by_name():
    # import-linter cannot see a module loaded by name: such a load stays inside its own package (the facade,
    # sim/__init__.py, is the exception: it is the Python API over all of them).
    outside = []
    for path in sorted(SIM.rglob("*.py")):
        if path == SIM / "__init__.py":
            continue
        package = _package(path)
        for line, name in _named_imports(path):
            if name.startswith("sim.") and not name.startswith(package + "."):
                outside.append(f"{path.relative_to(ROOT)}:{line} loads {name}")
    assert outside == []


def test_the_facade_lazy_names_all_resolve():
    import sim

    for name, (module, attribute) in sim._LAZY.items():
        assert getattr(importlib.import_module(module), attribute) is getattr(sim, name), name
    for name, module in sim._MODULES.items():
        assert getattr(sim, name) is importlib.import_module(module), name
