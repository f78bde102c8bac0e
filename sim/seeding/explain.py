"""The evidence for one pair, as text a student can read (the command prints it)."""

from __future__ import annotations

import math
import textwrap

from ..errors import EntenteError, did_you_mean
from .cues import Settings
from .scoring import aggregate

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
    goldstein, weight = float(item.get("goldstein", 0)), float(item.get("weight", 0))
    text = f'"{matched}"' + ("" if matched.lower() == cue.lower() else f' (cue "{cue}")')
    text += f": CAMEO {item.get('cameo')} {item.get('label')}, {_signed(goldstein, 1)}"
    changes = []
    if item.get("negated_by"):
        reading = "a denied conflict reads as mild reassurance" if goldstein < 0 else "a denied cooperation"
        changes.append(f'negated by "{item["negated_by"]}" ({reading})')
    if item.get("hedged_by"):
        changes.append(f'hedged by "{item["hedged_by"]}"')
    if changes:
        text += "; " + " and ".join(changes)
        text += ", so it is dropped" if weight == 0 else f", so it counts {_signed(weight, 2)}"
    return text


def _by_sentence(evidence: list[dict]) -> list[tuple[int, str, list[dict]]]:
    groups: dict[tuple, list[dict]] = {}
    for item in evidence:
        groups.setdefault((item.get("line"), item.get("sentence")), []).append(item)
    return [(line, sentence, items) for (line, sentence), items in groups.items()]


def _evidence_lines(evidence: list[dict], settings: Settings) -> list[str]:
    lines = ["", "Evidence, sentence by sentence (weights on the Goldstein scale, -10 hostile .. +10 cooperative):"]
    weights, certainties = [], []
    for line, sentence, items in _by_sentence(evidence):
        repeated = items[0].get("repeated_on")
        where = f"line {line}"
        if repeated:
            where += f" (again on line {', '.join(map(str, repeated))}, counted once)"
        lines += ["", f"  {where}:", _fill(f'"{sentence}"', "    ", "     ")]
        lines += [_fill(_describe(item), "      - ", "        ") for item in items]
        kept = [i for i in items if float(i.get("weight", 0)) != 0]
        if not kept:
            lines.append("      this sentence does not count (every cue in it was dropped)")
            continue
        weights.append(sum(float(i["weight"]) for i in kept) / len(kept))
        certainties.append(sum(settings.hedge_factor if i.get("hedged_by") else 1.0 for i in kept) / len(kept))
        if len(items) > 1:
            lines.append(f"      this sentence counts once, as the mean: {_signed(weights[-1], 2)}")
    if weights:
        score, confidence = aggregate(weights, certainties, settings.scale)
        n, total = len(weights), math.fsum(weights)
        plural = "s" if n != 1 else ""
        lines += ["", "How the number is made (docs/seeding.md):",
                  f"  score = tanh(sum / (10 x scale x sqrt(n))) = tanh({total:.2f} / (10 x {settings.scale:g} x "
                  f"sqrt({n}))) = {_signed(score)}",
                  f"  confidence = agreement x m / (m + 1) = {confidence:.2f}  ({n} sentence{plural}; "
                  "disagreeing or hedged sentences lower it)"]
    return lines


def explain_text(document: dict, a: str, b: str, file: str) -> str:
    """Why the pair has its score: the prior's rationale, the override's, and the coded evidence."""
    entry = find_relation(document, a, b, file)
    first, second = entry["between"]
    method = document.get("method") or {}
    settings = Settings(**{k: float(method[k]) for k in ("scale", "hedge_factor") if k in method})
    article = document.get("article", "the article")
    evidence = entry.get("evidence") or []
    lines = [f"{first} and {second}: {_signed(float(entry['score']))} "
             f"(from -1 hostile to +1 aligned; confidence {float(entry.get('confidence', 0)):.2f})"]
    if entry.get("source") == "prior":
        lines += ["", _fill(f"The article ({article}) says nothing about this pair that the coder can read, "
                            "so the score is a prior from sim/data/priors.yaml:"),
                  _fill(str(entry.get("rationale", "")), "  ")]
        return "\n".join(lines) + "\n"
    if entry.get("source") == "override":
        coded = entry.get("coded") or {}
        where = document.get("overrides") or "the overrides file"
        lines += ["", _fill(f"A teacher set this score in {where}: {entry.get('rationale', '')}"),
                  f"The coder had given {_signed(float(coded.get('score', 0)))} ({coded.get('source')}, "
                  f"confidence {float(coded.get('confidence', 0)):.2f})"
                  + ("; its evidence follows." if evidence else ".")]
    else:
        lines.append(f"Coded from {article}.")
    if evidence:
        lines += _evidence_lines(evidence, settings)
        lines += ["", _fill("The coder reads words, not meaning. If a line above is misread, correct the score in "
                            "overrides.yaml beside the relations file and say why (docs/seeding.md).")]
    return "\n".join(lines) + "\n"
