"""generators: the public API, determinism, verification and configuration errors."""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction

import pytest

import generators
from generators import (
    PATTERNS,
    PRESETS,
    ConfigError,
    GenerationError,
    GeneratorConfig,
    Problem,
    generate,
    generate_one,
    make_config,
)
from generators.core import verify
from solver import grade


def test_items_are_pure_functions_of_seed_index_and_config():
    a = generate(60, seed=3)
    b = generate(60, seed=3)
    assert [p.to_dict() for p in a] == [p.to_dict() for p in b]
    # The same item whatever batch it is generated in.
    tail = generate(10, seed=3, start=50)
    assert [p.to_dict() for p in tail] == [p.to_dict() for p in a[50:]]
    cfg = make_config()
    assert generate_one(3, 17, cfg).to_dict() == a[17].to_dict()


def test_different_seeds_and_splits_give_different_items():
    base = [p.question for p in generate(40, seed=0)]
    assert base != [p.question for p in generate(40, seed=1)]
    test_split = generate(40, seed=0, namespace="test")
    assert base != [p.question for p in test_split]
    assert all(p.id.startswith("synthetic-test-0-") for p in test_split)


def test_problem_fields_and_access():
    p = generate(1, seed=5)[0]
    assert isinstance(p, Problem)
    assert p.id == "synthetic-5-0" and p.source == "synthetic"
    for key in ("id", "question", "answer", "expert", "pattern", "trace", "trace_data", "difficulty", "source"):
        assert p[key] == getattr(p, key)
        assert key in p
    with pytest.raises(KeyError):
        p["nope"]
    d = p.to_dict()
    assert Problem.from_dict(d) == p
    assert p.pattern in PATTERNS and p.expert == PATTERNS[p.pattern].expert
    assert set(p.difficulty) >= {"steps", "experts", "magnitude", "level"}


def test_every_gold_trace_grades_one_against_its_question():
    for p in generate(300, seed=8, preset="hard"):
        outcome = grade(p.trace, p.answer, expert=p.expert, question=p.question)
        assert outcome.reward == 1.0, (p.id, outcome)
        assert outcome.answer == Fraction(p.answer)


def test_answers_are_canonical_integers_by_default():
    for p in generate(300, seed=9):
        assert re.fullmatch(r"[1-9][0-9]*", p.answer), p.answer


def test_verify_raises_on_a_wrong_gold_answer():
    p = generate(1, seed=2)[0]
    spec = PATTERNS[p.pattern]
    with pytest.raises(GenerationError, match="graded 0.7"):
        verify(p.trace_data, Fraction(p.answer) + 1, spec, p.question, p.id)


def test_verify_raises_on_an_ungrounded_number():
    from solver import CONSTANTS

    # Drop the question's first number: the trace now uses a number the question lacks.
    for p in generate(20, seed=2, patterns=["cmp_times_more"], number_words=0.0):
        first = re.search(r"\d+", p.question)
        if first and Fraction(first.group()) not in CONSTANTS:
            break
    else:
        pytest.fail("no item with a non-constant first number")
    question = p.question[: first.start()] + "some" + p.question[first.end():]
    with pytest.raises(GenerationError, match="invalid"):
        verify(p.trace_data, Fraction(p.answer), PATTERNS[p.pattern], question, p.id)


def test_presets_are_valid_and_differ():
    assert {"seed", "easy", "medium", "default", "hard", "curriculum"} <= set(PRESETS)
    for name in PRESETS:
        assert len(generate(5, seed=0, preset=name)) == 5
    easy = generate(200, seed=1, preset="easy")
    hard = generate(200, seed=1, preset="hard")
    assert all(p.difficulty["experts"] == 1 for p in easy)
    mean = lambda ps: sum(p.difficulty["steps"] for p in ps) / len(ps)  # noqa: E731
    assert mean(hard) > mean(easy) + 1


@pytest.mark.parametrize("bad", [
    dict(phrasings=0),
    dict(number_words=1.5),
    dict(distractors=-0.1),
    dict(expert_weights={"algebra": 1.0}),
    dict(expert_weights={"arithmetic": 0.0}),
    dict(pattern_weights={"nope": 1.0}),
    dict(patterns=["nope"]),
    dict(level=9),
    dict(difficulty={"magnitude": 7}),
    dict(difficulty={"chain_length": (2, 4)}),
    dict(difficulty={"chain_length": (6, 4)}),
    dict(max_distractors=5),
    dict(wording="sometimes"),
    dict(namespace="a b"),
    dict(bogus=1),
    dict(patterns=["comp3_games_total"], difficulty={"max_experts": 2}),
])
def test_bad_config_is_rejected_with_a_clear_error(bad):
    with pytest.raises(ConfigError):
        generate(1, **bad)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="unknown preset"):
        generate(1, preset="impossible")
    with pytest.raises(ValueError):
        generate(-1)
    with pytest.raises(ConfigError):
        generate(1, preset="hard", config=GeneratorConfig())
    assert generate(0) == []


def test_gsm8k_module_is_not_imported_eagerly():
    # A fresh interpreter: this one may have imported generators.gsm8k for another test.
    code = ("import sys, generators; eager = 'generators.gsm8k' in sys.modules; "
            "generators.gsm8k.parse_gold_answer; print(eager, 'generators.gsm8k' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
    assert "gsm8k" not in generators.__all__


def test_items_do_not_depend_on_the_process_hash_seed():
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    outs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        cmd = [sys.executable, "-m", "generators", "sample", "-n", "40", "--seed", "9", "--json", "--preset", "hard"]
        outs.append(subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd=root).stdout)
    assert outs[0] == outs[1] and outs[0].count("\n") == 40


def test_problem_is_the_one_record_with_an_optional_target():
    p = generate(1, seed=0)[0]
    assert p["question"] == p.question and "target" in p and p.target is None
    assert "target" not in p.to_dict()  # a generated problem's dict is the generator record
    q = p.with_target("ref", "generic")
    assert q.target and q.target != p.trace and q.to_dict()["target"] == q.target
    assert Problem.from_dict(q.to_dict()) == q
    assert p.with_target().target == p.trace and p.chain_length == p.difficulty["steps"]
    assert p.grade(p.trace).correct
