"""The pointer form (`generators.refs`): what it rewrites, and that its two users agree.

`GeneratorConfig(refs=True)` and the SFT targets (`generators.refs.target_trace` with
`trace_form="ref"`) must give the model the same trace for the same problem.
"""

from __future__ import annotations

import pytest

from generators import generate
from generators.refs import rewrite_trace
from solver import extract_quantities, format_trace, grade


def to_pointer_trace(data, question, answer):
    return rewrite_trace(data, question, answer, pointer=True)


def test_pointer_form_replaces_question_numbers_and_keeps_constants() -> None:
    question = "A baker makes 14 loaves a day for 3 weeks. He sells 250 loaves. How many are left?"
    data = {"expert": "arithmetic", "trace": [
        {"op": "init", "var": "loaves", "value": 14},
        {"op": "init", "var": "weeks", "value": 3},
        {"op": "init", "var": "days", "value": 7},
        {"op": "compute", "compute_op": "mul", "args": ["loaves", "weeks", "days"], "var": "step1"},
        {"op": "init", "var": "sold", "value": 250},
        {"op": "compute", "compute_op": "sub", "args": ["step1", "sold"], "var": "result"},
        {"op": "query", "var": "result"},
    ]}
    text = to_pointer_trace(data, question, "44")
    assert text is not None
    assert "ref: 1" in text and "ref: 2" in text and "ref: 3" in text
    assert "value: 7" in text  # a constant, not a quantity of the question
    assert grade(text, "44", expert="arithmetic", question=question).correct
    assert to_pointer_trace(data, question, "45") is None  # a wrong answer is refused, not returned


def test_pointer_form_folds_a_scaled_quantity_into_one_reference() -> None:
    # "6 dozen" is one quantity worth 72 in the numbered list: the pointer replaces `init 6` + `mul 12`
    question = "Mei has 6 eggs. She buys 3 dozen more eggs and uses 28 of them. How many eggs does she have now?"
    data = {"expert": "entity_track", "trace": [
        {"op": "init", "var": "mei.eggs", "value": 6},
        {"op": "init", "var": "bought", "value": 3},
        {"op": "compute", "compute_op": "mul", "args": ["bought", 12], "var": "step1"},
        {"op": "add_entity", "var": "mei.eggs", "amount": "step1"},
        {"op": "init", "var": "used", "value": 28},
        {"op": "consume", "var": "mei.eggs", "amount": "used"},
        {"op": "query", "var": "mei.eggs"},
    ]}
    text = to_pointer_trace(data, question, "14")
    assert text is not None and "mul" not in text and "value:" not in text
    assert [line.count("ref:") for line in text.splitlines() if "init" in line] == [1, 1, 1]
    assert grade(text, "14", expert="entity_track", question=question).correct
    # the same product also used elsewhere is left alone (folding would change the result)
    data["trace"].insert(4, {"op": "compute", "compute_op": "add", "args": ["bought", "step1"], "var": "extra"})
    kept = to_pointer_trace(data, question, "14")
    assert kept is not None and "mul" in kept


@pytest.mark.parametrize("preset", ["default", "hard"])
def test_generator_refs_and_training_targets_give_the_same_traces(preset: str) -> None:
    pointed = generate(150, seed=31, preset=preset, refs=True)
    plain = generate(150, seed=31, preset=preset)
    targets = [p.with_target("ref").target for p in plain]
    assert [p.trace for p in pointed] == targets
    assert [p.question for p in pointed] == [p.question for p in plain]  # refs changes only the trace
    assert sum("ref:" in t for t in targets) > 140


def test_every_pointer_names_a_quantity_worth_the_value_it_replaces() -> None:
    # Resolve each `ref: N` by hand from the question's quantities and put the number back:
    # the trace in value form must still grade correct.
    for p in generate(80, seed=32, refs=True, distractors=0.5):
        quantities = extract_quantities(p.question)
        parts = p.trace_data if isinstance(p.trace_data, list) else [p.trace_data]
        restored = []
        for part in parts:
            steps = []
            for step in part["trace"]:
                if "ref" in step:
                    value = quantities[step["ref"] - 1].value
                    step = {**{k: v for k, v in step.items() if k != "ref"}, "value": value}
                steps.append(step)
            restored.append({**part, "trace": steps})
        text = format_trace(restored if isinstance(p.trace_data, list) else restored[0])
        assert "ref:" not in text
        assert grade(text, p.answer, expert=p.expert, question=p.question).correct, p.id


def test_equal_values_in_two_sub_traces_point_at_two_quantities() -> None:
    # "3 puzzles ... 3 students": the second sub-trace's 3 is the fifth quantity, not the first again;
    # bound to the first, the pointer trace gives the right number from another program
    question = ("Noa needs 3 puzzles, which cost $16 each, and 9 highlighters, which cost $5 each. The 3 students "
                "in her group share the cost evenly. What is each student's share of the cost?")
    data = [
        {"expert": "arithmetic", "trace": [
            {"op": "init", "var": "count1", "value": 3}, {"op": "init", "var": "price1", "value": 16},
            {"op": "init", "var": "count2", "value": 9}, {"op": "init", "var": "price2", "value": 5},
            {"op": "compute", "compute_op": "mul", "args": ["count1", "price1"], "var": "step1"},
            {"op": "compute", "compute_op": "mul", "args": ["count2", "price2"], "var": "step2"},
            {"op": "compute", "compute_op": "add", "args": ["step1", "step2"], "var": "result"},
            {"op": "query", "var": "result"}]},
        {"expert": "arithmetic", "trace": [
            {"op": "init", "var": "prev", "source": "prev.result"}, {"op": "init", "var": "groups", "value": 3},
            {"op": "compute", "compute_op": "div", "args": ["prev", "groups"], "var": "result"},
            {"op": "query", "var": "result"}]},
    ]
    text = rewrite_trace(data, question, "31", pointer=True, generic_names=True)
    assert text is not None
    assert "ref: 5" in text.split("- expert:")[2] and "ref: 1" in text.split("- expert:")[1]
    assert grade(text, "31", "composition", question, gold=format_trace(data)).reward == 1.0
    # the binding the rewrite used to choose: the right number, and the program check refuses it
    wrong = text.split("- expert:")
    wrong[2] = wrong[2].replace("ref: 5", "ref: 1")
    assert grade("- expert:".join(wrong), "31", "composition", question, gold=format_trace(data)).reward == 0.7
