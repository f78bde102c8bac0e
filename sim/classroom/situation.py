"""The situation report after a turn: what was ordered, what the actors answered, what moved, and whose doing.

Plain data (the terminal text and the projector page are in sim/classroom/situation_report.py). Run 1 of the
played world is the story told (as `sim run` tells its events); the pairs' changes over the turn are split
by exact attribution (sim/results/attribution.py) into groups by who caused them: each team's moves (an
agreed move is both teams'), the news, the scenario's own events, the actors' reactions, and the world's own
pull (memory, balance, reciprocity, noise). The groups add up to each pair's change over the turn.

The turn's share is the attribution to the turn's last month minus the attribution to the month before the
turn: the model draws its random numbers month by month whatever the horizon, so the run to an earlier month
is exactly the start of the later one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from .saved_game import Game

WORLD = "the world's own pull"  # memory, balance, reciprocity and noise
REACTIONS = "reactions"
SCENARIO = "scenario"
_PLACE = re.compile(r"events\[(\d+)\]")


@dataclass(frozen=True)
class Change:
    """One directed pair over the turn (run 1), with its change split by who caused it."""

    source: str
    target: str
    before: float
    after: float
    parts: dict[str, float]  # group -> part of the change; the parts add up to after - before

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Situation:
    scenario: str
    turn: int
    first: int
    last: int
    runs: int
    seed: int
    ordered: tuple[tuple[str, str, int, str], ...]  # (team, words, month, note) as ordered
    played: tuple[dict, ...]  # the turn's played entries (with 'by')
    agreed: tuple[str, ...]
    proposed: tuple[str, ...]
    refused: tuple[str, ...]
    reactions: tuple[dict, ...]  # run 1: month, type, source, target, intensity, reason
    changes: tuple[Change, ...]  # every pair, largest |change| first
    groups: tuple[str, ...]  # the attribution groups, teams first
    blocs: tuple[tuple[str, ...], ...]  # at the turn's last month
    blocs_before: tuple[tuple[str, ...], ...]

    def team_totals(self) -> dict[str, float]:
        """Each group's summed |part| over every pair: how much of the turn's movement it made."""
        return {group: float(sum(abs(c.parts.get(group, 0.0)) for c in self.changes)) for group in self.groups}


def group_matrices(game: Game, month: int) -> dict[str, np.ndarray]:
    """Run 1 of the played world to `month`, its change since month 0 split by who caused it."""
    from ..inputs.scenario_file import scenario_from_data
    from ..results.attribution import attribute
    from .play import played_scenario_with_authors

    data, authors = played_scenario_with_authors(game)
    keep = [i for i, e in enumerate(data["events"]) if int(e["at"]) <= month]
    data = {**data, "months": month, "events": [data["events"][i] for i in keep]}
    authors = [authors[i] for i in keep]
    scenario = scenario_from_data(data, file=game.label, base_dir=game.folder)
    attribution = attribute(replace(scenario, runs=1))
    groups: dict[str, np.ndarray] = {WORLD: sum(attribution.mechanisms.values())}
    for (place, _channel), matrix in attribution.sources.items():
        event = attribution.events[place]
        if event.origin == "reaction":
            group = REACTIONS
        else:
            found = _PLACE.fullmatch(event.reason)
            group = authors[int(found.group(1))] if found else SCENARIO
        groups[group] = groups.get(group, 0.0) + matrix
    groups["__initial__"], groups["__final__"] = attribution.initial, attribution.final
    return groups


def situation(game_after: Game, plan, result) -> Situation:
    """The report of the turn just played: the game after it, the plan as resolved, the result to its end."""
    first, last = plan.first, plan.last
    after = group_matrices(game_after, last)
    before = group_matrices(game_after, first - 1) if first > 1 else None
    names = list(result.actors)
    initial_after, final_after = after.pop("__initial__"), after.pop("__final__")
    if before is not None:
        before.pop("__initial__")
        start = before.pop("__final__")
    else:
        start, before = initial_after, {}
    groups = ordered_groups(game_after, set(after) | set(before))
    changes = []
    for i, source in enumerate(names):
        for j, target in enumerate(names):
            if i == j:
                continue
            parts = {g: float(_at(after.get(g), i, j) - _at(before.get(g), i, j)) for g in groups}
            changes.append(Change(source, target, float(start[i, j]), float(final_after[i, j]), parts))
    changes.sort(key=lambda c: (-round(abs(c.change), 9), c.source, c.target))
    events = result.events
    run1 = events[(events["run"] == events["run"].min()) & (events["month"] >= first) & (events["month"] <= last)]
    reactions = tuple({"month": int(r["month"]), "type": r["type"], "source": r["source"], "target": r["target"],
                       "intensity": float(r["intensity"]), "reason": str(r["reason"])}
                      for r in run1[run1["origin"] == "reaction"].to_dict("records"))
    blocs = result.summary.blocs
    outcome = plan.outcome
    turn = game_after.turns_played
    return Situation(
        result.summary.scenario, turn, first, last, result.runs, result.seed,
        tuple((o.team, o.words, int(o.event["at"]), o.event["note"]) for o in plan.orders),
        tuple(e for e in game_after.played if e.get("turn") == turn),
        outcome.agreed, tuple(_proposed(p) for p in outcome.proposed), outcome.refused, reactions,
        tuple(changes), groups, tuple(blocs.at(last).blocs), tuple(blocs.at(first - 1).blocs))


def ordered_groups(game: Game, found: set[str]) -> tuple[str, ...]:
    """The attribution groups in reading order: teams (and agreed moves) as the game lists its teams, then
    the news, the scenario's own events, the reactions and the world's own pull."""
    teams = [t for t, _ in game.teams] or sorted({e["by"] for e in game.played} - {"news"})
    fixed = ("news", SCENARIO, REACTIONS, WORLD)
    movers = sorted((g for g in found if g not in fixed),
                    key=lambda g: (min((teams.index(t) for t in g.split(" and ") if t in teams), default=len(teams)),
                                   g))
    return tuple([*movers, *[g for g in fixed if g in found]])


def _at(matrix, i: int, j: int) -> float:
    return 0.0 if matrix is None or np.isscalar(matrix) else float(matrix[i, j])


def _proposed(proposal) -> str:
    from .play_rules import proposal_sentence

    return proposal_sentence(proposal)
