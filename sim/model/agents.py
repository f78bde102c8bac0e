"""The actors: Mesa agents that hold their row of the alignment matrix and decide their own reactions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from ..core.events import LoggedEvent

if TYPE_CHECKING:
    from .model import AlignmentModel


# Event types through which an actor gains a military patron, and the counter-move each calls for.
# For the one-way types the target is the client; for the others either side gains a partner.
ONE_WAY_TIES = {"arms_sale", "covert_support"}
MILITARY_TIES = {
    "arms_sale": "arms_sale",
    "defence_pact": "defence_pact",
    "military_exercise": "military_exercise",
    "covert_support": "arms_sale",
    "nuclear_cooperation": "nuclear_cooperation",
}


class Actor(mesa.Agent):
    """A state or an armed group. Holds its own row of the alignment matrix and decides its reactions."""

    def __init__(self, model: "AlignmentModel", name: str, index: int, capability: float,
                 kind: str = "state") -> None:
        super().__init__(model)
        self.name = name
        self.index = index
        self.capability = capability
        self.kind = kind
        self.last_reaction: int | None = None

    @property
    def scores(self) -> dict[str, float]:
        """How this actor regards every other actor now."""
        row = self.model.scores[self.index]
        return {a.name: float(row[a.index]) for a in self.model.actors if a is not self}

    def regard_before(self, other: "Actor") -> float:
        """Regard at the start of this month, before its events: reactions answer news, judged by old ties."""
        return float(self.model.scores_before[self.index, other.index])

    def react(self) -> None:
        """Seek a counter-patron when a rival has just gained a military patron.

        A rival is an actor this one regards below -rival_threshold. The counter-patron is an actor at
        least as capable as this one (a patron, not a client), neither the rival nor its new patron, that
        best combines mutual regard with this actor and distance from the rival; none is sought if no
        candidate is on good terms with this actor and cool towards the rival.
        """
        model = self.model
        params = model.parameters
        month = model.steps
        if not params.reactions or params.reaction_intensity <= 0:
            return
        if self.last_reaction is not None and month - self.last_reaction < params.reaction_cooldown:
            return
        if month >= model.months:
            return  # a counter-move next month would fall outside the horizon
        trigger = self._strongest_trigger()
        if trigger is None:
            return
        event, rival, patron = trigger
        partner = self._counter_patron(rival, patron)
        if partner is None:
            return
        # An armed group does not buy arms on the open market: its counter-move is covert support.
        kind = "covert_support" if self.kind == "armed_group" else MILITARY_TIES[event.type]
        reason = (
            f"{self.name} regards {rival.name} as a rival ({self.regard_before(rival):+.2f}) and {rival.name} "
            f"gained {patron.name} as a military partner ({event.type}, month {event.month}); "
            f"{self.name} turns to {partner.name} (mutual regard "
            f"{(self.regard_before(partner) + partner.regard_before(self)) / 2:+.2f}, {partner.name} towards "
            f"{rival.name} {partner.regard_before(rival):+.2f})"
        )
        model.schedule_reaction(
            LoggedEvent(month + 1, kind, partner.name, self.name, params.reaction_intensity, "reaction", reason)
        )
        self.last_reaction = month

    def _strongest_trigger(self):
        best = None
        threshold = -self.model.parameters.rival_threshold
        for event in self.model.events_this_month:
            if event.type not in MILITARY_TIES or self.model.codebook[event.type].weight <= 0:
                continue
            patron, client = self.model.actor(event.source), self.model.actor(event.target)
            if self in (patron, client):
                continue
            pairs = [(client, patron)] if event.type in ONE_WAY_TIES else [(client, patron), (patron, client)]
            for rival, patron in pairs:
                hostility = self.regard_before(rival)
                if hostility < threshold and (best is None or hostility < best[0]):
                    best = (hostility, event, rival, patron)
        return None if best is None else best[1:]

    def _counter_patron(self, rival: "Actor", patron: "Actor"):
        best = None
        for other in self.model.actors:
            if other in (self, rival, patron) or other.capability < self.capability:
                continue
            mutual = (self.regard_before(other) + other.regard_before(self)) / 2
            appeal = mutual - other.regard_before(rival)
            if mutual > 0 and other.regard_before(rival) < 0.5 and (best is None or appeal > best[1]):
                best = (other, appeal)
        return None if best is None else best[0]
