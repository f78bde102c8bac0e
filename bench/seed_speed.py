"""Time and memory of `sim seed` on long articles: `python bench/seed_speed.py` (by hand; no timed unit tests).

Codes articles of 25, 50, 100 and 200 kB of run-on text (no sentence punctuation, every piece different,
so nothing is deduplicated) and prints wall time, time per kB and the size of the relations file. Coding
should be linear in the article's length: the time per kB should stay flat.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHRASE = ("Russia and Pakistan held joint exercise number {i} near India while China watched the US and "
          "Iran signed a pipeline agreement with Pakistan as Washington imposed sanctions on Tehran ")


def run_on_text(size: int) -> str:
    parts, total, i = [], 0, 0
    while total < size:
        part = PHRASE.format(i=i)
        parts.append(part)
        total += len(part)
        i += 1
    return "".join(parts)


def main() -> None:
    from sim.seeding import seed

    with tempfile.TemporaryDirectory() as folder:
        for kb in (25, 50, 100, 200):
            article = Path(folder) / f"run_on_{kb}.txt"
            article.write_text(run_on_text(kb * 1000), encoding="utf-8")
            out = Path(folder) / f"relations_{kb}.yaml"
            started = time.perf_counter()
            seed(article, out, overrides=None)
            elapsed = time.perf_counter() - started
            print(f"{kb:>4} kB run-on article: {elapsed:.2f} s ({1000 * elapsed / kb:.1f} ms per kB), "
                  f"relations file {out.stat().st_size / 1e6:.1f} MB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
