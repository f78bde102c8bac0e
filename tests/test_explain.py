"""`sim explain`: the ranked causes of one pair's change, from a result folder or a scenario, and its waterfall."""


import pytest

from conftest import SCENARIOS, assert_clean_error, cli
from sim.results.attribution import attribute
from sim.inputs.scenario_file import load_scenario
from sim.present.waterfall import waterfall_bars


def test_explain_replays_a_result_folder_and_ranks_the_causes_with_a_waterfall(tmp_path):
    scenario = tmp_path / "sale.yaml"
    scenario.write_text((SCENARIOS / "arms_sale_pakistan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out, figure = tmp_path / "out", tmp_path / "why.png"
    assert cli("run", str(scenario), "--out", str(out), "--no-plots", "--quiet").returncode == 0
    done = cli("explain", str(out), "India", "Russia", "--figure", str(figure))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("Why did India cool on Russia?")
    parts = attribute(load_scenario(scenario)).parts("India", "Russia")
    sale = next(p for p in parts if p.label == "month 3: arms_sale Russia → Pakistan")
    assert f"  {sale.value:+.3f}  month 3: arms_sale Russia → Pakistan" in text
    lines = [line for line in text.splitlines() if line.startswith("  ") and not line.startswith("   ")]
    values = [abs(float(line.split()[0])) for line in lines[:-1] if "smaller part" not in line]
    assert values == sorted(values, reverse=True)  # ranked, largest first
    assert "it reproduces the result's scores" in text
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The scenario file changed since the run: said plainly, no traceback.
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("at: 3", "at: 5", 1), encoding="utf-8")
    assert_clean_error(cli("explain", str(out), "India", "Russia"), "changed since the run")


def test_explain_accepts_a_scenario_and_refuses_an_unknown_actor():
    done = cli("explain", "s400_india", "US", "India", "--top", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Why did US ") and "The parts add up to the change" in done.stdout
    assert_clean_error(cli("explain", "s400_india", "US", "Indai"), "Indai")


def test_the_waterfall_starts_at_month_0_and_ends_at_the_final_score():
    attribution = attribute(load_scenario(SCENARIOS / "s400_india.yaml"))
    parts = attribution.parts("US", "India")
    bars = waterfall_bars(parts, attribution_initial(attribution), 4)
    label, bottom, height = bars[-1]
    assert bars[0][1] == attribution_initial(attribution) and label == "all other parts"
    assert bottom + height == pytest.approx(attribution_final(attribution), abs=1e-9)


def attribution_initial(attribution):
    return float(attribution.initial[attribution.names.index("US"), attribution.names.index("India")])


def attribution_final(attribution):
    return float(attribution.final[attribution.names.index("US"), attribution.names.index("India")])


def test_a_cause_that_is_exactly_zero_is_not_counted_as_a_smaller_part():
    """Noise is a part of every pair's change, exactly 0 in a run without noise: nothing to list or count."""
    done = cli("explain", "arms_sale_pakistan", "India", "Russia")
    assert done.returncode == 0, done.stderr
    assert "noise" not in done.stdout and "smaller part" not in done.stdout
    bars = waterfall_bars(attribute(load_scenario("arms_sale_pakistan")).parts("India", "Russia"), 0.63)
    assert all(label != "all other parts" for label, _, _ in bars)


MEETING_WITH_IDS = """\
name: Ids
months: 12
events:
  - {at: 2, type: arms_sale, from: Russia, to: Pakistan, id: sale}
  - {at: 4, type: military_exercise, between: [India, US, Iran], id: drill}
"""


def test_explain_event_names_an_event_by_id_or_index_and_lists_its_part_in_each_pair(tmp_path):
    path = tmp_path / "ids.yaml"
    path.write_text(MEETING_WITH_IDS, encoding="utf-8")
    by_id = cli("explain", str(path), "--event", "drill", "--top", "3")
    by_index = cli("explain", str(path), "--event", "1", "--top", "3")
    assert by_id.returncode == 0, by_id.stderr
    assert by_id.stdout == by_index.stdout  # the same event, named by its id or by its place
    assert "What did events[1] (drill) do?" in by_id.stdout
    # The numbers are the attribution's own parts, summed over the meeting's three pairs of actors.
    attribution = attribute(load_scenario(path))
    drill = [k for k, event in enumerate(attribution.events) if event.reason == "events[1]"]
    assert len(drill) == 3  # India-US, India-Iran, US-Iran: one meeting, switched as one event
    i, j = attribution.names.index("India"), attribution.names.index("US")
    part = sum(matrix[i, j] for (k, _), matrix in attribution.sources.items() if k in drill)
    assert part > 0.01
    listed = cli("explain", str(path), "--event", "drill", "--top", "50").stdout
    assert f"{part:+.3f}  India → US  (" in listed
    from sim.results.event_parts import event_parts

    table = event_parts(attribution, "events[1]")
    row = table[(table["source"] == "India") & (table["target"] == "US")].iloc[0]
    assert row["value"] == pytest.approx(part, abs=1e-12)
    assert row["change"] == pytest.approx(attribution.change("India", "US"), abs=1e-12)
    assert (table["value"].abs().diff().dropna() <= 0).all()  # largest first


def test_explain_event_refuses_an_unknown_event_and_a_pair_with_it(tmp_path):
    path = tmp_path / "ids.yaml"
    path.write_text(MEETING_WITH_IDS, encoding="utf-8")
    assert_clean_error(cli("explain", str(path), "--event", "sael"), "no event 'sael'", "ids: drill, sale",
                       "0 to 1")
    assert_clean_error(cli("explain", str(path), "--event", "2"), "no event '2'")
    assert_clean_error(cli("explain", str(path), "India", "US", "--event", "drill"), "takes no pair A B")
    assert_clean_error(cli("explain", str(path)), "needs a pair of actors, or --event")
