"""Hard limits that keep grading bounded in time and memory, whatever the input."""

from __future__ import annotations

MAX_TEXT_CHARS = 50_000  # a whole model output; longer outputs are not parsed at all
MAX_DOC_CHARS = 20_000  # one extracted YAML document
# Keys, items and collections (estimated from ":", ",", newlines, "- ", "[" and "{") the general
# YAML loader may read per output;
# the canonical layout is read by the fast path and costs nothing here. A 200-step block-style
# trace has about 2,000.
MAX_YAML_NODES = 6_000
MAX_CANDIDATES = 16  # candidate blocks of one kind (fences, bare regions) read per output; the last ones
MAX_NESTING = 64  # YAML collection depth (libyaml composes recursively in C)
# Beyond these the nesting is refused without asking libyaml, whose own depth limit (1,000 levels
# from PyYAML 6.0.4, none before) would otherwise decide the outcome. A 200-step trace opens at
# most about 400 flow collections and indents a few characters.
MAX_OPENERS = 512  # bound on "[" / "{" nesting in one YAML document (see yaml_load._flow_depth_bound)
MAX_PREFIX = 256  # leading spaces, tabs and block indicators ("- ", "? ", ": ") on one line
MAX_SUBTRACES = 16
MAX_STEPS = 200  # across all sub-traces
MAX_ARGS = 32  # operands of one compute step
MAX_NAME_CHARS = 64
MAX_NUMBER_CHARS = 64  # text of one number literal
MAX_ABS = 10**18  # |value| of any number the trace introduces or computes
MAX_DENOMINATOR = 10**12  # denominators beyond this mean the trace is not doing school maths
MAX_EXPONENT = 64  # |exponent| of pow
MAX_QUESTION_CHARS = 20_000  # longer questions are only scanned up to this length
MAX_CONSTANT_USES = 4  # uses of one table constant (7, 60, ...) in one trace: conversions, not spelling numbers
