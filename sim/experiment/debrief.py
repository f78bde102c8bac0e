"""The debrief of a game: the played world beside the scenario as written and the world without events.

All three are taken at the game's current month, from runs with the same seed, so every difference is
what the teams and the news did (played minus as written) or what everything did (played minus baseline).
The rows are plain data: the terminal and Markdown text are in sim/reporting/debrief.py, and a report
page can call `debrief(game)` and lay the same rows out in HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from .play import Game, as_written_data, played_events, played_scenario
from .runner import run


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


def _final(table, month: int) -> dict[tuple[str, str], float]:
    rows = table[table["month"] == month].groupby(["source", "target"])["score"].mean()
    return {pair: float(value) for pair, value in rows.items()}


def debrief(game: Game) -> Debrief:
    """Run the played scenario and the scenario as written to the current month and compare them."""
    from ..io.scenario_file import scenario_from_data

    month = game.month
    played = run(played_scenario(game), summarise=True)
    written = run(scenario_from_data(as_written_data(game, month), file=f"{game.folder}/scenario.yaml",
                                     base_dir=game.folder), summarise=True)
    as_played, as_written, baseline = _final(played.alignment, month), _final(written.alignment, month), \
        _final(played.baseline, month)
    rows = [DebriefRow(s, t, baseline[(s, t)], as_written[(s, t)], as_played[(s, t)]) for s, t in as_played]
    rows.sort(key=lambda row: (-round(abs(row.by_teams), 9), row.source, row.target))
    return Debrief(played.summary.scenario, month, played.seed, played.runs, tuple(rows),
                   tuple(played_events(game)), played.summary.blocs.final, written.summary.blocs.final,
                   played.summary.reaction_count, written.summary.reaction_count)
