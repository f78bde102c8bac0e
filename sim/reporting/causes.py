"""A pair's effect in plain words: which cause made it, for the report's effects table.

The numbers come from sim.experiment.effect_causes (run 1's effect split exactly); this module only says
them. A cause is named when it carries at least MENTION of the effect's size; the effect's direction
decides whether a cause pushed the pair ("made it") or pulled against it ("held back").
"""

from __future__ import annotations

from ..experiment.effect_causes import EVENTS, EffectCauses

MENTION = 0.2  # a cause is named when its part is at least this share of |effect|
MOST = 3  # causes named per row


def _signed(value: float) -> str:
    return f"{round(float(value), 2) + 0.0:+.2f}".replace("-", "−")


def cause_words(kind: str, source: str, target: str) -> str:
    """What one cause means for the pair source → target, in a short clause."""
    if kind == EVENTS:
        return "the events' own push (listed at the right)"
    if kind == "balance":
        return f"balance: {source} follows its friends' and rivals' new stance on {target}"
    if kind == "reciprocity":
        return f"reciprocity: {source} answers {target}'s changed view of it"
    if kind == "memory":
        return "memory: the pull back to the starting relationship"
    if kind == "noise":
        return "chance: the month-to-month noise differs between the two worlds"
    return kind


def cause_sentence(causes: EffectCauses) -> str:
    """'Pushed by reciprocity: … (+0.10); held back by memory: … (−0.03).' for one pair's run-1 effect."""
    size = abs(causes.effect)
    if size < 1e-9:
        return "No effect in run 1."
    named = [(kind, value) for kind, value in causes.ranked() if abs(value) >= MENTION * size][:MOST]
    pushed = [(k, v) for k, v in named if v * causes.effect > 0]
    held = [(k, v) for k, v in named if v * causes.effect < 0]
    parts = []
    if pushed:
        parts.append("Pushed by " + "; ".join(f"{cause_words(k, causes.source, causes.target)} ({_signed(v)})"
                                                for k, v in pushed))
    if held:
        parts.append("held back by " + "; ".join(
            f"{cause_words(k, causes.source, causes.target)} ({_signed(v)})" for k, v in held))
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def no_event_note(causes: EffectCauses | None) -> str:
    """Why a row with an effect lists no event behind it."""
    relay = ""
    if causes is not None:
        mechanisms = [(k, v) for k, v in causes.ranked() if k in ("balance", "reciprocity")
                      and v * causes.effect > 0]
        if mechanisms:
            relay = " It came through " + " and ".join(k for k, _ in mechanisms) + ", which relay changes of "
            relay += "other pairs to this one."
    return ("No event touched this pair directly, or the events' own parts pulled the other way." + relay)
