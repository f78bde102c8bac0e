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
    from ..links import cite, page
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
        if e.observed is not None:
            for line in _observed_lines(e.observed):
                print(f"  {printable(line)}")
    print(f"{held} of {total} expectations held across {len(episodes)} hindcasts "
          "(a check of the model's mechanisms against the record, not a forecast).")
    for split, card in scorecard(episodes).items():
        model = card["model"]
        print(f"\n{split}: {card['episodes']} episodes, {model.expectations} pair expectations "
              f"({model.signed} with a sign); observed targets: {card['observed']} episode"
              f"{'' if card['observed'] == 1 else 's'} ({card['observed_fitted']} fitted)")
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
    if any(e.observed is not None for e in episodes):
        print("observed: observed = c_pair + λ·score, λ fitted across the pairs on the months before the episode, "
              "c_pair from each pair's level there; the episode's months score it: correlation of changes, RMSE, "
              f"skill 1 - MSE(model)/MSE(zero effect) ({cite('model', 'Observed targets')}; how to attach "
              f"event data: {page('howto/observed')}).")
    return 1 if failed and args.strict else 0


def _observed_lines(observed) -> list[str]:
    """The observation model's fit and scores (sim/results/observation.py), or plainly why there is none."""
    from pathlib import Path

    head = (f"observed: {observed.measure} from {Path(observed.file).name}, month 1 = {observed.start}, "
            f"fitted on the {observed.before} months before")
    if not observed.fitted:
        return [head, f"  not fitted: {observed.reason}."]
    se = "" if observed.slope_se is None else f" ± {observed.slope_se:.3f}"
    lines = [head, f"  observed = c_pair + λ·score: λ = {observed.slope:+.3f}{se}, c = {observed.intercept:+.3f} "
                   f"({observed.points_before} pair-months before, {observed.points_during} during)"]
    for fit in observed.pairs:
        c = "n/a (no month before)" if fit.intercept is None else f"{fit.intercept:+.3f}"
        lines.append(f"  {fit.pair[0]} → {fit.pair[1]}: starts at {fit.start_score:+.2f}, c_pair {c}, "
                     f"{fit.months_before} months before, {fit.months_during} during")
    correlation = "n/a" if observed.correlation is None else f"{observed.correlation:+.2f}"
    skill = "n/a" if observed.skill is None else f"{observed.skill:+.2f}"
    lines.append(f"  episode months: correlation of changes {correlation}, RMSE {observed.rmse:.3f} "
                 f"(zero effect {observed.rmse_null:.3f}), skill {skill}")
    if observed.warning:
        lines.append(f"  {observed.warning}.")
    return lines


def _rate(x: float) -> str:
    return "  n/a" if x != x else f"{x:.2f}"
