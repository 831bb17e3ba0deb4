"""Length-grouped batches in random order (SFT).

transformers' `LengthGroupedSampler` sorts each mega-batch (50 batches) by length and serves its
batches longest first, so training cycles every 50 steps from long problems (compositions, long
chains) to short ones, a non-IID order that a small model trained from scratch follows (see
BENCHMARKS.md, "SFT batch order"). This sampler keeps the grouping (little padding) but shuffles
the order of the batches.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch.utils.data import Sampler


class ShuffledLengthGroupedSampler(Sampler[int]):
    """Indices whose consecutive runs of `batch_size` have similar lengths, batches in random order."""

    def __init__(self, lengths: list[int], batch_size: int, seed: int = 0, mega_batches: int = 50) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.lengths, self.batch_size, self.seed = list(lengths), batch_size, seed
        self.mega = max(1, mega_batches) * batch_size
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.lengths)

    def batches(self) -> list[list[int]]:
        g = torch.Generator()
        g.manual_seed(self.seed * 100_003 + self.epoch)
        order = torch.randperm(len(self.lengths), generator=g).tolist()
        full: list[list[int]] = []
        partial: list[list[int]] = []
        for start in range(0, len(order), self.mega):
            chunk = sorted(order[start : start + self.mega], key=lambda i: self.lengths[i], reverse=True)
            for b in range(0, len(chunk), self.batch_size):
                batch = chunk[b : b + self.batch_size]
                (full if len(batch) == self.batch_size else partial).append(batch)
        shuffled = [full[i] for i in torch.randperm(len(full), generator=g).tolist()]
        return shuffled + partial  # a short batch only at the end keeps every batch aligned

    def __iter__(self) -> Iterator[int]:
        return iter([i for batch in self.batches() for i in batch])
