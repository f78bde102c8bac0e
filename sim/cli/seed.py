"""`python -m sim seed ARTICLE.txt`: code an article into starting alignments; `--explain A B`: show why."""

from __future__ import annotations

import argparse
from ..links import page


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(
        name, help=summary, formatter_class=argparse.RawDescriptionHelpFormatter,
        description=summary + ".\n\n"
        "Each pair starts from a dated prior with its sources (sim/data/priors.yaml). The coder reads each\n"
        "clause of the article for who does what to whom (joint exercise, pact, sanctions, clash...) and\n"
        "the sentences update the prior in proportion to their strength. Pairs the article is silent on\n"
        f"keep their prior. See {page('seeding')}.",
        epilog="examples:\n"
               "  python -m sim seed seeds/pakistan_russia_relations_article.txt --out relations.yaml\n"
               "  python -m sim seed --explain Russia Pakistan\n"
               "  python -m sim seed seeds/pakistan_russia_relations_article.txt --document-only "
               "--out article_only.yaml")
    parser.add_argument("article", nargs="?", help="the article: a UTF-8 .txt file")
    parser.add_argument("--out", default="relations.yaml",
                        help="relations file to write (default: relations.yaml in this folder)")
    parser.add_argument("--overrides", metavar="FILE",
                        help="teacher corrections (default: overrides.yaml beside the --out file, if any)")
    parser.add_argument("--no-overrides", action="store_true", help="ignore any overrides file")
    parser.add_argument("--force", action="store_true",
                        help="replace an --out file that `sim seed` did not write")
    parser.add_argument("--document-only", action="store_true",
                        help="read the article alone: coded pairs start from a neutral 0, not from their prior")
    parser.add_argument("--date", metavar="YYYY-MM-DD",
                        help="the article's date, which decides what a capital names after a change of power "
                             "(Kabul: the Taliban from 2021-08-15); default: the article's first line "
                             "'Date: YYYY-MM-DD', else the project's period (2017-2018)")
    parser.add_argument("--explain", nargs=2, metavar=("ACTOR", "ACTOR"),
                        help="print the evidence for one pair instead of coding an article")
    parser.add_argument("--relations", metavar="FILE",
                        help="relations file for --explain (default: the bundled seeds/relations.yaml)")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..errors import EntenteError

    if args.explain:
        if args.article:
            raise EntenteError("give either an article to code or --explain ACTOR ACTOR, not both")
        if args.date:
            raise EntenteError("--date is for coding an article; --explain reads the date the relations file "
                               "records")
        return _explain(args)
    if not args.article:
        raise EntenteError("no article given",
                           hint="Usage: python -m sim seed ARTICLE.txt --out relations.yaml, or "
                                "python -m sim seed --explain Russia Pakistan.")
    if args.relations:
        raise EntenteError("--relations is for --explain; to choose where to write, use --out")
    if args.overrides and args.no_overrides:
        raise EntenteError("--overrides and --no-overrides contradict each other; give one")
    return _seed(args)


def _date(text):
    """The --date value as a date, or an error that shows the form."""
    from datetime import date

    from ..errors import EntenteError

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EntenteError(f"--date {text!r} is not a date", field="--date",
                           hint="Write it as YYYY-MM-DD, like --date 2022-03-14.") from None


def _seed(args) -> int:

    from ..errors import printable
    from ..seeding import seed

    from ..inputs.paths import check_input_file, check_output_path, check_writable_parent

    on = _date(args.date)
    overrides = False if args.no_overrides else (args.overrides or True)
    if args.overrides is not None:
        check_input_file(args.overrides, "overrides file")
    check_input_file(args.article, "article file")
    check_output_path(args.out, "relations file")
    check_writable_parent(args.out, "relations file")
    summary = seed(args.article, args.out, overrides=overrides, force=args.force,
                   document_only=args.document_only, on=on)
    counts = summary.sources
    dated = f" (read as of {summary.date.isoformat()})" if summary.date else ""
    print(f"Coded {printable(args.article)}{dated}: {summary.sentences} sentences; actors named: "
          f"{printable(', '.join(summary.mentioned), limit=300)}.")
    coded_how = ("read from the article alone (a neutral start)" if summary.document_only
                 else "priors updated by the article")
    print(f"Pairs: {counts['document']} from the article ({coded_how}), {counts['prior']} from priors (the "
          f"article is silent on them), {counts['override']} overridden"
          + (f" by {printable(summary.overrides_file)}" if summary.overrides_file else "") + ".")
    for source, heading in (("document", "Coded from the article"), ("prior", "Left to priors")):
        pairs = [f"{r['between'][0]}-{r['between'][1]}" for r in summary.relations
                 if (r.get("coded") or r)["source"] == source]
        if pairs:
            print(f"{heading}: " + printable(", ".join(pairs), limit=2000) + ".")
    if counts["document"] == 0 and counts["override"] == 0:
        print("Note: no sentence links two actors with a cue phrase the coder knows, so every score is a prior.")
    width = max(len(f"{r['between'][0]} - {r['between'][1]}") for r in summary.relations)
    for r in summary.relations:
        label = f"{r['between'][0]} - {r['between'][1]}"
        print(f"  {label:<{width}}  {r['score']:+.2f}  {r['source']:<8}  confidence {r['confidence']:.2f}  "
              f"({_detail(r)})")
    print(f"Wrote {printable(summary.out)}")
    first = next((r for r in summary.relations if r["source"] == "document"), summary.relations[0])
    print(f"Why a score is what it is: python -m sim seed --explain {first['between'][0]} {first['between'][1]}"
          f" --relations {printable(summary.out)}")
    return 0


def _detail(relation: dict) -> str:
    if relation["source"] == "document":
        n = relation.get("sentences", 0)
        start = relation.get("update", {}).get("start", relation["prior"]["score"])
        return f"{n} sentence{'s' if n != 1 else ''}, from {start:+.2f}"
    if relation["source"] == "prior":
        return f"prior as of {relation['prior'].get('as_of')}, the article is silent"
    from ..errors import printable

    return (f"coder gave {relation.get('coded', {}).get('score', 0):+.2f}: "
            f"{printable(relation.get('rationale', ''), limit=200)}")


def _explain(args) -> int:
    from ..inputs.resources import default_relations
    from ..inputs.tables import actor_names
    from ..seeding.explain import explain_text, resolve_pair
    from ..inputs.relations import read_relations

    file = args.relations or str(default_relations())
    a, b = resolve_pair(actor_names(), args.explain)
    document = read_relations(file)
    from ..errors import printable

    print(printable(explain_text(document, a, b, file), lines=True), end="")
    return 0
