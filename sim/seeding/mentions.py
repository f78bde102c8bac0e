"""Find the actors a sentence names, through the alias dictionary in sim/data/mentions.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..errors import EntenteError


@dataclass(frozen=True)
class Alias:
    text: str
    actor: str
    kind: str = "name"
    note: str = ""
    since: date | None = None  # the spelling stands for the actor from this date (a capital after a change
    until: date | None = None  # of power) or until the day before this one; see applies()

    def applies(self, on: date | None) -> bool:
        """Whether the spelling stands for its actor in an article of this date.

        An article of unknown date is read as of the project's period (2017-2018): a spelling valid only from
        a later date does not apply, one valid until a date does.
        """
        if self.since is not None and (on is None or on < self.since):
            return False
        return self.until is None or on is None or on < self.until


@dataclass(frozen=True)
class Mention:
    actor: str
    start: int
    end: int
    text: str  # as written in the sentence


@dataclass(frozen=True)
class Group:
    """Mentions written together ('Russia, China, Iran and Pakistan', 'Russia-Pakistan')."""

    mentions: tuple[Mention, ...]

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end

    @property
    def actors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.actor for m in self.mentions))


KINDS = ("name", "adjective", "prefix", "capital", "seat", "person", "office")
# What may stand between two mentions of one group: a comma, "and", a hyphen or dash; "and the".
_JOINER = re.compile(r"^\s*(?:(?:,|&|/|-|–|—)\s*)*(?:(?:and|both)\s+(?:the\s+)?)?$", re.IGNORECASE)


def _pattern(text: str, kind: str) -> re.Pattern:
    body = r"\s+".join(re.escape(word) for word in text.split())
    if kind == "adjective":
        body += "s?"
    tail = r"(?=[-‐‑–])" if kind == "prefix" else r"(?!\w)"
    letters = [c for c in text if c.isalpha()]
    flags = 0 if letters and all(c.isupper() for c in letters) else re.IGNORECASE
    return re.compile(r"(?<!\w)" + body + tail, flags)


class MentionFinder:
    """Matches aliases longest-first on whole words; blanks out phrases that are not actors first."""

    def __init__(self, aliases: list[Alias], not_actors: list[str] = ()) -> None:
        self.aliases = list(aliases)
        self.actors = tuple(dict.fromkeys(a.actor for a in aliases))
        self._patterns = [(alias, _pattern(alias.text, alias.kind)) for alias in self.aliases]
        self._blanks = [_pattern(text, "name") for text in not_actors]

    def find(self, sentence: str, on: date | None = None) -> list[Mention]:
        """The actors a sentence names, as of the article's date `on` (None: unknown, see Alias.applies)."""
        blanked = set()
        for pattern in self._blanks:
            for match in pattern.finditer(sentence):
                blanked.update(range(match.start(), match.end()))
        candidates = []
        for alias, pattern in self._patterns:
            if not alias.applies(on):
                continue
            for match in pattern.finditer(sentence):
                if not blanked.intersection(range(match.start(), match.end())):
                    candidates.append((match.start(), -(match.end() - match.start()), match.end(), alias.actor))
        mentions, taken_until = [], -1
        for start, _, end, actor in sorted(candidates):
            if start >= taken_until:
                mentions.append(Mention(actor, start, end, sentence[start:end]))
                taken_until = end
        return mentions


def group_mentions(sentence: str, mentions: list[Mention]) -> list[Group]:
    """Join mentions separated only by commas, 'and', hyphens or dashes into groups, in sentence order."""
    groups: list[list[Mention]] = []
    for mention in mentions:
        if groups and _JOINER.match(sentence[groups[-1][-1].end:mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return [Group(tuple(g)) for g in groups]


def _date(value, source: str, field: str) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise EntenteError(f"{value!r} is not a date", file=source, field=field,
                           hint='Write it as YYYY-MM-DD in quotes, like since: "2021-08-15".') from None


def load_mention_finder(table: dict, actors: list, source: str = "sim/data/mentions.yaml") -> MentionFinder:
    """The finder from the mentions table and the aliases of sim/data/actors.yaml (ActorInfo list)."""
    known = {a.name for a in actors}
    aliases = []
    for index, entry in enumerate(table.get("mentions") or []):
        where = f"mentions[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) or not entry["text"].strip():
            raise EntenteError("each mention needs a 'text:'", file=source, field=where,
                               hint="Write it like {text: Kremlin, actor: Russia, kind: seat, note: ...}.")
        if entry.get("actor") not in known:
            raise EntenteError(f"unknown actor {entry.get('actor')!r}", file=source, field=where + ".actor",
                               hint="Use one of: " + ", ".join(sorted(known)) + ".")
        kind = entry.get("kind", "name")
        if kind not in KINDS:
            raise EntenteError(f"unknown kind {kind!r}", file=source, field=where + ".kind",
                               hint="Use one of: " + ", ".join(KINDS) + ".")
        dates = {key: _date(entry.get(key), source, f"{where}.{key}") for key in ("since", "until")}
        aliases.append(Alias(entry["text"].strip(), entry["actor"], kind, str(entry.get("note", "")), **dates))
    skip = set(table.get("skip_actor_aliases") or [])
    listed = {a.text for a in aliases}
    for actor in actors:
        for text in (actor.name, *actor.aliases):
            if text not in skip and text not in listed:
                aliases.append(Alias(text, actor.name, "name", "from sim/data/actors.yaml"))
                listed.add(text)
    not_actors = [str(e["text"]) if isinstance(e, dict) else str(e) for e in table.get("not_actors") or []]
    return MentionFinder(aliases, not_actors)
