"""generators/patterns/phrasings.json: the question templates of every pattern, as data.

The file is read here with plain `json`, apart from the loader under test, and compared with what
the registry ended up with; the loader's own checks are tried on broken files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generators import PATTERNS
from generators.patterns import _phrasings

DATA = Path(__file__).resolve().parents[1] / "generators" / "patterns" / "phrasings.json"


def test_every_registered_pattern_has_its_templates_from_the_file_and_every_key_is_a_pattern():
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    assert set(raw) == set(PATTERNS)
    for name, spec in PATTERNS.items():
        assert list(spec.phrasings) == raw[name], name   # same templates, same order (indices are recorded)


def test_a_pattern_name_without_templates_is_refused_at_registration():
    with pytest.raises(ValueError, match="no phrasings"):
        _phrasings.pattern("no_such_pattern", "arithmetic", "arithmetic_sequential")
    assert "no_such_pattern" not in PATTERNS


def test_templates_that_no_registered_pattern_claims_are_refused():
    with pytest.raises(ValueError, match="ar_shopping_total"):
        _phrasings.check_all_used(set(PATTERNS) - {"ar_shopping_total"})
    _phrasings.check_all_used(PATTERNS)   # the shipped file and the registry agree


@pytest.mark.parametrize("text, why", [
    ('{"a": ["x {n}"], "a": ["y {n}"]}', "appears twice"),
    ('{"a": []}', "non-empty list"),
    ('{"a": "x {n}"}', "non-empty list"),
    ('{"a": ["x {n}", 3]}', "non-empty list"),
])
def test_the_loader_refuses_a_broken_file(tmp_path, text, why):
    path = tmp_path / "phrasings.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=why):
        _phrasings.load_phrasings(path)


def test_the_loader_keeps_file_order(tmp_path):
    path = tmp_path / "phrasings.json"
    path.write_text('{"b": ["2", "1", "3"], "a": ["z"]}', encoding="utf-8")
    assert _phrasings.load_phrasings(path) == {"b": ("2", "1", "3"), "a": ("z",)}
