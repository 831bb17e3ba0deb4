"""The question wording of every pattern, read from the files in phrasings/ (see generators.wording).

Each file holds `patterns` (pattern name -> its templates) and may hold `pools` (shared
alternatives, named `{@pool}` in any template) and `noop` (irrelevant sentences with numbers:
the distractors). `pattern` is the registry's decorator with the templates looked up by the
pattern's name, so a pattern module holds the trace shape and the data files hold the English.
A template's {slots} are filled by the pattern's build function; every wording of a pattern maps
to the same trace shape. A problem records its template by index (Ctx.phrasing), and the
`phrasings=N` knob keeps the first N templates.

A name without templates fails at registration; `check_all_used` (run once every pattern module
is imported) fails on templates that no registered pattern claims, such as a key left behind by
a rename. A pattern or pool defined in two files fails at load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..registry import pattern as register_pattern
from ..wording import Grammar, parse

PHRASINGS_DIR = Path(__file__).with_name("phrasings")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.load would keep the last of two equal keys and silently drop a pattern's templates.
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a name appears twice: {sorted({k for k in keys if keys.count(k) > 1})}")
    return dict(pairs)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(t, str) for t in value)


def load_phrasings(folder: Path = PHRASINGS_DIR) -> tuple[dict[str, tuple[str, ...]], dict[str, list[str]], list[str]]:
    """(pattern -> templates, pool -> alternatives, noop sentences) from every *.json in `folder`."""
    templates: dict[str, tuple[str, ...]] = {}
    pools: dict[str, list[str]] = {}
    noop: list[str] = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_unique_keys)
        unknown = set(data) - {"patterns", "pools", "noop"}
        if unknown:
            raise ValueError(f"{path.name}: unknown sections {sorted(unknown)}")
        for section, into in (("patterns", templates), ("pools", pools)):
            for name, alts in data.get(section, {}).items():
                if not _strings(alts):
                    raise ValueError(f"{path.name}: {section} {name!r} must be a non-empty list of strings")
                if name in into:
                    raise ValueError(f"{path.name}: {section} {name!r} is defined in another file too")
                into[name] = tuple(alts) if section == "patterns" else list(alts)
        if "noop" in data:
            if not _strings(data["noop"]):
                raise ValueError(f"{path.name}: noop must be a non-empty list of strings")
            noop.extend(data["noop"])
    return templates, pools, noop


def wording_digest(folder: Path = PHRASINGS_DIR) -> str:
    """A digest of the wording data and the lexicon: what a tokenizer trained on generated text
    depends on besides its own settings (the default model's cache key holds it)."""
    from .. import lexicon

    blob = hashlib.sha256()
    for path in [*sorted(folder.glob("*.json")), Path(lexicon.__file__)]:
        blob.update(path.name.encode() + b"\0" + path.read_bytes())
    return blob.hexdigest()[:16]


PHRASINGS, POOLS, NOOP = load_phrasings()
WORDING_DIGEST = wording_digest()
GRAMMAR = Grammar(PHRASINGS, POOLS)
NOOP_CHOICE = parse("[" + "|".join(NOOP) + "]", "noop")[0]  # one choice: its last sentence is held out


def pattern(name: str, expert: str, family: str, summary: str = "", **options: Any) -> Callable:
    """`registry.pattern` with the templates of `name` taken from the phrasing files."""
    if name not in PHRASINGS:
        raise ValueError(f"pattern {name!r} has no phrasings in {PHRASINGS_DIR.name}/")
    return register_pattern(name, expert, family, PHRASINGS[name], summary, **options)


def check_all_used(registered: Iterable[str]) -> None:
    """Fail if the phrasing files hold templates for a name that is not a registered pattern."""
    unused = sorted(set(PHRASINGS) - set(registered))
    if unused:
        raise ValueError(f"{PHRASINGS_DIR.name}/ has phrasings for unregistered patterns: {unused}")
