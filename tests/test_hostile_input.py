"""Hostile input, round two: text that acts on a terminal or a spreadsheet, special files, numbers YAML 1.1
reads differently, names that vanish, and output errors. Every case ends in data or a one-paragraph error."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import cli
from sim.cli.main import main
from sim.errors import EntenteError, printable
from sim.inputs.safe_yaml import load_yaml_text
from sim.inputs.text import from_cell, to_cell

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "seeds" / "pakistan_russia_relations_article.txt"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\r")  # what a terminal would act on
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def sim(*args, cwd=ROOT, timeout=60, **options):
    """A real process, with a timeout: for a command that could hang or that needs its own interpreter."""
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd, capture_output=True,
                          timeout=timeout, **options)


def here(*args, cwd=ROOT, timeout=None):
    """The same command in this process (conftest.cli), its output in bytes as sim() gives it."""
    return cli(*args, cwd=cwd, text=False)


def scenario_file(tmp_path, data, name="scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- one safe-text function --------------------------------------------------------------------------


@pytest.mark.parametrize("raw, shown", [
    ("title\x1b]0;pwned\x07", "title\\x1b]0;pwned\\x07"),
    ("clear\x1b[2J", "clear\\x1b[2J"),
    ("csi\x9b2J", "csi\\x9b2J"),
    ("abc\u202edef", "abc\\u202edef"),
    ("iso\u2066late\u2069", "iso\\u2066late\\u2069"),
    ("two\nlines\ttab\rback", "two\\nlines\\ttab\\rback"),
    ("half \ud800", "half \\ud800"),
    ("café → Kabul", "café → Kabul"),
])
def test_printable_shows_what_a_terminal_would_act_on(raw, shown):
    assert printable(raw) == shown


def test_printable_keeps_lines_in_a_block_and_bounds_length():
    assert printable("a\nb\x1b\tc", lines=True) == "a\nb\\x1b\tc"
    cut = printable("\x1b" * 1000, limit=50)
    assert len(cut) == 50 and cut.endswith("...") and "\x1b" not in cut


def test_an_error_message_escapes_the_file_the_field_and_the_quoted_values():
    error = EntenteError("unknown actor 'X\x1b[2J'", file="class\u202e.yaml", field="events[0].t\no",
                         hint="Try \x07 again.")
    message = error.message()
    assert not any(char in message for char in RAW + ("\n",))
    assert "class\\u202e.yaml" in message and "events[0].t\\no" in message and "X\\x1b[2J" in message


def test_validate_on_a_file_full_of_escapes_prints_none_of_them(tmp_path):
    path = tmp_path / "class\x1b[2J.yaml"
    path.write_text('name: "talks \\e]0;pwned\\a \\u202e"\nevnts: []\n', encoding="utf-8")
    done = here("validate", path)
    assert done.returncode == 2
    err = done.stderr.decode("utf-8")
    assert err.startswith("error: ") and "\\x1b[2J" in err
    assert not any(char in err for char in RAW)


def test_run_prints_notes_and_names_without_their_escapes(tmp_path):
    path = scenario_file(tmp_path, {
        "name": "Talks \x1b]0;pwned\x07", "months": 3,
        "events": [{"at": 1, "type": "arms_sale", "from": "Russia", "to": "Pakistan",
                    "note": "sold \x1b[2J jets \u202e now\nand more"}]})
    done = here("run", path, "--out", tmp_path / "out", "--no-plots")
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("utf-8")
    assert "sold \\x1b[2J jets \\u202e now\\nand more" in out
    assert not any(char in out for char in RAW)


def test_the_report_stays_short_whatever_the_notes(tmp_path):
    events = [{"at": 1 + i % 12, "type": "summit", "between": ["Russia", "India", "China"], "note": "n" * 500}
              for i in range(200)]
    path = scenario_file(tmp_path, {"name": "N" * 200, "months": 12, "events": events})
    done = here("run", path, "--out", tmp_path / "out", "--no-plots")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) < 120 and max(map(len, lines)) <= 320


# --- lone surrogates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ['name: "\\ud800"', 'name: x\nevents: [{note: "\\udfff"}]', '"\\ud800": 1',
                                  'description: "a \\ud83d"'])
def test_a_lone_surrogate_is_refused_by_the_loader_with_its_place(text):
    with pytest.raises(EntenteError) as caught:
        load_yaml_text(text, filename="s.yaml")
    assert "lone surrogate" in caught.value.message() and "line " in caught.value.message()


def test_an_escaped_surrogate_pair_is_one_character():
    assert load_yaml_text('name: "\\ud83d\\ude00"').data == {"name": "\U0001F600"}


def test_a_surrogate_in_data_built_in_a_notebook_is_refused():
    from sim.inputs.scenario_file import scenario_from_data

    with pytest.raises(EntenteError, match="lone surrogate"):
        scenario_from_data({"name": "x", "description": "bad \ud800"})


@pytest.mark.parametrize("command", ["run", "blocs", "seed"])
def test_no_command_crashes_on_a_lone_surrogate(tmp_path, command):
    if command == "run":
        path = tmp_path / "s.yaml"
        path.write_text('name: "x \\ud800"\n', encoding="utf-8")
        args = ["run", path, "--out", tmp_path / "out"]
    elif command == "blocs":
        path = tmp_path / "a.yaml"
        path.write_text('actors: [{name: "A\\ud800", size: 1}, {name: B, size: 1}]\n'
                        'propensities: [["A\\ud800", B, 1]]\n', encoding="utf-8")
        args = ["blocs", path]
    else:
        overrides = tmp_path / "overrides.yaml"
        overrides.write_text('overrides:\n  - {between: [India, Russia], score: 0.5, rationale: "x \\ud800"}\n',
                             encoding="utf-8")
        args = ["seed", ARTICLE, "--out", tmp_path / "r.yaml", "--overrides", overrides]
    done = here(*args)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert b"lone surrogate" in done.stderr


# --- spreadsheets and read_result ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'quoted", "''", "plain", ""])
def test_a_cell_reads_back_as_it_was_written(text):
    cell = to_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert from_cell(cell) == text


ACCEPTED_NAMES = ["Naan", "Null Island", "O'Neill Land", "Côte d'Ivoire", "Nonesuch", "NA2", "Land 7"]


def test_names_and_notes_round_trip_through_the_result_folder(tmp_path):
    from sim.present.files import read_result

    actors = [{"name": name, "capability": 1 + i, "relations": {"Russia": 0.2}}
              for i, name in enumerate(ACCEPTED_NAMES)]
    notes = ["=1+1", "-2 jets", "@home", "'quoted"]
    events = [{"at": 1, "type": "arms_sale", "from": "Russia", "to": name, "note": note}
              for name, note in zip(ACCEPTED_NAMES, notes)]
    path = scenario_file(tmp_path, {"name": "names", "months": 2, "actors": actors, "events": events})
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--no-plots", "--quiet"]) == 0
    result = read_result(tmp_path / "out")
    assert set(ACCEPTED_NAMES) <= set(result.alignment["source"]) == set(result.alignment["target"])
    assert set(ACCEPTED_NAMES) <= set(result.blocs["actor"])
    scheduled = result.events[result.events["origin"] == "scenario"]
    assert [result.summary.notes[place] for place in scheduled["reason"]] == notes  # stored once, in summary.json
    assert list(scheduled["target"]) == ACCEPTED_NAMES[:4]


@pytest.mark.parametrize("name", ["NA", "null", "nan", "None", "N/A", "True", "=1+1", "   ", "...", "-", "@x",
                                  "line\nbreak"])
def test_names_that_would_vanish_or_run_are_refused_at_validation(tmp_path, capsys, name):
    path = scenario_file(tmp_path, {"name": "x", "actors": [{"name": name, "capability": 1}]})
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err
    assert "actors[0].name" in error and "cannot be used" in error


@pytest.mark.parametrize("first, second", [("Turkey", "turkey"), ("Turkey", "T.U.R.K.E.Y."),
                                           ("Free Land", "free-land")])
def test_added_names_that_differ_in_case_or_punctuation_collide(tmp_path, capsys, first, second):
    path = scenario_file(tmp_path, {"name": "x", "actors": [{"name": first, "capability": 1},
                                                            {"name": second, "capability": 1}]})
    assert main(["validate", str(path)]) == 2
    assert f"same name as the added actor {first!r}" in capsys.readouterr().err


def test_an_added_name_that_folds_to_a_canonical_actor_collides(tmp_path, capsys):
    path = scenario_file(tmp_path, {"name": "x", "actors": [{"name": " u.s.a ", "capability": 1}]})
    assert main(["validate", str(path)]) == 2
    assert "already exists (as 'US')" in capsys.readouterr().err


# --- numbers as YAML 1.2 reads them ----------------------------------------------------------------------


@pytest.mark.parametrize("written, fix", [
    ("010", "Write 10, not 010"), ("08", "Write 8, not 08"), ("0777", "Write 777, not 0777"),
    ("-012", "Write -12, not -012"), ("1:30", "for instance 90"), ("1_000", "Write 1000, not 1_000"),
    ("0o17", "Write 15, not 0o17"), ("0x1F", "Write 31, not 0x1F"), ("0b101", "Write 5, not 0b101"),
    ("1_0.5", "Write 10.5, not 1_0.5"), ("yes", "Write true or false"), ("Off", "Write false or true"),
])
def test_yaml_1_1_only_forms_are_refused_with_the_fix(written, fix):
    with pytest.raises(EntenteError) as caught:
        load_yaml_text(f"name: x\nvalue: {written}\n", filename="f.yaml")
    message = caught.value.message()
    assert fix in message and "line 2" in message


@pytest.mark.parametrize("written, value", [
    ("10", 10), ("0", 0), ("-3", -3), ("+4", 4), ("1e3", 1000.0), ("2.5E-1", 0.25), (".5", 0.5), ("-.5", -0.5),
    ("'010'", "010"), ('"1:30"', "1:30"), ("true", True), ("'yes'", "yes"), ("12:30 talks", "12:30 talks"),
])
def test_numbers_yaml_1_2_reads_keep_working_and_quoted_text_stays_text(written, value):
    data = load_yaml_text(f"value: {written}\n").data
    assert data["value"] == value and type(data["value"]) is type(value)


def test_every_file_type_refuses_a_leading_zero(tmp_path):
    alignment = tmp_path / "a.yaml"
    alignment.write_text("actors: [{name: A, size: 010}, {name: B, size: 1}]\npropensities: [[A, B, 1]]\n")
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("overrides:\n  - {between: [India, Russia], score: 00, rationale: x}\n")
    relations = tmp_path / "relations.yaml"
    relations.write_text("relations:\n  - {between: [India, Russia], score: 01}\n")
    scenario = scenario_file(tmp_path, {"name": "x"})
    for args, fix in [(["blocs", alignment], "Write 10, not 010"),
                      (["seed", ARTICLE, "--out", tmp_path / "r.yaml", "--overrides", overrides], "Write 0, not 00"),
                      (["run", scenario, "--relations", relations, "--out", tmp_path / "o"], "Write 1, not 01"),
                      (["seed", "--explain", "India", "Russia", "--relations", relations], "Write 1, not 01")]:
        done = here(*args)
        assert done.returncode == 2 and fix.encode() in done.stderr, (args, done.stderr)


# --- input and output paths --------------------------------------------------------------------------------


@needs_fifo
def test_a_fifo_is_refused_by_every_command_with_the_same_words_and_never_opened(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    scenario = scenario_file(tmp_path, {"name": "x"})
    for args in (["run", fifo, "--out", tmp_path / "o"], ["validate", fifo], ["blocs", fifo], ["seed", fifo],
                 ["seed", ARTICLE, "--out", tmp_path / "r.yaml", "--overrides", fifo],
                 ["run", scenario, "--relations", fifo, "--out", tmp_path / "o"],
                 ["seed", "--explain", "India", "Russia", "--relations", fifo]):
        done = sim(*args, timeout=30)  # a command that opened the FIFO would wait for a writer forever
        assert done.returncode == 2, (args, done.stderr)
        assert f"{str(fifo)!r} is a FIFO (named pipe), not an ordinary file".encode() in done.stderr, args
        assert b"does not exist" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("args", [["run", "/dev/zero"], ["validate", "/dev/zero"], ["blocs", "/dev/zero"],
                                  ["seed", "/dev/zero"]])
def test_a_device_is_refused_before_it_is_read(args):
    done = sim(*args, timeout=30)
    assert done.returncode == 2 and b"'/dev/zero' is a character device" in done.stderr


@pytest.mark.parametrize("out, fragment", [(".", "current folder"), ("", "empty"), ("..", "current folder")])
def test_run_refuses_the_current_folder_and_an_empty_out(tmp_path, out, fragment):
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("mine")
    scenario = scenario_file(work, {"name": "x"})
    done = here("run", scenario, "--out", out, cwd=work)
    assert done.returncode == 2 and fragment.encode() in done.stderr, done.stderr
    assert (work / "keep.txt").read_text() == "mine"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_devices_are_never_output_paths_even_with_force(tmp_path):
    scenario = scenario_file(tmp_path, {"name": "x"})
    done = here("run", scenario, "--out", "/dev/full", "--force")
    assert done.returncode == 2 and b"'/dev/full' is a character device" in done.stderr
    done = here("seed", ARTICLE, "--out", "/dev/null", "--force")
    assert done.returncode == 2 and b"'/dev/null' is a character device" in done.stderr
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


@needs_fifo
def test_seed_never_opens_or_replaces_a_fifo_as_out(tmp_path):
    fifo = tmp_path / "relations.yaml"
    os.mkfifo(fifo)
    done = sim("seed", ARTICLE, "--out", fifo, "--force", timeout=30)
    assert done.returncode == 2 and b"is a FIFO (named pipe)" in done.stderr
    import stat

    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(os.access("/proc/sys", os.W_OK), reason="needs a folder this user cannot write")
def test_an_unwritable_output_disk_is_found_before_the_run(tmp_path):
    scenario = scenario_file(tmp_path, {"name": "x", "runs": 50})
    for args in (["run", scenario, "--out", "/proc/sys/entente-out"],
                 ["seed", ARTICLE, "--out", "/proc/sys/entente-relations.yaml"]):
        done = here(*args, timeout=30)
        assert done.returncode == 2 and b"Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(b"error: cannot write the ") and done.stderr.count(b"\n") == 1


# --- articles -------------------------------------------------------------------------------------------------


def test_a_utf32_article_is_called_utf32(tmp_path):
    from sim.seeding.files import read_article

    path = tmp_path / "a.txt"
    path.write_bytes("Russia and Pakistan agreed.".encode("utf-32"))
    with pytest.raises(EntenteError, match="UTF-32"):
        read_article(path)


ARTICLE_SETTINGS = settings(max_examples=150, deadline=None,
                            suppress_health_check=[HealthCheck.function_scoped_fixture])


@ARTICLE_SETTINGS
@given(data=st.one_of(st.binary(max_size=400), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.text(max_size=300).map(lambda t: t.encode("utf-16", "surrogatepass"))))
def test_arbitrary_bytes_give_text_or_an_entente_error(tmp_path_factory, data):
    from sim.seeding.files import read_article

    path = tmp_path_factory.mktemp("article") / "a.txt"
    path.write_bytes(data)
    try:
        text = read_article(path)
    except EntenteError as error:
        assert error.message()
    else:
        assert isinstance(text, str) and text.strip()
        text.encode("utf-8")  # no lone surrogate gets through


@ARTICLE_SETTINGS
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_arbitrary_articles_code_or_fail_cleanly(tmp_path_factory, text):
    from sim.seeding import relations_document

    folder = tmp_path_factory.mktemp("coded")
    path = folder / "a.txt"
    path.write_text("Russia and Pakistan held a joint exercise. " + text, encoding="utf-8")
    try:
        document, _ = relations_document(path, folder / "r.yaml", None)
    except EntenteError:
        return
    assert document["relations"]


# --- output errors and encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_the_report_degrades_to_what_the_terminal_can_show(tmp_path, encoding):
    path = scenario_file(tmp_path, {"name": "Kabul → Delhi ✓ talks", "months": 3, "events": [
        {"at": 1, "type": "arms_sale", "from": "Russia", "to": "Pakistan", "note": "sold — “jets” ✓"}]})
    done = sim("run", path, "--out", tmp_path / "out", "--no-plots",
               env={**os.environ, "PYTHONIOENCODING": encoding})
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    out = done.stdout.decode(encoding)
    assert "Kabul -> Delhi \\u2713 talks" in out
    assert (tmp_path / "out" / "alignment.csv").exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_standard_output_on_a_full_device_is_one_paragraph_and_exit_2(tmp_path):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "sim", "list"], cwd=ROOT, stdout=full, stderr=subprocess.PIPE,
                              timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(b"error: cannot write to standard output") and done.stderr.count(b"\n") == 1


# --- bounded cost --------------------------------------------------------------------------------------------

WORST = """
import resource, subprocess, sys
limit = 1_500_000_000
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.argv = ["sim", *sys.argv[1:]]
from sim.cli.main import main
raise SystemExit(main(sys.argv[1:]))
"""


def worst_case(tmp_path, *args):
    """A command under a 1.5 GB address-space limit and a 60 s timeout."""
    script = tmp_path / "worst.py"
    script.write_text(WORST)
    return subprocess.run([sys.executable, str(script), *map(str, args)], cwd=ROOT, capture_output=True,
                          timeout=60)


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_the_worst_cases_are_refused_quickly_and_within_memory(tmp_path):
    added = [{"name": f"Land {i}", "capability": 1} for i in range(20)]  # 27 actors in all
    everyone = ["Russia", "Pakistan", "India", "US", "China", "Iran", "Taliban"] + [a["name"] for a in added]
    meetings = scenario_file(tmp_path, {"name": "all pairs", "months": 240, "runs": 1000, "actors": added,
                                        "events": [{"at": 1 + i % 240, "type": "summit", "between": everyone}
                                                   for i in range(1000)]}, "meetings.yaml")
    notes = tmp_path / "notes.yaml"  # one 500-character note, reused by 2,000 events through an alias
    notes.write_text("name: long notes\nmonths: 240\nruns: 1000\nevents:\n"
                     f"  - {{at: 1, type: summit, between: [Russia, India], note: &n {'n' * 500}}}\n"
                     + "".join(f"  - {{at: {1 + i % 240}, type: summit, between: [Russia, India], note: *n}}\n"
                               for i in range(1999)), encoding="utf-8")
    for path in (meetings, notes):
        done = worst_case(tmp_path, "run", path, "--out", tmp_path / "out", "--no-plots")
        assert done.returncode == 2 and done.stderr.startswith(b"error: this run is larger"), done.stderr
        assert b"--allow-large" in done.stderr and b"Lower runs" in done.stderr
    assert not (tmp_path / "out").exists()
    done = worst_case(tmp_path, "seed", "/dev/zero", "--out", tmp_path / "r.yaml")
    assert done.returncode == 2 and b"character device" in done.stderr


def test_the_estimate_is_close_to_what_is_written(tmp_path):
    from sim.inputs.cost import estimate
    from sim.inputs.scenario_file import load_scenario
    from sim.inputs.tables import canonical_actors

    scenario = load_scenario("s400_india")
    cost = estimate(scenario, [actor.name for actor in canonical_actors()])
    assert main(["run", "s400_india", "--out", str(tmp_path / "out"), "--no-plots", "--quiet"]) == 0
    written = sum((tmp_path / "out" / name).stat().st_size
                  for name in ("alignment.csv", "baseline.csv", "blocs.csv", "events.csv"))
    rows = sum(len((tmp_path / "out" / name).read_text().splitlines()) - 1
               for name in ("alignment.csv", "baseline.csv"))
    assert cost.pair_months == rows
    assert 0.7 * written < cost.output_bytes < 1.3 * written


def test_allow_large_lifts_the_limits():
    from sim.inputs.cost import Cost, check_cost

    huge = Cost(actors=27, months=240, runs=1000, pair_months=10**9, event_impulses=10**8, output_bytes=10**12)
    with pytest.raises(EntenteError, match="pair-months"):
        check_cost(huge)
    check_cost(huge, allow_large=True)
