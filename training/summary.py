"""End-of-run artefacts: OUTPUT_DIR/summary.json and the learning-curve PNG."""

from __future__ import annotations

import contextlib
import json
import platform
import time
from pathlib import Path
from typing import Any

TRAIN_KEYS = ("loss", "reward")  # and every reward function's rewards/<name>/mean


def quiet_progress() -> None:
    """No per-map and per-shard progress bars: the training log stays readable."""
    import datasets
    from transformers.utils import logging as hf_logging

    datasets.disable_progress_bars()
    hf_logging.disable_progress_bar()


def write_json(path: str | Path, data: dict[str, Any]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def read_json(path: str | Path) -> dict[str, Any] | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def machine() -> dict[str, Any]:
    import os

    import torch

    info: dict[str, Any] = {"platform": platform.platform(), "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads()}
    with contextlib.suppress(OSError):
        info["load_average"] = os.getloadavg()
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    info["date"] = time.strftime("%Y-%m-%d %H:%M:%S")
    return info


def _series(history: list[dict[str, Any]], key: str) -> tuple[list[int], list[float]]:
    points: dict[int, float] = {}
    for entry in history:
        if entry.get(key) is not None and "step" in entry:  # a reward function that scores nothing logs None
            points[int(entry["step"])] = float(entry[key])  # a resumed run re-logs a step: keep the last
    steps = sorted(points)
    return steps, [points[s] for s in steps]


def learning_curve(history: list[dict[str, Any]], path: str | Path, title: str) -> Path | None:
    """Training signal (loss or reward) and held-out accuracy per split against the step."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    heldout_keys = sorted({k for e in history for k in e if k.startswith("heldout/") and k.endswith("/accuracy")})
    rewards = sorted({k for e in history for k in e if k.startswith("rewards/") and k.endswith("/mean")})
    train_keys = [k for k in TRAIN_KEYS if any(k in e for e in history)] + rewards
    if not heldout_keys and not train_keys:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for key in train_keys:
        steps, values = _series(history, key)
        axes[0].plot(steps, values, label=key, marker="." if len(steps) < 30 else None)
    axes[0].set_xlabel("optimizer step")
    axes[0].set_title("training signal")
    if train_keys:
        axes[0].legend()
    for key in heldout_keys:
        steps, values = _series(history, key)
        axes[1].plot(steps, values, marker="o", label=key.split("/")[1])
    axes[1].set_ylim(-0.02, 1.02)
    axes[1].set_xlabel("optimizer step")
    axes[1].set_title("held-out accuracy (greedy)")
    if heldout_keys:
        axes[1].legend()
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def heldout_entry(step: int, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A log-history entry for a full held-out measurement (start or end of a stage)."""
    entry: dict[str, Any] = {"step": step}
    for name, r in results.items():
        entry[f"heldout/{name}/accuracy"] = r["accuracy"]
    return entry
