"""Loading GSM8K (a JSONL file, the official layout, or the HF hub) and reading its gold answers."""

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


HUB_PREFIX = "hf:"


def gsm8k_id(index: int) -> str:
    """The id of GSM8K record `index` (0-based line of its JSONL file, or row of its hub split)."""
    return f"gsm8k-{index}"


def _split_file(root: Path, hub_split: str) -> Path:
    for candidate in (root / f"{hub_split}.jsonl", root / "data" / f"{hub_split}.jsonl",
                      root / "grade_school_math" / "data" / f"{hub_split}.jsonl"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no {hub_split}.jsonl under {root} (expected the official GSM8K layout)")


def hub_name(source: str | Path) -> str | None:
    """The hub dataset a source names ('hub', 'gsm8k', 'openai/gsm8k' -> openai/gsm8k; 'hf:NAME' -> NAME),
    or None for a path."""
    text = str(source)
    if text.startswith(HUB_PREFIX):
        return text[len(HUB_PREFIX):]
    if text in HUB_NAMES and not Path(text).exists():
        return "openai/gsm8k"
    return None


def _hub_rows(name: str, hub_split: str) -> list[dict[str, Any]]:
    from datasets import load_dataset

    data = load_dataset(name, "main", split=hub_split)
    return [{"question": r["question"], "answer": r["answer"]} for r in data]


def load_gsm8k(
    source: str | Path = "hub",
    hub_split: str = "train",
    *,
    part: str = "all",
    hub_loader: Callable[[str], list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """GSM8K records in file order, each with an `id`: the one loader of the project.

    `source` is a JSONL file, a directory in the official layout (`train.jsonl`, `test.jsonl`,
    optionally under `data/`), or the Hugging Face hub: `"hub"` / `"gsm8k"` / `"openai/gsm8k"`,
    or `"hf:NAME"` for another dataset in the GSM8K layout, `hub_split` its split ("train",
    "test"; it also picks the file of a directory). The hub is only tried when asked for, and
    fails with one clear line (RuntimeError) when it cannot be reached.

    Records are the official layout (`question`, `answer` = the solution ending with `#### N`) or
    the converter's output (`question`, `answer`, `trace`, `status`), kept as read. Ids: a
    record's own `id`, else `gsm8k-<index>` (`gsm8k_id`: the 0-based line of the file, or row of
    the hub split). `part`: "all"; "dev" (the fixed dev split, `generators.gsm8k.dev`, chosen by
    a hash of the question); "train" (the rest less near-duplicates of dev problems).
    """
    if part not in ("all", "train", "dev"):
        raise ValueError(f"part must be 'all', 'train' or 'dev', got {part!r}")
    name = hub_name(source)
    if name is not None:
        try:
            rows = hub_loader(hub_split) if hub_loader else _hub_rows(name, hub_split)
        except Exception as err:  # no `datasets`, network, missing cache, missing split: one clear line
            reason = (str(err).strip().splitlines() or [""])[0][:200]
            raise RuntimeError(
                f"GSM8K could not be loaded from the Hugging Face hub ({name}, split {hub_split!r}): "
                f"{type(err).__name__}: {reason}. Pass the path of a local GSM8K JSONL file or directory instead."
            ) from err
    else:
        path = Path(source)
        if path.is_dir():
            path = _split_file(path, hub_split)
        if not path.is_file():
            raise FileNotFoundError(f"GSM8K source not found: {path}")
        rows = read_jsonl(path, require=("question",))
    out = [{**row, "id": str(row.get("id") or gsm8k_id(i))} for i, row in enumerate(rows)]
    if part == "all":
        return out
    from .dev import split_dev

    split = split_dev(out)
    return split.dev if part == "dev" else split.train
