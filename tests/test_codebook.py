"""The event codebook: every type's CAMEO code and Goldstein weight agree with the reference table."""

import csv
import shutil

import pytest

from sim.errors import EntenteError
from sim.inputs import resources
from sim.inputs.tables import load_codebook
from sim.inputs.resources import data_file

REQUIRED = {"arms_sale", "military_exercise", "defence_pact", "intelligence_meeting", "diplomatic_visit",
            "economic_deal", "nuclear_cooperation", "peace_talks", "sanctions", "sanctions_threat",
            "condemnation", "covert_support", "military_clash", "terror_attack"}


def test_codebook_has_the_required_types():
    assert REQUIRED <= set(load_codebook())


def test_weights_come_from_the_cameo_goldstein_table():
    with open(data_file("cameo_goldstein.tsv"), encoding="utf-8") as handle:
        table = {row["code"]: row for row in csv.DictReader(handle, delimiter="\t")}
    for kind in load_codebook().values():
        row = table[kind.cameo]
        assert kind.goldstein == float(row["goldstein_gdelt"]) == float(row["goldstein_icews"]), kind.name
        assert 0 <= kind.durable <= 1 and kind.duration >= 1
        assert -1 <= kind.weight <= 1


def test_signs_make_sense():
    book = load_codebook()
    for name in ("arms_sale", "defence_pact", "intelligence_meeting", "peace_talks", "economic_deal"):
        assert book[name].weight > 0
    for name in ("sanctions", "sanctions_threat", "condemnation", "military_clash", "terror_attack"):
        assert book[name].weight < 0
    assert abs(book["arms_sale"].weight) >= 0.7 and abs(book["military_clash"].weight) == 1.0


# --- the codebook declares each type's rules; the loader checks them ------------------------------------


def test_every_type_declares_its_audience_rule_and_ties():
    book = load_codebook()
    for kind in book.values():
        assert kind.audience in ("diplomatic", "capability", "hostile"), kind.name
        assert kind.counter_move is None or kind.counter_move in book
    assert book["arms_sale"].audience == "capability" and book["arms_sale"].one_way
    assert book["arms_sale"].military_tie and not book["summit"].military_tie
    assert book["defence_pact"].military_tie and not book["defence_pact"].one_way
    for name in ("terror_attack", "military_clash", "sanctions", "condemnation", "border_clash"):
        assert book[name].audience == "hostile" and book[name].counter_move, name
    assert book["terror_attack"].counter_move == "military_clash"  # a clash answers an attack
    assert book["condemnation"].counter_move == "condemnation"  # words answer words


def test_the_model_reads_no_table_of_tie_types_of_its_own():
    import sim.model.reactions as agents

    source = open(agents.__file__, encoding="utf-8").read()
    assert "MILITARY_TIES" not in source and "ONE_WAY_TIES" not in source


@pytest.fixture
def codebook_copy(tmp_path, monkeypatch):
    """A writable copy of sim/data, used in place of the bundled one."""
    folder = tmp_path / "data"
    shutil.copytree(resources.data_dir(), folder)
    monkeypatch.setattr(resources, "data_dir", lambda: folder)
    resources.table_document.cache_clear()
    yield folder / "codebook.yaml"
    resources.table_document.cache_clear()


@pytest.mark.parametrize("old, new, field, words", [
    ("    audience: capability\n    military_tie: true\n    one_way: true\n    counter_move: arms_sale\n",
     "    audiance: capability\n    military_tie: true\n    one_way: true\n    counter_move: arms_sale\n",
     "types.arms_sale.audiance", "unknown key 'audiance'"),
    ("    audience: capability\n    military_tie: true\n    one_way: true\n    counter_move: arms_sale\n",
     "    audience: capabilty\n    military_tie: true\n    one_way: true\n    counter_move: arms_sale\n",
     "types.arms_sale.audience", "unknown audience rule 'capabilty'"),
    ("    audience: capability\n    military_tie: true\n    one_way: true\n    counter_move: arms_sale\n",
     "    audience: capability\n    military_tie: yes please\n    one_way: true\n    counter_move: arms_sale\n",
     "types.arms_sale.military_tie", "must be true or false"),
    ("    audience: capability\n    military_tie: true\n    one_way: true\n    counter_move: arms_sale\n",
     "    audience: capability\n    military_tie: true\n    one_way: true\n    counter_move: arms_sael\n",
     "types.arms_sale.counter_move", "unknown counter-move 'arms_sael'"),
])
def test_a_misspelt_key_or_value_names_file_line_and_key(codebook_copy, old, new, field, words):
    text = codebook_copy.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    codebook_copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(EntenteError) as caught:
        load_codebook()
    error = caught.value
    assert words in error.message() and error.field == field
    assert error.file.endswith("codebook.yaml") and error.line is not None
    assert codebook_copy.read_text(encoding="utf-8").splitlines()[error.line - 1].strip().startswith(
        field.rsplit(".", 1)[1])
