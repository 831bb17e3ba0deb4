"""The prompt options saved next to a model (`gsmtrace.json`), so evaluation builds the prompt it was trained on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PROMPT_OPTIONS_FILE = "gsmtrace.json"


def write_prompt_options(path: str | Path, *, numbered: bool) -> None:
    """Record how this model expects its prompt, so evaluation builds the same one."""
    Path(path, PROMPT_OPTIONS_FILE).write_text(json.dumps({"numbered": bool(numbered)}, indent=2) + "\n")


def load_prompt_options(path: str | Path) -> dict[str, Any]:
    """Prompt options saved next to a model ({} for a hub id or a model without the file)."""
    file = Path(str(path), PROMPT_OPTIONS_FILE)
    if not file.is_file():
        return {}
    try:
        data = json.loads(file.read_text())
    except (OSError, ValueError):
        return {}
    return {"numbered": bool(data.get("numbered", False))} if isinstance(data, dict) else {}
