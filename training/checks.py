"""Fail fast on truncation: measure every example with the real tokenizer and chat template.

The seed experiment lost 17 runs to a silent `max_tokens` cut. Here every SFT sequence
(prompt + gold trace + end-of-turn token) and every RL gold completion is measured before
training; a limit that would cut any of them raises `TruncationError` naming the examples.
When no limit is given, the limit is derived from the data, so nothing can be cut.
"""

from __future__ import annotations

from typing import Any

from generators import Problem
from generators.lengths import TruncationError

from .data import prompt


def prompt_ids(tokenizer: Any, example: Problem, numbered: bool) -> list[int]:
    return _ids(tokenizer.apply_chat_template(prompt(example, numbered), add_generation_prompt=True, tokenize=True))


def full_ids(tokenizer: Any, example: Problem, numbered: bool) -> list[int]:
    messages = prompt(example, numbered) + [{"role": "assistant", "content": example.target or ""}]
    return _ids(tokenizer.apply_chat_template(messages, tokenize=True))


def completion_length(tokenizer: Any, example: Problem, numbered: bool) -> int:
    """Tokens the model must generate for the gold trace, end-of-turn token included."""
    return len(full_ids(tokenizer, example, numbered)) - len(prompt_ids(tokenizer, example, numbered))


def _ids(out: Any) -> list[int]:
    if isinstance(out, dict) or hasattr(out, "keys"):
        out = out["input_ids"]
    if out and isinstance(out[0], list):
        out = out[0]
    return list(out)


def _fail(what: str, limit: int, offenders: list[tuple[str, int]], flag: str) -> None:
    shown = ", ".join(f"{eid} ({n} tokens)" for eid, n in offenders[:10])
    more = f" and {len(offenders) - 10} more" if len(offenders) > 10 else ""
    longest = max(n for _, n in offenders)
    raise TruncationError(
        f"{len(offenders)} example(s) would be truncated: {what} longer than {limit} tokens: {shown}{more}. "
        f"Raise {flag} to at least {longest} or drop these examples."
    )


def check_sft_lengths(
    tokenizer: Any, examples: list[Problem], numbered: bool, max_length: int | None, margin: int = 0
) -> int:
    """The max_length to train with; raises TruncationError if a set limit would cut an example."""
    lengths = [(e.id, len(full_ids(tokenizer, e, numbered)) + margin) for e in examples]
    if max_length is None:
        return max(n for _, n in lengths)
    offenders = [(eid, n) for eid, n in lengths if n > max_length]
    if offenders:
        _fail("prompt + trace", max_length, offenders, "--max_length")
    return max_length


def check_completion_lengths(
    tokenizer: Any, examples: list[Problem], numbered: bool, limit: int | None, *, flag: str, slack: float = 1.25
) -> int:
    """A generation limit that fits every gold trace (derived with slack when `limit` is None)."""
    lengths = [(e.id, completion_length(tokenizer, e, numbered)) for e in examples if e.target]
    if not lengths:
        return limit or 256
    longest = max(n for _, n in lengths)
    if limit is None:
        return int(longest * slack) + 8
    offenders = [(eid, n) for eid, n in lengths if n > limit]
    if offenders:
        _fail("gold trace", limit, offenders, flag)
    return limit


def check_positions(model: Any, length: int, what: str) -> None:
    """The model must be able to attend over the longest sequence it will see."""
    limit = getattr(getattr(model, "config", None), "max_position_embeddings", None)
    if limit is not None and length > limit:
        raise TruncationError(
            f"{what} needs {length} positions but the model has max_position_embeddings={limit}"
        )
