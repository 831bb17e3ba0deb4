"""Finding the trace in model text, YAML 1.1 traps, and hostile YAML."""

import time
from fractions import Fraction as F

import pytest

from solver import execute, grade, parse_trace
from solver.fastpath import fast_load
from solver.limits import MAX_DOC_CHARS, MAX_TEXT_CHARS
from solver.yaml_load import safe_load

TRACE = "\n".join([
    "expert: arithmetic",
    "trace:",
    "- {op: init, var: a, value: 6}",
    "- {op: init, var: b, value: 7}",
    "- {op: compute, compute_op: mul, args: [a, b], var: r}",
    "- {op: query, var: r}",
])


def value_of(text):
    trace = parse_trace(text)
    assert trace is not None and trace.ok, trace
    return execute(trace).value


@pytest.mark.parametrize(
    "text",
    [
        TRACE,
        f"```yaml\n{TRACE}\n```",
        f"```YAML\n{TRACE}\n```",
        f"```\n{TRACE}\n```",
        f"~~~yaml\n{TRACE}\n~~~",
        f"Here is my trace:\n\n```yaml\n{TRACE}\n```\n\nSo the answer is 42.",
        f"Let me think.\n{TRACE}\nThe answer is 42.",
        f"```yaml\n{TRACE}",  # unclosed fence (truncated output)
        f"  {TRACE}\n\n",
        TRACE.replace("\n- ", "\n  - "),
        TRACE.replace("\n", "\r\n"),
    ],
)
def test_trace_is_found(text):
    assert value_of(text) == 42


def test_block_style_and_flow_style_documents():
    block = "\n".join([
        "expert: arithmetic", "trace:", "  - op: init", "    var: a", "    value: 6", "  - op: init", "    var: b",
        "    value: 7", "  - op: compute", "    compute_op: mul", "    args:", "      - a", "      - b", "    var: r",
        "  - op: query", "    var: r"])
    assert value_of(block) == 42
    flow = ("{expert: arithmetic, trace: [{op: init, var: a, value: 6}, {op: init, var: b, value: 7}, "
            "{op: compute, compute_op: mul, args: [a, b], var: r}, {op: query, var: r}]}")
    assert value_of(flow) == 42


def test_last_complete_trace_wins():
    other = TRACE.replace("value: 7", "value: 8")
    assert value_of(f"```yaml\n{TRACE}\n```\nOops, fixed:\n```yaml\n{other}\n```") == 48
    # a broken last block does not hide the complete one before it
    assert value_of(f"```yaml\n{TRACE}\n```\n```yaml\n{other[:60]}\n```") == 42
    assert value_of(f"{TRACE}\n\nor maybe\n\n{other}\nDone.") == 48


def test_malformed_attempt_is_still_an_attempt():
    trace = parse_trace("expert: arithmetic\ntrace:\n- {op: init, var: a}\n- {op: query, var: a}")
    assert trace is not None and not trace.ok and trace.step == 0 and trace.expert == "arithmetic"


@pytest.mark.parametrize("text", ["", "42", "hello world", "- a\n- b", "{x: 1}", "expert", "trace",
                                  "```yaml\nfoo: bar\n```", "```python\nexpert = 1\n```", "[1, 2, 3]"])
def test_not_a_trace(text):
    assert parse_trace(text) is None


def test_yaml_syntax_error_is_explained():
    out = grade("expert: arithmetic\ntrace:\n- {op: init, var: a, value: 5\n- {op: query, var: a}", 5)
    assert out.category == "unparseable"
    assert "does not parse" in out.error and "line 4" in out.error
    assert "line 4" in out.feedback()
    assert grade("just prose about an expert", 5).error == "no YAML trace found"


# ---- YAML 1.1 traps ------------------------------------------------------------------------------

def _one_init(value):
    return f"expert: arithmetic\ntrace:\n- {{op: init, var: x, value: {value}}}\n- {{op: compute, compute_op: mul, args: [x, 2], var: r}}\n- {{op: query, var: r}}"


@pytest.mark.parametrize(
    ("literal", "expected"),
    [("1,000", F(2000)), ("$80", F(160)), ("$80,000", F(160000)), ("50%", F(100)), ("0.1", F(1, 5)),
     ("010", F(20)), ("1,234.5", F(2469)), ("-3", F(-6))],
)
def test_number_traps_in_flow_style(literal, expected):
    assert value_of(_one_init(literal)) == expected


def test_thousands_in_block_style_and_args():
    assert value_of(_one_init("1,000").replace("{op: init, var: x, value: 1,000}", "op: init\n  var: x\n  value: 1,000")
                    .replace("- op: init", "- op: init")) == 2000
    text = TRACE.replace("args: [a, b]", "args: [a, 1,000]")
    assert value_of(text) == 6000


def test_sexagesimal_time_is_not_ninety():
    out = grade(_one_init("1:30"), 180)
    assert out.category == "invalid" and "1:30" in out.error and "time" in out.error


@pytest.mark.parametrize("name", ["yes", "no", "on", "off", "true", "false", "null", "y", "n", "Yes", "NO"])
def test_yaml11_booleans_are_plain_names(name):
    text = TRACE.replace("var: a", f"var: {name}").replace("[a, b]", f"[{name}, b]")
    assert value_of(text) == 42


def test_safe_loading_only():
    # tags never construct objects: every node comes back as plain strings, lists and dicts
    assert safe_load("a: !!python/object/apply:os.getcwd []") == {"a": []}
    assert safe_load("a: !!python/name:os.system") == {"a": ""}
    assert safe_load("a: !!int 5") == {"a": "5"}
    out = grade("expert: !!python/name:os.system\ntrace: []", 0)
    assert out.category == "invalid" and "unknown expert" in out.error


def test_alias_bomb_rejected_fast():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    bomb = "\n".join(lines) + "\nexpert: arithmetic\ntrace: *l\n"
    start = time.perf_counter()
    out = grade(bomb, 0)
    assert time.perf_counter() - start < 1.0
    assert out.category == "invalid" and "alias" in out.error


def test_aliases_in_steps_rejected():
    text = "expert: arithmetic\ntrace:\n- &s {op: init, var: a, value: 6}\n- *s\n- {op: query, var: a}"
    out = grade(text, 0)
    assert out.reward == 0.5 and "alias" in out.error


@pytest.mark.parametrize("depth", [100, 5_000])
def test_deep_nesting_rejected_fast(depth):
    for doc in ("expert: arithmetic\ntrace: " + "[" * depth + "]" * depth,
                "expert: arithmetic\ntrace:\n" + "- " * depth + "x"):
        start = time.perf_counter()
        out = grade(doc, 0)
        assert time.perf_counter() - start < 1.0
        assert out.reward == 0.5 and "nesting" in out.error


def test_over_long_document_and_output():
    steps = "\n".join(f"- {{op: init, var: v{i}, value: {i}}}" for i in range(MAX_DOC_CHARS // 20))
    out = grade(f"expert: arithmetic\ntrace:\n{steps}\n- {{op: query, var: v1}}", 0)
    assert out.reward == 0.5 and "characters" in out.error
    huge = "expert: arithmetic\n" + "x" * MAX_TEXT_CHARS
    out = grade(huge, 0, expert="arithmetic")
    assert out.reward == 0.5 and "over the limit" in out.error
    assert grade("z" * (MAX_TEXT_CHARS + 10), 0).reward == 0.0


def test_too_many_steps():
    steps = "\n".join(f"- {{op: init, var: v{i}, value: 1}}" for i in range(250))
    out = grade(f"expert: arithmetic\ntrace:\n{steps}\n- {{op: query, var: v1}}", 0)
    assert out.reward == 0.5 and "too many steps" in out.error


def test_duplicate_keys_last_wins_in_both_paths():
    text = "expert: arithmetic\ntrace:\n- {op: init, var: a, value: 6, value: 9}\n- {op: init, var: b, value: 2}\n" \
           "- {op: compute, compute_op: mul, args: [a, b], var: r}\n- {op: query, var: r}"
    assert fast_load(text) == safe_load(text)
    assert value_of(text) == 18


@pytest.mark.parametrize(
    "text",
    [
        TRACE,
        TRACE.replace("\n- ", "\n  - "),
        "- expert: arithmetic\n  trace:\n  - {op: init, var: a, value: -2.5}\n  - {op: query, var: a}\n"
        "- expert: percentage\n  trace:\n  - {op: init, var: x, source: prev.result}\n"
        "  - {op: percent_of, base: x, rate: 50%, var: r}\n  - {op: query, var: r}",
        "expert: entity_track\ntrace:\n- {op: transfer, from: yes, to: no, amount: $5}\n- {op: query, var: no}",
        "expert: arithmetic\ntrace:\n- {op: compute, compute_op: add, args: [], var: r}\n- {op: init, var: on, value: 1/3}",
        "expert: arithmetic\ntrace:\n- {op: init, var: a.b_c, value: .5}\n- {op: query, var: a.b_c, var: x}",
    ],
)
def test_fast_path_agrees_with_general_loader(text):
    fast = fast_load(text)
    assert fast is not None
    assert fast == safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "expert: arithmetic\ntrace:\n- {op: init, var: a, value: 1,000}",
        "expert: arithmetic\ntrace:\n- {op: init, var: a, value: 1:30}",
        "expert: arithmetic\ntrace:\n- {op: init, var: a, value: 'x'}",
        "expert: arithmetic\ntrace:\n- {op: init, var: a, value: 5} # note",
        "expert: arithmetic\ntrace:\n- {op: init, var: a, value: 5}\n",
        "expert: arithmetic\ntrace:\n- {op: compute, compute_op: add, args: [1,000], var: r}",
        "expert: arithmetic\ntrace:\n- {op: init,var: a, value: 5}",
        "expert: arithmetic\ntrace:\n- {op: init, var: a, value: -}",
        "expert: arithmetic\ntrace:\n- {op: init, var: a, value: %5}",
    ],
)
def test_fast_path_declines_anything_unusual(text):
    assert fast_load(text) is None


QUESTION = "A shop sells 6 boxes with 7 cups in each box. How many cups does it sell?"
INDENTED = "\n".join("  " + line for line in TRACE.splitlines())


@pytest.mark.parametrize("text", [
    INDENTED,                                          # a whole trace indented by two spaces
    "```yaml\n" + INDENTED + "\n```",                  # the same, fenced
    "```\n" + "\n".join("\t" + line for line in TRACE.splitlines()) + "\n```",
    "Here is the trace:\n" + INDENTED + "\nThat is all.",
    "\ufeff" + TRACE,                                   # a byte-order mark first
    "\ufeff```yaml\n" + TRACE + "\n```",
    TRACE + "<|im_end|>",                              # chat end tokens a decoder left behind
    TRACE + "<|eot_id|>\n</s>\n",
    TRACE + ".",                                       # a full stop after the last step
    INDENTED + ".<|im_end|>",
])
def test_honest_output_in_other_clothes_is_graded_as_the_trace(text):
    outcome = grade(text, 42, "arithmetic", QUESTION)
    assert (outcome.reward, outcome.category) == (1.0, "correct"), outcome.error


def test_tidying_never_changes_what_a_trace_says():
    # the retry only removes indentation and end marks: a wrong trace stays wrong, a broken one broken
    wrong = INDENTED.replace("value: 7", "value: 6") + "<|im_end|>"
    assert grade(wrong, 42, "arithmetic", QUESTION).category == "wrong_answer"
    ragged = TRACE.replace("\n- {op: init, var: b", "\n   - {op: init, var: b")  # not one indentation
    assert grade("  " + ragged.replace("\n", "\n  ") + "<|im_end|>", 42, "arithmetic", QUESTION).category == "unparseable"
    assert grade("Answer: 42.<|im_end|>", 42, "arithmetic", QUESTION).category == "unparseable"
