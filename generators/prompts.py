"""The project's prompt as chat messages: the system turn, the user turn, the SFT target turn.

This is the one implementation of the prompt text. It lives in `generators` (layer 1) so that the
dataset exports (`python -m generators export --format verl`) can write the very messages the
environments, the agents and the training scripts use; `trace_env.prompts` re-exports every name
here and adds `render_prompt` (the tokenizer's chat template). Depends only on `solver`.
"""

from __future__ import annotations

from solver import extract_quantities

__all__ = [
    "DEFAULT_NUMBERED", "SYSTEM_PROMPT", "build_messages", "completion_messages", "numbered_quantities", "user_content",
]

SYSTEM_PROMPT = (
    "Write a YAML trace for the problem: an expert and steps. Use only numbers from the problem."
)

DEFAULT_NUMBERED = True
"""The prompt form wherever neither a flag nor the model's saved ``gsmtrace.json`` says otherwise
(the server, the verifiers taskset, the verl export, the evaluator, a model without the file; the
rule is `trace_env.prompts.prompt_numbered`). Numbered, because the project's own models are
trained on it (the default model, and train_sft.py / train_grpo.py with their default
``--trace_form ref``): their ``init {ref: N}`` pointers need the list, while a model that writes
values still reads the question unchanged above it. `build_messages` keeps ``numbered=False`` as
its plain-form primitive; entry points pass the resolved value."""


def numbered_quantities(question: str) -> str:
    """The question's quantities as a numbered list, for `init {ref: N}` pointers."""
    lines = [f"[{i}] {q.text}" for i, q in enumerate(extract_quantities(question), start=1)]
    return "\n".join(lines)


def user_content(question: str, *, numbered: bool = False) -> str:
    """The user turn: the question, optionally followed by its numbered quantities."""
    if not numbered:
        return question
    listing = numbered_quantities(question)
    return f"{question}\n\nQuantities:\n{listing}" if listing else question


def build_messages(question: str, *, numbered: bool = False, system: bool = True) -> list[dict[str, str]]:
    """Chat messages for one problem: an optional system turn, then the user turn."""
    messages = [{"role": "system", "content": SYSTEM_PROMPT}] if system else []
    messages.append({"role": "user", "content": user_content(question, numbered=numbered)})
    return messages


def completion_messages(trace_text: str) -> list[dict[str, str]]:
    """The assistant turn that carries a trace (used for SFT targets)."""
    return [{"role": "assistant", "content": trace_text}]
