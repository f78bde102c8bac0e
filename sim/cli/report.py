"""`python -m sim report RESULT_DIR`: rebuild report.html in a result folder from its files."""

from __future__ import annotations


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ": one self-contained page "
                                   "(figures inside) to project or print. A lens for discussion, not a forecast.")
    parser.add_argument("result_dir", help="a result folder written by `python -m sim run`")
    parser.add_argument("--effect-scale", type=float, metavar="X",
                        help="colour scale of the effect heatmap, ±X (default 0.5, the same for every run)")
    parser.add_argument("--no-plots", action="store_true", help="leave the figures out (faster)")
    parser.add_argument("--force", action="store_true",
                        help="write into a result folder that also holds files Entente did not write "
                             "(those files are kept)")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..errors import printable
    from ..present.files import check_result_dir, rebuild_report
    from ..present.figures import check_effect_scale

    if args.effect_scale is not None:
        check_effect_scale(args.effect_scale)
    check_result_dir(args.result_dir)
    path = rebuild_report(args.result_dir, force=args.force, plots=not args.no_plots,
                          effect_scale=args.effect_scale)
    print(printable(str(path)))
    return 0
