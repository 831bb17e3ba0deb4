"""The question templates of every pattern, read from phrasings.json (keyed by pattern name).

`pattern` is the registry's decorator with the templates looked up by the pattern's name, so a
pattern module holds the trace shape and the data file holds the English. A template's {slots}
are filled by the pattern's build function, and every template of a pattern maps to the same
trace shape, mentioning the quantities in the order the trace reads them. Order matters: a
problem records its phrasing by index, and the `phrasings=N` knob keeps the first N templates.

A name without templates fails at registration; `check_all_used` (run once every pattern module
is imported) fails on templates that no registered pattern claims, such as a key left behind by
a rename.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..registry import pattern as register_pattern

PHRASINGS_FILE = Path(__file__).with_name("phrasings.json")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.load would keep the last of two equal keys and silently drop a pattern's templates.
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a pattern name appears twice: {sorted({k for k in keys if keys.count(k) > 1})}")
    return dict(pairs)


def load_phrasings(path: Path = PHRASINGS_FILE) -> dict[str, tuple[str, ...]]:
    """Pattern name -> its templates, in file order; each entry must be a non-empty list of strings."""
    data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_unique_keys)
    for name, templates in data.items():
        if not (isinstance(templates, list) and templates and all(isinstance(t, str) for t in templates)):
            raise ValueError(f"{path.name}: {name!r} must be a non-empty list of strings")
    return {name: tuple(templates) for name, templates in data.items()}


PHRASINGS = load_phrasings()


def pattern(name: str, expert: str, family: str, summary: str = "", **options: Any) -> Callable:
    """`registry.pattern` with the phrasings of `name` taken from phrasings.json."""
    if name not in PHRASINGS:
        raise ValueError(f"pattern {name!r} has no phrasings in {PHRASINGS_FILE.name}")
    return register_pattern(name, expert, family, PHRASINGS[name], summary, **options)


def check_all_used(registered: Iterable[str]) -> None:
    """Fail if phrasings.json holds templates for a name that is not a registered pattern."""
    unused = sorted(set(PHRASINGS) - set(registered))
    if unused:
        raise ValueError(f"{PHRASINGS_FILE.name} has phrasings for unregistered patterns: {unused}")
