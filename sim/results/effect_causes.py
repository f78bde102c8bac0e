"""Why each pair's *effect* is what it is: run 1's effect split into the events and the model's mechanisms.

The summary's attribution splits a pair's *change* (month 0 to the end) of the scenario run. A reader of the
effects table asks something else: why does this pair end apart from the world without the events? Both
worlds are replayed with exact attribution (run 1, same seed: the baseline is the same model without the
scenario's events), and the effect is split into the events' own parts plus the difference each mechanism
makes between the two worlds. Memory, balance, reciprocity and noise act in both; what they do differently
is how an event reaches a pair it never touched (balance relays it from friends and rivals, reciprocity
from the other direction) and how much of it fades (memory). The parts add up to run 1's effect.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import EntenteError
from .attribution import attribute, attribution_of, scenario_of
from .result import Result

EVENTS = "events"  # the events' own parts (impulses, lasting parts, client competition) together


@dataclass(frozen=True)
class EffectCauses:
    """Run 1's effect of one directed pair split by cause: parts maps 'events', 'memory', 'balance',
    'reciprocity', 'noise' to its share of the effect (they add up to `effect`)."""

    source: str
    target: str
    effect: float
    parts: dict[str, float]

    def ranked(self) -> list[tuple[str, float]]:
        """The causes, largest |part| first."""
        return sorted(self.parts.items(), key=lambda item: -abs(item[1]))


def effect_causes(result: Result) -> dict[tuple[str, str], EffectCauses]:
    """Every directed pair's run-1 effect split by cause (two replays of run 1, with and without the events).

    Raises EntenteError when the run cannot be replayed (a result folder whose scenario file changed).
    """
    scenario = scenario_of(result)
    with_events = attribution_of(result, 1)
    without = attribute(replace(scenario, events=()), result.world, run=1)
    names = with_events.names
    out = {}
    for i, source in enumerate(names):
        for j, target in enumerate(names):
            if i == j:
                continue
            parts = {EVENTS: float(sum(matrix[i, j] for matrix in with_events.sources.values()))}
            for mechanism, matrix in with_events.mechanisms.items():
                parts[mechanism] = float(matrix[i, j] - without.mechanisms[mechanism][i, j])
            effect = float(with_events.final[i, j] - without.final[i, j])
            out[(source, target)] = EffectCauses(source, target, effect, parts)
    return out


def effect_causes_or_reason(result: Result) -> tuple[dict[tuple[str, str], EffectCauses], str]:
    """effect_causes, or ({}, the reason in a sentence) when the summary or the replay cannot give them."""
    summary = result.summary
    if summary is not None and not summary.attributed:
        return {}, ("This world is too large to attribute every pair (summary.json: \"attributed\": false); "
                    "python -m sim explain RESULT A B splits one pair.")
    try:
        return effect_causes(result), ""
    except EntenteError as problem:
        return {}, f"The causes cannot be given: {problem.problem}"
