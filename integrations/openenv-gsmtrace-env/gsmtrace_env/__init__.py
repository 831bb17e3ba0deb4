"""OpenEnv's name for the GSMTrace environment: `AutoEnv.from_env("gsmtrace", base_url=...)`.

OpenEnv discovers this package through the `openenv-gsmtrace-env` distribution and its
`openenv.yaml`; the client, action and observation are `trace_env.server`'s (docs/openenv.md).
"""

from .client import GsmtraceEnv, TraceAction, TraceObservation, TraceState

__all__ = ["GsmtraceEnv", "TraceAction", "TraceObservation", "TraceState"]
