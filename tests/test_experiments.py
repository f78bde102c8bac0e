"""The experiments pipeline: one design type, one evaluator, typed outcomes. A sweep's grid and a sensitivity
analysis's SALib design are Points run by the same evaluator, with the same outcomes serially and on Dask."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from conftest import SCENARIOS

ARMS_SALE = SCENARIOS / "arms_sale_pakistan.yaml"


def test_a_sensitivity_design_and_a_sweep_grid_give_the_same_outcomes_serially_and_on_dask():
    pytest.importorskip("distributed")
    import sim as api
    from sim.experiments.plan import AS_WRITTEN
    from sim.experiments.design import factor_points, points, salib_inputs
    from sim.experiments.evaluate import Evaluator, Job, evaluate, variant_worlds
    from sim.experiments.outcomes import Follow
    from sim.experiments.design import choose_factors
    from sim.experiments.sweep_file import sweep_from_data

    scenario = api.load_scenario(ARMS_SALE)
    plan = sweep_from_data({"seed": 2, "runs": 3, "grid": {"memory": [0.05, 0.2]},
                            "variants": [{"name": "as written"}, {"name": "no sale", "events_off": [0]}]}, scenario)
    follow = Follow(pairs=(("India", "Russia"), ("Russia", "Pakistan")), bloc_pairs=(("India", "US"),),
                    end_blocs=True)
    grid = Job(scenario, variant_worlds(scenario, plan.variants), follow, plan.variants, plan.runs)
    grid_points = points(plan)
    factors = choose_factors(scenario.parameters, ["event_scale", "memory"])
    inputs = salib_inputs("morris", factors, 11, trajectories=2)
    salib = Job(scenario, variant_worlds(scenario, (AS_WRITTEN,)), follow)
    salib_points = factor_points(factors, inputs, scenario.seed)
    assert len(grid_points) == 4 and len(salib_points) == 2 * (2 + 1)

    serial = [evaluate(grid, grid_points), evaluate(salib, salib_points)]
    with Evaluator("local", 2) as cluster:
        assert cluster.workers == 2
        on_dask = [evaluate(grid, grid_points, evaluator=cluster, chunk=1),
                   evaluate(salib, salib_points, evaluator=cluster, chunk=4)]
    assert on_dask == serial  # every field of every point, exactly
    assert [o.number for o in serial[0]] == [0, 1, 2, 3] and [o.number for o in serial[1]] == list(range(6))

    # Each outcome is that of an ordinary run of the point's scenario, read from its long tables.
    for outcome, point in ((serial[0][3], grid_points[3]), (serial[1][4], salib_points[4])):
        variant = plan.variants[point.variant] if outcome is serial[0][3] else AS_WRITTEN
        events = [e for k, e in enumerate(scenario.events) if k not in variant.events_off]
        alone = api.run(replace(scenario, events=tuple(events), seed=point.seed,
                                runs=plan.runs if outcome is serial[0][3] else scenario.runs,
                                parameters=scenario.parameters.with_overrides(dict(point.values))))
        last = alone.alignment[alone.alignment["month"] == alone.months]
        base = alone.baseline[alone.baseline["month"] == alone.months]
        for (source, target), value in zip(follow.pairs, outcome.effects):
            expected = (last[(last.source == source) & (last.target == target)]["score"].mean()
                        - base[(base.source == source) & (base.target == target)]["score"].mean())
            assert value == pytest.approx(expected, abs=1e-12)
        final = alone.blocs[alone.blocs["month"] == alone.months].pivot(index="run", columns="actor", values="bloc")
        assert outcome.same_bloc[0] == pytest.approx((final["India"] == final["US"]).mean())
        assert np.allclose(outcome.first_bloc, [(final[name] == 1).mean() for name in alone.actors])

    # The sensitivity command's outputs are these outcomes, whichever scheduler ran them.
    found = api.sensitivity(ARMS_SALE, parameters=["event_scale", "memory"], trajectories=2, top=2, seed=11,
                            scheduler="local", workers=2)
    assert found.inputs.shape == (6, 2)
    serial_found = api.sensitivity(ARMS_SALE, parameters=["event_scale", "memory"], trajectories=2, top=2, seed=11)
    assert np.array_equal(found.outputs, serial_found.outputs) and found.table.equals(serial_found.table)
