"""How often, and how far, do the actors react in the bundled files? And how far do onlookers move?

`python bench/reaction_rates.py` (by hand; tests/test_model_rules.py holds the acceptance bounds). For every
bundled scenario, hindcast and exercise file (one run each, as written), it counts the scripted events and
the reactions, the median and the share at 0.9 or more of the chances the reactions had (events.csv's
`probability`), and the deepest chain: a reaction is one link deeper than the event its reason names
("(TYPE, month M)" or "target of TYPE by X (month M"), a scripted event is depth 1. Then, for
arms_sale_pakistan and s400_india with reactions off, the effect on the parties and on the onlookers.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILES = ("scenarios/*.yaml", "hindcasts/*.yaml", "exercises/files/*.yaml")
TRIGGER = re.compile(r"\((\w+), month (\d+)\)|target of (\w+) by .*? \(month (\d+)")


def depths(events) -> list[int]:
    """The chain depth of every reaction of run 1, by the trigger its reason names."""
    rows = events[events["run"] == 1].to_dict("records")
    depth: dict[int, int] = {}
    out = []
    for k, row in enumerate(rows):
        if row["origin"] != "reaction":
            depth[k] = 1
            continue
        match = TRIGGER.search(str(row["reason"]))
        kind, month = (match.group(1) or match.group(3), int(match.group(2) or match.group(4))) if match else ("", -1)
        parents = [depth[j] for j, other in enumerate(rows[:k]) if other["type"] == kind and other["month"] == month]
        depth[k] = 1 + (max(parents) if parents else 1)
        out.append(depth[k])
    return out


def main() -> None:
    import sim
    from sim.inputs.scenario_file import load_scenario

    chances, deepest, scripted, reactions = [], 0, 0, 0
    for pattern in FILES:
        for path in sorted(ROOT.glob(pattern)):
            try:
                scenario = load_scenario(path)
            except Exception:  # noqa: BLE001 - a file that needs other input (an exercise template)
                continue
            result = sim.run(scenario)
            events = result.events[result.events["run"] == 1]
            reacted = events[events["origin"] == "reaction"]
            scripted += int((events["origin"] == "scenario").sum())
            reactions += len(reacted)
            chances += [float(p) for p in reacted["probability"]]
            chain = max(depths(result.events), default=1)
            deepest = max(deepest, chain)
            print(f"{path.relative_to(ROOT)}: {len(events) - len(reacted)} scripted, {len(reacted)} reactions, "
                  f"deepest chain {chain}")
    median = statistics.median(chances) if chances else 0.0
    high = sum(p >= 0.9 for p in chances) / len(chances) if chances else 0.0
    print(f"\n{scripted} scripted events, {reactions} reactions; median chance {median:.2f}; "
          f"{high:.0%} at 0.9 or more; deepest chain {deepest}")

    print("\nOnlookers against parties (reactions off, effect at the horizon):")
    for name, parties in (("arms_sale_pakistan", ("Russia", "Pakistan")), ("s400_india", ("Russia", "India"))):
        scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
        scenario = dataclasses.replace(scenario, parameters=scenario.parameters.with_overrides({"reactions": False}))
        result = sim.run(scenario)
        effect, names = result.effect(), list(result.actors)
        a, b = (names.index(p) for p in parties)
        party = max(abs(effect[a, b]), abs(effect[b, a]))
        onlookers = [(abs(effect[k, j]), names[k], names[j]) for k in range(len(names)) for j in (a, b)
                     if k not in (a, b)]
        size, k, j = max(onlookers)
        print(f"  {name}: parties {parties[0]}-{parties[1]} {party:.3f}; largest onlooker {k} → {j} {size:.3f}")


if __name__ == "__main__":
    main()
