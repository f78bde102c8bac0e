"""Does the figure machinery still pay for itself? (issues 21 and 25: keep a piece only where it does)

For each figure of a `sim run` (arms_sale_pakistan, one run), the CPU time of encoding it as the result folder
does (sim.present.style.figure_bytes: text from cached glyph outlines, drawn once on Agg, PNG encoded without
row filters) against plain matplotlib (`savefig(format="png", metadata={"Software": None})`, byte-
reproducible too), each the median of 7 fresh figures, alternating.

    python bench/figure_machinery.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    import matplotlib

    import sim
    from sim.inputs.scenario_file import load_scenario
    from sim.present import figures, style

    result = sim.run(load_scenario("arms_sale_pakistan"), summarise=True)

    def plain(figure) -> bytes:
        buffer = io.BytesIO()
        with matplotlib.rc_context(style.rc()):
            figure.savefig(buffer, format="png", dpi=style.DPI, metadata={"Software": None}, facecolor="white")
        return buffer.getvalue()

    total = [0.0, 0.0]
    for name, make in figures.FIGURES.items():
        ours, theirs = [], []
        for _ in range(7):
            figure = make(result)
            started = time.process_time()
            style.figure_bytes(figure, "png")
            ours.append(time.process_time() - started)
            figure = make(result)
            started = time.process_time()
            plain(figure)
            theirs.append(time.process_time() - started)
        total[0] += statistics.median(ours)
        total[1] += statistics.median(theirs)
        print(f"{name}: figure_bytes {statistics.median(ours) * 1000:.0f} ms, plain savefig "
              f"{statistics.median(theirs) * 1000:.0f} ms of CPU")
    print(f"all three: {total[0] * 1000:.0f} against {total[1] * 1000:.0f} ms ({total[1] / total[0]:.1f}x)")


if __name__ == "__main__":
    main()
