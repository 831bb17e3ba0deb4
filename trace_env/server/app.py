"""The FastAPI app: OpenEnv's app factory around `GSMTraceEnvironment`, plus request hygiene.

`create_fastapi_app` (OpenEnv) provides `/reset`, `/step`, `/state`, `/schema`, `/metadata`,
`/health`, `/ws` (sessions) and `/mcp`. This module adds what it leaves out:

* a body size limit (HTTP 413 before the body is parsed; WebSocket messages are limited by the
  server's `ws_max_size`, set from the same number in `trace_env.serve`);
* 400 instead of 422 for a body that is not JSON at all;
* 4xx answers for the environment's own `RequestError`s (unknown episode 404, no/finished
  episode 409, expired session 410, bad reset arguments 400) instead of a 500;
* one error shape for every 4xx, `{"detail": ..., "error": "<code>"}` (OpenEnv's own 422 for a
  bad action, and Starlette's 404 / 405, included);
* validation errors that echo at most a short excerpt of the offending input;
* a WebSocket client that goes away without a close frame is a normal, quiet event (one debug
  line), not an ASGI traceback; and each request runs with its transport known
  (`environment.TRANSPORT`), so a WebSocket session's episode goes with the session;
* `GET /stats`: sessions, stored episodes, counters and limits (for operators and the load test).
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from openenv.core.env_server import create_fastapi_app
from openenv.core.env_server.types import ConcurrencyConfig
from starlette.exceptions import HTTPException
from starlette.websockets import WebSocketDisconnect

from solver import GraderError

from .environment import TRANSPORT, GSMTraceEnvironment, RequestError, ServerConfig, ServerRuntime
from .models import TraceAction, TraceObservation

ECHO_MAX_CHARS = 200
DRAIN_MAX_BYTES = 64 << 20   # a refused body up to this size is read to its end before the 413
# The `error` code of an HTTPException raised outside this package (OpenEnv's 422, Starlette's 404/405).
HTTP_ERROR_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 409: "conflict",
                    413: "payload_too_large", 422: "validation_error", 429: "too_many_requests",
                    503: "unavailable"}

log = logging.getLogger("trace_env.server")


def _short(value: Any) -> Any:
    """Validation errors carry the offending input: keep error messages small."""
    if isinstance(value, str):
        if len(value) > ECHO_MAX_CHARS:
            return value[:ECHO_MAX_CHARS] + f"... [{len(value)} characters]"
        return value
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_short(v) for v in value[:20]]
    if value is None or isinstance(value, bool | int | float):
        return value
    return _short(str(value))


class BodySizeLimit:
    """ASGI middleware: refuse HTTP bodies over `max_bytes` with 413, reading at most that much."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = int(max_bytes)

    async def _refuse(self, send: Any, size: str) -> None:
        body = json.dumps({
            "detail": f"request body too large ({size}); the limit is {self.max_bytes} bytes",
            "error": "payload_too_large",
        }).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _drain(receive: Any, more: bool, read: int) -> None:
        """Read and drop the rest of a refused body (up to DRAIN_MAX_BYTES), so the connection closes
        cleanly: closing a socket with unread data resets it, and the client may lose the 413."""
        while more and read <= DRAIN_MAX_BYTES:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            read += len(message.get("body", b""))
            more = message.get("more_body", False)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        TRANSPORT.set("http")
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes:
                    if declared <= DRAIN_MAX_BYTES:
                        await self._drain(receive, True, 0)
                    await self._refuse(send, f"{declared} bytes declared")
                    return
        chunks: list[bytes] = []
        size = 0
        while True:   # read (and bound) the whole body first, then replay it to the app
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._drain(receive, message.get("more_body", False), size)
                await self._refuse(send, f"more than {self.max_bytes} bytes sent")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class QuietDisconnect:
    """ASGI middleware for WebSocket connections: a client that leaves without a close frame is a
    normal event. OpenEnv's `/ws` route ends every session with `websocket.close()`, which raises
    once the peer is gone (uvicorn's `ClientDisconnected`, an `OSError`, turned by Starlette into
    `WebSocketDisconnect`) and escaped as an `Exception in ASGI application` traceback per session.
    Here that close is dropped, and a disconnect escaping the app ends the connection quietly; the
    session itself is already torn down by OpenEnv's `finally` (its episode goes with it). It also
    marks the connection's transport (`environment.TRANSPORT`)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        TRANSPORT.set("websocket")

        async def send_quiet(message: dict[str, Any]) -> None:
            try:
                await send(message)
            except OSError:
                if message.get("type") != "websocket.close":
                    raise
                log.debug("websocket client %s left without a close frame", scope.get("client"))

        try:
            await self.app(scope, receive, send_quiet)
        except WebSocketDisconnect as err:
            log.debug("websocket client %s disconnected (code %s)", scope.get("client"), err.code)


def create_app(config: ServerConfig, runtime: ServerRuntime | None = None) -> FastAPI:
    """The server app for one configuration (one env id and its arguments)."""
    runtime = runtime or ServerRuntime(config)
    app = create_fastapi_app(
        functools.partial(GSMTraceEnvironment, runtime),
        TraceAction,
        TraceObservation,
        concurrency_config=ConcurrencyConfig(
            max_concurrent_envs=config.max_sessions, session_timeout=config.session_ttl_s
        ),
        env_name=config.env_id,
    )
    app.title = f"GSMTrace OpenEnv server ({config.env_id})"
    app.state.runtime = runtime

    @app.exception_handler(RequestError)
    async def _request_error(request: Request, err: RequestError) -> JSONResponse:
        return JSONResponse(status_code=err.status_code, content={"detail": str(err), "error": err.code})

    @app.exception_handler(GraderError)
    async def _grader_error(request: Request, err: GraderError) -> JSONResponse:
        # a fault of the grader itself is never scored as the policy's (docs/contracts.md)
        return JSONResponse(status_code=500, content={"detail": f"grader fault, not scored: {err}",
                                                      "error": "grader_error"})

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, err: RequestValidationError) -> JSONResponse:
        errors = err.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            where = next(e for e in errors if e.get("type") == "json_invalid")
            return JSONResponse(status_code=400, content={
                "detail": f"malformed JSON body: {where.get('ctx', {}).get('error', 'cannot be parsed')}",
                "error": "malformed_json",
            })
        return JSONResponse(status_code=422, content={"detail": _short(errors), "error": "validation_error"})

    @app.exception_handler(HTTPException)   # Starlette's, so FastAPI's subclass and the router's 404/405 too
    async def _http_exception(request: Request, err: HTTPException) -> JSONResponse:
        code = HTTP_ERROR_CODES.get(err.status_code, f"http_{err.status_code}")
        return JSONResponse(status_code=err.status_code, content={"detail": _short(err.detail), "error": code},
                            headers=getattr(err, "headers", None))

    @app.get("/stats", tags=["Health"], summary="Sessions, stored episodes, counters and limits")
    async def stats() -> dict[str, Any]:
        return runtime.stats()

    app.add_middleware(BodySizeLimit, max_bytes=config.max_body_bytes)
    app.add_middleware(QuietDisconnect)
    return app


def __getattr__(name: str) -> Any:
    """`trace_env.server.app:app` (the `app` of `openenv.yaml`, `uvicorn trace_env.server.app:app`): a
    default `GSMTrace-v0` server, built on first use. `python -m trace_env.serve` takes flags."""
    if name == "app":
        globals()["app"] = create_app(ServerConfig())
        return globals()["app"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
