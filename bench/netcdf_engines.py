"""Which netCDF writer keeps byte-identical data files: `python bench/netcdf_engines.py` (by hand).

Runs the arms-sale scenario (20 runs, noise 0.05) once, then writes the Dataset that runs.nc holds
(sim.present.runs_netcdf.runs_dataset) with each engine xarray offers that is installed, twice, each time in
a fresh process a second apart, and prints each file's size and whether the two writes are the same bytes.
h5netcdf and netCDF4 (HDF5) are not dependencies of Entente: install them to measure them
(`pip install h5netcdf netCDF4`). This is why runs.nc is written by the scipy engine (netCDF3).

Then it times runs.nc as `sim run` writes it for 1,000 runs (best of five, process CPU time) and the size.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINES = (("scipy", "NETCDF3_64BIT", {}), ("h5netcdf", "NETCDF4", {}), ("netcdf4", "NETCDF4", {}),
           ("h5netcdf", "NETCDF4", {"zlib": True, "complevel": 4}), ("netcdf4", "NETCDF4", {"zlib": True}))

WRITE = """
import dataclasses, sys
import sim
from sim.present.runs_netcdf import runs_dataset
scenario = sim.load_scenario("arms_sale_pakistan")
scenario = dataclasses.replace(scenario, runs=20, parameters=scenario.parameters.with_overrides({"noise": 0.05}))
dataset = runs_dataset(sim.run(scenario))
engine, form, path, compress = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
encoding = {name: {"zlib": True, "complevel": 4} for name in ("scores", "baseline")} if compress else None
dataset.to_netcdf(path, engine=engine, format=form, encoding=encoding)
"""


TIME = """
import dataclasses, time
import sim
from sim.present.runs_netcdf import runs_netcdf
scenario = sim.load_scenario("arms_sale_pakistan")
scenario = dataclasses.replace(scenario, runs=1000, parameters=scenario.parameters.with_overrides({"noise": 0.05}))
result = sim.run(scenario)
result.score_array(), result.partitions()
best = float("inf")
for _ in range(5):
    begin = time.process_time()
    raw = runs_netcdf(result)
    best = min(best, time.process_time() - begin)
print(f"runs.nc of 1,000 runs x 37 months x 7 actors: {best * 1000:.0f} ms of CPU (best of 5), {len(raw):,} bytes")
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for engine, form, options in ENGINES:
            digests, sizes = [], []
            for attempt in range(2):
                path = Path(folder) / f"{engine}-{attempt}.nc"
                done = subprocess.run([sys.executable, "-c", WRITE, engine, form, str(path),
                                       "1" if options else "0"], cwd=ROOT, capture_output=True, text=True)
                if done.returncode != 0:
                    print(f"{engine:9} {form:14} not measured: {done.stderr.strip().splitlines()[-1]}")
                    break
                digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
                sizes.append(path.stat().st_size)
                time.sleep(1.1)  # a timestamp in seconds would differ
            else:
                same = "the same bytes" if digests[0] == digests[1] else "DIFFERENT bytes"
                label = f"{engine} {'compressed' if options else ''}".strip()
                print(f"{label:22} {form:14} {sizes[0]:>9,} bytes   two writes: {same}")
    print(subprocess.run([sys.executable, "-c", TIME], cwd=ROOT, capture_output=True, text=True).stdout, end="")


if __name__ == "__main__":
    main()
