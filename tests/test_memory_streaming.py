"""Writing a many-run result makes no copy of the whole ensemble (issue 25): the figures read one pair's
runs from the arrays, the effect's bands are taken a month at a time; the same figures and bands."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.present.figures import render_plots
from sim.results.result import Result
from sim.results.uncertainty import QUANTILES, band_arrays


@pytest.fixture(scope="module")
def noisy():
    scenario = sim.load_scenario("s400_india")
    scenario = replace(scenario, months=14, runs=15, seed=2,
                       parameters=scenario.parameters.with_overrides({"noise": 0.1}))
    return sim.run(scenario, summarise=True)


def _from_tables(result: Result) -> Result:
    """The same result as a folder read back with --full gives it: long tables, no score arrays."""
    return Result(name=result.name, actors=result.actors, capabilities=result.capabilities, months=result.months,
                  runs=result.runs, seed=result.seed, alignment=result.alignment, baseline=result.baseline,
                  blocs=result.blocs, events=result.events, n_blocs=result.n_blocs,
                  scenario_file=result.scenario_file, summary=result.summary)


def test_the_figures_of_many_runs_read_the_arrays_not_the_long_tables(noisy):
    fresh = noisy.with_summary(noisy.summary)  # a copy that has built no table yet
    fresh.__dict__.pop("_alignment", None)
    fresh.__dict__.pop("_baseline", None)
    drawn = render_plots(fresh, ("png",))
    assert fresh.__dict__.get("_alignment") is None and fresh.__dict__.get("_baseline") is None
    assert drawn == render_plots(_from_tables(noisy), ("png",))  # the same bytes as drawn from the tables


def test_the_effects_bands_are_the_quantiles_of_the_whole_difference(noisy):
    whole = noisy.score_array() - noisy.score_array(baseline=True)
    np.testing.assert_array_equal(band_arrays(noisy, "effect"), np.quantile(whole, QUANTILES, axis=0))
    with pytest.raises(ValueError):
        band_arrays(noisy, "change")
