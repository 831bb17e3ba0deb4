"""Property tests: nothing a model can write crashes or hangs the grader."""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import EXPERTS, REWARDS, format_number, format_trace, grade, parse_number, parse_trace
from solver.experts import COMPOSITION, COMPUTE_ARITY, STEP_OPS, ExpertSpec
from solver.fastpath import fast_load
from solver.schema import FIELDS
from solver.yaml_load import safe_load

QUESTION = "Kim buys 12 pencils at $0.25 each and 3 pens, a third of a box, 40% off."

SEEDS = [
    "expert: arithmetic\ntrace:\n- {op: init, var: a, value: 12}\n- {op: init, var: b, value: 0.25}\n"
    "- {op: compute, compute_op: mul, args: [a, b], var: r}\n- {op: query, var: r}",
    "- expert: percentage\n  trace:\n  - {op: init, var: p, value: 12}\n"
    "  - {op: percent_off, base: p, rate: 40, var: r}\n  - {op: query, var: r}\n"
    "- expert: entity_track\n  trace:\n  - {op: init, var: kim, source: prev.result}\n"
    "  - {op: transfer, from: kim, to: ann, amount: 3}\n  - {op: consume, var: kim, amount: 1/3}\n"
    "  - {op: query, var: kim}",
    "```yaml\nexpert: comparison\ntrace:\n  - op: init\n    var: x\n    value: 1,000\n  - {op: compute, compute_op: max, "
    "args: [x, 3], var: m}\n  - {op: query, var: m}\n```\nSo the answer is 1000.",
]
YAML_CHARS = list("-:{}[],&*!|>'\"%@`#?\n \t.$/0123456789") + ["yes", "no", "1:30", "1,000", "expert", "trace",
                                                                "op", "var", "prev.result", "query", "- ", "  "]
# A generous per-example deadline: "never hangs" is part of what is tested, yet a loaded
# two-core machine must not make the suite flaky.
SETTINGS = settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def assert_sane(out):
    # A rung of the ladder: a fault of the grader itself has a category of its own, outside it.
    assert out.category in REWARDS, (out.category, out.error)
    assert out.reward == REWARDS[out.category]
    out.to_dict()
    assert out.feedback()


@SETTINGS
@given(st.text(max_size=400), st.one_of(st.integers(), st.text(max_size=8)), st.sampled_from([None, "arithmetic"]))
def test_random_text_never_crashes(text, answer, expert):
    assert_sane(grade(text, answer, expert, QUESTION))


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "dup_line", "drop_line"]))
        if kind == "insert":
            text = text[:pos] + draw(st.sampled_from(YAML_CHARS)) + text[pos:]
        elif kind == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 5)):]
        elif kind == "replace":
            text = text[:pos] + draw(st.sampled_from(YAML_CHARS)) + text[pos + 1:]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i:i + 1] = [lines[i], lines[i]] if kind == "dup_line" else []
            text = "\n".join(lines)
    return text


@SETTINGS
@given(mutated(), st.sampled_from([None, "arithmetic", "composition"]), st.sampled_from([None, QUESTION]))
def test_mutated_traces_never_crash(text, expert, question):
    assert_sane(grade(text, 3, expert, question))


@SETTINGS
@given(mutated())
def test_fast_path_matches_general_loader_on_mutations(text):
    block = text.strip()
    fast = fast_load(block)
    if fast is not None:
        assert fast == safe_load(block)


# Traces that fit each expert's vocabulary (solver.EXPERTS) and each op's fields (solver.schema
# FIELDS), so every drawn trace is well formed: format_trace accepts all of them and the grader
# runs them, instead of most being discarded as malformed. Operands mostly name variables
# defined earlier and numbers the question grounds, so execution goes past the first step.
NAMES = st.sampled_from(["a", "b", "c", "yes", "x.y", "total_1", "n"])
NUMBERS = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=1000)
OPERANDS = st.one_of(NAMES, NUMBERS, st.integers(-1000, 1000))
GROUNDED = st.sampled_from([12, Fraction(1, 4), 3, 40, Fraction(1, 3), 2, 100, 7])  # QUESTION's and constants
INIT_FROM = [f for f in FIELDS["init"] if f != "var"]  # exactly one of these per init


def sources(k: int):
    """`source` values for sub-trace k (0-based); sub-trace 1 has nothing to read, but may still try."""
    return st.sampled_from(["prev.result", *(f"sub{i}.result" for i in range(1, k + 2))])


class Names:
    """The variables a sub-trace has defined so far, for operands that mostly refer to them."""

    def __init__(self, draw):
        self.draw, self.defined = draw, []

    def new(self) -> str:
        name = self.draw(st.one_of(st.just(f"v{len(self.defined)}"), NAMES))
        self.defined.append(name)
        return name

    def old(self) -> str:
        return self.draw(st.sampled_from(self.defined) if self.defined else NAMES)

    def operand(self):
        return self.draw(st.one_of(st.sampled_from(self.defined or ["a"]), GROUNDED, OPERANDS))


def field_value(op: str, name: str, spec: ExpertSpec, k: int, names: Names):
    draw = names.draw
    if op == "init" and name in ("source", "from"):
        return draw(sources(k))
    if name == "var":
        return names.old() if op in ("consume", "add_entity") else names.new()
    if name in ("from", "to"):
        return names.old()
    if name == "value":
        return draw(st.one_of(GROUNDED, NUMBERS))
    if name == "ref":
        return draw(st.integers(1, 6))
    if name == "compute_op":
        return draw(st.sampled_from(sorted(spec.compute_ops)))
    return names.operand()  # base, rate, amount


def in_vocabulary_step(draw, spec: ExpertSpec, k: int, names: Names,
                       init_from: list[str] | None = None) -> dict:
    op = "init" if init_from else draw(st.sampled_from(sorted(spec.step_ops - {"query"})))
    fields = [f for f in FIELDS[op] if f not in INIT_FROM] if op == "init" else list(FIELDS[op])
    if op == "init":
        fields.append(draw(st.sampled_from(init_from or INIT_FROM)))
    step = {"op": op}
    # A compute or percent step defines its var after reading its operands, so draw it last.
    for name in sorted(fields, key=lambda f: f == "var" and op != "init"):
        if name == "args":
            low, high = COMPUTE_ARITY[step["compute_op"]]
            step["args"] = [names.operand() for _ in range(draw(st.integers(low, min(high, 4))))]
        else:
            step[name] = field_value(op, name, spec, k, names)
    return step


@st.composite
def in_vocabulary_sub(draw, k: int = 0):
    spec = EXPERTS[draw(st.sampled_from(sorted(EXPERTS)))]
    names = Names(draw)
    # Most sub-traces open as a model's would: the first reads the question, a later one a result.
    first = in_vocabulary_step(draw, spec, k, names, ["source", "from", "value"] if k else ["value", "ref"])
    steps = [first, *(in_vocabulary_step(draw, spec, k, names) for _ in range(draw(st.integers(1, 5))))]
    last = draw(st.one_of(st.just(names.defined[-1]), st.sampled_from(names.defined)))
    return {"expert": spec.name, "trace": [*steps, {"op": "query", "var": last}]}


@st.composite
def in_vocabulary_trace(draw):
    if draw(st.booleans()):
        return draw(in_vocabulary_sub())
    return [draw(in_vocabulary_sub(k)) for k in range(draw(st.integers(2, 3)))]


LABELS = st.sampled_from([None, COMPOSITION, *sorted(EXPERTS)])


@SETTINGS
@given(in_vocabulary_trace(), st.one_of(st.integers(-50, 50), NUMBERS), LABELS,
       st.sampled_from([None, QUESTION]))
def test_traces_in_vocabulary_round_trip_and_grade(data, answer, label, question):
    text = format_trace(data)  # well formed by construction: never rejected
    trace = parse_trace(text)
    assert trace is not None and trace.ok, (text, trace)
    assert format_trace(trace) == text
    assert fast_load(text) == safe_load(text)
    out = grade(text, answer, label, question)
    assert_sane(out)
    assert out.parsed, (text, out)  # canonical text always reads as a trace


# One step per op a trace may use, each well formed on its own.
ANY_STEP = {
    "percent_of": {"op": "percent_of", "base": "a", "rate": 2, "var": "z"},
    "percent_off": {"op": "percent_off", "base": "a", "rate": 2, "var": "z"},
    "percent_increase": {"op": "percent_increase", "base": "a", "rate": 2, "var": "z"},
    "transfer": {"op": "transfer", "from": "a", "to": "b", "amount": 1},
    "consume": {"op": "consume", "var": "a", "amount": 1},
    "add_entity": {"op": "add_entity", "var": "a", "amount": 1},
    **{cop: {"op": "compute", "compute_op": cop, "args": ["a", 2][:COMPUTE_ARITY[cop][0]], "var": "z"}
       for cop in COMPUTE_ARITY},
}


@SETTINGS
@given(in_vocabulary_trace(), st.data())
def test_a_step_outside_the_vocabulary_is_refused_cleanly(data, draw):
    subs = data if isinstance(data, list) else [data]
    k = draw.draw(st.integers(0, len(subs) - 1))
    spec = EXPERTS[subs[k]["expert"]]
    assert set(ANY_STEP) == STEP_OPS - {"init", "compute", "query"} | set(COMPUTE_ARITY)  # every op covered
    outside = sorted(set(ANY_STEP) - spec.step_ops - spec.compute_ops)
    assert outside  # no expert has the whole vocabulary
    bad = ANY_STEP[draw.draw(st.sampled_from(outside))]
    # The text a model might write: the canonical trace with the foreign step first in sub-trace k.
    lines = format_trace(data).split("\n")
    indent = "  " if isinstance(data, list) else ""
    at = [i for i, line in enumerate(lines) if line == f"{indent}trace:"][k] + 1
    flow = "{" + ", ".join(f"{key}: {value}".replace("'", "") for key, value in bad.items()) + "}"
    text = "\n".join([*lines[:at], f"{indent}- {flow}", *lines[at:]])
    subs[k]["trace"].insert(0, bad)
    with pytest.raises(ValueError, match="vocabulary"):
        format_trace(data)
    out = grade(text, 1, None, QUESTION)
    assert_sane(out)
    assert out.category == "invalid" and out.subtrace in (None, k), (text, out)


@SETTINGS
@given(st.fractions(max_denominator=10**6))
def test_number_text_round_trip(value):
    assert parse_number(format_number(value)) == value
    assert isinstance(parse_number(format_number(value)), Fraction)
