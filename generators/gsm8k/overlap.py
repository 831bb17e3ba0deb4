"""N-gram overlap between a training set and an evaluation set, numbers normalised.

Every number (digits, money, percents, number words) becomes `<num>` before word n-grams are
hashed, so a numeric variant of an evaluation problem ("14 pears" -> "23 pears") matches as
well as a verbatim copy. An evaluation item is flagged when at least `threshold` of its
n-grams occur in one training item.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..jsonl import iter_jsonl

_NUMBER = re.compile(r"[$€£]?\d[\d,]*(?:\.\d+)?%?|[$€£]?\.\d+%?")
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
    "thousand million billion half twice double triple dozen"
)
_WORD_NUMBER = re.compile(rf"\b(?:{'|'.join(_NUMBER_WORDS.split())})\b")
_TOKEN = re.compile(r"<num>|[a-z]+(?:'[a-z]+)?")
MAX_POSTINGS = 64  # n-grams shared by more training items than this say nothing about one item


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens with every number replaced by `<num>`."""
    text = _NUMBER.sub(" <num> ", text.lower())
    text = _WORD_NUMBER.sub(" <num> ", text)
    return _TOKEN.findall(text)


def _hash(gram: tuple[str, ...]) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(gram).encode(), digest_size=8).digest(), "big")


def ngram_hashes(text: str, n: int) -> set[int]:
    toks = tokens(text)
    if len(toks) < n:
        return {_hash(tuple(toks))} if toks else set()
    return {_hash(tuple(toks[i : i + n])) for i in range(len(toks) - n + 1)}


def _exact_key(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Match:
    eval_index: int
    train_index: int
    overlap: float  # share of the evaluation item's n-grams found in that training item
    kind: str  # "exact" | "numeric_variant" | "overlap"
    eval_id: str = ""
    train_id: str = ""


@dataclass
class LeakageReport:
    n: int
    threshold: float
    train_size: int
    eval_size: int
    matches: list[Match] = field(default_factory=list)
    mean_overlap: float = 0.0  # average over evaluation items of their best per-item overlap

    @property
    def leaked(self) -> bool:
        return bool(self.matches)

    def summary(self) -> str:
        kinds = Counter(m.kind for m in self.matches)
        lines = [
            f"leakage check: {self.eval_size} evaluation items vs {self.train_size} training items "
            f"({self.n}-grams, numbers normalised, threshold {self.threshold:.0%})",
            f"mean best overlap {self.mean_overlap:.1%}; flagged {len(self.matches)}: "
            + (", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none"),
        ]
        for m in self.matches[:20]:
            lines.append(
                f"  eval #{m.eval_index} {m.eval_id} ~ train #{m.train_index} {m.train_id}: {m.kind} ({m.overlap:.0%})"
            )
        if len(self.matches) > 20:
            lines.append(f"  ... and {len(self.matches) - 20} more")
        return "\n".join(lines)


def _question(item: Any) -> str:
    if isinstance(item, str):
        return item
    q = item.get("question") if isinstance(item, dict) else getattr(item, "question", None)
    if not isinstance(q, str):
        raise ValueError("every item needs a 'question' string")
    return q


def _item_id(item: Any, index: int) -> str:
    value = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    return str(value) if value is not None else str(index)


def check_leakage(train: list[Any], evaluation: list[Any], *, n: int = 8, threshold: float = 0.5) -> LeakageReport:
    """Compare question texts (strings, dicts or Problems with a `question`)."""
    if n < 1 or not 0 < threshold <= 1:
        raise ValueError("n must be >= 1 and threshold in (0, 1]")
    postings: dict[int, list[int]] = {}
    exact: dict[str, int] = {}
    masked: dict[tuple[str, ...], int] = {}
    for i, item in enumerate(train):
        q = _question(item)
        exact.setdefault(_exact_key(q), i)
        masked.setdefault(tuple(tokens(q)), i)
        for h in ngram_hashes(q, n):
            bucket = postings.setdefault(h, [])
            if len(bucket) <= MAX_POSTINGS:
                bucket.append(i)
    report = LeakageReport(n, threshold, len(train), len(evaluation))
    best_total = 0.0
    for j, item in enumerate(evaluation):
        q = _question(item)
        grams = ngram_hashes(q, n)
        hits: Counter[int] = Counter()
        informative = 0
        for h in grams:
            bucket = postings.get(h, ())
            if len(bucket) <= MAX_POSTINGS:
                hits.update(bucket)
                informative += 1
        train_index, shared = hits.most_common(1)[0] if hits else (-1, 0)
        overlap = shared / informative if informative else 0.0
        best_total += overlap
        kind = ""
        if _exact_key(q) in exact:
            kind, train_index, overlap = "exact", exact[_exact_key(q)], 1.0
        elif tuple(tokens(q)) in masked:
            kind, train_index, overlap = "numeric_variant", masked[tuple(tokens(q))], 1.0
        elif overlap >= threshold:
            kind = "overlap"
        if kind:
            report.matches.append(
                Match(j, train_index, overlap, kind, _item_id(item, j), _item_id(train[train_index], train_index))
            )
    report.mean_overlap = best_total / len(evaluation) if evaluation else 0.0
    return report


def read_questions(path: str | Path) -> list[dict[str, Any]]:
    """JSONL rows with a `question` (GSM8K rows, converted rows or Problem dicts)."""
    rows = []
    for lineno, row, reason in iter_jsonl(path, require=("question",)):
        if row is None:
            raise ValueError(f"{path}:{lineno}: {reason}")
        row.setdefault("id", f"line{lineno}")
        rows.append(row)
    return rows
