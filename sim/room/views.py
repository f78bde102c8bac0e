"""The room's pages as server-rendered HTML: plain forms that work on a phone and a laptop, every piece of text
escaped, and one small script (SCRIPT, served as /static/room.js) that reloads a page when the game changes.
"""

from __future__ import annotations

from html import escape as e
from urllib.parse import quote

CSS = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 0.8rem; line-height: 1.4; }
h1 { font-size: 1.4rem; margin: 0.3rem 0; } h2 { font-size: 1.15rem; margin: 1.2rem 0 0.4rem; }
form.inline { display: inline; } input, select, button { font-size: 1rem; padding: 0.35rem; margin: 0.15rem 0; }
input[type=text] { width: 100%; box-sizing: border-box; } label { display: block; margin-top: 0.3rem; }
.error { background: #fde8e4; border-left: 4px solid #a13c00; padding: 0.5rem; }
.ok { background: #e4f2fd; border-left: 4px solid #0b5a8c; padding: 0.5rem; }
.muted { color: #555; } table { border-collapse: collapse; } td, th { padding: 0.2rem 0.5rem; text-align: left; }
tr + tr td { border-top: 1px solid #ddd; } iframe { width: 100%; height: 70vh; border: 1px solid #ccc; }
.lens { font-style: italic; color: #555; }
@media (max-width: 40rem) { body { padding: 0.4rem; } iframe { height: 60vh; } }
"""
LENS = "A lens for discussion, not a forecast: the numbers follow from the model's assumptions."

# Reload the page when the game changes (a new turn, a team's news), unless something is being typed.
SCRIPT = """
(function () {
  var body = document.body, url = body.getAttribute('data-poll'), view = body.getAttribute('data-view');
  var home = body.getAttribute('data-home');  // the page's own address: never the form a page answered
  if (!url) { return; }
  function typing() {
    var fields = document.querySelectorAll('input, textarea, select');
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === 'hidden') { continue; }
      if (f === document.activeElement && f.tagName !== 'BUTTON') { return true; }
      if (f.type === 'checkbox' ? f.checked !== f.defaultChecked : f.tagName === 'SELECT'
          ? f.selectedIndex > 0 && !f.options[f.selectedIndex].defaultSelected : f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }
  setInterval(function () {
    fetch(url, {cache: 'no-store', credentials: 'same-origin'}).then(function (r) {
      if (r.status === 401 || r.status === 403) { location.replace(home); return null; }
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (data && data.view !== view && !typing()) { location.replace(home); }
    }).catch(function () {});
  }, 1000);
})();
"""


def page(title: str, body: str, *, poll: str = "", view: str = "", home: str = "") -> str:
    attributes = f' data-poll="{e(poll)}" data-view="{e(view)}" data-home="{e(home)}"' if poll else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{CSS}</style></head><body{attributes}>\n{body}\n"
            '<script src="/static/room.js"></script></body></html>\n')


def message(error: str = "", ok: str = "") -> str:
    return (f'<p class="error" role="alert">{e(error)}</p>' if error else "") + (f'<p class="ok">{e(ok)}</p>'
                                                                                    if ok else "")


def team_url(team: str, tail: str = "") -> str:
    return f"/team/{quote(team, safe='')}{tail}"


def join_page(scenario: str, error: str = "") -> str:
    return page("Join the game", f"""
<h1>Join the class game</h1><p class="muted">{e(scenario)}</p>{message(error)}
<form method="post" action="/join"><label for="code">Your team's join code</label>
<input type="text" id="code" name="code" autocomplete="off" autocapitalize="characters" required maxlength="64">
<button type="submit">Join</button></form>
<p class="muted">The teacher's console is at <a href="/teacher">/teacher</a>.</p>
<p class="lens">{e(LENS)}</p>""")


def refusal_page(text: str, hint: str = "") -> str:
    return page("Not allowed", f'<h1>Not allowed</h1>{message(text)}<p>{e(hint)}</p>'
                               '<p><a href="/">Join with your team\'s code</a></p>')


def team_page(view, scenario: str, moves: list[str], actors: list[str], error: str = "", ok: str = "",
              key: str = "") -> str:
    """A team's page: its brief, the situation report, its orders, proposals to it, submitted, outcome."""
    team, url = view.team, team_url(view.team)
    stamp = f'<input type="hidden" name="turn" value="{view.turn}">'  # a form sent after the turn moved on is refused
    low, high = view.intensity
    first, last = view.months
    parts = [f"<h1>Team {e(team)} ({e(view.actor)})</h1>",
             f'<p class="muted">{e(scenario)} · <a href="{url}/brief" target="_blank">your role brief</a></p>',
             message(error, ok)]
    if view.over:
        parts.append('<p class="ok">The game is over. Your teacher will lead the debrief.</p>')
    else:
        state = ("submitted: the teacher plays the turn when every team is ready" if view.submitted
                 else "not submitted yet")
        flag = "submitted" if view.submitted else "open"
        parts.append(f'<h2>Turn {view.turn}: months {first} to {last}</h2><p data-state="{flag}">'
                     f"Your orders are <strong>{e(state)}</strong>.</p>")
        if view.offers:
            parts.append("<h3>Proposals to your team</h3><ul>")
            for offer_key, proposal, offer_state in view.offers:
                words = proposal.answer_words(view.actor)
                line = f"{e(proposal.by)} proposes <strong>{e(proposal.words)}</strong> (you would order: {e(words)})"
                if offer_state == "open" and not view.submitted:
                    line += "".join(
                        f' <form class="inline" method="post" action="{url}/answer">{stamp}<input type="hidden" '
                        f'name="proposal" value="{e(offer_key)}"><input type="hidden" name="accept" value="{flag}">'
                        f'<button type="submit">{label}</button></form>' for flag, label in (("1", "Accept"),
                                                                                           ("0", "Refuse")))
                else:
                    line += f" · <em>{e(offer_state)}</em>"
                parts.append(f"<li>{line}</li>")
            parts.append("</ul>")
        parts.append(f"<h3>Your orders ({len(view.orders)} of at most {view.moves_per_turn})</h3>")
        if view.orders:
            parts.append("<table><tr><th>move</th><th>intensity</th><th>why</th><th></th></tr>")
            for order_id, words, intensity, note in view.orders:
                remove = ("" if view.submitted else f'<form class="inline" method="post" action="{url}/remove">{stamp}'
                          f'<input type="hidden" name="order" value="{order_id}"><button type="submit">Remove'
                          "</button></form>")
                parts.append(f"<tr><td>{e(words)}</td><td>{intensity:g}</td><td>{e(note)}</td><td>{remove}</td></tr>")
            parts.append("</table>")
        else:
            parts.append("<p class=\"muted\">No moves yet.</p>")
        if not view.submitted and len(view.orders) < view.moves_per_turn:
            verb_options = "".join(f"<option>{e(m)}</option>" for m in moves)
            actor_options = "".join(f"<option>{e(a)}</option>" for a in actors if a != view.actor)
            parts.append(f"""
<form method="post" action="{url}/order">{stamp}<fieldset><legend>A move, in {e(view.actor)}'s words</legend>
<label>Move <select name="verb">{verb_options}</select></label>
<label>Word <select name="preposition"><option>to</option><option>from</option><option>with</option>
<option>on</option></select></label>
<label>Actor <select name="actor">{actor_options}</select></label>
<label>Intensity ({low:g} to {high:g}) <input type="number" name="intensity" value="1" step="0.05" min="{low:g}"
max="{high:g}"></label>
<label>Why (one line) <input type="text" name="note" required maxlength="300"></label>
<button type="submit">Add the move</button></fieldset></form>
<p class="muted">A cooperative move towards another team's actor is a proposal: it is played only if that team
orders it too (it sees it next turn).</p>""")
        if view.submitted:
            parts.append(f'<form method="post" action="{url}/submit">{stamp}'
                         '<input type="hidden" name="submitted" value="0">'
                         '<button type="submit">Change our orders</button></form>')
        else:
            parts.append(f'<form method="post" action="{url}/submit">{stamp}'
                         '<input type="hidden" name="submitted" value="1">'
                         '<button type="submit">Submit our orders</button></form>')
    if view.report_turn:
        parts.append(f"<h2>Situation report: turn {view.report_turn}</h2>")
        if view.outcome:
            parts.append("<ul>" + "".join(f"<li>{e(s)}</li>" for s in view.outcome) + "</ul>")
        parts.append(f'<iframe title="Situation report" src="{url}/report"></iframe>')
    else:
        parts.append('<p class="muted">The situation report appears here after the first turn.</p>')
    parts.append(f'<p class="lens">{e(LENS)}</p>')
    return page(f"Team {team}", "\n".join(parts), poll=f"{url}/poll", view=key, home=url)


def teacher_login(error: str = "") -> str:
    return page("Teacher", f"""<h1>Teacher's console</h1>{message(error)}
<form method="post" action="/teacher/login"><label for="pin">PIN (printed when the game started)</label>
<input type="password" id="pin" name="pin" autocomplete="off" required maxlength="64">
<button type="submit">Open the console</button></form>""")


def teacher_page(room, scenario: str, address: str, error: str = "", ok: str = "", debrief: str = "") -> str:
    game = room.game
    first, last = game.next_turn()
    rows = "".join(
        f"<tr data-team=\"{e(team)}\"><td>{e(team)}</td><td>{e(room.teams[team])}</td><td>{e(code)}</td>"
        f"<td>{'joined' if joined else '-'}</td><td>{'submitted' if submitted else '-'}</td><td>{count}</td>"
        f'<td><form class="inline" method="post" action="/teacher/new-code"><input type="hidden" name="team" '
        f'value="{e(team)}"><button type="submit" title="signs out the team\'s devices">New code</button></form>'
        "</td></tr>"
        for (team, (joined, submitted, count)), code in zip(room.status().items(), room.codes().values()))
    parts = [f"<h1>Teacher's console</h1><p class=\"muted\">{e(scenario)} · join at <strong>{e(address)}</strong> · "
             '<a href="/teacher/qr.svg" target="_blank">QR code</a> · <a href="/teacher/projector" target="_blank">'
             "projector view</a></p>", message(error, ok),
             f"<h2>{'The game is over' if game.over else f'Turn {room.turn}: months {first} to {last}'} "
             f"(month {game.month} of {game.horizon})</h2>",
             "<table><tr><th>team</th><th>actor</th><th>join code</th><th>joined</th><th>orders</th><th>moves</th>"
             f"<th></th></tr>{rows}</table>"]
    if not game.over:
        injects = room.injects()
        parts.append("<h2>News this turn</h2>")
        parts.append("<ul>" + "".join(
            f'<li>{e(title)} <form class="inline" method="post" action="/teacher/remove-news"><input type="hidden" '
            f'name="inject" value="{i}"><button type="submit">Remove</button></form></li>' for i, title, _ in injects)
            + "</ul>" if injects else '<p class="muted">None yet.</p>')
        deck = room.deck()
        if deck:
            options = "".join(f'<option value="{p}">{e(title)}</option>' for p, title, _ in deck)
            parts.append(f'<form method="post" action="/teacher/card"><label>Inject deck <select name="card">{options}'
                         '</select></label><button type="submit">Play this card</button></form>')
        parts.append("""<form method="post" action="/teacher/news"><fieldset><legend>Write a news item</legend>
<label>Event type <input type="text" name="type" placeholder="border_clash"></label>
<label>From <input type="text" name="from" placeholder="India"></label>
<label>To <input type="text" name="to" placeholder="Pakistan"></label>
<label>Intensity <input type="number" name="intensity" value="1" step="0.05"></label>
<label>Note <input type="text" name="note" maxlength="300" placeholder="an exchange of fire (invented)"></label>
<button type="submit">Add the news</button></fieldset></form>""")
        parts.append("""<h2>Play the turn</h2><form method="post" action="/teacher/advance">
<label><input type="checkbox" name="missing_ok" value="1"> play without the teams that have not submitted</label>
<button type="submit">Advance the turn</button></form>""")
    parts.append('<form method="post" action="/teacher/undo"><button type="submit">Undo the last turn</button></form>'
                 '<p><a href="/teacher/debrief">Debrief</a> · <a href="/teacher/export">Export the game folder '
                 "(.zip: python -m sim play --continue carries on)</a></p>")
    if debrief:
        parts.append(f"<h2>Debrief</h2><pre>{e(debrief)}</pre>")
    report = room.report()
    if report:
        parts.append(f'<h2>Situation report: turn {report[0]}</h2><iframe title="Situation report" '
                     'src="/teacher/report"></iframe>')
    return page("Teacher's console", "\n".join(parts), poll="/teacher/poll", view=str(room.version),
                home="/teacher")


def projector_page(room, scenario: str) -> str:
    report = room.report()
    inner = ('<iframe title="Situation report" src="/teacher/report" style="height: 92vh"></iframe>' if report
             else f"<h1>{e(scenario)}</h1><p>Turn {room.turn} is being ordered; the situation report appears here.</p>")
    return page("Projector", inner, poll="/teacher/poll-turn", view=f"{room.epoch}-{room.turn}",
                home="/teacher/projector")
