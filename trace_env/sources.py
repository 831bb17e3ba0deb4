"""Problem sources for the environments and the evaluator.

Every source ends as a list of `generators.Problem` (the project's one problem record): the
generators (default), GSM8K in the official JSONL layout (`{"question": ..., "answer": "...#### 72"}`)
from a local path, the Hugging Face hub dataset `openai/gsm8k` when it can be reached (through
`generators.gsm8k.load_gsm8k`, the one GSM8K loader), JSONL files of problem dicts, or any
list/iterable of dicts or `generators.Problem` objects. GSM8K records get the ids
`gsm8k-<line index>` (`generators.gsm8k.gsm8k_id`) unless they carry an `id`.

`load_source(spec, ...)` is the one entry point; a spec is

* `"synthetic"` (alias `"generators"`): `generators.generate(n, seed, **config)`;
* a path to a `.jsonl` file: GSM8K records or problem dicts (detected per record);
* `"hf:NAME"` (e.g. `"hf:openai/gsm8k"`), or `"openai/gsm8k"` itself: the hub dataset, split
  `hub_split` ("test" by default);
* a list or iterable of dicts / problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import generators
from generators import Problem
from generators.gsm8k import gsm8k_id, load_gsm8k, parse_gold_answer
from generators.jsonl import read_jsonl
from solver import format_number, parse_number

SYNTHETIC = ("synthetic", "generators")
HUB_PREFIXES = ("hf:", "hub:")
DEFAULT_SYNTHETIC_N = 1000
# GSM8K questions are under 1,000 characters; the cap keeps every observation inside the space.
QUESTION_MAX_CHARS = 4096


class SourceError(ValueError):
    """A source could not be loaded (bad path, bad record, unreachable hub)."""


# ---------------------------------------------------------------- GSM8K gold answers

def parse_gsm8k_answer(answer: str) -> str:
    """The number after `####` in a GSM8K solution, as canonical text ("1,000" -> "1000").

    `generators.gsm8k.parse_gold_answer` reads it (the last marker; "$", commas, a trailing "."
    and U+2212 minus signs handled); a solution it cannot read raises `SourceError`.
    """
    try:
        return parse_gold_answer(answer)
    except ValueError as err:
        raise SourceError(f"GSM8K gold answer unusable: {answer[-80:]!r} ({err})") from err


def _number_text(value: Any) -> str:
    """Canonical text of a numeric answer (`solver.format_number`); strings pass through stripped."""
    if isinstance(value, str):
        return value.strip()
    try:
        return format_number(value)
    except ValueError as err:
        raise SourceError(f"answer is not a number: {value!r}") from err


def _check_answer(answer: str, index: int) -> str:
    """Refuse a gold answer the solver cannot read: it would grade every trace as wrong."""
    try:
        parse_number(answer)
    except (ValueError, TypeError, ArithmeticError) as err:
        raise SourceError(f"record {index}: answer {answer!r} is not a number") from err
    return answer


def _gsm8k_steps(solution: str) -> int:
    """GSM8K chain length: the solution's non-empty lines before the `####` line."""
    body = solution.split("####", 1)[0]
    return sum(1 for line in body.splitlines() if line.strip())


# ---------------------------------------------------------------- records -> problems


def _as_mapping(record: Any) -> Mapping[str, Any] | Problem:
    if isinstance(record, Problem | Mapping):
        return record
    to_dict = getattr(record, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise SourceError(f"a problem must be a dict or have .to_dict(), got {type(record).__name__}")


def as_problem(record: Any, index: int, *, source: str = "custom") -> Problem:
    """Check and normalise one record (dict, generators.Problem, GSM8K row) into a `Problem`: the one
    constructor from outside records (answers as canonical number text, empty labels as None)."""
    data = _as_mapping(record)
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        raise SourceError(f"record {index}: 'question' must be a non-empty string")
    if len(question) > QUESTION_MAX_CHARS:
        raise SourceError(f"record {index}: question has {len(question)} characters (max {QUESTION_MAX_CHARS})")
    raw_answer = data.get("answer")
    if raw_answer is None or isinstance(raw_answer, bool):
        raise SourceError(f"record {index}: missing 'answer'")
    difficulty = dict(data.get("difficulty") or {})
    origin = str(data.get("source") or source)
    if isinstance(raw_answer, str) and "####" in raw_answer:  # official GSM8K layout
        answer = parse_gsm8k_answer(raw_answer)
        difficulty.setdefault("steps", _gsm8k_steps(raw_answer))
        origin = str(data.get("source") or "gsm8k")
    else:
        answer = _check_answer(_number_text(raw_answer), index)
    pid = data.get("id")
    expert = data.get("expert")
    pattern = data.get("pattern")
    trace = data.get("trace")
    trace = trace if isinstance(trace, str) and trace.strip() else None
    target = data.get("target")
    return Problem(
        id=str(pid) if pid not in (None, "") else f"{origin}-{index}",
        question=question,
        answer=answer,
        expert=str(expert) if expert else None,
        pattern=str(pattern) if pattern else None,
        trace=trace,
        trace_data=data.get("trace_data") if trace is not None else None,
        difficulty=difficulty,
        source=origin,
        target=target if isinstance(target, str) else None,
    )


def from_records(records: Iterable[Any], *, source: str = "custom", limit: int | None = None) -> list[Problem]:
    """Normalise an iterable of dicts / problems; ids must be unique."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        if limit is not None and index >= limit:
            break
        problem = as_problem(record, index, source=source)
        if problem.id in seen:
            raise SourceError(f"duplicate problem id {problem.id!r}")
        seen.add(problem.id)
        problems.append(problem)
    return problems


# ---------------------------------------------------------------- concrete sources


def synthetic(n: int = DEFAULT_SYNTHETIC_N, seed: int = 0, **config: Any) -> list[Problem]:
    """`n` generator problems (item i depends only on seed, i and config)."""
    return from_records(generators.generate(n, seed=seed, **config), source="synthetic")


def from_jsonl(path: str | Path, *, limit: int | None = None) -> list[Problem]:
    """A JSONL file of GSM8K records or problem dicts; ids default to `gsm8k-<line index>` for GSM8K
    records (`generators.gsm8k.gsm8k_id`, as `load_gsm8k` gives them) and `<stem>-<line index>` for
    problem dicts."""
    file = Path(path)
    if not file.is_file():
        raise SourceError(f"no such JSONL file: {file}")
    try:
        rows = read_jsonl(file, limit=limit)
    except ValueError as err:
        raise SourceError(str(err)) from err
    records = [
        row if "id" in row else {**row, "id": _default_id(file, row, index)} for index, row in enumerate(rows)
    ]
    return from_records(records, source="jsonl")


def _default_id(file: Path, record: Mapping[str, Any], index: int) -> str:
    is_gsm8k = isinstance(record.get("answer"), str) and "####" in record["answer"]
    return gsm8k_id(index) if is_gsm8k else f"{file.stem}-{index}"


def load_hub(name: str = "openai/gsm8k", *, hub_split: str = "test") -> list[Problem]:
    """A hub dataset in the GSM8K layout (`generators.gsm8k.load_gsm8k`); one clear `SourceError`
    line when it cannot be reached."""
    try:
        rows = load_gsm8k(f"hf:{name}", hub_split)
    except RuntimeError as err:
        raise SourceError(str(err)) from err
    return from_records(rows, source="gsm8k")


def select(problems: Sequence[Problem], n: int | None, *, seed: int = 0, sample: str = "random") -> list[Problem]:
    """`n` problems: a seeded random subset in source order (`sample="random"`) or the first n."""
    if n is None or n >= len(problems):
        return list(problems)
    if n < 0:
        raise SourceError(f"n must be >= 0, got {n}")
    if sample == "first":
        return list(problems[:n])
    if sample != "random":
        raise SourceError(f"sample must be 'random' or 'first', got {sample!r}")
    picked = np.random.default_rng(seed).choice(len(problems), size=n, replace=False)
    return [problems[i] for i in sorted(int(i) for i in picked)]


def describe(spec: Any) -> str:
    """A short label of a source spec for reports."""
    if isinstance(spec, str | Path):
        return str(spec)
    return f"<{type(spec).__name__}>"


def load_source(
    spec: Any = "synthetic",
    *,
    n: int | None = None,
    seed: int = 0,
    hub_split: str = "test",
    sample: str = "random",
    config: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """Load problems from any supported source (see the module docstring).

    `n` is the number generated for the synthetic source (default 1000) and the size of the
    subset taken from any other source (default: all); `seed` seeds both. `hub_split` is the
    split of a hub dataset ("train", "test").
    """
    config = dict(config or {})
    if isinstance(spec, str) and spec.strip().lower() in SYNTHETIC:
        return synthetic(DEFAULT_SYNTHETIC_N if n is None else n, seed, **config)
    if config:
        raise SourceError("generator config only applies to the synthetic source")
    if isinstance(spec, str | Path):
        text = str(spec)
        for prefix in HUB_PREFIXES:
            if text.startswith(prefix):
                return select(load_hub(text[len(prefix):], hub_split=hub_split), n, seed=seed, sample=sample)
        if Path(text).is_file():
            return select(from_jsonl(text), n, seed=seed, sample=sample)
        if text == "openai/gsm8k":
            return select(load_hub(text, hub_split=hub_split), n, seed=seed, sample=sample)
        raise SourceError(
            f"unknown source {text!r}: use 'synthetic', a path to a .jsonl file, or 'hf:NAME'"
        )
    if isinstance(spec, Mapping):
        raise SourceError("a source must be an iterable of problems, not a single dict")
    if isinstance(spec, Iterable):
        return select(from_records(spec), n, seed=seed, sample=sample)
    raise SourceError(f"unsupported source type {type(spec).__name__}")
