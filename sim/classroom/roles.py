"""Role sheets: what one actor's team needs to know, taken from the seeded world and the codebook.

Everything on a sheet comes from the bundled data: who the actor is and the team's brief for a crisis
lesson (interests, objectives, red lines, constraints, with sources: sim/data/roles.yaml), its capability
(sim/data/actors.yaml), its ties (the starting scores with the article's sentences, verbatim, and the
priors' sources), the moves the codebook offers it, and a "red lines" reading of the reaction rule. The
text is laid out by sim/classroom/roles_report.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.parameters import Parameters
from ..inputs.relations import read_relations
from ..inputs.resources import default_relations, read_table
from ..inputs.tables import canonical_actors, load_codebook
from ..model.reactions import ARMED_GROUP, reaction_probability

PARTNER, RIVAL = 0.3, -0.3  # where the sheets draw the line between partners, rivals and the rest


@dataclass(frozen=True)
class Tie:
    other: str
    score: float
    source: str  # 'document' (prior updated by the article) or 'prior'
    confidence: float | None
    prior_score: float | None
    prior_year: int | None
    prior_sources: tuple[str, ...]
    prior_rationale: str
    sentences: tuple[tuple[int, str], ...]  # (article line, sentence), verbatim, each once


@dataclass(frozen=True)
class Move:
    type: str
    label: str
    description: str
    weight: float
    durable: float
    military_tie: bool


@dataclass(frozen=True)
class RedLine:
    rival: str
    score: float
    chance: float  # of a counter-move when the rival gains a military partner
    chance_own_partner: float  # ... when the one arming the rival is this actor's own partner


@dataclass(frozen=True)
class Brief:
    """A team's brief for a crisis lesson (sim/data/roles.yaml, "briefs"): the first page of its sheet."""

    interests: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    red_lines: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    playing: str = ""  # how a class may play this actor, where that needs saying (the Taliban)

    SECTIONS = (("interests", "Your interests"), ("objectives", "Your objectives in this crisis"),
                ("red_lines", "Your red lines (the team's starting positions)"), ("constraints", "Your constraints"))

    @classmethod
    def from_table(cls, entry: dict | None) -> "Brief":
        entry = entry or {}
        def items(key):
            values = entry.get(key) or ()
            if not all(isinstance(item, str) for item in values):  # "a: b" in YAML is a mapping, not text
                raise ValueError(f"roles.yaml: every item of {key!r} must be text (quote it)")
            return tuple(" ".join(item.split()).rstrip(".") + "." for item in values)
        return cls(items("interests"), items("objectives"), items("red_lines"), items("constraints"),
                   items("sources"), " ".join(str(entry.get("playing", "")).split()))


@dataclass(frozen=True)
class RoleSheet:
    actor: str
    kind: str
    who: str
    capability: float
    capability_source: str
    ties: tuple[Tie, ...]  # warmest first
    moves: tuple[Move, ...]
    red_lines: tuple[RedLine, ...]  # most hostile first
    article: str
    brief: Brief = Brief()

    @property
    def partners(self) -> tuple[Tie, ...]:
        return tuple(t for t in self.ties if t.score >= PARTNER)

    @property
    def rivals(self) -> tuple[Tie, ...]:
        return tuple(t for t in self.ties if t.score <= RIVAL)


def role_sheets(relations_file=None) -> list[RoleSheet]:
    """One sheet per canonical actor, from the given relations file (default: the bundled one)."""
    document = read_relations(relations_file or default_relations())
    roles = read_table("roles.yaml")
    who, briefs = roles["actors"], roles.get("briefs") or {}
    actors_table = read_table("actors.yaml")
    codebook = load_codebook()
    parameters = Parameters()
    sheets = []
    for actor in canonical_actors():
        ties = []
        for entry in document["relations"]:
            if actor.name not in entry["between"]:
                continue
            other = next(name for name in entry["between"] if name != actor.name)
            prior = entry.get("prior") or {}
            seen, sentences = set(), []
            for item in entry.get("evidence") or []:
                key = (item["line"], item["sentence"])
                if key not in seen:
                    seen.add(key)
                    sentences.append(key)
            ties.append(Tie(other, float(entry["score"]), str(entry.get("source", "")), entry.get("confidence"),
                            prior.get("score"), prior.get("as_of"), tuple(prior.get("sources") or ()),
                            str(prior.get("rationale", "")), tuple(sentences)))
        ties.sort(key=lambda tie: (-tie.score, tie.other))
        moves = tuple(Move(name, kind.label, kind.description, kind.weight, kind.durable, kind.military_tie)
                      for name, kind in codebook.items())

        def chance(concern: float) -> float:
            return reaction_probability(concern, parameters.reaction_midpoint, parameters.reaction_spread)
        red_lines = tuple(RedLine(t.other, t.score, chance(-t.score), chance(-t.score * (1 + parameters.concern_bonus)))
                          for t in sorted(ties, key=lambda tie: tie.score) if t.score < 0)
        sheets.append(RoleSheet(actor.name, actor.kind, " ".join(str(who.get(actor.name, "")).split()),
                                actor.capability, str(actors_table.get("source", "")), tuple(ties), moves,
                                red_lines, str(document.get("article", "")), Brief.from_table(briefs.get(actor.name))))
    return sheets


def is_armed_group(sheet: RoleSheet) -> bool:
    return sheet.kind == ARMED_GROUP
