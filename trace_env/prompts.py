"""The one prompt format shared by the environments, the agents and the training scripts.

Everything that turns a question into model input goes through here, so evaluation, SFT
and RL always see the same text. The messages themselves are built in `generators.prompts`
(one implementation, re-exported here, so the dataset exports below the environments write the
same prompt); this module adds `render_prompt`. The rendered string always comes from the
tokenizer's own chat template (the seed experiment hard-coded one model's template and paid for it).
"""

from __future__ import annotations

from typing import Any

from generators.prompts import (  # the one implementation of the prompt text (layer 1)
    SYSTEM_PROMPT,
    build_messages,
    completion_messages,
    numbered_quantities,
    user_content,
)

__all__ = [
    "SYSTEM_PROMPT", "build_messages", "completion_messages", "numbered_quantities", "render_prompt",
    "user_content",
]


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
