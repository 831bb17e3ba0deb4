"""A tiny in-process OpenAI-compatible chat-completions server on 127.0.0.1, for the tests.

`serve_chat()` starts it on a free port and yields its base URL (``http://127.0.0.1:PORT/v1``).
Every POST is recorded in `ChatHandler.seen` (path, Authorization header, JSON body). The answer
is, in order of precedence: the next queued ``(status, body)`` of `ChatHandler.script`; else
``ChatHandler.reply(body)`` when set (a function returning the assistant text, or a
``(status, body)`` pair); else an echo of the last message. Text answers are complete chat
completions (id, object, created, model, choices, usage), so strict clients validate them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = str | tuple[int, dict]


def completion(content: str | None, *, model: str = "fake", finish_reason: str = "stop") -> dict[str, Any]:
    """A complete, valid chat.completion body carrying one assistant message."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class ChatHandler(BaseHTTPRequestHandler):
    script: list[tuple[int, dict]] = []   # queued (status, body) answers, used first
    reply: Callable[[dict], Answer] | None = None
    seen: list[dict] = []
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        cls = type(self)
        with cls.lock:
            cls.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
            queued = cls.script.pop(0) if cls.script else None
        if queued is not None:
            status, answer = queued
        else:
            reply = cls.reply(body) if cls.reply is not None else f"echo: {body['messages'][-1]['content']}"
            status, answer = reply if isinstance(reply, tuple) else (200, completion(reply, model=body.get("model") or "fake"))
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@contextmanager
def serve_chat(reply: Callable[[dict], Answer] | None = None) -> Iterator[str]:
    """Run the server on a free loopback port; yields its base URL. Resets the handler's state."""
    ChatHandler.script, ChatHandler.seen, ChatHandler.reply = [], [], reply
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        ChatHandler.reply = None
