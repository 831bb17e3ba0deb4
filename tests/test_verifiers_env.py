"""The GSMTrace verifiers environment (trace_env/verifiers_env.py), run with verifiers 0.4 itself.

The evaluations go through verifiers' own path (the `vf-eval` command and its Python runner)
against the fake OpenAI-compatible server of tests/chat_server.py on 127.0.0.1, which answers
with real traces: the gold trace of the question it sees, or a deliberately wrong one. The
expected scores come from that choice and the reward ladder of the README (gold trace 1.0, valid
but wrong 0.7, invalid 0.5, wrong expert 0.3, no trace 0.0), never from the reward code.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

# verifiers 0.4 needs Python 3.11+; the `verifiers` extra installs it only there (pyproject marker)
pytest.importorskip("verifiers.v1", reason="the verifiers extra (Python 3.11+) is not installed")

import httpx
import tomllib  # Python 3.11+, as verifiers 0.4 itself requires
import verifiers.v1 as vf
from chat_server import ChatHandler, serve_chat  # tests/chat_server.py
from handwritten import COOKIES, JACKET, PRINTER, PROBLEMS  # tests/handwritten.py
from pydantic import ValidationError
from verifiers.v1.cli.eval.runner import run_eval
from verifiers.v1.configs.cli.eval import EvalConfig

import generators
from generators import ConfigError
from trace_env.prompts import DEFAULT_NUMBERED, build_messages
from trace_env.sources import SourceError
from trace_env.verifiers_env import (
    GSMTraceConfig,
    GSMTraceHarness,
    GSMTraceTask,
    GSMTraceTaskset,
    GSMTraceVerifiersEnv,
    run_summary,
)
from trace_env.verifiers_env import main as summary_main

# Hand-made traces for the cookies problem (24 cookies, 9 given away: 15 left), one per rung.
COOKIE_TRACES = {
    "gold": (COOKIES["trace"], 1.0),
    "wrong_answer": (COOKIES["trace"].replace("sub", "add"), 0.7),      # 24 + 9 = 33, not 15
    "ungrounded": (COOKIES["trace"].replace("value: 9", "value: 8"), 0.5),  # 8 is not in the question
    "wrong_expert": (COOKIES["trace"].replace("expert: arithmetic", "expert: rate_equation"), 0.3),
    "no_trace": ("I think she has some cookies left.", 0.0),
}


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _question(body: dict) -> str:
    """The problem text of a request: the first user turn, without the numbered quantities the
    default prompt form lists under it (DEFAULT_NUMBERED)."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user").split("\n\nQuantities:\n")[0]


# ---------------------------------------------------------------- loading by id


def test_verifiers_loads_the_environment_by_id():
    config = vf.resolve_env_config({"taskset": {"id": "gsmtrace", "n": 3, "seed": 5}})
    env = vf.load_environment(config)
    assert isinstance(env, GSMTraceVerifiersEnv) and isinstance(env.taskset, GSMTraceTaskset)
    (harness,) = config.agent_harnesses().values()                 # the taskset's own harness plays the seat
    assert harness.id == "gsmtrace" and isinstance(vf.load_harness(harness), GSMTraceHarness)
    assert config.agent.runtime.type == "subprocess"                # local: nothing to provision
    tasks = list(env.taskset)
    problems = generators.generate(3, seed=5)
    assert [t.data.question for t in tasks] == [p.question for p in problems]
    assert [t.data.answer for t in tasks] == [p.answer for p in problems]
    assert [t.key for t in tasks] == [p.id for p in problems]
    assert [t.data.id for t in env.taskset.include(ids=[problems[1].id])] == [problems[1].id]  # --select.include.ids
    for task, problem in zip(tasks, problems, strict=True):
        # the shared prompt: its system turn and its user turn, nothing else
        shared = build_messages(problem.question, numbered=DEFAULT_NUMBERED)   # no model given: the default
        assert task.data.system_prompt == shared[0]["content"]
        assert [m.model_dump(include={"role", "content"}) for m in task.data.prompt] == shared[1:]


def test_load_environment_follows_the_module_convention(tmp_path, caplog):
    """verifiers resolves the id to the module `gsmtrace`; its `load_environment(**options)` builds the
    same env as verifiers' own loader. verifiers 0.4's `vf.load_environment` takes a config, not an id."""
    module = vf.import_taskset("gsmtrace")                   # verifiers' own id -> module resolution
    env = module.load_environment(n=3, seed=5, max_turns=2)
    assert isinstance(env, GSMTraceVerifiersEnv) and isinstance(env.taskset, GSMTraceTaskset)
    same = vf.load_environment(vf.resolve_env_config({"taskset": {"id": "gsmtrace", "n": 3, "seed": 5}}))
    assert [t.key for t in env.taskset] == [t.key for t in same.taskset]
    assert {t.data.max_turns for t in env.taskset} == {2}
    with pytest.raises(AttributeError, match="taskset"):   # verifiers' loader itself, given a bare id
        vf.load_environment("gsmtrace")
    # the prompt form: no model named -> numbered (DEFAULT_NUMBERED); a model's gsmtrace.json decides
    (task,) = list(module.load_environment(n=1).taskset)
    assert DEFAULT_NUMBERED and "\n\nQuantities:\n[1] " in task.data.prompt[0].content
    plain_model = tmp_path / "final"
    plain_model.mkdir()
    (plain_model / "gsmtrace.json").write_text('{"numbered": false}')
    for options in ({"numbered": False}, {"model": str(plain_model)}):
        (task,) = list(module.load_environment(n=1, **options).taskset)
        assert task.data.prompt[0].content == task.data.question
    with caplog.at_level("WARNING"):
        module.load_environment(n=1, model="default")       # the embedded default model is untrained
    assert "UNTRAINED" in caplog.text and "train_grpo.py" in caplog.text and "OUT/final" in caplog.text


def test_the_taskset_reads_gsm8k_records_and_problem_files(tmp_path):
    # GSM8K's own layout (worked solution ending in "#### N"), with hand-written questions
    gsm8k = _jsonl(tmp_path / "gsm8k.jsonl", [
        {"question": COOKIES["question"], "answer": "24 - 9 = <<24-9=15>>15\n#### 15"},
        {"question": PRINTER["question"], "answer": "35 * 6 = <<35*6=210>>210\n#### 210"},
    ])
    tasks = list(vf.load_taskset(GSMTraceConfig(id="gsmtrace", source=str(gsm8k))))
    assert [(t.data.answer, t.data.expert) for t in tasks] == [("15", None), ("210", None)]
    numbered = list(vf.load_taskset(GSMTraceConfig(id="gsmtrace", source=str(gsm8k), numbered=True)))
    assert numbered[0].data.prompt[0].content == build_messages(COOKIES["question"], numbered=True)[1]["content"]
    assert "[1] 24" in numbered[0].data.prompt[0].content


def test_bad_configs_fail_with_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="unknown source"):
        vf.load_taskset(GSMTraceConfig(id="gsmtrace", source=str(tmp_path / "missing.jsonl")))
    with pytest.raises(ValidationError, match="max_turns"):
        GSMTraceConfig(id="gsmtrace", max_turns=0)
    with pytest.raises(ValidationError, match="synthetic source only"):
        GSMTraceConfig(id="gsmtrace", source=str(tmp_path / "x.jsonl"), preset="hard")
    with pytest.raises(ValidationError, match="observation"):
        GSMTraceConfig(id="gsmtrace", observation="answer")
    with pytest.raises(ConfigError, match="unknown pattern"):
        vf.load_taskset(GSMTraceConfig(id="gsmtrace", n=2, generator_config={"patterns": ["no_such_pattern"]}))
    with pytest.raises(ConfigError, match="unknown preset"):
        vf.load_taskset(GSMTraceConfig(id="gsmtrace", n=2, preset="impossible"))
    bad = _jsonl(tmp_path / "bad.jsonl", [{"question": "How many?", "answer": "many"}])
    with pytest.raises(SourceError, match="not a number"):
        vf.load_taskset(GSMTraceConfig(id="gsmtrace", source=str(bad)))


# ---------------------------------------------------------------- the reward and metrics


@pytest.mark.parametrize("kind", list(COOKIE_TRACES))
def test_the_task_scores_every_rung_of_the_ladder(kind, tmp_path):
    text, expected = COOKIE_TRACES[kind]
    (task,) = [t for t in vf.load_taskset(GSMTraceConfig(id="gsmtrace", source=str(_jsonl(tmp_path / "h.jsonl", PROBLEMS))))
               if t.data.id == "cookies"]
    assert isinstance(task, GSMTraceTask)
    # what the scorers read: the last assistant message (an earlier one never counts)
    trace = SimpleNamespace(root_reply=None, assistant_messages=[
        vf.types.AssistantMessage(content="draft"), vf.types.AssistantMessage(content=text)])
    assert asyncio.run(task.trace_reward(trace=trace)) == expected
    metrics = asyncio.run(task.trace_outcome(trace=trace))
    rung = {1.0: (1, 1, 1), 0.7: (1, 1, 0), 0.5: (1, 0, 0), 0.3: (1, 0, 0), 0.0: (0, 0, 0)}[expected]
    assert (metrics["parsed"], metrics["valid"], metrics["correct"]) == rung
    assert metrics["turns"] == 2


def test_the_task_reads_a_trace_submitted_as_a_tool_call(tmp_path):
    (task,) = [t for t in vf.load_taskset(GSMTraceConfig(id="gsmtrace", source=str(_jsonl(tmp_path / "h.jsonl", PROBLEMS))))
               if t.data.id == "cookies"]
    text, _ = COOKIE_TRACES["gold"]
    call = vf.types.ToolCall(id="c1", name="submit_trace", arguments=json.dumps({"trace": text}))
    trace = SimpleNamespace(root_reply=None, assistant_messages=[vf.types.AssistantMessage(tool_calls=[call])])
    assert asyncio.run(task.trace_reward(trace=trace)) == 1.0
    give_up = SimpleNamespace(root_reply=None, assistant_messages=[
        vf.types.AssistantMessage(content=text), vf.types.AssistantMessage(content="I give up.")])
    assert asyncio.run(task.trace_reward(trace=give_up)) == 0.0


# ---------------------------------------------------------------- verifiers' evaluation path


def _vf_eval() -> list[str]:
    script = Path(sys.executable).with_name("vf-eval")
    assert script.is_file(), f"verifiers' eval command is not installed beside {sys.executable}"
    return [str(script)]


@pytest.mark.slow
def test_vf_eval_single_turn_scores_oracle_and_wrong_traces(tmp_path, capsys):
    """The documented command: `vf-eval gsmtrace` on 4 synthetic problems."""
    problems = generators.generate(4, seed=3)
    gold = {p.question: p.trace for p in problems}
    plan = {problems[0].question: "gold", problems[1].question: "gold",
            problems[2].question: "prose", problems[3].question: "http_400"}

    def reply(body):
        choice = plan[_question(body)]
        if choice == "http_400":
            return 400, {"error": {"message": "bad request", "type": "invalid_request_error"}}
        return gold[_question(body)] if choice == "gold" else "The answer is probably 12."

    with serve_chat(reply) as url:
        result = subprocess.run(
            [*_vf_eval(), "gsmtrace", "-m", "tiny-model", "--client.base-url", url, "--client.api-key-var",
             "GSMTRACE_TEST_KEY", "--env.taskset.n", "4", "--env.taskset.seed", "3", "-n", "4",
             "--sampling.temperature", "0", "--sampling.max-tokens", "256", "--no-push", "--no-rich",
             "-o", str(tmp_path), "--run.name", "single"],
            env={**os.environ, "GSMTRACE_TEST_KEY": "k-test"}, capture_output=True, text=True, timeout=300,
        )
        seen = list(ChatHandler.seen)
    assert result.returncode == 0, result.stderr[-3000:]
    episodes = [json.loads(line) for line in (tmp_path / "single" / "traces.jsonl").read_text().splitlines()]
    by_question = {e["task"]["data"]["question"]: e for e in episodes}
    assert set(by_question) == set(plan)
    for question, choice in plan.items():
        (trace,) = by_question[question]["traces"]
        if choice == "http_400":  # the endpoint failed: an error, never a score for the policy
            assert not trace["ok"] and trace["errors"] and trace["rewards"].get("trace_reward") is None
            continue
        assert trace["ok"], trace["errors"]
        expected = 1.0 if choice == "gold" else 0.0
        assert trace["rewards"]["trace_reward"]["score"] == expected
        assert trace["metrics"] == {"parsed": expected, "valid": expected, "correct": expected,
                                    "program_checked": expected, "turns": 1.0}  # gold: checked on variants
    # every request carried the shared prompt, the run's model and the key from the named variable
    assert len(seen) == 4
    for request in seen:
        assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer k-test"
        assert request["body"]["model"] == "tiny-model"
        assert request["body"]["temperature"] == 0 and request["body"]["max_tokens"] == 256
        assert request["body"]["messages"] == build_messages(_question(request["body"]), numbered=True)
    # the mean vf-eval's dashboard shows and --no-rich does not print: 2 gold, 1 prose, 1 errored
    summary = run_summary(tmp_path / "single")
    assert (summary["traces"], summary["errored"], summary["reward"]) == (4, 1, pytest.approx(2 / 3))
    assert summary["line"].startswith("4 traces, 1 errored: reward 0.67 (0.50) · parsed 0.67 (0.50)")
    capsys.readouterr()
    assert summary_main([str(tmp_path / "single")]) == 0               # python -m gsmtrace RUN_DIR
    assert capsys.readouterr().out == summary["line"] + "\n"


@pytest.mark.parametrize("observation", ["feedback", "full"])
def test_multi_turn_the_solver_feedback_lets_the_model_revise(observation, tmp_path):
    """reveal=True (opt-in). Cookies: a wrong trace, then the gold one. Printer: no trace, three times.
    Jacket: gold at once."""
    source = _jsonl(tmp_path / "handwritten.jsonl", PROBLEMS)

    def reply(body):
        question = _question(body)
        written = sum(m["role"] == "assistant" for m in body["messages"])
        if question == COOKIES["question"]:
            return COOKIE_TRACES["wrong_answer"][0] if written == 0 else COOKIES["trace"]
        if question == PRINTER["question"]:
            return "Sorry, I cannot do this."
        return JACKET["trace"]

    with serve_chat(reply) as url:
        config = EvalConfig.model_validate({
            "env": {"taskset": {"id": "gsmtrace", "source": str(source), "max_turns": 3, "observation": observation,
                                "reveal": True}},
            "model": "tiny-model", "client": {"base_url": url, "api_key_var": "GSMTRACE_TEST_KEY"},
            "push": False, "rich": None, "output_dir": str(tmp_path / "out"), "run": {"name": "multi"},
        })
        episodes = asyncio.run(run_eval(config))
        seen = list(ChatHandler.seen)
    traces = {e.task.data.id: e.traces[0] for e in episodes}
    expected = {"cookies": (1.0, 2), "printer": (0.0, 3), "jacket": (1.0, 1)}   # (final reward, traces written)
    for pid, (reward, turns) in expected.items():
        trace = traces[pid]
        assert trace.ok, trace.errors
        assert trace.rewards["trace_reward"].score == reward
        assert trace.metrics["turns"] == turns and trace.metrics["correct"] == reward
        assert len(trace.info["gsmtrace_turns"]) == turns
    assert [t["reward"] for t in traces["cookies"].info["gsmtrace_turns"]] == [0.7, 1.0]
    requests = {q: [r["body"]["messages"] for r in seen if _question(r["body"]) == q]
                for q in (COOKIES["question"], PRINTER["question"], JACKET["question"])}
    assert [len(v) for v in requests.values()] == [2, 3, 1]
    # the second cookies request: the conversation so far, then the solver's feedback
    second = requests[COOKIES["question"]][1]
    assert second[:3] == [*build_messages(COOKIES["question"], numbered=True),
                          {"role": "assistant", "content": COOKIE_TRACES["wrong_answer"][0]}]
    note = second[3]
    assert note["role"] == "user" and "33" in note["content"]   # the value the wrong trace computed
    assert "15" not in note["content"]                          # never the gold answer
    if observation == "full":  # self-contained: the problem and the previous trace come back too
        assert note["content"].startswith(COOKIES["question"]) and "compute_op: add" in note["content"]
    else:  # the feedback and the request to revise, as the TRL tool loop words it
        assert COOKIES["question"] not in note["content"]
        assert note["content"].startswith("Solver feedback: ") and note["content"].endswith("Write a corrected trace.")



def test_multi_turn_by_default_the_model_hears_only_what_runs(tmp_path):
    """The default (reveal=False): cookies' wrong-but-valid trace ends the episode at once (0.7, no
    feedback); printer's invalid trace (a number not in the question) gets feedback, then the gold trace."""
    assert GSMTraceConfig(id="gsmtrace").reveal is False
    source = _jsonl(tmp_path / "handwritten.jsonl", [COOKIES, PRINTER])
    ungrounded = PRINTER["trace"].replace("value: 6", "value: 8")   # 8 is not in the question

    def reply(body):
        written = sum(m["role"] == "assistant" for m in body["messages"])
        if _question(body) == COOKIES["question"]:
            return COOKIE_TRACES["wrong_answer"][0]
        return ungrounded if written == 0 else PRINTER["trace"]

    with serve_chat(reply) as url:
        config = EvalConfig.model_validate({
            "env": {"taskset": {"id": "gsmtrace", "source": str(source), "max_turns": 3}},   # reveal: default
            "model": "tiny-model", "client": {"base_url": url, "api_key_var": "GSMTRACE_TEST_KEY"},
            "push": False, "rich": None, "output_dir": str(tmp_path / "out"), "run": {"name": "noreveal"},
        })
        episodes = asyncio.run(run_eval(config))
        seen = list(ChatHandler.seen)
    traces = {e.task.data.id: e.traces[0] for e in episodes}
    assert [t["reward"] for t in traces["cookies"].info["gsmtrace_turns"]] == [0.7]
    assert traces["cookies"].rewards["trace_reward"].score == 0.7
    assert [t["reward"] for t in traces["printer"].info["gsmtrace_turns"]] == [0.5, 1.0]
    assert traces["printer"].rewards["trace_reward"].score == 1.0
    assert all(e.task.data.reveal is False for e in episodes)
    (second,) = [r["body"]["messages"] for r in seen if len(r["body"]["messages"]) > 2]
    note = second[-1]["content"]
    assert second[-1]["role"] == "user" and "value 8" in note   # the ungrounded number
    assert not re.search(r"(?<![\d.])210(?![\d.])", note)      # never the gold answer (35 * 6)
    assert not re.search(r"\b(right|wrong|correct|incorrect|correctly|incorrectly)\b", note, re.IGNORECASE), note
    assert sum(_question(r["body"]) == COOKIES["question"] for r in seen) == 1   # one turn, no feedback


# ---------------------------------------------------------------- the other route: verifiers' OpenEnv taskset


@contextmanager
def _openenv_server(*args: str):
    """`python -m trace_env.serve` on a free loopback port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "trace_env.serve", "--port", str(port), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "the OpenEnv server did not come up in 120 s"
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_verifiers_openenv_taskset_drives_the_server(tmp_path, monkeypatch):
    """verifiers' own `openenv` taskset against `python -m trace_env.serve` (GSMTraceRefine-v1, 2 turns),
    configured by the TOML file docs/verifiers.md shows (`vf-eval @ openenv.toml`), this project's
    harness in the player seat, run through verifiers' runner. The model sees the observation as JSON."""
    problems = generators.generate(4, seed=0)
    gold = {p.question: p.trace for p in problems}
    plan = {problems[1].id: ["gold"], problems[2].id: ["prose", "gold"], problems[3].id: ["prose", "prose"],
            problems[0].id: ["42"]}
    expected = {problems[1].id: 1.0, problems[2].id: 1.0, problems[3].id: 0.0, problems[0].id: None}
    seen: list[dict] = []

    def reply(body):
        observation = json.loads(body["messages"][-1]["content"])["observation"]
        seen.append(observation)
        choice = plan[observation["problem_id"]][observation["turn"]]
        question = next(q for q in gold if observation["text"].startswith(q))
        return {"gold": gold[question], "prose": "It is 7, I think.", "42": "42"}[choice]

    # verifiers imports openenv.core, which imports gradio for its web UI: seconds of start-up this test
    # does without, as trace_env.serve does (OpenEnv tolerates the failed import)
    if "openenv.core" not in sys.modules:
        monkeypatch.setitem(sys.modules, "gradio", None)
    with _openenv_server("--env", "GSMTraceRefine-v1", "--max_turns", "2", "--n", "4") as base, \
            serve_chat(reply) as url:
        resets = ", ".join(f'{{problem_id = "{pid}"}}' for pid in plan)
        toml = (f'[env.taskset]\nid = "openenv"\nbase_url = "{base}"\nresets = [{resets}]\n\n'
                '[env.player.harness]\nid = "gsmtrace"\n\n[env.player.runtime]\ntype = "subprocess"\n')
        config = EvalConfig.model_validate({
            **tomllib.loads(toml), "model": "tiny-model", "client": {"base_url": url, "api_key_var": "GSMTRACE_TEST_KEY"},
            "push": False, "rich": None, "output_dir": str(tmp_path), "run": {"name": "openenv"},
        })
        episodes = asyncio.run(run_eval(config))
    rewards = {e.task.data.reset["problem_id"]: e.traces[0].rewards["openenv_reward"].score if e.ok else None
               for e in episodes}
    # a reply that parses as JSON but is not an object ("42") becomes {"trace": 42}: the server refuses it
    # and the rollout errors, where the gsmtrace taskset scores it 0.0
    assert rewards == expected
    assert [o["problem_id"] for o in seen].count(problems[2].id) == 2
    assert all(o["text"].startswith(tuple(gold)) and "answer" not in o for o in seen)
