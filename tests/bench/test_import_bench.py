"""`distro bench --import` at tiny sizes: every file is imported and timed, and the figures
are reported. No figure is compared with its goal here; a slow machine must not fail them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distro.bench.imports import measure_imports
from tests.builders.cli import run_cli


def test_each_file_is_imported_and_timed_and_the_growth_checked() -> None:
    said: list[str] = []

    figures = measure_imports([180, 60], seed=5, progress=said.append)

    assert [run.member_rows for run in figures.runs] == [60, 180]
    assert all(run.households > 0 and run.seconds > 0 for run in figures.runs)
    assert figures.runs[1].households > figures.runs[0].households
    assert figures.growth == pytest.approx(figures.runs[1].seconds / figures.runs[0].seconds)
    assert [(check.figure, check.unit) for check in figures.checks] == [
        ("import 180 member rows", "s"),
        ("import time, 180 x 60 rows", "x"),
    ]
    assert said == ["import of 60 member rows ...", "import of 180 member rows ..."]


def test_the_command_prints_a_table_or_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("distro.bench.imports.IMPORT_ROWS", (40, 80))
    database = str(tmp_path / "unused.sqlite3")

    assert run_cli("--db", database, "bench", "--import") == 0
    table = capsys.readouterr().out
    assert "Importing families files" in table
    assert "     40 member rows (" in table and "ms a row" in table
    assert "import time, 80 x 40 rows" in table

    assert run_cli("--db", database, "bench", "--import", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert [run["member_rows"] for run in result["imports"]["runs"]] == [40, 80]
    assert {"load_average", "cpus"} <= set(result["machine"])
