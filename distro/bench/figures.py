"""Provides the figures `distro bench` reports, their goals, and the checks of one against the
other. The goals are the ones the issues asking for these figures set."""

from __future__ import annotations

import math
import os
import platform
from dataclasses import dataclass
from typing import Any

from distro.bench.access import EDIT_RATIO_GOAL, SIGN_IN_GOAL_MS, AccessFigures
from distro.bench.handouts import (
    CONFIRM_P95_GOAL_MS,
    COUNTER_SCAN_P95_GOAL_MS,
    SLIP_P95_GOAL_MS,
    HandoutFigures,
)
from distro.bench.stock import ISSUE_P95_GOAL_MS, ISSUE_RATIO_GOAL, LEVELS_GOAL_MS, StockFigures
from distro.bench.timing import Percentiles

STARTUP_RATIO_GOAL = 1.3
MEMORY_RATIO_GOAL = 1.3
SEARCH_P95_GOAL_MS = 30.0
SEARCH_GROWTH_GOAL = 2.0
SCAN_P95_GOAL_MS = 50.0
MEMORY_GROWTH_GOAL = 1.10


@dataclass(frozen=True)
class SearchFigures:
    """One kind of query, measured three ways."""

    service: Percentiles
    """search_families alone, with its session, as the search worker runs it."""
    shown: Percentiles
    """Key posted to the app until the results are in the table: the figure with the goal."""
    painted: Percentiles
    """Key posted until the first frame showing them. Adds Textual's frame pacing (at most
    60 frames a second, and the typed letter was just painted) and the frame's rendering."""


@dataclass(frozen=True)
class Startup:
    """Spawn to first painted frame, medians of cold processes."""

    bare_ms: float
    distro_ms: float
    ratio: float
    bare_runs_ms: list[float]
    distro_runs_ms: list[float]
    """Every counted start, to see how noisy the machine was."""


@dataclass(frozen=True)
class Memory:
    """Peak resident memory, medians of cold processes, in MiB."""

    bare_mb: float
    first_frame_mb: float
    after_work_mb: float
    """After signing in, about 20 searches and two scans."""
    first_frame_ratio: float
    after_work_ratio: float


@dataclass(frozen=True)
class Check:
    """One figure against its goal (every goal is an upper bound)."""

    figure: str
    value: float
    goal: float
    unit: str
    passed: bool


@dataclass(frozen=True)
class SizeReport:
    """Every figure for one registry size."""

    families: int
    build_s: float
    startup: Startup
    memory: Memory
    search_names: SearchFigures
    search_phones: SearchFigures
    scan: Percentiles
    checks: list[Check]
    access: AccessFigures | None = None
    """Absent from reports saved before sign-in existed."""
    stock: StockFigures | None = None
    """Absent from reports saved before the stock ledger existed."""
    handouts: HandoutFigures | None = None
    """Absent from reports saved before the counter existed."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SizeReport:
        """A report read back from `--json` output, to compare sizes measured apart."""

        def search(part: dict[str, Any]) -> SearchFigures:
            return SearchFigures(**{name: Percentiles(**part[name]) for name in part})

        return cls(
            families=data["families"],
            build_s=data["build_s"],
            startup=Startup(**data["startup"]),
            memory=Memory(**data["memory"]),
            search_names=search(data["search_names"]),
            search_phones=search(data["search_phones"]),
            scan=Percentiles(**data["scan"]),
            checks=[Check(**check) for check in data["checks"]],
            access=AccessFigures(**data["access"]) if data.get("access") else None,
            stock=StockFigures(**data["stock"]) if data.get("stock") else None,
            handouts=HandoutFigures(**data["handouts"]) if data.get("handouts") else None,
        )


def size_checks(
    startup: Startup,
    memory: Memory,
    names: SearchFigures,
    phones: SearchFigures,
    scan: Percentiles,
) -> list[Check]:
    """The goals that one size must meet on its own."""
    return [
        check("startup to first frame, x bare app", startup.ratio, STARTUP_RATIO_GOAL, "x"),
        check("search 1-3 letters, p95 key to table", names.shown.p95_ms, SEARCH_P95_GOAL_MS, "ms"),
        check(
            "search phone digits, p95 key to table", phones.shown.p95_ms, SEARCH_P95_GOAL_MS, "ms"
        ),
        check("scan to family screen, p95", scan.p95_ms, SCAN_P95_GOAL_MS, "ms"),
        check(
            "peak memory at first frame, x bare", memory.first_frame_ratio, MEMORY_RATIO_GOAL, "x"
        ),
        check("peak memory after work, x bare", memory.after_work_ratio, MEMORY_RATIO_GOAL, "x"),
    ]


def access_checks(access: AccessFigures) -> list[Check]:
    """The goals for what access control costs."""
    return [
        check("family edit with audit + role, x without", access.edit_ratio, EDIT_RATIO_GOAL, "x"),
        check("sign-in with the slow PIN hash", access.sign_in_ms, SIGN_IN_GOAL_MS, "ms"),
    ]


def stock_checks(stock: StockFigures) -> list[Check]:
    """The goals for the stock ledger."""
    return [
        check("stock levels view ready, p95", stock.levels_p95_ms, LEVELS_GOAL_MS, "ms"),
        check("stock issue committed, p95", stock.issue_p95_ms, ISSUE_P95_GOAL_MS, "ms"),
        check("stock issue p95, x bare insert p95", stock.issue_ratio, ISSUE_RATIO_GOAL, "x"),
    ]


def handout_checks(handouts: HandoutFigures) -> list[Check]:
    """The goals for the counter, on a long distribution history."""
    return [
        check(
            "counter scan to entitlement, p95", handouts.scan_p95_ms, COUNTER_SCAN_P95_GOAL_MS, "ms"
        ),
        check(
            "handout confirm to committed, p95", handouts.confirm_p95_ms, CONFIRM_P95_GOAL_MS, "ms"
        ),
        check("slip PDF rendered, p95", handouts.slip_p95_ms, SLIP_P95_GOAL_MS, "ms"),
    ]


def compare_sizes(small: SizeReport, large: SizeReport) -> list[Check]:
    """The goals that compare the largest registry with the smallest."""
    return [
        check(
            "search 1-3 letters p95, x smaller",
            growth(large.search_names.shown.p95_ms, small.search_names.shown.p95_ms),
            SEARCH_GROWTH_GOAL,
            "x",
        ),
        check(
            "search phone digits p95, x smaller",
            growth(large.search_phones.shown.p95_ms, small.search_phones.shown.p95_ms),
            SEARCH_GROWTH_GOAL,
            "x",
        ),
        check(
            "peak memory at first frame, x smaller",
            growth(large.memory.first_frame_mb, small.memory.first_frame_mb),
            MEMORY_GROWTH_GOAL,
            "x",
        ),
        check(
            "peak memory after work, x smaller",
            growth(large.memory.after_work_mb, small.memory.after_work_mb),
            MEMORY_GROWTH_GOAL,
            "x",
        ),
    ]


def growth(large: float, small: float) -> float:
    """How many times `small` the `large` figure is (infinite when there is nothing to compare)."""
    return large / small if small > 0 else math.inf


def check(figure: str, value: float, goal: float, unit: str) -> Check:
    """`value` against the upper bound `goal`."""
    return Check(figure, round(value, 3), goal, unit, value <= goal)


def goals() -> dict[str, float]:
    """Every goal, for the JSON object."""
    return {
        "startup_ratio": STARTUP_RATIO_GOAL,
        "memory_ratio": MEMORY_RATIO_GOAL,
        "search_p95_ms": SEARCH_P95_GOAL_MS,
        "search_growth": SEARCH_GROWTH_GOAL,
        "scan_p95_ms": SCAN_P95_GOAL_MS,
        "memory_growth": MEMORY_GROWTH_GOAL,
        "edit_ratio": EDIT_RATIO_GOAL,
        "sign_in_ms": SIGN_IN_GOAL_MS,
        "stock_levels_ms": LEVELS_GOAL_MS,
        "stock_issue_p95_ms": ISSUE_P95_GOAL_MS,
        "stock_issue_ratio": ISSUE_RATIO_GOAL,
        "counter_scan_p95_ms": COUNTER_SCAN_P95_GOAL_MS,
        "handout_confirm_p95_ms": CONFIRM_P95_GOAL_MS,
        "slip_pdf_p95_ms": SLIP_P95_GOAL_MS,
    }


def machine() -> dict[str, str]:
    """What the figures were measured on; they mean little without it."""
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "textual": version("textual"),
        "sqlalchemy": version("sqlalchemy"),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        "load_average": " ".join(f"{load:.2f}" for load in _load_average()),
    }


def _load_average() -> tuple[float, ...]:
    """1, 5 and 15 minute load: other work on the machine shows in every latency figure."""
    try:
        return os.getloadavg()
    except (AttributeError, OSError):
        return ()
