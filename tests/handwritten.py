"""Hand-written problems shared by the environment, agent and evaluation tests.

The problems are data, in handwritten.yaml beside this file: GSM8K-style questions with
hand-written gold traces (not real GSM8K), in the order cookies, printer, jacket.
"""

from __future__ import annotations

from pathlib import Path

import yaml

PROBLEMS: list[dict] = yaml.safe_load(Path(__file__).with_name("handwritten.yaml").read_text(encoding="utf-8"))
COOKIES, PRINTER, JACKET = PROBLEMS

# The bakery of docs/trace-format.md ((48 - 30) * 5 = 90), with its gold trace, and a lucky program
# that reaches 90 without it (three times the 30 sold): paid on the answer alone, a wrong answer
# under the program check.
BAKERY = "A baker makes 48 muffins a day and sells 30 of them. How many muffins are left after 5 days?"
BAKERY_GOLD = ("expert: arithmetic\ntrace:\n- {op: init, var: made, value: 48}\n- {op: init, var: sold, value: 30}\n"
               "- {op: compute, compute_op: sub, args: [made, sold], var: left}\n- {op: init, var: days, value: 5}\n"
               "- {op: compute, compute_op: mul, args: [left, days], var: total}\n- {op: query, var: total}")
BAKERY_LUCKY = ("expert: arithmetic\ntrace:\n- {op: init, var: b, value: 30}\n"
                "- {op: compute, compute_op: add, args: [b, b, b], var: r}\n- {op: query, var: r}")
