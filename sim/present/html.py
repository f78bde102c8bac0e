"""report.html: one self-contained page a teacher can project or print after a run.

Everything is inline (CSS, figures as base64 PNG): the page needs no network, no fonts, no scripts.
Every piece of user-written text (scenario names, descriptions, reasons, article sentences) is
HTML-escaped. `report_html(result, ...)` returns the page as text; write_result and `sim report` write it.
"""

from __future__ import annotations

import base64
import html

from .numbers import number, signed
from ..results.placement import margin_text, placement_margins
from ..results.result import Result
from ..results.summary import Summary
from .explain import why_question
from .sentences import (LENS, NO_EFFECTS, NO_EVENTS, NO_SHIFTS, OTHER_MINIMA, SHOWN_EFFECT, effect_meaning,
                        other_minima, shift_sentence)
from .waterfall_svg import waterfall_svg

EVIDENCE_PAIRS = 8  # pairs whose article evidence is quoted
EVIDENCE_SENTENCES = 6  # sentences quoted per pair; the rest are counted
EVENT_ROWS = 300  # events listed (run 1); the rest are in events.csv
FIGURE_TITLES = {"pairs_over_time": "The pairs the events moved most", "heatmaps": "Scores and effects",
                 "bloc_map": "Blocs at the start and at the end"}

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #1a1a1a; background: #ffffff; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem;
     margin-top: 2.2rem; } h3 { margin-bottom: 0.3rem; }
.lens { background: #f3f6fa; border-left: 4px solid #0072B2; padding: 0.5rem 0.8rem; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.92rem; }
th, td { border: 1px solid #cccccc; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #eef2f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.cause { min-width: 15rem; } td.pair { white-space: nowrap; } td.behind { min-width: 14rem; font-size: 0.85rem; }
.warm { color: #0b5a8c; } .cool { color: #a13c00; } .muted { color: #666666; }
blockquote { margin: 0.3rem 0 0.3rem 1rem; padding-left: 0.6rem; border-left: 3px solid #cccccc; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #dddddd; }
figcaption { font-style: italic; margin-top: 0.3rem; }
code { background: #f4f4f4; padding: 0 0.2rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; background: #ffffff; color: #000000; }
  h2 { page-break-before: always; break-before: page; } h2.first { page-break-before: avoid; break-before: avoid; }
  table, figure, blockquote, tr { page-break-inside: avoid; break-inside: avoid; }
  .lens, th { background: #ffffff; }
}
"""


def e(text) -> str:
    """User-written text as HTML: escaped, quotes included."""
    return html.escape("" if text is None else str(text), quote=True)


def _signed(value: float) -> str:
    return signed(value, typographic=True)


def _num(value: float) -> str:
    return number(value, typographic=True)


def _effect_cell(value: float) -> str:
    css = "warm" if value > 0 else "cool" if value < 0 else ""
    return f'<td class="num {css}">{_signed(value)}</td>'


def _event_text(item, part=None) -> str:
    """One event behind an effect, with its attributed part of run 1's change from month 0 when the summary
    has it ('month 3: arms_sale Russia → Pakistan: −0.30 of run 1's change (85%)'): a part of the change,
    never to be read as the effect beside it."""
    text = e(item)
    if part is None:
        return text
    share = f" ({part.share:.0%})" if part.share is not None else ""
    return f"{text}: {_signed(part.value)} of run 1's change{share}"


def _changed_parameters(summary: Summary) -> str:
    """The parameters a scenario or the user set away from the defaults: 'noise 0.03 (default 0)'."""
    from ..model.parameters import Parameters

    defaults, used = Parameters().as_dict(), summary.parameters.as_dict()
    changed = [f"{e(name)} {e(value)} <span class=\"muted\">(default {e(defaults[name])})</span>"
               for name, value in used.items() if defaults.get(name) != value]
    return "; ".join(changed) or "none (python -m sim list parameters lists them)"


def _set_scores(summary: Summary) -> str:
    """The starting scores not taken from the relations file: 'India → Pakistan −0.25 (scenario)'."""
    set_here = [f"{e(pair)} {_signed(summary.initial[pair.split(' → ')[0]][pair.split(' → ')[1]])} "
                f"<span class=\"muted\">({e(source)})</span>"
                for pair, source in summary.starting_scores.items() if source in ("scenario", "override")]
    return "; ".join(set_here) or "none: every starting score comes from the relations file"


# --- sections ------------------------------------------------------------------------------------------

def _header(summary: Summary) -> list[str]:
    runs = summary.runs
    relations = (f"{e(summary.relations_file)} <span class=\"muted\">(sha256 {e(summary.relations_sha256)})</span>"
                 if summary.relations_file else "not recorded (a result written before relations were recorded)")
    return [
        f"<h1>{e(summary.scenario)}</h1>",
        f'<p class="lens">{LENS} '
        "(Entente's documentation, \"The model\"), the starting scores from one article read by a dictionary "
        "coder (Entente's documentation, \"Seeding\").</p>",
        "<table>",
        f"<tr><th>scenario file</th><td>{e(summary.scenario_file or 'scenario')}</td></tr>",
        f"<tr><th>starting world (relations file)</th><td>{relations}</td></tr>",
        f"<tr><th>months · seed · runs</th><td>{summary.months} · {summary.seed} · {runs}</td></tr>",
        f"<tr><th>parameters changed from the defaults</th><td>{_changed_parameters(summary)}</td></tr>",
        f"<tr><th>starting scores set by the scenario or by you</th><td>{_set_scores(summary)}</td></tr>",
        f"<tr><th>events</th><td>{summary.scenario_event_count} scheduled a run; {summary.reaction_count} "
        f"reactions by actors ({summary.runs_with_reactions} of {runs} runs had any)</td></tr>",
        "</table>",
        "".join(f"<p>{e(part)}</p>" for part in (summary.description or "(no description)").split("\n\n")),
        '<p class="muted">On this page: the events, what they did to every pair and why, the blocs, the figures; '
        "then the evidence the starting world rests on.</p>",
    ]


def _starting_world(summary: Summary, relations: dict | None, relations_note: str) -> list[str]:
    names = summary.actors
    out = ["<h2>Evidence: the starting world</h2>",
           "<p>How the row actor regards the column actor at month 0 (−1 hostile … +1 allied), and where each "
           "score came from.</p>", "<table><tr><th></th>" + "".join(f"<th>{e(n)}</th>" for n in names) + "</tr>"]
    for a in names:
        cells = []
        for b in names:
            if a == b:
                cells.append('<td class="muted">—</td>')
            else:
                source = summary.starting_scores.get(f"{a} → {b}", "")
                cells.append(f'<td class="num">{_num(summary.initial[a][b])}<br>'
                             f'<span class="muted">{e(source)}</span></td>')
        out.append(f"<tr><th>{e(a)}</th>{''.join(cells)}</tr>")
    out.append("</table>")
    out.append("<h3>The article's evidence for the pairs that moved</h3>")
    if relations is None:
        out.append(f"<p class=\"muted\">{e(relations_note)}</p>")
        return out
    moved: list[tuple[str, str]] = []
    for change in summary.changes:
        if abs(change.effect) < SHOWN_EFFECT:
            break
        pair = tuple(sorted((change.source, change.target)))
        if pair not in moved:
            moved.append(pair)
    entries = {tuple(sorted(map(str, entry.get("between", [])))): entry
               for entry in relations.get("relations", []) if isinstance(entry, dict)}
    if not moved:
        out.append("<p>No pair moved visibly, so no evidence is quoted.</p>")
    for pair in moved[:EVIDENCE_PAIRS]:
        entry = entries.get(pair)
        out.append(f"<h4>{e(pair[0])} – {e(pair[1])}</h4>")
        if entry is None:
            out.append("<p class=\"muted\">Not in the relations file (set by the scenario, or an added actor).</p>")
            continue
        out.append(f"<p>Starting score {_num(entry.get('score', 0.0))} (source: {e(entry.get('source', ''))}"
                   + (f", confidence {e(entry.get('confidence'))}" if entry.get("confidence") is not None else "")
                   + ").</p>")
        prior = entry.get("prior")
        if isinstance(prior, dict):
            sources = prior.get("sources") or []
            out.append(f"<p>Prior {_num(prior.get('score', 0.0))} as of {e(prior.get('as_of', '?'))}: "
                       f"{e(prior.get('rationale', ''))}</p>")
            if sources:
                out.append("<ul>" + "".join(f"<li>{e(s)}</li>" for s in sources) + "</ul>")
        evidence = [item for item in entry.get("evidence", []) or [] if isinstance(item, dict)]
        sentences: dict[tuple[str, str], list[dict]] = {}  # one quote per sentence, with every reading of it
        for item in evidence:
            sentences.setdefault((str(item.get("line", "?")), str(item.get("sentence", ""))), []).append(item)
        if not sentences:
            out.append("<p class=\"muted\">The article says nothing the coder read about this pair.</p>")
        for (line, sentence), readings in list(sentences.items())[:EVIDENCE_SENTENCES]:
            read = "; ".join(f"{e(r.get('label', ''))} (cue “{e(r.get('cue', ''))}”, "
                             f"Goldstein {e(r.get('goldstein', ''))})" for r in readings)
            out.append(f"<blockquote>line {e(line)}: “{e(sentence)}”<br><span class=\"muted\">read as {read}"
                       "</span></blockquote>")
        if len(sentences) > EVIDENCE_SENTENCES:
            out.append(f"<p class=\"muted\">… {len(sentences) - EVIDENCE_SENTENCES} more sentences: "
                       f"<code>python -m sim seed --explain {e(pair[0])} {e(pair[1])}</code></p>")
    return out


def _events(result: Result) -> list[str]:
    events = result.events
    rows = events[events["run"] == 1] if len(events) else events
    out = ['<h2 class="first">The events and every reaction</h2>']
    if result.runs > 1:
        out.append(f"<p>Run 1 of {result.runs}; every run's events are in events.csv.</p>")
    if not len(rows):
        out.append(f"<p>{NO_EVENTS}</p>")
        return out
    out.append("<table><tr><th>month</th><th>event</th><th>who</th><th>intensity</th><th>chance</th>"
               "<th>reason</th></tr>")
    for record in rows.head(EVENT_ROWS).to_dict("records"):
        reaction = record["origin"] == "reaction"
        kind = e(str(record["type"]).replace("_", " ")) + (" <em>(reaction)</em>" if reaction else "")
        chance = record.get("probability")
        chance_text = f"{float(chance):.2f}" if chance is not None and chance == chance else ""
        out.append(f"<tr><td class=\"num\">{int(record['month'])}</td><td>{kind}</td>"
                   f"<td>{e(record['source'])} → {e(record['target'])}</td>"
                   f"<td class=\"num\">×{float(record['intensity']):g}</td><td class=\"num\">{chance_text}</td>"
                   f"<td>{e(record.get('reason', ''))}</td></tr>")
    out.append("</table>")
    if len(rows) > EVENT_ROWS:
        out.append(f"<p class=\"muted\">… {len(rows) - EVENT_ROWS} more in events.csv</p>")
    return out


def _effects(result: Result, summary: Summary) -> list[str]:
    from ..results.effect_causes import effect_causes_or_reason
    from .causes import CAUSES_EXPLAINED, cause_sentence, no_event_note

    out = [f"<h2>What the events did</h2><p><b>Effect</b> = {effect_meaning(summary.months)} (the baseline): "
           "what the events did. <b>Change</b> = the score at the end "
           "minus at month 0: the events and the model's own drift together. The table gives both; the "
           "cause column says in plain words what made each effect (run 1, exact attribution: the events' "
           "own parts, and the difference memory, balance and reciprocity make between the two worlds). "
           "Beside each event behind an effect, its part of run 1's <em>change</em> and that part's share of "
           "the change: a part of the change, not of the effect "
           "(python -m sim explain RESULT A B splits any pair).</p>"]
    changes = [c for c in summary.changes if abs(c.effect) >= SHOWN_EFFECT]
    if not changes:
        out.append(f"<p>{NO_EFFECTS}</p>")
        return out
    causes, reason = effect_causes_or_reason(result)
    out.append(f'<p class="muted">{e(reason)}</p>' if reason else f"<p>{CAUSES_EXPLAINED}</p>")
    out.append("<table><tr><th>pair</th><th>start</th><th>end</th><th>change (end − start)</th>"
               "<th>without the events</th><th>effect (end − without)</th><th>peak effect (month)</th>"
               "<th>what made the effect (run 1)</th><th>events behind it: each one's part of run 1's change"
               "</th></tr>")
    for c in changes:
        pair = causes.get((c.source, c.target))
        why = e(cause_sentence(pair)) if pair is not None else '<span class="muted">—</span>'
        behind = "<br>".join(_event_text(item, c.share_of(item)) for item in c.events)
        if not behind:
            behind = f'<span class="muted">{e(no_event_note(pair))}</span>'
        out.append(f"<tr><td class=\"pair\">{e(c.source)} → {e(c.target)}</td>"
                   f"<td class=\"num\">{_signed(c.initial)}</td>"
                   f"<td class=\"num\">{_signed(c.final)}</td><td class=\"num\">{_signed(c.final - c.initial)}</td>"
                   f"<td class=\"num\">{_signed(c.baseline_final)}</td>"
                   f"{_effect_cell(c.effect)}<td class=\"num\">{_signed(c.peak_effect)} ({c.peak_month})</td>"
                   f"<td class=\"cause\">{why}</td><td class=\"behind\">{behind}</td></tr>")
    out.append("</table>")
    return out


def _why(summary: Summary) -> list[str]:
    if not summary.why:
        return []
    out = [f"<h2>Why these pairs moved</h2><p>The pairs of the largest effects, each one's change over run 1 "
           f"(month 0 to month {summary.months}, not the effect above) split by cause, by exact attribution: "
           "the parts add up to the change. Balance and reciprocity often pull against each other; memory "
           "pulls towards the starting relationship. <code>python -m sim explain FOLDER A B</code> does this "
           "for any pair; how the non-linear parts are shared: Entente's documentation, \"The model\", "
           "\"Attribution\".</p>"]
    out.append(why_html(summary))
    return out


def why_html(summary: Summary) -> str:
    """Each of the summary's "why" pairs: the question, the pair's scores, its waterfall (the report and the
    app's "Why?" tab)."""
    return "".join(f"<h3>{e(why_question(why.source, why.target, why.change))}</h3>"
                   f"<p>{e(why.source)} → {e(why.target)}: {_signed(why.initial)} at month 0, "
                   f"{_signed(why.final)} at month {summary.months} ({_signed(why.change)})</p>"
                   f"<figure>{waterfall_svg(why, summary.months)}</figure>" for why in summary.why)


def _blocs_line(blocs) -> str:
    return " &nbsp; ".join(f"[{k}] {', '.join(e(m) for m in members)}" for k, members in enumerate(blocs, start=1))


def _blocs(result: Result, summary: Summary) -> list[str]:
    report = summary.blocs
    out = ["<h2>Blocs and shifts</h2>",
           "<p>Blocs are the arrangement of lowest landscape energy (Axelrod &amp; Bennett 1993): "
           "E adds capability × capability × mean score over every pair split between blocs.</p>",
           "<table><tr><th>from month</th><th>blocs</th>" + ("<th>share of runs</th>" if summary.runs > 1 else "")
           + "</tr>"]
    for entry in report.timeline:
        share = f"<td class=\"num\">{entry.share:.0%}</td>" if summary.runs > 1 and entry.share is not None else ""
        out.append(f"<tr><td class=\"num\">{entry.month}</td><td>{_blocs_line(entry.blocs)}</td>{share}</tr>")
    out.append("</table>")
    out.append(f"<h3>How narrowly each placement is decided (month {summary.months})</h3>")
    margins = placement_margins(result, report.final)
    out.append("<p>For each actor, the cheapest move it could make alone and what that would do to the energy: "
               "a small rise means a close call.</p><ul>")
    out += [f"<li>{e(margin_text(m))}</li>" for m in margins]
    out.append("</ul>")
    others = other_minima(report, 5)
    if others:
        out.append(f"<p>{OTHER_MINIMA}</p><ul>")
        for option, above in others:
            relative = f", {above:.0%} above the lowest" if above is not None else ""
            out.append(f"<li>{_blocs_line(option.blocs)}: energy {option.energy:+.3f}{relative}</li>")
        out.append("</ul>")
    else:
        out.append("<p>No other arrangement is stable at the end; the margins above say how firmly each "
                   "actor holds its place.</p>")
    out.append("<h3>Shifts</h3>")
    if not summary.shifts:
        out.append(f"<p>{NO_SHIFTS}</p>")
        return out
    out.append("<ul>")
    for shift in summary.shifts:
        text = f"month {shift.month}: {shift_sentence(shift, e, typographic=True)}"
        if shift.events:
            text += f"<br><span class=\"muted\">after {e('; '.join(shift.events))}</span>"
        out.append(f"<li>{text}</li>")
    out.append("</ul>")
    return out


def _figures(result: Result, figures: dict[str, bytes] | None, effect_scale: float | None) -> list[str]:
    out = ["<h2>Figures</h2>"]
    if not figures:
        out.append("<p class=\"muted\">No figures: the run was written with --no-plots "
                   "(<code>python -m sim report RESULT_DIR</code> draws them).</p>")
        return out
    from .figures import FIGURES, caption

    for stem in FIGURES:
        data = figures.get(f"{stem}.png")
        if data is None:
            continue
        encoded = base64.b64encode(data).decode("ascii")
        text = caption(stem, result, effect_scale=effect_scale)
        title = FIGURE_TITLES.get(stem, stem.replace("_", " ").capitalize())
        out.append(f"<figure><h3>{e(title)}</h3><img alt=\"{e(title)}\" "
                   f"src=\"data:image/png;base64,{encoded}\"><figcaption>{e(text)}</figcaption></figure>")
    return out


# --- the page --------------------------------------------------------------------------------------------

def report_html(result: Result, *, figures: dict[str, bytes] | None = None, relations: dict | None = None,
                relations_note: str = "", effect_scale: float | None = None) -> str:
    """The whole page. figures: PNG bytes by file name (render_plots); relations: the relations document the
    run started from (read_relations), or None with relations_note saying why it is not quoted."""
    from ..results.summary import summary_of

    summary = summary_of(result)  # made now when the Result carries none (sim.run makes none unless asked)
    body = (_header(summary) + _events(result) + _effects(result, summary) + _why(summary) + _blocs(result, summary)
            + _figures(result, figures, effect_scale) + _starting_world(summary, relations, relations_note))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>Entente · {e(summary.scenario)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n<footer class=\"muted\"><p>Written by Entente. Rebuild with "
            "<code>python -m sim report RESULT_DIR</code>.</p></footer>\n</body>\n</html>\n")


def relations_for_report(summary: Summary) -> tuple[dict | None, str]:
    """The relations document a run started from, if it is still there unchanged; else None and why."""
    from ..errors import EntenteError
    from ..inputs.relations import read_relations, recorded_relations_path, sha256_of

    if not summary.relations_file:
        return None, "The result does not record which relations file it started from."
    path = recorded_relations_path(summary.relations_file)
    try:
        if sha256_of(path) != summary.relations_sha256:
            return None, (f"The relations file {summary.relations_file} has changed since the run, so its evidence "
                          "is not quoted here.")
        return read_relations(path), ""
    except (OSError, EntenteError):
        return None, f"The relations file {summary.relations_file} cannot be read now, so its evidence is not quoted."


def build_report(result: Result, *, figures: dict[str, bytes] | None, effect_scale: float | None = None) -> str:
    """The report's text for a result, the relations document looked up from its summary."""

    from ..results.summary import summary_of

    result = result.with_summary(summary_of(result))
    relations, note = relations_for_report(result.summary)
    return report_html(result, figures=figures, relations=relations, relations_note=note, effect_scale=effect_scale)
