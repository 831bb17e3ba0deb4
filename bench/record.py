"""What a training-throughput benchmark records beside its numbers, and how it hands them back.

A figure from a shared machine means little without the machine's state, so every result ends
with the torch thread count, the load average and the date. The result is printed as JSON and,
when an output path is given, written there too.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


def machine_state() -> dict:
    """torch threads, load average and date (minutes), taken now."""
    import torch

    return {"torch_threads": torch.get_num_threads(), "load_average": os.getloadavg(),
            "date": time.strftime("%Y-%m-%d %H:%M")}


def report(result: dict, out: str | None) -> dict:
    """Print `result` as indented JSON, write it to `out` when given, and return it."""
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        Path(out).write_text(text + "\n")
    return result
