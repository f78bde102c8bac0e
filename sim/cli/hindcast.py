"""`python -m sim hindcast [FILE...]`: score the model and its null models on the hindcasts, per split.

Exit 1 if any expectation fails under the model (a band missed or a direction wrong), 0 if all hold.
"""

from __future__ import annotations

import json


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ".")
    parser.add_argument("files", nargs="*", help="hindcast files (default: the bundled hindcasts/)")
    parser.add_argument("--json", action="store_true",
                        help="print the scorecard and every check's value (model and null models) as JSON")
    parser.add_argument("--scorecard", action="store_true", help="print only the scorecard, not every check")
    parser.add_argument("--strict", action="store_true",
                        help="exit with 1 when any band is missed (for scripts and CI; a missed band is a finding "
                             "about the model, not an error, so without it the command exits with 0)")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..classroom.hindcast import NULL_MODELS, score_all, scorecard, to_json
    from ..links import cite
    from ..errors import printable

    episodes = score_all(args.files or None)
    failed = any(not c.held for e in episodes for c in e.checks)
    if args.json:
        print(json.dumps(to_json(episodes), indent=1, ensure_ascii=False))
        return 1 if failed and args.strict else 0
    total = held = 0
    for e in episodes:
        total += len(e.checks)
        held += sum(c.held for c in e.checks)
        if args.scorecard:
            continue
        print(f"{printable(e.scenario.name)}  [{e.split}]")
        for c in e.checks:
            print(f"  {'held  ' if c.held else 'FAILED'}  {printable(c.text)}")
            if c.expectation.note:
                print(f"          {printable(c.expectation.note)}")
    print(f"{held} of {total} expectations held across {len(episodes)} hindcasts "
          "(a check of the model's mechanisms against the record, not a forecast).")
    for split, card in scorecard(episodes).items():
        model = card["model"]
        print(f"\n{split}: {card['episodes']} episodes, {model.expectations} pair expectations "
              f"({model.signed} with a sign)")
        print(f"  {'model':<22} {'sign':>6} {'in band':>8} {'MAE':>7} {'failed':>7}  {'skill':>6}")
        rows = [("this model", model, None)] + [(name, card["nulls"][name], card["skill"][name])
                                                for name in NULL_MODELS]
        for name, m, skill in rows:
            skill_text = "" if name == "this model" else ("   n/a" if skill is None else f"{skill:+6.2f}")
            print(f"  {name:<22} {_rate(m.sign_accuracy):>6} {_rate(m.band_hit_rate):>8} {m.mae:7.3f} "
                  f"{m.episodes_failed:>3}/{card['episodes']:<3}  {skill_text}")
    print("\nsign: share of signed expectations whose sign the band allows; in band: share of values inside "
          "their band; MAE: mean distance to the band; failed: episodes with a band missed; skill: "
          f"1 - MAE(model)/MAE(null) ({cite('model', 'Hindcasts')}).")
    return 1 if failed and args.strict else 0


def _rate(x: float) -> str:
    return "  n/a" if x != x else f"{x:.2f}"
