"""The verifiers environment id ``gsmtrace``: ``vf-eval gsmtrace`` imports this module.

verifiers 0.4 loads a taskset (and the env and harness that come with it) by importing the
top-level module named by its id; this one re-exports `trace_env.verifiers_env`, where the code
and its documentation live (docs/verifiers.md). ``gsmtrace.load_environment(**taskset_options)``
builds the env through verifiers' own loader; ``python -m gsmtrace RUN_DIR`` prints a finished
run's mean reward (``vf-eval --no-rich`` prints traces, not the mean). Needs the extra: ``pip install -e ".[verifiers]"``.
"""

from trace_env import verifiers_env as _implementation
from trace_env.verifiers_env import *  # noqa: F403  (the names verifiers looks up, listed in __all__)

__all__ = list(_implementation.__all__)

if __name__ == "__main__":  # python -m gsmtrace RUN_DIR: the mean reward of a finished vf-eval run
    raise SystemExit(_implementation.main())
