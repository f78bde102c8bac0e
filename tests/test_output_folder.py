"""Result folders are complete or absent, replace only Entente's own results, and never write elsewhere."""

import errno
import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from sim.results import folder as output
from sim.errors import EntenteError
from sim.results.folder import MANIFEST_NAME, check_out_dir, clean_stale_folders, result_folder



def write_result(out, files: dict, **options) -> Path:
    with result_folder(out, **options) as folder:
        for name, text in files.items():
            folder.write_text(name, text)
    return Path(out)


def manifest(out) -> dict:
    return json.loads((Path(out) / MANIFEST_NAME).read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def hidden_entries(parent: Path) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if path.name.startswith("."))


# --- writing -------------------------------------------------------------------------------------------


def test_a_new_folder_holds_the_files_and_a_manifest(tmp_path):
    out = write_result(tmp_path / "results" / "arms_sale", {"alignment.csv": "a,b\n1,2\n", "summary.json": "{}\n"})
    assert sorted(p.name for p in out.iterdir()) == ["alignment.csv", MANIFEST_NAME, "summary.json"]
    assert (out / "alignment.csv").read_bytes() == b"a,b\n1,2\n"
    assert hidden_entries(out.parent) == []  # no temporary folder or lock left behind


def test_the_manifest_lists_every_file_with_its_sha256(tmp_path):
    out = tmp_path / "out"
    with result_folder(out, manifest_extra={"scenario": "Arms sale", "seed": 7}) as folder:
        folder.write_text("events.csv", "month,type\n1,arms_sale\n")
        folder.write_bytes("picture.png", bytes(range(256)))
        folder.path("written_by_savefig.svg").write_bytes(b"<svg/>")
    listed = manifest(out)
    assert listed["tool"] == "entente" and listed["scenario"] == "Arms sale" and listed["seed"] == 7
    assert [entry["name"] for entry in listed["files"]] == ["events.csv", "picture.png", "written_by_savefig.svg"]
    for entry in listed["files"]:
        data = (out / entry["name"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert set(listed) == {"tool", "version", "manifest_format", "files", "scenario", "seed"}  # no timestamps


def test_the_same_content_gives_a_byte_identical_manifest(tmp_path):
    files = {"b.csv": "x\n2\n", "a.csv": "x\n1\n"}
    first = write_result(tmp_path / "one", files, manifest_extra={"scenario": "S"})
    second = write_result(tmp_path / "two", dict(reversed(files.items())), manifest_extra={"scenario": "S"})
    assert (first / MANIFEST_NAME).read_bytes() == (second / MANIFEST_NAME).read_bytes()
    before = (first / MANIFEST_NAME).read_bytes()
    write_result(first, files, manifest_extra={"scenario": "S"})
    assert (first / MANIFEST_NAME).read_bytes() == before
    different = write_result(tmp_path / "three", {"a.csv": "x\n1\n", "b.csv": "x\n3\n"},
                             manifest_extra={"scenario": "S"})
    assert (different / MANIFEST_NAME).read_bytes() != before


def test_text_is_written_byte_for_byte(tmp_path):
    out = write_result(tmp_path / "out", {"report.md": "Kabul talks – café\nsecond line\n"})
    assert (out / "report.md").read_bytes() == "Kabul talks – café\nsecond line\n".encode("utf-8")


# --- replacing an earlier result ----------------------------------------------------------------------


def test_a_rerun_replaces_an_earlier_result(tmp_path):
    out = write_result(tmp_path / "out", {"alignment.csv": "old\n", "heatmaps.png": "old picture"})
    write_result(out, {"alignment.csv": "new\n"})
    assert sorted(p.name for p in out.iterdir()) == ["alignment.csv", MANIFEST_NAME]
    assert (out / "alignment.csv").read_text() == "new\n"
    assert [entry["name"] for entry in manifest(out)["files"]] == ["alignment.csv"]
    assert hidden_entries(tmp_path) == []


def test_an_empty_existing_folder_is_used(tmp_path):
    (tmp_path / "out").mkdir()
    out = write_result(tmp_path / "out", {"a.csv": "1\n"})
    assert (out / "a.csv").read_text() == "1\n"


def test_operating_system_litter_does_not_block_a_rerun(tmp_path):
    out = write_result(tmp_path / "out", {"a.csv": "1\n"})
    (out / ".DS_Store").write_bytes(b"finder")
    write_result(out, {"a.csv": "2\n"})
    assert (out / "a.csv").read_text() == "2\n"


# --- refusing folders Entente did not write ------------------------------------------------------------


def test_a_folder_with_a_foreign_file_is_refused_before_any_work_and_untouched(tmp_path):
    out = tmp_path / "homework"
    out.mkdir()
    (out / "essay.docx").write_bytes(b"my essay")
    before = snapshot(out)
    with pytest.raises(EntenteError) as caught:
        check_out_dir(out)
    assert "holds files Entente did not write" in str(caught.value) and "--force" in str(caught.value)
    assert "essay.docx" in str(caught.value)
    ran = []
    with pytest.raises(EntenteError, match="did not write"):
        with result_folder(out) as folder:
            ran.append(True)
            folder.write_text("alignment.csv", "x\n")
    assert ran == []
    assert snapshot(out) == before
    assert hidden_entries(tmp_path) == []


def test_a_foreign_file_next_to_an_earlier_result_is_refused(tmp_path):
    out = write_result(tmp_path / "out", {"a.csv": "1\n"})
    (out / "notes.txt").write_text("the student's notes")
    with pytest.raises(EntenteError, match="'notes.txt'"):
        write_result(out, {"a.csv": "2\n"})
    assert (out / "notes.txt").read_text() == "the student's notes" and (out / "a.csv").read_text() == "1\n"


def test_an_edited_result_file_counts_as_foreign(tmp_path):
    out = write_result(tmp_path / "out", {"report.md": "as written\n"})
    (out / "report.md").write_text("as written\nwith my comments\n")
    with pytest.raises(EntenteError, match="was changed after Entente wrote it"):
        check_out_dir(out)


def test_force_writes_into_the_folder_and_keeps_the_foreign_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "essay.docx").write_bytes(b"my essay")
    (out / "a.csv").write_text("someone else's a.csv")
    write_result(out, {"a.csv": "1\n", "b.csv": "2\n"}, force=True)
    assert (out / "essay.docx").read_bytes() == b"my essay"
    assert (out / "a.csv").read_text() == "1\n" and (out / "b.csv").read_text() == "2\n"
    assert [entry["name"] for entry in manifest(out)["files"]] == ["a.csv", "b.csv"]
    write_result(out, {"c.csv": "3\n"}, force=True)  # never deletes, even its own earlier files
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.csv", "c.csv", "essay.docx", MANIFEST_NAME]
    assert [entry["name"] for entry in manifest(out)["files"]] == ["c.csv"]
    with pytest.raises(EntenteError, match="did not write"):
        check_out_dir(out)
    assert hidden_entries(tmp_path) == []


def test_a_file_in_the_way_is_refused_even_with_force(tmp_path):
    path = tmp_path / "out"
    path.write_text("a file, not a folder")
    for force in (False, True):
        with pytest.raises(EntenteError, match="is a file, not a folder"):
            write_result(path, {"a.csv": "1\n"}, force=force)
    assert path.read_text() == "a file, not a folder"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_link_is_refused_even_with_force(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "out").symlink_to(target)
    for force in (False, True):
        with pytest.raises(EntenteError, match="never writes through links"):
            check_out_dir(tmp_path / "out", force=force)
        with pytest.raises(EntenteError, match="never writes through links"):
            write_result(tmp_path / "out", {"a.csv": "1\n"}, force=force)
    assert list(target.iterdir()) == []


# --- failures leave nothing behind --------------------------------------------------------------------


class Boom(Exception):
    pass


def test_an_exception_mid_write_leaves_no_output_folder(tmp_path):
    with pytest.raises(Boom):
        with result_folder(tmp_path / "out") as folder:
            folder.write_text("alignment.csv", "half")
            raise Boom
    assert not (tmp_path / "out").exists()
    assert hidden_entries(tmp_path) == []


@pytest.mark.parametrize("interruption", [Boom, KeyboardInterrupt])
def test_an_interruption_keeps_an_earlier_result_intact(tmp_path, interruption):
    out = write_result(tmp_path / "out", {"alignment.csv": "earlier\n", "summary.json": "{}\n"})
    before = snapshot(out)
    with pytest.raises(interruption):
        with result_folder(out) as folder:
            folder.write_text("alignment.csv", "later, half written")
            raise interruption
    assert snapshot(out) == before
    assert hidden_entries(tmp_path) == []


def test_a_failing_final_rename_puts_the_earlier_result_back(tmp_path, monkeypatch):
    out = write_result(tmp_path / "out", {"alignment.csv": "earlier\n"})
    before = snapshot(out)
    real_rename = os.rename

    def failing_rename(source, target):
        if Path(source).name.startswith(".out.tmp-") and not str(source).endswith(".old") and Path(target) == out:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real_rename(source, target)

    monkeypatch.setattr(output.os, "rename", failing_rename)
    with pytest.raises(EntenteError) as caught:
        write_result(out, {"alignment.csv": "later\n"})
    assert "No space left on device" in str(caught.value) and "disk is full" in str(caught.value)
    assert snapshot(out) == before
    assert hidden_entries(tmp_path) == []


def test_file_system_errors_become_clear_errors_and_remove_the_temporary_folder(tmp_path):
    with pytest.raises(EntenteError) as caught:
        with result_folder(tmp_path / "out") as folder:
            open(folder.path("alignment.csv") / "inside_a_missing_folder", "w")
    assert "cannot write the result to" in str(caught.value) and "inside_a_missing_folder" in str(caught.value)
    assert not (tmp_path / "out").exists()
    assert hidden_entries(tmp_path) == []


def test_a_disk_full_error_has_a_hint(tmp_path):
    with pytest.raises(EntenteError, match="free some space"):
        with result_folder(tmp_path / "out"):
            raise OSError(errno.ENOSPC, "No space left on device", "alignment.csv")
    assert hidden_entries(tmp_path) == []


# --- names cannot escape the folder ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../escape.csv", "..", ".", "a/b.csv", "/etc/passwd", "..\\up.csv", ".hidden",
                                  "", "C:evil", "manifest.json", "con.txt", "line\nbreak.csv", "trailing."])
def test_names_that_could_escape_or_mislead_are_refused(tmp_path, name):
    out = tmp_path / "inner" / "out"
    with pytest.raises(EntenteError, match="cannot write a result file named"):
        with result_folder(out) as folder:
            folder.write_text(name, "x")
    with pytest.raises(EntenteError, match="cannot write a result file named"):
        with result_folder(out) as folder:
            folder.path(name)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["inner"]


def test_reserved_manifest_keys_cannot_be_overridden(tmp_path):
    with pytest.raises(ValueError):
        result_folder(tmp_path / "out", manifest_extra={"files": []}).__enter__()


# --- killed runs ---------------------------------------------------------------------------------------

SLOW_WRITER = """
import sys, time
sys.path.insert(0, {root!r})
from sim.results.folder import result_folder  # noqa: F811
with result_folder(sys.argv[1]) as folder:
    for index in range(100000):
        folder.write_text(f"part{{index:05d}}.csv", "month,score\\n1,0.5\\n" * 50)
        if index == 3:
            print("writing", flush=True)
        time.sleep(0.005)
"""


def kill_mid_write(tmp_path, out) -> None:
    script = tmp_path / "slow_writer.py"
    script.write_text(SLOW_WRITER.format(root=str(ROOT)))
    process = subprocess.Popen([sys.executable, str(script), str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "writing"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL


def looks_complete(out: Path) -> bool:
    return (out / MANIFEST_NAME).exists()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_run_killed_mid_write_leaves_no_result(tmp_path):
    out = tmp_path / "results" / "run"
    kill_mid_write(tmp_path, out)
    assert not out.exists()
    leftovers = hidden_entries(out.parent)
    assert leftovers and all(name.startswith(".run.tmp-") for name in leftovers)  # the run really was mid-way
    write_result(out, {"a.csv": "1\n"})  # the next run cleans up after the killed one
    assert hidden_entries(out.parent) == []
    assert looks_complete(out)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_run_killed_mid_write_keeps_the_earlier_result(tmp_path):
    out = write_result(tmp_path / "run", {"alignment.csv": "earlier\n"})
    before = snapshot(out)
    kill_mid_write(tmp_path, out)
    assert snapshot(out) == before
    check_out_dir(out)  # still recognised as Entente's own result


# --- cleaning up leftovers --------------------------------------------------------------------------


@pytest.mark.skipif(output.fcntl is None, reason="needs advisory locks")
def test_cleaning_leaves_a_running_writer_alone(tmp_path):
    first = output.ResultWriter(tmp_path / "first").start()
    first.write_text("a.csv", "1\n")
    assert clean_stale_folders(tmp_path) == []
    write_result(tmp_path / "second", {"b.csv": "2\n"})
    assert first.directory.exists()
    first.commit()
    assert (tmp_path / "first" / "a.csv").read_text() == "1\n"
    assert hidden_entries(tmp_path) == []


@pytest.mark.skipif(output.fcntl is None, reason="needs advisory locks")
def test_cleaning_ignores_folders_that_are_not_leftovers(tmp_path):
    (tmp_path / ".git").mkdir()
    odd = tmp_path / ".out.tmp-0123abcd"
    (odd / "subfolder").mkdir(parents=True)  # a result folder never holds folders: not ours to remove
    other = tmp_path / ".cache.tmp-xyz"
    other.mkdir()
    unmarked = tmp_path / ".out.tmp-fedcba98"  # named like a leftover, but Entente did not mark it
    unmarked.mkdir()
    (unmarked / "alignment.csv").write_text("someone's file")
    stale = tmp_path / ".out.tmp-89abcdef"
    stale.mkdir()
    (stale / output.MARKER_NAME).write_text("")
    (stale / "alignment.csv").write_text("half")
    removed = clean_stale_folders(tmp_path)
    assert removed == [stale]
    assert hidden_entries(tmp_path) == [".cache.tmp-xyz", ".git", ".out.tmp-0123abcd", ".out.tmp-fedcba98"]
    assert (unmarked / "alignment.csv").read_text() == "someone's file"


@pytest.mark.skipif(output.fcntl is None, reason="needs advisory locks")
def test_an_earlier_result_left_aside_by_a_killed_run_is_put_back(tmp_path):
    earlier = write_result(tmp_path / "run", {"alignment.csv": "earlier\n"})
    before = snapshot(earlier)
    aside = tmp_path / ".run.tmp-0123abcd.old"  # as a run killed between its two renames leaves it
    (earlier / output.MARKER_NAME).write_text("")  # a run marks the earlier result before moving it aside
    earlier.rename(aside)
    half = tmp_path / ".run.tmp-0123abcd"
    half.mkdir()
    (half / output.MARKER_NAME).write_text("")
    (half / "alignment.csv").write_text("later")
    assert clean_stale_folders(tmp_path) == [half]
    assert snapshot(tmp_path / "run") == before
    assert hidden_entries(tmp_path) == []


@pytest.mark.skipif(output.fcntl is None, reason="needs advisory locks")
def test_a_complete_result_written_under_a_temporary_looking_name_is_never_removed(tmp_path):
    kept = write_result(tmp_path / ".run.tmp-0123abcd", {"alignment.csv": "mine\n"})
    before = snapshot(kept)
    write_result(tmp_path / "run", {"alignment.csv": "next\n"})  # its cleaner looks at the same parent
    assert clean_stale_folders(tmp_path) == []
    assert snapshot(kept) == before


@pytest.mark.skipif(output.fcntl is None or not hasattr(os, "mkfifo"), reason="needs advisory locks and FIFOs")
def test_a_fifo_named_like_a_lock_neither_hangs_the_cleaner_nor_is_removed(tmp_path):
    leftover = tmp_path / ".run.tmp-0123abcd"
    leftover.mkdir()
    (leftover / output.MARKER_NAME).write_text("")
    os.mkfifo(tmp_path / ".run.tmp-0123abcd.lock")
    script = f"from sim.results.folder import clean_stale_folders; print(clean_stale_folders({str(tmp_path)!r}))"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
    assert leftover.is_dir() and stat.S_ISFIFO(os.lstat(tmp_path / ".run.tmp-0123abcd.lock").st_mode)


@pytest.mark.skipif(output.fcntl is None, reason="needs advisory locks")
def test_a_lock_held_elsewhere_is_skipped_at_once(tmp_path):
    leftover = tmp_path / ".run.tmp-0123abcd"
    leftover.mkdir()
    (leftover / output.MARKER_NAME).write_text("")
    lock = tmp_path / ".run.tmp-0123abcd.lock"
    lock.write_text("1\n")
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1]); "
                               "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)", str(lock)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        script = f"from sim.results.folder import clean_stale_folders; print(clean_stale_folders({str(tmp_path)!r}))"
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30)
        assert done.stdout.strip() == "[]" and leftover.is_dir()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
