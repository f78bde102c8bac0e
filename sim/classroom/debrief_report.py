"""A game's debrief as terminal text and as Markdown (the teacher projects or prints one of them)."""

from __future__ import annotations

from ..present.numbers import signed
from ..errors import printable
from .debrief import Debrief


def _signed(value: float) -> str:
    return signed(value)


def _blocs(blocs) -> str:
    return "   ".join(f"[{i}] {', '.join(printable(m, limit=60) for m in members)}"
                      for i, members in enumerate(blocs, start=1))


def debrief_text(debrief: Debrief, top: int = 12) -> str:
    lines = [f"Debrief · {printable(debrief.scenario, limit=200)}",
             f"month {debrief.month} · seed {debrief.seed} · {debrief.runs} run{'s' if debrief.runs != 1 else ''}"
             " · a lens for discussion, not a forecast",
             "",
             "What the teams and the news changed (score at this month; 'as written' is the scenario without",
             "the teams' moves, 'baseline' the world with no events at all)",
             f"  {'pair':<24}{'baseline':>9}{'written':>9}{'played':>8}{'teams':>8}"]
    for row in debrief.rows[:top]:
        pair = f"{printable(row.source, limit=40)} → {printable(row.target, limit=40)}"
        lines.append(f"  {pair:<24}{_signed(row.baseline):>9}{_signed(row.as_written):>9}"
                     f"{_signed(row.played):>8}{_signed(row.by_teams):>8}")
    lines += ["", f"Blocs, played:      {_blocs(debrief.blocs_played)}",
              f"Blocs, as written:  {_blocs(debrief.blocs_as_written)}",
              f"Reactions: {debrief.reactions_played} played, {debrief.reactions_as_written} as written", "",
              "Moves and news"]
    for event in debrief.moves:
        lines.append(f"  month {event['at']:>3}  {event['type']:<20} {_parties(event)}  "
                     f"{printable(event.get('by', ''), limit=60)}: {printable(event.get('note', ''), limit=160)}")
    if not debrief.moves:
        lines.append("  none yet")
    lines += ["", f"Every reaction since the game began (run 1): {len(debrief.reactions)}"]
    for r in debrief.reactions:
        lines.append(f"  month {r['month']:>3}  {r['type']:<20} {_parties({'from': r['source'], 'to': r['target']})}")
        lines.append(f"             {printable(r['reason'], limit=600)}")
    lines += ["", "Who moved the world (share of all pairs' movement since the game began, run 1, by exact "
                  "attribution)"]
    lines += [f"  {printable(who, limit=60):<40}{share:>5.0%}" for who, share in debrief.shares]
    return "\n".join(lines) + "\n"


def _parties(event: dict) -> str:
    if "between" in event:
        return printable(" + ".join(event["between"]), limit=120)
    to = event["to"] if isinstance(event["to"], list) else [event["to"]]
    return printable(f"{event['from']} → {', '.join(to)}", limit=120)


def _cell(text) -> str:
    return printable(text, limit=300).replace("|", "\\|")


def debrief_markdown(debrief: Debrief) -> str:
    """The debrief as a Markdown page (the HTML report can render the same Debrief its own way)."""
    lines = [f"# Debrief: {_cell(debrief.scenario)}", "",
             f"Month {debrief.month}, seed {debrief.seed}, {debrief.runs} run(s). A lens for discussion, not a "
             "forecast: the numbers follow from the model's assumptions.", "",
             "## What the teams and the news changed", "",
             "Scores at this month. *As written*: the scenario without the teams' moves and the news. "
             "*Baseline*: the same world with no events. *Teams*: played minus as written.", "",
             "| pair | baseline | as written | played | teams |", "| --- | ---: | ---: | ---: | ---: |"]
    for row in debrief.rows:
        lines.append(f"| {_cell(row.source)} → {_cell(row.target)} | {_signed(row.baseline)} | "
                     f"{_signed(row.as_written)} | {_signed(row.played)} | {_signed(row.by_teams)} |")
    lines += ["", "## Blocs", "", f"- Played: {_cell(_blocs(debrief.blocs_played))}",
              f"- As written: {_cell(_blocs(debrief.blocs_as_written))}",
              f"- Reactions: {debrief.reactions_played} played, {debrief.reactions_as_written} as written", "",
              "## Moves and news", "", "| month | type | parties | who and why |", "| ---: | --- | --- | --- |"]
    for event in debrief.moves:
        lines.append(f"| {event['at']} | {_cell(event['type'])} | {_cell(_parties(event))} | "
                     f"{_cell(event.get('by', ''))}: {_cell(event.get('note', ''))} |")
    lines += ["", f"## Every reaction ({len(debrief.reactions)}, run 1)", "",
              "| month | reaction | why |", "| ---: | --- | --- |"]
    lines += [f"| {r['month']} | {_cell(r['type'])} {_cell(r['source'])} → {_cell(r['target'])} | "
              f"{_cell(r['reason'])} |" for r in debrief.reactions]
    lines += ["", "## Who moved the world", "",
              "Each one's share of all pairs' movement since the game began (run 1, the sum of the size of its "
              "parts by exact attribution; the world's own pull is memory, balance and reciprocity).", "",
              "| who | share |", "| --- | ---: |"]
    lines += [f"| {_cell(who)} | {share:.0%} |" for who, share in debrief.shares]
    return "\n".join(lines) + "\n"
