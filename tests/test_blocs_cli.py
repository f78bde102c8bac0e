"""`python -m sim blocs` end to end; the alignment data reader (sim/inputs/alignment_file.py), good and bad files."""

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from conftest import assert_clean_error, cli
from sim.inputs.alignment_file import load_alignments
from sim.errors import EntenteError


# Two friendly pairs with mild hostility across, equal sizes (solved by hand in test_landscape.py):
# {A,B}|{C,D} splits the four hostile pairs, E = 4 * -0.5 = -2 (global); everyone together, E = 0, is
# the only other local minimum (any single move out of it splits a +2 friendship and gains only -1).
TWO_MINIMA = """\
    actors:
      - {name: A, size: 1}
      - {name: B, size: 1}
      - {name: C, size: 1}
      - {name: D, size: 1}
    propensities:
      - [A, B, 2]
      - [C, D, 2]
      - [A, C, -0.5]
      - [A, D, -0.5]
      - [B, C, -0.5]
      - [B, D, -0.5]
    """

# Three mutual rivals of equal size: with two blocs, three configurations tie at E = -2 (one actor
# alone splits two hostile pairs); with three blocs, everyone alone splits all three: E = -3.
TRIANGLE = """\
    actors:
      - {name: Athens, size: 1}
      - {name: Sparta, size: 1}
      - {name: Thebes, size: 1}
    propensities:
      - [Athens, Sparta, -1]
      - [Sparta, Thebes, -1]
      - [Thebes, Athens, -1]
    """


def write(folder, text, name="alignments.yaml"):
    path = Path(folder) / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------- CLI

def test_human_output_lists_both_minima_with_the_gap(tmp_path):
    write(tmp_path, TWO_MINIMA)
    done = cli("blocs", "alignments.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Method: exact" in out and "All 8 possible configurations" in out
    assert "2 local minima" in out
    first, second = out.index("E = -2 (global minimum)"), out.index("E = 0 (+2 above the lowest")
    assert first < second
    assert "A, B" in out[first:second] and "C, D" in out[first:second]
    assert "A, B, C, D" in out[second:]
    assert "do not single out" not in out  # the gap (2) is 100% of |E_min|, not a near-tie


def test_json_output(tmp_path):
    write(tmp_path, TWO_MINIMA)
    done = cli("blocs", "alignments.yaml", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["method"] == "exact"
    assert document["configurations"] == [
        {"blocs": [["A", "B"], ["C", "D"]], "energy": -2.0, "global": True},
        {"blocs": [["A", "B", "C", "D"]], "energy": 0.0, "global": False},
    ]
    assert cli("blocs", "alignments.yaml", "--json", cwd=tmp_path).stdout == done.stdout  # deterministic
    top = json.loads(cli("blocs", "alignments.yaml", "--json", "--top", "1", cwd=tmp_path).stdout)
    assert len(top["configurations"]) == 1


def test_ties_are_announced_and_three_blocs_resolve_them(tmp_path):
    write(tmp_path, TRIANGLE)
    two = cli("blocs", "alignments.yaml", cwd=tmp_path)
    assert two.returncode == 0, two.stderr
    assert "3 configurations tie for the lowest energy" in two.stdout
    assert "do not single out one alignment" in two.stdout
    three = json.loads(cli("blocs", "alignments.yaml", "--blocs", "3", "--json", cwd=tmp_path).stdout)
    assert three["configurations"] == [
        {"blocs": [["Athens"], ["Sparta"], ["Thebes"]], "energy": -3.0, "global": True}]


def test_near_tie_within_five_percent_is_announced(tmp_path):
    # Friendly pairs A-B and C-D (+1) with mild hostility across (-0.25), and an outsider hostile to
    # all four (-10). Three blocs. {A,B}|{C,D}|{O}: E = 4 * -0.25 + 4 * -10 = -41 (global).
    # {A,B,C,D}|{O}: E = -40, also a local minimum: A leaving to a new bloc splits A-B (+1) and
    # A-C, A-D (-0.5), net +0.5; joining O costs +10 more. (From {A,B}|{C,D}|{O}, A joining C-D costs
    # +1 +0.5; every move of O costs +10 or more.) Gap 1 = 2.4% of |E_min| = 41: within 5%.
    write(tmp_path, """\
        actors:
          - {name: A, size: 1}
          - {name: B, size: 1}
          - {name: C, size: 1}
          - {name: D, size: 1}
          - {name: Outsider, size: 1}
        propensities:
          - [A, B, 1]
          - [C, D, 1]
          - [A, C, -0.25]
          - [A, D, -0.25]
          - [B, C, -0.25]
          - [B, D, -0.25]
          - [Outsider, A, -10]
          - [Outsider, B, -10]
          - [Outsider, C, -10]
          - [Outsider, D, -10]
        """)
    done = cli("blocs", "alignments.yaml", "--blocs", "3", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 local minima" in done.stdout
    assert "E = -41 (global minimum)" in done.stdout and "E = -40 (+1 above the lowest, 2.4%)" in done.stdout
    assert "2 configurations lie within 5% of the lowest energy" in done.stdout
    assert "do not single out one alignment" in done.stdout


def test_many_actors_use_the_heuristic_and_say_so(tmp_path):
    # 24 actors in two planted camps: 2^23 partitions, beyond enumeration. The camps split every
    # hostile pair (12 * 12 = 144 of them) and no friendly one: E = -144.
    names = [f"N{i:02d}" for i in range(24)]
    lines = ["actors:"] + [f"  - {{name: {n}, size: 1}}" for n in names] + ["propensities:"]
    for i in range(24):
        for j in range(i + 1, 24):
            lines.append(f"  - [{names[i]}, {names[j]}, {1 if i % 2 == j % 2 else -1}]")
    (tmp_path / "big.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = cli("blocs", "big.yaml", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "Method: heuristic" in text.stdout and "lowest found" in text.stdout
    document = json.loads(cli("blocs", "big.yaml", "--json", cwd=tmp_path).stdout)
    assert document["method"] == "heuristic"
    best = document["configurations"][0]
    assert best["energy"] == -144.0
    assert sorted(map(sorted, best["blocs"])) == [names[0::2], names[1::2]]


def test_a_bad_file_gives_exit_2_and_names_the_line(tmp_path):
    write(tmp_path, """\
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: 2.0}
        propensities:
          - [Britain, France, 0.8]
          - [Britian, France, 0.1]
        """)
    done = cli("blocs", "alignments.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "line 6" in done.stderr and "propensities[1]" in done.stderr
    assert "Did you mean 'Britain'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_file_and_a_bad_option(tmp_path):
    missing = cli("blocs", "nowhere.yaml", cwd=tmp_path)
    assert missing.returncode == 2 and "nowhere.yaml" in missing.stderr and "Traceback" not in missing.stderr
    write(tmp_path, TRIANGLE)
    bad_option = cli("blocs", "alignments.yaml", "--blocs", "0", cwd=tmp_path)
    assert bad_option.returncode == 2 and "at least 1" in bad_option.stderr


# ------------------------------------------------------------------------------------ the reader

def test_reader_builds_the_symmetric_matrix(tmp_path):
    path = write(tmp_path, """\
        name: three states
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: 2}
          - {name: Germany, size: 3.0}
        propensities:
          - [Britain, france, 0.8]     # names match case-insensitively
          - [Germany, Britain, -1.5]
          - [France, Britain, 0.8]     # the same pair again with the same value is harmless
        """)
    data = load_alignments(path)
    assert data.names == ("Britain", "France", "Germany")
    assert data.sizes.tolist() == [2.5, 2.0, 3.0]
    assert data.propensity.tolist() == [[0, 0.8, -1.5], [0.8, 0, 0], [-1.5, 0, 0]]


def test_reader_without_propensities_gives_zeros(tmp_path):
    data = load_alignments(write(tmp_path, "actors: [{name: A, size: 1}, {name: B, size: 2}]\n"))
    assert np.array_equal(data.propensity, np.zeros((2, 2)))


BAD = {
    "unknown actor": ("""\
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: 2.0}
        propensities:
          - [Britain, Frnace, 0.8]
        """, 5, "propensities[0][1]", "Did you mean 'France'?"),
    "duplicate actor": ("""\
        actors:
          - {name: Britain, size: 2.5}
          - {name: britain, size: 2.0}
        """, 3, "actors[1].name", "listed twice"),
    "zero size": ("""\
        actors:
          - {name: Britain, size: 0}
          - {name: France, size: 2.0}
        """, 2, "actors[0].size", "positive finite number"),
    "negative size": ("""\
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: -2.0}
        """, 3, "actors[1].size", "positive finite number"),
    "infinite size": ("""\
        actors:
          - {name: Britain, size: .inf}
          - {name: France, size: 2.0}
        """, 2, "actors[0].size", "positive finite number"),
    "size as text": ("""\
        actors:
          - {name: Britain, size: big}
          - {name: France, size: 2.0}
        """, 2, "actors[0].size", "the text 'big'"),
    "nan propensity": ("""\
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: 2.0}
        propensities:
          - [Britain, France, .nan]
        """, 5, "propensities[0][2]", "finite number"),
    "pair twice": ("""\
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: 2.0}
        propensities:
          - [Britain, France, 0.8]
          - [France, Britain, -0.3]
        """, 6, "propensities[1]", "already listed as propensities[0]"),
    "self pair": ("""\
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: 2.0}
        propensities:
          - [Britain, Britain, 0.8]
        """, 5, "propensities[0]", "paired with itself"),
    "two items": ("""\
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: 2.0}
        propensities:
          - [Britain, France]
        """, 5, "propensities[0]", "[actor, actor, value]"),
    "propensities as mapping": ("""\
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: 2.0}
        propensities:
          Britain: 0.8
        """, None, "propensities", "must be a list"),
    "actors not a list": ("""\
        actors: Britain
        """, 1, "actors", "must be a list"),
    "one actor": ("""\
        actors:
          - {name: Britain, size: 2.5}
        """, None, "actors", "at least two"),
    "misspelt key": ("""\
        actors:
          - {name: Britain, size: 2.5}
          - {name: France, size: 2.0}
        propensity:
          - [Britain, France, 0.8]
        """, 4, "propensity", "Did you mean 'propensities'?"),
    "misspelt actor key": ("""\
        actors:
          - {name: Britain, sise: 2.5}
          - {name: France, size: 2.0}
        """, 2, "actors[0].sise", "Did you mean 'size'?"),
    "name as number": ("""\
        actors:
          - {name: 1914, size: 2.5}
          - {name: France, size: 2.0}
        """, 2, "actors[0].name", "quotes"),
    "top level list": ("""\
        - {name: Britain, size: 2.5}
        """, None, None, "must be a mapping"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_reader_errors_name_the_line_and_field(tmp_path, case):
    text, line, field, words = BAD[case]
    path = write(tmp_path, text)
    with pytest.raises(EntenteError) as caught:
        load_alignments(path)
    error = caught.value
    assert error.file == str(path)
    if line is not None:
        assert error.line == line
    assert error.field == field
    assert words in error.message()


def test_a_data_file_given_for_alignment_data_gets_a_short_error(tmp_path):
    """A student who gives `sim blocs` a run's alignment.csv gets one short paragraph that quotes the start of
    the file, not the whole file, with a one-line example."""
    out = tmp_path / "run"
    assert cli("run", "arms_sale_pakistan", "--out", str(out), "--no-plots", "--no-report", "--quiet").returncode == 0
    done = cli("blocs", out / "alignment.csv")
    assert_clean_error(done, "alignment.csv", "must be a mapping", "starting 'run,month,source,target,score")
    assert len(done.stderr) < 500 and "\\n" not in done.stderr and done.stderr.count("\n") == 1
