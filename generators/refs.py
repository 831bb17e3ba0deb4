"""Match trace inits to question quantities in reading order (and rewrite them as `ref: N`).

Every phrasing mentions its quantities in the order the gold trace initialises them, so within
each sub-trace the value inits can be matched, left to right, to question quantities at
increasing positions. `match_inits` does that matching; `with_refs` uses it to turn
`{init, value}` into `{init, ref: N}` for the numbered-quantities prompt.
"""

from __future__ import annotations

import copy
from fractions import Fraction

from solver import extract_quantities


class ReadingOrderError(ValueError):
    """An init value cannot be matched to a later quantity of the question."""


def match_inits(data: dict | list, question: str) -> list[list[int]]:
    """Per sub-trace, the 0-based question quantity index each value init matches.

    A quantity matches when it grounds the init value (so "3 dozen" matches both 3 and 36).
    Raises ReadingOrderError when the inits do not follow the question's reading order.
    """
    quantities = extract_quantities(question)
    parts = data if isinstance(data, list) else [data]
    out = []
    for part in parts:
        pos, found = -1, []
        for step in part["trace"]:
            if step["op"] != "init" or "value" not in step:
                continue
            value = Fraction(str(step["value"]))
            j = next((k for k in range(pos + 1, len(quantities)) if value in quantities[k].grounds), None)
            if j is None:
                raise ReadingOrderError(
                    f"init {step['var']} = {step['value']} has no matching quantity after position {pos} in: {question}"
                )
            found.append(j)
            pos = j
        out.append(found)
    return out


def with_refs(data: dict | list, question: str) -> dict | list:
    """A copy of the trace whose value inits point at question quantities (`ref: N`, 1-based).

    Inits whose quantity has a different value than the init (e.g. `3` from "3 dozen", which
    reads as 36) keep their literal value.
    """
    quantities = extract_quantities(question)
    matches = match_inits(data, question)
    new = copy.deepcopy(data)
    parts = new if isinstance(new, list) else [new]
    for part, found in zip(parts, matches, strict=True):
        inits = [s for s in part["trace"] if s["op"] == "init" and "value" in s]
        for step, j in zip(inits, found, strict=True):
            if quantities[j].value == Fraction(str(step["value"])):
                del step["value"]
                step["ref"] = j + 1
    return new
