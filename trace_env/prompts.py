"""The one prompt format shared by the environments, the agents and the training scripts.

Everything that turns a question into model input goes through here, so evaluation, SFT
and RL always see the same text. The messages themselves are built in `generators.prompts`
(one implementation, re-exported here, so the dataset exports below the environments write the
same prompt); this module adds `render_prompt`. The rendered string always comes from the
tokenizer's own chat template (the seed experiment hard-coded one model's template and paid for it).

**The prompt form** (numbered quantities or not) has one rule, `prompt_numbered`: an explicit
choice, else the model's saved ``gsmtrace.json`` (`load_prompt_options`), else
`DEFAULT_NUMBERED` (numbered; why: its docstring in `generators.prompts`). Every entry point
that builds prompts for a model (the evaluator, `HFAgent`, the OpenEnv server, the verifiers
taskset, the verl export) resolves it here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generators.prompts import (  # the one implementation of the prompt text (layer 1)
    DEFAULT_NUMBERED,
    SYSTEM_PROMPT,
    build_messages,
    completion_messages,
    numbered_quantities,
    user_content,
)

__all__ = [
    "DEFAULT_MODEL_NOTE", "DEFAULT_NUMBERED", "PROMPT_OPTIONS_FILE", "SYSTEM_PROMPT", "build_messages",
    "completion_messages", "default_model_note", "load_prompt_options", "numbered_quantities", "prompt_numbered",
    "render_prompt", "user_content", "write_prompt_options",
]

PROMPT_OPTIONS_FILE = "gsmtrace.json"
"""Saved next to a trained model (`write_prompt_options`): how it expects its prompt."""

DEFAULT_MODEL_NOTE = (
    "note: model 'default' is the project's embedded model built UNTRAINED (random weights): it writes no traces "
    "(0%%) and decodes to the token limit; for a trained one run `python train_grpo.py ... --output_dir OUT` "
    "and use %s OUT/final"
)
"""The one line every entry point that accepts the model name ``default`` prints (`default_model_note`)."""


def default_model_note(model: Any, flag: str = "--model") -> str | None:
    """The untrained-model line when `model` names the embedded default model, else None."""
    return DEFAULT_MODEL_NOTE % flag if isinstance(model, str) and model.strip() == "default" else None


def write_prompt_options(path: str | Path, *, numbered: bool) -> None:
    """Record how the model saved at `path` expects its prompt, so evaluation builds the same one."""
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


def prompt_numbered(numbered: bool | None = None, *, model: str | Path | None = None) -> bool:
    """The prompt form: `numbered` when given, else the ``gsmtrace.json`` saved next to `model`
    (a local directory), else `DEFAULT_NUMBERED`. The embedded default model (``"default"``) is
    built with `DEFAULT_NUMBERED` (`agents.default_model.DefaultModelSpec`)."""
    if numbered is not None:
        return bool(numbered)
    if model is not None and str(model) != "default":
        saved = load_prompt_options(model).get("numbered")
        if saved is not None:
            return bool(saved)
    return DEFAULT_NUMBERED


def render_prompt(tokenizer: Any, question: str, *, numbered: bool = False) -> str:
    """Prompt text for a causal LM, built with the tokenizer's own chat template."""
    messages = build_messages(question, numbered=numbered)
    try:
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    except Exception as err:  # some templates reject a system turn: fold it into the user turn
        if "system" not in str(err).lower():
            raise
        merged = [{"role": "user", "content": f"{SYSTEM_PROMPT}\n\n{messages[-1]['content']}"}]
        return tokenizer.apply_chat_template(merged, tokenize=False, add_generation_prompt=True)
