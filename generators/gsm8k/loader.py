"""Loading GSM8K (official JSONL layout or the HF hub) and reading its gold answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from solver import format_number

from ..jsonl import read_jsonl

HUB_NAMES = ("hub", "openai/gsm8k", "gsm8k")
_GOLD = re.compile(r"^[-−]?\s*\$?\s*(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")


def parse_gold_answer(text: str) -> str:
    """The canonical number after the last `####`: `"1,200"` -> `"1200"`, `"-3"`, `"2.50"` -> `"2.5"`.

    Raises ValueError when there is no `####` or what follows is not a number.
    """
    if not isinstance(text, str) or "####" not in text:
        raise ValueError("no '####' gold answer marker")
    raw = text.rsplit("####", 1)[1].strip()
    raw = raw.rstrip(".").strip()
    if not raw or not _GOLD.match(raw) or not re.search(r"\d", raw):
        raise ValueError(f"gold answer is not a number: {raw[:40]!r}")
    negative = raw.startswith(("-", "−"))
    digits = re.sub(r"[-−$,\s]", "", raw)
    value = Fraction(digits)
    if negative:
        value = -value
    return format_number(value)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return read_jsonl(path, require=("question", "answer"))


def _split_file(root: Path, split: str) -> Path:
    for candidate in (root / f"{split}.jsonl", root / "data" / f"{split}.jsonl", root / "grade_school_math" / "data" / f"{split}.jsonl"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no {split}.jsonl under {root} (expected the official GSM8K layout)")


def _hub_rows(split: str) -> list[dict[str, Any]]:
    from datasets import load_dataset

    data = load_dataset("openai/gsm8k", "main", split=split)
    return [{"question": r["question"], "answer": r["answer"]} for r in data]


def load_gsm8k(
    source: str | Path = "hub",
    split: str = "train",
    *,
    hub_loader: Callable[[str], list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Rows `{"id", "question", "answer"}` (answer = the full solution text) in file order.

    `source` is a JSONL file, a directory in the official layout (`train.jsonl`, `test.jsonl`,
    optionally under `data/`), or `"hub"` / `"openai/gsm8k"` for the Hugging Face hub, which
    is only tried when asked for and fails with a clear error when it cannot be reached.
    """
    if str(source) in HUB_NAMES and not Path(str(source)).exists():
        loader = hub_loader or _hub_rows
        try:
            rows = loader(split)
        except Exception as err:  # network, missing cache, missing split: one clear message
            raise RuntimeError(
                f"GSM8K could not be loaded from the Hugging Face hub (openai/gsm8k, split {split!r}): "
                f"{type(err).__name__}: {err}. Pass the path of a local GSM8K JSONL file or directory instead."
            ) from err
    else:
        path = Path(source)
        if path.is_dir():
            path = _split_file(path, split)
        if not path.is_file():
            raise FileNotFoundError(f"GSM8K source not found: {path}")
        rows = _read_jsonl(path)
    out = []
    for i, row in enumerate(rows):
        item = dict(row)
        item.setdefault("id", f"gsm8k-{split}-{i}")
        out.append(item)
    return out
