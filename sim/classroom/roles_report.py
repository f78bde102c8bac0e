"""Role sheets as Markdown and as a self-contained HTML page (no network needed to open or print it)."""

from __future__ import annotations

import html

from ..present.numbers import signed
from .roles import PARTNER, RIVAL, RoleSheet, is_armed_group
from ..links import cite

CAVEAT = ("A lens for discussion, not a forecast: this sheet states the model's starting assumptions and "
          "what its rules imply. It is not a description of any government's or group's intentions, and "
          "not policy advice.")


def _signed(value: float) -> str:
    return signed(value)


def _names(ties) -> str:
    return ", ".join(f"{t.other} ({_signed(t.score)})" for t in ties) or "none"


ARMED_GROUP_NOTE = ("You play an armed group, not a state: you do not buy arms; when the model makes you react on "
                    "your own, you seek covert support from a state, and you answer only events that involve you "
                    "or your partners.")
BRIEF_NOTE = ("The brief states the team's starting positions for the exercise, drawn from the dated facts in its "
              "sources; the team may revise them in negotiation, with a reason.")
EVIDENCE = "Evidence: the model's starting world for you"


def brief_markdown(sheet: RoleSheet) -> list[str]:
    """The sheet's first page: who the actor is and the team's brief."""
    lines = [f"# Role sheet: {sheet.actor}", "", f"*{CAVEAT}*", "", "## Who you are", "", sheet.who, ""]
    brief = sheet.brief
    for key, heading in brief.SECTIONS:
        items = getattr(brief, key)
        if items:
            lines += [f"## {heading}", "", *(f"- {item}" for item in items), ""]
    if is_armed_group(sheet):
        lines += [ARMED_GROUP_NOTE, ""]
    if brief.playing:
        lines += ["## Playing this role", "", brief.playing, ""]
    if brief.sources:
        lines += [f"*{BRIEF_NOTE}* Sources: " + " ".join(brief.sources), ""]
    return lines


def sheet_markdown(sheet: RoleSheet) -> str:
    lines = brief_markdown(sheet) + ["---", "", f"## {EVIDENCE}", "",
                                     f"**Capability** (relative size in the model's blocs): {sheet.capability:g}. "
                                     f"Source: {sheet.capability_source}.", ""]
    lines += ["## Your partners and rivals", "",
              f"- Partners (starting score {PARTNER:+.1f} or more): {_names(sheet.partners)}",
              f"- Rivals ({RIVAL:+.1f} or less): {_names(sheet.rivals)}", "",
              "## Your ties at the start, and the evidence behind them", "",
              f"Scores run from -1 (hostile) to +1 (aligned). Each starts from a dated prior and, where the "
              f"article ({sheet.article}) discusses the pair, is updated by its sentences, quoted verbatim "
              f"with their line numbers (the page was scraped and lost some digits).", ""]
    for tie in sheet.ties:
        origin = "prior updated by the article" if tie.source == "document" else "prior only (the article is silent)"
        confidence = f", confidence {tie.confidence:.2f}" if tie.confidence is not None else ""
        lines += [f"### {sheet.actor} and {tie.other}: {_signed(tie.score)} ({origin}{confidence})", ""]
        if tie.prior_score is not None:
            lines.append(f"- Prior {_signed(tie.prior_score)} as of {tie.prior_year}: {tie.prior_rationale}")
            for source in tie.prior_sources:
                lines.append(f"  - Source: {source}")
        for line, sentence in tie.sentences:
            lines.append(f"- Article, line {line}: \"{sentence}\"")
        lines.append("")
    lines += ["## Moves open to you", "",
              "Each move is an event type of the codebook (`python -m sim list events`), taken by you or "
              "towards you, with an intensity (1 = a full event) and a one-line justification.", "",
              "| move | meaning | weight | lasting share | military tie |", "| --- | --- | ---: | ---: | --- |"]
    for move in sheet.moves:
        lines.append(f"| `{move.type}` | {move.description} | {move.weight:+.2f} | {move.durable:.0%} | "
                     f"{'yes' if move.military_tie else ''} |")
    lines += ["", "## Red lines as the model reads them (not policy advice)", "",
              "Where you are most hostile, the model makes you likeliest to answer a rival's gain: if the "
              "rival gains a military partner (an arms sale, a pact, an exercise), the chance that you seek "
              "a counter-patron the next month, by the reaction rule with the default parameters "
              f"({cite('model', 'Reactions')}):", ""]
    for red in sheet.red_lines:
        lines.append(f"- **{red.rival}** (you regard it {_signed(red.score)}): chance {red.chance:.2f}; "
                     f"{red.chance_own_partner:.2f} if the one arming it is your own partner")
    if not sheet.red_lines:
        lines.append("- none: you regard no actor with hostility at the start")
    return "\n".join(lines) + "\n"


_STYLE = ("body{font-family:Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.45}"
          "table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #999;padding:.2em .4em;"
          "vertical-align:top}.caveat{font-style:italic;border-left:3px solid #999;padding-left:.8em}"
          "blockquote{margin:.3em 0 .3em 1.2em;color:#333}.brief h2{margin:.7em 0 .2em;font-size:1.15em}"
          ".brief ul{margin:.2em 0}.sources{font-size:.85em;color:#333}"
          "@page{margin:15mm}@media print{body{margin:0}.brief{break-after:page;page-break-after:always}}")


def sheet_html(sheet: RoleSheet) -> str:
    """The same sheet as one HTML page with its style inline."""
    e = html.escape
    brief = sheet.brief
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Role sheet: {e(sheet.actor)}"
             f"</title><style>{_STYLE}</style></head><body>", '<section class="brief">',
             f"<h1>Role sheet: {e(sheet.actor)}</h1>",
             f"<p class=\"caveat\">{e(CAVEAT)}</p>", "<h2>Who you are</h2>", f"<p>{e(sheet.who)}</p>"]
    for key, heading in brief.SECTIONS:
        items = getattr(brief, key)
        if items:
            parts.append(f'<h2 data-brief="{key}">{e(heading)}</h2><ul>'
                         + "".join(f"<li>{e(item)}</li>" for item in items) + "</ul>")
    if is_armed_group(sheet):
        parts.append(f"<p>{e(ARMED_GROUP_NOTE)}</p>")
    if brief.playing:
        parts.append(f"<h2>Playing this role</h2><p>{e(brief.playing)}</p>")
    if brief.sources:
        parts.append(f'<p class="sources"><i>{e(BRIEF_NOTE)}</i> Sources: {e(" ".join(brief.sources))}</p>')
    parts += ["</section>", f"<h2>{e(EVIDENCE)}</h2>",
              f"<p><b>Capability</b> (relative size in the model's blocs): {sheet.capability:g}. Source: "
              f"{e(sheet.capability_source)}.</p>"]
    parts += ["<h2>Your partners and rivals</h2><ul>",
              f"<li>Partners (starting score {PARTNER:+.1f} or more): {e(_names(sheet.partners))}</li>",
              f"<li>Rivals ({RIVAL:+.1f} or less): {e(_names(sheet.rivals))}</li></ul>",
              "<h2>Your ties at the start, and the evidence behind them</h2>",
              f"<p>Scores run from -1 (hostile) to +1 (aligned); article: {e(sheet.article)} (quoted verbatim, "
              "with line numbers; the scraped page lost some digits).</p>"]
    for tie in sheet.ties:
        origin = "prior updated by the article" if tie.source == "document" else "prior only"
        parts.append(f"<h3>{e(sheet.actor)} and {e(tie.other)}: {_signed(tie.score)} ({origin})</h3><ul>")
        if tie.prior_score is not None:
            parts.append(f"<li>Prior {_signed(tie.prior_score)} as of {tie.prior_year}: {e(tie.prior_rationale)}"
                         + "".join(f"<br>Source: {e(s)}" for s in tie.prior_sources) + "</li>")
        parts += [f"<li>Article, line {line}:<blockquote>{e(sentence)}</blockquote></li>"
                  for line, sentence in tie.sentences]
        parts.append("</ul>")
    parts += ["<h2>Moves open to you</h2><table><tr><th>move</th><th>meaning</th><th>weight</th>"
              "<th>lasting share</th><th>military tie</th></tr>"]
    parts += [f"<tr><td><code>{e(m.type)}</code></td><td>{e(m.description)}</td><td>{m.weight:+.2f}</td>"
              f"<td>{m.durable:.0%}</td><td>{'yes' if m.military_tie else ''}</td></tr>" for m in sheet.moves]
    parts += ["</table><h2>Red lines as the model reads them (not policy advice)</h2>",
              "<p>If a rival gains a military partner, the chance that you seek a counter-patron the next "
              "month, by the model's reaction rule with the default parameters:</p><ul>"]
    parts += [f"<li><b>{e(r.rival)}</b> (you regard it {_signed(r.score)}): chance {r.chance:.2f}; "
              f"{r.chance_own_partner:.2f} if the one arming it is your own partner</li>" for r in sheet.red_lines]
    if not sheet.red_lines:
        parts.append("<li>none: you regard no actor with hostility at the start</li>")
    parts.append("</ul></body></html>\n")
    return "\n".join(parts)
