"""Training and held-out data: generator problems, converted GSM8K, and the rows TRL consumes.

Every item is a `generators.Problem` whose `target` (`Problem.with_target`) is the gold trace in
the run's --trace_form / --var_names: the completion SFT trains on, the gold program RL checks
against, the `trace` of a held-out record (`sft_row`, `rl_row`, `eval_record`).

Held-out problems are disjoint from training by construction: every stage draws from its own
generator `namespace` (the generator's RNG is keyed on it) and its own seeds, so no
index is ever shared. `remove_overlap` then checks it on the question text and drops any
training problem whose question a held-out split also contains (identical texts can still
arise by chance from tiny templates); the count goes into the summary.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from generators import Problem
from generators.gsm8k.loader import hub_name
from trace_env import prompts

T = TypeVar("T")

# Generator namespaces (GeneratorConfig.namespace, the item RNG's key) and base seeds per stage;
# presets within a mix add 1000*k.
STAGES = {"sft": ("train", 1), "rl": ("rl", 2), "heldout": ("heldout", 3)}
# The wording mode (GeneratorConfig.wording) each training stage draws: SFT the training combinations of
# known parts, RL the frontier combinations SFT never saw (known parts, new combinations).
STAGE_WORDING = {"sft": "train", "rl": "frontier"}
# Held-out (eval) split -> its wording mode: held-out wording families at three distances from the training wording, reported by every run;
# "synthetic_unseen" (parts, patterns and structures together) is the split that came before them.
FAMILY_SPLITS = {
    "unseen_combinations": "combinations",  # known parts in combinations no stage draws
    "unseen_parts": "parts",                # a held-out template or alternative
    "unseen_patterns": "patterns",          # held-out compositions of trained sub-traces (select.HELDOUT_COMPOSITIONS)
    "unseen_structures": "structures",      # held-out structures (select.HELDOUT_STRUCTURES): beyond the three
    "synthetic_unseen": "heldout",
}
HELDOUT_PRESETS = {"synthetic": "default", **dict.fromkeys(FAMILY_SPLITS, "default")}  # split -> generator preset
UNSEEN_SPLITS = frozenset(FAMILY_SPLITS)


def prompt(problem: Problem, numbered: bool) -> list[dict[str, str]]:
    return prompts.build_messages(problem.question, numbered=numbered)


def sft_row(problem: Problem, numbered: bool) -> dict[str, Any]:
    """The prompt-completion row SFT trains on: the problem's training target as the completion."""
    if problem.target is None:
        raise ValueError(f"problem {problem.id} has no gold trace to train on")
    return {
        "id": problem.id,
        "prompt": prompt(problem, numbered),
        "completion": prompts.completion_messages(problem.target),
    }


def rl_row(problem: Problem, numbered: bool) -> dict[str, Any]:
    return {
        "id": problem.id,
        "prompt": prompt(problem, numbered),
        "answer": problem.answer,
        "expert": problem.expert or "",
        "question": problem.question,
        "trace": problem.target or "",  # the gold program: completions are checked on variants of it
    }


def eval_record(problem: Problem) -> dict[str, Any]:
    """A held-out record; its `trace` is the training target (the form the model writes)."""
    return {
        "id": problem.id, "question": problem.question, "answer": problem.answer, "expert": problem.expert,
        "pattern": problem.pattern, "trace": problem.target, "difficulty": problem.difficulty,
        "source": problem.source,
    }


def synthetic(
    n: int, mix: dict[str, float], stage: str, trace_form: str, offset: int = 0, var_names: str = "gold"
) -> list[Problem]:
    """`n` generator problems for `stage`, each position's preset drawn from `mix` (see `mix_order`).

    Preset k's problems are its generator's items 0, 1, 2, ... (seed `base + 1000*k + offset`),
    in that order, so a larger `n` extends a smaller one's problems rather than replacing them.
    """
    import generators

    namespace, base = STAGES[stage]
    presets = list(mix)
    order = mix_order(n, [mix[p] for p in presets], seed=base + offset)
    groups = []
    for k, preset in enumerate(presets):
        count = order.count(k)
        problems = generators.generate(count, seed=base + 1000 * k + offset, preset=preset, namespace=namespace,
                                       wording=STAGE_WORDING[stage]) if count else []
        groups.append([p.with_target(trace_form, var_names) for p in problems])
    return _take(groups, order)


def mix_order(n: int, weights: Sequence[float], seed: int) -> list[int]:
    """Which source each of `n` positions comes from: source k with probability weights[k] / sum.

    A seeded `datasets.interleave_datasets` over one stream per source, so any prefix (a smoke
    run, an early stop) sees the whole mix, and the counts per source are a draw, not a rounding.
    """
    if n <= 0:
        return []
    total = sum(weights)
    return _source_order([n] * len(weights), [w / total for w in weights], seed, "first_exhausted")[:n]


def interleave(groups: Sequence[Sequence[T]], seed: int) -> list[T]:
    """Every item of every group exactly once, groups spread through the whole list in proportion to
    their sizes (a seeded `datasets.interleave_datasets` without replacement); each keeps its order."""
    groups = [g for g in groups if g]  # an empty source never runs out, so the library would never stop
    if not groups:
        return []
    sizes = [len(g) for g in groups]
    order = _source_order(sizes, [s / sum(sizes) for s in sizes], seed, "all_exhausted_without_replacement")
    return _take(groups, order)


def _source_order(sizes: list[int], probabilities: list[float], seed: int, stopping_strategy: str) -> list[int]:
    from datasets import Dataset, interleave_datasets

    sources = [Dataset.from_dict({"source": [k] * size}) for k, size in enumerate(sizes)]
    mixed = interleave_datasets(sources, probabilities=probabilities, seed=seed, stopping_strategy=stopping_strategy)
    return list(mixed["source"])


def _take(groups: Sequence[Sequence[T]], order: list[int]) -> list[T]:
    """The items of `groups` in `order` (a list of group indices): the j-th k is group k's item j."""
    streams = [iter(g) for g in groups]
    return [next(streams[k]) for k in order]


def heldout(
    names: list[str], n: int, trace_form: str, gsm8k_path: str | None = None, var_names: str = "gold"
) -> dict[str, list[Problem]]:
    """Held-out splits by name: 'synthetic', any generator preset, or 'gsm8k'. Built once per process
    for the same arguments (the RL stage reuses its SFT warm-up's splits)."""
    return {name: list(problems) for name, problems in
            _heldout(tuple(names), n, trace_form, gsm8k_path, var_names, _stamp(gsm8k_path)).items()}


@functools.lru_cache(maxsize=4)
def _heldout(names: tuple[str, ...], n: int, trace_form: str, gsm8k_path: str | None, var_names: str,
             stamp: Any) -> dict[str, tuple[Problem, ...]]:
    import generators

    namespace, base = STAGES["heldout"]
    out: dict[str, tuple[Problem, ...]] = {}
    for k, name in enumerate(names):
        if name == "gsm8k":
            if not gsm8k_path:
                raise ValueError("held-out split 'gsm8k' needs --gsm8k_path or --gsm8k_eval_path")
            out[name] = tuple(gsm8k(gsm8k_path, trace_form, var_names, part="dev")[:n])
            continue
        preset = HELDOUT_PRESETS.get(name, name)
        wording = FAMILY_SPLITS.get(name, "train")
        probs = generators.generate(n, seed=base + 1000 * k, preset=preset, namespace=namespace, wording=wording)
        out[name] = tuple(p.with_target(trace_form, var_names) for p in probs)
    return out


def resolve_gsm8k(spec: str | None) -> str | None:
    """The GSM8K source a run uses: a file as given; 'hf:openai/gsm8k' when the hub can be reached
    through `datasets` (fetched once per process, `generators.gsm8k.load_gsm8k`); None for 'none',
    or when the hub cannot be reached (said in one line, and the run goes on synthetic-only)."""
    if spec is None or str(spec).strip().lower() in ("", "none"):
        return None
    spec = str(spec)
    if hub_name(spec) is None:
        return spec
    if spec not in _resolved:
        try:
            _rows(spec, None)
        except RuntimeError as err:
            print(f"[gsm8k] {spec} is unreachable ({str(err).split(':')[0]}); running synthetic-only. "
                  "Pass --gsm8k_path FILE.jsonl to use a local copy.", flush=True)
            _resolved[spec] = None
        else:
            _resolved[spec] = spec
    return _resolved[spec]


_resolved: dict[str, str | None] = {}  # hub specs, resolved once per process


def gsm8k(source: str, trace_form: str, var_names: str = "gold", *, part: str = "all") -> list[Problem]:
    """GSM8K problems from `source` (a JSONL file or a hub spec, `generators.gsm8k.load_gsm8k`), with
    their training target where conversion succeeds (`generators.gsm8k.gsm8k_problem`).

    Accepts the official layout (converted here) and the converter's output (`trace`, `status`).
    `part="dev"` keeps the fixed dev split, `part="train"` everything else less the near-duplicates
    of dev problems, `part="all"` the whole file; ids are `gsm8k-<line index>`. Loaded, converted
    and rewritten once per process (SFT, RL and the held-out split share them).
    """
    return list(_gsm8k(str(source), part, trace_form, var_names, _stamp(source)))


@functools.lru_cache(maxsize=8)
def _gsm8k(source: str, part: str, trace_form: str, var_names: str, stamp: Any) -> tuple[Problem, ...]:
    return tuple(p.with_target(trace_form, var_names) for p in _converted(source, part, stamp))


@functools.lru_cache(maxsize=8)
def _converted(source: str, part: str, stamp: Any) -> tuple[Problem, ...]:
    from generators.gsm8k import gsm8k_problem
    from generators.gsm8k.dev import split_dev

    if part not in ("all", "train", "dev"):
        raise ValueError(f"part must be 'all', 'train' or 'dev', got {part!r}")
    rows = _rows(source, stamp)
    if part != "all":
        halves = split_dev(list(rows))
        rows = halves.dev if part == "dev" else halves.train
    return tuple(gsm8k_problem(r) for r in rows)


@functools.lru_cache(maxsize=4)
def _rows(source: str, stamp: Any) -> tuple[dict[str, Any], ...]:
    from generators.gsm8k import load_gsm8k

    return tuple(load_gsm8k(source))


def _stamp(source: Any) -> Any:
    """What invalidates the per-process caches: a file's size and modification time."""
    path = Path(str(source)) if source else None
    if path is None or hub_name(str(source)) is not None or not path.is_file():
        return None
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns)


def remove_overlap(train: list[Problem], splits: dict[str, list[Problem]]) -> tuple[list[Problem], int]:
    """Training examples whose question text also appears in a held-out split are dropped; a
    training example whose wording belongs to a held-out family fails loudly (check_wording)."""
    check_wording(train, splits)
    held = {_norm(e.question) for examples in splits.values() for e in examples}
    kept = [e for e in train if _norm(e.question) not in held]
    return kept, len(train) - len(kept)


class WordingLeak(RuntimeError):
    """A training example is written in a held-out wording family: the families would not be held out."""


def check_wording(train: list[Problem], splits: dict[str, list[Problem]]) -> None:
    """Fail if a synthetic training example uses a held-out part, a held-out pattern, a held-out
    combination's bucket, or the exact combination (wording key) of a held-out family item."""
    from generators.select import HELDOUT_PATTERNS
    from generators.wording import COMBINATION_BUCKET, bucket_of

    held_keys = {e.difficulty.get("wording") for name, examples in splits.items() if name in UNSEEN_SPLITS
                 for e in examples} - {None}
    for e in train:
        key = e.difficulty.get("wording")
        if e.source != "synthetic" or key is None:
            continue
        why = ("a held-out part" if e.difficulty.get("held_parts") else
               "a held-out pattern" if e.pattern in HELDOUT_PATTERNS else
               "the held-out combinations' bucket" if bucket_of(key) == COMBINATION_BUCKET else
               "a held-out item's exact wording" if key in held_keys else None)
        if why:
            raise WordingLeak(f"training example {e.id} ({e.pattern}) is written with {why}: the held-out "
                              "wording families would leak into training")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def to_dataset(rows: list[dict[str, Any]]) -> Any:
    from datasets import Dataset

    return Dataset.from_list(rows)
