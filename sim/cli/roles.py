"""`python -m sim roles`: one briefing per actor (Markdown and HTML) for a crisis-committee lesson."""

from __future__ import annotations

from pathlib import Path


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ". A lens for discussion, "
                                   "not a forecast.")
    parser.add_argument("--out", default="roles", help="folder for the sheets (default: roles/)")
    parser.add_argument("--relations", help="starting alignments file (default: the bundled seeds/relations.yaml)")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..errors import EntenteError, printable
    from ..classroom.roles import role_sheets
    from ..inputs.paths import check_input_file, check_output_path
    from ..inputs.safe_files import write_file
    from ..classroom.roles_report import sheet_html, sheet_markdown

    if args.relations is not None:
        check_input_file(args.relations, "relations file")
    check_output_path(args.out, "output folder")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise EntenteError("--out names a file, not a folder", file=str(out), hint="Choose a folder name.")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in role_sheets(args.relations):
        stem = sheet.actor.lower().replace(" ", "_")
        write_file(out / f"{stem}.md", sheet_markdown(sheet), what="role sheet")
        write_file(out / f"{stem}.html", sheet_html(sheet), what="role sheet")
        written.append(stem)
    print(f"Role sheets for {len(written)} actors in {printable(out)}/: " + ", ".join(f"{s}.md/.html" for s in written))
    return 0
