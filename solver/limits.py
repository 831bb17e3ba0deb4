"""Hard limits that keep grading bounded in time and memory, whatever the input."""

from __future__ import annotations

MAX_TEXT_CHARS = 50_000  # a whole model output; longer outputs are not parsed at all
MAX_DOC_CHARS = 20_000  # one extracted YAML document
MAX_CANDIDATES = 16  # candidate blocks of one kind (fences, bare regions) read per output; the last ones
MAX_NESTING = 64  # YAML collection depth (libyaml composes recursively in C)
MAX_SUBTRACES = 16
MAX_STEPS = 200  # across all sub-traces
MAX_ARGS = 32  # operands of one compute step
MAX_NAME_CHARS = 64
MAX_NUMBER_CHARS = 64  # text of one number literal
MAX_ABS = 10**18  # |value| of any number the trace introduces or computes
MAX_DENOMINATOR = 10**12  # denominators beyond this mean the trace is not doing school maths
MAX_EXPONENT = 64  # |exponent| of pow
MAX_QUESTION_CHARS = 20_000  # longer questions are only scanned up to this length
