"""Plug-in policies: a batch of observations in, a batch of trace texts out.

The `Policy` protocol itself is `trace_env.policy.Policy` (re-exported here). Agents are built by
name through the registry (`make_agent`, `register`), which is also how a plug-in policy makes
itself available to `python -m agents.evaluate`. Heavy dependencies (torch, transformers) load
only when an agent that needs them is constructed.
"""

from __future__ import annotations

from trace_env.policy import FunctionPolicy, Policy, as_policy

from .hf import HFAgent
from .openai_chat import OpenAIChatAgent
from .oracle import OracleAgent
from .random_agent import RandomAgent
from .registry import AGENTS, AgentContext, AgentFactory, make_agent, register

__all__ = [
    "AGENTS",
    "AgentContext",
    "AgentFactory",
    "FunctionPolicy",
    "HFAgent",
    "OpenAIChatAgent",
    "OracleAgent",
    "Policy",
    "RandomAgent",
    "as_policy",
    "make_agent",
    "register",
]
