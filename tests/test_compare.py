"""sim compare: two results or scenarios side by side (issue 11)."""

from __future__ import annotations

import re

import pytest
from conftest import SCENARIOS, assert_clean_error, cli

from sim.errors import EntenteError
from sim.classroom.compare import compare
from sim.results.runner import run
from sim.inputs.scenario_file import load_scenario

ARMS = SCENARIOS / "arms_sale_pakistan.yaml"


@pytest.fixture(scope="module")
def eager_file(tmp_path_factory):
    """The bundled arms sale with reaction_ceiling 1, so that its run has reactions to compare."""
    text = ARMS.read_text(encoding="utf-8")
    assert "parameters:" not in text
    path = tmp_path_factory.mktemp("scenarios") / "arms_sale_pakistan.yaml"
    path.write_text(text + "parameters:\n  reaction_ceiling: 1\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def arms(eager_file):
    return run(load_scenario(eager_file))


@pytest.fixture(scope="module")
def no_reactions_file(eager_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("scenarios") / "no_reactions.yaml"
    path.write_text(eager_file.read_text(encoding="utf-8") + "  reactions: false\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def no_reactions(no_reactions_file):
    return run(load_scenario(no_reactions_file))


def test_a_scenario_compared_with_itself_differs_nowhere(arms, eager_file):
    again = run(load_scenario(eager_file))
    comparison = compare(arms, again)
    assert all(p.effect_difference == 0 and p.final_difference == 0 for p in comparison.pairs)
    assert comparison.differing_pairs == () and comparison.moved_actors == () and comparison.events == ()
    assert comparison.same
    assert len(comparison.pairs) == len(arms.actors) * (len(arms.actors) - 1)


def test_without_reactions_the_reactions_are_in_a_only_and_india_us_differs(arms, no_reactions):
    comparison = compare(arms, no_reactions)
    reactions = arms.events[arms.events["origin"] == "reaction"]
    assert len(reactions) > 0
    expected = {(r.type, r.source, r.target, int(r.month)) for r in reactions.itertuples()}
    only_a = {(ev.type, ev.source, ev.target, ev.month) for ev in comparison.events if ev.side == "A"}
    assert only_a == expected
    assert all(ev.origin == "reaction" for ev in comparison.events if ev.side == "A")
    assert not [ev for ev in comparison.events if ev.side == "B"]  # the scheduled sale is in both
    differing = [(p.source, p.target) for p in comparison.differing_pairs]
    assert ("India", "US") in differing[:5]
    india_us = next(p for p in comparison.pairs if (p.source, p.target) == ("India", "US"))
    assert india_us.a_effect == pytest.approx(arms.effect()[arms.actors.index("India"), arms.actors.index("US")])
    gaps = [abs(p.effect_difference) for p in comparison.pairs]
    assert gaps == sorted(gaps, reverse=True)


def test_mismatched_actors_name_both_sides(arms):
    afghan = run(load_scenario("afghan_peace_talks"))  # adds Afghanistan to the default actors
    assert set(afghan.actors) - set(arms.actors) == {"Afghanistan"}
    with pytest.raises(EntenteError) as caught:
        compare(arms, afghan, a_label="first", b_label="second")
    message = caught.value.message()
    assert "first" in message and "second" in message and "only B has Afghanistan" in message
    assert "same `actors:`" in message


def test_the_two_effect_panels_share_one_colour_scale(arms, no_reactions):
    from sim.classroom.compare_figures import plot_effect_comparison
    from sim.present.style import EFFECT_SCALE

    figure = plot_effect_comparison(arms.effect(), no_reactions.effect(), arms.actors, "A", "B")
    limits = [ax.images[0].get_clim() for ax in figure.axes if ax.images]
    assert len(limits) == 2 and limits[0] == limits[1] == (-EFFECT_SCALE, EFFECT_SCALE)
    bars = [ax for ax in figure.axes if not ax.images]
    assert len(bars) == 1 and f"±{EFFECT_SCALE:.2f}" in bars[0].get_ylabel()
    chosen = plot_effect_comparison(arms.effect(), no_reactions.effect(), arms.actors, "A", "B", effect_scale=0.2)
    assert {ax.images[0].get_clim() for ax in chosen.axes if ax.images} == {(-0.2, 0.2)}


def test_out_writes_the_files_and_the_page_needs_no_network(eager_file, no_reactions_file, tmp_path):
    out = tmp_path / "cmp"
    done = cli("compare", eager_file, no_reactions_file, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "India → US" in done.stdout and "Events in A only" in done.stdout
    assert {p.name for p in out.iterdir()} == {"compare.html", "compare.csv", "compare.png", "manifest.json"}
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", page)
    assert "data:image/png;base64," in page and "India → US" in page
    header = (out / "compare.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("source,target,a_final,b_final")


def test_user_text_in_the_page_is_escaped(arms, tmp_path):
    from sim.classroom.compare_report import comparison_html

    page = comparison_html(compare(arms, arms, a_label="<script>x</script>", b_label="b"), None)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_folder_that_is_not_a_result_is_exit_2(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert_clean_error(cli("compare", tmp_path, ARMS), "not a complete result folder")


def test_a_result_folder_compares_with_its_scenario(tmp_path):
    out = tmp_path / "run"
    assert cli("run", ARMS, "--out", out, "--no-plots").returncode == 0
    done = cli("compare", out, ARMS)
    assert done.returncode == 0, done.stderr
    assert "no pair differs" in done.stdout and "Events in A only: none." in done.stdout


def test_result_folders_of_several_runs_can_be_compared_and_reported_again(tmp_path):
    """A run of several runs keeps its scores in runs.nc (no per-run CSV files): `sim compare` and `sim
    report` read such folders too, and the comparison says its scores are means over the runs."""
    a, b = tmp_path / "sale", tmp_path / "exercise"
    for scenario, out in (("arms_sale_pakistan", a), ("russia_pakistan_exercise", b)):
        done = cli("run", scenario, "--runs", "4", "--out", str(out), "--no-plots", "--quiet")
        assert done.returncode == 0, done.stderr
    assert (a / "runs.nc").is_file() and not (a / "alignment.csv").exists()
    compared = cli("compare", str(a), str(b), "--out", str(tmp_path / "cmp"))
    assert compared.returncode == 0, compared.stderr
    assert "month 36, mean of 4 runs)" in compared.stdout.splitlines()[0]
    assert cli("report", str(a), "--no-plots").returncode == 0
    assert "<h2>Why these pairs moved</h2>" in (a / "report.html").read_text(encoding="utf-8")
    (a / "runs.nc").unlink()
    assert_clean_error(cli("compare", str(a), str(b)), "runs.nc")
