"""A value graph for one solution, and its rendering as trace steps.

Nodes are created in reading order (inits lazily, right before first use), so emitting the
nodes that the answer depends on, in creation order, yields the interleaved
`(init | compute)+ -> query` shape GSM8K needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from ..numbers import trace_value
from .naming import NameBook

PERCENT_OPS = ("percent_of", "percent_off", "percent_increase")


@dataclass
class GNode:
    gid: int
    value: Fraction
    kind: str  # "init" | "compute" | one of PERCENT_OPS
    op: str | None = None  # compute op
    args: tuple[int, ...] = ()  # compute args, or (base, rate) for percent ops
    base_name: str = ""  # init naming hint
    origin: tuple = ()  # ("quantity", index, relation) | ("constant",)


@dataclass
class Graph:
    nodes: list[GNode] = field(default_factory=list)

    def init(self, value: Fraction, base_name: str, origin: tuple) -> int:
        node = GNode(len(self.nodes), value, "init", base_name=base_name, origin=origin)
        self.nodes.append(node)
        return node.gid

    def compute(self, op: str, args: list[int]) -> int:
        vals = [self.nodes[a].value for a in args]
        if op == "add":
            value = sum(vals, Fraction(0))
        elif op == "mul":
            value = Fraction(1)
            for v in vals:
                value *= v
        elif op == "sub":
            value = vals[0] - vals[1]
        elif op == "div":
            value = vals[0] / vals[1]  # caller guarantees a non-zero divisor
        elif op == "floor":
            value = Fraction(math.floor(vals[0]))
        elif op == "ceil":
            value = Fraction(math.ceil(vals[0]))
        else:
            raise ValueError(f"unsupported op {op}")
        node = GNode(len(self.nodes), value, "compute", op=op, args=tuple(args))
        self.nodes.append(node)
        return node.gid

    def percent(self, kind: str, base: int, rate: int) -> int:
        b, r = self.nodes[base].value, self.nodes[rate].value
        value = {"percent_of": b * r / 100, "percent_off": b * (1 - r / 100), "percent_increase": b * (1 + r / 100)}[kind]
        node = GNode(len(self.nodes), value, kind, args=(base, rate))
        self.nodes.append(node)
        return node.gid

    def needed(self, answer: int) -> list[int]:
        """Node ids the answer depends on, in creation order."""
        keep: set[int] = set()
        stack = [answer]
        while stack:
            gid = stack.pop()
            if gid in keep:
                continue
            keep.add(gid)
            stack.extend(self.nodes[gid].args)
        return sorted(keep)


def render(graph: Graph, answer: int, expert: str) -> tuple[dict, dict[int, str]]:
    """Trace data (single-expert mapping) for the nodes the answer needs, and the names used."""
    names = NameBook()
    names.used.add("result")
    var: dict[int, str] = {}
    steps: list[dict] = []
    counter = 0
    order = graph.needed(answer)
    for gid in order:  # inits first claim their semantic names, in reading order
        node = graph.nodes[gid]
        if node.kind == "init":
            var[gid] = names.take(node.base_name)
    for gid in order:
        node = graph.nodes[gid]
        if node.kind != "init" and gid != answer:
            counter += 1
            var[gid] = f"step{counter}"  # NameBook never hands out step<N>, so no clash
    var[answer] = "result"
    for gid in order:
        node = graph.nodes[gid]
        if node.kind == "init":
            steps.append({"op": "init", "var": var[gid], "value": trace_value(node.value)})
        elif node.kind == "compute":
            steps.append({"op": "compute", "compute_op": node.op, "args": [var[a] for a in node.args], "var": var[gid]})
        else:
            base, rate = node.args
            steps.append({"op": node.kind, "base": var[base], "rate": var[rate], "var": var[gid]})
    steps.append({"op": "query", "var": "result"})
    return {"expert": expert, "trace": steps}, var
