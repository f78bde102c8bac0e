"""The debrief of a game: the played world beside the scenario as written and the world without events.

All three are taken at the game's current month, from runs with the same seed, so every difference is
what the teams and the news did (played minus as written) or what everything did (played minus baseline).
The rows are plain data: the terminal and Markdown text are in sim/classroom/debrief_report.py, and a report
page can call `debrief(game)` and lay the same rows out in HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from .play import as_written_data, played_events, played_scenario
from ..results.runner import run
from .saved_game import Game


@dataclass(frozen=True)
class DebriefRow:
    """One directed pair at the current month: without events, as written, as played."""

    source: str
    target: str
    baseline: float
    as_written: float
    played: float

    @property
    def by_teams(self) -> float:
        """What the teams' moves and the news changed: played minus as written."""
        return self.played - self.as_written


@dataclass(frozen=True)
class Debrief:
    scenario: str
    month: int
    seed: int
    runs: int
    rows: tuple[DebriefRow, ...]  # largest |by_teams| first
    moves: tuple[dict, ...]  # every played event (note starts with the team or 'news')
    blocs_played: tuple[tuple[str, ...], ...]
    blocs_as_written: tuple[tuple[str, ...], ...]
    reactions_played: int
    reactions_as_written: int
    reactions: tuple[dict, ...] = ()  # every reaction of run 1 since the game began: month, type, ..., reason
    shares: tuple[tuple[str, float], ...] = ()  # (who, share of the game's movement), teams first


def _final(table, month: int) -> dict[tuple[str, str], float]:
    rows = table[table["month"] == month].groupby(["source", "target"])["score"].mean()
    return {pair: float(value) for pair, value in rows.items()}


def debrief(game: Game) -> Debrief:
    """Run the played scenario and the scenario as written to the current month and compare them."""
    from ..inputs.scenario_file import scenario_from_data

    month = game.month
    played = run(played_scenario(game), summarise=True)
    written = run(scenario_from_data(as_written_data(game, month), file=f"{game.label} (as written)",
                                     base_dir=game.folder), summarise=True)
    as_played, as_written, baseline = _final(played.alignment, month), _final(written.alignment, month), \
        _final(played.baseline, month)
    rows = [DebriefRow(s, t, baseline[(s, t)], as_written[(s, t)], as_played[(s, t)]) for s, t in as_played]
    rows.sort(key=lambda row: (-round(abs(row.by_teams), 9), row.source, row.target))
    events = played.events
    run1 = events[(events["run"] == events["run"].min()) & (events["month"] > game.start)
                  & (events["origin"] == "reaction")]
    reactions = tuple({"month": int(r["month"]), "type": r["type"], "source": r["source"], "target": r["target"],
                       "intensity": float(r["intensity"]), "reason": str(r["reason"])}
                      for r in run1.to_dict("records"))
    return Debrief(played.summary.scenario, month, played.seed, played.runs, tuple(rows),
                   tuple(played_events(game)), played.summary.blocs.final, written.summary.blocs.final,
                   played.summary.reaction_count, written.summary.reaction_count, reactions, shares(game))


def shares(game: Game) -> tuple[tuple[str, float], ...]:
    """Who made how much of the game's movement (run 1, from the game's start to its current month): each
    group's summed |part| over every pair, as a share of all groups' (sim/classroom/situation.py's groups)."""
    import numpy as np

    from .situation import group_matrices, ordered_groups

    after = group_matrices(game, game.month)
    before = group_matrices(game, game.start) if game.start else {}
    off = ~np.eye(len(after["__final__"]), dtype=bool)
    totals = {}
    for group in ordered_groups(game, set(after) - {"__initial__", "__final__"}):
        part = np.asarray(after[group]) - np.asarray(before.get(group, 0.0))
        totals[group] = float(np.abs(part)[off].sum()) if np.ndim(part) else 0.0
    whole = sum(totals.values()) or 1.0
    return tuple((group, value / whole) for group, value in totals.items())
