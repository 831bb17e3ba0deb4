"""Bind the numbers of a solution's equations to grounded sources and compile them to a graph.

A number in an equation becomes, in this order of preference:
1. a reference to an earlier result with that value (results are variables, never re-typed);
2. an init of a question quantity that grounds it (`extract_quantities`), named from its context;
3. a named init of an implicit constant (`solver.CONSTANTS`);
4. optionally, a derivation from the values above (a step the solution did in its head, e.g.
   "together they pack 90 boxes an hour" = 40 + 50, "she and her 3 friends" = 3 + 1, or
   `x + 2x = 3x` = 1 + 2; the shapes are in `derive`); every derivation is noted.
Anything else is ungrounded and the equation is dropped; later uses of its result fail too.
Two readings keep the trace honest: a step on implicit constants alone that lands on a
counting constant is that constant (`1 + 1` is 2), and `a - a`, `a / a`, `a + a` with a single
result `a` read the second operand from the question (or a constant) when one has that value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from solver import format_number

from .derive import Operand, find_derivation, find_worded, folds_to, like_terms, unit_named
from .expr import BinOp, Neg, Node, Num, flatten
from .graph import Graph
from .naming import constant_name, part_name, quantity_name, unit_word
from .percent import percent_form


class BindError(Exception):
    """An equation cannot be turned into grounded steps; `reason` is a short histogram key."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class QuantityRef:
    """The slice of `solver.Quantity` the binder needs (keeps this module solver-agnostic)."""

    index: int
    text: str
    value: Fraction
    start: int
    end: int
    kind: str
    grounds: frozenset[Fraction]

    @classmethod
    def wrap(cls, index: int, q: Any) -> QuantityRef:
        return cls(index, q.text, Fraction(q.value), q.start, q.end, q.kind, frozenset(q.grounds))


class Binder:
    def __init__(
        self,
        question: str,
        solution: str,
        quantities: Sequence[QuantityRef],
        constants: Iterable[Fraction],
        *,
        percent_ops: bool = True,
        derive: bool = True,
    ):
        self.question = question
        self.solution = solution
        self.context = f"{question}\n{solution}"
        self.quantities = list(quantities)
        self.constants = frozenset(Fraction(c) for c in constants)
        self.percent_ops = percent_ops
        self.derive_missing = derive
        self.graph = Graph()
        self.results: list[tuple[Fraction, int]] = []  # (value as the solution states it, node)
        self.poisoned: set[Fraction] = set()
        self.q_inits: dict[tuple[int, Fraction], int] = {}
        self.c_inits: dict[Fraction, int] = {}
        self.notes: list[tuple[int, str]] = []  # (node, remark) for derivations and rounding
        self.line = ""  # the solution line of the equation being compiled (derivation evidence)
        self.before = ""  # the part of that line in front of the equation
        self.taken: set[int] = set()  # results already read by the equation being compiled

    # ---- sources -------------------------------------------------------------------------
    def _result(self, value: Fraction) -> int | None:
        """The latest result with this value, preferring one the current equation has not read
        yet (`1000 + 1000` after two different results of 1000 reads both)."""
        matches = [gid for stated, gid in reversed(self.results) if stated == value]
        fresh = [gid for gid in matches if gid not in self.taken]
        return (fresh or matches or [None])[0]

    def _quantity_init(self, index: int, value: Fraction) -> int:
        key = (index, value)
        if key not in self.q_inits:
            q = self.quantities[index]
            base = quantity_name(self.question, q.text, q.start, q.end, q.kind)
            relation = "value" if value == q.value else ("percent" if value * 100 == q.value else "part")
            if relation == "percent":
                base = base.removesuffix("_pct") + "_rate"
            elif relation == "part":
                base = part_name(base, q.text, value, q.value)
            self.q_inits[key] = self.graph.init(value, base, ("quantity", index, relation))
        return self.q_inits[key]

    def _find_quantity(self, value: Fraction) -> int | None:
        used = {i for i, _ in self.q_inits}
        # a plain number reads a plain quantity before a percent with the same points
        direct = [q.index for q in sorted(self.quantities, key=lambda q: q.kind == "percent") if q.value == value]
        grounded = [q.index for q in self.quantities if value in q.grounds and q.value != value]
        for tier in (direct, grounded):
            fresh = [i for i in tier if i not in used]
            if fresh or tier:
                return (fresh or tier)[0]
        return None

    def constant(self, value: Fraction) -> int:
        """The init of an implicit constant (created on first use)."""
        return self._constant_init(value)

    def _constant_init(self, value: Fraction) -> int:
        if value not in self.c_inits:
            self.c_inits[value] = self.graph.init(value, constant_name(value, self.context), ("constant",))
        return self.c_inits[value]

    def leaf(self, value: Fraction) -> int:
        gid = self._result(value)
        if gid is not None:
            self.taken.add(gid)
            return gid
        if value in self.poisoned:
            raise BindError("uses_failed_result", format_number(value))
        index = self._find_quantity(value)
        if index is not None:
            return self._quantity_init(index, value)
        if value in self.constants:
            return self._constant_init(value)
        if self.derive_missing:
            gid = self._derive(value)
            if gid is not None:
                return gid
        raise BindError("ungrounded_number", format_number(value))

    # ---- derivation of numbers the solution computed without writing the arithmetic ----
    def _operands(self) -> list[Operand]:
        out: list[Operand] = []
        seen: set[Fraction] = set()
        for k, (stated, gid) in enumerate(reversed(self.results)):
            if stated not in seen:
                seen.add(stated)
                out.append(Operand(stated, "result", gid, recent=k == 0))
        for q in self.quantities:
            if q.value not in seen:
                seen.add(q.value)
                out.append(Operand(q.value, "quantity", q.index, unit=unit_word(self.question, q.end),
                                   span=(q.start, q.end), quantity_kind=q.kind))
        out.extend(Operand(c, "constant", None) for c in sorted(self.constants) if c not in seen)
        return out

    def _materialize(self, o: Operand) -> int:
        if o.kind == "result":
            return o.ref
        if o.kind == "quantity":
            return self._quantity_init(o.ref, o.value)
        return self._constant_init(o.value)

    def _derive(self, target: Fraction) -> int | None:
        operands = self._operands()
        found = find_derivation(target, operands, self.line, self.before)
        why = ""
        if found is None:
            worded = find_worded(target, operands, self.question, self.line, self.solution)
            if worded is None:
                return self._like_terms(target)
            *found, why = worded
        op, a, b = found
        gid = self.graph.compute(op, [self._materialize(a), self._materialize(b)])
        self.results.append((target, gid))
        note = f"derived {format_number(target)} = {format_number(a.value)} {op} {format_number(b.value)}"
        self.notes.append((gid, f"{note} ({why})" if why else note))
        return gid

    def _like_terms(self, target: Fraction) -> int | None:
        """`x + 2x + 4x = 7x`: the sum of the coefficients the solution combines (a bare `x` is
        the constant 1), when every other coefficient is grounded and one comes from the question."""
        coefficients = like_terms(target, self.solution)
        if coefficients is None:
            return None
        mark = self._mark()
        try:
            args = [self._constant_init(c) if c == 1 else self.leaf(c) for c in coefficients]
        except BindError:
            args = []
        if all(self.graph.nodes[a].origin == ("constant",) for a in args):
            self._rollback(mark)
            return None
        gid = self.graph.compute("add", args)
        self.results.append((target, gid))
        terms = " + ".join(format_number(c) for c in coefficients)
        self.notes.append((gid, f"derived {format_number(target)} = {terms} (like terms the solution combines)"))
        return gid

    # ---- compiling expressions ----------------------------------------------------------
    def _compute_or_fold(self, op: str, args: list[int]) -> int:
        """A compute step; on implicit constants alone whose result is a counting constant
        (`1 + 1` for "x + x = 2x") it is that constant instead, since a step that combines
        constants only computes nothing from the question."""
        gid = self.graph.compute(op, args)
        value = self.graph.nodes[gid].value
        if all(self.graph.nodes[a].origin == ("constant",) for a in args) and folds_to(value, self.constants):
            del self.graph.nodes[gid:]
            return self._constant_init(value)
        return gid

    def _other_source(self, value: Fraction, gid: int) -> int:
        """The second operand of `a - a`, `a / a` or `a + a` written with one result in mind: the
        solution means another quantity of that value (`$10 / 10 figurines`), so a question quantity or
        a constant is read instead when one grounds it (the constant first when the line names its
        unit); otherwise the result stays."""
        if value in self.constants and unit_named(value, self.line):
            return self._constant_init(value)  # `60 / 60 = 1 hour`: minutes per hour
        index = self._find_quantity(value)
        if index is not None and self._quantity_init(index, value) != gid:
            return self._quantity_init(index, value)
        if value in self.constants:
            return self._constant_init(value)
        return gid

    def _pct(self, p: Fraction) -> int | None:
        for q in self.quantities:
            if q.kind == "percent" and q.value == p:
                return q.index
        return None

    def _is_fraction(self, value: Fraction) -> bool:
        """A non-whole quantity of the question, e.g. `2/3` or "a quarter"."""
        return value.denominator != 1 and any(q.value == value for q in self.quantities)

    def _plain(self, value: Fraction) -> bool:
        return self._find_quantity(value) is not None

    def compile(self, node: Node) -> int:
        if self.percent_ops:
            form = percent_form(node, self._pct, self._plain)
            if form is not None:
                kind, base_node, index, p = form
                base = self.compile(base_node)
                return self.graph.percent(kind, base, self._quantity_init(index, p))
        if isinstance(node, Num):
            return self.leaf(node.value)
        if isinstance(node, Neg):
            raise BindError("negative_literal")
        if node.op == "/" and isinstance(node.right, Num) and isinstance(node.left, BinOp) and node.left.op == "*":
            last = node.left.right  # `600*1/12` reads `600 * (1/12)` when 1/12 is in the question
            if isinstance(last, Num) and node.right.value and self._is_fraction(last.value / node.right.value):
                node = BinOp("*", node.left.left, BinOp("/", last, node.right))
                return self.compile(node)
        if node.op == "/" and isinstance(node.left, Num) and isinstance(node.right, Num) and node.right.value:
            frac = node.left.value / node.right.value  # `1/4` written for a fraction in the question
            if self._is_fraction(frac):
                return self.leaf(frac)
            if frac.denominator != 1 and self._result(frac) is not None:
                return self.leaf(frac)  # an earlier result re-typed as a fraction (`3/(1/3)`)
        if node.op == "+":
            operands = flatten(node, "+")
            plus = [x for x in operands if not isinstance(x, Neg)]
            minus = [x.operand for x in operands if isinstance(x, Neg)]
            if not plus:
                raise BindError("negative_literal")
            args = [self.compile(x) for x in plus]
            for k in range(1, len(args)):  # `60 + 60` after one result of 60: the other is the question's
                if args[k] in args[:k] and isinstance(plus[k], Num) and self.graph.nodes[args[k]].kind != "init":
                    args[k] = self._other_source(plus[k].value, args[k])
            gid = args[0] if len(args) == 1 else self._compute_or_fold("add", args)
            for x in minus:  # `52+-4`, `(-9)+30`: a sum with negative terms is a subtraction
                gid = self.graph.compute("sub", [gid, self.compile(x)])
            return gid
        if node.op == "*":
            return self._compute_or_fold("mul", [self.compile(x) for x in flatten(node, "*")])
        left = self.compile(node.left)
        right = self.compile(node.right)
        if right == left and isinstance(node.right, Num):
            right = self._other_source(node.right.value, right)
        if node.op == "/" and self.graph.nodes[right].value == 0:
            raise BindError("division_by_zero")
        return self.graph.compute("sub" if node.op == "-" else "div", [left, right])

    def add_equation(self, node: Node, stated: Fraction, label: str) -> int:
        gid = self.compile(node)
        if self.graph.nodes[gid].origin == ("constant",) and isinstance(node, BinOp):
            self.results.append((stated, gid))  # `1 * 2 = 2` folded to the counting constant
            return gid
        if self.graph.nodes[gid].kind == "init":
            raise BindError("no_computation", label)  # e.g. `1/2` that is just the question's "half"
        value = self.graph.nodes[gid].value
        if value != stated:
            if stated.denominator == 1 and stated == math.floor(value):
                gid = self.graph.compute("floor", [gid])
                self.notes.append((gid, f"floor: {label}"))
            elif stated.denominator == 1 and stated == math.ceil(value):
                gid = self.graph.compute("ceil", [gid])
                self.notes.append((gid, f"ceil: {label}"))
            elif abs(value - stated) <= abs(stated) / 200:
                self.notes.append((gid, f"approximate: {label} = {float(value):g}"))
            else:
                raise BindError("annotation_mismatch", f"{label} is {format_number(value)}")
        self.results.append((stated, gid))
        return gid

    def try_equation(
        self, node: Node, stated: Fraction, label: str, line: str = "", before: str = ""
    ) -> BindError | None:
        """Add an equation; on failure forget its half-built nodes and poison its result."""
        self.line, self.before = line, before
        self.taken = set()
        mark = self._mark()
        try:
            self.add_equation(node, stated, label)
            return None
        except BindError as err:
            self._rollback(mark)
            self.poison(stated)
            return err

    def _mark(self) -> tuple[int, int, int]:
        return len(self.graph.nodes), len(self.results), len(self.notes)

    def _rollback(self, mark: tuple[int, int, int]) -> None:
        """Forget the nodes, results and notes made since `mark` (a half-built equation)."""
        nodes, results, notes = mark
        del self.graph.nodes[nodes:]
        del self.results[results:]
        del self.notes[notes:]
        self.q_inits = {k: v for k, v in self.q_inits.items() if v < nodes}
        self.c_inits = {k: v for k, v in self.c_inits.items() if v < nodes}

    def poison(self, value: Fraction) -> None:
        if self._result(value) is None:
            self.poisoned.add(value)
