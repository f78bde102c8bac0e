"""Event data read as monthly directed series (sim data events): the real ICEWS sample in tests/data/icews/
(provenance in its README), GDELT rows laid out by the GDELT codebook, and the rows a reader must skip."""

from __future__ import annotations

import zipfile

import pytest

from conftest import ROOT, cli
from sim.errors import EntenteError
from sim.inputs.event_data import quad_class, read_event_data

SAMPLE = ROOT / "tests" / "data" / "icews" / "events.2018-06.sample.tab"
SEVEN = ["Russia", "Pakistan", "India", "US", "China", "Iran", "Taliban"]


@pytest.fixture(scope="module")
def june():
    return {(r["source"], r["target"]): r for r in read_event_data(SAMPLE, SEVEN).records()}


def test_the_icews_sample_counts_match_a_count_by_hand(june):
    # Counted with awk on the file: Source Country "United States", Target Country "China": 71 rows, Intensity
    # summing to 90.6, 16 with a CAMEO root from 09 to 13 and none from 14 to 20.
    us_china = june[("US", "China")]
    assert (us_china["events"], us_china["goldstein_sum"]) == (71, 90.6)
    assert (us_china["verbal_conflict"], us_china["material_conflict"]) == (16, 0)
    assert us_china["verbal_cooperation"] + us_china["material_cooperation"] == 55
    assert us_china["net_cooperation"] == round((55 - 16) / 71, 4)
    # One row, Iran -> United States: CAMEO 111 (criticise), Intensity -2.
    iran_us = june[("Iran", "US")]
    assert (iran_us["events"], iran_us["verbal_conflict"], iran_us["goldstein_sum"]) == (1, 1, -2.0)
    assert iran_us["net_cooperation"] == -1.0
    assert ("US", "Iran") not in june  # no such row in June 2018's sample


def test_the_taliban_rows_are_the_taliban_s_and_afghanistan_is_not_an_actor(june):
    # "Taliban" -> "Military Personnel (United States)": CAMEO 016 (root 01, a statement) at -5 and 120 at -4.
    taliban = june[("Taliban", "US")]
    assert (taliban["events"], taliban["verbal_cooperation"], taliban["verbal_conflict"]) == (2, 1, 1)
    assert taliban["goldstein_sum"] == -9.0
    # The Taliban's rows with Afghan citizens or forces ("Militant (Taliban)" included) have no second actor.
    assert not any("Taliban" in pair and pair != ("Taliban", "US") for pair in june)


def test_the_sample_s_totals_and_what_was_skipped():
    series = read_event_data(SAMPLE, SEVEN)
    assert series.format == "icews" and series.rows == 328
    assert series.kept == 173 and sum(series.skipped.values()) == 155
    assert series.skipped["a side is not one of the actors"] == 129  # the 150 rows of other countries, mostly
    assert series.skipped["both sides are the same actor"] == 26  # e.g. US officials about US agencies
    assert {month for month, _, _ in series.totals} == {"2018-06"}


def test_cameo_codes_are_text_with_their_leading_zeros():
    assert quad_class("040") == 0 and quad_class("0874") == 1 and quad_class("111") == 2
    assert quad_class("190") == 3 and quad_class("20") == 3
    assert quad_class("40") is None  # "040" read as a number: no CAMEO root 40, so never a guess
    assert quad_class("") is None and quad_class("ab") is None and quad_class("21") is None


# GDELT event codebook (1.0 and 2.0): 0 GLOBALEVENTID, 1 SQLDATE, 7 Actor1CountryCode, 8 Actor1KnownGroupCode,
# 17 Actor2CountryCode, 18 Actor2KnownGroupCode, 26 EventCode, 29 QuadClass, 30 GoldsteinScale.
def gdelt_row(date, country_1, group_1, country_2, group_2, code, goldstein, width=61):
    fields = [""] * width
    fields[0], fields[1], fields[7], fields[8] = "1", date, country_1, group_1
    fields[17], fields[18], fields[26], fields[30] = country_2, group_2, code, goldstein
    return "\t".join(fields)


def test_gdelt_rows_of_both_versions_by_country_code_and_group_code(tmp_path):
    for width in (57, 58, 61):  # 1.0 before April 2013, 1.0 daily files, 2.0
        rows = [gdelt_row("20190214", "PAK", "", "IND", "", "190", "-10", width),  # an attack, Pakistan -> India
                gdelt_row("20190215", "IND", "", "PAK", "", "0874", "9", width),  # prisoners released
                gdelt_row("20190301", "AFG", "TAL", "USA", "", "040", "1", width),  # the Taliban consult the US
                gdelt_row("20190301", "AFG", "", "USA", "", "040", "1", width),  # Afghanistan: not an actor
                gdelt_row("20190301", "USA", "", "USA", "", "040", "1", width),  # within one actor
                gdelt_row("2019031", "USA", "", "CHN", "", "040", "1", width),  # a date of 7 digits
                gdelt_row("20190301", "USA", "", "CHN", "", "XYZ", "1", width),  # no CAMEO code
                gdelt_row("20190301", "USA", "", "CHN", "", "040", "11", width),  # Goldstein beyond 10
                "\t".join(["x"] * 20)]  # a truncated row
        path = tmp_path / f"{width}.export.CSV"
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        series = read_event_data(path, SEVEN)
        found = {(r["month"], r["source"], r["target"]): r for r in series.records()}
        assert series.format == "gdelt" and series.rows == 9 and series.kept == 3
        assert found[("2019-02", "Pakistan", "India")]["material_conflict"] == 1
        assert found[("2019-02", "India", "Pakistan")]["material_cooperation"] == 1
        assert found[("2019-03", "Taliban", "US")]["verbal_cooperation"] == 1
        assert series.skipped == {"a side is not one of the actors": 1, "both sides are the same actor": 1,
                                  "unreadable (columns, date, CAMEO code or Goldstein score)": 4}


def test_a_zipped_export_reads_as_the_file_and_a_two_file_zip_is_refused(tmp_path):
    archive = tmp_path / "june.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(SAMPLE, SAMPLE.name)
    assert read_event_data(archive, SEVEN).records() == read_event_data(SAMPLE, SEVEN).records()
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("other.tab", "x")
    with pytest.raises(EntenteError, match="holds 2 files"):
        read_event_data(archive, SEVEN)


def test_an_overlong_line_is_skipped_not_held(tmp_path):
    path = tmp_path / "long.CSV"
    path.write_text(gdelt_row("20190214", "PAK", "", "IND", "", "190", "-10") + "\n" + "y" * 2_500_000 + "\n"
                    + gdelt_row("20190215", "PAK", "", "IND", "", "190", "-10") + "\n", encoding="utf-8")
    series = read_event_data(path, SEVEN)
    assert series.rows == 3 and series.kept == 2
    assert series.skipped["unreadable (columns, date, CAMEO code or Goldstein score)"] == 1


def test_the_command_writes_the_series_and_refuses_what_it_cannot_read(tmp_path):
    done = cli("data", "events", str(SAMPLE), "--out", str(tmp_path / "june.csv"))
    assert done.returncode == 0, done.stderr
    assert "328 rows, 173 between two of the 7 actors" in done.stdout and "skipped 129" in done.stdout
    written = (tmp_path / "june.csv").read_text(encoding="utf-8").splitlines()
    assert written[0].startswith("month,source,target,events,verbal_cooperation")
    assert "2018-06,US,China,71,53,2,16,0,90.6,1.2761,0.5493" in written  # 53 + 2 cooperative of the 71
    again = cli("data", "events", str(SAMPLE), "--out", str(tmp_path / "june.csv"))
    assert again.returncode == 2 and "exists already" in again.stderr and "--force" in again.stderr
    readme = ROOT / "README.md"
    wrong = cli("data", "events", str(readme), "--out", str(tmp_path / "x.csv"))
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "README.md, line 1" in wrong.stderr and "neither an ICEWS header" in wrong.stderr
    assert not (tmp_path / "x.csv").exists()
    empty = tmp_path / "empty.tab"
    empty.write_text("", encoding="utf-8")
    assert "empty" in cli("data", "events", str(empty), "--out", str(tmp_path / "y.csv")).stderr


def test_a_scenario_s_actors_choose_the_pairs(tmp_path):
    done = cli("data", "events", str(SAMPLE), "--scenario", "s400_india", "--out", str(tmp_path / "s.csv"))
    assert done.returncode == 0, done.stderr
    rows = (tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert rows and all(row.split(",")[1] in SEVEN and row.split(",")[2] in SEVEN for row in rows)
