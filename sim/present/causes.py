"""A pair's effect in plain words: which cause made it, for the report's effects table.

The numbers come from sim.results.effect_causes (run 1's effect split exactly); this module only says
them. A cause is named when it carries at least MENTION of the effect's size; the effect's direction
decides whether a cause pushed the pair its way ("pushed by") or pulled against it ("held back by").
"""

from __future__ import annotations

from .numbers import signed
from ..results.effect_causes import EVENTS, EffectCauses

MENTION = 0.2  # a cause is named when its part is at least this share of |effect|
MOST = 3  # causes named per row


def _signed(value: float) -> str:
    return signed(value, typographic=True)


def cause_words(kind: str, source: str, target: str) -> tuple[str, str]:
    """(name, what it means here) of one cause for the pair source → target; CAUSES_EXPLAINED says each in
    full once, above the table."""
    if kind == "balance":
        return "balance", f"{source}'s friends and rivals"
    if kind == "reciprocity":
        return "reciprocity", f"{target}'s view of {source}"
    if kind == "memory":
        return "memory", ""
    if kind == "noise":
        return "chance", ""
    return ("the events", "") if kind == EVENTS else (kind, "")


CAUSES_EXPLAINED = (
    "The causes: <b>the events</b> themselves, listed at the right; <b>balance</b>, an actor following its "
    "friends and rivals (a friend's friend is a friend, a rival's friend a rival), which carries an event to "
    "pairs it never touched; <b>reciprocity</b>, an actor answering how the other side now regards it; "
    "<b>memory</b>, the pull back towards the starting relationship, which makes effects fade; <b>chance</b>, "
    "the month-to-month noise when the scenario has any.")


def cause_sentence(causes: EffectCauses) -> str:
    """'Pushed by the events (−0.30) and balance (how …, −0.16); held back by reciprocity (…, +0.31).'"""
    size = abs(causes.effect)
    if size < 1e-9:
        return "No effect in run 1."
    named = [(kind, value) for kind, value in causes.ranked() if abs(value) >= MENTION * size][:MOST]

    def said(kind: str, value: float) -> str:
        name, detail = cause_words(kind, causes.source, causes.target)
        return f"{name} ({detail}, {_signed(value)})" if detail else f"{name} ({_signed(value)})"

    pushed = " and ".join(said(k, v) for k, v in named if v * causes.effect > 0)
    held = " and ".join(said(k, v) for k, v in named if v * causes.effect < 0)
    parts = ([f"pushed by {pushed}"] if pushed else []) + ([f"held back by {held}"] if held else [])
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def no_event_note(causes: EffectCauses | None) -> str:
    """Why a row with an effect lists no event behind it: no event's own part pushed the pair its way, so
    the effect came through the mechanisms that relay other pairs' changes (balance, reciprocity)."""
    relays = [] if causes is None else [kind for kind, value in causes.ranked()
                                        if kind in ("balance", "reciprocity") and value * causes.effect > 0]
    if relays:
        return f"No event of its own: the effect came through {' and '.join(relays)}, from other pairs."
    return "No event of its own pushed this pair the way its effect went."
