"""Property tests: nothing a model can write crashes or hangs the grader."""

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import REWARDS, format_number, format_trace, grade, parse_number, parse_trace
from solver.fastpath import fast_load
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
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sane(out):
    assert out.reward == REWARDS[out.category]
    assert not (out.error or "").startswith("internal error"), out.error
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


NAMES = st.sampled_from(["a", "b", "c", "yes", "x.y", "total_1", "n"])
NUMBERS = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=1000)
OPERANDS = st.one_of(NAMES, NUMBERS, st.integers(-1000, 1000))


def step_strategy():
    return st.one_of(
        st.builds(lambda v, x: {"op": "init", "var": v, "value": x}, NAMES, NUMBERS),
        st.builds(lambda v, n: {"op": "init", "var": v, "ref": n}, NAMES, st.integers(1, 6)),
        st.builds(lambda c, args, v: {"op": "compute", "compute_op": c, "args": args, "var": v},
                  st.sampled_from(["add", "sub", "mul", "div", "floordiv", "mod", "pow", "min", "max", "floor",
                                   "ceil", "round"]), st.lists(OPERANDS, min_size=1, max_size=3), NAMES),
        st.builds(lambda o, b, r, v: {"op": o, "base": b, "rate": r, "var": v},
                  st.sampled_from(["percent_of", "percent_off", "percent_increase"]), OPERANDS, OPERANDS, NAMES),
        st.builds(lambda f, t, a: {"op": "transfer", "from": f, "to": t, "amount": a}, NAMES, NAMES, OPERANDS),
        st.builds(lambda o, v, a: {"op": o, "var": v, "amount": a}, st.sampled_from(["consume", "add_entity"]),
                  NAMES, OPERANDS),
    )


EXPERT_NAMES = st.sampled_from(["arithmetic", "comparison", "rate_equation", "entity_track", "percentage"])


@st.composite
def random_trace(draw):
    def sub():
        steps = draw(st.lists(step_strategy(), min_size=1, max_size=4))
        return {"expert": draw(EXPERT_NAMES), "trace": [*steps, {"op": "query", "var": draw(NAMES)}]}
    if draw(st.booleans()):
        return sub()
    return [sub() for _ in range(draw(st.integers(2, 3)))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_trace())
def test_random_traces_round_trip_and_grade(data):
    try:
        text = format_trace(data)
    except ValueError:
        return  # e.g. an op outside the expert's vocabulary: nothing canonical to write
    trace = parse_trace(text)
    assert trace is not None and trace.ok
    assert format_trace(trace) == text
    assert fast_load(text) == safe_load(text)
    for question in (None, QUESTION):
        assert_sane(grade(text, 1, None, question))


@SETTINGS
@given(st.fractions(max_denominator=10**6))
def test_number_text_round_trip(value):
    assert parse_number(format_number(value)) == value
    assert isinstance(parse_number(format_number(value)), Fraction)
