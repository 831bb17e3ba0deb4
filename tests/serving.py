"""Shared by the server tests: OpenEnv without its web UI, and bench/serve_load.py as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def import_openenv_without_gradio() -> None:
    """As the server does: OpenEnv imports gradio (seconds) only for its optional web UI; skip it,
    then let gradio import normally again for anyone who wants it."""
    if "openenv.core" in sys.modules or "gradio" in sys.modules:
        return
    sys.modules["gradio"] = None  # type: ignore[assignment]
    try:
        import openenv.core  # noqa: F401
    finally:
        del sys.modules["gradio"]


def load_serve_bench() -> ModuleType:
    """bench/serve_load.py (its server start-up and client helpers)."""
    spec = importlib.util.spec_from_file_location("serve_load", ROOT / "bench" / "serve_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module
