"""`python -m sim compare A B`: two result folders or two scenarios side by side."""

from __future__ import annotations

from pathlib import Path


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ": which pairs differ at the end and "
                                   "by how much, which blocs, which events only one logged; --out writes "
                                   "compare.html, compare.csv and the effect heatmaps on one colour scale. "
                                   "A lens for discussion, not a forecast.")
    parser.add_argument("a", metavar="A", help="a result folder, a scenario file or a bundled scenario name")
    parser.add_argument("b", metavar="B", help="the same kinds as A")
    parser.add_argument("--out", help="folder for compare.html, compare.csv, compare.png and a manifest")
    parser.add_argument("--effect-scale", type=float, metavar="X",
                        help="colour scale of both effect heatmaps, ±X (default 0.5, the same for every run)")
    parser.add_argument("--top", type=int, default=15, metavar="N", help="pairs shown in the terminal (default 15)")
    parser.add_argument("--no-plots", action="store_true", help="leave the figure out (faster)")
    parser.add_argument("--force", action="store_true",
                        help="write into a folder that holds files Entente did not write")
    parser.add_argument("--allow-large", action="store_true",
                        help="run a scenario even when its estimated work is above the limits in the README")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def check_side(text: str, *, allow_large: bool = False) -> None:
    """A scenario side (not a result folder) within the limits of `run`, checked before anything runs."""
    if Path(text).is_dir():
        return
    from ..inputs.cost import check_scenario
    from ..inputs.scenario_file import load_scenario

    check_scenario(load_scenario(text), allow_large=allow_large, what=f"the run of {text}")


def load_side(text: str):
    """A result folder read back, or a scenario (file or bundled name) run now (check_side first)."""
    from ..present.files import check_result_dir, read_result

    if Path(text).is_dir():
        return read_result(check_result_dir(text))
    from ..results.runner import run
    from ..inputs.scenario_file import load_scenario

    return run(load_scenario(text), summarise=True)


def run(args) -> int:
    from ..errors import EntenteError, printable
    from ..classroom.compare import compare
    from ..classroom.compare_report import comparison_text, write_comparison
    from ..present.figures import check_effect_scale

    limit = check_effect_scale(args.effect_scale)
    if args.top < 1:
        raise EntenteError(f"--top must be at least 1, got {args.top}", hint="Use for example --top 10.")
    if args.out is not None:
        from ..results.folder import check_out_dir

        check_out_dir(args.out, force=args.force)
    # Both scenarios are checked before either runs: a refusal of B does not come after A's minutes of work.
    for side in (args.a, args.b):
        check_side(side, allow_large=args.allow_large)
    a, b = load_side(args.a), load_side(args.b)
    comparison = compare(a, b, a_label=args.a, b_label=args.b)
    print(comparison_text(comparison, most=args.top))
    if args.out is not None:
        png = None
        if not args.no_plots:
            from ..classroom.compare_figures import plot_effect_comparison
            from ..present.style import figure_bytes

            figure = plot_effect_comparison(a.effect(), b.effect(), comparison.actors,
                                            f"A: {a.name} (month {a.months})", f"B: {b.name} (month {b.months})",
                                            effect_scale=limit)
            png = figure_bytes(figure, "png")
        written = write_comparison(comparison, png, args.out, force=args.force)
        print(f"\nWrote {printable(args.out)}: {', '.join(written)}")
    return 0
