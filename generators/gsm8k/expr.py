"""Exact arithmetic expressions as GSM8K solutions write them.

Parses calculator annotations (`48/2+3`), text arithmetic (`$4.50 x 3`, `250(.40)`, `20%`) and,
for algebra, linear expressions in one-letter unknowns (`3x + 5`, lower-cased). Values are exact
Fractions; nothing here rounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from solver import format_number

MAX_EXPR_CHARS = 400  # bounds parser work on junk input
MAX_DEPTH = 40  # parenthesis nesting (the parser recurses per level)
MAX_MAGNITUDE = Fraction(10) ** 15


class ExprError(ValueError):
    """The text is not an arithmetic expression we can read exactly."""


@dataclass(frozen=True)
class Num:
    value: Fraction  # percent literals already divided by 100
    text: str  # the literal as written, without `$`, `%` or thousands commas


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class BinOp:
    op: str  # one of + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg:
    operand: Node


Node = Num | Var | BinOp | Neg

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<op>[-+*/()%]|[x×X÷−–]|\^)|(?P<var>[A-Za-z])|(?P<dollar>\$))"
)
_OPS = {"x": "*", "X": "*", "×": "*", "÷": "/", "−": "-", "–": "-"}


def tokenize(text: str, *, unknowns: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Tokens as (kind, text); `x` means times unless it is one of the algebra `unknowns`."""
    if len(text) > MAX_EXPR_CHARS:
        raise ExprError("expression too long")
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth > MAX_DEPTH:
            raise ExprError("parentheses nested too deep")
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"unexpected character {text[pos:pos + 1]!r}")
        pos = m.end()
        if m.group("num"):
            tokens.append(("num", m.group("num").replace(",", "")))
        elif m.group("dollar"):
            continue  # currency sign carries no arithmetic
        elif m.group("op"):
            op = m.group("op")
            if op in "xX" and op.lower() in unknowns:
                tokens.append(("var", op.lower()))
            else:
                tokens.append(("op", _OPS.get(op, op)))
        else:
            if m.group("var").lower() not in unknowns:
                raise ExprError(f"unexpected letter {m.group('var')!r}")
            tokens.append(("var", m.group("var").lower()))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], percent_points: bool = False):
        self.tokens = tokens
        self.i = 0
        self.percent_points = percent_points  # `20%` reads as 20 (the result is a percent too)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) and tok in (("op", "+"), ("op", "-")):
            self.take()
            node = BinOp(tok[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while tok := self.peek():
            if tok in (("op", "*"), ("op", "/")):
                self.take()
                node = BinOp(tok[1], node, self.factor())
            elif tok[0] in ("num", "var") or tok == ("op", "("):
                node = BinOp("*", node, self.factor())  # implicit product: 3(4), 2x, x(5)
            else:
                break
        return node

    def factor(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise ExprError("expression ends early")
        if tok == ("op", "-"):
            self.take()
            return Neg(self.factor())
        if tok == ("op", "+"):
            self.take()
            return self.factor()
        if tok == ("op", "("):
            self.take()
            node = self.expr()
            if self.peek() != ("op", ")"):
                raise ExprError("unbalanced parenthesis")
            self.take()
            return self._postfix(node)
        if tok[0] == "num":
            self.take()
            return self._postfix(Num(Fraction(tok[1]), _canonical_literal(tok[1])))
        if tok[0] == "var":
            self.take()
            return Var(tok[1])
        raise ExprError(f"unexpected {tok[1]!r}")

    def _postfix(self, node: Node) -> Node:
        if self.peek() == ("op", "%"):
            self.take()
            if self.percent_points:
                return node
            if isinstance(node, Num):
                return Num(node.value / 100, _canonical_literal(format_number(node.value / 100)))
            return BinOp("/", node, Num(Fraction(100), "100"))
        return node


def _canonical_literal(text: str) -> str:
    """`.5` -> `0.5`, `270.00` -> `270`, `4.50` -> `4.5`; keeps exact decimals exact."""
    if text.startswith("."):
        text = "0" + text
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def parse(text: str, *, unknowns: frozenset[str] = frozenset(), percent_points: bool = False) -> Node:
    tokens = tokenize(text, unknowns=unknowns)
    if not tokens:
        raise ExprError("empty expression")
    parser = _Parser(tokens, percent_points)
    node = parser.expr()
    if parser.i != len(tokens):
        raise ExprError(f"trailing {tokens[parser.i][1]!r}")
    return node


def evaluate(node: Node, env: dict[str, Fraction] | None = None) -> Fraction:
    """Exact value; raises ExprError on division by zero, unknowns or runaway magnitudes."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Var):
        if env is None or node.name not in env:
            raise ExprError(f"unknown {node.name!r}")
        return env[node.name]
    if isinstance(node, Neg):
        return -evaluate(node.operand, env)
    left, right = evaluate(node.left, env), evaluate(node.right, env)
    if node.op == "+":
        value = left + right
    elif node.op == "-":
        value = left - right
    elif node.op == "*":
        value = left * right
    else:
        if right == 0:
            raise ExprError("division by zero")
        value = left / right
    if abs(value) > MAX_MAGNITUDE:
        raise ExprError("value too large")
    return value


def has_operator(node: Node) -> bool:
    return isinstance(node, BinOp | Neg)


def leaves(node: Node) -> list[Num | Var]:
    if isinstance(node, Num | Var):
        return [node]
    if isinstance(node, Neg):
        return leaves(node.operand)
    return leaves(node.left) + leaves(node.right)


def flatten(node: Node, op: str) -> list[Node]:
    """Operands of a chain of one associative op: `a+b+c` -> [a, b, c]."""
    if isinstance(node, BinOp) and node.op == op:
        return flatten(node.left, op) + flatten(node.right, op)
    return [node]


def product(nodes: list[Node]) -> Node:
    out = nodes[0]
    for node in nodes[1:]:
        out = BinOp("*", out, node)
    return out
