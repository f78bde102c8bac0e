"""Printable answer sheets: one HTML page per worksheet, its questions each with an answer box.

The questions are read from the worksheet itself (one fact in one place): every numbered item, and every
bullet that asks something (holds a "?"), outside the "Run" and "Going further" sections, and for each
"Change one thing" a box for the prediction written before running and one for what happened. The page
prints on A4 and on Letter alike: no paper size is set (the printer's is used), the text column is
narrower than A4's, the boxes have a fixed height in millimetres and are never split across pages.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

BOX_MM = 34  # an answer box's height: four or five handwritten lines
SMALL_BOX_MM = 26  # the prediction and result boxes of "Change one thing"
CSS = f"""
@page {{ margin: 14mm 15mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: Georgia, "Times New Roman", serif; font-size: 10.5pt; line-height: 1.35; color: #000;
       max-width: 175mm; margin: 0 auto; padding: 8mm 0; }}
h1 {{ font-size: 15pt; margin: 0 0 2mm; }}
.names {{ margin: 0 0 5mm; }}
.question {{ break-inside: avoid; page-break-inside: avoid; margin: 0 0 4mm; }}
.question p {{ margin: 0 0 1.5mm; }}
.box {{ height: {BOX_MM}mm; min-height: {BOX_MM}mm; border: 0.3mm solid #333; border-radius: 1mm;
        break-inside: avoid; page-break-inside: avoid; }}
.box.small {{ height: {SMALL_BOX_MM}mm; min-height: {SMALL_BOX_MM}mm; }}
.section {{ font-size: 11.5pt; font-weight: bold; margin: 5mm 0 2mm; break-after: avoid; page-break-after: avoid; }}
.lens {{ font-style: italic; font-size: 9pt; color: #333; margin-top: 6mm; }}
@media screen {{ body {{ padding: 10mm; }} }}
"""


@dataclass(frozen=True)
class Question:
    section: str
    label: str  # '1.', '(a)', '•' ...
    text: str
    small: bool = False


def _plain(markdown: str) -> str:
    """A worksheet's Markdown line as plain text: links, code marks and emphasis removed."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    text = text.replace("`", "")
    return re.sub(r"\*\*|\*|__", "", text).strip()


def questions(worksheet: str) -> tuple[str, list[Question]]:
    """(title, the questions to answer) of one worksheet's Markdown text."""
    title, part, section, out = "", "", "", []
    items: list[list[str]] = []  # [section, label, text] of the list items, continuation lines joined

    for line in re.sub(r"```.*?```", "", worksheet, flags=re.DOTALL).splitlines():
        if line.startswith("# ") and not title:
            title = _plain(line[2:])
        elif line.startswith("## "):
            part = section = _plain(line[3:])
            items.append([section, "", ""])  # a heading closes the item before it
        elif line.startswith("#"):
            section = f"{part} · {_plain(line.lstrip('#'))}"  # Part A · Change one thing
            items.append([section, "", ""])
        elif match := re.match(r"^(\d+\.|[-*])\s+(.*)", line):
            items.append([section, match.group(1), match.group(2)])
        elif line.startswith("  ") and line.strip() and items and items[-1][1]:
            items[-1][2] += " " + line.strip()
        else:
            items.append([section, "", ""])
    changes_seen = set()
    for section, label, text in items:
        lower = section.lower()
        if not label or re.sub(r"^[\d.\s]*", "", lower) == "run" or "going further" in lower:
            continue
        if "change one thing" in lower and section not in changes_seen:
            changes_seen.add(section)
            out.append(Question(section, "", "Our change, and our prediction written BEFORE running:", True))
            out.append(Question(section, "", "What happened, and which part of the rule we had forgotten:", True))
        if label[0].isdigit() or "?" in text:  # every numbered question; a bullet when it asks something
            out.append(Question(section, label if label[0].isdigit() else "•", _plain(text)))
    return title, out


def sheet_html(worksheet: str, source: str) -> str:
    """The answer sheet of one worksheet's Markdown text; source: the worksheet's file name."""
    title, asked = questions(worksheet)
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>Answer sheet · {e(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
             f"<h1>Answer sheet · {e(title)}</h1>",
             "<p class=\"names\">Names: ______________________________ ______________________________</p>"]
    section = None
    for question in asked:
        if question.section != section:
            section = question.section
            parts.append(f'<div class="section">{e(section)}</div>')
        label = f"<b>{e(question.label)}</b> " if question.label else ""
        size = " small" if question.small else ""
        parts.append(f'<div class="question"><p>{label}{e(question.text)}</p><div class="box{size}"></div></div>')
    parts += [f'<p class="lens">Questions from {e(source)}. A lens for discussion, not a forecast: the model shows '
              "what follows from stated assumptions, not what any government or group will do.</p>",
              "</body>", "</html>", ""]
    return "\n".join(parts)


def write_sheets(exercises: Path, out: Path) -> list[Path]:
    """One sheet per numbered worksheet (NN_name.md) of the exercises folder, written to out/NN_name.html."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for worksheet in sorted(exercises.glob("[0-9][0-9]_*.md")):
        path = out / f"{worksheet.stem}.html"
        path.write_text(sheet_html(worksheet.read_text(encoding="utf-8"), worksheet.name), encoding="utf-8")
        written.append(path)
    return written
