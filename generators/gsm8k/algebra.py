"""Simple algebra ("Let x be ...", `4x - 3 = 25`) turned into plain arithmetic.

A linear equation in one unknown is rewritten as `x = (constant terms) / (coefficients)` built
from the equation's own numbers, e.g. `x + 2x + 5x = 96` -> `96 / (1 + 2 + 5)` and
`4x - 3 = 25` -> `(25 + 3) / 4`; the binder then compiles that like any annotation, so every
number still has to be grounded (the bare `x` contributes a literal 1, which is only grounded
when the question provides it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .expr import BinOp, ExprError, Neg, Node, Num, Var, evaluate, parse

_LET = re.compile(
    r"\b(?:let|say|assume|suppose|call|if)\b[^.\n]{0,60}?(?<![A-Za-z'])([A-Za-z])(?![A-Za-z'])\s*"
    r"(?:be|is|=|represents?|stands?|equals?|as|denotes?)\b",
    re.IGNORECASE,
)
_USED = re.compile(r"(?:\d|[=+\-*/(])\s*([A-Za-z])(?![A-Za-z])|(?<![A-Za-z])([A-Za-z])\s*(?:[=+*/)]|-\s*\d)")
_WORD2 = re.compile(r"[A-Za-z]{2,}(?:'[A-Za-z]+)?")
ONE = Num(Fraction(1), "1")  # the coefficient of a bare unknown


@dataclass(frozen=True)
class Solved:
    letter: str
    node: Node  # arithmetic expression for the unknown's value, numbers only
    value: Fraction
    start: int
    text: str


class NotLinear(ExprError):
    pass


def unknown_letters(solution: str) -> frozenset[str]:
    """Letters used as unknowns: declared ("Let x be") or written like one (`2x`, `x =`)."""
    declared = {m.group(1).lower() for m in _LET.finditer(solution)}
    used = set()
    for m in _USED.finditer(solution):
        letter = (m.group(1) or m.group(2)).lower()
        used.add(letter)
    # `a` and `i` are words far more often than unknowns; `x` is "times" unless declared
    return frozenset(declared | (used - {"a", "i", "x"}))


def _add(a: Node | None, b: Node | None) -> Node | None:
    if a is None or b is None:
        return a if b is None else b
    if isinstance(b, Neg):
        return _sub(a, b.operand)
    if isinstance(a, Neg):
        return _sub(b, a.operand)
    return BinOp("+", a, b)


def _sub(a: Node | None, b: Node | None) -> Node | None:
    if b is None:
        return a
    if a is None:
        return b.operand if isinstance(b, Neg) else Neg(b)
    if isinstance(b, Neg):
        return _add(a, b.operand)
    if isinstance(a, Neg):
        return Neg(_add(a.operand, b))
    return BinOp("-", a, b)


def _scale(c: Node, t: Node | None, op: str) -> Node | None:
    """t * c or t / c, keeping a sign outside."""
    if t is None:
        return None
    if isinstance(t, Neg):
        inner = _scale(c, t.operand, op)
        return Neg(inner) if inner is not None else None
    if t is ONE and op == "*":
        return c
    return BinOp(op, t, c) if op == "/" else BinOp("*", c, t)


def linear(node: Node) -> tuple[Node | None, Node | None]:
    """(coefficient, constant) expressions with node == coefficient * unknown + constant."""
    if isinstance(node, Num):
        return None, node
    if isinstance(node, Var):
        return ONE, None
    if isinstance(node, Neg):
        c, k = linear(node.operand)
        return _sub(None, c), _sub(None, k)
    lc, lk = linear(node.left)
    rc, rk = linear(node.right)
    if node.op == "+":
        return _add(lc, rc), _add(lk, rk)
    if node.op == "-":
        return _sub(lc, rc), _sub(lk, rk)
    if node.op == "*":
        if lc is not None and rc is not None:
            raise NotLinear("product of unknowns")
        if lc is None:
            if lk is None:
                return None, None
            return _scale(lk, rc, "*"), _scale(lk, rk, "*")
        if rk is None:
            return None, None
        return _scale(rk, lc, "*"), _scale(rk, lk, "*")
    if rc is not None or rk is None:
        raise NotLinear("division by an unknown")
    return _scale(rk, lc, "/"), _scale(rk, lk, "/")


def isolate(left: Node, right: Node) -> Node:
    """An unknown-free expression for the unknown of `left = right`."""
    lc, lk = linear(left)
    rc, rk = linear(right)
    coef = _sub(lc, rc)
    const = _sub(rk, lk)
    if coef is None or const is None:
        raise NotLinear("no unknown, or a zero solution")
    if isinstance(coef, Neg) and isinstance(const, Neg):
        coef, const = coef.operand, const.operand
    if isinstance(coef, Neg) or isinstance(const, Neg):
        raise NotLinear("negative form")
    if coef is ONE:
        return const
    return BinOp("/", const, coef)


def _math_view(line: str, unknowns: frozenset[str]) -> str:
    """Words (and letters that are not unknowns) become `|`, so only math runs remain."""
    out = _WORD2.sub(lambda m: "|" * len(m.group(0)), line)
    return re.sub(
        r"(?<![A-Za-z])([A-Za-z])(?![A-Za-z])",
        lambda m: m.group(1) if m.group(1).lower() in unknowns else "|",
        out,
    )


def _vars(node: Node) -> set[str]:
    if isinstance(node, Var):
        return {node.name}
    if isinstance(node, Num):
        return set()
    if isinstance(node, Neg):
        return _vars(node.operand)
    return _vars(node.left) | _vars(node.right)


def solved_equations(solution: str) -> list[Solved]:
    """Every linear one-unknown equation of the solution, solved, in reading order."""
    body = re.sub(r"<<[^<>]*>>", lambda m: " " * len(m.group(0)), solution.split("####")[0])
    unknowns = unknown_letters(body)
    if not unknowns:
        return []
    found = []
    for run in re.finditer(r"[^|\n:;]*=[^|\n:;]*", _math_view(body, unknowns)):
        parts = run.group(0).split("=")
        offset = run.start()
        for left, right in zip(parts, parts[1:], strict=False):
            start = offset
            offset += len(left) + 1
            try:
                lnode = parse(left.strip(" .,"), unknowns=unknowns)
                rnode = parse(right.strip(" .,"), unknowns=unknowns)
                letters = _vars(lnode) | _vars(rnode)
                if len(letters) != 1:
                    continue
                node = isolate(lnode, rnode)
                value = evaluate(node)
            except ExprError:
                continue
            if value > 0:
                found.append(Solved(letters.pop(), node, value, start, f"{left.strip()} = {right.strip()}"))
    return found
