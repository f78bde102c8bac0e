"""runs.nc is written a few runs at a time (sim.present.runs_netcdf), with the bytes xarray writes."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.present import runs_netcdf


def _xarray_bytes(result) -> bytes:
    """runs.nc as xarray's "scipy" engine writes the whole dataset at once: the reference."""
    buffer = io.BytesIO()
    runs_netcdf.runs_dataset(result).to_netcdf(buffer, engine="scipy", format="NETCDF3_64BIT")
    return buffer.getvalue()


class _Recording(io.BytesIO):
    """A file that records the size of each write."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, data) -> int:
        self.sizes.append(memoryview(data).nbytes)
        return super().write(data)


@pytest.fixture(scope="module")
def several():
    scenario = sim.scenario_from_data({
        "name": "Names", "months": 5, "runs": 7, "seed": 3, "parameters": {"noise": 0.1},
        "actors": [{"name": "Türkiye — Ankara", "capability": 2.0, "relations": {"Russia": 0.2}}],
        "events": [{"at": 1, "type": "arms_sale", "from": "Russia", "to": "Türkiye — Ankara"}]})
    return sim.run(scenario, summarise=True)


@pytest.mark.parametrize("piece", [1, 3, 7, 256])
def test_written_piece_by_piece_it_is_xarrays_file_byte_for_byte(several, monkeypatch, piece):
    """Pieces of 1, 3 (the last one short), 7 and 256 runs: the same bytes as xarray writing it whole."""
    monkeypatch.setattr(runs_netcdf, "RUNS_A_PIECE", piece)
    assert runs_netcdf.runs_netcdf(several) == _xarray_bytes(several)


def test_a_bundled_scenario_with_many_runs_is_xarrays_file_byte_for_byte():
    scenario = sim.load_scenario("s400_india")
    scenario = replace(scenario, runs=300, parameters=scenario.parameters.with_overrides({"noise": 0.05}))
    result = sim.run(scenario, summarise=True)
    assert runs_netcdf.runs_netcdf(result) == _xarray_bytes(result)


def test_no_write_holds_more_than_a_piece_of_the_runs(several, monkeypatch):
    """The scores go to the file a few runs at a time: no write carries a whole variable of the ensemble."""
    monkeypatch.setattr(runs_netcdf, "RUNS_A_PIECE", 2)
    handle = _Recording()
    runs_netcdf.write_runs_netcdf(several, handle)
    n = len(several.actors)
    one_run = (several.months + 1) * n * n * 4  # one run's scores, int32
    assert handle.getvalue() == _xarray_bytes(several)
    assert max(handle.sizes) <= 2 * one_run
    assert sum(size == 2 * one_run for size in handle.sizes) == 6  # scores and baseline: 2 + 2 + 2 + 1 runs each


def test_read_back_a_few_runs_at_a_time_with_every_score_checked(several, monkeypatch):
    from pathlib import Path

    from sim.errors import EntenteError

    monkeypatch.setattr(runs_netcdf, "RUNS_A_PIECE", 2)
    raw = runs_netcdf.runs_netcdf(several)
    back = runs_netcdf.read_runs_netcdf(raw, Path("runs.nc"), several.summary)
    np.testing.assert_array_equal(back["scores"], np.rint(several.score_array() * 1e6) / 1e6)
    np.testing.assert_array_equal(back["baseline_scores"],
                                  np.rint(several.score_array(baseline=True) * 1e6) / 1e6)
    np.testing.assert_array_equal(back["labels"], several.partitions())
    bad = several.score_array(baseline=True).copy()
    bad[5, 2, 0, 1] = 1.5  # in the third piece of runs
    broken = several.with_summary(several.summary)
    object.__setattr__(broken, "baseline_scores", bad)
    with pytest.raises(EntenteError) as caught:
        runs_netcdf.read_runs_netcdf(runs_netcdf.runs_netcdf(broken), Path("runs.nc"), several.summary)
    assert caught.value.field == "baseline" and "outside -1 to 1" in caught.value.problem
