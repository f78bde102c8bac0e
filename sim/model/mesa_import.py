"""Mesa, imported without SciPy's spatial module, which Entente never uses.

`import mesa` loads Mesa's experimental continuous space, whose `from scipy.spatial.distance import cdist`
imports all of `scipy.spatial` (KD-trees, Delaunay, rotations): about a third of a plain `sim run`'s
import time on a 2-core machine, for a function no Entente model calls. While Mesa is imported, a
stand-in module offers a `cdist` that imports the real one on its first call; the stand-in leaves
`sys.modules` straight after, so any later `import scipy.spatial` (a sweep's SciPy, a notebook) gets the
real module. If SciPy's module is already loaded, Mesa is imported as it is.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

_SPATIAL_DISTANCE = "scipy.spatial.distance"


def _lazy_cdist(*args, **kwargs):
    """scipy.spatial.distance.cdist, imported on the first call (never, in Entente's models)."""
    return importlib.import_module(_SPATIAL_DISTANCE).cdist(*args, **kwargs)


def import_mesa() -> ModuleType:
    if "mesa" in sys.modules:
        return sys.modules["mesa"]
    stand_in = None
    if _SPATIAL_DISTANCE not in sys.modules:
        stand_in = ModuleType(_SPATIAL_DISTANCE, "Stands in while Mesa is imported (sim.model.mesa_import).")
        stand_in.cdist = _lazy_cdist  # type: ignore[attr-defined]
        sys.modules[_SPATIAL_DISTANCE] = stand_in
    try:
        return importlib.import_module("mesa")
    finally:
        if stand_in is not None and sys.modules.get(_SPATIAL_DISTANCE) is stand_in:
            del sys.modules[_SPATIAL_DISTANCE]


mesa = import_mesa()
