"""Trace inits against question quantities: the reading-order check and the pointer form.

Every phrasing mentions its quantities in the order the gold trace initialises them, so within
each sub-trace the value inits match question quantities at increasing positions; `match_inits`
checks that. `rewrite` (and its views `rewrite_trace` / `rewrite_data`) turn a gold trace into the form a small
model is trained to write: question numbers as pointers (`init {var, ref: N}`) and, optionally,
generic variable names. `GeneratorConfig(refs=True)` and the training targets (`target_trace`,
`Problem.with_target`) both use this one rewrite.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from solver import extract_quantities, format_trace, grade, parse_number

# Step fields that hold a variable name (renamed by `generic_names`).
NAME_FIELDS = ("var", "from", "to", "base", "rate", "amount")


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


def _number(value: Any) -> Fraction | None:
    try:
        return parse_number(value)
    except (TypeError, ValueError):
        return None


def _mentions(step: dict[str, Any]) -> set[str]:
    names = {step[k] for k in NAME_FIELDS if isinstance(step.get(k), str)}
    return names | {a for a in step.get("args") or [] if isinstance(a, str)}


def _fold_scaled_inits(steps: list[dict[str, Any]], quantities: list[Any]) -> list[dict[str, Any]]:
    """`init 6` then `mul [x, 12]` becomes one `init` of the quantity "6 dozen" (value 72).

    The prompt lists "6 dozen" as one quantity worth 72, so a pointer to it replaces both steps;
    otherwise the model would have to copy the bare 6 out of the question, a form it rarely sees.
    Only folded when the init's variable is used by that one product and nowhere else.
    """
    out: list[dict[str, Any] | None] = list(steps)
    for i, step in enumerate(steps):
        value = _number(step.get("value")) if step.get("op") == "init" else None
        if not value:
            continue
        var = step.get("var")
        for q in quantities:
            if q.value == value or value not in q.grounds:
                continue
            users = [j for j, s in enumerate(steps) if j != i and var in _mentions(s)]
            if len(users) != 1:
                break
            use = steps[users[0]]
            args = use.get("args") if use.get("op") == "compute" and use.get("compute_op") == "mul" else None
            if not isinstance(args, list) or len(args) != 2 or var not in args:
                break
            other = _number(args[1 - args.index(var)])
            if other is None or other * value != q.value:
                break
            out[i] = {"op": "init", "var": use["var"], "value": q.value}
            out[users[0]] = None
            break
    return [s for s in out if s is not None]


def _rewrite_steps(steps: list[dict[str, Any]], values: list[Fraction], pointer: bool, generic: bool,
                   used: set[int]) -> list[dict[str, Any]]:
    rename: dict[str, str] = {}
    out = []
    for step in steps:
        step = dict(step)
        if step.get("op") == "init" and "value" in step and pointer:
            value = _number(step["value"])
            matches = [i for i, v in enumerate(values) if v == value]
            if matches:
                # A value the question states twice: take the first quantity not yet used (by any
                # sub-trace: "3 puzzles ... 3 students" in two sub-traces are two quantities), which
                # follows reading order the way the gold inits do; a value stated once may be read again.
                index = next((i for i in matches if i not in used), matches[0])
                used.add(index)
                del step["value"]
                step["ref"] = index + 1
        if generic and step.get("op") == "init" and "source" not in step and "from" not in step:
            rename.setdefault(step["var"], f"q{len(rename) + 1}")
        for key in NAME_FIELDS:
            if isinstance(step.get(key), str) and step[key] in rename:
                step[key] = rename[step[key]]
        if isinstance(step.get("args"), list):
            step["args"] = [rename.get(a, a) if isinstance(a, str) else a for a in step["args"]]
        out.append(step)
    return out


def rewrite_data(
    trace_data: Any, question: str, answer: Any = None, *, pointer: bool = True, generic_names: bool = False
) -> dict | list | None:
    """A gold trace rewritten for a small model, as plain data; None if the rewrite is not correct.

    `pointer`: every init value that is a quantity of the question becomes `ref: N` (constants
    such as 7 days or 60 minutes stay literal); an init scaled by one product into a quantity
    ("3 dozen") folds into a pointer to that quantity. `generic_names`: variables set from numbers
    are renamed q1, q2, ... per sub-trace in order of definition, so the model never has to copy
    names such as `leo.marbles` out of the question (the solver ignores names). The result must
    still grade correct against `answer` when one is given, and a pointer rewrite must be the
    original's program (the grader's program check, with the original as the gold trace).
    """
    rewritten = rewrite(trace_data, question, answer, pointer=pointer, generic_names=generic_names)
    return None if rewritten is None else rewritten[0]


def rewrite(
    trace_data: Any, question: str, answer: Any = None, *, pointer: bool = True, generic_names: bool = False
) -> tuple[dict | list, str] | None:
    """`rewrite_data` with its canonical text (`solver.format_trace`), formatted and graded once."""
    quantities = extract_quantities(question) if pointer else []
    values = [q.value for q in quantities]
    subs = trace_data if isinstance(trace_data, list) else [trace_data]
    used: set[int] = set()
    try:
        rewritten = [
            {**sub, "trace": _rewrite_steps(_fold_scaled_inits(sub["trace"], quantities) if pointer else sub["trace"],
                                            values, pointer, generic_names, used)}
            for sub in subs
        ]
        data = rewritten if isinstance(trace_data, list) else rewritten[0]
        text = format_trace(data)
        gold = format_trace(trace_data) if pointer and answer is not None else None
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    # correct, and the same program as the original on the question's variants: a pointer bound to
    # the wrong one of two equal quantities gives the right number from another program
    if answer is not None and not grade(text, answer, question=question, gold=gold).correct:
        return None
    return data, text


def rewrite_trace(
    trace_data: Any, question: str, answer: Any = None, *, pointer: bool = True, generic_names: bool = False
) -> str | None:
    """`rewrite_data` as canonical trace text (`solver.format_trace`); None when that is None."""
    rewritten = rewrite(trace_data, question, answer, pointer=pointer, generic_names=generic_names)
    return None if rewritten is None else rewritten[1]


def target_trace(trace: str, trace_data: Any, question: str, answer: str, trace_form: str,
                 var_names: str = "gold") -> str:
    """The gold trace in `trace_form` ('value' or 'ref') and `var_names` ('gold' or 'generic') style:
    the training target (`Problem.with_target`). Falls back to `trace` when a rewrite does not grade
    correct, which the rewrite checks."""
    if trace_form == "value" and var_names == "gold":
        return trace
    rewritten = rewrite_trace(trace_data, question, answer, pointer=trace_form == "ref",
                              generic_names=var_names == "generic")
    return rewritten or trace
