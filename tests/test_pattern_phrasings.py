"""generators/patterns/phrasings/*.json: the question wording of every pattern, as data.

The files are read here with plain `json`, apart from the loader under test, and compared with
what the registry ended up with; the loader's own checks are tried on broken folders.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generators import PATTERNS
from generators.patterns import _phrasings

DATA = Path(__file__).resolve().parents[1] / "generators" / "patterns" / "phrasings"


def test_every_registered_pattern_has_its_templates_from_the_files_and_every_key_is_a_pattern():
    raw: dict[str, list[str]] = {}
    for path in sorted(DATA.glob("*.json")):
        for name, templates in json.loads(path.read_text(encoding="utf-8")).get("patterns", {}).items():
            assert name not in raw, f"{name} in two files"
            raw[name] = templates
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
    _phrasings.check_all_used(PATTERNS)   # the shipped files and the registry agree


@pytest.mark.parametrize("text, why", [
    ('{"patterns": {"a": ["x {n}"], "a": ["y {n}"]}}', "appears twice"),
    ('{"patterns": {"a": []}}', "non-empty list"),
    ('{"patterns": {"a": "x {n}"}}', "non-empty list"),
    ('{"patterns": {"a": ["x {n}", 3]}}', "non-empty list"),
    ('{"pools": {"p": []}}', "non-empty list"),
    ('{"noop": "x"}', "non-empty list"),
    ('{"templates": {}}', "unknown sections"),
])
def test_the_loader_refuses_a_broken_file(tmp_path, text, why):
    (tmp_path / "one.json").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=why):
        _phrasings.load_phrasings(tmp_path)


def test_a_name_in_two_files_is_refused(tmp_path):
    (tmp_path / "a.json").write_text('{"patterns": {"x": ["1"]}}', encoding="utf-8")
    (tmp_path / "b.json").write_text('{"patterns": {"x": ["2"]}}', encoding="utf-8")
    with pytest.raises(ValueError, match="another file"):
        _phrasings.load_phrasings(tmp_path)


def test_the_loader_keeps_file_order(tmp_path):
    (tmp_path / "a.json").write_text('{"patterns": {"b": ["2", "1", "3"], "a": ["z"]}, "pools": {"p": ["u", "v"]}, '
                                     '"noop": ["n1"]}', encoding="utf-8")
    assert _phrasings.load_phrasings(tmp_path) == ({"b": ("2", "1", "3"), "a": ("z",)}, {"p": ["u", "v"]}, ["n1"])
