"""report.html and what it reads: written in every result folder, rebuilt by `sim report`, the relations file
recorded, placement margins computed by hand, and lean shifts reported only when visible at two decimals."""

from __future__ import annotations

import hashlib
import html
import json
import re
import textwrap

import numpy as np
import yaml

from conftest import ROOT, cli
from sim.model import landscape
from sim.results.summary import find_shifts, visible_side


def _run(tmp_path, *extra):
    out = tmp_path / "arms"
    done = cli("run", "arms_sale_pakistan", "--out", str(out), "--quiet", *extra)
    assert done.returncode == 0, done.stderr
    return out


def test_every_result_folder_has_a_report_and_records_its_starting_world(tmp_path):
    out = _run(tmp_path)
    page = (out / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "report.html" in [entry["name"] for entry in manifest["files"]]
    expected = hashlib.sha256((ROOT / "seeds" / "relations.yaml").read_bytes()).hexdigest()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["relations_file"] == "seeds/relations.yaml (bundled)"
    assert summary["relations_sha256"] == expected == manifest["relations"]["sha256"]
    # Self-contained: no link to anything outside the page.
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert page.count('src="data:image/png;base64,') == 3 and page.count("<figcaption>") == 3
    # The article's evidence for a moved pair, verbatim with its line number, from the relations file.
    relations = yaml.safe_load((ROOT / "seeds" / "relations.yaml").read_text(encoding="utf-8"))
    entry = next(r for r in relations["relations"] if sorted(r["between"]) == ["Pakistan", "Russia"])
    first = entry["evidence"][0]
    assert f"line {first['line']}: “{html.escape(first['sentence'], quote=True)}”" in page
    assert f"as of {entry['prior']['as_of']}" in page and html.escape(entry["prior"]["sources"][0]) in page
    # Every reaction with its reason and chance, every effect with the events behind it.
    events = [line.split(",") for line in (out / "events.csv").read_text().splitlines()[1:]]
    assert page.count("<em>(reaction)</em>") == sum(1 for e in events if e[6] == "reaction")
    for change in summary["changes"]:
        if abs(change["effect"]) >= 0.005:
            for label in change["events"]:
                assert html.escape(label) in page
    assert "How narrowly each placement is decided" in page and "would raise the energy by" in page


def test_no_report_and_rebuild(tmp_path):
    out = _run(tmp_path, "--no-report", "--no-plots")
    assert not (out / "report.html").exists()
    done = cli("report", str(out))
    assert done.returncode == 0, done.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 3  # the figures are drawn for the report
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    names = {entry["name"] for entry in manifest["files"]}
    assert {"report.html", "summary.json", "pairs_over_time.png"} <= names
    assert manifest["relations"]["file"] == "seeds/relations.yaml (bundled)"
    # A folder holding a file Entente did not write is refused without --force, and kept with it.
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    refused = cli("report", str(out))
    assert refused.returncode == 2 and "notes.txt" in refused.stderr and "Traceback" not in refused.stderr
    forced = cli("report", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    missing = cli("report", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no result folder" in missing.stderr


def test_placements_by_hand():
    # A, B friends (+0.5), both hostile to C: A-C -0.5, B-C -0.2; sizes 1. Blocs {A,B} | {C}: E = -0.7.
    p = np.array([[0, 0.5, -0.5], [0.5, 0, -0.2], [-0.5, -0.2, 0]])
    places = landscape.placements(p, [1, 1, 1], [0, 0, 1], 2)
    # A to C's bloc: splits A-B (+0.5) and B-C (-0.2), E = 0.3: cost 1.0. B likewise: E = 0 (A-B +0.5,
    # A-C -0.5): cost 0.7. C to A, B: everyone together, E = 0: cost 0.7.
    assert [(x.actor, x.to_bloc, round(x.cost, 9)) for x in places] == [(0, 1, 1.0), (1, 1, 0.7), (2, 0, 0.7)]
    # With three blocs allowed, A may also go alone: splits A-B and A-C, E = 0.5 + -0.5 + -0.2 = -0.2: +0.5.
    assert round(landscape.placements(p, [1, 1, 1], [0, 0, 1], 3)[0].cost, 9) == 0.5


def test_blocs_command_says_how_narrowly_each_place_is_decided(tmp_path):
    data = tmp_path / "three.yaml"
    data.write_text(textwrap.dedent("""\
        actors:
          - {name: A, size: 1}
          - {name: B, size: 1}
          - {name: C, size: 1}
        propensities:
          - [A, B, 0.5]
          - [A, C, -0.5]
          - [B, C, -0.2]
        """), encoding="utf-8")
    done = cli("blocs", str(data))
    assert done.returncode == 0, done.stderr
    assert "How narrowly each actor's place is decided" in done.stdout
    assert "  B: +0.7 (100% of |E|)" in done.stdout and "  A: +1 (143% of |E|)" in done.stdout


def _lean_matrices(leans):
    """Three actors; actor 0's net lean between blocs {0, 1} and {2} follows `leans` month by month."""
    out = []
    for lean in leans:
        m = np.zeros((3, 3))
        m[0, 1], m[0, 2] = lean / 2, -lean / 2
        out.append(m)
    return np.array(out)


def test_a_lean_crossing_is_reported_only_when_visible_at_two_decimals():
    names, sizes, partitions = ["A", "B", "C"], [1.0, 1.0, 1.0], [(0, 0, 1)] * 4
    invisible = find_shifts(_lean_matrices([0.004, 0.002, -0.003, -0.004]), partitions, names, sizes, [])
    assert [s for s in invisible if s.actor == "A"] == []  # "+0.00 → -0.00" is no crossing
    visible = [s for s in find_shifts(_lean_matrices([0.05, 0.003, -0.002, -0.02]), partitions, names, sizes, [])
               if s.actor == "A"]
    assert [(s.month, s.lean_before, s.lean_after) for s in visible] == [(3, 0.05, -0.02)]
    assert [visible_side(x) for x in (0.004, -0.004, 0.006, -0.006)] == [0, 0, 1, -1]


def test_the_effects_table_gives_each_event_its_attributed_part():
    import html as html_module

    import sim
    from sim.present.html import report_html

    result = sim.run("arms_sale_pakistan", summarise=True)
    page = html_module.unescape(report_html(result))
    change = result.summary.changes[0]
    part = change.share_of(change.events[0])
    assert part is not None and part.share is not None
    shown = f"{change.events[0]}: {part.value:+.2f}".replace("-", "−") + f" of run 1's change ({part.share:.0%})"
    assert shown in page


def test_the_report_and_the_summary_say_why_the_headline_pairs_moved():
    """The three pairs of the largest effects, each change over run 1 by cause: the causes add up to the
    change (to the files' rounding), the sale itself warms the onlooker it names (the Taliban, a friend of
    Pakistan, on Russia), and the report draws each as a waterfall whose bars end at the final score."""
    import html as html_module

    import sim
    from sim.results.summary import Summary
    from sim.present.html import report_html

    result = sim.run("arms_sale_pakistan", summarise=True)
    summary = result.summary
    assert [(w.source, w.target) for w in summary.why] == [(c.source, c.target) for c in summary.changes[:3]]
    for why in summary.why:
        assert abs(sum(cause.value for cause in why.causes) - why.change) < 1e-5
        assert len(why.causes) <= 9 and all(cause.value != 0.0 for cause in why.causes)
    onlooker = next(w for w in summary.why if (w.source, w.target) == ("Taliban", "Russia"))
    sale = next(cause for cause in onlooker.causes if cause.label == "month 3: arms_sale Russia → Pakistan")
    assert sale.kind == "event" and sale.value > 0.005  # a friend of the buyer warms to the seller
    assert Summary.from_dict(json.loads(summary.to_json())).why == summary.why  # summary.json keeps it

    page = report_html(result)
    assert "<h2>Why these pairs moved</h2>" in page
    assert html_module.unescape(page).count("Why did Taliban warm to Russia?") == 1
    assert page.count("<svg ") == 3
    start = page.index('aria-label="Why Taliban → Russia moved')
    svg = page[page.rindex("<svg ", 0, start):page.index("</svg>", start)]
    assert svg.count("<rect ") == len(onlooker.causes) + 2  # the start, each cause, the end
    assert f"score at month {summary.months}" in svg and f"{summary.final['Taliban']['Russia']:+.3f}" in svg


def test_the_waterfall_escapes_what_a_scenario_names_and_spans_the_scores():
    from sim.results.summary import Cause, PairWhy
    from sim.present.waterfall_svg import PLOT, waterfall_svg

    why = PairWhy("<b>A</b>", "B", 0.5, -0.25, (Cause("month 1: sanction <script>x</script> → B", "event", -0.9),
                                                   Cause("memory", "memory", 0.15)))
    svg = waterfall_svg(why, 12)
    assert "<script>" not in svg and "<b>" not in svg and "&lt;script&gt;" in svg
    bars = [(float(x), float(w)) for x, w in re.findall(r'<rect x="([-0-9.]+)" y="[0-9.]+" width="([0-9.]+)"', svg)]
    assert len(bars) == 4 and min(x for x, _ in bars) >= PLOT[0] and max(x + w for x, w in bars) <= PLOT[1] + 0.1
    assert "−0.250" in svg and "−0.900" in svg  # every bar's value, the end included


def _effect_rows(page: str) -> list[list[str]]:
    import html as html_module
    import re

    table = page[page.index("<h2>What the events did</h2>"):page.index("<h2>Why these pairs moved</h2>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.DOTALL)[1:]
    return [[html_module.unescape(re.sub(r"<[^>]+>", " ", cell)).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.DOTALL)] for row in rows]


def test_the_report_puts_the_results_first_and_the_evidence_after():
    """Events, then every effect row, then why, blocs and figures; the article's evidence comes last."""
    import re

    import sim
    from sim.present.html import report_html

    page = report_html(sim.run("arms_sale_pakistan"))
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert headings[:2] == ["The events and every reaction", "What the events did"]
    assert headings[-1].startswith("Evidence")
    assert page.index("What the events did") < page.index("Evidence: the starting world")


def test_every_effect_row_says_its_cause_and_tells_change_from_effect():
    """Each row: change (end − start) and effect (end − without) side by side, a plain-language cause that
    adds up (its parts sum to run 1's effect), and a row without events behind it says why."""
    import sim
    from sim.results.effect_causes import effect_causes
    from sim.present.html import report_html

    result = sim.run("arms_sale_pakistan", summarise=True)
    rows = _effect_rows(report_html(result))
    assert len(rows) == sum(abs(c.effect) >= 0.005 for c in result.summary.changes)
    by_pair = {row[0]: row for row in rows}
    india = by_pair["India → Russia"]
    assert india[3] == "−0.06" and india[5] == "−0.01"  # the change, and the effect beside it
    assert "Pushed by" in india[7] and "−0.01 of run 1's change (22%)" in india[8]
    assert all(row[7].startswith(("Pushed by", "Held back")) for row in rows)
    kinds = " ".join(row[7] for row in rows)
    assert "balance (" in kinds and "reciprocity (" in kinds
    causes = effect_causes(result)
    for pair in causes.values():  # the parts are exact: they add up to run 1's effect
        assert abs(sum(pair.parts.values()) - pair.effect) < 1e-9
    empty = [row for row in rows if "of run 1's change" not in row[8]]
    assert empty, "the arms sale leaves some pairs moved by no event of their own"
    assert all(row[8].startswith("No event of its own") for row in empty)
    assert any("came through reciprocity" in row[8] or "came through balance" in row[8] for row in empty)


def test_the_terminal_and_the_report_list_the_other_stable_arrangements_alike():
    """Near-tied minima at the end: both the terminal and report.html list them from one helper, with the
    same sentence and how far each lies above the lowest (as a share of |E|)."""
    from dataclasses import replace

    import sim
    from sim.present.html import report_html
    from sim.present.terminal import OTHER_MINIMA, other_minima, summary_text
    from sim.results.summary import LocalMinimum

    result = sim.run("arms_sale_pakistan", summarise=True)
    lowest = result.summary.blocs.final_local_minima[0]
    others = (LocalMinimum((("Russia", "Pakistan", "China"), ("India", "US", "Iran", "Taliban")), lowest.energy * 0.9,
                           False),
              LocalMinimum((("Russia", "China"), ("Pakistan", "India", "US", "Iran", "Taliban")), lowest.energy * 0.5,
                           False))
    blocs = replace(result.summary.blocs, final_local_minima=(lowest, *others))
    result = result.with_summary(replace(result.summary, blocs=blocs))
    assert [round(above, 6) for _, above in other_minima(blocs, 5)] == [0.1, 0.5]
    assert [option for option, _ in other_minima(blocs, 1)] == [others[0]]
    text = summary_text(result.summary, events=result.events)
    page = report_html(result)
    assert OTHER_MINIMA in text and OTHER_MINIMA in page
    assert "(10% higher)" in text and "(50% higher)" in text
    assert "10% above the lowest" in page and "50% above the lowest" in page
