"""Hostile input, round three (issue 22): links in folders Entente writes, two plays at once, result and sweep
folders read back after someone changed them, and the small cases (blocs near 1e300, a seeded file run
refused). Each attack is a small reproducer; the readers are also fuzzed (Hypothesis)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS, as_legacy_npz, assert_clean_error, sim
from sim.cli.main import main
from sim.errors import EntenteError

ARMS_SALE = SCENARIOS / "arms_sale_pakistan.yaml"
needs_links = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
INDIA_ORDERS = "team: India\nmoves:\n  - do: summit with US\n    at: 2\n    note: reassure Washington\n"


def run_main(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, err


def one_paragraph(err: str, *fragments: str) -> None:
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def new_game(tmp_path, capsys) -> Path:
    game = tmp_path / "game"
    code, err = run_main(capsys, "play", ARMS_SALE, "--turn", "6", "--state", game, "--teams", "India,Pakistan")
    assert code == 0, err
    (game / "orders" / "India.yaml").write_text(INDIA_ORDERS, encoding="utf-8")
    return game


def victim(tmp_path) -> Path:
    path = tmp_path / "student_dotfile"
    path.write_text("precious\n", encoding="utf-8")
    return path


# --- one writer rule: never through a link ----------------------------------------------------------------


@needs_links
def test_write_file_refuses_a_link_and_keeps_what_it_points_to(tmp_path):
    from sim.inputs.safe_files import write_file

    target = victim(tmp_path)
    (tmp_path / "out.txt").symlink_to(target)
    with pytest.raises(EntenteError, match="is a symbolic link"):
        write_file(tmp_path / "out.txt", "overwritten")
    assert target.read_text() == "precious\n" and (tmp_path / "out.txt").is_symlink()
    (tmp_path / "plain.txt").write_text("old")
    os.chmod(tmp_path / "plain.txt", 0o640)
    write_file(tmp_path / "plain.txt", "new")
    assert (tmp_path / "plain.txt").read_text() == "new"
    assert (os.stat(tmp_path / "plain.txt").st_mode & 0o777) == 0o640  # the replaced file's mode is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "plain.txt", "student_dotfile"]  # no temp


@needs_fifo
def test_write_file_refuses_a_fifo_without_opening_it(tmp_path):
    from sim.inputs.safe_files import write_file

    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(EntenteError, match="FIFO"):
        write_file(tmp_path / "pipe", "data")


@needs_links
def test_play_never_archives_orders_through_a_planted_link(tmp_path, capsys):
    game = new_game(tmp_path, capsys)
    target = victim(tmp_path)
    (game / "turns" / "001" / "orders").mkdir(parents=True)
    (game / "turns" / "001" / "orders" / "India.yaml").symlink_to(target)
    code, err = run_main(capsys, "play", "--continue", "--state", game, "--no-plots")
    assert code == 2
    one_paragraph(err, "symbolic link", "India.yaml")
    assert target.read_text() == "precious\n"
    assert "month: 0" in (game / "game.yaml").read_text()  # the turn was not played


@needs_links
@pytest.mark.parametrize("name", ["result", "turns", "orders"])
def test_a_game_folder_entry_that_links_elsewhere_is_refused(tmp_path, capsys, name):
    game = new_game(tmp_path, capsys)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if name == "orders":
        shutil.move(game / "orders" / "India.yaml", elsewhere / "India.yaml")
        shutil.rmtree(game / "orders")
    (game / name).symlink_to(elsewhere, target_is_directory=True)
    before = sorted(p.name for p in elsewhere.iterdir())
    code, err = run_main(capsys, "play", "--continue", "--state", game, "--no-plots")
    assert code == 2
    one_paragraph(err, "link")
    assert sorted(p.name for p in elsewhere.iterdir()) == before  # nothing written there, nothing removed


@needs_links
@pytest.mark.parametrize("name", ["orders/India.yaml", "game.yaml", "news.yaml"])
def test_a_game_file_that_links_outside_is_never_read(tmp_path, capsys, name):
    game = new_game(tmp_path, capsys)
    secret = tmp_path / "secret.yaml"
    secret.write_text("actor: India\npassword: hunter2\n")
    (game / name).unlink(missing_ok=True)
    (game / name).symlink_to(secret)
    code, err = run_main(capsys, "play", "--continue", "--state", game, "--no-plots")
    assert code == 2
    one_paragraph(err, "symbolic link")
    assert "hunter2" not in err and secret.read_text().endswith("hunter2\n")


@needs_links
def test_a_link_planted_as_the_result_folder_marker_is_not_followed(tmp_path):
    from sim.results.folder import MARKER_NAME, result_folder

    out = tmp_path / "out"
    with result_folder(out) as folder:
        folder.write_text("a.csv", "1\n")
    target = victim(tmp_path)
    (out / MARKER_NAME).symlink_to(target)
    with pytest.raises(EntenteError, match="symbolic link"):
        with result_folder(out) as folder:
            folder.write_text("a.csv", "2\n")
    assert target.read_text() == "precious\n"


@needs_links
def test_seed_refuses_to_write_through_a_linked_output(tmp_path):
    target = victim(tmp_path)
    (tmp_path / "relations.yaml").symlink_to(target)
    done = sim("seed", ROOT_ARTICLE, "--out", tmp_path / "relations.yaml", "--force")
    assert_clean_error(done, "symbolic link")
    assert target.read_text() == "precious\n"


ROOT_ARTICLE = Path(__file__).resolve().parent.parent / "seeds" / "pakistan_russia_relations_article.txt"


@needs_links
def test_explain_refuses_a_linked_figure_before_replaying(tmp_path, capsys):
    target = victim(tmp_path)
    (tmp_path / "why.png").symlink_to(target)
    code, err = run_main(capsys, "explain", ARMS_SALE, "India", "Russia", "--figure", tmp_path / "why.png")
    assert code == 2
    one_paragraph(err, "symbolic link")
    assert target.read_text() == "precious\n"


# --- one play at a time ------------------------------------------------------------------------------------


def test_a_second_play_on_a_locked_game_stops_before_reading_anything(tmp_path, capsys):
    from sim.classroom.play import LOCK
    from sim.inputs.folder_lock import folder_lock

    game = new_game(tmp_path, capsys)
    before = (game / "game.yaml").read_bytes()
    with folder_lock(game, LOCK, busy=EntenteError("busy")):  # another process in the middle of its turn
        code, err = run_main(capsys, "play", "--continue", "--state", game, "--no-plots")
    assert code == 2
    one_paragraph(err, "another `python -m sim play` is running on the game")
    assert (game / "game.yaml").read_bytes() == before and (game / "orders" / "India.yaml").exists()
    code, err = run_main(capsys, "play", "--continue", "--state", game, "--no-plots")  # released: plays once
    assert code == 0, err
    played = yaml.safe_load((game / "game.yaml").read_text())["played"]
    assert played[0]["by"] == "India" and played[0]["note"] == "reassure Washington"


def test_two_plays_started_together_play_the_turn_once(tmp_path, capsys):
    import subprocess
    import sys

    from conftest import source_env

    game = new_game(tmp_path, capsys)
    command = [sys.executable, "-m", "sim", "play", "--continue", "--state", str(game), "--no-plots"]
    first = subprocess.Popen(command, env=source_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    second = subprocess.Popen(command, env=source_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    codes = sorted([first.wait(120), second.wait(120)])
    state = yaml.safe_load((game / "game.yaml").read_text())
    assert state["turns_played"] == 1 and state["month"] == 6  # never two turns from one set of orders
    assert len(yaml.safe_load((game / "game.yaml").read_text())["played"]) == 1
    assert codes[0] == 0 and codes[1] in (0, 2)  # the loser was refused, or came after the winner finished


# --- result folders read back ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A one-run and a five-run result of the arms sale, written once for the module."""
    import sim as entente
    from sim.present.files import write_result

    base = tmp_path_factory.mktemp("results")
    scenario = entente.load_scenario(ARMS_SALE)
    from dataclasses import replace

    write_result(entente.run(scenario), base / "one", plots=False, report=False)
    write_result(entente.run(replace(scenario, runs=5)), base / "five", plots=False, report=False)
    shutil.copytree(base / "five", base / "five_npz")
    as_legacy_npz(base / "five_npz")  # a folder written before runs.nc: it must still read, and be checked
    return base


def copy_of(results, name, tmp_path) -> Path:
    target = tmp_path / name
    shutil.copytree(results / name, target, symlinks=True)
    return target


def replace_listed(folder: Path, name: str, data: bytes) -> None:
    """Change a file and its manifest entry together, as someone who knows the format would."""
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry["bytes"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))


def summary_of(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text())


def refused(folder, *fragments) -> str:
    from sim.present.files import read_result

    with pytest.raises(EntenteError) as caught:
        read_result(folder)
    message = caught.value.message()
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_a_file_changed_without_its_manifest_is_refused(results, tmp_path):
    folder = copy_of(results, "one", tmp_path)
    data = summary_of(folder)
    data["months"] = 12
    (folder / "summary.json").write_text(json.dumps(data))
    refused(folder, "summary.json", "changed after Entente wrote it")


@pytest.mark.parametrize("change, fragments", [
    (lambda s: s.pop("runs"), ("field runs", "missing")),
    (lambda s: s.update(months="thirty-six"), ("field months", "not a whole number")),
    (lambda s: s.update(months=10**12), ("field months", "outside")),
    (lambda s: s["changes"][0].update(effect="big"), ("changes[0].effect", "not a number")),
    (lambda s: s.update(actors=["Russia"] * 7), ("field actors", "different actors")),
])
def test_summary_fields_of_the_wrong_type_or_size_are_refused(results, tmp_path, change, fragments):
    folder = copy_of(results, "one", tmp_path)
    data = summary_of(folder)
    change(data)
    replace_listed(folder, "summary.json", json.dumps(data).encode())
    refused(folder, "summary.json", *fragments)


def test_a_100000_deep_summary_is_refused_before_parsing(results, tmp_path):
    folder = copy_of(results, "one", tmp_path)
    replace_listed(folder, "summary.json", b"[" * 100_000 + b"]" * 100_000)
    refused(folder, "nests deeper")


@needs_links
def test_a_link_inside_a_result_folder_is_never_followed(results, tmp_path, capsys):
    folder = copy_of(results, "one", tmp_path)
    outside = tmp_path / "outside.csv"
    shutil.copy(folder / "alignment.csv", outside)
    (folder / "alignment.csv").unlink()
    (folder / "alignment.csv").symlink_to(outside)
    refused(folder, "symbolic link")
    code, err = run_main(capsys, "compare", folder, results / "one")
    assert code == 2
    one_paragraph(err, "symbolic link")


def test_a_table_with_a_lying_row_count_or_a_stranger_is_refused(results, tmp_path):
    folder = copy_of(results, "one", tmp_path)
    text = (folder / "alignment.csv").read_text()
    replace_listed(folder, "alignment.csv", text.replace("Russia,Pakistan", "Atlantis,Pakistan", 1).encode())
    refused(folder, "alignment.csv", "Atlantis", "not an actor")
    replace_listed(folder, "alignment.csv", "".join(text.splitlines(keepends=True)[:100]).encode())
    refused(folder, "alignment.csv", "rows")


def test_a_table_far_larger_than_its_summary_allows_is_refused_before_it_is_read(results, tmp_path):
    folder = copy_of(results, "one", tmp_path)
    text = (folder / "alignment.csv").read_text()
    replace_listed(folder, "alignment.csv", (text + text.split("\n", 1)[1] * 40).encode())
    refused(folder, "alignment.csv", "more than the")


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=True)
            archive.writestr(name + ".npy", member.getvalue())
    return buffer.getvalue()


def arrays_of(folder) -> dict:
    with np.load(folder / "runs.npz") as data:
        return {name: data[name] for name in data.files}


def test_an_object_array_in_runs_npz_is_refused_and_never_unpickled(results, tmp_path):
    folder = copy_of(results, "five_npz", tmp_path)
    arrays = arrays_of(folder)
    arrays["blocs"] = np.array([object()] * 3, dtype=object)
    replace_listed(folder, "runs.npz", npz(**arrays))
    refused(folder, "runs.npz", "object")


def test_a_runs_npz_whose_shape_lies_is_refused(results, tmp_path):
    folder = copy_of(results, "five_npz", tmp_path)
    arrays = arrays_of(folder)
    arrays["scores"] = arrays["scores"][:, :10]
    replace_listed(folder, "runs.npz", npz(**arrays))
    refused(folder, "runs.npz", "shape")


def test_a_npy_header_claiming_a_huge_shape_is_refused_from_its_header(results, tmp_path):
    folder = copy_of(results, "five_npz", tmp_path)
    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(member, {"descr": "<i4", "fortran_order": False,
                                                  "shape": (10**9, 37, 7, 7)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scores.npy", member.getvalue() + bytes(1000))
    replace_listed(folder, "runs.npz", buffer.getvalue())
    refused(folder, "runs.npz", "shape")


def test_a_deflated_gigabyte_in_runs_npz_is_refused_without_inflating_it(results, tmp_path):
    folder = copy_of(results, "five_npz", tmp_path)
    summary = summary_of(folder)
    summary["runs"] = 3_000_000 // (37 * 49) * 100  # a summary that claims enough runs for a 1 GB scores array
    summary["agreement"]["runs"] = summary["runs"]
    replace_listed(folder, "summary.json", json.dumps(summary).encode())
    member = io.BytesIO()
    shape = (summary["runs"], 37, 7, 7)
    header = {"descr": "<i4", "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(member, header)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("scores.npy", "w", force_zip64=True) as out:
            out.write(member.getvalue())
            zeros = bytes(1 << 24)
            for _ in range(64):  # 1 GB of zeros, about 1 MB deflated
                out.write(zeros)
    assert len(buffer.getvalue()) < 2_000_000
    replace_listed(folder, "runs.npz", buffer.getvalue())
    tracemalloc.start()
    begin = time.perf_counter()
    refused(folder, "runs.npz", "compressed")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.perf_counter() - begin < 10 and peak < 100_000_000


def test_a_folder_written_before_runs_nc_reads_the_same_runs(results):
    from sim.present.files import read_result

    now, before = read_result(results / "five"), read_result(results / "five_npz")
    assert not (results / "five_npz" / "runs.nc").exists() and (results / "five_npz" / "runs.npz").is_file()
    for name in ("scores", "baseline_scores", "labels"):
        assert np.array_equal(getattr(now, name), getattr(before, name)), name
    assert now.scores.shape == (5, 37, 7, 7) and np.abs(now.scores).max() <= 1


def netcdf_of(folder):
    import xarray as xr

    with xr.open_dataset(folder / "runs.nc", mask_and_scale=False) as data:
        return data.load()


def rewritten_netcdf(dataset) -> bytes:
    return bytes(dataset.to_netcdf(None, engine="scipy", format="NETCDF3_64BIT"))


def test_a_runs_nc_whose_shape_lies_is_refused(results, tmp_path):
    folder = copy_of(results, "five", tmp_path)
    replace_listed(folder, "runs.nc", rewritten_netcdf(netcdf_of(folder).isel(month=slice(0, 10))))
    refused(folder, "runs.nc", "shape", "scores")


def test_a_runs_nc_with_other_actors_or_scores_out_of_range_is_refused(results, tmp_path):
    folder = copy_of(results, "five", tmp_path)
    dataset = netcdf_of(folder)
    renamed = dataset.assign_coords(source=["Atlantis", *dataset["source"].values.tolist()[1:]])
    replace_listed(folder, "runs.nc", rewritten_netcdf(renamed))
    refused(folder, "runs.nc", "source", "not the summary's actors")
    dataset["baseline"].values[0, 0, 0, 1] = 2_000_000  # a packed score of 2.0
    replace_listed(folder, "runs.nc", rewritten_netcdf(dataset))
    refused(folder, "runs.nc", "outside -1 to 1", "baseline")


def test_a_runs_nc_far_larger_than_its_summary_allows_is_refused_before_it_is_read(results, tmp_path):
    folder = copy_of(results, "five", tmp_path)
    raw = (folder / "runs.nc").read_bytes()
    replace_listed(folder, "runs.nc", raw + bytes(len(raw) * 3))
    refused(folder, "runs.nc", "more than the")
    replace_listed(folder, "runs.nc", b"CDF\x02" + b"\xff" * 200)  # the magic, then a header that lies
    refused(folder, "runs.nc", "not a netCDF file")


def test_report_and_explain_refuse_a_tampered_folder_in_one_paragraph(results, tmp_path, capsys):
    folder = copy_of(results, "one", tmp_path)
    data = summary_of(folder)
    data["seed"] = "zero"
    replace_listed(folder, "summary.json", json.dumps(data).encode())
    for command in (["report", folder, "--no-plots"], ["explain", folder, "India", "Russia"]):
        code, err = run_main(capsys, *command)
        assert code == 2, command
        one_paragraph(err, "field seed")


@needs_links
def test_rebuilding_a_report_never_copies_a_linked_file_into_the_folder(results, tmp_path, capsys):
    folder = copy_of(results, "one", tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the class\n")
    (folder / "events.csv").unlink()
    (folder / "events.csv").symlink_to(secret)
    code, err = run_main(capsys, "report", folder, "--no-plots", "--force")
    assert code == 2
    one_paragraph(err, "symbolic link")
    assert (folder / "events.csv").is_symlink()


# --- play --from -----------------------------------------------------------------------------------------


def test_play_from_never_copies_a_file_a_tampered_summary_names(results, tmp_path, capsys):
    folder = copy_of(results, "one", tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n")
    data = summary_of(folder)
    data["relations_file"] = str(secret)
    data["relations_sha256"] = hashlib.sha256(secret.read_bytes()).hexdigest()
    replace_listed(folder, "summary.json", json.dumps(data).encode())
    game = tmp_path / "game"
    code, err = run_main(capsys, "play", "--from", folder, "--month", "6", "--turn", "6", "--state", game,
                         "--no-plots")
    assert code == 2
    one_paragraph(err, "secret.txt")
    assert not game.exists()  # checked before anything was copied, and no half-made folder


def test_play_from_refuses_a_relations_file_changed_since_the_run(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relations = Path("relations.yaml")
    shutil.copy(Path(__file__).resolve().parent.parent / "seeds" / "relations.yaml", relations)
    code, err = run_main(capsys, "run", ARMS_SALE, "--relations", relations, "--out", "result", "--no-plots")
    assert code == 0, err
    relations.write_text(relations.read_text().replace("score: 0.", "score: -0.", 1))
    code, err = run_main(capsys, "play", "--from", "result", "--month", "6", "--turn", "6", "--state", "game")
    assert code == 2
    one_paragraph(err, "relations.yaml", "changed since the result was made")
    assert not Path("game").exists()


def test_play_from_a_folder_changed_without_its_manifest_leaves_nothing(results, tmp_path, capsys):
    folder = copy_of(results, "one", tmp_path)
    (folder / "summary.json").write_text("{}")
    game = tmp_path / "game"
    game.mkdir()
    (game / "notes.txt").write_text("the teacher's\n")
    code, err = run_main(capsys, "play", "--from", folder, "--month", "6", "--turn", "6", "--state", game)
    assert code == 2
    one_paragraph(err, "changed after Entente wrote it")
    assert sorted(p.name for p in game.iterdir()) == ["notes.txt"]


def test_a_refused_start_never_removes_an_existing_game(tmp_path, capsys):
    game = new_game(tmp_path, capsys)
    before = sorted(p.name for p in game.iterdir())
    code, err = run_main(capsys, "play", ARMS_SALE, "--turn", "6", "--state", game)
    assert code == 2
    assert sorted(p.name for p in game.iterdir()) == before


def test_play_from_a_sound_result_still_works(results, tmp_path, capsys):
    game = tmp_path / "game"
    code, err = run_main(capsys, "play", "--from", results / "one", "--month", "6", "--turn", "6", "--state",
                         game, "--no-plots")
    assert code == 0, err
    assert (game / "result" / "manifest.json").is_file()


# --- sweep folders read back -------------------------------------------------------------------------------

SWEEP_SCENARIO = "name: Sweep test\nmonths: 6\nevents:\n  - {at: 2, type: arms_sale, from: Russia, to: Pakistan}\n"
SWEEP_FILE = "name: tiny\nseed: 3\nruns: 1\ngrid:\n  memory: [0.05, 0.2]\n"


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory):
    base = tmp_path_factory.mktemp("sweep")
    (base / "scenario.yaml").write_text(SWEEP_SCENARIO)
    (base / "sweep.yaml").write_text(SWEEP_FILE)
    code = main(["sweep", str(base / "scenario.yaml"), "--grid", str(base / "sweep.yaml"), "--out",
                 str(base / "out"), "--scheduler", "serial", "--chunk-size", "1"])
    assert code == 0
    return base


def sweep_copy(finished_sweep, tmp_path) -> Path:
    shutil.copytree(finished_sweep / "out", tmp_path / "out")
    return tmp_path / "out"


@needs_links
def test_summarise_never_draws_through_a_linked_figure_name(finished_sweep, tmp_path, capsys):
    folder = sweep_copy(finished_sweep, tmp_path)
    target = victim(tmp_path)
    (folder / "sweep_blocs.png").symlink_to(target)
    code, err = run_main(capsys, "sweep", "--summarise", folder)
    assert code == 2
    one_paragraph(err, "symbolic link")
    assert target.read_text() == "precious\n"


@needs_fifo
def test_summarise_a_fifo_sweep_table_is_refused_at_once(finished_sweep, tmp_path):
    folder = sweep_copy(finished_sweep, tmp_path)
    (folder / "sweep.csv").unlink()
    os.mkfifo(folder / "sweep.csv")
    done = sim("sweep", "--summarise", folder, "--no-plots", timeout=60)
    assert_clean_error(done, "sweep.csv")


@needs_links
def test_summarise_a_table_linked_to_dev_zero_reads_nothing_of_it(finished_sweep, tmp_path, capsys):
    folder = sweep_copy(finished_sweep, tmp_path)
    (folder / "sweep.csv").unlink()
    (folder / "sweep.csv").symlink_to("/dev/zero")
    begin = time.perf_counter()
    code, err = run_main(capsys, "sweep", "--summarise", folder, "--no-plots")
    assert code == 2 and time.perf_counter() - begin < 5
    one_paragraph(err, "sweep.csv")


@pytest.mark.parametrize("change, fragments", [
    (lambda m: m.update(chunks=[]), ("field chunks", "at least one chunk")),
    (lambda m: m.update(chunks="all"), ("field chunks",)),
    (lambda m: m.update(chunks=[[0, 1]]), ("field chunks", "cover 1 points")),
    (lambda m: m["done"].update({"0": {"file": "../../etc/passwd", "bytes": 1, "sha256": "0" * 64}}),
     ("field done.0",)),
    (lambda m: m.update(complete="yes"), ("field complete",)),
    (lambda m: m.pop("points"), ("field points",)),
])
def test_a_tampered_sweep_manifest_gets_one_paragraph(finished_sweep, tmp_path, capsys, change, fragments):
    folder = sweep_copy(finished_sweep, tmp_path)
    manifest = json.loads((folder / "sweep-manifest.json").read_text())
    change(manifest)
    (folder / "sweep-manifest.json").write_text(json.dumps(manifest))
    for command in (["sweep", "--summarise", folder, "--no-plots"],
                    ["sweep", finished_sweep / "scenario.yaml", "--grid", finished_sweep / "sweep.yaml", "--out",
                     folder, "--scheduler", "serial", "--resume"]):
        code, err = run_main(capsys, *command)
        assert code == 2, command
        one_paragraph(err, "sweep manifest is damaged", *fragments)


def test_a_sound_sweep_still_summarises(finished_sweep, tmp_path, capsys):
    folder = sweep_copy(finished_sweep, tmp_path)
    code, err = run_main(capsys, "sweep", "--summarise", folder, "--no-plots")
    assert code == 0, err


# --- small ones --------------------------------------------------------------------------------------------


def test_blocs_with_sizes_near_1e300_is_a_paragraph_not_an_overflow(tmp_path, capsys):
    path = tmp_path / "huge.yaml"
    path.write_text("actors:\n  - {name: A, size: 1e300}\n  - {name: B, size: 2}\npropensities:\n  - [A, B, 0.5]\n")
    code, err = run_main(capsys, "blocs", path)
    assert code == 2
    one_paragraph(err, "too large")


def test_an_escaped_os_error_does_not_claim_a_write():
    from sim.cli.main import _os_error

    message = _os_error(FileNotFoundError(2, "No such file or directory", "orders/India.yaml")).message()
    assert "cannot write" not in message and "read" in message


def test_what_seed_writes_run_reads_even_from_a_long_sentence_article(tmp_path):
    """The review's case: 400-character sentences of four-byte characters gave a 1.6 MB relations file that
    `run --relations` refused (limit 1 MB). Fewer items are listed; the scores are the same."""
    from sim.seeding import relations_document
    from sim.seeding import relations as seeded

    head = "Russia, Pakistan, India, US, China, Iran and Taliban praised each other "
    text = "".join(f"{head}{i} " + "\U0001F600" * (395 - len(f"{head}{i} ")) + ".\n" for i in range(60))
    article = tmp_path / "article.txt"
    article.write_text(text, encoding="utf-8")
    out = tmp_path / "relations.yaml"
    done = sim("seed", article, "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size < 1_000_000
    document, coding = relations_document(article, out)
    import sim.seeding as seeding

    everything = seeded.build_relations(coding, *_priors_and_settings(seeding))
    assert [(r["between"], r["score"]) for r in document["relations"]] == \
           [(r["between"], r["score"]) for r in everything]
    ran = sim("run", ARMS_SALE, "--relations", out, "--out", tmp_path / "run", "--no-plots")
    assert ran.returncode == 0, ran.stderr


def _priors_and_settings(seeding):
    from sim.inputs.resources import data_file
    from sim.inputs.tables import actor_names
    from sim.seeding.files import load_priors

    _, settings = seeding.load_coder()
    return load_priors(data_file("priors.yaml"), actor_names()), [], settings


# --- fuzz: the folder readers end in data or one EntenteError ---------------------------------------------

JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10**15, 10**15) | st.floats(allow_nan=False)
                           | st.text(max_size=20), lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=10)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:3]):
            yield from _paths(value, (*prefix, index))


def _mutated(data, path, value, delete):
    if not path:
        return value
    node = data
    for part in path[:-1]:
        node = node[part]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


def read_or_refuse(folder) -> None:
    from sim.present.files import read_result

    try:
        result = read_result(folder)
    except EntenteError as error:
        assert error.message()
        return
    # A folder accepted is a folder that works: what compare and report do with it ends in output.
    from sim.classroom.compare import compare
    from sim.classroom.compare_report import comparison_text
    from sim.present.html import build_report
    from sim.present.terminal import summary_text

    result.effect()
    summary_text(result.summary, events=result.events)
    comparison_text(compare(result, result, a_label="a", b_label="b"))
    build_report(result, figures={})


@FUZZ
@given(data=st.data(), which=st.sampled_from(["one", "five"]), value=JSON_VALUES, delete=st.booleans())
def test_fuzz_summary_json(results, tmp_path_factory, data, which, value, delete):
    folder = copy_of(results, which, tmp_path_factory.mktemp("fuzz"))
    summary = summary_of(folder)
    paths = list(_paths(summary))
    path = data.draw(st.sampled_from(paths))
    replace_listed(folder, "summary.json", json.dumps(_mutated(summary, path, value, delete)).encode())
    read_or_refuse(folder)


@FUZZ
@given(data=st.data(), value=JSON_VALUES, delete=st.booleans(), relist=st.booleans())
def test_fuzz_manifest(results, tmp_path_factory, data, value, delete, relist):
    folder = copy_of(results, "one", tmp_path_factory.mktemp("fuzz"))
    manifest = json.loads((folder / "manifest.json").read_text())
    path = data.draw(st.sampled_from(list(_paths(manifest))))
    (folder / "manifest.json").write_text(json.dumps(_mutated(manifest, path, value, delete)))
    read_or_refuse(folder)


@FUZZ
@given(position=st.integers(0, 1500), byte=st.integers(0, 255))
def test_fuzz_runs_nc_headers(results, tmp_path_factory, position, byte):
    folder = copy_of(results, "five", tmp_path_factory.mktemp("fuzz"))
    changed = bytearray((folder / "runs.nc").read_bytes())
    changed[position] = byte  # the magic, a dimension's length, a name, an attribute, a variable's offset...
    replace_listed(folder, "runs.nc", bytes(changed))
    read_or_refuse(folder)


@FUZZ
@given(position=st.integers(0, 127), byte=st.integers(0, 255), member=st.sampled_from(["scores", "blocs"]))
def test_fuzz_runs_npz_headers(results, tmp_path_factory, position, byte, member):
    folder = copy_of(results, "five_npz", tmp_path_factory.mktemp("fuzz"))
    arrays = arrays_of(folder)
    raw = io.BytesIO()
    np.lib.format.write_array(raw, arrays[member], allow_pickle=False)
    changed = bytearray(raw.getvalue())
    changed[position] = byte  # the magic, the version, the header's length or its dict
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("scores", "baseline", "blocs"):
            if name == member:
                archive.writestr(name + ".npy", bytes(changed))
            else:
                item = io.BytesIO()
                np.lib.format.write_array(item, arrays[name], allow_pickle=False)
                archive.writestr(name + ".npy", item.getvalue())
    replace_listed(folder, "runs.npz", buffer.getvalue())
    read_or_refuse(folder)
