"""One browser session's game: a scenario, its parameters and seed, the events added live, and the month.

The page holds one `GameSession` per browser session and replaces it with a new one on every action (the
type is frozen), so two sessions never share a model and a re-render never sees half an update.

How the model reaches the current month: every Result is a deterministic re-run from month 0 to the
current month, of the scenario with the live events added to its events list. The model draws its random
numbers month by month whatever the horizon, so the run to month 12 is exactly the first 12 months of the
run to month 36 (tests/test_app_session.py checks it), and a live event is an ordinary scenario event that
the same checker as the command line accepts or refuses. Changing a parameter or the seed replays the
months so far under the new value. Re-running costs a fraction of a second at classroom sizes; stepping
one `AlignmentModel` and its baseline in place would save that but keep two mutable models per session.

Play mode (turn-by-turn moves by teams) plugs in here: a team's move is `inject(...)` for the coming
month, and the teacher's "next turn" is `step()`.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from ..core.events import ScheduledEvent
from ..core.parameters import specs
from ..core.scenario import Scenario
from ..errors import EntenteError
from ..experiment.result import Result
from ..experiment.runner import run
from ..io.resources import bundled_scenario, bundled_scenarios
from ..io.safe_yaml import MAX_BYTES, load_yaml
from ..io.scenario_file import scenario_from_data
from ..io.tables import load_codebook

_PLACE = re.compile(r"events\[(\d+)\]")


def bundled_names() -> list[str]:
    """The bundled scenarios a page can offer, by name (`arms_sale_pakistan`)."""
    return [path.stem for path in bundled_scenarios()]


@dataclass(frozen=True)
class GameSession:
    """What one browser session is playing. Every method returns a new session; none changes this one.

    data: the scenario as plain data (parsed YAML), kept so that live events and slider values go through
    the same checks as a scenario file. label: how errors name the file. parameters: the sliders' values
    (overrides of the file's). injects: the live events, as scenario event entries with their month.
    """

    data: dict
    label: str
    position: Callable[[tuple], Any] | None = field(default=None, compare=False)
    base_dir: Path | None = None
    parameters: dict = field(default_factory=dict)
    seed: int | None = None
    injects: tuple[dict, ...] = ()
    month: int = 0

    # -- starting a session -------------------------------------------------------------------------------
    @classmethod
    def bundled(cls, name: str) -> "GameSession":
        """A session on a bundled scenario, by name."""
        path = bundled_scenario(name)
        if path is None:
            raise EntenteError(f"there is no bundled scenario {name!r}",
                               hint=f"The bundled scenarios are: {', '.join(bundled_names())}.")
        return cls._from_file(path, f"{path.stem} (bundled)", base_dir=path.resolve().parent)

    @classmethod
    def uploaded(cls, filename: str, content: bytes) -> "GameSession":
        """A session on an uploaded scenario file; its errors name the file as the student named it.

        The bytes go through the same reader as `sim validate` (size, encoding, safe YAML, schema, world).
        """
        name = Path(filename.replace("\\", "/")).name or "uploaded.yaml"
        if len(content) > MAX_BYTES:
            raise EntenteError(f"the scenario file is larger than the limit of {MAX_BYTES:,} bytes", file=name,
                               hint="Scenario files are a few kilobytes; check you chose the right file.")
        with tempfile.TemporaryDirectory(prefix="entente-upload-") as folder:
            path = Path(folder) / "scenario.yaml"
            path.write_bytes(content)
            try:
                return cls._from_file(path, name, base_dir=None)
            except EntenteError as error:
                if error.file is not None and error.file.startswith(folder):
                    error.file = name
                raise

    @classmethod
    def _from_file(cls, path: Path, label: str, *, base_dir: Path | None) -> "GameSession":
        document = load_yaml(path, what="scenario file")
        return cls(data=document.data, label=label, position=document.position, base_dir=base_dir).checked()

    # -- what the session is ------------------------------------------------------------------------------
    @cached_property
    def scenario(self) -> Scenario:
        """The scenario with the sliders' values, the seed and the live events, checked like a file."""
        data = dict(self.data)
        if self.parameters:
            data["parameters"] = {**data.get("parameters", {}), **self.parameters}
        if self.seed is not None:
            data["seed"] = self.seed
        if self.injects:
            data["events"] = [*data.get("events", []), *self.injects]
        return scenario_from_data(data, file=self.label, position=self._position, base_dir=self.base_dir)

    def _position(self, path: tuple):
        """Where a part of the file was written; None for the live events, which no file holds."""
        written = len(self.data.get("events", []))
        if len(path) >= 2 and path[0] == "events" and isinstance(path[1], int) and path[1] >= written:
            return None
        return self.position(path) if self.position else None

    def checked(self) -> "GameSession":
        """This session, once its scenario has passed the checks (raises EntenteError otherwise)."""
        _ = self.scenario
        return self

    @property
    def months(self) -> int:
        return self.scenario.months

    @property
    def finished(self) -> bool:
        return self.month >= self.months

    @property
    def live_events(self) -> tuple[ScheduledEvent, ...]:
        """The events added live, as the model receives them (a meeting split into pairs)."""
        first = len(self.data.get("events", []))
        return tuple(event for event in self.scenario.events
                     if (match := _PLACE.fullmatch(event.place)) and int(match.group(1)) >= first)

    @cached_property
    def result(self) -> Result:
        """The run from month 0 to the current month (and its baseline), summary included."""
        scenario = self.scenario
        upto = replace(scenario, months=self.month,
                       events=tuple(e for e in scenario.events if e.month <= self.month),
                       changes=tuple(c for c in scenario.changes if c.month <= self.month),
                       expectations=())
        return run(upto)

    # -- actions ------------------------------------------------------------------------------------------
    def step(self, months: int = 1) -> "GameSession":
        """Advance by some months (not past the scenario's horizon)."""
        return replace(self, month=min(self.month + max(months, 0), self.months))

    def run_to_end(self) -> "GameSession":
        return replace(self, month=self.months)

    def reset(self) -> "GameSession":
        """Back to month 0 without the live events; the sliders and the seed stay as they are."""
        return replace(self, month=0, injects=())

    def with_parameter(self, name: str, value) -> "GameSession":
        """A slider moved: the months so far are replayed under the new value."""
        return replace(self, parameters={**self.parameters, name: value}).checked()

    def with_seed(self, seed: int) -> "GameSession":
        return replace(self, seed=int(seed)).checked()

    def inject(self, type: str, source: str | None = None, targets: tuple[str, ...] = (),
               between: tuple[str, ...] = (), intensity: float = 1.0, note: str = "") -> "GameSession":
        """Add an event for the coming month (the current month + 1), checked like a scenario file's event.

        Either source and targets (one actor acting on others) or between (a meeting of several).
        """
        if self.finished:
            raise EntenteError(f"the scenario has reached its last month ({self.months}): nothing can happen "
                               f"after it", hint="Reset to play it again, or raise 'months:' in the file.")
        entry: dict[str, Any] = {"at": self.month + 1, "type": type, "intensity": float(intensity)}
        if between:
            entry["between"] = list(between)
        else:
            if source is not None:
                entry["from"] = source
            if targets:
                entry["to"] = list(targets) if len(targets) > 1 else targets[0]
        if note.strip():
            entry["note"] = note.strip()
        try:
            return replace(self, injects=(*self.injects, entry)).checked()
        except EntenteError as error:  # name the live event, not its place in a list no file holds
            place = f"events[{len(self.data.get('events', [])) + len(self.injects)}]"
            if error.field and error.field.startswith(place):
                raise EntenteError(error.problem, field="the live event" + error.field[len(place):],
                                   hint=error.hint) from None
            raise


def actor_choices(session: GameSession) -> list[str]:
    """The actors of the session's world, in matrix order (the default actors plus any the file adds)."""
    from ..io.world import build_world

    return list(build_world(session.scenario).names)


def event_type_choices() -> dict[str, str]:
    """Event type name -> its label in the codebook, in the codebook's order."""
    return {name: kind.label for name, kind in load_codebook().items()}


def parameter_specs():
    """The parameters the page shows as controls, with their meanings: one source (sim.core.parameters)."""
    return specs()
