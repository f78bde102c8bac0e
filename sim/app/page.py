"""The Solara page: choose a scenario, move the sliders, step the months, add events live, watch the blocs.

A plain Solara page over the Python API, not Mesa's SolaraViz: SolaraViz drives one model's `step()` and
draws agents in a space, while this page shows a scenario against its event-free baseline (two models),
the summary's effects with the events behind them, and events added between months; its API also differs
between Mesa 3.3 and 3.5. The figures are sim/present's matplotlib figures, shown as they are.

Every browser session gets its own `GameSession` (held in component state, created inside the
component), so sessions never share a model. Started by `sim app` (sim/cli/app.py) with
`python -m solara run sim.app.page`.
"""

from __future__ import annotations

import html
import logging
import math
import threading
from typing import Any, Callable, cast

import reacton.core
import solara

from ..model.parameters import Spec
from ..errors import EntenteError
from ..inputs.safe_yaml import MAX_BYTES
from ..present.html import why_html
from .download_button import DownloadButton
from ..present import figures, style
from ..present.projector import DPI as PROJECTOR_DPI, plot_projector
from .downloads import DOWNLOADS, folder_name
from .narrate import event_sentence, is_live, what_happened
from .number_field import NumberField
from .run_queue import QUEUE, RunQueue, run_in_turn
from .text_and_button import TextAndButton
from .session import (GameSession, actor_choices, bundled_names, bundled_titles, event_type_choices, load_game,
                      move_prepositions, move_verbs, parameter_specs, save_game, upload_event)

logger = logging.getLogger(__name__)
DEFAULT_SCENARIO = "arms_sale_pakistan"
LIVE_COLOUR = "#D81B60"  # live events on the timeline: apart from the scenario's grey and reactions' wine
FIGURE_DPI = 72  # on screen; the zip's figures are written at sim/present's own resolution
EFFECT_ROWS = 10
PROJECTOR_EFFECT_ROWS = 6  # rows of the effects table beside the projector chart: they fit 720 px
# Vuetify's card titles break words anywhere (word-break: break-all): "Parameters" split as "Paramete-rs".
# The projector view's table is set large enough to read from the back of a room.
CSS = """
.v-card__title { word-break: normal; overflow-wrap: normal; hyphens: none; }
.v-btn.entente-scenario { text-transform: none; letter-spacing: normal; height: auto !important;
                          min-height: 36px; white-space: normal; max-width: 22em; }
.v-btn.entente-scenario .v-btn__content { white-space: normal; word-break: normal; flex: 1 1 auto; }
.entente-projector table { font-size: 18px; }
.entente-projector img { max-width: none !important; }
"""


@solara.component_vue("scenario_upload.vue", vuetify=False)
def ScenarioUpload(max_bytes: int, event_upload: Callable[[dict], None],
                   label: str = "Or upload a scenario file (.yaml):", test_id: str = "scenario-upload"):
    """A file input that sends the chosen file's bytes to Python (read again by the safe YAML reader)."""


def first_session() -> GameSession:
    names = bundled_names()
    return GameSession.bundled(DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0])


@solara.component
def Page():
    initial = solara.use_memo(first_session, [])  # built inside the component: one per browser session
    # What an action changes, in one state, so that applying it renders the page once: the session, the month
    # before the last action (for "what just happened") and the error to show.
    shown, set_shown = solara.use_state((initial, 0, None))
    session, since, error = shown
    projector, set_projector = solara.use_state(False)  # the projector view: the result first, large
    latest = solara.use_ref(initial)  # the newest session, ahead of the render that shows it
    actions = solara.use_memo(RunQueue, [])  # this page's actions, one after another in the order clicked
    tell_place = solara.use_ref(lambda place: None)  # QueuePlace's setter: the place re-renders only itself
    renderer = reacton.core.get_render_context()  # Solara's renderer; `with renderer:` batches state changes

    def finish(change: Callable[[tuple], tuple]) -> None:
        """An action done: its place in the queue hidden and the page's state changed in one render, not two
        (each render is a pass over the whole page)."""
        with renderer:
            tell_place.current(None)
            set_shown(change)

    def set_error(message: str | None) -> None:
        finish(lambda now: (now[0], now[1], message))

    def act(change: Callable[[GameSession], GameSession], keep_since: bool = False) -> None:
        def prepare() -> tuple[GameSession, GameSession]:
            base = latest.current
            return base, change(base)

        def apply(sessions: tuple[GameSession, GameSession]) -> None:
            base, new = sessions
            latest.current = new
            finish(lambda now: (new, now[1] if keep_since else min(base.month, new.month), None))

        tell_place.current(QUEUE.waiting())  # shown at once; the queue corrects it
        run_in_turn(prepare, lambda sessions: sessions[1].result, apply, page=actions,
                    on_place=lambda place: place is None or tell_place.current(place),  # None: in finish
                    on_error=set_error, cancelled=page_closed())

    def choose(name: str) -> None:
        act(lambda _: GameSession.bundled(name))

    def upload(data: dict) -> None:
        act(lambda _: GameSession.uploaded(*upload_event(data, default_name="uploaded.yaml", what="scenario file")))

    def continue_game(data: dict) -> None:
        act(lambda _: load_game(*upload_event(data, default_name="game.yaml", what="game file")))

    solara.Title("Entente: alignments in class")
    solara.Style(CSS)
    with solara.Column(style={"padding": "12px", "max-width": "1500px"}):
        with solara.Row(style={"align-items": "center", "justify-content": "space-between", "gap": "16px"}):
            if projector:
                titles = bundled_titles()
                solara.HTML(tag="div", unsafe_innerHTML="<b style='font-size:1.3em'>Entente</b><br>"
                            "<span style='font-size:0.85em'>a lens, not a forecast</span>",
                            style={"flex": "0 0 auto"})
                solara.Select("scenario", values=list(titles.values()),
                              value=titles.get(session.bundled_name or "", None),
                              on_value=lambda title: choose(next(n for n, t in titles.items() if t == title)),
                              style={"flex": "1 1 auto"})
            else:
                solara.Markdown("# Entente: what if…?\nA lens for discussion, not a forecast. Choose a scenario, "
                                "step through the months, add events as they happen, and compare with the same "
                                "world without the events (the baseline).")
            solara.Switch(label="Projector view", value=projector, on_value=set_projector)
        with solara.Div():  # always there: the buttons below keep their widgets when an error comes and goes
            if projector:
                if error:
                    solara.Error(error, classes=["entente-error"])
            else:
                with solara.Card("Scenario"):
                    ScenarioButtons(session.bundled_name, choose)
                    ScenarioUpload(max_bytes=MAX_BYTES, event_upload=upload)
                    if error:
                        solara.Error(error, classes=["entente-error"])
                    solara.HTML(tag="div", unsafe_innerHTML=(
                        f'<b data-testid="scenario">{html.escape(session.scenario.name)}</b><br>'
                        f'{html.escape(session.scenario.description)}'),
                        style={"margin-top": "8px", "color": "#1a1a1a"})
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button("Step a month", on_click=lambda: act(lambda s: s.step()), disabled=session.finished,
                          color="primary")
            solara.Button("Run to the end", on_click=lambda: act(lambda s: s.run_to_end()),
                          disabled=session.finished)
            solara.Button("Reset", on_click=lambda: act(lambda s: s.reset()))
            solara.HTML(tag="span", unsafe_innerHTML=(
                f'<b data-testid="month">Month {session.month} of {session.months}</b>'))
            NumberField("seed", session.scenario.seed, lambda seed: act(lambda s: s.with_seed(seed), keep_since=True),
                        whole=True, css_class="entente-seed", field_style="max-width: 8em")
            QueuePlace(tell_place)
        if projector:
            ProjectorResult(session, since)
        else:
            Happened(session, since)
        with solara.Columns([1, 3]):
            with solara.Column():
                Play(session, act, continue_game)
                # What a part is given decides when it renders again (the renderer skips a part whose
                # arguments are equal, act included: its closure holds only setters and refs): the class
                # game and the parameters are given what they show, not the session, so a step draws neither.
                class_game(session)
                Inject(session, act)
                Parameters(session.scenario.parameters, act)
            with solara.Column():
                Views(session, effects=not projector)


@solara.component
def ScenarioButtons(current: str | None, choose: Callable[[str], None]):
    """One button per bundled scenario, the one being played filled in; none after an upload.

    Plain buttons, not a toggle group: Vuetify's mandatory toggle selects its first button by itself when
    none matches (after an upload), which loaded that scenario over the uploaded one and wiped any error.
    A click always (re)starts the scenario clicked, the current one included.
    """
    titles = bundled_titles()
    with solara.Row(style={"flex-wrap": "wrap", "gap": "4px"}):
        for name in bundled_names():
            solara.Button(titles.get(name, name), on_click=lambda name=name: choose(name),
                          color="primary" if name == current else None, outlined=name != current,
                          classes=["entente-scenario"])


@solara.component
def ProjectorResult(session: GameSession, since: int):
    """The projector view's top: what just happened, then the chart (text at least 14 px, shown at its own
    size) beside the largest effects, all within 1280 x 720 pixels without scrolling."""
    with solara.Column(classes=["entente-projector"], style={"gap": "6px"}):
        Happened(session, since, compact=True)
        with solara.Row(style={"align-items": "flex-start", "flex-wrap": "nowrap", "gap": "12px"}):
            with solara.Column(style={"flex": "0 0 auto"}, classes=["entente-projector-chart"]):
                Chart(lambda: plot_projector(session.result), session, dpi=PROJECTOR_DPI)
            with solara.Column(style={"flex": "1 1 auto", "min-width": "0"}):
                EffectsTable(session, rows=PROJECTOR_EFFECT_ROWS, compact=True)


@solara.component
def Happened(session: GameSession, since: int, compact: bool = False):
    lines = what_happened(session.result, since, session.live_events)
    box = {"background": "#F3F6FA", "padding": "8px 12px", "border-radius": "4px"}
    if compact:  # the projector: the latest lines, in a box of fixed height that scrolls
        box.update({"max-height": "7.5em", "overflow-y": "auto"})
    body = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    solara.HTML(tag="div", unsafe_innerHTML=f'<b>What just happened</b><ul data-testid="happened">{body}</ul>',
                style=box)


@solara.component
def Inject(session: GameSession, act):
    types = event_type_choices()
    actors = actor_choices(session)
    kind, set_kind = solara.use_state(next(iter(types)))
    source, set_source = solara.use_state(actors[0])
    target, set_target = solara.use_state(actors[1])
    meeting, set_meeting = solara.use_state(False)
    members, set_members = solara.use_state(list(actors[:2]))
    intensity, set_intensity = solara.use_state(1.0)

    def add(note: str, _: str | None = None):
        if meeting:
            act(lambda s: s.inject(kind, between=tuple(members), intensity=intensity, note=note))
        else:
            act(lambda s: s.inject(kind, source, (target,), intensity=intensity, note=note))

    title = "The scenario has ended: reset to add events" if session.finished else \
        f"Add an event now (it happens in month {session.month + 1})"
    with solara.Card(title):
        solara.Select("type", values=list(types), value=kind, on_value=set_kind)
        solara.Text(types[kind], style={"font-size": "0.85em", "color": "#555"})
        solara.Checkbox(label="a meeting between several actors", value=meeting, on_value=set_meeting)
        if meeting:
            solara.SelectMultiple("between", all_values=actors, values=members, on_value=set_members)
        else:
            solara.Select("from", values=actors, value=source, on_value=set_source)
            solara.Select("to", values=actors, value=target, on_value=set_target)
        solara.SliderFloat("intensity", value=intensity, min=0.1, max=3.0, step=0.1, on_value=set_intensity)
        TextAndButton("note (what happened, in a few words)", "Add the event", add, disabled=session.finished,
                      color="primary", field_style="flex: 1 1 16em")
        if session.injects:
            items = "".join(f"<li>month {e.month}: {html.escape(e.type)} {html.escape(e.source)} → "
                            f"{html.escape(e.target)}</li>" for e in session.live_events)
            solara.HTML(tag="div", unsafe_innerHTML=f'<b>Added live</b><ul data-testid="live">{items}</ul>')


@solara.component
def Play(session: GameSession, act, continue_game):
    """Play mode: teams order moves in their actor's words under `sim play`'s rules; the teacher advances."""
    actors = actor_choices(session)
    verbs = move_verbs()
    team, set_team = solara.use_state(None)
    verb, set_verb = solara.use_state(verbs[0])
    preposition, set_preposition = solara.use_state(None)
    target, set_target = solara.use_state(actors[1])
    intensity, set_intensity = solara.use_state(1.0)
    teams = dict(session.teams)
    playing = team if team in teams else next(iter(teams), None)
    others = [a for a in actors if a != teams.get(playing)]
    partner = target if target in others else others[0]
    words = move_prepositions(verb)
    how = preposition if preposition in words else words[0]
    rules = session.rules

    def add_team(name: str, actor: str | None):
        actor = actor or actors[0]
        act(lambda s: s.with_play(s.turn, {**teams, (name.strip() or actor): actor}), keep_since=True)

    def add_move(note: str, _: str | None = None):
        act(lambda s: s.move(playing, f"{verb} {how} {partner}", intensity=intensity, note=note), keep_since=True)

    with solara.Card(f"Play in turns of {session.turn} month(s)"):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            NumberField("turn length (months)", session.turn,
                        lambda t: act(lambda s: s.with_play(t, teams), keep_since=True), whole=True)
            TextAndButton("team name", "Add the team", add_team, clear=True, choices=actors, choice_label="plays",
                          choice=actors[0])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            NumberField("moves per team a turn", rules.moves_per_turn,
                        lambda n: act(lambda s: s.with_rules(_rules(s.rules, moves_per_turn=n)), keep_since=True),
                        whole=True)
            solara.Checkbox(label="a deal between two teams needs both", value=rules.consent,
                            on_value=lambda c: act(lambda s: s.with_rules(_rules(s.rules, consent=c)),
                                                   keep_since=True))
        # Each part that comes and goes sits in a Div that is always there: the widgets after it keep their
        # places in the tree, so they are not rebuilt (a click on a button being rebuilt is lost).
        with solara.Div():
            if teams:
                solara.HTML(tag="div", unsafe_innerHTML='<b>Teams:</b> <span data-testid="teams">' + html.escape(
                    ", ".join(f"{t} ({a})" for t, a in session.teams)) + "</span>")
                solara.Select("team", values=list(teams), value=playing, on_value=set_team)
                with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                    solara.Select("move", values=verbs, value=verb, on_value=set_verb)
                    solara.Select("how", values=words, value=how, on_value=set_preposition)
                    solara.Select("actor", values=others, value=partner, on_value=set_target)
                solara.HTML(tag="div", unsafe_innerHTML=(
                    f'<span data-testid="order-words">{html.escape(teams[playing])}: '
                    f'{html.escape(f"{verb} {how} {partner}")}</span>'))
                solara.SliderFloat("strength", value=intensity, min=rules.intensity[0], max=rules.intensity[1],
                                   step=0.05, on_value=set_intensity)
                TextAndButton("justification (one line, required)", "Add the move", add_move, clear=True,
                              disabled=session.finished, field_style="flex: 1 1 16em")
        with solara.Div():
            if session.pending:
                items = "".join(f"<li>{html.escape(m['team'])}: {html.escape(m['do'])} "
                                f"({html.escape(m['note'])})</li>" for m in session.pending)
                solara.HTML(tag="div", unsafe_innerHTML=f'<b>Orders for month {session.month + 1}</b>'
                                                        f'<ul data-testid="pending">{items}</ul>')
        with solara.Div():
            if session.proposals:
                solara.HTML(tag="div", unsafe_innerHTML="<b>Proposals waiting for an answer (accept, or leave "
                                                        "them to refuse)</b>")
                with solara.Column(classes=["entente-proposals"]):
                    for index, proposal in enumerate(session.proposals):
                        with solara.Row(style={"align-items": "center"}):
                            solara.HTML(tag="span", unsafe_innerHTML=html.escape(
                                f"{proposal.by} proposes to {proposal.to_team}: {proposal.words}"))
                            solara.Button(f"{proposal.to_team} accepts", small=True,
                                          on_click=lambda index=index: act(lambda s: s.accept(index),
                                                                           keep_since=True))
        with solara.Div():
            if session.last_turn:
                items = "".join(f"<li>{html.escape(line)}</li>" for line in session.last_turn)
                solara.HTML(tag="div", unsafe_innerHTML=f'<b>Between the teams, last turn</b>'
                                                        f'<ul data-testid="turn-outcome">{items}</ul>')
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button("Advance the turn", on_click=lambda: act(lambda s: s.advance_turn()),
                          disabled=session.finished, color="primary")
            DownloadButton(lambda: save_game(session).encode("utf-8"),
                           filename=f"game_{session.bundled_name or 'uploaded'}_month_{session.month}.yaml",
                           label="Save game", mime_type="text/yaml")
            if session.last_plan is not None:
                DownloadButton(lambda: (session.situation_page() or "").encode("utf-8"),
                               filename=f"situation_turn_{session.turns_played}.html",
                               label="Situation report", mime_type="text/html")
        ScenarioUpload(max_bytes=MAX_BYTES, event_upload=continue_game,
                       label="Continue a saved game (.yaml):", test_id="game-upload")


ROOM_FOLDER = "class_games"  # as `sim classroom host --folder`'s default: the games' database files


def served_to_this_computer_only() -> bool:
    import ipaddress
    import os

    host = os.environ.get("ENTENTE_APP_HOST", "127.0.0.1")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def class_game(session):
    """The class-game card for a session: given what it shows, not the session (see Page)."""
    return ClassGame(session.bundled_name, session.teams, session.turn, session.scenario.seed, session.actors)


@solara.component
def ClassGame(bundled_name: str | None, played: tuple[tuple[str, str], ...], turn: int, seed: int,
              actors: tuple[str, ...]):
    """The same as `sim classroom host`, from this page: the scenario served as a class game on the room's
    network, each team on its own device (sim/room). Offered only when this page is served to this computer
    alone: the game's console shows the teacher's PIN and the teams' codes. Given the session's scenario
    name, teams (team, actor), turn length, seed and actors."""
    server, set_server = solara.use_state(None)
    teams_text, set_teams_text = solara.use_state(", ".join(a for _, a in played) or ", ".join(actors[:4]))
    wifi, set_wifi = solara.use_state(False)
    problem, set_problem = solara.use_state(None)
    solara.use_effect(lambda: (lambda: server.stop()) if server is not None else None, [server])

    def host() -> None:
        from ..classroom.room import Room
        from ..room.host import Background

        try:
            teams = [t.strip() for t in teams_text.split(",") if t.strip()]
            bound = "0.0.0.0" if wifi else "127.0.0.1"
            room = Room.start(bundled_name, ROOM_FOLDER, teams, turn=turn, seed=seed)
            set_server(Background(room, bound, _free_port(bound)).start())
            set_problem(None)
        except EntenteError as error:
            set_problem(error.message())

    with solara.Card("A class game on the room's network"):
        if not served_to_this_computer_only():
            solara.Markdown("Other computers can reach this page, so it does not start class games (their "
                            "console shows the teacher's PIN). Start one from a terminal: `python -m sim classroom "
                            "host SCENARIO --teams India,Pakistan`.")
            return
        if bundled_name is None:
            solara.Markdown("A class game starts from a bundled scenario here; for your own file use "
                            "`python -m sim classroom host FILE --teams India,Pakistan` in a terminal.")
            return
        if server is None:
            solara.Markdown("Each team orders from its own phone or laptop; you run the clock and the news "
                            "from the teacher's console. The game is saved as it goes in class_games/.")
            solara.InputText("teams: the actors they play", value=teams_text, on_value=set_teams_text)
            solara.Checkbox(label="phones on this Wi-Fi can join (listens on every address of this computer; "
                                  "plain HTTP)", value=wifi, on_value=set_wifi)
            solara.Button("Host it for the room", on_click=host)
            if problem:
                solara.Error(problem)
            return
        import segno

        room = server.room
        codes = "".join(f"<li>{html.escape(team)} ({html.escape(room.teams[team])}): join code "
                        f"<code>{html.escape(code)}</code></li>" for team, code in room.codes().items())
        solara.HTML(tag="div", unsafe_innerHTML=(
            f'<p>Join address: <a href="{html.escape(server.address)}" target="_blank" data-testid="room-address">'
            f'{html.escape(server.address)}</a></p>{segno.make(server.address, error="m").svg_inline(scale=3)}'
            f'<ul>{codes}</ul><p>Teacher\'s console: <a href="{html.escape(server.address)}teacher" '
            f'target="_blank">{html.escape(server.address)}teacher</a>, PIN <code>{html.escape(room.pin())}</code>'
            f'</p><p>Saved in {html.escape(str(room.store.path))}; if this page closes, resume it with '
            f'<code>python -m sim classroom host --resume {html.escape(str(room.store.path))}</code>.</p>'))
        solara.Button("Stop the class game", on_click=lambda: set_server(None))


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _rules(rules, **change):
    """The rules with one value changed, checked as a game file's 'rules:' block is."""
    from dataclasses import replace as changed

    from ..classroom.play_rules import Rules

    def fail(path, problem, hint=None):
        return EntenteError(problem, field="rules", hint=hint)

    return Rules.from_data(changed(rules, **change).to_dict(), fail)


@solara.component
def Parameters(values, act):
    """The scenario's parameters (values: its sim.model.parameters.Parameters), one control each."""
    with solara.Card("Parameters (changing one replays the months so far)"):
        for spec in parameter_specs():
            ParameterControl(spec, getattr(values, spec.name),
                             lambda value, name=spec.name: act(lambda s: s.with_parameter(name, value),
                                                               keep_since=True))


def drag_step(low: float, high: float) -> float:
    """The precision a slider drag is rounded to: a power of ten near a hundredth of the range (0.01 for
    0.01 to 1), so a dragged value reads cleanly; typed and uploaded values are never rounded."""
    return 10.0 ** math.floor(math.log10((high - low) / 100))


def dragged(value: float, low: float, high: float) -> float:
    step = drag_step(low, high)
    return min(max(round(round(float(value) / step) * step, 12), low), high)


@solara.component
def ParameterControl(spec: Spec, value, on_value):
    """One parameter: a slider with the exact value in a number field beside it.

    Solara's SliderFloat hands Vuetify a step, and Vuetify snaps the value it is given to min + k * step
    and sends the snapped value back (reaction_spread 0.1 became 0.0991, an uploaded 0.25 became 0.26).
    The slider here has no step (Vuetify's step 0: continuous, no snapping) and only a drag changes it,
    rounded to drag_step; the number field takes any value exactly, and the checks of a scenario file
    refuse one outside the range.
    """
    label = f"{spec.name} ({spec.unit})"
    if spec.choices:
        solara.Select(label, values=list(spec.choices), value=value, on_value=on_value)
    elif isinstance(spec.default, bool):
        solara.Checkbox(label=label, value=value, on_value=on_value)
    else:
        whole = isinstance(spec.default, int)
        low, high = float(spec.low), float(spec.high)
        solara.Text(label, style={"font-size": "0.9em", "display": "block", "margin-top": "6px"})
        with solara.Row(style={"align-items": "center", "gap": "8px"}, classes=["entente-parameter"]):
            with solara.Column(style={"flex": "1 1 auto", "min-width": "6em"}):
                if whole:
                    solara.SliderInt("", value=value, min=int(low), max=int(high), on_value=on_value,
                                     thumb_label=False)
                else:
                    solara.v.Slider(v_model=value, min=low, max=high, step=0, hide_details=True, dense=True,
                                    on_v_model=lambda moved: on_value(dragged(moved, low, high)),
                                    class_=f"entente-slider-{spec.name}")
            with solara.Column(style={"flex": "0 0 7.5em"}):
                NumberField(spec.name, value, on_value, whole=whole, css_class=f"entente-value-{spec.name}")
    solara.Text(spec.meaning, style={"font-size": "0.8em", "color": "#555", "display": "block",
                                     "margin-bottom": "8px"})


@solara.component
def Views(session: GameSession, effects: bool = True):
    result = session.result
    month = session.month
    live = session.live_events
    with solara.lab.Tabs(lazy=True):  # only the tab in view is drawn: each figure takes about a second
        with solara.lab.Tab("Pairs over time"):
            Chart(lambda: mark_live(figures.plot_top_pairs(result), live), session)
        with solara.lab.Tab("Score matrix"):
            Chart(lambda: figures.plot_heatmaps(result), session)
        with solara.lab.Tab("Bloc map"):
            blocs = figures.blocs_at(result, month)
            text = " | ".join(", ".join(sorted((a for a in blocs if blocs[a] == k), key=result.actors.index))
                              for k in sorted(set(blocs.values())))
            solara.HTML(tag="div", unsafe_innerHTML=f'<b>Blocs at month {month}:</b> '
                                                    f'<span data-testid="blocs">{html.escape(text)}</span>')
            Chart(lambda: figures.plot_bloc_map(result, month), session)
        with solara.lab.Tab("Why?"):
            Why(session)
    if effects:  # the projector view shows them at the top
        EffectsTable(session)
    ReasonsTable(session)
    with solara.Row():
        for download in DOWNLOADS:
            DownloadButton(lambda download=download: download.build(result),
                           filename=folder_name(result, month) + download.suffix,
                           label=download.label, mime_type=download.mime)


@solara.component
def Why(session: GameSession):
    """Why the pairs of the largest effects moved so far, cause by cause (the report's waterfalls)."""
    summary = session.result.summary
    if not summary.why:
        solara.Markdown("Nothing has moved yet: step a month or run to the end, then see here why the pairs "
                        "of the largest effects moved (memory, balance, reciprocity, each event).")
        return
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<div data-testid="why"><p>Each pair\'s change from month 0 to month {session.month} split by cause '
        "(run 1, exact attribution: the parts add up to the change).</p>" + why_html(summary) + "</div>"))


@solara.component
def QueuePlace(tell):
    """This page's place in the server's queue. Its own state, handed to the page through `tell`: a change of
    place (several a click) re-renders this line, not the page."""
    place, set_place = solara.use_state(None)
    tell.current = set_place
    if place is not None:
        solara.HTML(tag="span", unsafe_innerHTML=f'<span data-testid="queue">{html.escape(queue_text(place))}'
                                                 '</span>', style={"color": "#555"})


def queue_text(place: int) -> str:
    if place == 0:
        return "Running…"
    return f"Waiting for the server: {place} run{'s' if place != 1 else ''} ahead of yours…"


def page_closed() -> Callable[[], bool]:
    """Whether this page's kernel has closed (its tab was closed): a queued run of it is then dropped."""
    from solara.server import kernel_context

    if not kernel_context.has_current_context():
        return lambda: False
    return kernel_context.get_current_context().closed_event.is_set


DRAWING = threading.Lock()
"""One figure drawn at a time in the server: matplotlib's settings (rc_context) are the process's, not a
thread's, and the figures of several pages are drawn on their own threads."""


@solara.component
def Chart(draw: Callable[[], Any], session: GameSession, dpi: int = FIGURE_DPI):
    """A figure drawn and encoded once per session state, after the page: the month, the tables and the
    buttons reach the browser first and the figure follows when drawn (a class clicking at once sees its
    month without waiting for thirty figures). Until then the previous figure stays, marked
    data-drawn="earlier"; a render for anything else (a slider, the queue's place, a team's choice) draws
    nothing. Drawn as the result folder's figures are (style.figure_bytes: text from cached glyph outlines),
    at screen resolution."""
    drawn, set_drawn = solara.use_state(cast(tuple[GameSession, bytes | None] | None, None))

    def start() -> Callable[[], None] | None:
        if drawn is not None and drawn[0] is session:
            return None
        stale = threading.Event()  # set when the page shows another state before this figure is drawn

        def work() -> None:
            image = None
            with DRAWING:
                if stale.is_set():
                    return
                try:
                    image = style.figure_bytes(draw(), "png", dpi)
                except Exception:  # a bug: said on the page, the traceback in the server's log
                    logger.exception("a figure of the page could not be drawn")
            if not stale.is_set():
                set_drawn((session, image))  # one render of this figure alone

        # A plain thread (Solara's threads carry the page's context), not use_thread: that one renders the
        # component at each of its states (starting, running, finished), each a pass over the whole page.
        threading.Thread(target=work, name="entente-figure", daemon=True).start()
        return stale.set

    solara.use_effect(start, [session])
    if drawn is None:
        solara.v.Html(tag="div", attributes={"data-drawn": "not yet"}, children=["Drawing the figure…"])
    elif drawn[1] is None:
        solara.v.Html(tag="div", attributes={"data-drawn": "failed"},
                      children=["The figure could not be drawn (the server's log says why)."])
    else:
        solara.v.Html(tag="div", attributes={"data-drawn": "current" if drawn[0] is session else "earlier"},
                      children=[solara.Image(drawn[1], format="png")])


def mark_live(figure, live):
    """The pairs-over-time figure with the live events marked on its timeline, apart from the scenario's own."""
    if not live or not figure.axes:
        return figure
    ax = figure.axes[0]
    for month in sorted({event.month for event in live}):
        ax.axvline(month, color=LIVE_COLOUR, linewidth=1.6, zorder=1)
        names = ", ".join(f"{e.source}{style.ARROW}{e.target}" for e in live if e.month == month)
        ax.annotate(f"added live: {names}", (month, 0.02), xycoords=("data", "axes fraction"),
                    rotation=90, fontsize=8, color=LIVE_COLOUR, ha="right", va="bottom")
    return figure


def _table(test_id: str, header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px;vertical-align:top'>{html.escape(c)}</td>"
                                    for c in row) + "</tr>" for row in rows)
    return f'<table data-testid="{test_id}" style="border-collapse:collapse"><tr>{head}</tr>{body}</table>'


@solara.component
def EffectsTable(session: GameSession, rows: int = EFFECT_ROWS, compact: bool = False):
    summary = session.result.summary
    changes = summary.changes[:rows]
    if compact:  # the projector: the pair, the effect and its two ends, large
        table = [[f"{c.source} → {c.target}", f"{c.effect:+.2f}", f"{c.final:+.2f}", f"{c.baseline_final:+.2f}"]
                 for c in changes]
        solara.HTML(tag="div", unsafe_innerHTML=(
            f"<b>The largest effects at month {session.month}</b> (effect = with the events − without)"
            + _table("effects", ["pair", "effect", "with", "without"], table)))
        return
    table = [[f"{c.source} → {c.target}", f"{c.initial:+.2f}", f"{c.final:+.2f}", f"{c.baseline_final:+.2f}",
              f"{c.effect:+.2f}", "; ".join(c.events) or "—"] for c in changes]
    solara.Markdown(f"### The largest effects of the events at month {session.month}\n"
                    "effect = score with the events − score in the baseline (same world, no events)")
    solara.HTML(tag="div", unsafe_innerHTML=_table(
        "effects", ["pair", "month 0", "now", "baseline now", "effect", "events behind it"], table))


@solara.component
def ReasonsTable(session: GameSession):
    table = session.result.events
    labels = event_type_choices()
    notes = session.result.summary.notes if session.result.summary is not None else {}
    rows = [[event_sentence(row, labels, is_live(row, session.live_events), notes)]
            for row in table[table["run"] == table["run"].min()].to_dict("records")] if len(table) else []
    solara.Markdown("### Every event so far, and the reasons for each reaction")
    solara.HTML(tag="div", unsafe_innerHTML=_table("events", ["event"], rows or [["no event yet"]]))
