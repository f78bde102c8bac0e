"""The event codebook: every type's CAMEO code and Goldstein weight agree with the reference table."""

import csv

from sim.io.tables import load_codebook
from sim.io.resources import data_file

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
