"""The rules of play a teacher sets, orders in the mover's words, and consent between teams.

Shared by `sim play` (orders files) and the app's play card: one grammar, one set of rules, one way a turn is
resolved, so a move means the same thing wherever it is ordered.

A move is written from the point of view of the team's own actor (the mover): `sell_arms to India`,
`buy_arms from China`, `defence_pact with Pakistan`, `sanctions on Iran`. The preposition fixes the direction,
so "Pakistan buys from China" can only become China -> Pakistan. A cooperative move towards an actor another
team plays is a proposal: it is played when that team orders the same move from its side (in the same turn,
or in the next turn, when the proposal is shown in its orders template); otherwise it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import EntenteError, did_you_mean
from ..inputs.schema import MAX_INTENSITY

RULE_KEYS = ("moves_per_turn", "intensity", "consent")
DEFAULT_MOVES = 3
DEFAULT_INTENSITY = (0.25, 2.0)
PREPOSITIONS = {"to": "to", "on": "to", "against": "to", "from": "from", "with": "with"}
# Plain-words names for the two sides of a one-way deal: (event type, the mover's side).
ALIASES = {"sell_arms": ("arms_sale", "to"), "buy_arms": ("arms_sale", "from")}
# Cooperative acts one side takes alone (no consent), with the word that reads right: the US makes a
# 'withdrawal from Taliban' (event US -> Taliban), it does not offer one.
UNILATERAL = {"withdrawal": "from"}


@dataclass(frozen=True)
class Rules:
    """What a team may order in one turn (the `rules:` block of a game; every key has a default)."""

    moves_per_turn: int = DEFAULT_MOVES
    intensity: tuple[float, float] = DEFAULT_INTENSITY
    consent: bool = True  # cooperative moves towards another team's actor need that team's acceptance

    def to_dict(self) -> dict:
        return {"moves_per_turn": self.moves_per_turn, "intensity": list(self.intensity), "consent": self.consent}

    @classmethod
    def from_data(cls, data, fail) -> "Rules":
        """Rules from a `rules:` mapping; `fail(path, problem, hint)` builds the error naming the place."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise fail(("rules",), "'rules:' is a mapping", "Write for instance 'rules: {moves_per_turn: 3}'.")
        for key in data:
            if key not in RULE_KEYS:
                raise fail(("rules", key), f"unknown rule {key!r}",
                           did_you_mean(str(key), list(RULE_KEYS)) or f"The rules are: {', '.join(RULE_KEYS)}.")
        moves = data.get("moves_per_turn", DEFAULT_MOVES)
        if isinstance(moves, bool) or not isinstance(moves, int) or not 1 <= moves <= 20:
            raise fail(("rules", "moves_per_turn"),
                       f"moves_per_turn must be a whole number from 1 to 20, got {moves!r}",
                       "Three moves a turn is usual.")
        low_high = data.get("intensity", list(DEFAULT_INTENSITY))
        if (not isinstance(low_high, list) or len(low_high) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in low_high)
                or not 0 < low_high[0] <= low_high[1] <= MAX_INTENSITY):
            raise fail(("rules", "intensity"), f"intensity must be [LOWEST, HIGHEST] with 0 < LOWEST <= HIGHEST "
                                               f"<= {MAX_INTENSITY}, got {low_high!r}",
                       f"The default is [{DEFAULT_INTENSITY[0]}, {DEFAULT_INTENSITY[1]}].")
        consent = data.get("consent", True)
        if not isinstance(consent, bool):
            raise fail(("rules", "consent"), f"consent is true or false, got {consent!r}")
        return cls(moves, (float(low_high[0]), float(low_high[1])), consent)


# ------------------------------------------------------------------------------------------ the words

def _codebook():
    from ..inputs.tables import load_codebook

    return load_codebook()


def cooperative(kind: str) -> bool:
    """A move that needs a partner's will (positive on the Goldstein scale, not a unilateral act): an offer."""
    return _codebook()[kind].goldstein > 0 and kind not in UNILATERAL


def verbs() -> list[str]:
    """Every word a move may start with: the aliases first, then the codebook's event types."""
    return [*ALIASES, *_codebook()]


def prepositions(verb: str) -> list[str]:
    """The prepositions a verb takes, the usual one first (the page offers these)."""
    if verb in ALIASES:
        return [ALIASES[verb][1]]
    if verb in UNILATERAL:
        return [UNILATERAL[verb]]
    kind = _codebook()[verb]
    if kind.goldstein <= 0:
        return ["on"]
    return ["to", "from"] if kind.one_way else ["with"]


def parse_words(words: str, mover: str, names: list[str]) -> tuple[str, str, str, str]:
    """`sell_arms to India` ordered by `mover` -> (event type, from, to, the other actor).

    Raises EntenteError (problem and hint, no place: the caller adds it) when the words cannot be read or
    would make the move ambiguous.
    """
    parts = str(words).split()
    if len(parts) < 3:
        raise EntenteError(f"a move reads 'VERB to|from|with ACTOR', got {words!r}",
                           hint="For example 'sell_arms to India', 'buy_arms from China', 'summit with US', "
                                "'sanctions on Iran' (python -m sim list events lists the event types).")
    verb, preposition, name = parts[0], parts[1].casefold(), " ".join(parts[2:])
    codebook = _codebook()
    if verb not in ALIASES and verb not in codebook:
        choices = verbs()
        raise EntenteError(f"unknown move {verb!r}", hint=(did_you_mean(verb, choices) + " ").lstrip()
                           + "Moves: " + ", ".join(choices) + ".")
    if preposition not in PREPOSITIONS:
        raise EntenteError(f"{verb!r} is followed by {parts[1]!r}; write 'to', 'on', 'from' or 'with'",
                           hint=_usage(verb))
    other = next((n for n in names if n.casefold() == name.casefold()), None)
    if other is None:
        raise EntenteError(f"unknown actor {name!r}", hint=(did_you_mean(name, names) + " ").lstrip()
                           + f"Actors: {', '.join(names)}.")
    if other == mover:
        raise EntenteError(f"{mover} cannot make a move towards itself", hint="Name another actor.")
    side = PREPOSITIONS[preposition]
    if verb in ALIASES:
        kind, wanted = ALIASES[verb]
        if side != wanted:
            raise EntenteError(f"{verb!r} takes '{wanted}', not '{parts[1]}'", hint=_usage(verb))
    elif verb in UNILATERAL:
        if preposition != UNILATERAL[verb]:
            raise EntenteError(f"{verb!r} takes '{UNILATERAL[verb]}', not '{parts[1]}'", hint=_usage(verb))
        return verb, mover, other, other
    else:
        kind = verb
        entry = codebook[kind]
        if entry.goldstein <= 0 and side != "to":
            raise EntenteError(f"{kind} is a hostile act: a team orders what its own actor does",
                               hint=f"Write '{kind} on {other}'. An act against {mover} is the other side's "
                                    "move (or the teacher's news).")
        if entry.goldstein > 0 and entry.one_way and side == "with":
            raise EntenteError(f"{kind} goes one way: say who gives and who receives", hint=_usage(kind))
        if entry.goldstein > 0 and not entry.one_way and side == "from":
            raise EntenteError(f"{kind} is mutual: write '{kind} with {other}'", hint=_usage(kind))
    source, target = (other, mover) if side == "from" else (mover, other)
    return kind, source, target, other


def _usage(verb: str) -> str:
    if verb in ALIASES or verb == "arms_sale":
        return "Write 'sell_arms to ACTOR' when you sell, 'buy_arms from ACTOR' when you buy."
    if verb in UNILATERAL:
        return f"Write '{verb} {UNILATERAL[verb]} ACTOR' (an act of your own: it needs nobody's consent)."
    kind = _codebook()[verb]
    if kind.goldstein <= 0:
        return f"Write '{verb} on ACTOR'."
    if kind.one_way:
        return f"Write '{verb} to ACTOR' when you give it, '{verb} from ACTOR' when you receive it."
    return f"Write '{verb} with ACTOR'."


def words_for(event: dict, actor: str) -> str:
    """An event (type, from, to) in `actor`'s words: the line its team would order."""
    kind, source, target = event["type"], event["from"], event["to"]
    entry = _codebook()[kind]
    other = target if source == actor else source
    if kind in UNILATERAL:
        return f"{kind} {UNILATERAL[kind]} {other}"
    if entry.goldstein <= 0:
        return f"{kind} on {other}"
    if not entry.one_way:
        return f"{kind} with {other}"
    if kind == "arms_sale":
        return f"sell_arms to {other}" if source == actor else f"buy_arms from {other}"
    return f"{kind} to {other}" if source == actor else f"{kind} from {other}"


def same_move(a: dict, b: dict) -> bool:
    """Whether two events are the same deal seen from its two sides (a mutual one in either direction)."""
    if a["type"] != b["type"]:
        return False
    if _codebook()[a["type"]].one_way:
        return (a["from"], a["to"]) == (b["from"], b["to"])
    return {a["from"], a["to"]} == {b["from"], b["to"]}


# ------------------------------------------------------------------------------------------ a turn

@dataclass(frozen=True)
class Order:
    """One move a team ordered, read and checked: its words, the event it stands for, where it was written."""

    team: str
    actor: str
    words: str
    event: dict  # scenario-event entry: type, from, to, intensity, at, note
    other: str
    place: str = ""  # "orders/India.yaml, line 4" or "the page"


@dataclass(frozen=True)
class Proposal:
    """A cooperative move offered to another team, waiting for its answer in the next turn."""

    by: str  # the proposing team
    to_team: str
    words: str  # in the proposer's words
    event: dict
    turn: int  # the turn it was made in

    def to_dict(self) -> dict:
        return {"by": self.by, "to_team": self.to_team, "words": self.words, "event": dict(self.event),
                "turn": self.turn}

    @classmethod
    def from_dict(cls, data: dict) -> "Proposal":
        return cls(str(data["by"]), str(data["to_team"]), str(data["words"]), dict(data["event"]),
                   int(data["turn"]))

    def answer_words(self, actor: str) -> str:
        """What the other team orders to accept it, in its own words."""
        return words_for(self.event, actor)


@dataclass(frozen=True)
class Outcome:
    """How a turn's orders were resolved: what is played, what was agreed, proposed or refused."""

    played: tuple[tuple[dict, str], ...]  # (event entry, by: a team, 'A and B' for an agreed move)
    agreed: tuple[str, ...] = ()
    proposed: tuple[Proposal, ...] = ()
    refused: tuple[str, ...] = ()  # one sentence each
    messages: tuple[str, ...] = field(default=())


def resolve(orders: list[Order], proposals: list[Proposal], teams: dict[str, str], rules: Rules,
            turn: int) -> Outcome:
    """Resolve a turn: each order is played, matched with its other side, or becomes a proposal.

    teams: team -> actor. proposals: those still open from the previous turn (each gets its answer now).
    An agreed move happens once, at the later of the two months asked for, at the smaller intensity.
    """
    team_of = {actor: team for team, actor in teams.items()}
    played, agreed, proposed, used, answered = [], [], [], set(), set()
    for index, order in enumerate(orders):
        if index in used:
            continue
        other_team = team_of.get(order.other)
        if not (rules.consent and cooperative(order.event["type"]) and other_team and other_team != order.team):
            played.append((order.event, order.team))
            continue
        offer = next((k for k, p in enumerate(proposals) if k not in answered and p.by == other_team
                      and p.to_team == order.team and same_move(p.event, order.event)), None)
        if offer is not None:
            answered.add(offer)
            proposal = proposals[offer]
            used |= {k for k, o in enumerate(orders) if k > index and o.team == proposal.by
                     and o.other == order.actor and same_move(o.event, order.event)}  # the offer, made again
            event = _joined(proposal.event, order.event)
            played.append((event, f"{proposal.by} and {order.team}"))
            agreed.append(f"{order.team} accepted {proposal.by}'s proposal ({proposal.words}, turn "
                          f"{proposal.turn}): played in month {event['at']}")
            continue
        match = next((k for k, o in enumerate(orders) if k > index and k not in used and o.team == other_team
                      and o.other == order.actor and same_move(o.event, order.event)), None)
        if match is not None:
            used.add(match)
            answered |= {k for k, p in enumerate(proposals) if p.by == order.team and p.to_team == other_team
                         and same_move(p.event, order.event)}  # last turn's offer, made again and now agreed
            event = _joined(order.event, orders[match].event)
            played.append((event, f"{order.team} and {other_team}"))
            agreed.append(f"{order.team} and {other_team} both ordered {order.words}: played once, in month "
                          f"{event['at']}")
            continue
        proposed.append(Proposal(order.team, other_team, order.words, dict(order.event), turn))
    refused = [f"{p.to_team} did not accept {p.by}'s proposal ({p.words}, turn {p.turn}): not played"
               for k, p in enumerate(proposals) if k not in answered]
    return Outcome(tuple(played), tuple(agreed), tuple(proposed), tuple(refused))


def _joined(first: dict, second: dict) -> dict:
    event = dict(first)
    event["at"] = max(int(first["at"]), int(second["at"]))
    event["intensity"] = min(float(first.get("intensity", 1.0)), float(second.get("intensity", 1.0)))
    notes = [str(first.get("note", "")).strip(), str(second.get("note", "")).strip()]
    event["note"] = " / ".join(n for n in notes if n)
    return event


def proposal_sentence(proposal: Proposal) -> str:
    return (f"{proposal.by} proposes to {proposal.to_team}: {proposal.words} (played only if {proposal.to_team} "
            "accepts it next turn)")
