"""The benchmark's machinery at a tiny size: every figure comes out as a positive number.

No figure is compared with its goal here; a slow machine must not fail the tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from distro.bench.figures import SizeReport
from distro.bench.handout_history import PAST_ROUNDS, build_distribution
from distro.bench.ledger import build_ledger
from distro.bench.run import BenchOptions, bench_object, run_bench
from distro.bench.stock import ledger_items
from distro.commands.bench import render_table
from distro.domain.admin.checks import check_database
from distro.domain.core.clock import local_date
from distro.domain.core.codes import CodeKind, parse_scan
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.numbering import CodeCounter
from distro.domain.demo import bulk_synthetic
from distro.domain.distribution.models import Handout
from distro.domain.stock.levels import stock_levels
from distro.domain.stock.models import StockLot, StockMovement
from tests.builders.clock import HONG_KONG

pytestmark = pytest.mark.slow  # see pyproject.toml: `dev.py check --fast` leaves it out


def numbers(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every number in a JSON object, with where it is (flags are not figures)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from numbers(item, f"{path}[{index}]")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield path, value


def test_a_tiny_bench_reports_every_figure() -> None:
    options = BenchOptions(repeats=1, warmups=0, samples=6, scans=2, seed=7)
    result = json.loads(json.dumps(run_bench([120], options)))
    size = result["sizes"][0]
    figures = dict(numbers(size))
    assert size["families"] == 120
    assert {"startup", "memory", "search_names", "search_phones", "scan", "access"} <= set(size)
    assert {"edit_plain_ms", "edit_audited_ms", "edit_ratio", "sign_in_ms"} == set(size["access"])
    stock = size["stock"]
    assert (stock["items"], stock["lots"], stock["movements"]) == (12, 300, 3_000)
    assert {"levels_p95_ms", "issue_p95_ms", "bare_insert_p95_ms", "issue_ratio"} <= set(stock)
    handouts = size["handouts"]
    assert (handouts["past_handouts"], handouts["past_lines"]) == (1_200, 6_000)
    assert {"scan_p95_ms", "confirm_p95_ms", "slip_p95_ms", "visits"} <= set(handouts)
    assert len(figures) >= 40
    assert [path for path, value in figures.items() if not value > 0] == []
    assert {check["figure"] for check in size["checks"]} >= {
        "scan to family screen, p95",
        "family edit with audit + role, x without",
        "sign-in with the slow PIN hash",
        "stock levels view ready, p95",
        "stock issue committed, p95",
        "stock issue p95, x bare insert p95",
        "counter scan to entitlement, p95",
        "handout confirm to committed, p95",
        "slip PDF rendered, p95",
    }

    larger = replace(SizeReport.from_dict(size), families=1_000)
    compared = bench_object([SizeReport.from_dict(size), larger])
    assert [path for path, value in numbers(compared["comparisons"]) if not value > 0] == []
    table = render_table(compared)
    assert "1,000 families" in table and "Growth" in table
    assert "stock (12 items, 300 lots, 3,000 movements" in table
    assert "counter: 1,200 past handouts in 10 rounds, 6,000 lines" in table


def test_the_stock_ledger_grows_with_the_registry_up_to_the_issues_size() -> None:
    items_for_families = {5: 10, 120: 12, 19_990: 1_999, 20_000: 2_000, 100_000: 2_000}
    assert {n: ledger_items(n) for n in items_for_families} == items_for_families


def test_the_bench_ledger_is_sound_and_has_stock_on_the_shelves(
    engine: Engine, now: datetime
) -> None:
    item_ids = build_ledger(engine, 20, seed=3, now=now)
    assert check_database(engine) == []
    with reading(engine) as session:
        lots = session.exec(select(func.count()).select_from(StockLot)).one()
        movements = session.exec(select(func.count()).select_from(StockMovement)).one()
        emptied = session.exec(select(func.count()).where(col(StockLot.on_hand) == 0)).one()
        levels = stock_levels(session, today=local_date(now, HONG_KONG))
    assert (lots, movements, emptied) == (500, 5_000, 440)
    assert {level.item_id for level in levels} == set(item_ids)
    assert all(level.on_hand > 0 and level.daily_rate > 0 for level in levels)


def test_the_handout_history_keeps_one_collection_per_round_and_new_slips_after_it(
    engine: Engine, now: datetime
) -> None:
    bulk_synthetic(engine, 30, seed=5, now=now)
    build_ledger(engine, 10, seed=3, now=now)
    history = build_distribution(engine, seed=3, now=now, stock_per_item=50)
    with reading(engine) as session:
        handouts = session.exec(select(Handout)).all()
        counter = session.get(CodeCounter, CodeKind.SLIP.value)
    pairs = {(handout.round_id, handout.family_id) for handout in handouts}
    assert len(handouts) == len(pairs) == history.handouts == 30 * PAST_ROUNDS
    assert counter is not None
    assert counter.last_number >= max(parse_scan(h.code).number for h in handouts)
    twin = handouts[0].model_dump(exclude={"id", "code"}) | {"code": "H-999999-X"}
    with pytest.raises(IntegrityError), unit_of_work(engine) as session:
        session.add(Handout(**twin))
