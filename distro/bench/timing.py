"""Provides percentiles: every latency figure of `distro bench` is a p50 and a p95."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Percentiles:
    """Latency of many tries, in milliseconds."""

    p50_ms: float
    p95_ms: float
    count: int


def percentiles(seconds: list[float]) -> Percentiles:
    """p50 and p95 in milliseconds."""
    if not seconds:
        return Percentiles(0.0, 0.0, 0)
    if len(seconds) == 1:
        return Percentiles(1000 * seconds[0], 1000 * seconds[0], 1)
    cuts = statistics.quantiles(seconds, n=20, method="inclusive")
    return Percentiles(1000 * cuts[9], 1000 * cuts[18], len(seconds))
