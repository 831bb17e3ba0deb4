"""The classes OpenEnv's AutoEnv / AutoAction look up by name (`openenv.yaml`): the client
`GsmtraceEnv` (the name OpenEnv infers from the manifest's `gsmtrace_env`) is
`trace_env.server.client.GSMTraceClient`; the action and observation are the server's own."""

from trace_env.server.client import GSMTraceClient
from trace_env.server.models import TraceAction, TraceObservation, TraceState

GsmtraceEnv = GSMTraceClient

__all__ = ["GsmtraceEnv", "GSMTraceClient", "TraceAction", "TraceObservation", "TraceState"]
