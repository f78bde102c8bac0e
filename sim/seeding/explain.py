"""The evidence for one pair, as text a student can read (the command prints it).

The numbers are recomputed with the very functions the coder used (relations.sentence_weights,
scoring.blend), from the tones and firmness stored in the relations file, so the arithmetic printed is
the arithmetic done.
"""

from __future__ import annotations

import textwrap

from ..errors import EntenteError, did_you_mean
from .relations import by_sentence
from .scoring import SentenceWeight, blend, sentence_weight
from ..links import cite, page

WIDTH = 100


def _signed(x: float, digits: int = 2) -> str:
    return f"{x:+.{digits}f}"


def _fill(text: str, indent: str = "", more: str | None = None) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent if more is None else more)


def resolve_pair(names, typed: list[str]) -> tuple[str, str]:
    """Two canonical actor names from what the user typed ('russia', 'Islamabad')."""
    pair = []
    for text in typed:
        name = names.resolve(text)
        if name is None:
            hint = did_you_mean(text, names.spellings()) or "Use one of: " + ", ".join(names.names) + "."
            raise EntenteError(f"unknown actor {text!r}", hint=hint)
        pair.append(name)
    if pair[0] == pair[1]:
        raise EntenteError(f"{typed[0]!r} and {typed[1]!r} are the same actor",
                           hint="--explain needs two different actors, such as --explain Russia Pakistan.")
    return tuple(pair)


def find_relation(document: dict, a: str, b: str, file: str) -> dict:
    for entry in document.get("relations", []):
        if isinstance(entry, dict) and set(entry.get("between") or ()) == {a, b}:
            return entry
    raise EntenteError(f"the relations file has no entry for {a} and {b}", file=file,
                       hint="Make the file again with python -m sim seed ARTICLE.txt --out FILE.")


def _describe(item: dict) -> str:
    matched, cue = str(item.get("matched", "")), str(item.get("cue", ""))
    goldstein, tone = float(item.get("goldstein", 0)), float(item.get("tone", 0))
    text = f'"{matched}"' + ("" if matched.lower() == cue.lower() else f' (cue "{cue}")')
    text += f": CAMEO {item.get('cameo')} {item.get('label')}, {_signed(goldstein, 1)}"
    if item.get("negated_by"):
        reading = "a denied conflict reads as mild reassurance" if goldstein < 0 else "a denied cooperation"
        text += f'; negated by "{item["negated_by"]}" ({reading})'
        text += ", so it is dropped" if tone == 0 else f", tone {_signed(tone, 2)}"
    markers = [f'{kind} "{item[key]}"' for key, kind in (("hedged_by", "hedged by"),
                                                        ("prospective_by", "prospective:"),
                                                        ("historical_by", "historical:")) if item.get(key)]
    if markers:
        text += "; " + ", ".join(markers) + f", so firmness {float(item.get('firmness', 1)):.2f}"
    return text


def _sentence_lines(evidence: list[dict]) -> tuple[list[str], list[SentenceWeight]]:
    lines = ["", _fill("Evidence, sentence by sentence (tone on the Goldstein scale, -10 hostile .. +10 "
                       "cooperative; firmness 1 for a plain report, less when hedged, prospective or historical):")]
    weights = []
    for items in by_sentence(evidence, key=lambda i: (i.get("line"), i.get("sentence"))):
        repeated = items[0].get("repeated_on")
        where = f"line {items[0].get('line')}"
        if repeated:
            more = items[0].get("repeated_more")
            others = f" and {more} more" if isinstance(more, int) and more > 0 else ""
            where += f" (again on line {', '.join(map(str, repeated))}{others}, counted once)"
        lines += ["", f"  {where}:", _fill(f'"{items[0].get("sentence")}"', "    ", "     ")]
        lines += [_fill(_describe(item), "      - ", "        ") for item in items]
        weight = sentence_weight([(float(i.get("tone", 0)), float(i.get("firmness", 1))) for i in items])
        if weight is None:
            lines.append("      this sentence does not count (every cue in it was dropped)")
            continue
        weights.append(weight)
        lines.append(f"      counts once: tone g = {_signed(weight.tone, 2)}, firmness c = {weight.firmness:.2f}")
    return lines, weights


def _arithmetic(document: dict, entry: dict, weights: list[SentenceWeight]) -> list[str]:
    method = document.get("method") or {}
    prior = entry.get("prior") or {}
    update = entry.get("update") or {}
    start = float(update.get("start", prior.get("score", 0)))
    result = blend(start, weights, float(prior.get("weight", method.get("prior_weight", 2.0))),
                   float(method.get("reach", 1.0)), float(prior.get("confidence", 0.3)))
    terms = " + ".join(f"{w.firmness:.2f} x {_signed(w.tone / 10, 2)}" for w in weights)
    push = _signed(result.push / result.reach if result.reach else 0, 3)
    return ["", f"How the number is made ({cite('seeding', 'How a prior is updated')}):",
            f"  start: atanh({_signed(start)}) = {_signed(result.z_prior, 3)}, weight w0 = {result.prior_weight:g}"
            + (" (document only: a neutral start)" if "document only" in str(method.get("mode", "")) else ""),
            _fill(f"evidence: sum c x g/10 = {terms} = {push}; "
                  f"sum c = {result.evidence_weight:.2f}", "  ", "    "),
            f"  z = {_signed(result.z_prior, 3)} + {result.reach:g} x {push}"
            f" / ({result.prior_weight:g} + {result.evidence_weight:.2f}) = {_signed(result.z, 3)}",
            f"  score = tanh({_signed(result.z, 3)}) = {_signed(result.score)}"
            f"   (the evidence can carry it at most to tanh(z0 + {result.reach:g} x mean tone/10))",
            f"  confidence = N / (N + k) = {result.confidence:.2f}, N = w0 + agreement x sum c = "
            f"{result.prior_weight:g} + {result.agreement:.2f} x {result.evidence_weight:.2f}"]


def explain_text(document: dict, a: str, b: str, file: str) -> str:
    """Why the pair has its score: its prior (score, year, sources), the article's evidence, the arithmetic."""
    entry = find_relation(document, a, b, file)
    first, second = entry["between"]
    article = document.get("article", "the article")
    evidence = entry.get("evidence") or []
    prior = entry.get("prior") or {}
    lines = [f"{first} and {second}: {_signed(float(entry['score']))} "
             f"(from -1 hostile to +1 aligned; confidence {float(entry.get('confidence', 0)):.2f})"]
    if prior:
        lines += ["", f"Prior (sim/data/priors.yaml): {_signed(float(prior.get('score', 0)))} as of "
                      f"{prior.get('as_of')}, weight {prior.get('weight')} firm sentences.",
                  _fill(str(prior.get("rationale", "")), "  ")]
        lines += [_fill(f"source: {s}", "  - ", "    ") for s in prior.get("sources") or []]
    if entry.get("source") == "override":
        coded = entry.get("coded") or {}
        where = document.get("overrides") or "the overrides file"
        lines += ["", _fill(f"A teacher set this score in {where}: {entry.get('rationale', '')}"),
                  f"The coder had given {_signed(float(coded.get('score', 0)))} ({coded.get('source')}, "
                  f"confidence {float(coded.get('confidence', 0)):.2f})"
                  + ("; its evidence follows." if evidence else ".")]
    elif entry.get("source") == "prior":
        lines += ["", _fill(f"The article ({article}) says nothing about this pair that the coder can count, "
                            "so the score is the prior." + (" (Every cue below was dropped.)" if evidence else ""))]
    else:
        lines += ["", f"Updated by {article}."]
    if evidence:
        sentence_lines, weights = _sentence_lines(evidence)
        lines += sentence_lines
        unlisted = entry.get("unlisted")
        if unlisted:
            weights.append(SentenceWeight(float(unlisted["tone"]), float(unlisted["firmness"])))
            lines += ["", _fill(f"  and {unlisted['sentences']} more sentences, not listed to keep the file "
                                f"readable: together firmness {float(unlisted['firmness']):.2f}, mean tone "
                                f"{_signed(float(unlisted['tone']), 2)}", "", "    ")]
        if weights and entry.get("source") != "prior":
            lines += _arithmetic(document, entry, weights)
        lines += ["", _fill("The coder reads words, not meaning. If a line above is misread, correct the score in "
                            f"overrides.yaml beside the relations file and say why ({page('seeding')}).")]
    return "\n".join(lines) + "\n"
