"""The chain-of-thought baseline: GSM8K's own worked solutions as SFT targets, graded after `####`.

The trace approach lets a solver do the arithmetic; this baseline makes the model do all of it in
natural language, the way GSM8K's solutions are written. It shares every other choice with the
trace side so that the comparison is about the output form alone:

* the same GSM8K training part (the fixed dev split and its near-duplicates removed,
  `generators.gsm8k.dev.split_dev`) and the same 473-problem dev split for grading;
* the same model shape (`agents.default_model.DefaultModelSpec`, `build_model`) and the same
  tokenizer recipe (`train_tokenizer`: a byte-level BPE of the same vocabulary size with single
  digits), trained here on the CoT corpus: the training part's questions and solutions;
* the same chat template, prompt-completion rows (loss on the solution only) and SFT trainer.

The calculator annotations (`<<48/2=24>>`) are stripped by default: decoding runs no calculator,
so an annotation would only make the model write each computation twice (the targets about a
third longer) and the baseline would be a worse version of plain CoT. `keep_annotations=True`
keeps them.

`Budget` trains for a wall-clock or a token budget with a cosine schedule over the share used,
so two runs of different speed can be given the same seconds or the same tokens (compute).
"""

from __future__ import annotations

import math
import re
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from generators import Problem

ANNOTATION = re.compile(r"<<[^<>]*>>")
# The first number after the last '####': optional sign and '$', thousands commas, decimals.
_FINAL = re.compile(r"####\s*(?:\$\s*)?(-?\s*\$?\s*(?:\d[\d,]*)?\.?\d+)")


def row(example: Problem) -> dict[str, Any]:
    """A CoT example (a `generators.Problem` whose `target` is the worked solution ending with
    '#### answer') as a conversational prompt-completion row (TRL masks the prompt out of the loss)."""
    return {"prompt": prompt_messages(example.question),
            "completion": [{"role": "assistant", "content": example.target}]}


def prompt_messages(question: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question}]


def cot_target(solution: str, keep_annotations: bool = False) -> str:
    """A GSM8K solution as a training target: annotations stripped unless kept, whitespace tidied,
    the final line '#### N' with the canonical number. Raises ValueError without a '####' answer."""
    from generators.gsm8k import parse_gold_answer

    gold = parse_gold_answer(solution)
    body = solution.rsplit("####", 1)[0]
    if not keep_annotations:
        body = ANNOTATION.sub("", body)
    lines = [" ".join(line.split()) for line in body.splitlines()]
    lines = [line for line in lines if line]
    return "\n".join([*lines, f"#### {gold}"])


def final_answer(text: str) -> str | None:
    """The number after the last '####' of a model's text, canonical (`1,200.50` -> `1200.5`); None if absent."""
    from solver.numbers import format_number

    marks = [m for m in _FINAL.finditer(text)]
    if not marks:
        return None
    raw = re.sub(r"[\s$,]", "", marks[-1].group(1))
    try:
        return format_number(Fraction(raw))
    except (ValueError, ZeroDivisionError):
        return None


def is_correct(text: str, gold: str) -> bool:
    predicted = final_answer(text)
    if predicted is None:
        return False
    try:
        return Fraction(predicted) == Fraction(str(gold))
    except (ValueError, ZeroDivisionError):
        return False


# How each computation of a gold program reads in a worked solution: the operation in words, the
# numbers in digits (`{0}`, `{1}`: operands; `{all}`: every operand joined by the words).
_SAY = {
    "add": ("{all}", " plus "), "mul": ("{all}", " times "), "sub": ("{0} minus {1}", ""),
    "div": ("{0} divided by {1}", ""), "floordiv": ("{0} divided by {1}, rounded down", ""),
    "mod": ("the remainder of {0} divided by {1}", ""), "pow": ("{0} to the power of {1}", ""),
    "min": ("the smaller of {all}", " and "), "max": ("the larger of {all}", " and "),
    "ceil": ("{0} rounded up", ""), "floor": ("{0} rounded down", ""), "round": ("{0} rounded", ""),
    "percent_of": ("{1}% of {0}", ""), "percent_off": ("{0} less {1}%", ""),
    "percent_increase": ("{0} plus {1}%", ""), "take": ("{0} minus {1}", ""), "gain": ("{0} plus {1}", ""),
}


def program_cot(trace: str, question: str) -> str:
    """A chain of thought rendered from a gold trace: one line per computation of the program as it
    ran on `question` ("36 divided by 4 is 9."), then '#### answer'. The model writing it must do
    every computation itself, which is the point of the comparison with the trace."""
    from solver.execute import execute
    from solver.numbers import format_number

    run = execute(trace, question, record=True)
    if not run.ok or run.program is None:
        raise ValueError(f"the gold trace does not run on its question: {run.error}")
    lines = []
    for op, operands, result in run.program.arithmetic():
        form, joiner = _SAY[op]
        numbers = [format_number(v) for v in operands]
        said = form.format(*numbers, all=joiner.join(numbers))
        lines.append(f"{said[:1].upper()}{said[1:]} is {format_number(result)}.")
    return "\n".join([*lines, f"#### {format_number(run.value)}"])


def cot_examples(path: str | Path, part: str, keep_annotations: bool = False) -> list[Problem]:
    """GSM8K problems in the official layout (`question`, `answer` ending with '#### N') as CoT
    examples: `generators.Problem`s whose `target` is the worked solution (`cot_target`), read by
    `generators.gsm8k.load_gsm8k` (a file or a hub spec; ids `gsm8k-<line index>`): part 'dev'
    (the fixed dev split), 'train' (the rest less dev near-duplicates) or 'all'. Records without a
    parseable '####' answer are skipped (the converter's output has none)."""
    from generators.gsm8k import load_gsm8k, parse_gold_answer

    out = []
    for r in load_gsm8k(path, part=part):
        try:
            out.append(Problem(id=r["id"], question=r["question"], answer=parse_gold_answer(r.get("answer")),
                               source="gsm8k", target=cot_target(r["answer"], keep_annotations)))
        except ValueError:
            continue
    if not out:
        raise ValueError(f"{path}: no GSM8K record with a '####' answer in part {part!r} (CoT needs the "
                         "official layout, not the converter's output)")
    return out


def corpus_texts(train: list[Problem]) -> list[str]:
    """The CoT tokenizer's corpus: the training part's questions and solutions (never a dev problem)."""
    return [text for e in train for text in (e.question, e.target)]


def build_cot_model(spec: Any, train: list[Problem], out_dir: str | Path) -> Path:
    """The default architecture sized by `spec`, with a tokenizer trained the default way on the CoT
    corpus (same vocabulary size, same BPE recipe and chat template), saved in HF layout."""
    from agents.default_model import build_model, train_tokenizer

    out = Path(out_dir)
    tokenizer = train_tokenizer(corpus_texts(train), spec.vocab_size)
    model = build_model(spec, tokenizer)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


def token_lengths(tokenizer: Any, examples: list[Problem]) -> tuple[list[int], list[int]]:
    """(prompt tokens with the generation prompt, completion tokens with the end token) per example."""
    prompts = [tokenizer.apply_chat_template(prompt_messages(e.question), tokenize=False, add_generation_prompt=True)
               for e in examples]
    prompt_ids = tokenizer(prompts, add_special_tokens=False)["input_ids"]
    completion_ids = tokenizer([e.target + tokenizer.eos_token for e in examples], add_special_tokens=False)["input_ids"]
    return [len(p) for p in prompt_ids], [len(c) for c in completion_ids]


def generate(model: Any, tokenizer: Any, questions: list[str], *, max_new_tokens: int,
             batch_size: int = 64) -> tuple[list[str], int]:
    """Greedy completions for `questions` (left-padded batches); also how many hit the token limit."""
    import torch

    tokenizer.padding_side = "left"
    texts: list[str] = []
    truncated = 0
    was_training = model.training
    model.eval()
    try:
        for start in range(0, len(questions), batch_size):
            batch = questions[start:start + batch_size]
            prompts = [tokenizer.apply_chat_template(prompt_messages(q), tokenize=False, add_generation_prompt=True)
                       for q in batch]
            enc = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
            with torch.inference_mode():
                out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                     pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
            new = out[:, enc["input_ids"].shape[1]:]
            truncated += sum(1 for row in new.tolist() if tokenizer.eos_token_id not in row
                             and len(row) >= max_new_tokens)
            texts.extend(tokenizer.batch_decode(new, skip_special_tokens=True))
    finally:
        if was_training:
            model.train()
    return texts, truncated


def evaluate(model: Any, tokenizer: Any, examples: list[Problem], *, max_new_tokens: int,
             batch_size: int = 64) -> dict[str, Any]:
    """Final-answer accuracy with its 95% Wilson interval, the share that wrote a '####' answer, and
    the per-problem correctness as a list of booleans (same order as `examples`)."""
    from trace_env.report import wilson

    started = time.perf_counter()
    texts, truncated = generate(model, tokenizer, [e.question for e in examples], max_new_tokens=max_new_tokens,
                                batch_size=batch_size)
    correct = [is_correct(t, e.answer) for t, e in zip(texts, examples, strict=True)]
    answered = sum(final_answer(t) is not None for t in texts)
    n, k = len(examples), sum(correct)
    return {
        "accuracy": k / n if n else 0.0, "ci95": wilson(k, n), "n": n, "correct_count": k,
        "answered": answered / n if n else 0.0, "truncated": truncated,
        "correct": correct,
        "seconds": round(time.perf_counter() - started, 2),
        "examples": [{"question": e.question, "gold": e.answer, "output": t}
                     for e, t in zip(examples[:5], texts[:5], strict=True)],
    }


class Budget(TrainerCallback):
    """Train for `seconds` of wall time or `tokens` input tokens (whichever ends first when both are
    given), with a cosine schedule over the share of the budget used (linear warm-up over the first
    `warmup` share), then stop. With neither it only records what was trained.

    Use with `lr_scheduler_type="constant"`, `include_num_input_tokens_seen="non_padding"` (for a
    token budget) and enough epochs that the budget ends training: the learning rate is set before
    every optimizer step. Records `steps`, `tokens` (the trainer's `num_input_tokens_seen`) and
    `train_seconds`.
    """

    def __init__(self, seconds: float | None = None, tokens: int | None = None, *, peak_lr: float,
                 warmup: float = 0.03) -> None:
        if (seconds is not None and seconds <= 0) or (tokens is not None and tokens <= 0):
            raise ValueError("a budget must be positive")
        if not 0 <= warmup < 1:
            raise ValueError("warmup must be in [0, 1)")
        self.seconds, self.token_budget, self.peak_lr, self.warmup = seconds, tokens, peak_lr, warmup
        self.started: float | None = None
        self.steps, self.tokens, self.train_seconds = 0, 0, 0.0

    def used(self, elapsed: float, tokens: int) -> float | None:
        """The share of the budget used (None without a budget)."""
        shares = [elapsed / self.seconds] if self.seconds else []
        shares += [tokens / self.token_budget] if self.token_budget else []
        return min(1.0, max(shares)) if shares else None

    def factor(self, used: float | None) -> float:
        """The learning-rate multiplier once `used` of the budget is spent."""
        if used is None:
            return 1.0
        if used < self.warmup:
            return used / self.warmup
        return 0.5 * (1 + math.cos(math.pi * (used - self.warmup) / (1 - self.warmup)))

    def _used(self, state: Any) -> float | None:
        elapsed = time.perf_counter() - self.started if self.started is not None else 0.0
        return self.used(elapsed, int(getattr(state, "num_input_tokens_seen", 0) or 0))

    def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any):
        self.started = time.perf_counter()
        return control

    def on_step_begin(self, args: Any, state: Any, control: Any, optimizer: Any = None, **kw: Any):
        used = self._used(state)
        if used is not None and optimizer is not None:
            for group in optimizer.param_groups:
                group["lr"] = self.peak_lr * self.factor(used)
        return control

    def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any):
        used = self._used(state)
        if used is not None and used >= 1.0:
            control.should_training_stop = True
        return control

    def on_train_end(self, args: Any, state: Any, control: Any, **kw: Any):
        self.steps = state.global_step
        self.tokens = int(getattr(state, "num_input_tokens_seen", 0) or 0)
        self.train_seconds = time.perf_counter() - self.started if self.started is not None else 0.0
        return control
