"""report.html: one self-contained page to read an evaluation's traces, not just its numbers.

The page holds the summary, the breakdown tables and the chart (report.png as a data: URI), and
every problem of the evaluation: the question with its numbered quantities marked (the numbering
of `trace_env.prompts.numbered_quantities`, i.e. `solver.extract_quantities`), the raw output,
its steps as they ran (`solver.explain`: the value each step set and where every number it read
came from), the failing step and its error, and the gold program beside it. Filters (category,
expert, pattern, chain length, failures only, free text) and pagination run in the page; the
address can preset them (`report.html#category=invalid&chain=5`, `#failures`, `#text=...`).

No network: inline CSS and JS, no external URL. The problems travel as one JSON blob in a
`<script type="application/json">` element, with `<`, `>` and `&` written as JSON escapes, and the
script builds each page of problems with `textContent`, never `innerHTML`; outputs are untrusted
(a model can write `<script>`), so nothing they hold is ever parsed as markup. The file grows
linearly with the number of problems, and only one page of them is in the document at a time.
"""

from __future__ import annotations

import base64
import html
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from solver import explain, extract_quantities, format_number

from .report import CATEGORIES

PAGE_SIZE = 25
FILTERS = (("category", "category"), ("expert", "expert"), ("pattern", "pattern"), ("chain", "chain length"))


def _key(value: Any) -> str:
    """A filter value, grouped as the report's breakdowns group them (None -> "unknown")."""
    return "unknown" if value is None or value == "" else str(value)


def _num(value: Fraction | None) -> str | None:
    return None if value is None else format_number(value)


def _utf16(text: str, index: int) -> int:
    """A Python string index as a JavaScript (UTF-16) one."""
    return len(text[:index].encode("utf-16-le")) // 2


def _quantity_marks(question: str) -> list[list[int]]:
    """[start, end, n] (UTF-16 offsets) for each numbered quantity of the question."""
    return [[_utf16(question, q.start), _utf16(question, q.end), n]
            for n, q in enumerate(extract_quantities(question), start=1)]


def _steps(text: str | None, question: str | None, fail: tuple[int | None, int | None] | None) -> list[dict]:
    """The steps of a trace as they ran, JSON-ready; `fail` is the outcome's (subtrace, step)."""
    if not text:
        return []
    return [
        {
            "k": run.subtrace,
            "i": run.step,
            "t": run.text,
            "src": [[s.written, _num(s.value), s.kind, s.ref, s.meaning] for s in run.sources],
            "set": [[name, _num(value)] for name, value in run.values],
            "err": run.error,
            "ran": run.ran,
            "fail": fail is not None and (run.subtrace, run.step) == fail,
        }
        for run in explain(text, question)
    ]


def problem_view(sample: Mapping[str, Any]) -> dict[str, Any]:
    """What the page shows of one evaluation record (`evaluate(..., keep_samples=True)`): JSON-ready.

    Records written before records carried `question` and `gold_trace` still render (without the
    question's marks and the gold program)."""
    question = sample.get("question")
    question = question if isinstance(question, str) else None
    output = sample.get("output")
    output = output if isinstance(output, str) else ""
    gold = sample.get("gold_trace")
    gold = gold if isinstance(gold, str) and gold else None
    step = sample.get("step")
    fail = (sample.get("subtrace"), step) if step is not None else None
    same = gold is not None and gold.strip() == output.strip()
    return {
        "id": str(sample.get("id", "")),
        "category": _key(sample.get("category")),
        "expert": _key(sample.get("expert")),
        "pattern": _key(sample.get("pattern")),
        "chain": _key(sample.get("chain_length")),
        "correct": bool(sample.get("correct")),
        "reward": sample.get("reward"),
        "answer": None if sample.get("answer") is None else str(sample.get("answer")),
        "computed": None if sample.get("computed") is None else str(sample.get("computed")),
        "declared": sample.get("trace_expert"),
        "error": sample.get("error"),
        "fail": list(fail) if fail is not None else None,
        "turn": sample.get("turn"),
        "q": question,
        "qs": _quantity_marks(question) if question else [],
        "out": output,
        "steps": _steps(output, question, fail),
        # The gold program: its text and its steps, or a flag when the output is the gold itself.
        "gold": None if same else gold,
        "gsame": same,
        "gsteps": [] if same or gold is None else _steps(gold, question, None),
    }


def _blob(data: Any) -> str:
    """JSON that is inert inside a <script> element: no `<`, `>` or `&` survives as itself."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _group_table(title: str, groups: Mapping[str, Mapping[str, Any]]) -> str:
    if not groups:
        return ""
    rows = "".join(
        f"<tr><td>{_e(key)}</td><td class=num>{g['n']}</td><td class=num>{_pct(g['accuracy'])}</td>"
        f"<td>[{_pct(g['ci95'][0])}, {_pct(g['ci95'][1])}]</td><td class=num>{_pct(g['rates']['parse'])}</td>"
        f"<td class=num>{_pct(g['rates']['valid'])}</td><td class=num>{g['mean_reward']:.3f}</td></tr>"
        for key, g in groups.items()
    )
    return (f"<div class=group><h3>{_e(title)}</h3><table><thead><tr><th>group</th><th>n</th><th>accuracy</th>"
            f"<th>95% CI</th><th>parse</th><th>valid</th><th>reward</th></tr></thead><tbody>{rows}</tbody></table></div>")


def _summary(report: Mapping[str, Any]) -> str:
    meta = report.get("meta", {})
    r = report["rates"]
    items = [
        f"<b>accuracy</b> {_pct(report['accuracy'])} (95% Wilson CI [{_pct(report['ci95'][0])}, "
        f"{_pct(report['ci95'][1])}]), n = {report['n']}",
        f"<b>rates</b>: parse {_pct(r['parse'])}, valid {_pct(r['valid'])}, correct {_pct(r['correct'])}",
        f"<b>mean reward</b> {report['mean_reward']:.3f}",
        f"<b>gold traces</b>: {report.get('with_gold', 0)} of {report['n']}; checked as programs: "
        f"{report.get('program_checked', 0)}; right number from any program: "
        f"{report.get('answer_correct', report.get('correct', 0))}",
    ]
    by_turn = report.get("accuracy_by_turn") or []
    if len(by_turn) > 1:
        items.append("<b>accuracy within k turns</b>: " + ", ".join(
            f"{k}: {_pct(a)}" for k, a in enumerate(by_turn, start=1)))
    sampling = report.get("sampling")
    if sampling:
        passes = ", ".join(f"pass@{_e(j)} {_pct(v)}" for j, v in sampling["pass_at"].items())
        items.append(f"<b>sampling</b> (K = {_e(sampling['k'])}): {passes}; maj@K {_pct(sampling['maj_at_k'])}; "
                     f"mean@K {_pct(sampling['mean_at_k'])}")
    items.append(f"model <code>{_e(meta.get('model') or '-')}</code>, seed {_e(meta.get('seed'))}, "
                 f"{_e(meta.get('date', ''))}, commit <code>{_e(str(meta.get('git_commit') or '')[:12])}</code>")
    n = max(report["n"], 1)
    outcomes = "".join(f"<tr><td><span class='cat {_e(c)}'>{_e(c)}</span></td><td class=num>{k}</td>"
                       f"<td class=num>{_pct(k / n)}</td></tr>" for c, k in report["outcomes"].items())
    return (
        "<ul class=summary>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
        "<div class=groups><div class=group><h3>Outcomes</h3><table><thead><tr><th>category</th><th>count</th>"
        f"<th>share</th></tr></thead><tbody>{outcomes}</tbody></table></div>"
        + _group_table("By expert", report.get("by_expert") or {})
        + _group_table("By pattern", report.get("by_pattern") or {})
        + _group_table("By chain length", report.get("by_chain_length") or {})
        + "</div>"
    )


def _options(values: Iterable[str], field: str) -> str:
    counts = Counter(values)

    def order(key: str) -> tuple[int, float, str]:  # numbers numerically, known categories first
        if field == "category" and key in CATEGORIES:
            return (0, CATEGORIES.index(key), key)
        try:
            return (1, float(key), key)
        except ValueError:
            return (2 if key != "unknown" else 3, 0.0, key)

    return "<option value=''>all</option>" + "".join(
        f"<option value='{_e(v)}'>{_e(v)} ({counts[v]})</option>" for v in sorted(counts, key=order))


def render(report: Mapping[str, Any], samples: Sequence[Mapping[str, Any]] | None = None,
           chart_png: bytes | None = None) -> str:
    """The page as one string (see the module docstring)."""
    views = [problem_view(s) for s in samples or []]
    meta = report.get("meta", {})
    title = f"GSMTrace evaluation: {meta.get('agent', '?')} on {meta.get('source', '?')}"
    chart = ""
    if chart_png:
        chart = (f"<img class=chart alt='report chart' "
                 f"src='data:image/png;base64,{base64.b64encode(chart_png).decode('ascii')}'>")
    selects = "".join(
        f"<label>{_e(label)} <select id='f-{field}' data-field='{field}'>"
        f"{_options((v[field] for v in views), field)}</select></label>"
        for field, label in FILTERS
    )
    controls = (
        f"<div class=filters>{selects}<label><input type=checkbox id=f-fail> failures only</label>"
        "<label>text <input type=search id=f-text placeholder='id, question or output'></label>"
        "<button type=button id=f-reset>reset</button></div>"
        "<div class=pager><button type=button id=p-prev>&larr; previous</button> <span id=p-info></span> "
        "<button type=button id=p-next>next &rarr;</button> "
        "<button type=button id=p-open>expand all</button> <button type=button id=p-close>collapse all</button></div>"
    )
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1>{_summary(report)}{chart}"
        f"<h2 id=problems>Problems ({len(views)})</h2>"
        + (controls if views else "<p>No samples were kept (evaluate with keep_samples=True).</p>")
        + f"<div id=list></div><script type='application/json' id=gsm-data>{_blob(views)}</script>"
        f"<script>const PAGE_SIZE = {PAGE_SIZE};\n{_JS}</script></body></html>\n"
    )


def write_html(report: Mapping[str, Any], samples: Sequence[Mapping[str, Any]] | None, path: str | Path,
               chart: str | Path | None = None) -> Path:
    """Write report.html; `chart` is a PNG to embed (report.png)."""
    png = Path(chart).read_bytes() if chart is not None and Path(chart).is_file() else None
    out = Path(path)
    out.write_text(render(report, samples, png), encoding="utf-8")
    return out


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.2em 2em;color:#1d2430;background:#fafafa}
h1{font-size:1.5em;margin:.2em 0}h2{margin-top:1.2em}h3{margin:.3em 0;font-size:1em}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #d7dce3;padding:2px 7px;vertical-align:top}
th{background:#eef1f5;text-align:left}.num{text-align:right}
.summary li{margin:.1em 0}.groups{display:flex;flex-wrap:wrap;gap:1.2em;align-items:flex-start}
.group{max-height:22em;overflow:auto}.chart{max-width:100%;margin:1em 0;border:1px solid #d7dce3;background:#fff}
.filters,.pager{display:flex;flex-wrap:wrap;gap:.6em 1.2em;align-items:center;margin:.5em 0}
.pager{position:sticky;top:0;background:#fafafa;padding:.3em 0;z-index:1;border-bottom:1px solid #d7dce3}
details.problem{background:#fff;border:1px solid #d7dce3;border-radius:6px;margin:.6em 0;padding:.3em .8em}
details.problem>summary{cursor:pointer;font-weight:600}
.meta{color:#56627a;font-weight:400;margin-left:.6em}
.cat{display:inline-block;padding:0 .5em;border-radius:3px;font-weight:600;font-size:.9em}
.cat.correct{background:#cdeee9}.cat.wrong_answer{background:#f8e7b6}.cat.invalid{background:#fbd9c1}
.cat.wrong_expert{background:#f6c9bd}.cat.unparseable{background:#dfe3ea}
.question{font-size:1.05em;background:#f4f6f9;padding:.4em .6em;border-radius:4px}
mark.qty{background:#ffe58a;border-radius:3px;padding:0 2px}mark.qty sup{color:#8a5a00;font-size:.7em;margin-left:1px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:1em}.cols>div{min-width:0}
pre{background:#f4f6f9;border:1px solid #e3e7ee;padding:.4em .6em;overflow:auto;max-height:24em;white-space:pre-wrap;word-break:break-word;margin:.3em 0}
table.steps{width:100%;font-size:.92em}table.steps td{font-family:ui-monospace,Menlo,Consolas,monospace}
tr.fail td{background:#ffd6d1}tr.notrun td{color:#98a1b1}tr.err td{background:#fff0ee;color:#9b1c0c;font-family:inherit}
.src{display:inline-block;margin:0 .4em .1em 0;padding:0 .3em;border-radius:3px;background:#eef1f5;white-space:nowrap}
.src.quantity{background:#ffe58a}.src.constant{background:#d6e4ff}.src.result{background:#e3d9ff}
.src.question{background:#fff3c4}.src.literal{background:#ffd6d1}
.error{background:#fff0ee;border-left:4px solid #e76f51;padding:.3em .6em;margin:.4em 0;white-space:pre-wrap}
.note{color:#56627a;font-style:italic}
"""

_JS = r"""
"use strict";
const DATA = JSON.parse(document.getElementById("gsm-data").textContent);
const FIELDS = ["category", "expert", "pattern", "chain"];
let page = 0;
const $ = (id) => document.getElementById(id);
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function matches(s) {
  for (const f of FIELDS) { const v = $("f-" + f).value; if (v !== "" && s[f] !== v) return false; }
  if ($("f-fail").checked && s.correct) return false;
  const q = $("f-text").value.trim().toLowerCase();
  return !q || (s.id + "\n" + (s.q || "") + "\n" + s.out).toLowerCase().includes(q);
}
function question(s) {
  const p = el("div", "question");
  if (s.q === null) { p.appendChild(el("span", "note", "(question not recorded)")); return p; }
  let pos = 0;
  for (const [a, b, n] of s.qs) {
    p.appendChild(document.createTextNode(s.q.slice(pos, a)));
    const m = el("mark", "qty", s.q.slice(a, b));
    m.title = "quantity [" + n + "]";
    m.appendChild(el("sup", null, "[" + n + "]"));
    p.appendChild(m);
    pos = b;
  }
  p.appendChild(document.createTextNode(s.q.slice(pos)));
  return p;
}
function source(src) {
  const [written, value, kind, ref, meaning] = src;
  let text;
  if (kind === "quantity") text = written + " \u2190 quantity [" + ref + "]";
  else if (kind === "constant") text = written + " \u2190 constant" + (meaning ? " (" + meaning + ")" : "");
  else if (kind === "variable") text = written + " = " + value;
  else if (kind === "result") text = written + " = " + value + " (sub-trace result)";
  else if (kind === "question") text = written + " \u2190 the question" + (ref === null ? "" : " (in quantity [" + ref + "])");
  else text = written + " (literal)";
  const s = el("span", "src " + kind, text);
  s.title = kind;
  return s;
}
function steps(list, error) {
  const t = el("table", "steps");
  const composed = list.some((r) => r.k !== null);
  const head = t.createTHead().insertRow();
  for (const h of [composed ? "sub" : null, "#", "step", "reads (where each number came from)", "sets"])
    if (h !== null) head.appendChild(el("th", null, h));
  const body = t.createTBody();
  for (const r of list) {
    const row = body.insertRow();
    row.className = r.fail ? "fail" : (r.ran ? "" : "notrun");
    if (r.fail) row.dataset.fail = "1";
    if (composed) row.insertCell().textContent = r.k === null ? "" : String(r.k + 1);
    row.insertCell().textContent = String(r.i + 1);
    row.insertCell().textContent = r.t;
    const reads = row.insertCell();
    for (const src of r.src) reads.appendChild(source(src));
    row.insertCell().textContent = r.set.map(([n, v]) => n + " = " + v).join(", ") + (r.ran ? "" : "(not run)");
    const why = r.fail ? (error || r.err) : r.err;
    if (why) {
      const e = body.insertRow();
      e.className = "err";
      const c = e.insertCell();
      c.colSpan = composed ? 5 : 4;
      c.textContent = "\u2716 " + why;
    }
  }
  return t;
}
function card(s) {
  const d = el("details", "problem");
  d.open = !s.correct;
  d.dataset.id = s.id;
  const sum = el("summary");
  sum.appendChild(el("span", null, s.id + " "));
  sum.appendChild(el("span", "cat " + s.category, s.category));
  sum.appendChild(el("span", "meta", "expert " + s.expert + " \u00b7 pattern " + s.pattern + " \u00b7 chain " +
    s.chain + " \u00b7 reward " + s.reward + " \u00b7 expected " + s.answer + ", computed " + (s.computed === null ? "nothing" : s.computed) +
    (s.turn > 1 ? " \u00b7 turn " + s.turn : "")));
  d.appendChild(sum);
  d.appendChild(question(s));
  if (s.declared && s.declared !== s.expert) d.appendChild(el("div", "note", "declared expert: " + s.declared));
  if (s.error) {
    const where = s.fail ? " (" + (s.fail[0] === null ? "" : "sub-trace " + (s.fail[0] + 1) + ", ") + "step " + (s.fail[1] + 1) + ")" : "";
    d.appendChild(el("div", "error", "error" + where + ": " + s.error));
  }
  const cols = el("div", "cols");
  const left = el("div");
  left.appendChild(el("h4", null, "Output"));
  left.appendChild(el("pre", "output", s.out));
  if (s.steps.length) left.appendChild(steps(s.steps, s.error));
  else left.appendChild(el("div", "note", "no trace found in the output"));
  const right = el("div");
  right.appendChild(el("h4", null, "Gold program"));
  if (s.gsame) {
    right.appendChild(el("div", "note", "the output is the gold trace"));
  } else if (s.gold === null) {
    right.appendChild(el("div", "note", "no gold trace (graded on the answer alone)"));
  } else {
    right.appendChild(el("pre", "gold", s.gold));
    right.appendChild(steps(s.gsteps, null));
  }
  cols.appendChild(left);
  cols.appendChild(right);
  d.appendChild(cols);
  return d;
}
function render() {
  const hits = DATA.filter(matches);
  const pages = Math.max(1, Math.ceil(hits.length / PAGE_SIZE));
  page = Math.min(Math.max(page, 0), pages - 1);
  const list = $("list");
  list.replaceChildren();
  const shown = hits.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  for (const s of shown) list.appendChild(card(s));
  $("p-info").textContent = hits.length
    ? "problems " + (page * PAGE_SIZE + 1) + "\u2013" + (page * PAGE_SIZE + shown.length) + " of " + hits.length +
      " matching (" + DATA.length + " in all), page " + (page + 1) + " of " + pages
    : "no problem matches (" + DATA.length + " in all)";
  $("p-prev").disabled = page === 0;
  $("p-next").disabled = page >= pages - 1;
}
if ($("p-info")) {
  for (const id of ["f-category", "f-expert", "f-pattern", "f-chain", "f-fail", "f-text"])
    $(id).addEventListener("input", () => { page = 0; render(); });
  $("f-reset").addEventListener("click", () => {
    for (const f of FIELDS) $("f-" + f).value = "";
    $("f-fail").checked = false; $("f-text").value = ""; page = 0; render();
  });
  $("p-prev").addEventListener("click", () => { page -= 1; render(); });
  $("p-next").addEventListener("click", () => { page += 1; render(); });
  $("p-open").addEventListener("click", () => { for (const d of document.querySelectorAll("details.problem")) d.open = true; });
  $("p-close").addEventListener("click", () => { for (const d of document.querySelectorAll("details.problem")) d.open = false; });
  const wanted = new URLSearchParams(location.hash.slice(1));  /* report.html#category=invalid&chain=5 */
  for (const f of FIELDS) if (wanted.has(f)) $("f-" + f).value = wanted.get(f);
  if (wanted.has("failures")) $("f-fail").checked = true;
  if (wanted.has("text")) $("f-text").value = wanted.get("text");
  render();
}
"""
