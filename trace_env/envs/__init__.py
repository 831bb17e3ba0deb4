"""The GSMTrace Gymnasium environments."""

from .refine import GSMTraceRefineEnv
from .single import GSMTraceEnv
from .spaces import BASE_CHARSET, TraceText
from .vector import make_vec

__all__ = ["BASE_CHARSET", "GSMTraceEnv", "GSMTraceRefineEnv", "TraceText", "make_vec"]
