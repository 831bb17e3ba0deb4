"""The verifiers environment id ``gsmtrace``: ``vf-eval gsmtrace`` imports this module.

verifiers 0.4 loads a taskset (and the env and harness that come with it) by importing the
top-level module named by its id; this one re-exports `trace_env.verifiers_env`, where the code
and its documentation live (docs/verifiers.md). Needs the extra: ``pip install -e ".[verifiers]"``.
"""

from trace_env import verifiers_env as _implementation
from trace_env.verifiers_env import *  # noqa: F403  (the names verifiers looks up, listed in __all__)

__all__ = list(_implementation.__all__)
