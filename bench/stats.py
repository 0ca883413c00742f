"""Percentiles as the benchmark reports them (nearest rank: every figure is one that happened)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def p50_p95(values: Sequence[float]) -> dict[str, float | None]:
    return {"p50": _round(percentile(values, 0.50)), "p95": _round(percentile(values, 0.95))}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
