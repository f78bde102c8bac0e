"""Does the home-made YAML reader still pay for itself against ruamel.yaml? (issue 21 item 7)

sim/inputs/safe_yaml.py reads libyaml's events (through PyYAML) with a composer and builder of its own that
refuse what a student's file must not hold. ruamel.yaml offers YAML 1.2, positions and duplicate-key errors,
but its round-trip loader (the one with positions) is pure Python, and it reads dates as dates and `010`,
`1_000` as numbers without a word, so a reader built on it keeps Entente's resolver, checks and messages and
runs on ruamel's pure-Python parser and composer. This times, in one process, the CPU of reading every bundled
YAML file (data tables, seeds, scenarios, hindcasts) through Entente's reader against ruamel.yaml merely
composing the same files (the least a reader on it must do) and loading them bare (no checks at all), each
the median of 7 alternating rounds.

    pip install ruamel.yaml   # not a dependency of Entente
    python bench/yaml_reader.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    try:
        from ruamel.yaml import YAML
    except ImportError:
        sys.exit("This compares with ruamel.yaml, which Entente does not need: pip install ruamel.yaml")
    from sim.inputs import safe_yaml

    files = [path for folder in ("sim/data", "seeds", "scenarios", "hindcasts")
             for path in sorted((ROOT / folder).glob("*.yaml"))]
    texts = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8") for path in files}
    readers = {
        "Entente's reader (libyaml events, its checks)": lambda text: safe_yaml._parse_text(text, "f", "file"),
        "ruamel.yaml compose (pure Python, no checks)": lambda text: YAML(typ="safe", pure=True).compose(text),
        "ruamel.yaml round-trip load (positions, no checks)": lambda text: YAML(typ="rt", pure=True).load(text),
    }
    for read in readers.values():  # imports and first-use caches outside the timing
        read("a: 1\n")
    whole: dict[str, list[float]] = {name: [] for name in readers}
    relations: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(7):
        for name, read in readers.items():
            started = time.process_time()
            for key, text in texts.items():
                before = time.process_time()
                read(text)
                if key == "seeds/relations.yaml":
                    relations[name].append(time.process_time() - before)
            whole[name].append(time.process_time() - started)
    size = sum(len(text.encode("utf-8")) for text in texts.values())
    print(f"{len(texts)} bundled YAML files, {size / 1000:.0f} kB; CPU ms, median of 7 rounds")
    ours = statistics.median(whole[next(iter(readers))])
    for name in readers:
        total = statistics.median(whole[name])
        print(f"{name}: all files {total * 1000:.0f} ms ({total / ours:.1f}x), seeds/relations.yaml "
              f"{statistics.median(relations[name]) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
