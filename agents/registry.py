"""Agents by name: a registry of factories that plug-in policies add themselves to.

    from agents import register, make_agent

    register("echo", lambda context, **options: EchoAgent(**options))
    agent = make_agent("echo", problems=problems)      # also: python -m agents.evaluate --agent echo

A factory is called as `factory(context, **options)`: `context` (an `AgentContext`) carries what
the caller knows (the problems, a model name, a server URL, a seed), `options` go to the agent.
The built-in agents register here the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from trace_env.policy import Policy

from .hf import HFAgent
from .openai_chat import OpenAIChatAgent
from .oracle import OracleAgent
from .random_agent import RandomAgent


@dataclass(frozen=True)
class AgentContext:
    """What the caller of `make_agent` knows; each factory uses the parts its agent needs."""

    problems: Sequence[Any] | None = None
    model: str | None = None
    base_url: str | None = None
    seed: int = 0


AgentFactory = Callable[..., Policy]

# name -> factory; `register` adds to it (names are case-insensitive).
AGENTS: dict[str, AgentFactory] = {}


def _key(name: str) -> str:
    return name.strip().lower()


def register(name: str, factory: AgentFactory, *, replace: bool = False) -> None:
    """Make `factory` buildable as `make_agent(name)` (and `--agent name` on the command line)."""
    key = _key(name)
    if not key:
        raise ValueError("an agent needs a non-empty name")
    if not callable(factory):
        raise TypeError(f"the factory of agent {name!r} must be callable, got {type(factory).__name__}")
    if key in AGENTS and not replace:
        raise ValueError(f"agent {key!r} is already registered (pass replace=True to override it)")
    AGENTS[key] = factory


def make_agent(
    name: str,
    *,
    problems: Sequence[Any] | None = None,
    model: str | None = None,
    base_url: str | None = None,
    seed: int = 0,
    **options: Any,
) -> Policy:
    """The agent registered as `name`, built from the context and the agent's own `options`.

    Built in: `oracle` (needs `problems`), `random`, `hf` (needs `model`: hub id, path or
    "default"), `openai` (needs `base_url` and `model`).
    """
    factory = AGENTS.get(_key(name))
    if factory is None:
        raise ValueError(f"unknown agent {name!r}; choose one of {', '.join(AGENTS)}")
    return factory(AgentContext(problems=problems, model=model, base_url=base_url, seed=seed), **options)


def _oracle(context: AgentContext, **options: Any) -> OracleAgent:
    if context.problems is None:
        raise ValueError("the oracle agent needs the problems it will be asked about")
    return OracleAgent(context.problems, **options)


def _random(context: AgentContext, **options: Any) -> RandomAgent:
    return RandomAgent(seed=context.seed, **options)


def _hf(context: AgentContext, **options: Any) -> HFAgent:
    if not context.model:
        raise ValueError("--agent hf needs --model (a hub id, a local path, or 'default')")
    return HFAgent(context.model, **options)


def _openai(context: AgentContext, **options: Any) -> OpenAIChatAgent:
    if not context.base_url or not context.model:
        raise ValueError("--agent openai needs --base-url (e.g. http://127.0.0.1:8000/v1) and --model")
    return OpenAIChatAgent(context.base_url, context.model, **options)


for _name, _factory in (("oracle", _oracle), ("random", _random), ("hf", _hf), ("openai", _openai)):
    register(_name, _factory)
