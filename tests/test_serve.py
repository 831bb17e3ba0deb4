"""The OpenEnv server (`python -m trace_env.serve`), driven over loopback by OpenEnv's own clients.

Two servers run as subprocesses on free ports for the whole module (started together):
`GSMTrace-v0` with default limits, and `GSMTraceRefine-v1` with a 3-second session TTL, room for
only 4 HTTP episodes and 2 WebSocket sessions, so expiry, eviction and capacity can be seen.
Expected grades come from the generators' gold traces (1.0) and from grading the same text
in-process with `solver.grade`, not from the server's code.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest
from serving import import_openenv_without_gradio, load_serve_bench  # tests/serving.py

pytest.importorskip("openenv", reason="the server extra is not installed")
import httpx  # noqa: E402  (the server extra brings it)

import_openenv_without_gradio()
websockets_sync = pytest.importorskip("websockets.sync.client")

from agents import OracleAgent, RandomAgent  # noqa: E402
from solver import grade  # noqa: E402
from trace_env.prompts import build_messages  # noqa: E402
from trace_env.sources import load_source  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
N_PROBLEMS = 200
TTL = 3.0


bench = load_serve_bench()


@pytest.fixture(scope="module")
def problems():
    return {p.id: p for p in load_source("synthetic", n=N_PROBLEMS, seed=0)}


@pytest.fixture(scope="module")
def oracle(problems):
    return OracleAgent(problems.values())


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    logs = tmp_path_factory.mktemp("serve")
    ports = {"single": bench.free_port(), "refine": bench.free_port()}
    procs = {
        "single": bench.start_server(["--n", str(N_PROBLEMS), "--max-sessions", "40"], ports["single"],
                                     logs / "single.log"),
        "refine": bench.start_server(
            ["--env", "GSMTraceRefine-v1", "--n", str(N_PROBLEMS), "--max_turns", "3", "--session-ttl", str(TTL),
             "--max-episodes", "4", "--max-sessions", "2", "--numbered", "--reveal-labels"],
            ports["refine"], logs / "refine.log"),
    }
    try:
        urls = {}
        for name, port in ports.items():
            urls[name] = f"http://127.0.0.1:{port}"
            bench.wait_healthy(urls[name], procs[name], timeout=120)
        yield {"urls": urls, "procs": procs}
    finally:
        for proc in procs.values():
            bench.stop_server(proc)
    for proc in procs.values():
        assert proc.returncode is not None   # stopped, not left behind


@pytest.fixture(scope="module")
def url(servers):
    return servers["urls"]["single"]


@pytest.fixture(scope="module")
def refine_url(servers):
    return servers["urls"]["refine"]


@pytest.fixture(scope="module")
def http(servers):
    with httpx.Client(timeout=30.0, trust_env=False) as client:
        yield client


def _generic(url):
    from openenv import GenericEnvClient

    return GenericEnvClient(base_url=url)


def _typed(url):
    from trace_env.server.client import GSMTraceClient

    return GSMTraceClient(base_url=url)


def _no_gold(observation: dict, problem) -> None:
    """No key of the observation names the gold answer or trace; no value carries the gold trace."""
    assert not {"answer", "gold", "gold_answer", "trace", "solution"} & set(observation)

    def leaves(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from leaves(v)
        elif isinstance(value, list):
            for v in value:
                yield from leaves(v)
        else:
            yield value

    assert problem.trace and not any(isinstance(v, str) and problem.trace.strip() in v for v in leaves(observation))


# ---------------------------------------------------------------------------------- basics

def test_health_schema_and_metadata(http, url):
    assert http.get(f"{url}/health").json() == {"status": "healthy"}
    schema = http.get(f"{url}/schema").json()
    assert schema["action"]["required"] == ["trace"]
    assert schema["action"]["properties"]["trace"]["maxLength"] == 65536
    assert "text" in schema["observation"]["properties"]
    assert http.get(f"{url}/metadata").json()["name"] == "GSMTrace-v0"


def test_generic_client_oracle_trace_scores_one(url, problems, oracle):
    with _generic(url) as env:
        first = env.reset(seed=7)
        again = env.reset(seed=7)                        # a seeded reset serves the same problem
        assert first.observation["problem_id"] == again.observation["problem_id"]
        assert first.done is False and first.reward is None
        problem = problems[again.observation["problem_id"]]
        assert again.observation["text"] == problem.question
        assert again.observation["messages"] == build_messages(problem.question, numbered=True)  # DEFAULT_NUMBERED
        assert again.observation["expert"] is None and again.observation["pattern"] is None   # not revealed
        _no_gold(again.observation, problem)
        result = env.step({"trace": oracle.trace_for(again.observation["text"])})
        assert result.reward == 1.0 and result.done is True
        assert result.observation["category"] == "correct" and result.observation["terminated"] is True
        with pytest.raises(RuntimeError, match="episode is over"):
            env.step({"trace": "expert: arithmetic"})
        state = env.state()
        assert state["problem_id"] == problem.id and state["done"] is True and state["step_count"] == 1
        env.reset(index=3)                               # and the session goes on
        assert env.state()["problem_id"] == list(problems)[3]


def test_typed_client_grades_like_the_solver(url, problems):
    random_agent = RandomAgent(seed=5)
    with _typed(url).sync() as env:
        for problem_id in list(problems)[10:14]:
            result = env.reset(problem_id=problem_id)
            problem = problems[problem_id]
            trace = random_agent.act([result.observation.text])[0]
            expected = grade(trace, problem.answer, expert=problem.expert, question=problem.question)
            result = env.step(trace)
            assert result.reward == expected.reward
            assert result.observation.category == expected.category
            assert result.observation.outcome["error"] == expected.error
            if expected.category == "wrong_answer":
                assert result.observation.outcome["answer"] != problem.answer
            _no_gold(result.observation.model_dump(), problem)


def test_sessions_are_isolated(url, problems, oracle):
    ids = list(problems)[20:22]
    a, b = _typed(url).sync(), _typed(url).sync()
    with a, b:
        text_a = a.reset(problem_id=ids[0]).observation.text
        text_b = b.reset(problem_id=ids[1]).observation.text
        # b answers with a's gold trace first: graded against b's own problem, so not correct
        wrong = b.step(oracle.trace_for(text_a))
        right = a.step(oracle.trace_for(text_a))
        assert right.reward == 1.0 and right.observation.problem_id == ids[0]
        assert wrong.reward < 1.0 and wrong.observation.problem_id == ids[1]
        assert text_b == problems[ids[1]].question


def test_http_episode_by_episode_id(http, url, oracle):
    reset = http.post(f"{url}/reset", json={"seed": 1})
    assert reset.status_code == 200
    obs = reset.json()["observation"]
    episode_id = obs["episode_id"]
    other = http.post(f"{url}/reset", json={}).json()["observation"]["episode_id"]
    assert other != episode_id
    step = http.post(f"{url}/step", json={"action": {"trace": oracle.trace_for(obs["text"])}, "episode_id": episode_id})
    assert step.status_code == 200 and step.json()["reward"] == 1.0 and step.json()["done"] is True
    again = http.post(f"{url}/step", json={"action": {"trace": "x"}, "episode_id": episode_id})
    assert again.status_code == 404 and "call /reset" in again.json()["detail"]
    assert http.post(f"{url}/step", json={"action": {"trace": "x"}, "episode_id": other}).status_code == 200


# ---------------------------------------------------------------------------------- bad requests

def test_bad_http_requests_get_4xx_and_others_keep_being_served(http, url, oracle):
    with _typed(url).sync() as bystander:
        text = bystander.reset(index=42).observation.text
        post = http.post
        cases = [
            (post(f"{url}/step", content=b'{"action": {"trace": ', headers={"content-type": "application/json"}),
             400, "malformed JSON"),
            (post(f"{url}/reset", content=b"not json", headers={"content-type": "application/json"}),
             400, "malformed JSON"),
            (post(f"{url}/step", json={"action": {"trace": "x"}, "episode_id": "no-such-episode"}),
             404, "unknown episode_id"),
            (post(f"{url}/step", json={"action": {"trace": "x"}}), 409, "call reset first"),
            (post(f"{url}/step", json={"action": {"trace": 5}}), 422, "valid string"),
            (post(f"{url}/step", json={"action": "expert: arithmetic"}), 422, "dictionary"),
            (post(f"{url}/step", json=[1, 2]), 422, ""),
            (post(f"{url}/reset", json={"problem_id": "nope"}), 400, "no problem with id"),
            (post(f"{url}/reset", json={"index": 10_000}), 400, "out of range"),
            (post(f"{url}/reset", json={"sede": 1}), 400, "unknown reset argument"),
            (post(f"{url}/reset", json={"seed": -1}), 422, "greater than or equal"),
        ]
        for response, status, message in cases:
            assert response.status_code == status, (response.request.url, response.text[:300])
            assert message in response.text
        # a 10 MB action: refused before parsing, whether the size is declared or streamed
        big = json.dumps({"action": {"trace": "a" * 10_000_000}}).encode()
        declared = post(f"{url}/step", content=big, headers={"content-type": "application/json"})
        assert declared.status_code == 413 and "too large" in declared.json()["detail"]
        streamed = post(f"{url}/step", content=iter([big[i:i + 65536] for i in range(0, len(big), 65536)]),
                        headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        # a trace over the action's bound: 422, and the error echoes only an excerpt of it
        long = post(f"{url}/step", json={"action": {"trace": "b" * 70_000}})
        assert long.status_code == 422 and len(long.content) < 2_000 and "70000 characters" in long.text
        # the bystander's session was not disturbed
        result = bystander.step(oracle.trace_for(text))
        assert result.reward == 1.0
    assert http.get(f"{url}/health").status_code == 200


def test_bad_websocket_messages_get_errors_and_the_session_goes_on(url, oracle):
    ws_url = url.replace("http://", "ws://") + "/ws"
    with websockets_sync.connect(ws_url, max_size=None) as ws:
        def ask(raw: str) -> dict:
            ws.send(raw)
            return json.loads(ws.recv(timeout=30))

        assert ask("{not json")["data"]["code"] == "INVALID_JSON"
        assert ask(json.dumps({"type": "step", "data": {"trace": "x"}}))["data"]["message"].startswith("no episode")
        reply = ask(json.dumps({"type": "reset", "data": {"index": 5}}))
        assert reply["type"] == "observation"
        text = reply["data"]["observation"]["text"]
        assert ask(json.dumps({"type": "step", "data": {"trace": 5}}))["data"]["code"] == "VALIDATION_ERROR"
        assert ask(json.dumps({"type": "reset", "data": {"bogus": 1}}))["type"] == "error"
        assert ask(json.dumps({"type": "teleport"}))["type"] == "error"
        # the episode survived all of that
        done = ask(json.dumps({"type": "step", "data": {"trace": oracle.trace_for(text)}}))
        assert done["data"]["reward"] == 1.0
    # a 10 MB message closes that one connection with 1009; the server goes on. (Messages are not
    # compressed, so the server may close while the client is still sending: the client then sees
    # the connection drop without reading the close frame.)
    from websockets.exceptions import ConnectionClosed

    with websockets_sync.connect(ws_url, max_size=None) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.send(json.dumps({"type": "step", "data": {"trace": "a" * 10_000_000}}))
            ws.recv(timeout=30)
        assert closed.value.rcvd is None or closed.value.rcvd.code == 1009
    with _generic(url) as env:
        assert env.reset(seed=0).observation["text"]


# ---------------------------------------------------------------------------------- refine, expiry, bounds

def test_refine_env_feedback_then_correct(refine_url, problems, oracle):
    with _typed(refine_url).sync() as env:
        problem = problems[list(problems)[7]]
        obs = env.reset(problem_id=problem.id).observation
        assert obs.max_turns == 3 and obs.turn == 0
        assert obs.expert == problem.expert and obs.pattern == problem.pattern        # --reveal-labels
        assert obs.messages == build_messages(problem.question, numbered=True)        # --numbered
        wrong = env.step("expert: arithmetic\ntrace:\n- {op: query, var: nothing}")
        expected = grade("expert: arithmetic\ntrace:\n- {op: query, var: nothing}", problem.answer,
                         expert=problem.expert, question=problem.question)
        assert wrong.done is False and wrong.reward == expected.reward
        assert wrong.observation.text.startswith(problem.question) and "Solver feedback:" in wrong.observation.text
        numbered = wrong.observation.messages[-1]["content"]   # the question's quantities, not the trace's
        assert numbered.endswith(build_messages(problem.question, numbered=True)[-1]["content"][len(problem.question):])
        right = env.step(oracle.trace_for(wrong.observation.text))
        assert right.done is True and right.observation.terminated and right.observation.trace_reward == 1.0
        assert right.reward == pytest.approx(1.0 - expected.reward)    # delta rewards sum to the last grade
        env.reset(problem_id=problem.id)
        results = [env.step("no trace here") for _ in range(3)]
        assert [r.done for r in results] == [False, False, True]
        assert results[-1].observation.truncated and not results[-1].observation.terminated


def test_idle_episodes_and_sessions_expire(http, refine_url):
    episode_id = http.post(f"{refine_url}/reset", json={}).json()["observation"]["episode_id"]
    with _typed(refine_url).sync() as env:
        env.reset(seed=3)
        time.sleep(TTL + 0.6)
        with pytest.raises(RuntimeError, match="expired"):
            env.step("expert: arithmetic")
    gone = http.post(f"{refine_url}/step", json={"action": {"trace": "x"}, "episode_id": episode_id})
    assert gone.status_code == 404 and "expired" in gone.json()["detail"]
    assert http.get(f"{refine_url}/stats").json()["expired_episodes"] >= 1


def test_http_episodes_are_bounded(http, refine_url):
    ids = [http.post(f"{refine_url}/reset", json={}).json()["observation"]["episode_id"] for _ in range(6)]
    stats = http.get(f"{refine_url}/stats").json()
    assert stats["stored_episodes"] <= 4 and stats["evicted_episodes"] >= 2
    codes = [http.post(f"{refine_url}/step", json={"action": {"trace": "x"}, "episode_id": i}).status_code
             for i in ids]
    assert codes == [404, 404, 200, 200, 200, 200]


def test_websocket_sessions_are_bounded(refine_url):
    ws_url = refine_url.replace("http://", "ws://") + "/ws"
    first, second = _typed(refine_url).sync(), _typed(refine_url).sync()
    with first, second:
        first.reset()
        second.reset()
        with websockets_sync.connect(ws_url) as third:        # one too many: told so, then closed
            refusal = json.loads(third.recv(timeout=30))
        assert refusal["type"] == "error" and refusal["data"]["code"] == "CAPACITY_REACHED"
        assert first.step("expert: arithmetic").done is False  # the two sessions go on
    deadline = time.monotonic() + 10
    while True:   # closing releases the slots (asynchronously, on the server)
        try:
            with _typed(refine_url).sync() as again:
                assert again.reset().observation.text
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# ---------------------------------------------------------------------------------- load, docs, TRL, CLI

def test_small_load_has_no_errors_and_flat_memory(servers, url, problems):
    pid = servers["procs"]["single"].pid
    result = asyncio.run(bench.run_load(url, clients=8, episodes=15, policy="oracle",
                                        problems=list(problems.values()), server_pid=pid, max_seconds=60))
    assert result["errors"] == 0, result["error_samples"]
    assert result["episodes_done"] == 120 and result["oracle_steps_not_1.0"] == 0
    assert result["step_ms_p50"] is not None and result["server_rss_mib"]["start"] > 0
    assert result["server_rss_mib"]["end"] < result["server_rss_mib"]["start"] + 50
    result = asyncio.run(bench.run_load(url, clients=2, episodes=5, policy="mixed", transport="http",
                                        problems=list(problems.values()), max_seconds=60))
    assert result["errors"] == 0 and result["episodes_done"] == 10, result["error_samples"]
    with pytest.raises(SystemExit, match="loopback"):
        bench.check_loopback("http://example.com:8000")


def test_docs_client_example_runs(url, oracle):
    text = (ROOT / "docs" / "openenv.md").read_text()
    block = re.search(r"```python\n(from trace_env\.server\.client import GSMTraceClient\n.*?)```", text, re.S).group(1)
    printed = []

    def my_model(messages):
        return oracle.trace_for(messages[-1]["content"])

    code = block.replace("http://127.0.0.1:8000", url)
    exec(compile(code, "docs/openenv.md", "exec"), {"my_model": my_model, "print": lambda *a: printed.append(a)})
    assert printed == [(1.0, "correct", True)]


def test_trl_tool_env(url, problems, oracle):
    from transformers.utils import get_json_schema

    from trace_env.server.client import GSMTraceToolEnv

    env = GSMTraceToolEnv(url)
    try:
        problem = problems[list(problems)[30]]
        row = {"prompt": [{"role": "user", "content": "Solve:"}], "problem_id": problem.id}
        assert env.reset(**row) == problem.question
        assert env.get_reward() == 0.0
        reply = env.submit_trace(oracle.trace_for(problem.question))
        assert env.get_reward() == 1.0
        assert "over" in reply and not re.search(r"correct|reward|1\.0", reply)  # the grade is the trainer's
        assert "over" in env.submit_trace("anything")
        schema = get_json_schema(env.submit_trace)            # what TRL builds the tool from
        assert schema["function"]["name"] == "submit_trace"
        assert schema["function"]["parameters"]["required"] == ["trace"]
    finally:
        env._close()


def test_cli_rejects_bad_flags_without_starting(capsys):
    from trace_env import serve

    assert serve.main(["--max_turns", "3"]) == 2
    assert "only apply to the refinement environments" in capsys.readouterr().err
    assert serve.main(["--generator_config", "[1]"]) == 2
    # the settings' own names, dashed or not (as HfArgumentParser accepts them in train_grpo.py)
    for spelling in (["--max_turns", "2", "--generator_config"], ["--max-turns", "2", "--generator-config"]):
        args = serve.build_parser().parse_args(["--env", "GSMTraceRefine-v1", "--preset", "hard", *spelling,
                                                '{"distractors": 0.5}'])
        assert serve.env_kwargs_from_args(args) == {
            "source": "synthetic", "source_seed": 0, "hub_split": "test", "sample": "random",
            "generator_config": {"distractors": 0.5, "preset": "hard"}, "max_turns": 2}   # reveal: the env's default
    assert serve.main(["--reveal"]) == 2
    assert "--reveal only apply to the refinement environments" in capsys.readouterr().err
    args = serve.build_parser().parse_args(["--env", "GSMTraceRefine-v1", "--reveal"])
    assert serve.env_kwargs_from_args(args)["reveal"] is True and args.reveal_labels is False


def test_refine_server_feedback_is_gold_free_by_default():
    """In-process (FastAPI's TestClient): a Refine server built without reveal ends the episode at a
    valid but wrong trace and its feedback never judges an answer; env_kwargs reveal=True opts in."""
    from fastapi.testclient import TestClient
    from handwritten import COOKIES as cookies  # tests/handwritten.py: 24 - 9 = 15

    from trace_env.server.app import create_app
    from trace_env.server.environment import ServerConfig

    gold = cookies["trace"]
    wrong = gold.replace("compute_op: sub", "compute_op: add")      # runs, computes 33
    ungrounded = gold.replace("value: 9}", "value: 99}")            # 99 is not in the question: does not run
    verdict = re.compile(r"\b(right|wrong|correct|incorrect|correctly|incorrectly)\b", re.IGNORECASE)

    def play(client, *traces):
        episode_id = client.post("/reset", json={"problem_id": "cookies"}).json()["observation"]["episode_id"]
        return [client.post("/step", json={"action": {"trace": t}, "episode_id": episode_id}).json()
                for t in traces]

    with TestClient(create_app(ServerConfig(env_id="GSMTraceRefine-v1", env_kwargs={"source": [cookies]}))) as client:
        (ended,) = play(client, wrong)
        assert ended["done"] is True and ended["observation"]["terminated"] is True
        assert ended["observation"]["text"] == cookies["question"]
        first, second = play(client, ungrounded, wrong)
        text = first["observation"]["text"]
        feedback = text.split("Solver feedback:", 1)[1]
        assert first["done"] is False and "99" in feedback
        assert not re.search(r"(?<![\d.])15(?![\d.])", text) and not verdict.search(feedback), feedback
        assert second["done"] is True
    revealing = ServerConfig(env_id="GSMTraceRefine-v1", env_kwargs={"source": [cookies], "reveal": True})
    with TestClient(create_app(revealing)) as client:
        (told,) = play(client, wrong)
        assert told["done"] is False and verdict.search(told["observation"]["text"].split("Solver feedback:", 1)[1])



def test_hidden_labels_stay_hidden_mid_episode():
    """With labels hidden (the default), a mid-episode Refine observation tells the same thing
    whether the trace's expert label is right or wrong: wrong_expert (0.3) and invalid (0.5) look
    alike until the episode ends, and the withheld rewards are paid with the last step."""
    from fastapi.testclient import TestClient
    from handwritten import COOKIES as cookies

    from trace_env.server.app import create_app
    from trace_env.server.environment import ServerConfig

    gold = cookies["trace"]
    expert = cookies["expert"]
    other = "percentage" if expert != "percentage" else "comparison"
    broken = gold.replace("value: 9}", "value: 99}")                  # does not run: 99 is not in the question
    mislabelled = broken.replace(f"expert: {expert}", f"expert: {other}")

    def play(client, *traces):
        episode_id = client.post("/reset", json={"problem_id": "cookies"}).json()["observation"]["episode_id"]
        return [client.post("/step", json={"action": {"trace": t}, "episode_id": episode_id}).json()
                for t in traces]

    config = ServerConfig(env_id="GSMTraceRefine-v1", env_kwargs={"source": [cookies]})
    with TestClient(create_app(config)) as client:
        labelled, = play(client, broken)
        wrong_label, last = play(client, mislabelled, gold)
    seen = ("category", "correct", "trace_reward", "best_reward")
    assert [labelled["observation"][k] for k in seen] == [wrong_label["observation"][k] for k in seen]
    assert labelled["reward"] is None and wrong_label["reward"] is None
    assert labelled["observation"]["category"] == "invalid"
    assert last["done"] is True and last["reward"] == pytest.approx(1.0)  # 0.3, then +0.7: the return is the grade
    assert grade(mislabelled, cookies["answer"], expert, cookies["question"]).reward == 0.3  # the grade it hid


def test_hidden_labels_with_reveal_show_the_gold_free_check_mid_episode():
    """reveal=True goes on after a wrong answer; with labels hidden its mid-episode observation carries
    the gold-free check, `runs` with the value computed, not a grade against a stand-in answer."""
    from fastapi.testclient import TestClient
    from handwritten import COOKIES as cookies

    from trace_env.server.app import create_app
    from trace_env.server.environment import ServerConfig

    wrong = cookies["trace"].replace("compute_op: sub", "compute_op: add")  # 24 + 9 = 33
    config = ServerConfig(env_id="GSMTraceRefine-v1", env_kwargs={"source": [cookies], "reveal": True})
    with TestClient(create_app(config)) as client:
        episode_id = client.post("/reset", json={"problem_id": "cookies"}).json()["observation"]["episode_id"]
        seen = client.post("/step", json={"action": {"trace": wrong}, "episode_id": episode_id}).json()
    assert seen["done"] is False and seen["reward"] is None
    assert seen["observation"]["category"] == "runs" and seen["observation"]["outcome"]["answer"] == "33"
    assert seen["observation"]["trace_reward"] is None and seen["observation"]["correct"] is None


# ---------------------------------------------------------------------------------- in-process units

def test_episode_store_expires_and_evicts_by_a_clock():
    from trace_env.server.environment import Episode, EpisodeStore, UnknownEpisode

    now = [0.0]
    store = EpisodeStore(ttl_s=10, capacity=3, clock=lambda: now[0])
    episodes = [Episode(id=f"e{i}", env=None, last_used=0.0) for i in range(4)]
    for episode in episodes[:3]:
        store.put(episode)
        now[0] += 1                                   # e0 at 0, e1 at 1, e2 at 2
    assert store.get("e0") is episodes[0]             # used at 3: now the most recent
    store.put(episodes[3])                            # over capacity: the least recently used (e1) goes
    assert episodes[1].retired and store.evicted == 1
    with pytest.raises(UnknownEpisode):
        store.get("e1")
    now[0] = 12.5                                     # e2 (last used at 2) is 10.5 s idle; e0, e3 (3) 9.5
    with pytest.raises(UnknownEpisode, match="expired after 10 s"):
        store.get("e2")
    assert store.expired == 1 and len(store) == 2 and store.get("e3") is episodes[3]   # e3 used at 12.5
    now[0] = 13.1                                     # e0 is 10.1 s idle, e3 0.6
    assert store.get("e3") is episodes[3] and store.expired == 2 and episodes[0].retired
    store.discard(episodes[3])
    assert len(store) == 0 and episodes[3].retired


def test_a_grader_fault_is_a_500_never_a_score(monkeypatch):
    from fastapi.testclient import TestClient

    from generators import Problem
    from solver import GraderError
    from trace_env.server.app import create_app
    from trace_env.server.environment import ServerConfig

    def broken(self, text):
        raise GraderError("simulated fault")

    monkeypatch.setattr(Problem, "grade", broken)
    with TestClient(create_app(ServerConfig(env_kwargs={"n": 5}))) as client:
        episode_id = client.post("/reset", json={}).json()["observation"]["episode_id"]
        response = client.post("/step", json={"action": {"trace": "x"}, "episode_id": episode_id})
        assert response.status_code == 500 and response.json()["error"] == "grader_error"
        assert client.get("/health").status_code == 200
