"""report.html (trace_env.report_html) and the step provenance it shows (solver.explain).

The expected answers come from the inputs (the problems, the outputs handed to the policy and
`solver.grade` run here), never from the page's own output; the page is read with the standard
library's `html.parser`. One test renders the page in headless Chromium when it is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from fractions import Fraction
from html.parser import HTMLParser

import pytest

from generators import generate
from solver import explain, grade
from trace_env.evaluate import evaluate, write_report
from trace_env.report_html import PAGE_SIZE, render

INJECTION = ("</script><script>document.title='pwned'</script>"
             "<img src=x onerror=\"document.title='pwned'\"> & <!-- <marquee>moving</marquee>")


class Page(HTMLParser):
    """Every start tag with its attributes, the text of each <script> and <option>, and the title."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.options: dict[str, list[str]] = {}
        self.title = ""
        self._in: tuple[str, dict[str, str | None]] | None = None
        self._select: str | None = None
        self._text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "select":
            self._select = attrs.get("id")
            self.options[self._select] = []
        elif tag == "option" and self._select is not None:
            self.options[self._select].append(attrs.get("value") or "")
        if tag in ("script", "title"):
            self._in, self._text = (tag, attrs), []

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if self._in is not None and tag == self._in[0]:
            text = "".join(self._text)
            if tag == "script":
                self.scripts.append((self._in[1], text))
            else:
                self.title = text
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self._text.append(data)

    def data(self) -> list[dict]:
        (blob,) = [text for attrs, text in self.scripts if attrs.get("type") == "application/json"]
        return json.loads(blob)


def _broken(trace: str) -> str:
    """The trace with its second step's literal replaced by a number no question states."""
    lines = trace.splitlines()
    second = [i for i, line in enumerate(lines) if line.startswith("- {op: init")][1]
    lines[second] = re.sub(r"value: [^,}]+", "value: 987654", lines[second])
    return "\n".join(lines)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    """12 synthetic problems; outputs of every kind, one with markup in it; the written report."""
    problems = [p for p in generate(40, seed=11) if not p.trace.startswith("- ")][:12]  # single traces
    assert len(problems) == 12
    outputs = {}
    for k, p in enumerate(problems):
        other = "comparison" if p.expert != "comparison" else "arithmetic"
        outputs[p.question] = [
            p.trace,  # correct (the output is the gold)
            _broken(p.trace),  # invalid at its second step
            p.trace.replace(f"expert: {p.expert}", f"expert: {other}"),  # wrong expert
            "I think the answer is 42. " + INJECTION,  # unparseable, and markup
            p.trace.replace("op: sub", "op: add").replace("op: mul", "op: add") + "\n# " + INJECTION,
        ][k % 5]
    report = evaluate(lambda obs: [outputs[o] for o in obs], problems, batch_size=5, progress=False,
                      keep_samples=True)
    out = tmp_path_factory.mktemp("report")
    paths = write_report(report, out)
    text = paths["html"].read_text(encoding="utf-8")
    return problems, outputs, paths, text, Page(text)


def test_every_problem_is_on_the_page_with_its_question_output_and_gold(evaluation):
    problems, outputs, paths, _, page = evaluation
    data = page.data()
    assert paths["html"].name == "report.html" and paths["html"].parent == paths["md"].parent
    assert [d["id"] for d in data] == [p.id for p in problems]
    for d, p in zip(data, problems, strict=True):
        assert d["q"] == p.question and d["out"] == outputs[p.question]
        assert (d["expert"], d["pattern"], d["chain"]) == (p.expert, p.pattern, str(p.chain_length))
        # the gold program beside it: its text, or the flag that the output is the gold itself
        if outputs[p.question] == p.trace:
            assert d["gsame"] and d["gold"] is None
        else:
            assert d["gold"] == p.trace and not d["gsame"] and d["gsteps"]
            assert [s["t"] for s in d["gsteps"]] == [s.text for s in explain(p.trace, p.question)]


def test_quantities_are_marked_with_the_prompt_numbering(evaluation):
    from trace_env.prompts import numbered_quantities

    problems, _, _, _, page = evaluation
    for d, p in zip(page.data(), problems, strict=True):
        listed = [line.split("] ", 1)[1] for line in numbered_quantities(p.question).splitlines()]
        # offsets are UTF-16 (JavaScript); these questions are ASCII, so they index the string as is
        assert [p.question[a:b] for a, b, _ in d["qs"]] == listed
        assert [n for _, _, n in d["qs"]] == list(range(1, len(listed) + 1))


def test_filters_list_what_is_present(evaluation):
    problems, outputs, _, _, page = evaluation
    categories = Counter(grade(outputs[p.question], p.answer, p.expert, p.question, p.trace).category
                         for p in problems)
    assert set(categories) == {"correct", "invalid", "wrong_expert", "unparseable", "wrong_answer"}
    assert page.options["f-category"] == ["", *[c for c in ("correct", "wrong_answer", "invalid", "wrong_expert",
                                                            "unparseable") if c in categories]]
    assert set(page.options["f-expert"]) == {"", *(p.expert for p in problems)}
    assert set(page.options["f-pattern"]) == {"", *(p.pattern for p in problems)}
    assert set(page.options["f-chain"]) == {"", *(str(p.chain_length) for p in problems)}
    assert [d["category"] for d in page.data()] == [
        grade(outputs[p.question], p.answer, p.expert, p.question, p.trace).category for p in problems]


def test_the_failing_step_is_marked_with_its_error(evaluation):
    problems, outputs, _, _, page = evaluation
    broken = 0
    for d, p in zip(page.data(), problems, strict=True):
        failing = [(s["k"], s["i"]) for s in d["steps"] if s["fail"]]
        if outputs[p.question] == _broken(p.trace):
            broken += 1
            assert d["category"] == "invalid" and failing == [(None, 1)]
            step = d["steps"][1]
            assert "987654" in step["err"] and "987654" in d["error"] and step["set"] == []
            assert step["src"] == [["987654", "987654", "literal", None, None]]
            assert all(not s["ran"] for s in d["steps"][2:]) and d["steps"][0]["ran"]
        else:
            assert failing == []
    assert broken == 12 // 5 + (12 % 5 > 1)


def test_steps_show_values_and_where_each_number_came_from(evaluation):
    problems, outputs, _, _, page = evaluation
    d, p = page.data()[0], problems[0]
    assert outputs[p.question] == p.trace
    quantities = {n: p.question[a:b] for a, b, n in d["qs"]}
    last = d["steps"][-1]
    assert last["t"].startswith("query ") and last["set"][0][1] == p.answer  # the answer it computed
    for step in d["steps"]:
        for written, value, kind, ref, _ in step["src"]:
            assert kind in {"quantity", "question", "constant", "variable", "result"}
            if kind == "quantity":
                assert ref in quantities and Fraction(value) == Fraction(written)


def test_output_markup_is_inert(evaluation):
    _, _, _, text, page = evaluation
    # only the page's own two scripts, the chart's one image, no event handler attribute
    assert [attrs.get("type") for attrs, _ in page.scripts] == ["application/json", None]
    assert [attrs["src"][:22] for tag, attrs in page.tags if tag == "img"] == ["data:image/png;base64,"]
    assert not [(tag, a) for tag, attrs in page.tags for a in attrs if a.lower().startswith("on")]
    assert "<script>document" not in text and "<img src=x" not in text and "<!-- <marquee>" not in text
    assert not [tag for tag, _ in page.tags if tag == "marquee"]
    assert page.title.startswith("GSMTrace evaluation")
    # the markup survives as text, byte for byte
    assert sum(INJECTION in d["out"] for d in page.data()) == 12 // 5 * 2 + (12 % 5 > 3) + (12 % 5 > 4)


def test_no_external_urls(evaluation):
    _, _, _, text, page = evaluation
    for _, attrs in page.tags:
        for name in ("src", "href", "action", "data"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith(("data:", "#")) and "//" not in value.split(",", 1)[0], value
    assert "http://" not in text and "https://" not in text
    assert not [tag for tag, attrs in page.tags if tag == "link" or (tag == "script" and "src" in attrs)]


def test_old_records_render_and_size_is_linear(evaluation):
    problems, outputs, paths, _, _ = evaluation
    report = json.loads(paths["json"].read_text())
    samples = [json.loads(line) for line in paths["samples"].read_text().splitlines()]
    old = [{k: v for k, v in s.items() if k not in ("question", "gold_trace")} for s in samples]
    data = Page(render(report, old)).data()  # records from before they carried question / gold
    assert [d["q"] for d in data] == [None] * len(old) and [d["gold"] for d in data] == [None] * len(old)
    # linear: each copy of the samples adds the same bytes (up to the digits of the filter counts)
    sizes = [len(render(report, samples * k).encode()) for k in (1, 2, 4, 8)]
    per = sizes[1] - sizes[0]
    assert per > 0 and abs((sizes[2] - sizes[1]) / 2 - per) < 100 and abs((sizes[3] - sizes[2]) / 4 - per) < 100
    empty = Page(render(report, []))
    assert empty.data() == [] and "f-category" not in empty.options


def test_explain_provenance():
    question = ("A shop sells 3 boxes of 12 pens. Another shop sells 25% more pens than that. "
                "It is open 8 hours a day. How many pens does the second shop sell per minute?")
    trace = """- expert: arithmetic
  trace:
  - {op: init, var: boxes, ref: 1}
  - {op: init, var: per_box, value: 12}
  - {op: compute, compute_op: mul, args: [boxes, per_box], var: result}
  - {op: query, var: result}
- expert: percentage
  trace:
  - {op: init, var: first, source: prev.result}
  - {op: percent_increase, base: first, rate: 25, var: more}
  - {op: init, var: hours, value: 8}
  - {op: compute, compute_op: mul, args: [hours, 60], var: minutes}
  - {op: compute, compute_op: div, args: [more, minutes], var: result}
  - {op: query, var: result}"""
    runs = explain(trace, question)
    assert [(r.subtrace, r.step) for r in runs] == [(0, i) for i in range(4)] + [(1, i) for i in range(6)]
    assert all(r.ran and r.error is None for r in runs)
    src = {(r.subtrace, r.step): [(s.written, s.value, s.kind, s.ref) for s in r.sources] for r in runs}
    assert src[0, 0] == [("ref 1", 3, "quantity", 1)] and src[0, 1] == [("12", 12, "quantity", 2)]
    assert src[0, 2] == [("boxes", 3, "variable", None), ("per_box", 12, "variable", None)]
    assert src[1, 0] == [("prev.result", 36, "result", None)]
    assert src[1, 1] == [("first", 36, "variable", None), ("25", 25, "quantity", 3)]
    (sixty,) = [s for s in runs[7].sources if s.written == "60"]
    assert sixty.kind == "constant" and "minutes per hour" in sixty.meaning
    assert runs[-1].values == (("result", Fraction(45, 480)),)
    assert runs[1].text == "per_box = 12" and runs[2].text == "result = mul(boxes, per_box)"
    # a failing step: its error; the steps after it did not run
    bad = explain(trace.replace("args: [hours, 60]", "args: [hours, 61]"), question)
    assert bad[7].error and "61" in bad[7].error and bad[7].values == ()
    assert [r.ran for r in bad[8:]] == [False, False]
    assert explain("no trace here", question) == []


def test_chart_labels_bars_and_marks_zero():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from trace_env.report_files import _label_bars

    fig, ax = plt.subplots()
    bars = ax.bar(["a", "b"], [0.0, 0.5])
    before = len(ax.patches)
    _label_bars(ax, bars, ["0.0%\nn=3", "50.0%\nn=4"], 1.0)
    assert [t.get_text() for t in ax.texts] == ["0.0%\nn=3", "50.0%\nn=4"]
    assert len(ax.patches) == before + 1 and len(ax.lines) == 1  # the 0% bar's outline and marker
    plt.close(fig)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_chromium_renders_the_page(evaluation):
    problems, outputs, paths, _, _ = evaluation
    url = paths["html"].resolve().as_uri()

    def dom(fragment: str) -> str:
        run = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url + fragment],
                             capture_output=True, text=True, timeout=120, check=True)
        return run.stdout

    failures = sum(grade(outputs[p.question], p.answer, p.expert, p.question, p.trace).category != "correct"
                   for p in problems)
    rendered = dom("#failures")
    assert rendered.count('<details class="problem"') == min(failures, PAGE_SIZE)
    assert "<title>GSMTrace evaluation" in rendered and "pwned</title>" not in rendered
    assert "&lt;/script&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt;" in rendered
    assert f"of {failures} matching ({len(problems)} in all)" in rendered
    invalid = [p for p in problems if outputs[p.question] == _broken(p.trace)][0]
    one = dom("#category=invalid&text=" + invalid.id)
    assert one.count('<details class="problem"') == 1 and one.count('<tr class="fail" data-fail="1">') == 1
    assert one.count('<mark class="qty"') >= 2
