"""The CoT baseline (training/cot.py): targets, final-answer grading, the dev split, the time budget."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest

from generators.gsm8k.dev import is_dev
from training import cot

TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "gsm8k" / "train.jsonl"

NATALIA = ("Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n"
           "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72")


def test_targets_strip_the_calculator_annotations_and_end_with_the_answer() -> None:
    assert cot.cot_target(NATALIA) == ("Natalia sold 48/2 = 24 clips in May.\n"
                                       "Natalia sold 48+24 = 72 clips altogether in April and May.\n#### 72")
    kept = cot.cot_target(NATALIA, keep_annotations=True)
    assert "<<48/2=24>>" in kept and kept.endswith("\n#### 72")
    assert cot.cot_target("He pays 600 x 2 = $<<600*2=1200>>1200.\n\n####  1,200").endswith("$1200.\n#### 1200")
    with pytest.raises(ValueError, match="####"):
        cot.cot_target("no final answer here")


@pytest.mark.parametrize(("text", "expected"), [
    ("so 24 + 48 = 72\n#### 72", "72"),
    ("#### $1,200.50", "1200.5"),
    ("#### -3 apples", "-3"),
    ("#### 5\n#### 7", "7"),           # the last marker counts
    ("#### 0.50", "0.5"),
    ("the answer is 72", None),        # no marker, no answer
    ("#### seventy-two", None),
    ("", None),
])
def test_the_final_answer_is_the_number_after_the_last_marker(text: str, expected: str | None) -> None:
    assert cot.final_answer(text) == expected


def test_grading_compares_numbers_not_strings() -> None:
    assert cot.is_correct("... #### 72.0", "72")
    assert cot.is_correct("#### 1,200", "1200")
    assert not cot.is_correct("#### 71", "72")
    assert not cot.is_correct("72", "72")  # an answer must follow '####'


def _rows(n: int) -> list[dict]:
    return [{"question": f"Tom has {k} apples and buys {k + 3} more. How many apples does Tom have?",
             "answer": f"{k} + {k + 3} = <<{k}+{k + 3}={2 * k + 3}>>{2 * k + 3}\n#### {2 * k + 3}"} for k in range(2, n)]


def test_dev_and_training_parts_follow_the_fixed_dev_split(tmp_path: Path) -> None:
    import generators

    rows = [{"question": p.question, "answer": f"It works out to {p.answer}.\n#### {p.answer}"}
            for p in generators.generate(150, seed=7, preset="hard")]
    rows[5]["question"] += "\u2028Count\u0085them."  # line separators inside a question stay inside it
    path = tmp_path / "g.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    dev, train = cot.cot_examples(path, "dev"), cot.cot_examples(path, "train")
    assert dev and train
    assert {e.question for e in dev} == {r["question"] for r in rows if is_dev(r["question"])}
    assert {e.question for e in train} <= {r["question"] for r in rows if not is_dev(r["question"])}
    assert len(cot.cot_examples(path, "all")) == len(rows)
    assert any("\u2028" in e.question for e in cot.cot_examples(path, "all"))


def test_examples_carry_the_canonical_answer_and_the_target(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows(6)), encoding="utf-8")
    first = cot.cot_examples(path, "all")[0]
    assert (first.id, first.answer, first.target) == ("gsm8k-0", "7", "2 + 5 = 7\n#### 7")
    assert cot.row(first)["completion"] == [{"role": "assistant", "content": "2 + 5 = 7\n#### 7"}]
    assert cot.row(first)["prompt"] == [{"role": "user", "content": first.question}]


def test_bad_input_gets_a_clear_error(tmp_path: Path) -> None:
    converted = tmp_path / "converted.jsonl"  # the converter's output carries no worked solution
    converted.write_text(json.dumps({"question": "q?", "answer": "4", "trace": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="official layout"):
        cot.cot_examples(converted, "all")
    with pytest.raises(ValueError, match="part"):
        cot.cot_examples(converted, "test")
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.jsonl:1"):
        cot.cot_examples(broken, "all")


def test_the_real_dev_split_is_the_trace_side_s_dev_split() -> None:
    if not TRAIN.exists():
        pytest.skip("../shared/gsm8k/train.jsonl is not here")
    from training.data import gsm8k

    dev = cot.cot_examples(TRAIN, "dev")
    assert len(dev) == 473
    assert [e.question for e in dev] == [e.question for e in gsm8k(str(TRAIN), "ref", part="dev")]
    assert all("<<" not in e.target and e.target.rsplit("\n", 1)[-1] == f"#### {e.answer}" for e in dev)


def test_the_budget_schedule_warms_up_then_follows_a_cosine_to_zero() -> None:
    budget = cot.Budget(100.0, peak_lr=1.0, warmup=0.1)
    assert budget.factor(budget.used(0.0, 0)) == 0.0
    assert budget.factor(budget.used(5.0, 0)) == pytest.approx(0.5)      # half-way through the warm-up
    assert budget.factor(budget.used(10.0, 0)) == pytest.approx(1.0)     # peak at the end of the warm-up
    assert budget.factor(budget.used(55.0, 0)) == pytest.approx(0.5)     # half-way through: (1 + cos(pi/2)) / 2
    assert budget.factor(budget.used(32.5, 0)) == pytest.approx((1 + math.cos(math.pi / 4)) / 2)
    assert budget.factor(budget.used(100.0, 0)) == pytest.approx(0.0, abs=1e-12)
    assert budget.used(500.0, 0) == 1.0


def test_a_token_budget_and_both_budgets_together() -> None:
    tokens = cot.Budget(tokens=1000, peak_lr=1.0, warmup=0.0)
    assert tokens.used(1e6, 250) == 0.25 and tokens.factor(0.5) == pytest.approx(0.5)
    both = cot.Budget(10.0, 1000, peak_lr=1.0)
    assert both.used(2.0, 900) == 0.9 and both.used(9.0, 100) == 0.9  # whichever is further along
    assert cot.Budget(peak_lr=1.0).used(1e9, 10**9) is None
    assert cot.Budget(peak_lr=1.0).factor(None) == 1.0
    for bad in ({"seconds": 0}, {"tokens": -5}, {"seconds": 10, "warmup": 1.0}):
        with pytest.raises(ValueError):
            cot.Budget(peak_lr=1.0, **bad)


def test_a_time_budget_ends_real_cot_training_and_the_model_is_graded(tmp_path: Path) -> None:
    from transformers import TrainerCallback

    from agents.default_model import DefaultModelSpec
    from agents.loading import load_model_and_tokenizer
    from training.args import GSMTraceSFTConfig
    from training.data import to_dataset
    from training.sft import trainer_class

    rows = _rows(60)
    path = tmp_path / "g.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    train = cot.cot_examples(path, "all")
    dev = train[:6]
    spec = DefaultModelSpec(vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                            num_attention_heads=2)
    model, tokenizer = load_model_and_tokenizer(str(cot.build_cot_model(spec, train, tmp_path / "init")))
    assert len(tokenizer) == 300  # the same vocabulary size as the spec asks
    budget = cot.Budget(3.0, peak_lr=5e-3)
    config = GSMTraceSFTConfig(output_dir=str(tmp_path / "run"), per_device_train_batch_size=4, num_train_epochs=1000,
                               lr_scheduler_type="constant", warmup_steps=0, save_strategy="no", max_length=128,
                               include_num_input_tokens_seen="non_padding", disable_tqdm=True, report_to="none")
    trainer = trainer_class()(model=model, args=config, train_dataset=to_dataset([cot.row(e) for e in train]),
                              processing_class=tokenizer)
    trainer.add_callback(budget)
    used_lr: list[float] = []

    class Recorder(TrainerCallback):  # the learning rate each optimizer step actually used
        def on_pre_optimizer_step(self, args, state, control, optimizer=None, **kw):  # noqa: ANN001
            used_lr.append(optimizer.param_groups[0]["lr"])

    trainer.add_callback(Recorder())
    started = time.perf_counter()
    trainer.train()
    assert 3.0 <= time.perf_counter() - started < 60  # stopped by the budget, not by 1000 epochs
    assert budget.steps == trainer.state.global_step > 0 and budget.tokens > 0
    assert budget.train_seconds >= 3.0
    assert len(used_lr) == budget.steps and max(used_lr) <= 5e-3
    assert used_lr[-1] < 5e-3 * 0.1 < max(used_lr)  # a cosine that had nearly reached zero at the end
    result = cot.evaluate(trainer.model, tokenizer, dev, max_new_tokens=8, batch_size=4)
    assert result["n"] == 6 and len(result["correct"]) == 6
    assert result["accuracy"] == result["correct"].count(True) / 6
    assert result["ci95"][0] <= result["accuracy"] <= result["ci95"][1]


def test_a_program_rendered_as_a_chain_of_thought() -> None:
    question = "A box holds 12 pens. Ana buys 3 boxes and gives away 5 pens. How many pens does she have?"
    trace = ("expert: arithmetic\ntrace:\n- {op: init, var: per_box, value: 12}\n- {op: init, var: boxes, value: 3}\n"
             "- {op: compute, compute_op: mul, args: [per_box, boxes], var: step1}\n- {op: init, var: given, value: 5}\n"
             "- {op: compute, compute_op: sub, args: [step1, given], var: result}\n- {op: query, var: result}\n")
    assert cot.program_cot(trace, question) == "12 times 3 is 36.\n36 minus 5 is 31.\n#### 31"
    with pytest.raises(ValueError, match="does not run"):
        cot.program_cot(trace.replace("value: 5", "value: 6"), question)


def test_every_rendered_line_is_true_arithmetic_and_ends_with_the_answer() -> None:
    # each line is re-computed here from its words (an independent reading of the text)
    import re
    from fractions import Fraction

    import generators

    words = {"plus": lambda a, b: a + b, "minus": lambda a, b: a - b, "times": lambda a, b: a * b,
             "divided by": lambda a, b: a / b}
    line = re.compile(r"^(-?[\d.]+) (plus|minus|times|divided by) (-?[\d.]+) is (-?[\d./]+)\.$")
    checked = 0
    for p in generators.generate(150, seed=11, level=3, decimals=0.3):
        text = cot.program_cot(p.trace, p.question)
        *lines, last = text.split("\n")
        assert cot.final_answer(last) is not None and Fraction(cot.final_answer(last)) == Fraction(p.answer)
        for step in lines:
            m = line.match(step)
            if m and "/" not in m.group(4) and "%" not in step:
                a, op, b, c = m.groups()
                assert words[op](Fraction(a), Fraction(b)) == Fraction(c), step
                checked += 1
    assert checked > 150
