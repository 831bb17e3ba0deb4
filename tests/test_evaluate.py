"""evaluate(): report fields, oracle = 100%, random ~ 0%, the CLI's files and Wilson intervals."""

from __future__ import annotations

import json
import re

import pytest
from handwritten import COOKIES  # tests/handwritten.py

from agents import AGENTS, OracleAgent, RandomAgent, register
from agents.evaluate import main
from trace_env.episode import EpisodeConfig
from trace_env.evaluate import evaluate
from trace_env.report import summarize, wilson

CATEGORIES = {"correct", "wrong_answer", "invalid", "wrong_expert", "unparseable"}
HANDWRITTEN = [COOKIES]
TRACE = COOKIES["trace"]
# Words that would judge an answer ("Write a corrected trace." is not one of them).
VERDICT = re.compile(r"\b(right|wrong|correct|incorrect|correctly|incorrectly)\b", re.IGNORECASE)


def _check_report_fields(report: dict, n: int) -> None:
    assert report["n"] == n
    assert 0.0 <= report["accuracy"] <= 1.0
    lo, hi = report["ci95"]
    assert 0.0 <= lo <= report["accuracy"] <= hi <= 1.0
    assert set(report["rates"]) == {"parse", "valid", "correct"}
    assert report["rates"]["correct"] == report["accuracy"]
    assert set(report["outcomes"]) >= CATEGORIES and sum(report["outcomes"].values()) == n
    for key in ("by_expert", "by_pattern", "by_chain_length"):
        assert sum(group["n"] for group in report[key].values()) == n
    meta = report["meta"]
    assert {"versions", "seed", "source", "model", "agent"} <= set(meta)
    assert meta["versions"]["python"] and meta["versions"]["gymnasium"]


def test_oracle_scores_100_percent_on_generator_problems():
    import generators

    problems = generators.generate(150, seed=21)
    report = evaluate(OracleAgent(problems), problems, batch_size=32, progress=False, seed=21, source="synthetic")
    _check_report_fields(report, 150)
    assert report["accuracy"] == 1.0 and report["outcomes"]["correct"] == 150
    assert report["rates"] == {"parse": 1.0, "valid": 1.0, "correct": 1.0}
    assert set(report["by_expert"]) == {p.expert for p in problems}


def test_random_agent_scores_about_zero():
    import generators

    problems = generators.generate(150, seed=22)
    report = evaluate(RandomAgent(seed=0), problems, progress=False)
    _check_report_fields(report, 150)
    assert report["accuracy"] < 0.1
    assert report["meta"]["agent"] == "random"


def test_valid_rate_excludes_invalid_traces():
    wrong = TRACE.replace("compute_op: sub", "compute_op: add")        # executes: 24 + 9 = 33
    ungrounded = TRACE.replace("value: 9", "value: 99")                 # 99 not in the question
    outputs = iter([[TRACE], [wrong], [ungrounded], ["no yaml here"]])
    reports = [evaluate(lambda obs: next(outputs), HANDWRITTEN, progress=False) for _ in range(4)]
    assert [r["outcomes"]["correct"] for r in reports] == [1, 0, 0, 0]
    assert [r["rates"]["valid"] for r in reports] == [1.0, 1.0, 0.0, 0.0]
    assert [r["rates"]["parse"] for r in reports] == [1.0, 1.0, 1.0, 0.0]
    assert reports[1]["outcomes"]["wrong_answer"] == 1 and reports[2]["outcomes"]["invalid"] == 1


# One output per grade: correct, wrong_answer, invalid, wrong_expert (a runnable trace under
# another expert's name), unparseable.
EVERY_GRADE = [TRACE, TRACE.replace("compute_op: sub", "compute_op: add"), TRACE.replace("value: 9", "value: 99"),
               TRACE.replace("expert: arithmetic", "expert: percentage"), "no yaml here"]


def test_report_rates_are_the_outcomes_own_verdicts():
    from solver import grade

    problems = [dict(COOKIES, id=f"cookies-{i}") for i in range(len(EVERY_GRADE))]
    report = evaluate(lambda obs: EVERY_GRADE[:len(obs)], problems, batch_size=8, progress=False, keep_samples=True)
    outcomes = [grade(t, COOKIES["answer"], COOKIES["expert"], COOKIES["question"], COOKIES["trace"])
                for t in EVERY_GRADE]
    assert [o.category for o in outcomes] == ["correct", "wrong_answer", "invalid", "wrong_expert", "unparseable"]
    assert [s["category"] for s in report["samples"]] == [o.category for o in outcomes]
    # a wrong-expert trace parses but is not valid (solver.grade.Outcome.valid): valid = 2 of 5
    assert report["rates"] == {"parse": 4 / 5, "valid": 2 / 5, "correct": 1 / 5}
    for sample, outcome in zip(report["samples"], outcomes, strict=True):  # each record carries its verdicts
        assert (sample["parsed"], sample["valid"], sample["correct"]) == (outcome.parsed, outcome.valid,
                                                                          outcome.correct)
    assert report["by_expert"]["arithmetic"]["rates"]["valid"] == 2 / 5


def test_summarize_counts_the_recorded_verdicts_not_category_names():
    # A category the report does not know (a newer grade) is counted by the verdicts its record carries.
    records = [{"category": "runs", "reward": 0.0, "parsed": True, "valid": True, "correct": False},
               {"category": "wrong_expert", "reward": 0.3, "parsed": True, "valid": False, "correct": False}]
    summary = summarize(records)
    assert summary["rates"] == {"parse": 1.0, "valid": 0.5, "correct": 0.0}
    assert summary["outcomes"]["runs"] == 1 and summary["outcomes"]["wrong_expert"] == 1


def test_refinement_turns_feed_back_solver_feedback():
    wrong = TRACE.replace("compute_op: sub", "compute_op: add")
    seen: list[str] = []

    def reviser(observations):
        seen.extend(observations)
        return [TRACE if "Solver feedback:" in obs else wrong for obs in observations]

    report = evaluate(reviser, HANDWRITTEN, episode=EpisodeConfig(max_turns=3, reveal=True), progress=False, keep_samples=True)
    assert report["accuracy_by_turn"] == [0.0, 1.0, 1.0] and report["accuracy"] == 1.0
    assert report["meta"]["reveal"] is True
    assert report["samples"][0]["turn"] == 2 and len(seen) == 2
    assert "33" in seen[1].split("Solver feedback:")[1]  # the value the wrong trace computed
    single = evaluate(reviser, HANDWRITTEN, progress=False)
    assert single["accuracy_by_turn"] == [0.0] and single["outcomes"]["wrong_answer"] == 1


def test_default_refinement_is_gold_free_and_stops_at_the_first_trace_that_runs():
    wrong = TRACE.replace("compute_op: sub", "compute_op: add")  # runs, answers 33 instead of the gold
    ungrounded = TRACE.replace("value: 9}", "value: 8}")  # 8 is not in the question: the trace does not run
    seen: list[str] = []

    def reviser(observations):
        seen.extend(observations)
        return [wrong for _ in observations]

    report = evaluate(reviser, HANDWRITTEN, episode=EpisodeConfig(max_turns=3), progress=False)  # reveal left at its default
    # the wrong trace runs: without a gold answer there is nothing to correct, so one turn only
    assert report["accuracy"] == 0.0 and len(seen) == 1 and report["meta"]["reveal"] is False
    assert report["outcomes"]["wrong_answer"] == 1
    # a trace that does not run gets feedback, which never judges an answer; the next one is kept
    outputs = iter([ungrounded, TRACE])
    seen.clear()
    fixed = evaluate(lambda obs: (seen.extend(obs), [next(outputs)])[1], HANDWRITTEN, episode=EpisodeConfig(max_turns=3), progress=False)
    assert fixed["accuracy"] == 1.0 and len(seen) == 2 and fixed["meta"]["reveal"] is False
    feedback = seen[1].split("Solver feedback:")[1].lower()
    assert "8" in feedback and "15" not in feedback  # names the bad number, never the gold answer (24 - 9)
    assert not VERDICT.search(feedback)


def test_policy_output_count_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="returned 0 outputs"):
        evaluate(lambda obs: [], HANDWRITTEN, progress=False)
    with pytest.raises(ValueError, match="at least one problem"):
        evaluate(lambda obs: obs, [], progress=False)


def test_wilson_interval_reference_values():
    # Reference values of the Wilson score interval (z = 1.96).
    assert wilson(0, 10) == pytest.approx([0.0, 0.2775], abs=1e-4)
    assert wilson(5, 10) == pytest.approx([0.2366, 0.7634], abs=1e-4)
    assert wilson(10, 10) == pytest.approx([0.7225, 1.0], abs=1e-4)
    assert wilson(0, 0) == [0.0, 1.0]
    assert summarize([])["n"] == 0


def test_cli_writes_json_markdown_chart_and_samples(tmp_path, capsys):
    out = tmp_path / "eval"
    code = main(["--agent", "oracle", "--source", "synthetic", "--n", "12", "--seed", "3", "--out", str(out),
                 "--no-progress"])
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    _check_report_fields(report, 12)
    assert report["accuracy"] == 1.0 and report["meta"]["source"] == "synthetic" and report["meta"]["seed"] == 3
    assert (out / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "report.md").read_text()
    assert "accuracy" in md and "By expert" in md and "By chain length" in md
    assert len((out / "samples.jsonl").read_text().splitlines()) == 12
    assert "accuracy 100.0%" in capsys.readouterr().out


class _Reviser:
    """A scripted policy: a valid but wrong cookies trace (24 + 9 = 33), the gold one once it reads feedback."""

    name = "reviser"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def act(self, observations: list[str]) -> list[str]:
        self.seen.extend(observations)
        wrong = TRACE.replace("compute_op: sub", "compute_op: add")
        return [TRACE if "Solver feedback:" in obs else wrong for obs in observations]


@pytest.fixture
def reviser():
    built: list[_Reviser] = []

    def factory(context, **options):
        built.append(_Reviser())
        return built[-1]

    register("test-reviser", factory)
    yield built
    AGENTS.pop("test-reviser")


def test_cli_feedback_is_gold_free_unless_reveal(tmp_path, reviser):
    data = tmp_path / "cookies.jsonl"
    data.write_text(json.dumps(COOKIES) + "\n")
    common = ["--agent", "test-reviser", "--source", str(data), "--max_turns", "3", "--no-progress"]
    assert main([*common, "--out", str(tmp_path / "default")]) == 0
    report = json.loads((tmp_path / "default" / "report.json").read_text())
    (sample,) = [json.loads(line) for line in (tmp_path / "default" / "samples.jsonl").read_text().splitlines()]
    # by default the wrong trace runs, so the episode ends there: no feedback, no second turn
    assert report["meta"]["reveal"] is False and report["accuracy"] == 0.0
    assert sample["category"] == "wrong_answer" and sample["turn"] == 1
    assert reviser[0].seen == [COOKIES["question"]]
    assert '"reveal": false' in (tmp_path / "default" / "report.md").read_text()
    # --reveal: the feedback says the answer is not right, and the agent gets another turn
    assert main([*common, "--reveal", "--out", str(tmp_path / "reveal")]) == 0
    report = json.loads((tmp_path / "reveal" / "report.json").read_text())
    assert report["meta"]["reveal"] is True and report["accuracy"] == 1.0
    assert report["accuracy_by_turn"] == [0.0, 1.0, 1.0] and len(reviser[1].seen) == 2
    assert VERDICT.search(reviser[1].seen[1].split("Solver feedback:")[1])


def test_cli_on_gsm8k_jsonl_with_random_agent(tmp_path):
    rows = [{"question": f"Ivy packs {k} bags with 3 apples each. How many apples?",
             "answer": f"{k}*3=<<{k}*3={3 * k}>>{3 * k}\n#### {3 * k}"} for k in range(2, 12)]
    data = tmp_path / "mini.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "eval"
    assert main(["--agent", "random", "--source", str(data), "--n", "6", "--out", str(out), "--no-progress"]) == 0
    report = json.loads((out / "report.json").read_text())
    _check_report_fields(report, 6)
    assert list(report["by_expert"]) == ["unknown"] and list(report["by_chain_length"]) == ["1"]
    assert main(["--agent", "oracle", "--source", str(data), "--out", str(out)]) == 2  # no gold traces


def test_refinement_evaluation_agrees_with_stepping_the_environment_by_hand():
    """evaluate(episode=EpisodeConfig(max_turns=3)) steps GSMTraceRefine-v1 itself: the same policy driven through gym.make
    gives the same last trace, category and turn for every problem."""
    import gymnasium as gym

    import trace_env  # noqa: F401  (registers the environments)
    from generators import generate

    problems = generate(6, seed=3)

    def policy(observations):
        # First attempt: an ungrounded trace; after feedback: the gold trace, except for problem 0.
        out = []
        for obs in observations:
            problem = next(p for p in problems if obs.startswith(p.question))
            refined = "Solver feedback" in obs
            out.append(problem.trace if refined and problem is not problems[0] else
                       "expert: arithmetic\ntrace:\n- {op: init, var: x, value: 123456}\n- {op: query, var: x}")
        return out

    report = evaluate(policy, problems, batch_size=4, episode=EpisodeConfig(max_turns=3), progress=False, keep_samples=True)
    env = gym.make("GSMTraceRefine-v1", source=[p.to_dict() for p in problems], max_turns=3)
    for i, record in enumerate(report["samples"]):
        obs, _ = env.reset(options={"index": i})
        while True:
            action = policy([obs])[0]
            obs, _, terminated, truncated, info = env.step(action)
            if terminated or truncated:
                break
        assert (record["category"], record["turn"], record["output"]) == (info["category"], info["turn"], action)
    assert report["accuracy_by_turn"] == [0.0, 5 / 6, 5 / 6]
