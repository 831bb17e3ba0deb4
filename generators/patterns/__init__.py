"""Pattern modules; importing this package registers every pattern in `PATTERNS`."""

from . import (  # noqa: F401
    arithmetic,
    chains,
    comparison,
    composition,
    composition3,
    entity,
    interleaved,
    percentage,
    rate,
)
