"""Write an evaluation report as Markdown and as a PNG chart (matplotlib, Agg backend)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .report import CATEGORIES

FAILURE_EXAMPLES = 5
EXAMPLE_CHARS = 600


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _ci(ci: Sequence[float]) -> str:
    return f"[{_pct(ci[0])}, {_pct(ci[1])}]"


def _group_table(title: str, groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = [f"## {title}", "", "| group | n | accuracy | 95% CI | parse | valid | mean reward |",
             "|---|---:|---:|---|---:|---:|---:|"]
    for key, g in groups.items():
        r = g["rates"]
        lines.append(
            f"| {key} | {g['n']} | {_pct(g['accuracy'])} | {_ci(g['ci95'])} | {_pct(r['parse'])} | "
            f"{_pct(r['valid'])} | {g['mean_reward']:.3f} |"
        )
    return [*lines, ""]


def _turn_lines(report: Mapping[str, Any]) -> list[str]:
    by_turn = report.get("accuracy_by_turn") or []
    if len(by_turn) <= 1:
        return []
    steps = ", ".join(f"{k}: {_pct(a)}" for k, a in enumerate(by_turn, start=1))
    return [f"- **accuracy within k turns** (solver feedback between turns): {steps}"]


def _truncation_lines(meta: Mapping[str, Any]) -> list[str]:
    stats = meta.get("policy_stats") or {}
    cut, total = stats.get("truncated"), stats.get("generated")
    if not cut:
        return []
    return [f"- **warning**: {cut} of {total} generations hit the token limit (traces cut short)"]


def _fence(text: str) -> str:
    text = text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS] + "\n[... cut ...]"
    return "~~~~\n" + text.replace("~~~~", "~ ~ ~ ~") + "\n~~~~"


def _sampling_lines(report: Mapping[str, Any]) -> list[str]:
    s = report.get("sampling")
    if not s:
        return []
    k = s["k"]
    passes = ", ".join(f"pass@{j} {_pct(v)}" for j, v in s["pass_at"].items())
    return [
        f"- **sampling** (K = {k}, temperature {s['temperature']}): {passes} "
        f"(pass@{k} 95% CI {_ci(s['pass_at_k_ci95'])}); maj@{k} {_pct(s['maj_at_k'])} "
        f"{_ci(s['maj_at_k_ci95'])}; mean@{k} {_pct(s['mean_at_k'])}; "
        f"{s['distinct_mean']:.1f} distinct traces of {k}; greedy {_pct(report['accuracy'])}",
    ]


def markdown(report: Mapping[str, Any], samples: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The report as Markdown: summary, outcome counts, breakdowns, routing, failures, meta."""
    meta = report.get("meta", {})
    r = report["rates"]
    lines = [
        f"# GSMTrace evaluation: {meta.get('agent', '?')} on {meta.get('source', '?')}",
        "",
        f"- **accuracy**: {_pct(report['accuracy'])} (95% Wilson CI {_ci(report['ci95'])}), n = {report['n']}",
        f"- **rates**: parse {_pct(r['parse'])}, valid {_pct(r['valid'])} (executed without error), "
        f"correct {_pct(r['correct'])}",
        f"- **mean reward**: {report['mean_reward']:.3f}",
        f"- **program check**: {report.get('with_gold', 0)} of {report['n']} problems have a gold trace (the rest "
        f"are graded on the answer alone); {report.get('program_checked', 0)} traces that ran were checked on "
        f"variants of the question; the right number, from any program: "
        f"{report.get('answer_correct', report['correct'])}",
        *_turn_lines(report),
        *_sampling_lines(report),
        *_truncation_lines(meta),
        f"- model: `{meta.get('model')}`, seed {meta.get('seed')}, {meta.get('date', '')}",
        "",
        "## Outcomes",
        "",
        "| category | count | share |",
        "|---|---:|---:|",
    ]
    n = max(report["n"], 1)
    for cat, count in report["outcomes"].items():
        lines.append(f"| {cat} | {count} | {_pct(count / n)} |")
    lines.append("")
    lines += _group_table("By expert", report["by_expert"])
    lines += _group_table("By pattern", report["by_pattern"])
    lines += _group_table("By chain length", report["by_chain_length"])
    confusion = report.get("expert_confusion") or {}
    if confusion:
        declared = sorted({k for row in confusion.values() for k in row})
        lines += ["## Routing (gold expert → declared expert)", "",
                  "| gold \\ declared | " + " | ".join(declared) + " |",
                  "|---|" + "---:|" * len(declared)]
        for gold, row in confusion.items():
            lines.append(f"| {gold} | " + " | ".join(str(row.get(d, 0)) for d in declared) + " |")
        lines.append("")
    failures = [s for s in samples or [] if not s.get("correct")][:FAILURE_EXAMPLES]
    if failures:
        lines += ["## First failures", ""]
        for s in failures:
            lines += [
                f"### {s['id']} ({s['category']}, reward {s['reward']})",
                "",
                f"Expected {s.get('answer')}, computed {s.get('computed')}; error: {s.get('error')}",
                "",
                _fence(s.get("output", "")),
                "",
            ]
    lines += ["## Meta", "", "```json", _json(meta), "```", ""]
    return "\n".join(lines)


def _json(data: Any) -> str:
    import json

    return json.dumps(data, indent=2, sort_keys=True, default=str)


def _label_bars(ax: Any, bars: Any, labels: Sequence[str], scale: float,
                tops: Sequence[float] | None = None) -> None:
    """Write each bar's label above it (above its error bar when `tops` gives it), and draw a bar of
    height 0 as a dashed outline with a red baseline marker, so that 0% reads as a value, not a gap."""
    size = max(5.0, min(8.0, 64 / max(len(labels), 1)))  # many bars: smaller labels, still apart
    for k, (bar, label) in enumerate(zip(bars, labels, strict=True)):
        height = bar.get_height()
        x = bar.get_x() + bar.get_width() / 2
        if height == 0:
            ax.add_patch(_zero_bar(bar, scale))
            ax.plot([x], [0], marker="v", color="#c1121f", markersize=7, clip_on=False, zorder=3)
        top = max(height, tops[k] if tops is not None else height)
        ax.text(x, top + 0.02 * scale, label, ha="center", va="bottom", fontsize=size, linespacing=1.0)


def _zero_bar(bar: Any, scale: float) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((bar.get_x(), 0), bar.get_width(), 0.012 * scale, facecolor="#c1121f", alpha=0.35,
                     edgecolor="#c1121f", linestyle="--", linewidth=0.8, zorder=2)


def write_chart(report: Mapping[str, Any], path: str | Path) -> Path:
    """A PNG with outcome counts, accuracy by expert and accuracy by chain length (95% CIs), and
    greedy accuracy against pass@k / maj@k / mean@k when the report has sampling."""
    import matplotlib

    matplotlib.use("Agg", force=True)  # headless: never needs a display
    import matplotlib.pyplot as plt

    sampling = report.get("sampling")
    fig, axes = plt.subplots(1, 4 if sampling else 3, figsize=(20 if sampling else 15, 4.5),
                             constrained_layout=True)
    meta = report.get("meta", {})
    fig.suptitle(
        f"{meta.get('agent', '?')} on {meta.get('source', '?')}: accuracy {_pct(report['accuracy'])} "
        f"{_ci(report['ci95'])}, n = {report['n']}"
    )
    counts = [report["outcomes"].get(c, 0) for c in CATEGORIES]
    colours = ["#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8d99ae"]
    n_all = max(report["n"], 1)
    bars = axes[0].bar(CATEGORIES, counts, color=colours, edgecolor="#264653", linewidth=0.8)
    _label_bars(axes[0], bars, [f"{k}\n{_pct(k / n_all)}" for k in counts], max(counts, default=0) or 1)
    axes[0].set_ylim(0, max(max(counts, default=0), 1) * 1.25)
    axes[0].set_title("Outcomes")
    axes[0].set_ylabel("traces")
    axes[0].tick_params(axis="x", rotation=30)
    for ax, key, title in ((axes[1], "by_expert", "Accuracy by expert"),
                           (axes[2], "by_chain_length", "Accuracy by chain length")):
        groups = report.get(key) or {}
        names = list(groups)
        acc = [groups[g]["accuracy"] for g in names]
        lo = [max(0.0, a - groups[g]["ci95"][0]) for a, g in zip(acc, names, strict=True)]
        hi = [max(0.0, groups[g]["ci95"][1] - a) for a, g in zip(acc, names, strict=True)]
        bars = ax.bar(names, acc, yerr=[lo, hi], capsize=3, color="#457b9d", edgecolor="#1d3557", linewidth=0.8)
        _label_bars(ax, bars, [f"{_pct(a)}\nn={groups[g]['n']}" for a, g in zip(acc, names, strict=True)], 1.0,
                    tops=[a + h for a, h in zip(acc, hi, strict=True)])
        ax.set_ylim(0, 1.18)
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_title(title)
        ax.set_ylabel("accuracy (95% Wilson CI)")
        ax.tick_params(axis="x", rotation=30)
    if sampling:  # greedy against the headroom of K samples
        k = sampling["k"]
        names = ["greedy", *[f"pass@{j}" for j in sampling["pass_at"]], f"maj@{k}", f"mean@{k}"]
        values = [report["accuracy"], *sampling["pass_at"].values(), sampling["maj_at_k"], sampling["mean_at_k"]]
        bars = axes[3].bar(names, values, color=["#264653", *["#457b9d"] * len(sampling["pass_at"]), "#2a9d8f",
                                                 "#8d99ae"], edgecolor="#1d3557", linewidth=0.8)
        _label_bars(axes[3], bars, [f"{_pct(v)}\nn={report['n']}" for v in values], 1.0)
        axes[3].set_ylim(0, 1.18)
        axes[3].set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        axes[3].set_title(f"Headroom: {k} samples at temperature {sampling['temperature']}")
        axes[3].set_ylabel("accuracy")
        axes[3].tick_params(axis="x", rotation=30)
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
