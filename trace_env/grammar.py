"""A regular expression for a trace in the canonical layout, for structured generation.

``TRACE_REGEX`` matches exactly the layout ``solver.format_trace`` writes (one flow-style step per
line, fields in canonical order, the query last), single-expert or composed. It uses only what
regex-guided decoders accept (no lookarounds, no back-references), so it can be handed to vLLM's
structured outputs or to TRL:

    GRPOConfig(use_vllm=True, vllm_structured_outputs_regex=TRACE_REGEX, ...)

Constraining the syntax does not make a trace right: the regex admits any names and numbers, and
the solver still grades grounding, provenance and the answer. ``matches(text)`` checks a whole
text against it.
"""

from __future__ import annotations

import re

from solver.experts import EXPERTS

_NAME = r"[A-Za-z_][A-Za-z0-9_.]{0,63}"
_NUMBER = r"-?[0-9]+(\.[0-9]+|/[0-9]+)?"  # format_number: 18, -2.5, 1/3
_OPERAND = rf"({_NAME}|{_NUMBER})"
_SOURCE = r"(prev\.result|sub[1-9][0-9]{0,2}\.result)"
_COMPUTE_OPS = "add|sub|mul|div|floordiv|mod|pow|min|max|floor|ceil|round"

_STEP = "|".join([
    rf"\{{op: init, var: {_NAME}, (value: {_NUMBER}|source: {_SOURCE}|ref: [1-9][0-9]{{0,3}})\}}",
    rf"\{{op: compute, compute_op: ({_COMPUTE_OPS}), args: \[{_OPERAND}(, {_OPERAND}){{0,31}}\], var: {_NAME}\}}",
    rf"\{{op: (percent_of|percent_off|percent_increase), base: {_OPERAND}, rate: {_OPERAND}, var: {_NAME}\}}",
    rf"\{{op: transfer, from: {_NAME}, to: {_NAME}, amount: {_OPERAND}\}}",
    rf"\{{op: (consume|add_entity), var: {_NAME}, amount: {_OPERAND}\}}",
])
_QUERY = rf"\{{op: query, var: {_NAME}\}}"
_EXPERT = "(" + "|".join(sorted(EXPERTS)) + ")"


def _body(indent: str) -> str:
    return rf"({indent}- ({_STEP})\n)*{indent}- {_QUERY}"


_SINGLE = rf"expert: {_EXPERT}\ntrace:\n{_body('')}"
_COMPOSED = rf"- expert: {_EXPERT}\n  trace:\n{_body('  ')}(\n- expert: {_EXPERT}\n  trace:\n{_body('  ')})*"

TRACE_REGEX = rf"({_SINGLE}|{_COMPOSED})"
_COMPILED = re.compile(TRACE_REGEX)


def matches(text: str) -> bool:
    """Whether the whole text is a trace in the canonical layout."""
    return _COMPILED.fullmatch(text) is not None
