"""`python -m generators wording`: how many surface forms each pattern spans, and whether every
wording family of it still verifies (each generated item's gold trace grades 1.0)."""

from __future__ import annotations

import random
import sys
import time

from .core import GenerationError, generate
from .patterns._phrasings import GRAMMAR
from .registry import PATTERNS
from .select import held_family


def selected(names: list[str] | None) -> list[str]:
    """Pattern names from pattern or module names (`arithmetic` = every pattern defined in it)."""
    if not names:
        return list(PATTERNS)
    out = []
    for name in names:
        if name in PATTERNS:
            out.append(name)
            continue
        module = [p for p, spec in PATTERNS.items() if spec.build.__module__.rsplit(".", 1)[-1] == name]
        if not module:
            raise ValueError(f"{name!r} is neither a pattern nor a pattern module")
        out.extend(module)
    return out


def distinct_wordings(pattern: str, samples: int, seed: int = 0) -> int:
    """Distinct template texts among `samples` training-mode drawings (a lower bound on the forms)."""
    rng = random.Random(seed)
    held = held_family(pattern)
    mode = held or "train"
    return len({GRAMMAR.draw(pattern, mode, rng, held).text for _ in range(samples)})


def report(names: list[str] | None, n: int, samples: int, min_forms: int) -> int:
    failures = 0
    print(f"{'pattern':<28} {'forms':>12} {'seen':>12} {'distinct':>9}  families (items that verified of {n})")
    for name in selected(names):
        started = time.perf_counter()
        held = held_family(name)
        families = (held,) if held else ("train", "frontier", "combinations", "parts")
        verified = []
        for family in families:
            try:
                got = len(generate(n, seed=7, patterns=[name], wording=family, namespace=f"w{family}"))
            except GenerationError as err:
                got = 0
                print(f"  {name} {family}: {str(err).splitlines()[0]}", file=sys.stderr)
            verified.append(f"{family} {got}")
            failures += got < n
        distinct = distinct_wordings(name, samples)
        low = distinct < min_forms
        failures += low
        print(f"{name:<28} {GRAMMAR.count(name):>12,} {GRAMMAR.count(name, seen_only=held is None):>12,} "
              f"{distinct:>9,}{' LOW' if low else '    '}  {', '.join(verified)}  ({time.perf_counter() - started:.1f}s)")
    print("ok" if not failures else f"{failures} problem(s)")
    return 1 if failures else 0
