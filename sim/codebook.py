"""Event types: CAMEO code, Goldstein weight, durable share. The numbers live in data/codebook.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from .data_files import read_table


@dataclass(frozen=True)
class EventType:
    name: str
    cameo: str
    label: str
    goldstein: float
    durable: float
    duration: int
    description: str

    @property
    def weight(self) -> float:
        """The Goldstein score rescaled to [-1, 1]: the unit the dynamics work in."""
        return self.goldstein / 10.0


def load_codebook() -> dict[str, EventType]:
    table = read_table("codebook.yaml")["types"]
    return {
        name: EventType(
            name=name,
            cameo=str(entry["cameo"]),
            label=entry.get("label", name),
            goldstein=float(entry["goldstein"]),
            durable=float(entry["durable"]),
            duration=int(entry.get("duration", 1)),
            description=entry.get("description", ""),
        )
        for name, entry in table.items()
    }
