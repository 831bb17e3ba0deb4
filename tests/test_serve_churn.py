"""The OpenEnv server under connection churn, and the shape of its error answers.

One real server (`python -m trace_env.serve`, a subprocess, its log in a file) is driven by real
WebSocket clients (`websockets`) that leave the way clients do under churn: with a close frame,
with none (the TCP connection just goes), and in the middle of a message. Checked from outside:
the server's log (no traceback), `/stats` (no session and no episode left behind) and HTTP
`/step` with the ids those sessions held (404). Then every 4xx answer: one JSON shape,
`{"detail": ..., "error": "<code>"}`.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
from serving import load_serve_bench  # tests/serving.py

pytest.importorskip("openenv", reason="the server extra is not installed")
httpx = pytest.importorskip("httpx")
websockets_sync = pytest.importorskip("websockets.sync.client")

ROOT = Path(__file__).resolve().parents[1]
SESSIONS = 60


bench = load_serve_bench()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("churn") / "server.log"
    port = bench.free_port()
    proc = bench.start_server(["--n", "50", "--max-sessions", str(SESSIONS + 8)], port, log)
    url = f"http://127.0.0.1:{port}"
    try:
        bench.wait_healthy(url, proc, timeout=120)
        yield {"url": url, "ws": f"ws://127.0.0.1:{port}/ws", "log": log}
    finally:
        bench.stop_server(proc)


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server["url"], timeout=30.0, trust_env=False) as client:
        yield client


def _abrupt(ws) -> None:
    """Drop the connection without a close frame, as a killed client or a broken network does."""
    ws.socket.shutdown(socket.SHUT_RDWR)
    ws.socket.close()


def _reset(ws) -> str:
    ws.send(json.dumps({"type": "reset", "data": {}}))
    return json.loads(ws.recv(timeout=30))["data"]["observation"]["episode_id"]


def _wait_for(http, predicate, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        stats = http.get("/stats").json()
        if predicate(stats) or time.monotonic() > deadline:
            return stats
        time.sleep(0.1)


def test_abrupt_disconnects_are_quiet_and_leave_nothing_behind(server, http):
    before = http.get("/stats").json()
    episode_ids = []
    ways = {"close frame": 0, "no close frame": 0, "no close frame, mid-step": 0, "never reset": 0}
    for i in range(SESSIONS):
        with websockets_sync.connect(server["ws"], open_timeout=30) as ws:   # closing a dropped one is a no-op
            if i % 6 == 5:                     # connects, never resets, vanishes
                _abrupt(ws)
                ways["never reset"] += 1
                continue
            episode_ids.append(_reset(ws))     # reset and never step (the case that used to stay stored)
            if i % 6 == 0:
                ws.send(json.dumps({"type": "step", "data": {"trace": "expert: arithmetic\nsteps: []"}}))
                ws.recv(timeout=30)
                ws.close()                     # a proper close frame
                ways["close frame"] += 1
            elif i % 6 == 1:                   # leaves while its step is being answered
                ws.send(json.dumps({"type": "step", "data": {"trace": "no trace here"}}))
                _abrupt(ws)
                ways["no close frame, mid-step"] += 1
            else:
                _abrupt(ws)
                ways["no close frame"] += 1
    stats = _wait_for(http, lambda s: s["open_sessions"] == before["open_sessions"]
                      and s["stored_episodes"] == before["stored_episodes"])
    assert stats["open_sessions"] == before["open_sessions"], stats
    # a WebSocket session's episode goes with the session, stepped or not
    assert stats["stored_episodes"] == before["stored_episodes"], stats
    for episode_id in episode_ids:
        answer = http.post("/step", json={"action": {"trace": "x"}, "episode_id": episode_id})
        assert answer.status_code == 404 and answer.json()["error"] == "unknown_episode", answer.text
    log = server["log"].read_text()
    assert "Traceback" not in log and "Exception in ASGI application" not in log, (ways, log[:3000])
    # and the server still serves sessions after the churn
    with websockets_sync.connect(server["ws"], open_timeout=30) as ws:
        assert _reset(ws)


def test_an_http_episode_outlives_its_request(http):
    """The other side of the fix: `/reset` over HTTP is closed after the request, its episode stays."""
    episode_id = http.post("/reset", json={}).json()["observation"]["episode_id"]
    answer = http.post("/step", json={"action": {"trace": "no trace"}, "episode_id": episode_id})
    assert answer.status_code == 200 and answer.json()["done"] is True


def test_every_4xx_has_the_same_error_shape(server, http):
    big = json.dumps({"action": {"trace": "a" * 2_000_000}}).encode()
    cases = {
        # OpenEnv's own 422 (the action inside a valid request), then FastAPI's (the request itself)
        "validation_error": [http.post("/step", json={"action": {}}),
                             http.post("/step", json={"action": {"trace": 5}}),
                             http.post("/step", json={"action": {"trace": "b" * 70_000}}),
                             http.post("/reset", json={"seed": "x"}),
                             http.post("/step", json=[1, 2])],
        "malformed_json": [http.post("/step", content=b"{", headers={"content-type": "application/json"})],
        "bad_request": [http.post("/reset", json={"sede": 1})],
        "unknown_episode": [http.post("/step", json={"action": {"trace": "x"}, "episode_id": "nope"})],
        "episode_conflict": [http.post("/step", json={"action": {"trace": "x"}})],
        "not_found": [http.get("/no-such-route")],
        "method_not_allowed": [http.get("/step")],
        "payload_too_large": [http.post("/step", content=big, headers={"content-type": "application/json"})],
    }
    for code, answers in cases.items():
        for answer in answers:
            assert 400 <= answer.status_code < 500, (code, answer.status_code, answer.text[:200])
            body = answer.json()
            assert set(body) == {"detail", "error"}, (code, body)
            assert body["error"] == code, (code, body)
            assert body["detail"], (code, body)
            assert len(answer.content) < 2_000, (code, len(answer.content))   # inputs echoed as excerpts only
