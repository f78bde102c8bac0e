"""The package's layers: a lower layer never imports a higher one, not even lazily inside a function.

Every module under sim/ is parsed with `ast`; every `import`, `from ... import` (relative ones resolved)
and `importlib.import_module("sim....")` with a literal name counts, wherever it stands in the file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"

# Low to high (sim/data holds tables, no code). Layers on the same rank may not import each other (model and
# seeding are siblings).
RANKS = {"data": 0, "errors": 0, "core": 1, "io": 2, "model": 3, "seeding": 3, "experiment": 4, "viz": 5,
         "reporting": 6, "cli": 7, "app": 7}
FACADE = {"sim/__init__.py", "sim/__main__.py"}  # the Python API: may import anything
# Narrower than the ranks: the Mesa model is fed plain types (world, events, codebook) by its caller.
ONLY = {"core": {"errors", "core"}, "model": {"errors", "core", "model"}}


def layer_of(module: str) -> str | None:
    """'sim.io.tables' -> 'io'; 'sim' (the façade) and modules outside the package -> None."""
    parts = module.split(".")
    if parts[0] != "sim" or len(parts) < 2:
        return None
    return parts[1]


def module_name(path: Path) -> str:
    relative = path.relative_to(SIM.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in a module of `package`, nested ones included."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from . import x` / `from sim import io` name submodules: count each one.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names] if not node.module \
                else [(node.lineno, target)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
        elif isinstance(node, ast.JoinedStr) and _is_import_module_call_parent(tree, node):
            prefix = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            found.append((node.lineno, prefix.rstrip(".")))
    return found


def _is_import_module_call_parent(tree, joined) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and node.args[0] is joined:
            func = node.func
            return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) == "import_module"
    return False


def violations() -> list[str]:
    problems = []
    for path in sorted(SIM.rglob("*.py")):
        relative = path.relative_to(SIM.parent).as_posix()
        if relative in FACADE:
            continue
        own = layer_of(module_name(path))
        if own not in RANKS:
            problems.append(f"{relative}: not in any layer; add its folder to RANKS in tests/test_layers.py")
            continue
        package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
        for line, target in imported_modules(path.read_text(encoding="utf-8"), package):
            other = layer_of(target)
            if target == "sim":
                problems.append(f"{relative}:{line} imports the façade `sim` (import the module itself)")
                continue
            if other is None or other == own:
                continue
            if other not in RANKS:
                problems.append(f"{relative}:{line} imports {target}, which is in no layer")
            elif own in ONLY and other not in ONLY[own]:
                problems.append(f"{relative}:{line} ({own}) imports {target}; {own} may import only "
                                f"{', '.join(sorted(ONLY[own]))}")
            elif RANKS[other] >= RANKS[own]:
                problems.append(f"{relative}:{line} ({own}) imports {target} ({other}), a layer that is not "
                                "below it")
    return problems


def test_no_layer_imports_one_above_it_or_beside_it():
    assert violations() == []


def test_the_import_finder_sees_lazy_relative_and_string_imports():
    # The finder must catch the ways a violation could hide; check it on a module written for the purpose.
    source = (
        "import importlib\n"
        "def f():\n"
        "    from ..io import tables\n"
        "    importlib.import_module('sim.viz.figures')\n"
        "    importlib.import_module(f'sim.reporting.{1}')\n"
        "    from .. import experiment\n"
        "    import sim.cli.main\n"
    )
    found = {target for _, target in imported_modules(source, "sim.core")}
    assert found == {"importlib", "sim.io", "sim.viz.figures", "sim.reporting", "sim.experiment", "sim.cli.main"}


@pytest.mark.parametrize("module, expected", [("sim.io.tables", "io"), ("sim", None), ("numpy", None),
                                              ("sim.errors", "errors")])
def test_layer_of(module, expected):
    assert layer_of(module) == expected
