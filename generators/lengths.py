"""Trace-length check: find examples a tokenizer would truncate, and fail fast.

The seed experiment lost 17 runs to silently truncated training targets. Training scripts
call `check_trace_lengths(problems, tokenizer, max_length, text_fn=...)` before training;
`text_fn` renders exactly what will be fed to the model (prompt plus completion) so the
check measures the real sequence, not just the trace.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problem import Problem


class TruncationError(ValueError):
    """Some examples exceed the maximum length (the one error for it, here and in training).

    `report` holds the measured lengths when the check that raised it kept them.
    """

    def __init__(self, message: str, report: LengthReport | None = None):
        self.report = report
        super().__init__(message)


@dataclass
class LengthReport:
    max_length: int
    count: int
    lengths: list[int] = field(repr=False)
    over: list[tuple[str, str, int]]   # (id, pattern, tokens) of the examples that do not fit

    @property
    def ok(self) -> bool:
        return not self.over

    @property
    def longest(self) -> int:
        return max(self.lengths, default=0)

    def summary(self) -> str:
        if not self.lengths:
            return "no examples"
        ordered = sorted(self.lengths)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        head = (f"{len(self.over)}/{self.count} examples exceed {self.max_length} tokens "
                f"(longest {self.longest}, p95 {p95}, mean {sum(ordered) / len(ordered):.1f})")
        worst = sorted(self.over, key=lambda o: -o[2])[:5]
        return head + "".join(f"\n  {i} [{pat}]: {n} tokens" for i, pat, n in worst)


def load_tokenizer(tokenizer: Any) -> Any:
    """A tokenizer object as is; a path to tokenizer.json or a local HF tokenizer folder loaded."""
    if not isinstance(tokenizer, str | Path):
        return tokenizer
    path = Path(tokenizer)
    if path.is_file():
        from tokenizers import Tokenizer

        return Tokenizer.from_file(str(path))
    if path.is_dir():
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    raise FileNotFoundError(f"no tokenizer at {path} (give a tokenizer.json file or a local tokenizer folder)")


def count_tokens(tokenizer: Any, texts: Sequence[str]) -> list[int]:
    """Token counts without special tokens, for HF (transformers) or `tokenizers` tokenizers."""
    tok = load_tokenizer(tokenizer)
    if hasattr(tok, "encode_batch"):  # tokenizers.Tokenizer
        return [len(e.ids) for e in tok.encode_batch(list(texts), add_special_tokens=False)]
    if callable(tok):
        ids = tok(list(texts), add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]
    return [len(tok.encode(t)) for t in texts]


def check_trace_lengths(
    problems: Sequence[Problem | dict],
    tokenizer: Any,
    max_length: int,
    *,
    text_fn: Callable[[Problem | dict], str] | None = None,
    fail: bool = True,
) -> LengthReport:
    """Report the examples longer than `max_length` tokens; raise TruncationError if fail.

    By default the measured text is the gold trace alone (plus one token of room for EOS);
    pass `text_fn` to measure the full training sequence instead.
    """
    if not isinstance(max_length, int) or max_length <= 0:
        raise ValueError(f"max_length must be a positive int, got {max_length!r}")
    texts = [text_fn(p) if text_fn else p["trace"] for p in problems]
    lengths = count_tokens(tokenizer, texts)
    if text_fn is None:
        lengths = [n + 1 for n in lengths]
    over = [(p["id"], p.get("pattern", ""), n) for p, n in zip(problems, lengths, strict=True) if n > max_length]
    report = LengthReport(max_length=max_length, count=len(lengths), lengths=lengths, over=over)
    if fail and over:
        raise TruncationError(report.summary(), report)
    return report
