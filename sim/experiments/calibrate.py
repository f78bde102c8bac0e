"""Calibration by rejection ABC: the parameter settings that put the model nearest the record's bands.

Approximate Bayesian computation in its plainest form (Beaumont, Zhang & Balding 2002; Csilléry et al. 2010):
draw settings from the prior (uniform over each parameter's documented range, as a Latin hypercube), run
every training episode at each (the episodes of `hindcasts/` marked `split: train`), measure the distance
from the model to the record (the mean distance from each sized expectation's value to its band: 0 when the
model lands in every band, the hindcast scorecard's MAE), and keep the closest share of the draws: the
accepted sample approximates the posterior. The test episodes are never used to choose; they score the
posterior median afterwards, beside the defaults.

Runs on the experiments pipeline (sim/experiments/evaluate.py): an episode's points are stepped as batches of
the engine, serially or on Dask. Every point of an episode runs with the episode's own seed (common random
numbers: two settings differ by their parameters, not by their draws). With a folder, each finished episode
is written there and a resumed calibration runs only the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import EntenteError
from ..model.scenario import Scenario
from .design import Factor, factor_of, factor_points
from .evaluate import SERIAL, Evaluator, Job, evaluate, variant_worlds
from .outcomes import Follow
from .plan import AS_WRITTEN

DEFAULT_POINTS = 400
DEFAULT_ACCEPT = 0.05  # the share of draws kept: the closest 5%
DEFAULT_RUNS = 4  # Monte Carlo runs per episode and point (the hindcasts' checks read the mean over runs)
QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class Calibration:
    """The draws (points x factors), each one's distance to the bands and band hit rate over the training
    episodes, and which draws were accepted (closest first)."""

    factors: tuple[Factor, ...]
    values: np.ndarray
    distance: np.ndarray
    hit_rate: np.ndarray
    accepted: np.ndarray
    episodes: tuple[str, ...]
    seed: int
    runs: int
    generations: tuple[dict, ...] = ()  # ABC-SMC: each generation's tolerance, proposals and acceptance

    @property
    def threshold(self) -> float:
        """The largest accepted distance: ABC's tolerance, chosen as a quantile of the draws' distances."""
        return float(self.distance[self.accepted].max())

    def posterior(self) -> list[dict]:
        """Per factor: its prior range, the scenario's own value and the accepted draws' 5%, 50%, 95%."""
        kept = self.values[self.accepted]
        rows = []
        for k, factor in enumerate(self.factors):
            low, median, high = np.quantile(kept[:, k], QUANTILES)
            rows.append({"parameter": factor.name, "prior_low": factor.low, "prior_high": factor.high,
                         "default": factor.value, "q05": float(low), "median": float(median), "q95": float(high)})
        return rows

    def median_setting(self) -> dict[str, float | int]:
        """The accepted draws' median of each parameter, as the model takes it."""
        return {row["parameter"]: factor.at(row["median"]) for factor, row in zip(self.factors, self.posterior())}


def prior_draws(factors: Sequence[Factor], points: int, seed: int) -> np.ndarray:
    """A Latin hypercube of `points` settings, uniform over each factor's range (scipy.stats.qmc)."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(factors), seed=np.random.default_rng(seed)).random(points)
    return qmc.scale(unit, [f.low for f in factors], [f.high for f in factors])


def training(episodes: Sequence[Scenario]) -> list[Scenario]:
    chosen = [e for e in episodes if e.split == "train"]
    if not chosen:
        raise EntenteError("no training episode: a calibration fits the episodes marked `split: train`",
                           hint="Give hindcast files with `split: train` (the bundled hindcasts/ have 13).")
    return chosen


def calibrate(episodes: Sequence[Scenario], factors: Sequence[Factor], *, points: int = DEFAULT_POINTS,
              seed: int = 0, accept: float = DEFAULT_ACCEPT, runs: int = DEFAULT_RUNS, scheduler: str = SERIAL,
              workers: int | None = None, folder: str | Path | None = None,
              progress: Callable[[int, int], None] | None = None) -> Calibration:
    """Rejection ABC over the training episodes (module docstring). folder: where finished episodes are kept,
    so that a calibration stopped half-way resumes with the others (same design, same numbers)."""
    if not 0 < accept <= 1:
        raise EntenteError(f"the accepted share must be above 0 and at most 1, not {accept:g}",
                           hint="For example 0.05: the closest 5% of the draws.")
    train = training(episodes)
    values = prior_draws(factors, points, seed)
    store = _EpisodeStore(Path(folder), factors, values, seed, runs) if folder is not None else None
    with Evaluator(scheduler, workers) as evaluator:
        distance, hit_rate = _fit(train, factors, values, runs, evaluator, store, progress)
    keep = max(1, int(round(accept * points)))
    order = np.lexsort((np.arange(points), distance))  # closest first; ties by draw number
    return Calibration(tuple(factors), values, distance, hit_rate, order[:keep],
                       tuple(e.name for e in train), seed, runs)


def _fit(train: Sequence[Scenario], factors: Sequence[Factor], values: np.ndarray, runs: int,
         evaluator: Evaluator, store: _EpisodeStore | None,
         progress: Callable[[int, int], None] | None) -> tuple[np.ndarray, np.ndarray]:
    """Each setting's mean distance to the bands and band hit rate over the training episodes."""
    totals, hits, count = np.zeros(len(values)), np.zeros(len(values)), 0
    for done, episode in enumerate(train):
        found = store.read(episode) if store else None
        if found is None:
            found = _episode(episode, factors, values, runs, evaluator)
            if store:
                store.write(episode, *found)
        distances, held = found
        pair = ~np.isnan(distances[0]) if len(distances) else np.zeros(0, dtype=bool)
        totals += distances[:, pair].sum(axis=1)
        hits += held[:, pair].sum(axis=1)
        count += int(pair.sum())
        if progress:
            progress(done + 1, len(train))
    if count == 0:
        raise EntenteError("the training episodes have no sized expectation to fit",
                           hint="Give each episode `expect:` bands on pairs (see hindcasts/).")
    return totals / count, hits / count


SMC_STREAM = 11  # keys the proposals' random stream apart from the design's
MIN_POPULATION = 4  # ABC-SMC estimates a covariance from the population


def refine(calibration: Calibration, episodes: Sequence[Scenario], *, generations: int = 3,
           scheduler: str = SERIAL, workers: int | None = None, folder: str | Path | None = None,
           progress: Callable[[int, int], None] | None = None) -> Calibration:
    """ABC-SMC after the rejection step (population Monte Carlo: Beaumont, Cornuet, Marin & Robert 2009).

    The accepted draws are the first population. Each generation takes as its tolerance the median distance
    of the current population, proposes as many settings as the rejection step drew (a weighted parent moved
    by a Gaussian kernel with twice the population's weighted covariance, kept inside the prior's box), runs
    the training episodes at each, keeps those within the tolerance (at least as many as the population),
    and weights each by prior / sum over parents of weight x kernel (the prior is uniform in the box). The
    last population is resampled by its weights, so the result is an unweighted sample like the rejection
    step's. Deterministic for the design's seed; with a folder, each generation's episodes resume too."""
    from scipy.stats import multivariate_normal

    if len(calibration.accepted) < MIN_POPULATION:
        raise EntenteError(f"ABC-SMC needs at least {MIN_POPULATION} accepted draws to move, not "
                           f"{len(calibration.accepted)}", hint="Draw more points or accept a larger share "
                                                                "(--accept), so that points x accept >= 4.")
    train = training(episodes)
    factors = calibration.factors
    low = np.array([f.low for f in factors], dtype=float)
    high = np.array([f.high for f in factors], dtype=float)
    rng = np.random.default_rng([calibration.seed, SMC_STREAM])
    size, points = len(calibration.accepted), len(calibration.values)
    population = calibration.values[calibration.accepted]
    distance = calibration.distance[calibration.accepted]
    hit_rate = calibration.hit_rate[calibration.accepted]
    weights = np.full(size, 1.0 / size)
    record = []
    with Evaluator(scheduler, workers) as evaluator:
        for generation in range(1, generations + 1):
            tolerance = float(np.median(distance))
            spread = 2.0 * np.atleast_2d(np.cov(population.T, aweights=weights)) + 1e-12 * np.eye(len(factors))
            proposals = _propose(rng, population, weights, spread, low, high, points)
            store = None
            if folder is not None:
                store = _EpisodeStore(Path(folder) / f"smc_{generation}", factors, proposals, calibration.seed,
                                      calibration.runs)
            found, hits = _fit(train, factors, proposals, calibration.runs, evaluator, store, progress)
            order = np.lexsort((np.arange(points), found))
            kept = order[:max(size, int((found <= tolerance).sum()))][:points]
            kernel = np.array([multivariate_normal.pdf(proposals[kept], mean=parent, cov=spread)
                               for parent in population]).reshape(len(population), len(kept))
            new_weights = 1.0 / np.maximum(weights @ kernel, 1e-300)
            record.append({"generation": generation, "tolerance": round(tolerance, 6), "proposals": points,
                           "within_tolerance": int((found <= tolerance).sum()),
                           "acceptance_rate": round(float((found <= tolerance).mean()), 4),
                           "kept": len(kept)})
            population, distance, hit_rate = proposals[kept], found[kept], hits[kept]
            weights = new_weights / new_weights.sum()
    chosen = rng.choice(len(population), size=size, p=weights)
    chosen = chosen[np.lexsort((chosen, distance[chosen]))]  # closest first, as the rejection step lists
    return Calibration(factors, population[chosen], distance[chosen], hit_rate[chosen], np.arange(size),
                       calibration.episodes, calibration.seed, calibration.runs, tuple(record))


def _propose(rng: np.random.Generator, population: np.ndarray, weights: np.ndarray, spread: np.ndarray,
             low: np.ndarray, high: np.ndarray, count: int) -> np.ndarray:
    """count settings: a parent drawn by weight, moved by the kernel, drawn again until inside the box."""
    out = np.empty((0, population.shape[1]))
    while len(out) < count:
        parents = population[rng.choice(len(population), size=2 * count, p=weights)]
        moved = parents + rng.multivariate_normal(np.zeros(population.shape[1]), spread, size=2 * count)
        out = np.vstack([out, moved[np.all((moved >= low) & (moved <= high), axis=1)]])
    return out[:count]


def _episode(episode: Scenario, factors: Sequence[Factor], values: np.ndarray, runs: int,
             evaluator: Evaluator) -> tuple[np.ndarray, np.ndarray]:
    """(distances, held), points x expectations, for one episode at every draw."""
    job = Job(episode, variant_worlds(episode, [AS_WRITTEN]), Follow(expectations=True), runs=runs)
    outcomes = evaluate(job, factor_points(factors, values, episode.seed), evaluator=evaluator)
    return np.array([o.distances for o in outcomes]), np.array([o.held for o in outcomes])


def checked(episodes: Sequence[Scenario], setting: dict[str, float | int] | None, runs: int) -> dict[str, list]:
    """Every episode's checks at a setting (None: the defaults), per split: one list of checks an episode."""
    from dataclasses import replace

    from ..results.expectations import check
    from ..results.runner import run

    by_split: dict[str, list] = {}
    for episode in episodes:
        chosen = replace(episode, runs=runs, parameters=episode.parameters.with_overrides(setting or {}))
        by_split.setdefault(episode.split or "unsplit", []).append(check(run(chosen), chosen))
    return by_split


def scored(by_split: dict[str, list]) -> dict:
    """The scorecard's metrics (sign accuracy, band hit rate, MAE) of `checked`'s checks, per split."""
    from ..results.expectations import metrics

    return {split: metrics(groups).to_dict() for split, groups in by_split.items()}


class _EpisodeStore:
    """One file per finished episode in the calibration's folder; on resume, read back as untrusted input
    (bounded, shapes from headers before anything is inflated) and refused if the design changed."""

    HINT = "Delete the file (its episode is run again on resume), or give a new --out folder."

    def __init__(self, folder: Path, factors: Sequence[Factor], values: np.ndarray, seed: int, runs: int) -> None:
        from ..inputs.safe_files import owned_folder, write_file
        from ..results.folder_reader import parse_json, read_bounded

        self.folder = owned_folder(folder, "episodes", what="calibration folder")
        self.design = {"seed": seed, "runs": runs, "points": len(values),
                       "factors": [[f.name, f.low, f.high] for f in factors]}
        self.points = len(values)
        design_file = self.folder / "design.json"
        if design_file.exists():
            recorded = parse_json(read_bounded(design_file, "calibration design", 100_000), design_file)
            if recorded != self.design:
                raise EntenteError(f"{design_file} records another design (seed, runs, points or ranges)",
                                   file=str(design_file), hint="Resume with the same options, or give a new --out "
                                                               "folder.")
        else:
            write_file(design_file, json.dumps(self.design, indent=1), what="calibration design")

    def _path(self, episode: Scenario) -> Path:
        return self.folder / f"{Path(episode.file or episode.name).stem}.npz"

    def read(self, episode: Scenario) -> tuple[np.ndarray, np.ndarray] | None:
        from ..results.folder_reader import read_bounded, read_npz

        path = self._path(episode)
        if not path.exists():
            return None
        shape = (self.points, len(episode.expectations))
        try:
            raw = read_bounded(path, "calibration episode", 16 * shape[0] * shape[1] + 4096)
            arrays = read_npz(raw, path, {"distances": ("<f8", shape), "held": ("|b1", shape)})
        except EntenteError as error:
            raise EntenteError(error.problem, file=str(path), hint=self.HINT) from None
        return arrays["distances"], arrays["held"]

    def write(self, episode: Scenario, distances: np.ndarray, held: np.ndarray) -> None:
        import io

        from ..inputs.safe_files import write_file

        buffer = io.BytesIO()
        np.savez(buffer, distances=distances.astype("<f8"), held=held.astype(bool))
        write_file(self._path(episode), buffer.getvalue(), what="calibration episode")


# ------------------------------------------------------------------------------------- using the posterior

POSTERIOR_STREAM = 7  # keys the stream that picks each run's draw apart from the streams of the run itself
MAX_SAMPLES_BYTES = 20_000_000  # samples.csv of 100,000 draws of 20 parameters is about 15 MB


def read_posterior(folder: str | Path) -> tuple[tuple[str, ...], np.ndarray]:
    """The accepted draws of a calibration folder (its samples.csv, read back as untrusted input): the
    parameters' names and one row of values per accepted draw."""
    from ..model.parameters import specs
    from ..results.folder_reader import read_bounded

    path = Path(folder) / "samples.csv"
    if not path.is_file():
        raise EntenteError(f"{folder} holds no samples.csv: it is not a calibration folder",
                           hint="Give the --out folder of `python -m sim calibrate`.")
    lines = read_bounded(path, "calibration sample", MAX_SAMPLES_BYTES).decode("utf-8", "replace").splitlines()
    header = lines[0].split(",") if lines else []
    by_name = {s.name: s for s in specs()}
    names = tuple(header[1:-3])
    if header[:1] != ["draw"] or header[-3:] != ["distance", "band_hit_rate", "accepted"] or not names:
        raise EntenteError("the first line is not samples.csv's header (draw, parameters..., distance, "
                           "band_hit_rate, accepted)", file=str(path), line=1,
                           hint="Give the samples.csv that `python -m sim calibrate` wrote, unchanged.")
    for name in names:
        if name not in by_name or by_name[name].low is None:
            raise EntenteError(f"{name!r} is not a numeric parameter of this model", file=str(path), line=1,
                               hint="Calibrate again with this version of Entente.")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        try:
            if len(cells) != len(header) or cells[-1] not in ("0", "1"):
                raise ValueError
            values = [float(x) for x in cells[1:-3]]
        except ValueError:
            raise EntenteError(f"line {number} is not a row of {len(header)} numbers", file=str(path),
                               line=number, hint="Give the samples.csv that `python -m sim calibrate` wrote, "
                                                 "unchanged.") from None
        for name, value in zip(names, values):
            spec = by_name[name]
            if not (np.isfinite(value) and spec.low <= value <= spec.high):  # type: ignore[operator]
                raise EntenteError(f"{name} = {value:g} on line {number} is outside its range "
                                   f"{spec.low:g} to {spec.high:g}", file=str(path), line=number, field=name,
                                   hint="Give the samples.csv that `python -m sim calibrate` wrote, unchanged.")
        if cells[-1] == "1":
            rows.append(values)
    if not rows:
        raise EntenteError("no draw is marked accepted", file=str(path),
                           hint="Give the samples.csv that `python -m sim calibrate` wrote, unchanged.")
    return names, np.array(rows, dtype=float)


def posterior_sets(scenario: Scenario, names: Sequence[str], draws: np.ndarray) -> list:
    """One Parameters per run of the scenario: run k takes an accepted draw chosen by the run's own seed
    stream (the same scenario and seed give the same draws), over the scenario's other settings."""
    from ..model.draws import run_seed

    typed = {name: factor_of(name, 0.0, 1.0) for name in names}  # for whole-number parameters
    sets = []
    for k in range(1, scenario.runs + 1):
        stream = np.random.default_rng([run_seed(scenario.seed, k), POSTERIOR_STREAM])  # not the run's own draws
        row = draws[int(stream.integers(len(draws)))]
        sets.append(scenario.parameters.with_overrides({n: typed[n].at(v) for n, v in zip(names, row)}))
    return sets
