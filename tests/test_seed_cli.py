"""`python -m sim seed` end to end, in a temporary folder, as a class would use it; and broken articles."""

import shutil

import pytest
import yaml

from conftest import ARTICLE, ROOT, assert_clean_error, cli, pair_count


def test_seed_in_a_fresh_folder_writes_a_relations_file_and_reports_it(tmp_path):
    shutil.copy(ARTICLE, tmp_path / "article.txt")
    done = cli("seed", "article.txt", "--out", "relations.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "13 from the article (priors updated by the article), 8 from priors" in done.stdout
    assert "Coded from the article: Russia-Pakistan," in done.stdout and "Left to priors: India-China," in done.stdout
    assert "Russia - Pakistan" in done.stdout and "--explain" in done.stdout
    data = yaml.safe_load((tmp_path / "relations.yaml").read_text(encoding="utf-8"))
    assert data["article"] == "article.txt" and len(data["relations"]) == pair_count()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt", "relations.yaml"]  # no temp files left


def test_regenerating_the_bundled_file_is_byte_identical(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("pakistan_russia_relations_article.txt", "overrides.yaml"):
        shutil.copy(ROOT / "seeds" / name, seeds / name)
    first = cli("seed", "seeds/pakistan_russia_relations_article.txt", "--out", "seeds/relations.yaml",
                "--force", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (seeds / "relations.yaml").read_bytes() == (ROOT / "seeds" / "relations.yaml").read_bytes()
    again = cli("seed", "seeds/pakistan_russia_relations_article.txt", "--out", "seeds/relations.yaml",
                cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (seeds / "relations.yaml").read_bytes() == (ROOT / "seeds" / "relations.yaml").read_bytes()


def test_overrides_beside_the_output_are_applied_and_reported(tmp_path):
    (tmp_path / "overrides.yaml").write_text(
        "overrides:\n  - between: [Iran, US]\n    score: -0.9\n    rationale: Sanctions tightened in 2018.\n",
        encoding="utf-8")
    done = cli("seed", ARTICLE, "--out", tmp_path / "relations.yaml")
    assert done.returncode == 0, done.stderr
    assert "1 overridden" in done.stdout and "Sanctions tightened in 2018." in done.stdout
    data = yaml.safe_load((tmp_path / "relations.yaml").read_text(encoding="utf-8"))
    [entry] = [r for r in data["relations"] if set(r["between"]) == {"US", "Iran"}]
    assert entry["source"] == "override" and entry["score"] == -0.9 and entry["coded"]["source"] == "prior"
    ignored = cli("seed", ARTICLE, "--out", tmp_path / "relations.yaml", "--no-overrides")
    assert "0 overridden" in ignored.stdout


def test_explain_prints_the_evidence_for_a_pair_readably():
    done = cli("seed", "--explain", "russia", "Islamabad")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert text.startswith("Russia and Pakistan: +")
    assert "line 13 (again on line 36, counted once)" in text
    assert "CAMEO 062 Cooperate militarily" in text and "joint military exercise" in text
    assert 'negated by "not" (a denied cooperation), so it is dropped' in text and "tanh(" in text
    assert 'hedged by "potential", so firmness 0.50' in text
    assert "Prior (sim/data/priors.yaml): +0.20 as of 2018" in text and "20 November 2014" in text
    assert "start: atanh(+0.20) = +0.203, weight w0 = 2" in text
    assert 'prospective: "still very small"' in text and 'historical: "historical"' in text


def test_explain_a_prior_gives_its_rationale():
    done = cli("seed", "--explain", "United States", "Iran")
    assert done.returncode == 0, done.stderr
    assert "says nothing about this pair" in done.stdout and "1980" in done.stdout
    assert "National Security Presidential Memorandum 11" in done.stdout  # the prior's original source


@pytest.mark.parametrize("args, fragments", [
    (("--explain", "India", "Rusia"), ("unknown actor 'Rusia'", "Did you mean 'Russia'?")),
    (("--explain", "India", "New Delhi"), ("the same actor",)),
    (("--explain", "India", "Russia", "--relations", "nowhere.yaml"), ("nowhere.yaml",)),
    ((), ("no article given",)),
])
def test_explain_and_usage_mistakes_are_clear(args, fragments):
    assert_clean_error(cli("seed", *args), *fragments)


# --- broken articles (issue 4) -------------------------------------------------------------------------


@pytest.mark.parametrize("name, content, fragments", [
    ("latin1.txt", "Russia and Pakistan held a joint exercise in Peshāwar.".encode("latin-1", "replace")
     + b" Caf\xe9 talks.", ("latin1.txt", "not UTF-8", "line 1, column", "Save it again as UTF-8")),
    ("empty.txt", b"", ("empty.txt", "the article is empty", "Paste the article")),
    ("blank.txt", b"   \n\n\t  \n", ("blank.txt", "only blank space")),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("binary.txt", "binary file", "NUL")),
    ("utf16.txt", "Russia and Pakistan".encode("utf-16"), ("utf16.txt", "UTF-16", "UTF-8")),
    ("nobody.txt", b"The weather in Paris was mild all week.\n",
     ("nobody.txt", "names none of the actors", "sim/data/mentions.yaml")),
])
def test_bad_articles_exit_2_with_a_clear_message_and_write_nothing(tmp_path, name, content, fragments):
    (tmp_path / name).write_bytes(content)
    done = cli("seed", name, "--out", "relations.yaml", cwd=tmp_path)
    assert_clean_error(done, *fragments)
    assert not (tmp_path / "relations.yaml").exists()


def test_a_huge_file_is_refused_before_reading(tmp_path):
    from sim.seeding.files import MAX_ARTICLE_BYTES

    big = tmp_path / "big.txt"
    big.write_bytes(b"Russia and Pakistan. " * (MAX_ARTICLE_BYTES // 20 + 1))
    assert_clean_error(cli("seed", big, "--out", tmp_path / "r.yaml"), "big.txt", "more than the limit",
                       "one news article at a time")


def test_a_missing_article_or_a_folder_is_a_clear_error(tmp_path):
    assert_clean_error(cli("seed", tmp_path / "missing.txt", "--out", tmp_path / "r.yaml"),
                       "missing.txt", "does not exist")
    assert_clean_error(cli("seed", tmp_path, "--out", tmp_path / "r.yaml"), "folder, not an article")


def test_a_file_not_written_by_seed_is_never_overwritten(tmp_path):
    notes = tmp_path / "notes.yaml"
    notes.write_text("my: notes\n", encoding="utf-8")
    assert_clean_error(cli("seed", ARTICLE, "--out", notes), "was not written by", "--force")
    assert notes.read_text(encoding="utf-8") == "my: notes\n"
    shutil.copy(ARTICLE, tmp_path / "article.txt")
    assert_clean_error(cli("seed", tmp_path / "article.txt", "--out", tmp_path / "article.txt", "--force"),
                       "the article itself")
    assert (tmp_path / "article.txt").read_bytes() == ARTICLE.read_bytes()
    assert_clean_error(cli("seed", ARTICLE, "--out", tmp_path / "no" / "such" / "r.yaml"), "does not exist")


def test_a_bad_overrides_file_stops_the_run_and_leaves_the_old_file(tmp_path):
    out = tmp_path / "relations.yaml"
    assert cli("seed", ARTICLE, "--out", out).returncode == 0
    before = out.read_bytes()
    (tmp_path / "overrides.yaml").write_text("overrides:\n  - between: [India, Chna]\n    score: 0.2\n"
                                             "    rationale: x\n", encoding="utf-8")
    assert_clean_error(cli("seed", ARTICLE, "--out", out), "overrides.yaml", "line 2", "Did you mean 'China'?")
    assert out.read_bytes() == before


def test_an_article_without_any_cue_gives_priors_and_says_so(tmp_path):
    (tmp_path / "a.txt").write_text("Russia and India.\nThe weather in Islamabad was mild.\n", encoding="utf-8")
    done = cli("seed", "a.txt", "--out", "r.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"0 from the article (priors updated by the article), {pair_count()} from priors" in done.stdout
    assert "every score is a prior" in done.stdout


def test_document_only_is_said_and_recorded(tmp_path):
    done = cli("seed", ARTICLE, "--out", tmp_path / "alone.yaml", "--document-only", "--no-overrides")
    assert done.returncode == 0, done.stderr
    assert "read from the article alone (a neutral start)" in done.stdout
    data = yaml.safe_load((tmp_path / "alone.yaml").read_text(encoding="utf-8"))
    assert data["method"]["mode"].startswith("document only")
    coded = [r for r in data["relations"] if r["source"] == "document"]
    assert coded and all(r["update"]["start"] == 0.0 for r in coded)
    explained = cli("seed", "--explain", "India", "Pakistan", "--relations", tmp_path / "alone.yaml")
    assert "start: atanh(+0.00) = +0.000, weight w0 = 2 (document only: a neutral start)" in explained.stdout


# --- the article's date decides what a capital names (issue 20, item 6) ---------------------------------

KABUL = "Pakistan accused Kabul of sheltering militants. China and Pakistan held talks.\n"


def _pairs(path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data, {tuple(r["between"]): r for r in data["relations"]}


def test_a_date_after_august_2021_reads_kabul_as_the_taliban_and_is_recorded(tmp_path):
    (tmp_path / "a.txt").write_text(KABUL, encoding="utf-8")
    done = cli("seed", "a.txt", "--out", "after.yaml", "--date", "2023-09-01", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "read as of 2023-09-01" in done.stdout
    data, pairs = _pairs(tmp_path / "after.yaml")
    assert data["date"] == "2023-09-01"
    assert pairs[("Pakistan", "Taliban")]["source"] == "document"
    assert pairs[("Pakistan", "Taliban")]["score"] < pairs[("Pakistan", "Taliban")]["prior"]["score"]
    before = cli("seed", "a.txt", "--out", "before.yaml", "--date", "2021-08-14", cwd=tmp_path)
    assert before.returncode == 0, before.stderr
    data, pairs = _pairs(tmp_path / "before.yaml")
    assert data["date"] == "2021-08-14" and pairs[("Pakistan", "Taliban")]["source"] == "prior"


def test_the_articles_date_line_is_used_and_an_undated_article_records_no_date(tmp_path):
    (tmp_path / "dated.txt").write_text("\nDate: 2022-03-01\n\n" + KABUL, encoding="utf-8")
    (tmp_path / "undated.txt").write_text(KABUL, encoding="utf-8")
    assert cli("seed", "dated.txt", "--out", "d.yaml", cwd=tmp_path).returncode == 0
    assert cli("seed", "undated.txt", "--out", "u.yaml", cwd=tmp_path).returncode == 0
    dated, pairs = _pairs(tmp_path / "d.yaml")
    assert dated["date"] == "2022-03-01" and pairs[("Pakistan", "Taliban")]["source"] == "document"
    undated, pairs = _pairs(tmp_path / "u.yaml")
    assert "date" not in undated and pairs[("Pakistan", "Taliban")]["source"] == "prior"
    overridden = cli("seed", "dated.txt", "--out", "o.yaml", "--date", "2020-01-01", cwd=tmp_path)
    assert overridden.returncode == 0 and _pairs(tmp_path / "o.yaml")[0]["date"] == "2020-01-01"


def test_a_bad_date_is_a_clear_error_and_writes_nothing(tmp_path):
    (tmp_path / "a.txt").write_text(KABUL, encoding="utf-8")
    assert_clean_error(cli("seed", "a.txt", "--out", "r.yaml", "--date", "2023-13-01", cwd=tmp_path),
                       "--date", "'2023-13-01' is not a date", "YYYY-MM-DD")
    (tmp_path / "b.txt").write_text("\nDate: 1 March 2022\n" + KABUL, encoding="utf-8")
    assert_clean_error(cli("seed", "b.txt", "--out", "r.yaml", cwd=tmp_path),
                       "b.txt", "line 2", "'1 March 2022' is not a date", "--date")
    assert_clean_error(cli("seed", "--explain", "India", "Russia", "--date", "2022-01-01"), "--date")
    assert not (tmp_path / "r.yaml").exists()


def test_date_given_on_the_command_line_takes_the_place_of_a_bad_date_line(tmp_path):
    (tmp_path / "b.txt").write_text("Date: March 2022\n" + KABUL, encoding="utf-8")
    done = cli("seed", "b.txt", "--out", "r.yaml", "--date", "2022-03-01", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _pairs(tmp_path / "r.yaml")[1][("Pakistan", "Taliban")]["source"] == "document"
