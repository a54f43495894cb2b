"""The benchmark's machinery at a tiny size: every figure comes out as a positive number.

No figure is compared with its goal here; a slow machine must not fail the tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from distro.bench import BenchOptions, SizeReport, bench_object, run_bench
from distro.commands.bench import render_table


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
    assert len(figures) >= 30
    assert [path for path, value in figures.items() if not value > 0] == []
    assert {check["figure"] for check in size["checks"]} >= {
        "scan to family screen, p95",
        "family edit with audit + role, x without",
        "sign-in with the slow PIN hash",
    }

    larger = replace(SizeReport.from_dict(size), families=1_000)
    compared = bench_object([SizeReport.from_dict(size), larger])
    assert [path for path, value in numbers(compared["comparisons"]) if not value > 0] == []
    table = render_table(compared)
    assert "1,000 families" in table and "Growth" in table
