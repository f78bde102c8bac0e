"""`python -m sim schema`: the JSON Schema of scenario files, for editors that complete and check YAML."""

from __future__ import annotations


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(
        name, help=summary,
        description=summary + ". Save it (python -m sim schema > scenario.schema.json) and point your "
        "editor's YAML support at it.")
    return parser


def run(args) -> int:
    import json

    from ..inputs.schema import scenario_schema

    print(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))
    return 0
