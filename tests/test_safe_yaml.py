"""The YAML door: plain data with positions in, and every hostile or broken file refused clearly."""

import pytest

from sim.errors import EntenteError
from sim.inputs.safe_yaml import MAX_BYTES, MAX_NODES, load_yaml, load_yaml_text

SCENARIO = """\
name: Arms sale
months: 24
events:
  - at: 3
    type: arms_sale
    from: Russia
    to: Pakistan
  - {at: 5, type: meeting, between: [India, US]}
parameters:
  memory: 0.2
"""


def refused(text: str, **options) -> EntenteError:
    with pytest.raises(EntenteError) as caught:
        load_yaml_text(text, filename="class.yaml", **options)
    return caught.value


def refused_file(path, **options) -> EntenteError:
    with pytest.raises(EntenteError) as caught:
        load_yaml(path, **options)
    return caught.value


# --- valid files ---------------------------------------------------------------------------------------


def test_plain_yaml_becomes_plain_python_data_in_file_order():
    document = load_yaml_text(SCENARIO, filename="arms.yaml")
    assert document.data == {
        "name": "Arms sale",
        "months": 24,
        "events": [
            {"at": 3, "type": "arms_sale", "from": "Russia", "to": "Pakistan"},
            {"at": 5, "type": "meeting", "between": ["India", "US"]},
        ],
        "parameters": {"memory": 0.2},
    }
    assert list(document.data) == ["name", "months", "events", "parameters"]
    assert list(document.data["events"][0]) == ["at", "type", "from", "to"]
    assert document.filename == "arms.yaml"


def test_scalars_keep_their_types():
    data = load_yaml_text("a: 3\nb: -2.5\nc: true\nd: null\ne: '7'\nf: ~\ng: 'yes'\nh: text\n").data
    assert data == {"a": 3, "b": -2.5, "c": True, "d": None, "e": "7", "f": None, "g": "yes", "h": "text"}
    assert type(data["a"]) is int and type(data["b"]) is float and type(data["e"]) is str


def test_dates_stay_text_and_exponents_are_numbers():
    data = load_yaml_text("date: 2024-05-01\nbig: 1e3\nsmall: -2.5E-2\nword: e3\n").data
    assert data == {"date": "2024-05-01", "big": 1000.0, "small": -0.025, "word": "e3"}


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: Kabul talks\nnote: café\n".encode("utf-8"))
    assert load_yaml(path).data == {"name": "Kabul talks", "note": "café"}


def test_file_and_text_give_the_same_document(tmp_path):
    path = tmp_path / "arms.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    from_file = load_yaml(path)
    assert from_file.data == load_yaml_text(SCENARIO).data
    assert from_file.filename == str(path)
    assert from_file.position(("events", 1, "between", 1)) == (8, 45)


def test_aliases_expand_to_independent_copies():
    data = load_yaml_text("base: &b [1, 2]\ncopy: *b\n").data
    assert data == {"base": [1, 2], "copy": [1, 2]}
    data["copy"].append(3)
    assert data["base"] == [1, 2]


# --- positions -------------------------------------------------------------------------------------------


def test_positions_of_nested_values():
    document = load_yaml_text(SCENARIO)
    assert document.position(()) == (1, 1)
    assert document.position(("name",)) == (1, 1)
    assert document.position(("events",)) == (3, 1)
    assert document.position(("events", 0)) == (4, 5)  # the item, after "- "
    assert document.position(("events", 0, "to")) == (7, 5)
    assert document.position(("events", 1)) == (5 + 3, 5)
    assert document.position(("events", 1, "type")) == (8, 13)
    assert document.position(("events", 1, "between", 0)) == (8, 38)
    assert document.position(("parameters", "memory")) == (10, 3)


def test_a_missing_path_points_at_its_deepest_existing_parent():
    document = load_yaml_text(SCENARIO)
    assert document.position(("events", 0, "intensity")) == (4, 5)
    assert document.position(("events", 7, "to")) == (3, 1)
    assert document.position(("nowhere", "at", "all")) == (1, 1)
    assert document.position(["parameters", "memory"]) == (10, 3)  # any sequence works as a path


# --- tags ------------------------------------------------------------------------------------------------


def test_python_tags_are_refused():
    error = refused("name: ok\nrun: !!python/object/apply:os.system [echo hacked]\n")
    assert "!!python/object/apply:os.system" in str(error) and "not allowed" in str(error)
    assert (error.file, error.line, error.column) == ("class.yaml", 2, 6)


def test_python_name_tags_are_refused():
    error = refused("name: !!python/name:os.system ''\n")
    assert "not allowed" in str(error) and error.line == 1


def test_custom_tags_are_refused():
    error = refused("events:\n  - to: !Russia Pakistan\n")
    assert "custom tag !Russia is not allowed" in str(error)
    assert error.line == 2 and "quotes" in str(error)


def test_non_plain_standard_tags_are_refused():
    assert "!!set is not allowed" in str(refused("a: !!set {x, y}\n"))
    assert "!!binary is not allowed" in str(refused("a: !!binary aGVsbG8=\n"))


def test_plain_explicit_tags_work_and_wrong_ones_are_explained():
    assert load_yaml_text("a: !!str 12\nb: !!float 3\n").data == {"a": "12", "b": 3.0}
    error = refused("a: !!int twelve\n")
    assert "'twelve' cannot be read as a whole number" in str(error) and error.line == 1


# --- keys ------------------------------------------------------------------------------------------------


def test_duplicate_keys_name_the_key_and_both_lines():
    error = refused("name: first\nmonths: 12\nname: second\n")
    assert "duplicate key 'name'" in str(error)
    assert "line 1 and on line 3" in str(error)
    assert error.line == 3


def test_duplicate_keys_are_found_in_nested_mappings():
    error = refused("events:\n  - at: 1\n    to: India\n    at: 2\n")
    assert "duplicate key 'at'" in str(error) and error.line == 4


def test_quoted_and_plain_spellings_of_a_key_are_duplicates():
    assert "duplicate key 'to'" in str(refused("to: India\n'to': US\n"))


def test_a_boolean_key_says_so_and_suggests_quotes():
    error = refused("name: x\nactors:\n  no: 3\n")
    assert "the key 'no' is read as the boolean false" in str(error)
    assert "'no':" in str(error) and error.line == 3


def test_number_null_and_list_keys_are_refused():
    assert "the key '2024' is a number" in str(refused("2024: election\n"))
    assert "a key is empty" in str(refused("~: 1\n"))
    assert "this key is a list" in str(refused("? [a, b]\n: 1\n"))


# --- merge keys ------------------------------------------------------------------------------------------


def test_merge_keys_work_and_written_keys_win():
    text = ("defaults: &d {type: meeting, intensity: 1.0}\n"
            "events:\n"
            "  - <<: *d\n"
            "    intensity: 2.0\n"
            "    at: 4\n")
    document = load_yaml_text(text)
    assert document.data["events"] == [{"type": "meeting", "intensity": 2.0, "at": 4}]
    assert document.position(("events", 0, "intensity")) == (4, 5)  # the written key, not the merged one
    assert document.position(("events", 0, "type")) == (1, 15)  # where the merged value was written


def test_the_first_of_several_merged_mappings_wins():
    text = "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n"
    assert load_yaml_text(text).data["c"] == {"x": 1, "y": 2}


def test_merging_something_that_is_not_a_mapping_is_refused():
    error = refused("a: &a [1, 2]\nb:\n  <<: *a\n")
    assert "merge key '<<'" in str(error) and error.line == 1


# --- alias bombs -----------------------------------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused():
    error = refused(billion_laughs())
    assert "alias" in str(error) and "billion laughs" in str(error)
    assert f"{MAX_NODES:,}" in str(error)
    assert error.line is not None


def test_a_small_use_of_aliases_is_fine():
    data = load_yaml_text(billion_laughs(levels=2)).data
    assert len(data["a2"]) == 9 and len(data["a2"][0]) == 9
    assert data["a2"][8][8] == ["lol"] * 9


def test_a_recursive_alias_is_refused():
    error = refused("a: &loop\n  - 1\n  - *loop\n")
    assert "alias" in str(error) and "endless" in str(error) and error.line == 1  # at the anchor


def test_very_deep_nesting_is_refused():
    error = refused("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested more than" in str(error) and error.line == 1


# --- bytes -----------------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # all NUL bytes: reading it first would report a binary file
    error = refused_file(path)
    assert "larger than the limit of 1,000,000 bytes" in str(error) and str(path) in str(error)


def test_the_size_limit_can_be_lowered(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text("name: " + "x" * 200 + "\n", encoding="utf-8")
    assert "larger than the limit of 100 bytes" in str(refused_file(path, max_bytes=100))
    assert load_yaml(path, max_bytes=1000).data == {"name": "x" * 200}


def test_non_utf8_bytes_name_the_place(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: talks\nplace: Genève\n".encode("latin-1"))
    error = refused_file(path)
    assert "not UTF-8" in str(error) and "0xe8" in str(error) and "byte offset 22" in str(error)
    assert (error.line, error.column) == (2, 11)


def test_nul_bytes_mean_a_binary_file(tmp_path):
    path = tmp_path / "picture.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    error = refused_file(path)
    assert "binary file" in str(error) and error.line == 3


def test_utf16_is_explained(tmp_path):
    path = tmp_path / "notepad.yaml"
    path.write_bytes("name: talks\n".encode("utf-16"))
    assert "UTF-16" in str(refused_file(path))


def test_control_characters_are_refused():
    error = refused("name: a\x07b\n")
    assert "control character U+0007" in str(error) and (error.line, error.column) == (1, 8)


def test_missing_file_and_folder(tmp_path):
    error = refused_file(tmp_path / "nowhere.yaml")
    assert "does not exist" in str(error) and "nowhere.yaml" in str(error)
    assert "is a folder, not a scenario file" in str(refused_file(tmp_path))


def test_a_missing_file_suggests_a_close_name(tmp_path):
    (tmp_path / "arms_sale.yaml").write_text("name: x\n", encoding="utf-8")
    error = refused_file(tmp_path / "arms_sael.yaml", what="relations file")
    assert "the relations file" in str(error) and "arms_sale.yaml" in str(error)


# --- documents and syntax ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_an_empty_file_says_it_is_empty(text):
    error = refused(text, what="relations file")
    assert "the relations file is empty" in str(error) and error.file == "class.yaml"


def test_several_documents_are_refused():
    error = refused("name: one\n---\nname: two\n")
    assert "more than one YAML document" in str(error) and error.line == 2


def test_tab_indentation():
    error = refused("name: tabs\nevents:\n\t- {at: 1, to: India}\n")
    assert "tab" in str(error) and "spaces" in str(error) and error.line == 3


def test_missing_space_after_a_colon():
    error = refused("name: x\nmonths:12\nseed: 3\n")
    assert error.line == 2 and "'months: 12', not 'months:12'" in str(error)


def test_unclosed_quote_points_at_the_opening_quote():
    error = refused("name: x\nnote: \"an open quote\nmonths: 12\n")
    assert "quoted text is never closed" in str(error) and (error.line, error.column) == (2, 7)


def test_unclosed_bracket_points_at_the_opening_bracket():
    error = refused("name: x\nevents:\n  - {at: 1, to: India\nmonths: 12\n")
    assert "not closed" in str(error) and error.line == 3


def test_mixing_a_list_and_a_mapping_at_one_level():
    error = refused("name: x\nevents:\n  - at: 1\n  type: meeting\n")
    assert error.line == 4 and "either list items" in str(error)


def test_an_unquoted_colon_in_a_value():
    error = refused("name: Act 1: talks\n")
    assert error.line == 1 and "quotes" in str(error)


def test_an_undefined_alias():
    error = refused("a: *nothing\n")
    assert "no anchor" in str(error) and error.line == 1


def test_syntax_errors_are_one_paragraph():
    error = refused("name: x\nevents:\n  - at: 1\n  type: meeting\n")
    assert "\n" not in str(error) and str(error).startswith("class.yaml, line 4, column 3: ")


@pytest.mark.parametrize("codec, name", [("utf-32-le", "UTF-32"), ("utf-32-be", "UTF-32"),
                                         ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16")])
def test_a_wide_encoding_is_named_right_for_yaml_files_and_articles(tmp_path, codec, name):
    # The UTF-16 LE mark (FF FE) is the start of the UTF-32 LE one (FF FE 00 00): a UTF-32 file must not be
    # called UTF-16. Written with the mark an editor writes ("\ufeff" first).
    from sim.seeding.files import read_article

    raw = "\ufeffname: Kabul talks\n".encode(codec)
    path = tmp_path / "wide.yaml"
    path.write_bytes(raw)
    other = "UTF-16" if name == "UTF-32" else "UTF-32"
    for read in (load_yaml, read_article):
        with pytest.raises(EntenteError) as caught:
            read(path)
        assert f"saved as {name} text" in str(caught.value) and other not in str(caught.value)


def test_libyaml_and_pure_python_parsers_read_every_bundled_file_alike():
    """The fast path (libyaml's events) must give the same data and the same places as PyYAML's parser."""
    from pathlib import Path

    from sim.inputs import safe_yaml

    python_loader, c_loader = safe_yaml._loader_classes()
    if c_loader is None:
        pytest.skip("PyYAML was built without libyaml here")
    root = Path(__file__).resolve().parent.parent
    files = [p for folder in ("sim/data", "seeds", "scenarios", "hindcasts", "tests/broken_scenarios")
             for p in sorted((root / folder).glob("*.yaml"))]
    assert len(files) > 40
    compared = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            slow = safe_yaml._parse_with(python_loader, text, str(path), "file")
        except EntenteError:
            continue  # a broken file: the fast path hands every syntax problem back to the slow one
        fast = safe_yaml._parse_with(c_loader, text, str(path), "file")
        same = fast.data == slow.data or "nan" in text  # nan != nan
        assert same and fast._positions == slow._positions, path.name
        compared += 1
    assert compared > 30


def test_a_syntax_error_reads_the_same_through_the_fast_path():
    from sim.inputs import safe_yaml

    text = "name: x\nevents: [\n  {at: 1\n"
    python_loader, _ = safe_yaml._loader_classes()
    with pytest.raises(EntenteError) as slow:
        safe_yaml._parse_with(python_loader, text, "s.yaml", "scenario file")
    with pytest.raises(EntenteError) as caught:
        load_yaml_text(text, filename="s.yaml")
    assert str(caught.value) == str(slow.value)
    assert "s.yaml, line" in str(caught.value)


def test_a_file_read_again_is_an_independent_copy(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    first = load_yaml(path)
    first.data["events"][0]["to"] = "changed by the caller"
    second = load_yaml(path)
    assert second.data["events"][0]["to"] == "Pakistan"
    assert second.position(("events", 0, "to")) == first.position(("events", 0, "to")) == (7, 5)
    path.write_text(SCENARIO.replace("Pakistan", "India"), encoding="utf-8")
    assert load_yaml(path).data["events"][0]["to"] == "India"  # the text changed: read afresh
