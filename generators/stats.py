"""Statistics over a list of problems: pattern and expert mix, trace lengths, answer ranges."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from .problem import Problem


def _summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"min": 0, "mean": 0, "p50": 0, "p95": 0, "max": 0}
    ordered = sorted(values)
    n = len(ordered)
    return {
        "min": ordered[0],
        "mean": round(sum(ordered) / n, 2),
        "p50": ordered[n // 2],
        "p95": ordered[min(n - 1, int(0.95 * n))],
        "max": ordered[-1],
    }


def compute_stats(problems: Sequence[Problem], tokenizer: Any = None) -> dict[str, Any]:
    """A JSON-safe dict of statistics; token lengths only when a tokenizer is given."""
    answers = [Fraction(p["answer"]) for p in problems]
    out: dict[str, Any] = {
        "count": len(problems),
        "experts": dict(Counter(p["expert"] for p in problems).most_common()),
        "patterns": dict(Counter(p["pattern"] for p in problems).most_common()),
        "trace_chars": _summary([len(p["trace"]) for p in problems]),
        "question_chars": _summary([len(p["question"]) for p in problems]),
        "steps": _summary([p["difficulty"].get("steps", 0) for p in problems]),
        "answers": {
            **{k: float(v) for k, v in _summary(answers).items()},
            "integer_share": round(sum(a.denominator == 1 for a in answers) / max(1, len(answers)), 4),
        },
    }
    if tokenizer is not None:
        from .lengths import count_tokens

        out["trace_tokens"] = _summary(count_tokens(tokenizer, [p["trace"] for p in problems]))
        out["question_tokens"] = _summary(count_tokens(tokenizer, [p["question"] for p in problems]))
    return out


def format_stats(stats: dict[str, Any]) -> str:
    """Human-readable text for the CLI."""
    lines = [f"problems: {stats['count']}"]
    n = max(1, stats["count"])
    lines.append("experts:")
    lines += [f"  {k:<16} {v:>6}  {100 * v / n:5.1f}%" for k, v in stats["experts"].items()]
    lines.append("patterns:")
    lines += [f"  {k:<28} {v:>6}  {100 * v / n:5.1f}%" for k, v in stats["patterns"].items()]
    for key in ("steps", "trace_chars", "question_chars", "trace_tokens", "question_tokens", "answers"):
        if key in stats:
            s = stats[key]
            extra = f"  integer share {s['integer_share']:.2%}" if key == "answers" else ""
            lines.append(f"{key:<16} min {s['min']:g}  mean {s['mean']:g}  p50 {s['p50']:g}  "
                         f"p95 {s['p95']:g}  max {s['max']:g}{extra}")
    return "\n".join(lines)
