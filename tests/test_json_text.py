"""summary.json's faster writer (sim/results/json_text.py, issue 25) gives the standard library's bytes."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.results import json_text
from sim.results.summary import summarise


def _standard(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


_SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
            | st.floats(allow_nan=True, allow_infinity=True)
            | st.sampled_from([0.0, -0.0, 1e-05, -4e-06, 1e16, 1e-300, 0.1, 123456.789])
            | st.text(max_size=8))
_KEYS = st.text(max_size=6) | st.sampled_from(["%", "%s", "a\"b", "é→"])
_VALUES = st.recursive(_SCALARS, lambda inner: (
    st.lists(inner, max_size=5) | st.tuples(inner, inner) | st.dictionaries(_KEYS, inner, max_size=5)
    # records with the same keys (the layout the writer fills through one template)
    | st.lists(st.fixed_dictionaries({"a": inner, "%b": inner, "c": st.floats()}), min_size=2, max_size=4)),
    max_leaves=40)


@given(_VALUES)
def test_any_json_value_is_written_as_json_dumps_writes_it(value):
    assert json_text.dumps(value) == _standard(value)


@given(st.dictionaries(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
                       st.floats(), max_size=6))
def test_keys_that_are_not_text_as_json_dumps_writes_them(value):
    assert json_text.dumps(value) == _standard(value)


def test_same_float_in_many_places_and_zeros_of_either_sign():
    """Texts are reused by a float's bits: 0.0 and -0.0 (equal, different text) stay apart."""
    value = {"a": [0.0, -0.0, 1e-05, 1e-05, math.nan], "b": {"x": -0.0, "y": 0.0}, "c": [[0.1] * 3, [-0.0, 0.0]]}
    assert json_text.dumps(value) == _standard(value)


def test_what_json_refuses_it_refuses():
    with pytest.raises(TypeError):
        json_text.dumps({"a": {1, 2}})
    with pytest.raises(TypeError):
        json_text.dumps({(1, 2): 3})


@pytest.mark.parametrize(("name", "runs"), [("arms_sale_pakistan", 1), ("afghan_peace_talks", 5)])
def test_summaries_of_bundled_scenarios_have_the_standard_bytes(name, runs):
    scenario = replace(sim.load_scenario(name), runs=runs)
    summary = summarise(sim.run(scenario))
    assert summary.to_json() == _standard(summary.to_dict()) + "\n"
