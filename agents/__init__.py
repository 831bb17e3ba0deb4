"""Plug-in policies: a batch of observations in, a batch of trace texts out.

The `Policy` protocol itself is `trace_env.policy.Policy` (re-exported here). Agents import their
heavy dependencies (torch, transformers) only when constructed, and `agents.default_model` is
never imported here: it loads on demand (`HFAgent("default")`). `python -m agents.evaluate` is the
evaluation command line.
"""

from __future__ import annotations

import importlib
from typing import Any

from trace_env.policy import FunctionPolicy, Policy, as_policy

from .registry import AGENTS, make_agent

__all__ = [
    "AGENTS",
    "FunctionPolicy",
    "HFAgent",
    "OpenAIChatAgent",
    "OracleAgent",
    "Policy",
    "RandomAgent",
    "as_policy",
    "make_agent",
]

_LAZY = {
    "OracleAgent": ".oracle",
    "RandomAgent": ".random_agent",
    "HFAgent": ".hf",
    "OpenAIChatAgent": ".openai_chat",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
