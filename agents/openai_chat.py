"""OpenAIChatAgent: any OpenAI-compatible /v1/chat/completions server (vLLM, llama.cpp, Ollama, ...)."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from trace_env.prompts import build_messages

RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


class ChatEndpointError(RuntimeError):
    """The endpoint failed (after retries) or answered something that is not a chat completion."""


class OpenAIChatAgent:
    """Sends each observation as one chat request built by `trace_env.prompts.build_messages`.

    `base_url` is the API root including the version, e.g. `http://127.0.0.1:8000/v1`; the
    agent POSTs to `{base_url}/chat/completions`. The key comes from `api_key` or the
    environment variable named by `api_key_env` (default `OPENAI_API_KEY`); local servers
    usually need none. Requests run `concurrency` at a time; connection errors, timeouts and
    408/409/429/5xx answers are retried `retries` times with exponential backoff, then raise
    `ChatEndpointError` (a dead server must not look like a model scoring 0%). A completion
    that stopped for length is counted in `stats()["truncated"]`. Uses only the standard library.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        numbered: bool = False,
        system: bool = True,
        temperature: float = 0.0,
        max_tokens: int = 768,
        timeout: float = 120.0,
        concurrency: int = 8,
        retries: int = 2,
        backoff: float = 0.5,
        extra_body: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key if api_key is not None else os.environ.get(api_key_env)
        self.numbered = numbered
        self.system = system
        self.temperature = float(temperature)
        self.max_tokens = int(max_tokens)
        self.timeout = float(timeout)
        self.concurrency = max(1, int(concurrency))
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.extra_body = dict(extra_body or {})
        self.name = name or f"openai:{model}"
        self._generated = 0
        self._truncated = 0
        self._lock = threading.Lock()  # counters are updated from worker threads

    def payload(self, observation: str) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": build_messages(observation, numbered=self.numbered, system=self.system),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            **self.extra_body,
        }

    def act(self, observations: list[str]) -> list[str]:
        if len(observations) <= 1 or self.concurrency == 1:
            return [self._complete(obs) for obs in observations]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(observations))) as pool:
            return list(pool.map(self._complete, observations))

    def _complete(self, observation: str) -> str:
        body = json.dumps(self.payload(observation)).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return self._parse(response.read())
            except urllib.error.HTTPError as err:
                detail = err.read()[:300].decode("utf-8", errors="replace")
                if err.code not in RETRYABLE_STATUS or attempt == self.retries:
                    raise ChatEndpointError(f"{self.url} answered HTTP {err.code}: {detail}") from err
            except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
                if attempt == self.retries:
                    raise ChatEndpointError(f"{self.url} unreachable after {attempt + 1} tries: {err}") from err
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _parse(self, raw: bytes) -> str:
        try:
            data = json.loads(raw)
            choice = data["choices"][0]
            content = choice["message"].get("content")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as err:
            raise ChatEndpointError(f"{self.url} did not return a chat completion: {raw[:200]!r}") from err
        with self._lock:
            self._generated += 1
            if choice.get("finish_reason") == "length":
                self._truncated += 1
        return content if isinstance(content, str) else ""

    def stats(self) -> dict[str, Any]:
        return {"generated": self._generated, "truncated": self._truncated, "max_tokens": self.max_tokens}
