"""Export problems to a `datasets.Dataset` or JSONL (and read JSONL back), or to verl's or TRL's RL layout.

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

TRL layout (`export_trl`, `python -m generators export --format trl`): `train.jsonl` and `test.jsonl`
(the same train / test split as verl), which `trl grpo --dataset_name OUT` loads as the `train` and
`test` splits (`datasets.load_dataset` on a folder), one row per problem:

    prompt      the project's chat messages (`generators.prompts.build_messages`): system + user
    question    the question text (grounding; the program check runs on its variants)
    answer      the gold answer text
    expert      the expert label
    trace       the gold trace (turns on the program check)
    id, pattern the generator record's labels

`prompt` is what GRPOTrainer generates from; every other column reaches the reward function as a
keyword argument, which is what `trace_env.rewards.trace_reward` grades with.
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
TRL_FILES = ("train.jsonl", "test.jsonl")
TRL_COLUMNS = ("prompt", "question", "answer", "expert", "trace", "id", "pattern")
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


def train_test_problems(n_train: int, n_test: int, seed: int = 0, *, start: int = 0, preset: str | None = None,
                        test_preset: str | None = None, train_namespace: str = "train",
                        test_namespace: str = "heldout", **overrides: Any) -> tuple[list[Problem], list[Problem]]:
    """The train and test problems of `export_verl` / `export_trl`.

    Train is items start..start+n_train-1 of generator namespace `train_namespace`; test is the first
    `n_test` items of namespace `test_namespace` (from index 0) whose question text is not a train
    question (rare exact repeats across namespaces are possible: they share patterns and phrasings).
    `overrides` are GeneratorConfig fields applied to both; `test_preset` defaults to `preset`.
    """
    for name, value in (("n_train", n_train), ("n_test", n_test)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if "namespace" in overrides:
        raise ValueError("the export sets the generator namespace itself: use train_namespace / test_namespace")
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
    return train, test


def export_verl(out_dir: str | Path, n_train: int, n_test: int, seed: int = 0, *, start: int = 0,
                preset: str | None = None, test_preset: str | None = None, numbered: bool = DEFAULT_NUMBERED,
                train_namespace: str = "train", test_namespace: str = "heldout", **overrides: Any) -> dict[str, int]:
    """Write `out_dir/train.parquet` and `out_dir/test.parquet` for verl. Returns rows per file.

    The problems are `train_test_problems(...)` (train from `train_namespace`, test from
    `test_namespace` without train's questions).
    """
    train, test = train_test_problems(n_train, n_test, seed, start=start, preset=preset, test_preset=test_preset,
                                      train_namespace=train_namespace, test_namespace=test_namespace, **overrides)
    out = Path(out_dir)
    return {
        VERL_FILES[0]: to_verl_parquet(train, out / VERL_FILES[0], "train", numbered=numbered),
        VERL_FILES[1]: to_verl_parquet(test, out / VERL_FILES[1], "test", numbered=numbered),
    }


def trl_rows(problems: Iterable[Problem | dict[str, Any]], *, numbered: bool = DEFAULT_NUMBERED) -> list[dict]:
    """Problems as rows of the TRL layout (see the module docstring): a conversational `prompt`
    plus the columns `trace_env.rewards.trace_reward` reads."""
    rows = []
    for p in problems:
        rec = _record(p)
        row = {"prompt": build_messages(rec["question"], numbered=numbered)}
        row.update({name: rec[name] for name in TRL_COLUMNS[1:]})
        rows.append(row)
    return rows


def to_trl_jsonl(problems: Iterable[Problem | dict[str, Any]], path: str | Path, *,
                 numbered: bool = DEFAULT_NUMBERED) -> int:
    """Write one JSONL file in the TRL layout. Returns the number of rows."""
    rows = trl_rows(problems, numbered=numbered)
    if not rows:
        raise ValueError(f"no problems to write to {path}: TRL cannot train on an empty split")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def export_trl(out_dir: str | Path, n_train: int, n_test: int, seed: int = 0, *, start: int = 0,
               preset: str | None = None, test_preset: str | None = None, numbered: bool = DEFAULT_NUMBERED,
               train_namespace: str = "train", test_namespace: str = "heldout", **overrides: Any) -> dict[str, int]:
    """Write `out_dir/train.jsonl` and `out_dir/test.jsonl` for `trl grpo --dataset_name out_dir`
    (the same problems as `export_verl` with the same arguments). Returns rows per file."""
    train, test = train_test_problems(n_train, n_test, seed, start=start, preset=preset, test_preset=test_preset,
                                      train_namespace=train_namespace, test_namespace=test_namespace, **overrides)
    out = Path(out_dir)
    return {
        TRL_FILES[0]: to_trl_jsonl(train, out / TRL_FILES[0], numbered=numbered),
        TRL_FILES[1]: to_trl_jsonl(test, out / TRL_FILES[1], numbered=numbered),
    }
