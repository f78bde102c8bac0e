"""`python -m sim blocs FILE [--blocs K] [--json] [--top N]`: landscape analysis of any alignment data.

Lists the local minima of Axelrod & Bennett's landscape energy (configurations where no single actor
gains by switching bloc), lowest first, and says plainly when several are near-tied.
"""

from __future__ import annotations

import argparse
from ..links import page

NEAR_TIE = 0.05  # configurations within 5% of |E_min| of the minimum count as near-tied
SHOWN_BY_DEFAULT = 10  # human output; --json lists every configuration unless --top is given


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(
        name, help=summary,
        description=summary + ". The file lists actors with sizes and symmetric propensities "
        f"(see {page('landscape')}). Energy E = sum over pairs in different blocs of "
        "size x size x propensity; lower is more stable.",
    )
    parser.add_argument("file", help="alignment data YAML: actors [{name, size}], propensities [[A, B, value]]")
    parser.add_argument("--blocs", type=_positive_int, default=2, metavar="K",
                        help="allow up to K blocs (default 2)")
    parser.add_argument("--json", action="store_true", help="print the configurations as JSON")
    parser.add_argument("--top", type=_positive_int, default=None, metavar="N",
                        help=f"show only the N lowest configurations (default {SHOWN_BY_DEFAULT}; "
                        "with --json, all)")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def _round(value: float) -> float:
    return round(float(value), 6) + 0.0  # + 0.0 turns -0.0 into 0.0


def _number(value: float) -> str:
    text = f"{_round(value):.6g}"
    return "0" if text in ("-0", "0") else text


def run(args) -> int:
    from ..model import landscape
    from ..inputs.alignment_file import load_alignments

    data = load_alignments(args.file)
    result = landscape.solve(data.propensity, data.sizes, args.blocs)
    if args.json:
        print(_as_json(result, data, args.top))
    else:
        print(_as_text(result, data, args))
    return 0


def _as_json(result, data, top) -> str:
    import json

    from ..model import landscape

    shown = result.configurations[:top] if top else result.configurations
    entries = [
        json.dumps({"blocs": landscape.blocs_as_names(c.labels, data.names), "energy": _round(c.energy),
                    "global": c.is_global})
        for c in shown
    ]
    # One configuration per line: readable in a terminal, and still a single JSON document.
    return (f'{{"method": {json.dumps(result.method)}, "configurations": [\n  '
            + ",\n  ".join(entries) + "\n]}")


def _as_text(result, data, args) -> str:
    from ..model import landscape

    n = len(data.names)
    configurations = result.configurations
    from ..errors import printable

    lines = [f"{printable(args.file)}: {n} actors, up to {args.blocs} bloc{'s' if args.blocs != 1 else ''} "
             "(landscape theory, Axelrod & Bennett 1993)."]
    if data.description:
        lines.append(printable(data.description.strip().splitlines()[0], limit=300))
    if result.method == "exact":
        lines.append(f"Method: exact. All {result.evaluated:,} possible configurations were examined.")
    else:
        partitions = landscape.count_partitions(n, args.blocs)
        lines.append(f"Method: heuristic. There are {partitions:,} possible configurations, too many to "
                     "examine all;")
        lines.append(f"greedy single-actor switches from many starting points examined "
                     f"{result.evaluated:,}. 'Lowest' means the lowest found, not proven.")
    lines.append("Energy E adds size x size x propensity over every pair in different blocs: "
                 "lower is more stable.")
    lines.append("")
    found = result.local_minima
    lines.append(f"{found:,} local minim{'um' if found == 1 else 'a'}"
                 f"{' found' if result.method == 'heuristic' else ''} (no single actor can lower E by "
                 "switching bloc), lowest first:")

    best = configurations[0].energy
    shown = configurations[: args.top or SHOWN_BY_DEFAULT]
    for rank, c in enumerate(shown, start=1):
        if c.is_global:
            note = "lowest found" if result.method == "heuristic" else "global minimum"
        else:
            gap = c.energy - best
            note = f"+{_number(gap)} above the lowest" + (
                f", {100 * gap / abs(best):.1f}%" if best != 0 else "")
        lines.append(f"{rank:>3}. E = {_number(c.energy)} ({note})")
        for number, members in enumerate(landscape.blocs_as_names(c.labels, data.names), start=1):
            size = sum(data.sizes[data.names.index(m)] for m in members)
            lines.append(f"       bloc {number} (size {_number(size)}): "
                         f"{printable(', '.join(members), limit=300)}")
    hidden = found - len(shown)
    if hidden > 0:
        more = len(configurations) - len(shown)
        lines.append(f"     ... and {hidden:,} more" + (f" (use --top {len(configurations)} to see them)"
                                                          if more > 0 else "") + ".")

    tied = sum(1 for c in configurations if c.is_global)
    near = sum(1 for c in configurations if c.is_global or c.energy - best <= NEAR_TIE * abs(best))
    lines.append("")
    if tied > 1:
        lines.append(f"{tied} configurations tie for the lowest energy: the data do not single out one "
                     "alignment.")
    elif near > 1:
        lines.append(f"{near} configurations lie within {NEAR_TIE:.0%} of the lowest energy: the data do "
                     "not single out one alignment.")
    elif len(configurations) > 1:
        lines.append("The lowest configuration stands out; the others are stable too, but less so.")
    elif result.method == "heuristic":
        lines.append("No other stable configuration was found.")
    else:
        lines.append("This is the only stable configuration.")
    lines += _margins(configurations[0], data, args.blocs)
    return "\n".join(lines)


def _margins(best, data, n_blocs: int) -> list[str]:
    """How narrowly each actor's place in the lowest configuration is decided, narrowest first."""
    from ..model import landscape
    from ..errors import printable

    places = sorted(landscape.placements(data.propensity, data.sizes, best.labels, n_blocs),
                    key=lambda p: (p.cost, p.actor))
    if not places:
        return []
    lines = ["How narrowly each actor's place is decided (energy rise if it alone moved to its best other bloc):"]
    for place in places:
        share = f" ({place.cost / abs(best.energy):.0%} of |E|)" if best.energy else ""
        lines.append(f"  {printable(data.names[place.actor], limit=60)}: +{_number(place.cost)}{share}")
    return lines
