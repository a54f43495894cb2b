"""Provides the benchmark's stock figures: the stock levels view over a large ledger (written
by distro.bench.ledger, not timed), and what an issue costs committed, next to the cheapest
durable write SQLite can do on the same file.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass

from sqlalchemy import Engine

from distro.bench.ledger import BENCH_ACTOR, LOTS_PER_ITEM, MOVEMENTS_PER_LOT, build_ledger

ITEMS = 2_000
"""With 25 lots of 10 movements each: the issue's 50,000 lots and 500,000 movements."""
FAMILIES_PER_ITEM = 10
"""The ledger grows with the registry: the issue's 2,000 items from 20,000 families (the
bench's default size) up, proportionally fewer below, and never fewer than `MIN_ITEMS`."""
MIN_ITEMS = 10
LEVELS_GOAL_MS = 100.0
ISSUE_P95_GOAL_MS = 10.0
ISSUE_RATIO_GOAL = 5.0
LEVEL_RUNS = 20
ISSUES = 200
"""Issues, and as many bare inserts between them. At most 20 per item even at `MIN_ITEMS`,
fewer than the units the newest lot of every item holds, so none is refused."""
BARE_TABLE = "bench_bare_insert"


@dataclass(frozen=True)
class StockFigures:
    """The stock ledger measured, in milliseconds; each issue a whole unit of work."""

    items: int
    lots: int
    movements: int
    build_s: float
    """Writing the ledger; not a goal."""
    levels_p50_ms: float
    levels_p95_ms: float
    """stock_levels for every item in a fresh session, warm cache: the figure with the goal."""
    issue_p50_ms: float
    issue_p95_ms: float
    """issue_stock of one unit, first expiry first, in its own unit of work up to the commit."""
    bare_insert_p50_ms: float
    bare_insert_p95_ms: float
    """One row inserted in its own transaction through the bare sqlite3 connection (same file,
    same pragmas): what any durable commit costs on this disk."""
    issue_ratio: float
    """issue p95 / bare insert p95."""


def ledger_items(families: int) -> int:
    """Items in the ledger benchmarked next to a registry of `families`."""
    return max(MIN_ITEMS, min(ITEMS, families // FAMILIES_PER_ITEM))


def measure_stock(engine: Engine, items: int, seed: int) -> StockFigures:
    """Write a ledger of `items` items, then time the levels view, issues and bare inserts."""
    from distro.domain.core.clock import utc_now

    start = time.perf_counter()
    item_ids = build_ledger(engine, items, seed, utc_now())
    build_s = time.perf_counter() - start
    levels = [_levels(engine) for _ in range(LEVEL_RUNS + 1)][1:]
    _create_bare_table(engine)
    rng = random.Random(seed)
    issued = [item_ids[index % len(item_ids)] for index in range(ISSUES)]
    rng.shuffle(issued)
    issues: list[float] = []
    bare: list[float] = []
    for index, item_id in enumerate(issued):  # interleaved: neither gets the quieter moments
        if index % 2:
            bare.append(_bare_insert(engine))
        issues.append(_issue(engine, item_id))
        if not index % 2:
            bare.append(_bare_insert(engine))
    levels_ms, issue_ms, bare_ms = _cuts(levels), _cuts(issues), _cuts(bare)
    return StockFigures(
        items=items,
        lots=items * LOTS_PER_ITEM,
        movements=items * LOTS_PER_ITEM * MOVEMENTS_PER_LOT,
        build_s=build_s,
        levels_p50_ms=levels_ms[0],
        levels_p95_ms=levels_ms[1],
        issue_p50_ms=issue_ms[0],
        issue_p95_ms=issue_ms[1],
        bare_insert_p50_ms=bare_ms[0],
        bare_insert_p95_ms=bare_ms[1],
        issue_ratio=issue_ms[1] / bare_ms[1],
    )


def _levels(engine: Engine) -> float:
    from distro.domain.core.clock import utc_now
    from distro.domain.core.db import reading
    from distro.domain.core.zone import counter_today
    from distro.domain.stock.levels import stock_levels

    start = time.perf_counter()
    with reading(engine) as session:
        stock_levels(session, today=counter_today(session, utc_now()))
    return time.perf_counter() - start


def _issue(engine: Engine, item_id: int) -> float:
    from distro.domain.core.access import Actor, Role
    from distro.domain.core.clock import utc_now
    from distro.domain.core.db import unit_of_work
    from distro.domain.stock.ledger import issue_stock

    actor = Actor(name=BENCH_ACTOR, role=Role.COORDINATOR)
    start = time.perf_counter()
    with unit_of_work(engine) as session:
        issue_stock(session, item_id, 1, "Bench: partner shelter", actor=actor, now=utc_now())
    return time.perf_counter() - start


def _create_bare_table(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} (id INTEGER PRIMARY KEY, note TEXT NOT NULL)"
        )


def _bare_insert(engine: Engine) -> float:
    """One row in its own write transaction, as unit_of_work begins it, on sqlite3 alone."""
    start = time.perf_counter()
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(f"INSERT INTO {BARE_TABLE} (note) VALUES (?)", ("bench",))
        cursor.execute("COMMIT")
        cursor.close()
    finally:
        connection.close()
    return time.perf_counter() - start


def _cuts(seconds: list[float]) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds."""
    cuts = statistics.quantiles(seconds, n=20, method="inclusive")
    return 1000 * statistics.median(seconds), 1000 * cuts[18]
