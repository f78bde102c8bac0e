"""Mesa, imported without SciPy's spatial module, which Entente never uses.

`import mesa` (3.3) loads Mesa's experimental continuous space, whose `from scipy.spatial.distance import
cdist` imports all of `scipy.spatial` (KD-trees, Delaunay, rotations): about a third of `import mesa` on a
2-core machine, for a function no Entente model calls. While Mesa is imported, a stand-in module offers
each function Mesa asks for as a forwarder that imports the real module on its first call; the stand-in
leaves `sys.modules` straight after, so any later `import scipy.spatial` (a sweep's SciPy, a notebook)
gets the real module. Only Mesa before 3.4 (the one Python 3.11 gets) is imported this way: later versions
import `scipy.spatial` themselves for their discrete spaces' KD-trees, so there is nothing to save. If
SciPy's module is already loaded, Mesa is imported as it is.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

_SPATIAL_DISTANCE = "scipy.spatial.distance"
_LAST_MESA_WITHOUT_KDTREES = (3, 3)  # Mesa 3.4 and later import scipy.spatial.KDTree in mesa.discrete_space


def _forwarder(name: str):
    """scipy.spatial.distance's function `name`, imported on the first call (never, in Entente's models)."""
    if name.startswith("__"):
        raise AttributeError(name)  # module protocol lookups (__path__, __spec__...) find nothing here

    def forward(*args, **kwargs):
        return getattr(importlib.import_module(_SPATIAL_DISTANCE), name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.stands_in_for = f"{_SPATIAL_DISTANCE}.{name}"  # type: ignore[attr-defined]
    return forward


def _mesa_version() -> tuple[int, int]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        major, minor = version("mesa").split(".")[:2]
        return int(major), int("".join(c for c in minor if c.isdigit()) or 0)
    except (PackageNotFoundError, ValueError):
        return (99, 0)  # unknown: import Mesa as it is


def import_mesa() -> ModuleType:
    if "mesa" in sys.modules:
        return sys.modules["mesa"]
    stand_in = None
    if _SPATIAL_DISTANCE not in sys.modules and _mesa_version() <= _LAST_MESA_WITHOUT_KDTREES:
        stand_in = ModuleType(_SPATIAL_DISTANCE, "Stands in while Mesa is imported (sim.model.mesa_import).")
        stand_in.__getattr__ = _forwarder  # type: ignore[method-assign]  # PEP 562: `from ... import name`
        sys.modules[_SPATIAL_DISTANCE] = stand_in
    try:
        return importlib.import_module("mesa")
    finally:
        if stand_in is not None and sys.modules.get(_SPATIAL_DISTANCE) is stand_in:
            del sys.modules[_SPATIAL_DISTANCE]


mesa = import_mesa()
