"""Entente: what-if experiments on great-power alignments, seeded from a news article.

A lens for discussion, not a forecast. The Python API is what the command line calls:

    import sim
    scenario = sim.load_scenario("scenarios/arms_sale_pakistan.yaml")
    result = sim.run(scenario)            # a Result: labelled arrays and tables (result.alignment, .events)
    summary = sim.summarise(result)       # the largest effects of the events, blocs, shifts (a typed Summary)
    sim.plots.plot_heatmaps(result)       # matplotlib figures
    sim.write_result(result, "results/arms_sale_pakistan")
    sim.attribute(result).table("India", "Russia")  # why a pair moved: its change split by cause (run 1)
    sim.bands(result), sim.probabilities(result)    # over the Monte Carlo runs
    sim.changes(result), sim.effects(result)        # DataFrames (also sim.switches, sim.reactions)
    model = sim.EntenteModel("s400_india", seed=0, memory=0.1)  # the engine as a Mesa model
    sim.sensitivity(scenario).table       # which parameters the largest effects depend on (Morris, SALib)
    sim.sweep("s400_india", "examples/sweeps/s400_india.yaml", "results/sweep", scheduler="serial")  # docs/sweeps.md
"""

from __future__ import annotations

import importlib

_LAZY = {
    "load_scenario": ("sim.inputs.scenario_file", "load_scenario"),
    "scenario_from_data": ("sim.inputs.scenario_file", "scenario_from_data"),
    "Scenario": ("sim.model.scenario", "Scenario"),
    "Parameters": ("sim.model.parameters", "Parameters"),
    "Result": ("sim.results.result", "Result"),
    "EntenteModel": ("sim.results.runner", "EntenteModel"),
    "summarise": ("sim.results.summary", "summarise"),
    "Summary": ("sim.results.summary", "Summary"),
    "build_world": ("sim.inputs.world", "build_world"),
    "write_result": ("sim.present.files", "write_result"),
    "read_result": ("sim.present.files", "read_result"),
    "bands": ("sim.results.uncertainty", "bands"),
    "probabilities": ("sim.results.uncertainty", "probabilities"),
    "effects": ("sim.results.frames", "effects"),
    "changes": ("sim.results.frames", "changes"),
    "switches": ("sim.results.frames", "switches"),
    "reactions": ("sim.results.frames", "reactions"),
    "sensitivity": ("sim.experiments.sensitivity", "sensitivity"),
    "SensitivityResult": ("sim.experiments.sensitivity", "SensitivityResult"),
    "EntenteError": ("sim.errors", "EntenteError"),
}
_MODULES = {
    "plots": "sim.present.figures",
    "landscape": "sim.model.landscape",
    "dynamics": "sim.model.dynamics",
    "seeding": "sim.seeding",
}


def run(scenario, *, allow_large: bool = False, **options):
    """Run a scenario (a Scenario, the path of a scenario file, or a bundled scenario's name).

    A run above the limits of the README ("Limits on the size of a run") raises EntenteError with the estimate
    and how to lower it, as `sim run` does; allow_large=True runs it anyway. summarise=True also makes the
    Result's summary (else `sim.summarise(result)` makes it when needed).
    """
    from .model.scenario import Scenario
    from .results.runner import run as run_scenario
    from .inputs.cost import check_cost, estimate
    from .inputs.scenario_file import load_scenario
    from .inputs.world import build_world

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    world = options.pop("world", None) or build_world(scenario)
    check_cost(estimate(scenario, list(world.names)), allow_large=allow_large, flag="allow_large=True")
    return run_scenario(scenario, world=world, **options)


def attribute(what, run: int = 1, **options):
    """Exact attribution of one run (sim/results/attribution.py): every pair's change split by cause.

    what: a Result (its run is replayed and checked against its scores; scenario_file= names the file for
    a result folder read back) or a Scenario (replayed as it stands). `.table(a, b)` ranks one pair's parts.
    """
    from .model.scenario import Scenario
    from .results.attribution import attribute as of_scenario
    from .results.attribution import attribution_of

    if isinstance(what, Scenario):
        return of_scenario(what, options.pop("world", None), run)
    return attribution_of(what, run, **options)


def sweep(scenario, plan, out, **options):
    """Run a sweep (the documentation's "Sweeps"): scenario as for run(); plan a SweepPlan or a sweep file's path.

    options: scheduler ('local', 'serial' or 'tcp://HOST:PORT'), workers, chunk, resume, progress;
    client (an open dask.distributed.Client to run on, left open), dashboard (called with its address).
    Returns a SweepOutcome; the table is out/sweep.csv.
    """
    from .model.scenario import Scenario
    from .experiments.plan import SweepPlan
    from .experiments.sweep import sweep as run_sweep
    from .inputs.scenario_file import load_scenario
    from .experiments.sweep_file import load_sweep

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if not isinstance(plan, SweepPlan):
        plan = load_sweep(plan, scenario)
    return run_sweep(scenario, plan, out, **options)


def __getattr__(name):
    # Heavy modules (mesa, pandas, matplotlib) load on first use, so `python -m sim validate` stays fast.
    if name in _LAZY:
        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    if name == "__version__":  # one source: pyproject.toml (sim/inputs/resources.py: version)
        from .inputs.resources import version

        return version()
    if name in _MODULES:
        return importlib.import_module(_MODULES[name])
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__():
    """The lazy names too, so that tab completion and dir(sim) show the whole API."""
    return sorted({*globals(), *_LAZY, *_MODULES, "__version__"})
