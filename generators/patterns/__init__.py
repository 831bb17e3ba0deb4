"""Pattern modules; importing this package registers every pattern in `PATTERNS`.

Each pattern's question wording lives in phrasings/*.json under the pattern's name (see `_phrasings`).
"""

from ..registry import PATTERNS
from . import (  # noqa: F401
    arithmetic,
    chains,
    comparison,
    composition,
    composition3,
    entity,
    grid,
    interleaved,
    pairings_a,
    pairings_b,
    percentage,
    rate,
    recombined,
)
from ._phrasings import WORDING_DIGEST, check_all_used

check_all_used(PATTERNS)

__all__ = ["WORDING_DIGEST"]
