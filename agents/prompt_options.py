"""The prompt options saved next to a model (`gsmtrace.json`), so evaluation builds the prompt it was trained on."""

from __future__ import annotations

import json
from pathlib import Path

# The file's name and its reader live with the prompt-form rule (trace_env.prompts.prompt_numbered).
from trace_env.prompts import PROMPT_OPTIONS_FILE, load_prompt_options

__all__ = ["PROMPT_OPTIONS_FILE", "load_prompt_options", "write_prompt_options"]


def write_prompt_options(path: str | Path, *, numbered: bool) -> None:
    """Record how this model expects its prompt, so evaluation builds the same one."""
    Path(path, PROMPT_OPTIONS_FILE).write_text(json.dumps({"numbered": bool(numbered)}, indent=2) + "\n")

