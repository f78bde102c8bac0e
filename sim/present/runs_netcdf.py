"""runs.nc: every run's scores and blocs as one labelled, CF-packed netCDF file (`xr.open_dataset` reads it).

Why netCDF: a notebook gets the runs with their labels (run, month, source, target), the scenario, the seed
and the parameters in one file, unpacked to scores by any CF reader (xarray, netCDF4, R's ncdf4), instead of
an unlabelled array whose scale and actor order live in summary.json. Why netCDF3 through scipy (xarray's
"scipy" engine): it needs no HDF5 library, and its bytes depend on the data alone. h5netcdf and netCDF4 also
wrote the same bytes twice here, but an HDF5 file records the versions of the libraries that wrote it
(`_NCProperties`), so an update of h5py or HDF5 would change the bytes of the same run
(`python bench/netcdf_engines.py`; README "Outputs"). netCDF3 cannot compress: the scores are int32
millionths, as runs.npz stored them, and the file is about 3% larger than runs.npz was.

CF packing (CF conventions 1.8, section 8.1): scores and baseline are int32 with scale_factor 1e-6 and
add_offset 0, so score = packed * 1e-6, the CSV files' six decimals; _FillValue marks a missing value (none is
missing today). blocs are int8, 1 = the bloc with the largest total capability, as in blocs.csv.
"""

from __future__ import annotations

import numpy as np

from ..results.result import Result

NETCDF_NAME = "runs.nc"
SCALE = 1_000_000  # packed units per score: the CSV files' six decimals
SCORE_FILL = np.int32(-2_147_483_647)  # netCDF's default fill for int32 (NC_FILL_INT)
BLOC_FILL = np.int8(-127)  # netCDF's default fill for a byte (NC_FILL_BYTE)
CONVENTIONS = "CF-1.8"
SCORE_VARIABLES = ("scores", "baseline")


def _score_attrs(what: str) -> dict:
    return {"long_name": f"alignment score of source towards target, {what}", "units": "1",
            "valid_range": np.array([-SCALE, SCALE], dtype=np.int32), "scale_factor": 1.0 / SCALE,
            "add_offset": 0.0, "_FillValue": SCORE_FILL}


RUNS_A_PIECE = 256  # runs packed at a time: a few MB of floats, never a float copy of the whole ensemble


def packed_scores(scores: np.ndarray) -> np.ndarray:
    """Scores in -1..1 as int32 millionths (rounded half to even, as the CSV files' six decimals), packed a
    few runs at a time: the float temporaries of a whole-array conversion were 4x the packed array (issue 25)."""
    scores = np.asarray(scores)
    packed = np.empty(scores.shape, dtype=np.int32)
    for start in range(0, scores.shape[0], RUNS_A_PIECE):
        packed[start:start + RUNS_A_PIECE] = np.rint(scores[start:start + RUNS_A_PIECE] * SCALE)
    return packed


def runs_dataset(result: Result):
    """The xarray Dataset that runs.nc holds: the packed integers, with the CF attributes that unpack them."""
    import xarray as xr

    actors = list(result.actors)
    score_dims = ("run", "month", "source", "target")
    # No path of the scenario file: like the CSV files, runs.nc is the same wherever the scenario lies
    # (summary.json says where it was).
    attrs: dict = {"Conventions": CONVENTIONS, "title": f"Entente runs of {result.name}",
                   "scenario": result.name, "seed": result.seed,
                   "runs": result.runs, "months": result.months, "n_blocs": result.n_blocs,
                   "comment": "A lens for discussion, not a forecast. scores and baseline unpack to -1 (hostile) "
                              "to +1 (allied); the baseline is the same scenario and seed without its events."}
    summary = result.summary
    parameters = (result.scenario.parameters.as_dict() if result.scenario is not None
                  else summary.parameters.as_dict() if summary is not None else {})
    for name, value in parameters.items():
        attrs[f"parameter_{name}"] = int(value) if isinstance(value, bool) else value
    data = {
        "scores": (score_dims, packed_scores(result.score_array()), _score_attrs("with the events")),
        "baseline": (score_dims, packed_scores(result.score_array(baseline=True)),
                     _score_attrs("without the events (the baseline)")),
        "blocs": (("run", "month", "actor"), (result.partitions() + 1).astype(np.int8),
                  {"long_name": "bloc of the actor (1 = the bloc with the largest total capability)",
                   "_FillValue": BLOC_FILL}),
        "capability": (("actor",), np.asarray(result.capabilities, dtype=float),
                       {"long_name": "relative capability (CINC x 100)"}),
    }
    coords = {"run": ("run", np.arange(1, result.runs + 1, dtype=np.int32), {"long_name": "Monte Carlo run"}),
              "month": ("month", np.arange(result.months + 1, dtype=np.int32),
                        {"long_name": "month of the scenario (0 = the start)"}),
              "source": ("source", actors, {"long_name": "the actor whose regard this is"}),
              "target": ("target", actors, {"long_name": "the actor regarded"}),
              "actor": ("actor", actors)}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def write_runs_netcdf(result: Result, handle) -> None:
    """runs.nc into a binary file: netCDF3 (64-bit offsets) from xarray's scipy engine, the same bytes for the
    same run. Written into the file, not built in memory first: for 10,000 runs the bytes in memory and
    their copy were 300 MB more at the peak (issue 25)."""
    # The integers are packed already (packed_scores): the attributes above only describe them, so xarray
    # writes them as they are and a CF reader unpacks them.
    runs_dataset(result).to_netcdf(handle, engine="scipy", format="NETCDF3_64BIT")


def runs_netcdf(result: Result) -> bytes:
    """runs.nc as bytes (the app's zip, tests): what write_runs_netcdf writes into a file."""
    import io

    buffer = io.BytesIO()
    write_runs_netcdf(result, buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------- reading back

HEADER_BYTES = 65_536  # the header: dimensions, attributes (the scenario's name, file and parameters), names


def largest_size(runs: int, months: int, actors) -> int:
    """The most bytes runs.nc of this shape may take: its arrays, their coordinates and a header. A folder's
    runs.nc is refused above it before a byte of it is read (folders read back are untrusted)."""
    n, steps = len(actors), months + 1
    labels = n * max(len(a.encode("utf-8")) for a in actors)  # a label coordinate: n names as padded chars

    def padded(size: int) -> int:  # netCDF3 pads each variable to 4 bytes
        return size + (-size) % 4

    return (HEADER_BYTES + 2 * padded(runs * steps * n * n * 4) + padded(runs * steps * n) + 8 * n
            + 4 * (runs + steps) + 3 * padded(labels))


def read_runs_netcdf(raw: bytes, path, summary) -> dict:
    """The scores, baseline scores and bloc labels of runs.nc, checked against the summary: the variables,
    their dimensions, types, shapes and labels, and every value within its range; anything else is one
    EntenteError naming the file and the variable."""
    import io

    import xarray as xr

    from ..errors import EntenteError
    from ..results.folder_reader import damaged

    runs, months, actors = summary.runs, summary.months, list(summary.actors)
    n = len(actors)
    shapes = {"scores": (("run", "month", "source", "target"), np.int32, (runs, months + 1, n, n)),
              "baseline": (("run", "month", "source", "target"), np.int32, (runs, months + 1, n, n)),
              "blocs": (("run", "month", "actor"), np.int8, (runs, months + 1, n))}
    try:
        with xr.open_dataset(io.BytesIO(raw), engine="scipy", mask_and_scale=False, decode_times=False,
                             cache=False) as dataset:
            for name, (dims, dtype, shape) in shapes.items():
                if name not in dataset.variables:
                    raise damaged(path, f"it has no variable {name!r}", field=name)
                variable = dataset.variables[name]
                if variable.dims != dims or variable.dtype != dtype or variable.shape != shape:
                    raise damaged(path, f"{name} is a {variable.dtype} array on {variable.dims} of shape "
                                        f"{variable.shape}, not the {np.dtype(dtype)} array on {dims} of shape "
                                        f"{shape} the summary calls for", field=name)
            for label in ("source", "target", "actor"):
                found = [str(v) for v in dataset[label].values.tolist()]
                if found != actors:
                    raise damaged(path, f"its {label} labels are not the summary's actors", field=label)
            arrays = {name: np.asarray(dataset.variables[name].values) for name in shapes}
    except EntenteError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged file fails scipy's reader in many ways, each its fault
        raise damaged(path, f"it is not a netCDF file as Entente writes it ({type(error).__name__}: "
                            f"{str(error)[:120]})") from None
    for name in SCORE_VARIABLES:
        if arrays[name].size and np.abs(arrays[name]).max() > SCALE:
            raise damaged(path, "a score lies outside -1 to 1 (or is missing)", field=name)
    if arrays["blocs"].size and (arrays["blocs"].min() < 1 or arrays["blocs"].max() > n):
        raise damaged(path, f"a bloc lies outside 1 to {n} (or is missing)", field="blocs")
    return {"scores": arrays["scores"] / SCALE, "baseline_scores": arrays["baseline"] / SCALE,
            "labels": arrays["blocs"].astype(np.intp) - 1}
