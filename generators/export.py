"""Export problems to a `datasets.Dataset` or JSONL (and read JSONL back), or to verl's RL layout.

verl layout (`export_verl`, `python -m generators export --format verl`): `train.parquet` and
`test.parquet`, one row per problem with the columns verl's `RLHFDataset` and reward managers read:

    data_source   "gsmtrace/synthetic" (f"gsmtrace/{problem.source}")
    prompt        the project's chat messages (`generators.prompts.build_messages`): system + user
    ability       "math"
    reward_model  {"style": "rule", "ground_truth": answer text}
    extra_info    {"split", "index", "id", "question", "expert", "pattern", "numbered", "trace"}

`extra_info.question` and `extra_info.expert` are what `trace_env.verl.compute_score` grades with
(grounding and the expert check). Train and test come from different generator namespaces (the item RNG
keys), and a test problem whose question text also occurs in train is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .configure import make_config
from .core import generate, generate_one
from .jsonl import iter_jsonl
from .problem import Problem
from .prompts import DEFAULT_NUMBERED, build_messages

VERL_FILES = ("train.parquet", "test.parquet")
COLUMNS = ("id", "question", "answer", "expert", "pattern", "trace", "trace_data", "difficulty", "source")


def _record(p: Problem | dict[str, Any]) -> dict[str, Any]:
    return p.to_dict() if isinstance(p, Problem) else Problem.from_dict(p).to_dict()


def to_dataset(problems: Iterable[Problem | dict[str, Any]]):
    """A `datasets.Dataset` with one row per problem.

    `trace_data` is stored as JSON text (its steps mix value types, which Arrow columns cannot
    hold); `json.loads(row["trace_data"])` gives the plain data back. `difficulty` is a struct.
    """
    import datasets

    rows = []
    for p in problems:
        rec = _record(p)
        rec["trace_data"] = json.dumps(rec["trace_data"], separators=(",", ":"))
        rows.append(rec)
    if not rows:
        return datasets.Dataset.from_dict({c: [] for c in COLUMNS})
    return datasets.Dataset.from_list(rows)


def to_jsonl(problems: Iterable[Problem | dict[str, Any]], path: str | Path) -> int:
    """Write one JSON object per line (trace_data as real JSON). Returns the number written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for p in problems:
            fh.write(json.dumps(_record(p), ensure_ascii=False) + "\n")
            count += 1
    return count


def load_jsonl(path: str | Path) -> list[Problem]:
    """Read problems written by `to_jsonl`."""
    out = []
    for lineno, row, reason in iter_jsonl(path):
        try:
            if row is None:
                raise ValueError(reason)
            out.append(Problem.from_dict(row))
        except (ValueError, TypeError) as err:
            raise ValueError(f"{path}:{lineno}: not a problem record ({err})") from err
    return out


def verl_rows(problems: Iterable[Problem | dict[str, Any]], split: str, *, numbered: bool = DEFAULT_NUMBERED) -> list[dict]:
    """Problems as rows of verl's RL dataset layout (see the module docstring)."""
    rows = []
    for index, p in enumerate(problems):
        rec = _record(p)
        rows.append({
            "data_source": f"gsmtrace/{rec['source']}",
            "prompt": build_messages(rec["question"], numbered=numbered),
            "ability": "math",
            "reward_model": {"style": "rule", "ground_truth": rec["answer"]},
            "extra_info": {
                "split": split, "index": index, "id": rec["id"], "question": rec["question"],
                "expert": rec["expert"], "pattern": rec["pattern"], "numbered": numbered, "trace": rec["trace"],
            },
        })
    return rows


def to_verl_parquet(problems: Iterable[Problem | dict[str, Any]], path: str | Path, split: str, *,
                    numbered: bool = DEFAULT_NUMBERED) -> int:
    """Write one parquet file in verl's RL layout. Returns the number of rows."""
    import pyarrow as pa  # a dependency of `datasets`
    import pyarrow.parquet as pq

    rows = verl_rows(problems, split, numbered=numbered)
    if not rows:
        raise ValueError(f"no problems to write to {path}: verl cannot train or validate on an empty file")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return len(rows)


def export_verl(out_dir: str | Path, n_train: int, n_test: int, seed: int = 0, *, start: int = 0,
                preset: str | None = None, test_preset: str | None = None, numbered: bool = DEFAULT_NUMBERED,
                train_namespace: str = "train", test_namespace: str = "heldout", **overrides: Any) -> dict[str, int]:
    """Write `out_dir/train.parquet` and `out_dir/test.parquet` for verl. Returns rows per file.

    Train is items start..start+n_train-1 of generator namespace `train_namespace`; test is the first
    `n_test` items of namespace `test_namespace` (from index 0) whose question text is not a train
    question (rare exact repeats across namespaces are possible: they share patterns and phrasings).
    `overrides` are GeneratorConfig fields applied to both; `test_preset` defaults to `preset`.
    """
    for name, value in (("n_train", n_train), ("n_test", n_test)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if "namespace" in overrides:
        raise ValueError("the verl export sets the generator namespace itself: use train_namespace / test_namespace")
    if train_namespace == test_namespace:
        raise ValueError(f"train and test must come from different generator namespaces, both are {train_namespace!r}")
    train = generate(n_train, seed, start=start, preset=preset, namespace=train_namespace, **overrides)
    test_cfg = make_config(preset=preset if test_preset is None else test_preset,
                           **{**overrides, "namespace": test_namespace})
    seen = {p.question for p in train}
    test: list[Problem] = []
    index = 0
    limit = 10 * n_test + 1000  # a bound: a config whose questions all repeat train ones must not spin
    while len(test) < n_test:
        if index >= limit:
            raise ValueError(f"only {len(test)} of {n_test} test problems in {limit} draws have a question "
                             "that is not in train; the config's problem space is too small")
        problem = generate_one(seed, index, test_cfg)
        index += 1
        if problem.question not in seen:
            test.append(problem)
    out = Path(out_dir)
    return {
        VERL_FILES[0]: to_verl_parquet(train, out / VERL_FILES[0], "train", numbered=numbered),
        VERL_FILES[1]: to_verl_parquet(test, out / VERL_FILES[1], "test", numbered=numbered),
    }
