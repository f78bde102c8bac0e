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


RUNS_A_PIECE = 256  # runs packed and written at a time: a few MB, never a copy of the whole ensemble


def packed_pieces(scores: np.ndarray, dtype=np.int32):
    """Scores in -1..1 as int32 millionths (rounded half to even, as the CSV files' six decimals), a few runs
    at a time (`dtype` '>i4' for the file's big-endian bytes)."""
    for start in range(0, scores.shape[0], RUNS_A_PIECE):
        yield np.rint(scores[start:start + RUNS_A_PIECE] * SCALE).astype(dtype)


def packed_scores(scores: np.ndarray) -> np.ndarray:
    """All the scores packed (packed_pieces), as one int32 array."""
    scores = np.asarray(scores)
    packed = np.empty(scores.shape, dtype=np.int32)
    start = 0
    for piece in packed_pieces(scores):
        packed[start:start + len(piece)] = piece
        start += len(piece)
    return packed


def bloc_pieces(labels: np.ndarray, dtype=np.int8):
    """Bloc labels as runs.nc stores them (1 = the largest bloc), a few runs at a time."""
    for start in range(0, labels.shape[0], RUNS_A_PIECE):
        yield (labels[start:start + RUNS_A_PIECE] + 1).astype(dtype)


def runs_dataset(result: Result, *, runs: int | None = None):
    """The xarray Dataset that runs.nc holds: the packed integers, with the CF attributes that unpack them.
    runs: only the first so many runs' arrays (the attributes still describe them all): the header's model."""
    import xarray as xr

    actors = list(result.actors)
    kept = result.runs if runs is None else runs
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
    labels = result.partitions()[:kept]
    data = {
        "scores": (score_dims, packed_scores(result.score_array()[:kept]), _score_attrs("with the events")),
        "baseline": (score_dims, packed_scores(result.score_array(baseline=True)[:kept]),
                     _score_attrs("without the events (the baseline)")),
        "blocs": (("run", "month", "actor"), np.concatenate(list(bloc_pieces(labels))),
                  {"long_name": "bloc of the actor (1 = the bloc with the largest total capability)",
                   "_FillValue": BLOC_FILL}),
        "capability": (("actor",), np.asarray(result.capabilities, dtype=float),
                       {"long_name": "relative capability (CINC x 100)"}),
    }
    coords = {"run": ("run", np.arange(1, kept + 1, dtype=np.int32), {"long_name": "Monte Carlo run"}),
              "month": ("month", np.arange(result.months + 1, dtype=np.int32),
                        {"long_name": "month of the scenario (0 = the start)"}),
              "source": ("source", actors, {"long_name": "the actor whose regard this is"}),
              "target": ("target", actors, {"long_name": "the actor regarded"}),
              "actor": ("actor", actors)}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def _netcdf3_writer():
    """scipy's netCDF3 writer (the one xarray's "scipy" engine uses), with some variables' bytes written a
    piece at a time: scipy keeps every variable in memory until it writes the file, a big-endian copy of
    each, then a byte copy of one (for 10,000 runs 200 MB more at the peak, issue 25)."""
    from scipy.io import netcdf_file

    class StreamingNetcdf(netcdf_file):
        def __init__(self, handle, pieces: dict) -> None:
            super().__init__(handle, mode="w", version=2)  # 2: 64-bit offsets (NETCDF3_64BIT)
            self.__dict__["pieces"] = pieces  # variable name -> the pieces of its data, big-endian, in order

        def _write_var_data(self, name: str) -> None:
            if name not in self.pieces:
                return super()._write_var_data(name)
            var = self.variables[name]
            begin = self.fp.tell()  # as scipy does: the variable's offset into the header, then its bytes
            self.fp.seek(var._begin)
            self._pack_begin(begin)
            self.fp.seek(begin)
            count = 0
            for piece in self.pieces[name]():
                self.fp.write(piece.tobytes())
                count += piece.nbytes
            if count != var.data.nbytes:
                raise ValueError(f"{name}: {count} bytes written for {var.data.nbytes}")
            self._write_var_padding(var, var._vsize - count)

        def __del__(self) -> None:  # scipy's closes the handle, which is the caller's
            pass

    return StreamingNetcdf


def write_runs_netcdf(result: Result, handle) -> None:
    """runs.nc into a binary file, the same bytes for the same run, the large arrays written a few runs at a
    time: never a copy of the whole ensemble (issue 25).

    The header is xarray's (its "scipy" engine: CF attributes, the actor names as characters): xarray writes
    the dataset of the first run, scipy reads that file back, and its writer (netCDF3, 64-bit offsets) writes
    the same dimensions, attributes and variables with the run dimension at full length, the scores,
    baseline and blocs packed piece by piece. tests/test_runs_netcdf.py holds it to xarray's own file."""
    import io

    from scipy.io import netcdf_file

    buffer = io.BytesIO()
    runs_dataset(result, runs=1).to_netcdf(buffer, engine="scipy", format="NETCDF3_64BIT")
    model = netcdf_file(io.BytesIO(buffer.getvalue()), mode="r", mmap=False)
    pieces = {"scores": lambda: packed_pieces(result.score_array(), ">i4"),
              "baseline": lambda: packed_pieces(result.score_array(baseline=True), ">i4"),
              "blocs": lambda: bloc_pieces(result.partitions(), "i1")}
    out = _netcdf3_writer()(handle, pieces)
    for name in model._dims:  # in the model's order, the run dimension at full length
        out.createDimension(name, result.runs if name == "run" else model.dimensions[name])
    for name, value in model._attributes.items():
        setattr(out, name, value)
    for name, variable in model.variables.items():
        made = out.createVariable(name, variable.data.dtype, variable.dimensions)
        for key, value in variable._attributes.items():
            setattr(made, key, value)
        if name == "run":
            made.data[:] = np.arange(1, result.runs + 1)
        elif name not in pieces:
            made.data[...] = variable.data
        elif variable.dimensions[0] != "run":
            raise ValueError(f"runs.nc: {name} is not by run")
    out.flush()


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
            unpacked = {name: _unpacked(dataset.variables[name], path, name) for name in SCORE_VARIABLES}
            blocs = np.asarray(dataset.variables["blocs"].values)
    except EntenteError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged file fails scipy's reader in many ways, each its fault
        raise damaged(path, f"it is not a netCDF file as Entente writes it ({type(error).__name__}: "
                            f"{str(error)[:120]})") from None
    if blocs.size and (blocs.min() < 1 or blocs.max() > n):
        raise damaged(path, f"a bloc lies outside 1 to {n} (or is missing)", field="blocs")
    return {"scores": unpacked["scores"], "baseline_scores": unpacked["baseline"],
            "labels": blocs.astype(np.intp) - 1}


def _unpacked(variable, path, name: str) -> np.ndarray:
    """A packed score variable as scores, each in -1..1 checked, a few runs at a time: no whole integer copy
    of the ensemble beside the floats (issue 25)."""
    from ..results.folder_reader import damaged

    out = np.empty(variable.shape)
    for start in range(0, variable.shape[0], RUNS_A_PIECE):
        piece = np.asarray(variable[start:start + RUNS_A_PIECE].values)
        if piece.size and np.abs(piece).max() > SCALE:
            raise damaged(path, "a score lies outside -1 to 1 (or is missing)", field=name)
        out[start:start + RUNS_A_PIECE] = piece / SCALE
    return out
