"""Oracle, random and OpenAI-compatible HTTP policies (the HTTP server runs on 127.0.0.1 in-process)."""

from __future__ import annotations

import json

import pytest
from chat_server import ChatHandler as _ChatHandler  # tests/chat_server.py
from chat_server import serve_chat
from handwritten import COOKIES  # tests/handwritten.py

from agents import AGENTS, OpenAIChatAgent, OracleAgent, Policy, RandomAgent, as_policy, make_agent, register
from agents.evaluate import main as evaluate_main
from agents.openai_chat import ChatEndpointError
from trace_env.episode import refinement_observation
from trace_env.prompts import SYSTEM_PROMPT

PROBLEMS = [COOKIES]
TRACE = COOKIES["trace"]


def test_policies_satisfy_the_protocol():
    assert isinstance(OracleAgent(PROBLEMS), Policy)
    assert isinstance(RandomAgent(), Policy)
    wrapped = as_policy(lambda obs: ["x"] * len(obs))
    assert isinstance(wrapped, Policy) and wrapped.act(["a", "b"]) == ["x", "x"]
    with pytest.raises(TypeError):
        as_policy(42)


def test_oracle_matches_questions_and_refinement_observations():
    oracle = OracleAgent(PROBLEMS)
    q = PROBLEMS[0]["question"]
    assert oracle.act([q]) == [TRACE]
    assert oracle.act([refinement_observation(q, "junk", "No trace found.")]) == [TRACE]
    with pytest.raises(KeyError):
        oracle.act(["An unseen question?"])
    with pytest.raises(ValueError, match="no gold trace"):
        OracleAgent([{"question": "q", "answer": "#### 3"}])


def test_random_agent_is_deterministic_grounded_and_near_zero():
    import generators
    from solver import grade

    problems = generators.generate(120, seed=4)
    outputs = RandomAgent(seed=1).act([p.question for p in problems])
    assert outputs == RandomAgent(seed=1).act([p.question for p in problems])
    outcomes = [grade(o, p.answer, expert=p.expert, question=p.question) for o, p in zip(outputs, problems, strict=True)]
    assert all(o.parsed for o in outcomes)  # well-formed, so it measures chance on the ladder
    assert sum(o.correct for o in outcomes) / len(outcomes) < 0.1


def test_make_agent_errors():
    with pytest.raises(ValueError, match="unknown agent"):
        make_agent("genius")
    with pytest.raises(ValueError, match="--model"):
        make_agent("hf")
    with pytest.raises(ValueError, match="--base-url"):
        make_agent("openai", model="m")


class _CountingAgent:
    """A plug-in policy: answers every observation with the same trace and counts its calls."""

    name = "counting"

    def __init__(self, trace: str) -> None:
        self.trace, self.calls = trace, 0

    def act(self, observations: list[str]) -> list[str]:
        self.calls += 1
        return [self.trace] * len(observations)


@pytest.fixture
def plugin():
    built: list[_CountingAgent] = []

    def factory(context, **options):
        built.append(_CountingAgent(trace=options.get("trace", TRACE)))
        built[-1].seen_problems = context.problems
        return built[-1]

    register("Counting-Plugin", factory)
    yield built
    AGENTS.pop("counting-plugin")


def test_a_registered_plug_in_is_built_by_name(plugin):
    agent = make_agent("counting-plugin", problems=PROBLEMS, trace="x")
    assert agent is plugin[0] and agent.trace == "x" and agent.seen_problems is PROBLEMS
    assert make_agent(" COUNTING-plugin ").act(["a", "b"]) == [TRACE, TRACE]  # names are case-insensitive
    with pytest.raises(ValueError, match="already registered"):
        register("counting-plugin", lambda context, **options: None)
    assert "counting-plugin" in str(pytest.raises(ValueError, make_agent, "nope").value)


def test_the_cli_finds_a_plug_in_by_name(plugin, tmp_path):
    data = tmp_path / "cookies.jsonl"
    data.write_text(json.dumps(PROBLEMS[0]) + "\n")
    out = tmp_path / "eval"
    assert evaluate_main(["--agent", "counting-plugin", "--source", str(data), "--out", str(out), "--no-progress"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert plugin[0].calls == 1 and report["meta"]["agent"] == "counting"
    assert report["accuracy"] == 1.0  # its fixed trace is the gold trace of the one problem


@pytest.fixture()
def chat_server():
    with serve_chat() as url:   # tests/chat_server.py: records requests in _ChatHandler.seen
        yield url


def test_openai_agent_batches_in_order_with_shared_prompt(chat_server):
    agent = OpenAIChatAgent(chat_server, "tiny-model", api_key="k123", concurrency=4)
    questions = [f"Question {i}: add {i} and 1." for i in range(6)]
    assert agent.act(questions) == [f"echo: {q}" for q in questions]
    first = _ChatHandler.seen[0]
    assert first["path"] == "/v1/chat/completions" and first["auth"] == "Bearer k123"
    assert first["body"]["model"] == "tiny-model" and first["body"]["temperature"] == 0.0
    assert first["body"]["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert agent.stats()["generated"] == 6


def test_openai_agent_retries_then_reports_failures(chat_server):
    ok = {"choices": [{"message": {"content": "expert: arithmetic"}, "finish_reason": "length"}]}
    _ChatHandler.script = [(503, {"error": "busy"}), (200, ok)]
    agent = OpenAIChatAgent(chat_server, "m", retries=1, backoff=0.01)
    assert agent.act(["q"]) == ["expert: arithmetic"] and agent.stats()["truncated"] == 1
    _ChatHandler.script = [(400, {"error": "bad request"})]
    with pytest.raises(ChatEndpointError, match="400"):
        agent.act(["q"])
    _ChatHandler.script = [(200, {"unexpected": True})]
    with pytest.raises(ChatEndpointError, match="chat completion"):
        agent.act(["q"])
    _ChatHandler.script = [(200, {"choices": [{"message": {"content": None}}]})]
    assert agent.act(["q"]) == [""]


def test_openai_agent_unreachable_server_is_an_error():
    agent = OpenAIChatAgent("http://127.0.0.1:9/v1", "m", retries=0, timeout=2)
    with pytest.raises(ChatEndpointError, match="unreachable"):
        agent.act(["q"])
