"""Crafted model outputs that aim at the slow paths of trace extraction and loading.

Each output is padded to the grader's length limit (``MAX_TEXT_CHARS``, 50,000 characters) and
targets one stage: the canonical fast path (long runs that a backtracking pattern would rescan),
fence and region scanning, digit-group joining, the nesting bounds, libyaml's per-node cost, and
many candidate blocks. ``bench/reward_throughput.py`` times them; ``tests/test_reward_adversary.py``
checks a generous bound so that a super-linear regression fails the suite.
"""

from __future__ import annotations

from solver.limits import MAX_DOC_CHARS, MAX_TEXT_CHARS

HEAD = "expert: arithmetic\ntrace:\n"
STEP = "- {op: init, var: x, value: 5}\n"


def _pad(text: str, size: int) -> str:
    """Repeat `text` to exactly `size` characters."""
    return (text * (size // max(len(text), 1) + 1))[:size]


def worst_case_outputs(size: int = MAX_TEXT_CHARS) -> dict[str, str]:
    """Name -> crafted output of `size` characters (the limit by default)."""
    doc = MAX_DOC_CHARS - 100  # just under the per-document limit, so the loaders really run
    block = HEAD + "- {" + "a" * (doc - 40) + "}"
    fence_of = lambda body: "```yaml\n" + body + "\n```\n"  # noqa: E731
    dense = HEAD + _pad("- op: init\n  var: x\n  value: 5\n  key:\n", size // 17)
    outputs = {
        # The case: a letter run inside a step, once per document and in three fences.
        "letter run in a step": block + "\n" + _pad("prose ", size - len(block) - 1),
        "three fenced letter runs": _pad(fence_of(block), size),
        # Many candidates: 16+ fenced and bare blocks of node-dense block-style YAML.
        "many fenced dense blocks": _pad(fence_of(dense) + "Let me try again.\n", size),
        "many bare dense regions": _pad(dense + "Hmm, again:\n", size),
        "many canonical traces": _pad(HEAD + STEP * 3 + "- {op: query, var: y}\nretry\n", size),
        # Scanners: fences, trace starts, lines that almost continue a region.
        "fence openers": _pad("```\n", size),
        "trace start lines": _pad("expert: arithmetic\n", size),
        "top-level keys": HEAD + _pad("a:\n", size - len(HEAD)),
        # Loader traps: digit groups, whitespace before a closing brace, nesting, aliases, quotes.
        "digit groups": HEAD + "- {op: init, var: x, value: " + _pad("123,", doc - 60) + "}\n" + _pad("x", size),
        "whitespace runs": HEAD + "- {op: init, var: x, value: 1,000" + " " * (doc - 70) + "}\n" + _pad("y", size),
        "flow nesting": HEAD + "- " + "[" * 500 + _pad("a, ", doc - 600) + "\n" + _pad("z", size),
        "block nesting": HEAD + _pad("- " * 60 + "x\n", doc) + "\n" + _pad("w", size),
        "indentation": HEAD + " " * 250 + "- x\n" + _pad(" " * 200 + "- y\n", doc) + "\n" + _pad("v", size),
        "aliases": HEAD + _pad("- *a\n", doc) + "\n" + _pad("u", size),
        "quotes": HEAD + "- {op: init, var: '" + _pad("''", doc - 60) + "'}\n" + _pad("t", size),
        "windows line ends": _pad((HEAD + STEP * 4 + "- {op: query, var: x}\n").replace("\n", "\r\n"), size),
        # The second reading of a block that does not parse (`_tidy`): common indentation to remove
        # and a long tail of chat end tokens, in documents just under the limit and in many fences.
        "indented broken trace, end tokens": "  " + HEAD.replace("\n", "\n  ") + "- {op: init, var: x\n"
                                             + _pad("<|im_end|>", doc - 60) + "\n" + _pad("s", size),
        "fenced broken traces, end tokens": _pad(fence_of("  " + HEAD.replace("\n", "\n  ") + "- {op: x"
                                                          + "<|im_end|>" * 200), size),
        # The program-check issue's case: a flow sequence of explicit keys, each item a mapping of
        # its own (three nodes for five characters), just under the document limit.
        "flow sequence of explicit keys": "expert: arithmetic\ntrace: [" + _pad("? a, ", doc - 60) + "? a]\n"
                                          + _pad("r", size),
    }
    return {name: text[:size] for name, text in outputs.items()}
