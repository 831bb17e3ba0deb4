"""Pull the worked arithmetic out of a GSM8K solution, in reading order.

Calculator annotations (`<<48/2=24>>`) are the main source. Arithmetic written in the text
without an annotation (`500/2=250`, `45(2) = 90`) fills gaps; a text equation is kept only
when its expression really evaluates to the number written after `=`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .expr import ExprError, Node, evaluate, has_operator, parse

ANNOTATION = re.compile(r"<<([^<>]*?)=([^<>]*?)>>")
_NUMBER = re.compile(r"^\s*\$?\s*(-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+))\s*$")
# a run of arithmetic characters that contains at least one `=`
_MATH_RUN = re.compile(r"[0-9.,$%()+\-*/x×X÷−–= ]*=[0-9.,$%()+\-*/x×X÷−–= ]*")


@dataclass(frozen=True)
class Equation:
    node: Node  # the expression as parsed
    value: Fraction  # its exact value
    stated: Fraction  # the result the solution writes after `=`
    start: int  # position in the solution (for ordering)
    source: str  # "annotation" | "text"
    text: str  # the expression as written


def parse_number_text(text: str) -> Fraction | None:
    m = _NUMBER.match(text)
    if not m:
        return None
    try:
        return Fraction(m.group(1).replace(",", ""))
    except (ValueError, ZeroDivisionError):
        return None


def _build(expr_text: str, stated: Fraction, start: int, source: str, percent_points: bool = False) -> Equation | None:
    try:
        node = parse(expr_text, percent_points=percent_points)
        value = evaluate(node)
    except ExprError:
        return None
    if not has_operator(node):
        return None
    return Equation(node, value, stated, start, source, " ".join(expr_text.split()))


def _close(value: Fraction, stated: Fraction) -> bool:
    """Exact, or the stated number is the value cut to the digits the solution wrote."""
    if value == stated:
        return True
    digits = 0
    while (stated * 10**digits).denominator != 1 and digits < 6:
        digits += 1
    return abs(value - stated) < Fraction(1, 10**digits)  # rounded or truncated (`66.666...`)


def annotation_equations(solution: str) -> list[Equation]:
    found = []
    for m in ANNOTATION.finditer(solution):
        stated = parse_number_text(m.group(2))
        if stated is None:
            continue
        eq = _build(m.group(1), stated, m.start(), "annotation")
        if eq is not None:
            found.append(eq)
    return found


def _masked(solution: str) -> str:
    """Annotations with an operator become opaque; degenerate ones (`<<6=6>>`) become blanks so the
    text arithmetic in front of them (`2.5 / .5 = <<5=5>>5`) still reads as an equation."""

    def repl(m: re.Match[str]) -> str:
        expr_text = m.group(1)
        try:
            degenerate = not has_operator(parse(expr_text))
        except ExprError:
            degenerate = False
        return " " * len(m.group(0)) if degenerate else "\x00" * len(m.group(0))

    return ANNOTATION.sub(repl, solution)


def _starts(segment: str) -> list[int]:
    """Positions where an expression may begin (a number, `(` or `$` not inside another number)."""
    out = []
    for i, ch in enumerate(segment):
        begins = ch in "0123456789($" or (ch == "." and segment[i + 1 : i + 2].isdigit())
        if begins and (i == 0 or segment[i - 1] not in "0123456789.,$"):
            out.append(i)
    return out


MAX_SEGMENT = 160
_RESULT = re.compile(r"\s*\$?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:\s*/\s*(\d+)(?![\d.]))?(?:\.\.\.)?(\s*%)?")


def _math_view(masked: str) -> str:
    """Unit words between numbers vanish (`3 pounds * $4/pound` -> `3 * $4`); positions are kept."""
    view = re.sub(r"/(?=\s*[A-Za-z]{2,})", " ", masked)  # rate slashes before a unit word
    view = re.sub(r"[A-Za-z]{2,}(?:'[a-z]+)?", lambda m: " " * len(m.group(0)), view)
    return re.sub(r"(?<![A-Za-z])[A-WYZa-wyz](?![A-Za-z])", " ", view)  # stray letters, not `x`


def text_equations(solution: str) -> list[Equation]:
    """`EXPR = NUMBER` written in prose; `20% + 10% = 30%` reads percents as points."""
    view = _math_view(_masked(solution))
    found = []
    for run in _MATH_RUN.finditer(view):
        parts = run.group(0).split("=")
        tail = _RESULT.match(parts[-1])
        if not tail or re.match(r"\s*[-+*/x×÷(]\s*[\d($.]", parts[-1][tail.end():]):
            continue  # the right-hand side is itself an expression: not a result
        stated = Fraction(tail.group(1).replace(",", ""))
        if tail.group(2):
            if int(tail.group(2)) == 0:
                continue
            stated /= int(tail.group(2))  # `= 1/3`
        points = bool(tail.group(3))
        offset = run.start()
        for part in parts[:-1]:
            start = offset
            offset += len(part) + 1
            if len(part) > MAX_SEGMENT:  # an expression sits right before its `=`
                start += len(part) - MAX_SEGMENT
                part = part[-MAX_SEGMENT:]
            eq = None
            for cut in _starts(part):
                eq = _build(part[cut:].rstrip(" /*x×+-,."), stated, start + cut, "text", points)
                if eq is not None and _close(eq.value, stated):
                    break
                eq = None
            if eq is not None:
                found.append(eq)
                break
    return found


def extract_equations(solution: str) -> list[Equation]:
    """All usable equations, annotations first where a text equation repeats one, by position."""
    body = solution.split("####")[0]
    eqs = annotation_equations(body)
    seen = {(eq.start, eq.stated) for eq in eqs}
    for eq in text_equations(body):
        if (eq.start, eq.stated) not in seen:
            eqs.append(eq)
    return sorted(eqs, key=lambda e: e.start)
