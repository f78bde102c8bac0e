"""summary.json read back through the Summary's strict converter (sim/results/summary.py) and the checks of
sim/results/summary_fields.py: every refusal is one paragraph naming the field by its key in the file.
tests/test_hostile_folders.py reads whole tampered folders; these change one field of a summary's content."""

import copy
import json
from dataclasses import replace

import pytest

from sim.errors import EntenteError
from sim.results.summary import BlocShift, LeanShift, Summary
from sim.results.summary_fields import summary_from_data
from test_summary import EARLY, TOGETHER, make_result, summary_of


def two_runs() -> Summary:
    """Two runs, so the summary has an agreement; its shifts include a bloc shift."""
    return summary_of(make_result(lates=(TOGETHER, EARLY)))


@pytest.fixture(scope="module")
def content() -> dict:
    return json.loads(two_runs().to_json())


def refusal(content: dict, change) -> str:
    data = copy.deepcopy(content)
    change(data)
    with pytest.raises(EntenteError) as caught:
        summary_from_data(data, "folder/summary.json")
    return caught.value.message()


def test_the_content_as_written_reads_back_to_the_same_summary(content):
    summary = summary_from_data(copy.deepcopy(content), "folder/summary.json")
    assert summary == two_runs() and json.loads(summary.to_json()) == content
    assert any(isinstance(shift, BlocShift) for shift in summary.shifts) and summary.agreement is not None
    assert content["agreement"]["actors"][0]["outcome"] in ("stays", "switches")


@pytest.mark.parametrize("change, field, words", [
    # a renamed field is named by its key in the file, not by the dataclass's attribute
    (lambda d: d["agreement"]["actors"][0].update(outcome=3), "agreement.actors[0].outcome",
     "the number 3, not text"),
    (lambda d: d.pop("events"), "field events", "missing"),
    # text where a list goes is refused, never taken letter by letter
    (lambda d: d["changes"][0].update(events="arms_sale"), "changes[0].events", "not a list"),
    (lambda d: d["blocs"].update(initial=3), "blocs.initial", "the number 3, not a list"),
    (lambda d: d["blocs"]["timeline"].__setitem__(0, "month 0"), "blocs.timeline[0]", "not a mapping"),
    (lambda d: d["initial"]["Russia"].update(India="0.5"), "initial.Russia.India", "the text '0.5', not a number"),
    (lambda d: d["shifts"][-1].update(kind="coup"), "shifts[", "the kind 'coup', not 'bloc' or 'lean'"),
    (lambda d: d.update(seed=True), "field seed", "the boolean true, not a whole number"),
    (lambda d: d.update(agreement=[2]), "field agreement", "a list, not a mapping"),  # X | None: X's shape
    # the parameters: their declared types, ranges and choices, and no name the model does not have
    (lambda d: d["parameters"].update(balance_mode=[]), "parameters.balance_mode", "a list, not text"),
    (lambda d: d["parameters"].update(balance_mode="chaos"), "parameters.balance_mode", "outside its range"),
    (lambda d: d["parameters"].update(memory=1e300), "parameters.memory", "outside its range: 0.0 to 1.0"),
    (lambda d: d["parameters"].update(reaction_lag=2.5), "parameters.reaction_lag", "not a whole number"),
    (lambda d: d["parameters"].update(memroy=0.1), "field parameters", "names memroy, not a parameter"),
    (lambda d: d.update(parameters=[]), "field parameters", "a list, not a mapping"),
    (lambda d: d["initial"].update(Russia=[0.5]), "initial.Russia", "a list, not a mapping"),
    (lambda d: d["agreement"]["largest_effect"].update(runs="all"), "agreement.largest_effect.runs",
     "not a whole number"),
])
def test_a_field_of_the_wrong_type_is_one_paragraph_naming_it(content, change, field, words):
    message = refusal(content, change)
    assert "summary.json is damaged" in message and field in message and words in message, message
    assert "Traceback" not in message and "\n" not in message.strip()


def test_content_that_is_not_a_mapping_is_refused(content):
    with pytest.raises(EntenteError, match="it is a list, not a mapping"):
        summary_from_data([content], "folder/summary.json")


def test_a_lean_shift_reads_back_as_one():
    shift = LeanShift(2, "India", 0.1, -0.2, ("Russia",), ())
    summary = summary_of(make_result())
    data = json.loads(summary.to_json())
    data["shifts"] = json.loads(replace(summary, shifts=(shift,)).to_json())["shifts"]
    assert data["shifts"][0]["kind"] == "lean" and list(data["shifts"][0])[:3] == ["month", "actor", "kind"]
    assert summary_from_data(data, "summary.json").shifts == (shift,)

