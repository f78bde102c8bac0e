"""`python -m sim list`: what a scenario can use: bundled scenarios, actors, event types, parameters."""

from __future__ import annotations

SECTIONS = ("scenarios", "actors", "events", "parameters")


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ".")
    parser.add_argument("section", nargs="?", choices=SECTIONS, help="show only one section")
    return parser


def run(args) -> int:
    sections = [args.section] if args.section else list(SECTIONS)
    for i, section in enumerate(sections):
        if i:
            print()
        print("\n".join(globals()[f"_{section}"]()))
    return 0


def _scenarios():
    from ..errors import EntenteError, printable
    from ..inputs.resources import bundled_scenarios
    from ..inputs.safe_yaml import load_yaml

    lines = ["Bundled scenarios (python -m sim run NAME, or a path to a file of your own)"]
    for path in bundled_scenarios():
        try:
            name = load_yaml(path).data.get("name", "")
        except EntenteError:
            name = "(does not load: python -m sim validate shows why)"
        lines.append(f"  {printable(path.stem):<32} {printable(name, limit=200)}")
    return lines


def _actors():
    from ..inputs.tables import canonical_actors

    lines = ["Actors (names are case-insensitive; aliases work too; capability = relative size for blocs)"]
    for actor in canonical_actors():
        lines.append(f"  {actor.name:<9} capability {actor.capability:>5g}  {actor.kind:<12} anchoring "
                     f"{actor.anchoring:g}  attention {actor.attention:g}   aliases: {', '.join(actor.aliases)}")
    return lines


def _events():
    from ..inputs.tables import load_codebook

    lines = ["Event types (weight = Goldstein score of the CAMEO code; durable = share that lasts)",
             f"  {'type':<21}{'CAMEO':<7}{'weight':>7}{'durable':>9}  meaning"]
    for kind in load_codebook().values():
        lines.append(f"  {kind.name:<21}{kind.cameo:<7}{kind.goldstein:>+7.1f}{kind.durable:>9.1f}  "
                     f"{kind.description}")
    return lines


def _parameters():
    import textwrap

    from ..model.parameters import specs

    lines = ["Parameters (override under 'parameters:' in a scenario)"]
    for spec in specs():
        default = str(spec.default).lower() if isinstance(spec.default, bool) else spec.default
        lines.append(f"  {spec.name} = {default} ({spec.unit})")
        lines += textwrap.wrap(spec.meaning, width=96, initial_indent="      ", subsequent_indent="      ")
    return lines
