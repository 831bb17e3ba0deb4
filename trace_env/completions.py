"""Where the trace is in a policy's output: the one rule every entry point applies.

A policy hands back its trace in one of three shapes, and all of them are graded alike:

- plain text (a string);
- a chat message, or a list of chat messages (TRL's conversational completions, verifiers'
  transcripts, an OpenAI reply): the **last assistant message** counts, never a join of several
  turns, so `[good trace, tool result, "I give up."]` is graded on "I give up.";
- within that message, the trace argument of its last `submit_trace` tool call counts when there
  is one (a tokenizer's response parser may turn a bare trace into such a call); otherwise the
  message's text (a string, or text content parts).

A completion that holds no text at all (no assistant message, a message with neither text nor a
`submit_trace` argument, an object that is neither text nor messages) is not silently read as an
empty string: `read_trace` returns `None` with the reason, and `grade_completion` grades it
unparseable with that reason as its error.

Depends only on ``solver`` and the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from solver import Outcome, grade
from solver.grade import REWARDS

__all__ = ["TRACE_TOOL", "TraceRead", "grade_completion", "read_trace"]

# The one tool a trace is submitted through (training/refine.py, the default model's chat template).
TRACE_TOOL = "submit_trace"


@dataclass(frozen=True)
class TraceRead:
    """What `read_trace` found: the text to grade, or None and why there is none."""

    text: str | None
    missing: str | None = None  # why there is no text (None when `text` is set)


def read_trace(completion: Any) -> TraceRead:
    """The trace text of one completion, by the rule in the module docstring."""
    if isinstance(completion, str):
        return TraceRead(completion)
    if isinstance(completion, Mapping):
        completion = [completion]
    if isinstance(completion, Sequence) and not isinstance(completion, (bytes, bytearray)):
        replies = [m for m in completion if isinstance(m, Mapping) and m.get("role", "assistant") == "assistant"]
        if not replies:
            return TraceRead(None, "the completion has no assistant message")
        return _read_message(replies[-1])
    return TraceRead(None, f"the completion is {type(completion).__name__}, neither text nor chat messages")


def _read_message(message: Mapping[str, Any]) -> TraceRead:
    calls = message.get("tool_calls") or []
    for call in reversed(calls if isinstance(calls, Sequence) else []):
        trace = _call_trace(call)
        if trace is not None:
            return TraceRead(trace)
    text = _content_text(message.get("content"))
    if text is not None and text.strip():
        return TraceRead(text)
    if calls:
        return TraceRead(None, f"the reply calls tools but none is {TRACE_TOOL} with a text 'trace' argument")
    return TraceRead(None, "the reply has neither text nor a submit_trace call")


def _call_trace(call: Any) -> str | None:
    if not isinstance(call, Mapping):
        return None
    function = call.get("function", call)
    if not isinstance(function, Mapping) or function.get("name") != TRACE_TOOL:
        return None
    arguments = function.get("arguments")
    if isinstance(arguments, str):  # OpenAI wire format: arguments as a JSON string
        try:
            arguments = json.loads(arguments)
        except ValueError:
            return None
    trace = arguments.get("trace") if isinstance(arguments, Mapping) else None
    return trace if isinstance(trace, str) else None


def _content_text(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence) and not isinstance(content, (bytes, bytearray)):
        parts = [p.get("text") for p in content if isinstance(p, Mapping) and isinstance(p.get("text"), str)]
        return "\n".join(parts) if parts else None
    return None


def grade_completion(completion: Any, answer: Any, expert: str | None = None, question: str | None = None,
                     gold: str | None = None) -> Outcome:
    """`solver.grade` of the completion's trace (checked as a program on variants of the question
    when the problem's `gold` trace is given); a completion with no trace text is graded
    unparseable, its error saying what the completion held instead."""
    found = read_trace(completion)
    if found.text is None:
        return Outcome(REWARDS["unparseable"], "unparseable", error=f"no trace: {found.missing}")
    return grade(found.text, answer, expert, question, gold)
