"""Hand-written problems shared by the environment, agent and evaluation tests.

The problems are data, in handwritten.yaml beside this file: GSM8K-style questions with
hand-written gold traces (not real GSM8K), in the order cookies, printer, jacket.
"""

from __future__ import annotations

from pathlib import Path

import yaml

PROBLEMS: list[dict] = yaml.safe_load(Path(__file__).with_name("handwritten.yaml").read_text(encoding="utf-8"))
COOKIES, PRINTER, JACKET = PROBLEMS
