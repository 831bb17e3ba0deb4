"""Execute every example in docs/trace-format.md: the doc and the solver must agree."""

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from solver import extract_quantities, format_number, format_trace, grade, parse_trace

DOC = Path(__file__).resolve().parent.parent / "docs" / "trace-format.md"
TEXT = DOC.read_text(encoding="utf-8")
# A fenced block (3 or 4 backticks) with its language, then optionally an HTML comment right after.
BLOCK_RE = re.compile(r"^(`{3,4})(\w+)\n(.*?)^\1\n(?:<!-- (check: (\{.*?\})|quantities) -->)?", re.M | re.S)
BLOCKS = [(m[2], m[3], m[4], m[5]) for m in BLOCK_RE.finditer(TEXT)]
CHECKED = [(body, json.loads(spec)) for lang, body, marker, spec in BLOCKS if spec]


def test_doc_has_examples():
    assert len(CHECKED) >= 10


def test_every_yaml_example_is_checked():
    for lang, body, marker, _ in BLOCKS:
        if lang == "yaml":
            assert marker and marker.startswith("check"), body


@pytest.mark.parametrize(("body", "spec"), CHECKED, ids=[f"example{i}" for i in range(len(CHECKED))])
def test_example(body, spec):
    out = grade(body, spec["answer"], spec.get("expert"), spec.get("question"), gold=spec.get("gold"))
    assert out.reward == spec["reward"], out
    if "error" in spec:
        assert spec["error"] in out.error


def test_canonical_examples_are_canonical():
    # yaml examples written in the canonical layout format back to exactly themselves
    for lang, body, _, _ in BLOCKS:
        trace = parse_trace(body) if lang == "yaml" else None
        if trace is not None and trace.ok and body.startswith(("expert:", "- expert:")):
            assert format_trace(trace) == body.rstrip("\n")


def test_quantity_listing():
    (body,) = [body for _, body, marker, _ in BLOCKS if marker == "quantities"]
    question, *listing = body.strip().split("\n")
    expected = []
    for line in listing:
        m = re.fullmatch(r"\[(\d+)\] (.+) = (\S+) \((\w+)\)", line)
        assert m, line
        expected.append((m[2], m[3], m[4]))
    got = [(q.text, format_number(q.value), q.kind) for q in extract_quantities(question)]
    assert got == expected
    assert all(isinstance(q.value, Fraction) for q in extract_quantities(question))
