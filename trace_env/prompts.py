"""The one prompt format shared by the environments, the agents and the training scripts.

Everything that turns a question into model input goes through here, so evaluation, SFT
and RL always see the same text. The rendered string always comes from the tokenizer's own
chat template (the seed experiment hard-coded one model's template and paid for it).
"""

from __future__ import annotations

from typing import Any

from solver import extract_quantities

SYSTEM_PROMPT = (
    "Write a YAML trace for the problem: an expert and steps. Use only numbers from the problem."
)


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
