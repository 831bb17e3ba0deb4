"""Percent arithmetic on a `p%` quantity, recognised so it becomes a percent step.

`A * p/100`, `p/100 * A`, `A * 0.2` (with "20%"), `A * p * .01`, `A * (100 - p)/100`,
`(1 - p/100) * A`, `A * 1.2` (with "20% more"), `120/100 * A` ... become percent_of,
percent_off or percent_increase with base `A` and rate `p`. Only a rate that is a percent
quantity of the question qualifies, so the step reads the question's own number.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from .expr import BinOp, Node, Num, flatten, product

HUNDRED = Fraction(100)
Found = tuple[str, int, Fraction]  # (percent op, quantity index, p)


def _num(node: Node, value: Fraction | None = None) -> bool:
    return isinstance(node, Num) and (value is None or node.value == value)


def _over_hundred(node: Node) -> Node | None:
    """`X/100` -> X."""
    if isinstance(node, BinOp) and node.op == "/" and _num(node.right, HUNDRED):
        return node.left
    return None


def rate_of(factor: Node, pct: Callable[[Fraction], int | None], plain: Callable[[Fraction], bool]) -> Found | None:
    """The percent op when `factor` multiplies a base by a percent of a `p%` quantity.

    `pct(p)` gives the index of the question's `p%` quantity (or None); `plain(v)` says
    whether `v` is already a non-percent number of the question (then `1.5` stays a number).
    """

    def as_rate(node: Node) -> Fraction | None:  # p/100 written as `0.2`, `20/100` or `20%`
        inner = _over_hundred(node)
        if inner is not None and isinstance(inner, Num) and pct(inner.value) is not None:
            return inner.value
        if isinstance(node, Num) and pct(node.value * 100) is not None:
            return node.value * 100
        return None

    p = as_rate(factor)
    if p is not None:
        return "percent_of", pct(p), p
    inner = _over_hundred(factor)
    if isinstance(inner, BinOp) and inner.op in "+-" and _num(inner.left, HUNDRED) and isinstance(inner.right, Num):
        index = pct(inner.right.value)  # (100 - p)/100, (100 + p)/100
        if index is not None:
            return ("percent_off" if inner.op == "-" else "percent_increase"), index, inner.right.value
    if isinstance(inner, Num):  # 120/100 with "20% more", 75/100 with "25% off"
        for kind, p in (("percent_increase", inner.value - 100), ("percent_off", 100 - inner.value)):
            if p > 0 and pct(p) is not None:
                return kind, pct(p), p
    if isinstance(factor, BinOp) and factor.op in "+-" and _num(factor.left, Fraction(1)):
        p = as_rate(factor.right)  # 1 - 0.2, 1 + 20/100
        if p is not None:
            return ("percent_off" if factor.op == "-" else "percent_increase"), pct(p), p
    if isinstance(factor, Num) and factor.value != 1 and not plain(factor.value):
        for kind, p in (("percent_increase", (factor.value - 1) * 100), ("percent_off", (1 - factor.value) * 100)):
            if p > 0 and pct(p) is not None:
                return kind, pct(p), p  # 1.2 with "20% more", 0.75 with "25% off"
    return None


def percent_form(
    node: Node, pct: Callable[[Fraction], int | None], plain: Callable[[Fraction], bool]
) -> tuple[str, Node, int, Fraction] | None:
    """(percent op, base expression, quantity index, p) for a percent product, else None."""
    if not isinstance(node, BinOp):
        return None
    if node.op == "*":
        ops = flatten(node, "*")
        cents = [i for i, o in enumerate(ops) if _num(o, Fraction(1, 100))]
        for i, o in enumerate(ops):  # A * p * .01
            if cents and i != cents[0] and isinstance(o, Num) and pct(o.value) is not None:
                rest = [x for k, x in enumerate(ops) if k not in (i, cents[0])]
                if rest:
                    return "percent_of", product(rest), pct(o.value), o.value
        for i, o in enumerate(ops):
            found = rate_of(o, pct, plain)
            rest = ops[:i] + ops[i + 1 :]
            if found is not None and rest:
                return found[0], product(rest), found[1], found[2]
    elif node.op == "/" and _num(node.right, HUNDRED):
        ops = flatten(node.left, "*")  # p * A / 100
        for i, o in enumerate(ops):
            found = rate_of(BinOp("/", o, node.right), pct, plain)
            rest = ops[:i] + ops[i + 1 :]
            if found is not None and rest:
                return found[0], product(rest), found[1], found[2]
    return None
