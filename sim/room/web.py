"""The room's web server: Starlette routes over a sim.classroom.room.Room, nothing more.

Every team route names its team in the path and is checked against the session cookie (HTTP-only,
SameSite=Strict) for that team; the teacher's routes need the teacher's session. Nothing from a page names a
file: the export is built in memory. Forms only (no uploads), bodies at most 16 KB (guard.BodyLimit).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..classroom.room import TEACHER, Room
from ..errors import EntenteError
from . import views
from .guard import LOG, BodyLimit, Throttle, same_origin

TEAM_COOKIE, TEACHER_COOKIE = "entente_team", "entente_teacher"
HEADERS = {"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                      "frame-ancestors 'self'; form-action 'self'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store"}


class Refused(Exception):
    def __init__(self, status: int, text: str, hint: str = "") -> None:
        super().__init__(text)
        self.status, self.text, self.hint = status, text, hint


def build_app(room: Room, *, address: str = "", throttle: Throttle | None = None) -> Starlette:
    """The ASGI app for one room (address: the join address shown to the teacher and in the QR code)."""
    throttle = throttle or Throttle()
    scenario = room.game.label
    names = None

    def actors() -> list[str]:
        nonlocal names
        if names is None:
            from ..classroom.play import game_actors

            names = game_actors(room.game)
        return names

    def html(text: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(text, status, headers=HEADERS)

    def client(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def session_for(request: Request, cookie: str) -> str:
        found = room.session(request.cookies.get(cookie))
        if found is None:
            raise Refused(401, "This browser has no session in this game (or its token was not issued here).",
                          "Join with your team's code.")
        who, replaced = found
        if replaced:
            raise Refused(401, f"This session of team {who} has ended: the teacher gave the team a new join code.",
                          "Ask your teacher for the new code and join again.")
        return who

    def team_of(request: Request) -> str:
        team = request.path_params["team"]
        if team not in room.teams:
            raise Refused(404, "There is no such team in this game.")
        who = session_for(request, TEAM_COOKIE)
        if who != team:
            LOG.warning("team %s's session tried to act for team %s (from %s)", who, team, client(request))
            raise Refused(403, f"This session is team {who}'s: it cannot see or act for team {team}.")
        return team

    def teacher_of(request: Request) -> None:
        if session_for(request, TEACHER_COOKIE) != TEACHER:
            raise Refused(403, "This page is the teacher's.")

    async def posted(request: Request) -> dict:
        if not same_origin(request.headers):
            raise Refused(403, "This form was not sent from this game's own page.")
        form = await request.form()
        return {key: str(value)[:2000] for key, value in form.items() if isinstance(value, str)}

    def refusal(error: Refused) -> HTMLResponse:
        return html(views.refusal_page(error.text, error.hint), error.status)

    def team_key(team: str) -> str:
        return f"{room.epoch}-{room.turn}-{int(room.closing)}"

    def render_team(team: str, error: str = "", ok: str = "", status: int = 200) -> HTMLResponse:
        from ..classroom.play_rules import verbs

        return html(views.team_page(room.team_view(team), scenario, verbs(), actors(), error, ok, team_key(team)),
                    status)

    # ------------------------------------------------------------------------------------------ join
    async def home(request: Request):
        found = room.session(request.cookies.get(TEAM_COOKIE))
        if found and not found[1] and found[0] in room.teams:  # this device has joined: back to its team
            return RedirectResponse(views.team_url(found[0]), 303, headers=HEADERS)
        return html(views.join_page(scenario))

    async def join(request: Request):
        address = client(request)
        wait = throttle.wait(address)
        if wait > 0:
            return html(views.join_page(scenario, f"Too many wrong codes: wait {wait:.0f} s before trying again."),
                        429)
        try:
            form = await posted(request)
        except Refused as error:
            return refusal(error)
        team = room.team_for_code(form.get("code", ""))
        if team is None:
            throttle.failed(address, "join code")
            return html(views.join_page(scenario, "That is not a join code of this game."), 403)
        throttle.succeeded(address)
        token = room.new_session(team)
        LOG.info("team %s joined from %s", team, address)
        response = RedirectResponse(views.team_url(team), 303, headers=HEADERS)
        response.set_cookie(TEAM_COOKIE, token, httponly=True, samesite="strict", max_age=14 * 24 * 3600)
        return response

    # ------------------------------------------------------------------------------------------ a team
    async def team_home(request: Request):
        try:
            team = team_of(request)
        except Refused as error:
            return refusal(error)
        return render_team(team)

    def team_action(act):
        async def endpoint(request: Request):
            try:
                team = team_of(request)
                form = await posted(request)
            except Refused as error:
                return refusal(error)
            try:
                await run_in_threadpool(act, team, form)
            except EntenteError as error:
                text = error.problem + (f" ({error.field})" if error.field else "")
                return render_team(team, text + (f" {error.hint}" if error.hint else ""), status=400)
            except ValueError:
                return render_team(team, "That form was not filled in as expected.", status=400)
            return RedirectResponse(views.team_url(team), 303, headers=HEADERS)
        return endpoint

    def turn_of(form) -> int | None:
        """The turn the page was showing when the form was made (pages always send it)."""
        turn = form.get("turn", "")
        return int(turn) if turn.isdigit() and len(turn) < 6 else None

    def order(team, form):
        words = " ".join(form.get(k, "").strip() for k in ("verb", "preposition", "actor"))
        room.order(team, form.get("words") or words, form.get("intensity", "1"), form.get("note", ""),
                   turn_of(form))

    async def team_report(request: Request):
        try:
            team_of(request)
        except Refused as error:
            return refusal(error)
        return report_response()

    async def team_brief(request: Request):
        try:
            team = team_of(request)
        except Refused as error:
            return refusal(error)
        return html(role_brief(room.teams[team]))

    async def team_poll(request: Request):
        try:
            team = team_of(request)
        except Refused as error:
            return JSONResponse({"error": error.text}, error.status, headers=HEADERS)
        return JSONResponse({"view": team_key(team), "turn": room.turn}, headers=HEADERS)

    # ------------------------------------------------------------------------------------------ the teacher
    async def teacher(request: Request):
        try:
            teacher_of(request)
        except Refused:
            return html(views.teacher_login())
        done, turn = request.query_params.get("done"), request.query_params.get("turn", "")
        ok = ""
        if done == "played" and turn.isdigit():
            ok = f"Turn {turn} played."
        elif done == "undone" and turn.isdigit():
            ok = f"Turn {int(turn) + 1} undone: its orders and news are open again."
        return html(views.teacher_page(room, scenario, address, ok=ok))

    async def teacher_login(request: Request):
        where = client(request)
        wait = throttle.wait(where)
        if wait > 0:
            return html(views.teacher_login(f"Too many wrong PINs: wait {wait:.0f} s."), 429)
        try:
            form = await posted(request)
        except Refused as error:
            return refusal(error)
        if not room.pin_ok(form.get("pin", "")):
            throttle.failed(where, "teacher PIN")
            return html(views.teacher_login("That is not this game's PIN."), 403)
        throttle.succeeded(where)
        response = RedirectResponse("/teacher", 303, headers=HEADERS)
        response.set_cookie(TEACHER_COOKIE, room.new_session(TEACHER), httponly=True, samesite="strict",
                            max_age=14 * 24 * 3600)
        return response

    def teacher_action(act):
        async def endpoint(request: Request):
            try:
                teacher_of(request)
                form = await posted(request)
            except Refused as error:
                return refusal(error)
            try:
                done = await run_in_threadpool(act, form)
            except EntenteError as error:
                text = error.problem + (f" ({error.field})" if error.field else "")
                return html(views.teacher_page(room, scenario, address, text + (f" {error.hint}" if error.hint
                                                                                 else "")), 400)
            except ValueError:
                return html(views.teacher_page(room, scenario, address, "That form was not filled in as expected."),
                            400)
            # Post, then redirect: a reload of the console never sends the form again.
            return RedirectResponse(f"/teacher?done={done}&turn={room.turn - 1}" if done else "/teacher", 303,
                                    headers=HEADERS)
        return endpoint

    def advance(form):
        room.advance(missing_ok=form.get("missing_ok") == "1")
        return "played"

    def undo(form):
        room.undo()
        return "undone"

    async def teacher_get(request: Request):
        try:
            teacher_of(request)
        except Refused as error:
            return refusal(error)
        kind = request.url.path.rsplit("/", 1)[-1]
        if kind == "report":
            return report_response()
        if kind == "projector":
            return html(views.projector_page(room, scenario))
        if kind == "poll":
            return JSONResponse({"view": str(room.version)}, headers=HEADERS)
        if kind == "poll-turn":
            return JSONResponse({"view": f"{room.epoch}-{room.turn}"}, headers=HEADERS)
        if kind == "qr.svg":
            return Response(qr_svg(address), media_type="image/svg+xml", headers=HEADERS)
        if kind == "export":
            data = await run_in_threadpool(room.export_zip)
            return Response(data, media_type="application/zip", headers={
                **HEADERS, "Content-Disposition": f'attachment; filename="game-turn-{room.turn - 1}.zip"'})
        try:
            text = await run_in_threadpool(room.debrief_text)
        except EntenteError as error:
            return html(views.teacher_page(room, scenario, address, error.problem), 400)
        return html(views.teacher_page(room, scenario, address, debrief=text))

    def report_response() -> HTMLResponse:
        report = room.report()
        if report is None:
            return html(views.page("Situation report", "<p>The situation report appears after the first turn.</p>"))
        return HTMLResponse(report[1], headers=HEADERS)

    async def script(request: Request):
        return Response(views.SCRIPT, media_type="text/javascript", headers={**HEADERS, "Cache-Control": "max-age=60"})

    routes = [
        Route("/", home), Route("/join", join, methods=["POST"]),
        Route("/static/room.js", script), Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/team/{team}", team_home),
        Route("/team/{team}/order", team_action(order), methods=["POST"]),
        Route("/team/{team}/remove", team_action(
            lambda t, f: room.remove_order(t, int(f.get("order", "")), turn_of(f))), methods=["POST"]),
        Route("/team/{team}/answer", team_action(
            lambda t, f: room.answer(t, f.get("proposal", ""), f.get("accept") == "1", turn_of(f))), methods=["POST"]),
        Route("/team/{team}/submit", team_action(
            lambda t, f: room.submit(t, f.get("submitted") != "0", turn_of(f))), methods=["POST"]),
        Route("/team/{team}/report", team_report), Route("/team/{team}/brief", team_brief),
        Route("/team/{team}/poll", team_poll),
        Route("/teacher", teacher), Route("/teacher/login", teacher_login, methods=["POST"]),
        Route("/teacher/card", teacher_action(lambda f: room.play_card(int(f.get("card", ""))) or ""),
              methods=["POST"]),
        Route("/teacher/news", teacher_action(lambda f: room.write_news(
            f.get("type", ""), f.get("from", ""), f.get("to", ""), f.get("intensity", "1"), f.get("note", "")) or ""),
            methods=["POST"]),
        Route("/teacher/remove-news", teacher_action(lambda f: room.remove_inject(int(f.get("inject", ""))) or ""),
              methods=["POST"]),
        Route("/teacher/advance", teacher_action(advance), methods=["POST"]),
        Route("/teacher/new-code", teacher_action(lambda f: room.renew_code(f.get("team", "")) and ""),
              methods=["POST"]),
        Route("/teacher/undo", teacher_action(undo), methods=["POST"]),
        *(Route(f"/teacher/{kind}", teacher_get) for kind in ("report", "projector", "poll", "poll-turn", "qr.svg",
                                                                "export", "debrief")),
    ]
    return Starlette(routes=routes, middleware=[Middleware(BodyLimit)])


def role_brief(actor: str) -> str:
    """The team's role sheet (sim roles), or a note when its actor has none (an actor the scenario adds)."""
    from ..classroom.roles import role_sheets
    from ..classroom.roles_report import sheet_html

    sheet = next((s for s in role_sheets() if s.actor == actor), None)
    if sheet is None:
        return views.page("Role brief", f"<p>No role sheet for {views.e(actor)}: ask your teacher for the brief.</p>")
    return sheet_html(sheet)


def qr_svg(address: str) -> bytes:
    """The join address as a QR code (segno: a maintained, dependency-free QR encoder)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(address, error="m").save(out, kind="svg", scale=8, border=2)
    return out.getvalue()
