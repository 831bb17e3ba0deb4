"""Build an agent by name (used by the evaluation CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

AGENTS = ("oracle", "random", "hf", "openai")


def make_agent(
    name: str,
    *,
    problems: Sequence[Any] | None = None,
    model: str | None = None,
    base_url: str | None = None,
    seed: int = 0,
    **options: Any,
) -> Any:
    """`oracle` (needs `problems`), `random`, `hf` (needs `model`: hub id, path or "default"),
    `openai` (needs `base_url` and `model`). Extra `options` go to the agent's constructor."""
    key = name.strip().lower()
    if key == "oracle":
        if problems is None:
            raise ValueError("the oracle agent needs the problems it will be asked about")
        from .oracle import OracleAgent

        return OracleAgent(problems, **options)
    if key == "random":
        from .random_agent import RandomAgent

        return RandomAgent(seed=seed, **options)
    if key == "hf":
        if not model:
            raise ValueError("--agent hf needs --model (a hub id, a local path, or 'default')")
        from .hf import HFAgent

        return HFAgent(model, **options)
    if key == "openai":
        if not base_url or not model:
            raise ValueError("--agent openai needs --base-url (e.g. http://127.0.0.1:8000/v1) and --model")
        from .openai_chat import OpenAIChatAgent

        return OpenAIChatAgent(base_url, model, **options)
    raise ValueError(f"unknown agent {name!r}; choose one of {', '.join(AGENTS)}")
